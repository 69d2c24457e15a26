import Foundation
import LLMDashCore
import PromQL
import TestSupport
import Testing

/// The Prometheus rule-file corpus in `shared/prometheus-rule-files/`: every file gets the verdict its
/// MANIFEST.json entry intends.
@Suite struct RulesManifestTests {
    struct Manifest: Decodable {
        struct Entry: Decodable, Sendable, CustomTestStringConvertible {
            var file: String
            var intended_by_filename: String
            var promtool_2_42: String
            var promtool_rules_found: Int?
            var testDescription: String { file }
        }
        var files: [Entry]
    }

    static let folder = RepoPaths.shared.appendingPathComponent("prometheus-rule-files")

    static let manifest: Manifest = {
        let url = folder.appendingPathComponent("MANIFEST.json")
        guard let data = try? Data(contentsOf: url), let manifest = try? JSONDecoder().decode(Manifest.self, from: data)
        else { fatalError("cannot read \(url.path)") }
        return manifest
    }()

    /// Files whose intended verdict needs switches, as Prometheus's own tests check them.
    static let switches: [String: RuleCheckOptions] = [
        // cmd/promtool/main_test.go runs it with three --enable-feature flags; promtool 3 checks UTF-8 names.
        "cmd__promtool__testdata__features.yml": RuleCheckOptions(
            parser: ParserOptions(experimentalFunctions: true, extendedRangeSelectors: true, binopFillModifiers: true),
            nameValidation: .utf8),
        // model/rulefmt/rulefmt_test.go parses these with model.UTF8Validation.
        "model__rulefmt__testdata__utf-8_annotation.good.yaml": RuleCheckOptions(nameValidation: .utf8),
        "model__rulefmt__testdata__utf-8_lname.good.yaml": RuleCheckOptions(nameValidation: .utf8),
    ]

    /// Where the file name's good/bad does not describe a static check.
    static let overrides: [String: (valid: Bool, reason: String)] = [
        "cmd__promtool__testdata__bad-rules-error.yml": (
            true,
            "`join_1 + on(a) join_2` is valid PromQL; it fails only when evaluated over series that match many-to-many "
                + "(bad-rules-error-test.yml, a `promtool test rules` case). Both promtool 2.42 and 3.x check it as valid."
        )
    ]

    static func intendedValid(_ entry: Manifest.Entry) -> Bool {
        if let override = overrides[entry.file] { return override.valid }
        return entry.intended_by_filename == "valid"
    }

    @Test func manifestListsTheWholeCorpus() throws {
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)
            .filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted()
        #expect(Self.manifest.files.map(\.file).sorted() == onDisk)
        #expect(onDisk.count == 45)
        for name in Array(Self.switches.keys) + Array(Self.overrides.keys) {
            #expect(onDisk.contains(name), "\(name) is not in the corpus")
        }
    }

    @Test(arguments: manifest.files)
    func verdictMatchesTheIntent(_ entry: Manifest.Entry) {
        let path = Self.folder.appendingPathComponent(entry.file).path
        let result = RuleFileChecker.check(path: path, options: Self.switches[entry.file] ?? RuleCheckOptions())
        let errors = result.diagnostics.filter { $0.severity == .error }.map(\.description)
        #expect(
            result.isValid == Self.intendedValid(entry),
            "\(entry.file): intended \(Self.intendedValid(entry) ? "valid" : "invalid"), got \(errors)")
        if let found = entry.promtool_rules_found {
            #expect(result.ruleCount == found, "\(entry.file): promtool found \(found) rules")
        }
        // Every finding points into the file.
        for d in result.diagnostics where d.severity == .error {
            #expect(d.location?.file == path && (d.location?.line ?? 0) >= 1, "\(d)")
        }
    }

    /// The switches are what makes those files pass: without them they fail, as on promtool 2.42.
    @Test(arguments: Array(switches.keys).sorted())
    func filesThatNeedSwitchesFailWithoutThem(_ file: String) {
        let result = RuleFileChecker.check(path: Self.folder.appendingPathComponent(file).path)
        #expect(!result.isValid)
        let entry = Self.manifest.files.first { $0.file == file }
        #expect(entry?.promtool_2_42.hasPrefix("error") == true)
    }

    /// The same text is valid under one naming scheme and not the other, as in Prometheus's rulefmt tests.
    @Test func legacyAndUTF8AnnotationNames() throws {
        let bad = Self.folder.appendingPathComponent("model__rulefmt__testdata__legacy_validation_annotation.bad.yaml")
        let good = Self.folder.appendingPathComponent("model__rulefmt__testdata__utf-8_annotation.good.yaml")
        #expect(try Data(contentsOf: bad) == Data(contentsOf: good))
        let legacy = RuleFileChecker.check(path: bad.path)
        #expect(legacy.diagnostics.map(\.id) == ["rules.annotation-name"])
        #expect(legacy.diagnostics.first?.message == "invalid annotation name: ins-tance")
        #expect(RuleFileChecker.check(path: bad.path, options: RuleCheckOptions(nameValidation: .utf8)).isValid)
    }

    @Test func unknownFieldsPassWhenIgnored() {
        let path = Self.folder.appendingPathComponent("cmd__promtool__testdata__rules_extrafields.yml").path
        let strict = RuleFileChecker.check(path: path)
        #expect(strict.diagnostics.map(\.id) == ["rules.unknown-key", "rules.unknown-key"])
        #expect(strict.diagnostics.map { $0.location?.line } == [7, 21])
        let lenient = RuleFileChecker.check(path: path, options: RuleCheckOptions(ignoreUnknownFields: true))
        #expect(lenient.isValid && lenient.diagnostics.isEmpty && lenient.ruleCount == 5)
    }

    /// promtool's duplicate lint: the same name and labels anywhere in the file, group labels included.
    @Test func duplicateRulesAreWarnings() {
        let path = Self.folder.appendingPathComponent("cmd__promtool__testdata__rules_duplicates.yml").path
        let result = RuleFileChecker.check(path: path)
        #expect(result.isValid)
        #expect(result.diagnostics.map(\.id) == ["rules.duplicate-rule", "rules.duplicate-rule"])
        #expect(result.diagnostics.map { $0.location?.line } == [18, 23])
        let quiet = RuleFileChecker.check(path: path, options: RuleCheckOptions(lintDuplicateRules: false))
        #expect(quiet.diagnostics.isEmpty)

        let large = RuleFileChecker.check(
            path: Self.folder.appendingPathComponent("cmd__promtool__testdata__rules_large.yml").path)
        #expect(large.ruleCount == 10_002)
        #expect(large.diagnostics.map { $0.location?.line } == [8, 40_008])
    }

    /// Anchors, aliases and `<<` merges are read as Prometheus's YAML library reads them.
    @Test func aliasesAndMergeKeys() throws {
        let path = Self.folder.appendingPathComponent("model__rulefmt__testdata__test_aliases.yaml").path
        let result = RuleFileChecker.check(path: path)
        #expect(result.isValid, "\(result.diagnostics)")
        let expr =
            "sum without(instance) (rate(errors_total[5m]))\n/\nsum without(instance) (rate(requests_total[5m]))\n"
        #expect(result.file.groups.count == 2)
        for group in result.file.groups {
            let rules = group.rules
            try #require(rules.count == 4)
            #expect(rules.map(\.name) == ["HighAlert", "new_metric", "HighAlert", "HighAlert2"])
            #expect(rules[1].record == "new_metric" && rules[1].alert == nil)
            #expect(rules[3].labels == [RuleLabel(name: "severity", value: "critical")])
            #expect(rules[3].for == PrometheusDuration(milliseconds: 300_000))
            for rule in rules { #expect(rule.expr == expr) }
        }
    }

    @Test func modelOfAFile() throws {
        let path = Self.folder.appendingPathComponent("model__rulefmt__testdata__test.yaml").path
        let file = RuleFileChecker.check(path: path).file
        #expect(file.groups.map(\.name) == ["my-group-name", "my-another-name"])
        #expect(
            file.groups.map(\.interval) == [
                PrometheusDuration(milliseconds: 30_000), PrometheusDuration(milliseconds: 30_000),
            ])
        let first = try #require(file.groups.first?.rules.first)
        #expect(first.alert == "HighErrors")
        #expect(first.for?.description == "5m")
        #expect(
            first.annotations == [
                RuleLabel(name: "description", value: "stuff's happening with {{ $.labels.service }}")
            ])
        #expect(first.location?.line == 5 && first.location?.column == 9)
        #expect(file.groups[0].rules[1].labels.map(\.name) == ["abc", "uvw"])
    }
}

import Foundation
import TestSupport
import Testing

/// `llmdash rules check` side by side with the real `promtool check rules` (Debian's prometheus 2.42, installed
/// by scripts/test), on the same files: the verdicts must agree wherever 2.42's verdict is the intended one.
@Suite struct RulesPromtoolTests {
    static let corpus = RepoPaths.shared.appendingPathComponent("prometheus-rule-files")

    static let promtool: String? = ["/usr/bin/promtool", "/usr/local/bin/promtool", "/bin/promtool"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    struct Entry: Decodable, Sendable, CustomTestStringConvertible {
        var file: String
        var intended_by_filename: String
        var promtool_2_42: String
        var testDescription: String { file }
    }

    struct Manifest: Decodable { var files: [Entry] }

    /// Files whose intended verdict is 2.42's: the name says valid and 2.42 passes it, or invalid and it fails.
    /// (bad-rules-error.yml fails only when evaluated; both tools pass it, see RulesManifestTests.)
    static let comparable: [Entry] = {
        let url = corpus.appendingPathComponent("MANIFEST.json")
        guard let data = try? Data(contentsOf: url), let manifest = try? JSONDecoder().decode(Manifest.self, from: data)
        else { return [] }
        return manifest.files.filter { entry in
            let intendedValid =
                entry.file == "cmd__promtool__testdata__bad-rules-error.yml" || entry.intended_by_filename == "valid"
            return intendedValid == (entry.promtool_2_42 == "ok")
        }
    }()

    struct PromtoolMissing: Error, CustomStringConvertible {
        var description: String { "promtool is not installed (scripts/test installs Debian's prometheus package)" }
    }

    static func promtoolCheck(_ path: String) throws -> RunResult {
        guard let promtool else { throw PromtoolMissing() }
        return try Run.process(promtool, ["check", "rules", path])
    }

    static func rulesFound(_ stdout: String) -> Int? {
        guard let range = stdout.range(of: "SUCCESS: ") else { return nil }
        return Int(stdout[range.upperBound...].prefix { $0.isNumber })
    }

    @Test func mostOfTheCorpusIsComparable() {
        #expect(Self.comparable.count == 42)
    }

    @Test(arguments: comparable)
    func corpusVerdictAgreesWithPromtool(_ entry: Entry) throws {
        let path = Self.corpus.appendingPathComponent(entry.file).path
        let theirs = try Self.promtoolCheck(path)
        let ours = try Run.llmdash(["rules", "check", path])
        #expect(theirs.status == 0 || theirs.status == 1, "promtool: \(theirs.stderr)")
        #expect(
            (ours.status == 0) == (theirs.status == 0),
            "promtool exit \(theirs.status): \(theirs.stderr)\nllmdash exit \(ours.status): \(ours.stderr)")
        #expect((theirs.status == 0) == (entry.promtool_2_42 == "ok"), "promtool no longer gives the recorded verdict")
        if let n = Self.rulesFound(theirs.stdout) {
            #expect(Self.rulesFound(ours.stdout) == n)
        }
    }

    /// Small files, each with one problem (or none): both tools give the same verdict, and it is the expected one.
    static let snippets: [(name: String, valid: Bool, yaml: String)] = {
        func alert(_ annotation: String) -> String {
            "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n        annotations:\n"
                + "          summary: '\(annotation.replacingOccurrences(of: "'", with: "''"))'\n"
        }
        func rule(_ body: String) -> String { "groups:\n  - name: g\n    rules:\n" + body }
        return [
            (
                "template: good", true,
                alert("{{ $labels.job }} at {{ $value | humanize }} {{ if gt $value 1.0 }}x{{ end }}")
            ),
            ("template: range and break", true, alert("{{ range $i, $s := query \"up\" }}{{ break }}{{ end }}")),
            (
                "template: define and template", true,
                alert("{{ define \"t\" }}{{ . }}{{ end }}{{ template \"t\" $labels }}")
            ),
            ("template: numbers and chars", true, alert("{{ 0x1F }} {{ 1_000 }} {{ 'a' }} {{ '\\x41' }} {{ -2.5e3 }}")),
            ("template: trim markers and comments", true, alert("{{- $labels.a -}} {{/* c */}} {{- /* d */ -}}")),
            ("template: undefined variable", false, alert("{{ $label.job }}")),
            ("template: unknown function", false, alert("{{ $value | humanise }}")),
            ("template: single closing brace", false, alert("{{ $labels.job }")),
            ("template: unclosed action", false, alert("{{ $labels.job")),
            ("template: missing end", false, alert("{{ if $value }}x")),
            ("template: stray end", false, alert("x{{ end }}")),
            ("template: break outside range", false, alert("{{ break }}")),
            ("template: malformed char", false, alert("{{ 'ab' }}")),
            ("template: bad number", false, alert("{{ 1__0 }}")),
            ("template: variable out of scope", false, alert("{{ if 1 }}{{ $x := 1 }}{{ end }}{{ $x }}")),
            (
                "template: label template", false,
                rule("      - alert: A\n        expr: up\n        labels: {s: '{{ .x'}\n")
            ),
            (
                "template: ignored in recording rules", true,
                rule("      - record: a\n        expr: up\n        labels: {s: '{{'}\n")
            ),
            ("expr: syntax error", false, rule("      - record: a\n        expr: sum(up\n")),
            ("expr: type error", false, rule("      - record: a\n        expr: rate(up)\n")),
            ("expr: bad regex", false, rule("      - record: a\n        expr: up{job=~\"(\"}\n")),
            ("expr: missing", false, rule("      - record: a\n")),
            ("record and alert", false, rule("      - record: a\n        alert: A\n        expr: up\n")),
            ("neither record nor alert", false, rule("      - expr: up\n")),
            ("record name", false, rule("      - record: a-b\n        expr: up\n")),
            ("for in a recording rule", false, rule("      - record: a\n        expr: up\n        for: 1m\n")),
            (
                "annotations in a recording rule", false,
                rule("      - record: a\n        expr: up\n        annotations: {a: b}\n")
            ),
            ("duration without unit", false, rule("      - alert: A\n        expr: up\n        for: 5\n")),
            ("duration out of order", false, rule("      - alert: A\n        expr: up\n        for: 1m1h\n")),
            (
                "duration good", true,
                rule("      - alert: A\n        expr: up\n        for: 1h30m\n        keep_firing_for: 0\n")
            ),
            ("label name", false, rule("      - record: a\n        expr: up\n        labels: {a-b: c}\n")),
            ("label __name__", false, rule("      - record: a\n        expr: up\n        labels: {__name__: c}\n")),
            ("annotation name", false, rule("      - alert: A\n        expr: up\n        annotations: {a b: c}\n")),
            ("unknown rule key", false, rule("      - record: a\n        expr: up\n        lables: {a: b}\n")),
            ("unknown group key", false, "groups:\n  - name: g\n    owner: me\n    rules: []\n"),
            ("unknown top key", false, "groups: []\nnamespace: x\n"),
            ("repeated group", false, "groups:\n  - name: g\n  - name: g\n"),
            ("empty group name", false, "groups:\n  - name: ''\n"),
            ("limit not a number", false, "groups:\n  - name: g\n    limit: many\n"),
            ("rules not a list", false, "groups:\n  - name: g\n    rules: {a: b}\n"),
            ("not a mapping", false, "- groups\n"),
            ("empty file", true, ""),
            ("second document ignored", true, "groups: []\n---\ngroups: [{name: ''}]\n"),
            (
                "duplicate rules are only a lint", true,
                rule("      - record: a\n        expr: up\n      - record: a\n        expr: up\n")
            ),
            (
                "anchors and merges", true,
                rule("      - &r {record: a, expr: up, labels: {x: y}}\n      - <<: *r\n        record: b\n")
            ),
        ]
    }()

    @Test func snippetsAgreeWithPromtool() throws {
        let dir = try Run.temporaryDirectory("llmdash-promtool")
        defer { try? FileManager.default.removeItem(at: dir) }
        for (index, snippet) in Self.snippets.enumerated() {
            let path = dir.appendingPathComponent("s\(index).yml").path
            try Data(snippet.yaml.utf8).write(to: URL(fileURLWithPath: path))
            let theirs = try Self.promtoolCheck(path)
            let ours = try Run.llmdash(["rules", "check", path])
            #expect((theirs.status == 0) == snippet.valid, "promtool on \(snippet.name): \(theirs.stderr)")
            #expect((ours.status == 0) == snippet.valid, "llmdash on \(snippet.name): \(ours.stderr)")
            #expect(!ours.crashed)
        }
    }
}

import TestSupport
import Testing

@testable import LLMDashCore

/// The checks remember per-query work across dashboards; what they report must still depend only on each
/// file: its own positions, its own variables.
@Suite struct CheckReuseTests {
    /// A dashboard `uid` whose one panel's query is written as `expr` (already quoted as YAML), after `padding`
    /// comment lines, with the given variables.
    static func document(
        _ uid: String, expr: String, legend: String, padding: Int = 0, variables: String = ""
    ) -> String {
        String(repeating: "# filler\n", count: padding)
            + "apiVersion: llmdash/v1\nkind: Dashboard\nmetadata: {uid: \(uid), title: Reuse \(uid)}\nspec:\n"
            + "  backend: vllm\n" + variables
            + "  panels:\n    - timeseries:\n        title: Tokens\n        queries:\n"
            + "          - {expr: \(expr), legend: '\(legend)'}\n"
    }

    /// The location of the first occurrence of `needle` in `file`.
    static func location(of needle: String, in file: SourceFile) -> LLMDashCore.SourceLocation? {
        guard let found = file.text.utf8.firstRange(of: needle.utf8) else { return nil }
        return file.location(ofByte: file.text.utf8.distance(from: file.text.utf8.startIndex, to: found.lowerBound))
    }

    @Test func repeatedQueriesAreReportedAtEachFilesOwnPosition() {
        let query = "sum(rate(vllm:generation_tokens[30s]))"
        let files = [
            SourceFile(path: "a.yaml", text: Self.document("a", expr: "'\(query)'", legend: "{{model_name}}")),
            SourceFile(
                path: "b.yaml", text: Self.document("b", expr: "\"\(query)\"", legend: "{{model_name}}", padding: 3)),
            SourceFile(path: "c.yaml", text: Self.document("c", expr: "\"  \(query)\"", legend: "{{model_name}}")),
        ]
        let diagnostics = Compiler.build(files: files).diagnostics
        for file in files {
            let own = diagnostics.filter { $0.location?.file == file.path }
            #expect(own.map(\.id) == ["lint.unknown-metric", "lint.legend-label", "lint.rate-window"], "\(own)")
            #expect(
                own.map(\.location) == [
                    Self.location(of: "vllm:generation_tokens", in: file), Self.location(of: "sum(", in: file),
                    Self.location(of: "30s", in: file),
                ])
        }
    }

    @Test func theSameQueryTextFollowsEachDashboardsVariables() {
        // With `group` defined the grouping is unknown and the legend may be right; without it, `$group` is
        // no variable and the query does not parse.
        let expr = "'sum by ($group) (vllm:num_requests_running)'"
        let defined = "  variables:\n    - custom: {name: group, values: [model_name, instance]}\n"
        let files = [
            SourceFile(
                path: "with.yaml", text: Self.document("with", expr: expr, legend: "{{job}}", variables: defined)),
            SourceFile(path: "without.yaml", text: Self.document("without", expr: expr, legend: "{{job}}")),
            SourceFile(
                path: "again.yaml", text: Self.document("again", expr: expr, legend: "{{job}}", variables: defined)),
        ]
        let all = Compiler.build(files: files).diagnostics
        let others = all.filter { $0.location?.file != "without.yaml" }
        #expect(others.isEmpty, "\(others)")
        let without = all.filter { $0.location?.file == "without.yaml" }
        #expect(!without.isEmpty)
        #expect(without.allSatisfy { $0.severity == .error }, "\(without)")
        // The same files one at a time report the same.
        let alone = files.flatMap { Compiler.build(files: [$0]).diagnostics }
        #expect(alone == all)
    }

    /// The identity table grows past the capacity it was made for, and still finds every key and id.
    @Test func identityTableGrowsPastItsCapacity() {
        var table = IdentityTable(capacity: 0)
        var diagnostics: [Diagnostic] = []
        let ids = (0..<200).map { table.claim(key: "k\($0)", explicit: nil, location: nil, &diagnostics) }
        #expect(ids == (0..<200).map { IdentityTable.hash("k\($0)") })
        #expect(table.claim(key: "k5", explicit: nil, location: nil, &diagnostics) == ids[5])
        #expect(table.claim(key: "other", explicit: ids[7], location: nil, &diagnostics) == ids[7])
        #expect(diagnostics.map(\.id) == ["spec.duplicate-key", "spec.duplicate-id"])
        #expect(diagnostics.last?.message == "panel id \(ids[7]) of 'other' is already used by 'k7'")
    }

    @Test func asciiSlugsMatchTheGeneralRule() {
        var random = TestSupport.SplitMix64(seed: 7)
        let alphabet = Array("aZ09 -_/.&()Tok!".utf8)
        for _ in 0..<2000 {
            let length = Int.random(in: 0...24, using: &random)
            let text = String(
                decoding: (0..<length).map { _ in alphabet.randomElement(using: &random)! }, as: UTF8.self)
            #expect(Slug.asciiSlug(text) == Slug.unicodeSlug(text), "\(text)")
        }
        #expect(Slug.make("TTFT p99 (Canary)") == "ttft-p99-canary")
        #expect(Slug.make("  ") == "untitled")
        #expect(Slug.asciiSlug("Latenz über Zeit") == nil)
        #expect(Slug.make("Latenz Über Zeit") == "latenz-über-zeit")
    }

    @Test func variableNames() {
        for name in ["a", "_", "model_name", "Model2", "__x", "x_1_Y"] {
            #expect(VariableName.isValid(name), "\(name)")
        }
        for name in ["", "1a", "9", "a-b", "a b", "müde", "é", "a.b", "$a", "a\n"] {
            #expect(!VariableName.isValid(name), "\(name)")
        }
    }

    @Test func thresholdOrder() {
        func warned(_ values: [Double?]) -> Bool {
            var panel = PanelSpec(type: .stat, title: "T")
            panel.field.thresholds = values.map { ThresholdStep("green", $0) }
            return !ThresholdsOrderLint.check(panel).isEmpty
        }
        #expect(!warned([nil, 1, 2]))
        #expect(!warned([nil, 1, 1]))
        #expect(!warned([nil]))
        #expect(!warned([-.infinity, 0, .infinity]))
        #expect(warned([nil, 2, 1]))
        #expect(warned([nil, 1, 3, 2]))
        #expect(warned([nil, .nan, 1]))
    }
}

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

    /// Explicit ids (zero, negative, taken by a hashed id), repeated keys and empty or non-ASCII keys give the ids
    /// and diagnostics of the two dictionaries the table stands for.
    @Test func identityTableMatchesDictionaries() {
        var random = TestSupport.SplitMix64(seed: 11)
        let keys = ["", "é", "a", "b", "row:x", "x/é", "k1", "k2"] + (0..<60).map { "p\($0)" }
        var table = IdentityTable(capacity: 4)
        var byKey: [String: LLMDashCore.SourceLocation?] = [:]
        var byID: [Int: String] = [:]
        var diagnostics: [Diagnostic] = []
        var expected: [String] = []
        for step in 0..<400 {
            let key = keys[Int(random.next() % UInt64(keys.count))]
            let location = LLMDashCore.SourceLocation(file: "f", line: step + 1, column: 1)
            let explicitIDs = [0, -3, 1, 2, IdentityTable.hash("p1"), IdentityTable.hash("a")]
            let explicit = random.next() % 4 == 0 ? explicitIDs[Int(random.next() % 6)] : nil
            let id = table.claim(key: key, explicit: explicit, location: location, &diagnostics)
            if let first = byKey.updateValue(location, forKey: key) {
                byKey[key] = first
                expected.append("spec.duplicate-key \(key) \(first.map { "\($0)" } ?? "")")
            }
            if let explicit {
                if explicit < 1 { expected.append("spec.id") }
                if let other = byID.updateValue(key, forKey: explicit), other != key {
                    expected.append("spec.duplicate-id \(explicit) \(key) \(other)")
                }
                #expect(id == explicit)
                continue
            }
            var hashed = IdentityTable.hash(key)
            var probe = 0
            while let other = byID[hashed], other != key {
                probe += 1
                hashed = IdentityTable.hash(key + "#\(probe)")
            }
            byID[hashed] = key
            #expect(id == hashed, "\(key)")
        }
        let got = diagnostics.map { d -> String in
            switch d.id {
            case "spec.duplicate-key":
                let key = d.message.split(separator: "'", omittingEmptySubsequences: false)[1]
                let other = d.notes.first { $0.hasPrefix("the other is at ") }?.dropFirst(16) ?? ""
                return "spec.duplicate-key \(key) \(other)"
            case "spec.duplicate-id":
                let parts = d.message.split(separator: "'", omittingEmptySubsequences: false)
                let id = d.message.split(separator: " ")[2]
                return "spec.duplicate-id \(id) \(parts[1]) \(parts[3])"
            default: return d.id
            }
        }
        #expect(got == expected)
        #expect(expected.contains { $0.hasPrefix("spec.duplicate-id") })
    }

    /// The variables a query's key holds are those the string-based scan finds, whatever surrounds a reference:
    /// names that start others, a reference at the very end, a lone or doubled `$`, non-ASCII text, queries
    /// shorter and longer than a word.
    @Test func queryKeysFindTheVariablesTheStringScanFinds() {
        let names = ["a", "ab", "abc", "b", "job", "x_1", "é", "a"]
        let variables = names.map { VariableSpec(kind: .custom, name: $0) }
        let keys = QueryKeys.of(variables, options: .default)
        let pieces = [
            "$", "$$", "${", "}", "[[", "]]", "[", "$a", "$ab", "$abc", "${ab}", "${ab:raw}", "[[abc]]", "$abcd",
            "$b", "é", "$é", "€$", "$x_1", "$x_", "x", " ", "rate(up[5m])", "${job:regex}", "$$a", "[[[a]]", "$1",
        ]
        var random = TestSupport.SplitMix64(seed: 5)
        var queries = pieces + pieces.map { "sum(up) " + $0 } + pieces.map { $0 + "$" }
        for _ in 0..<2_000 {
            queries.append(
                (0..<Int(random.next() % 7)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }
                    .joined())
        }
        let set = Set(names)
        for query in queries {
            #expect(keys.key(query).variables == QueryCache.mentioned(in: query, of: set), "\(query)")
            #expect(
                keys.key(query, excluding: "ab").variables
                    == QueryCache.mentioned(in: query, of: set, excluding: "ab"), "\(query)")
        }
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

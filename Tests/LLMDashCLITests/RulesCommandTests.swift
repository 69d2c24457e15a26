import Foundation
import TestSupport
import Testing

/// `llmdash rules check`, end to end with the built binary.
@Suite struct RulesCommandTests {
    static let corpus = RepoPaths.shared.appendingPathComponent("prometheus-rule-files")

    static func corpusFile(_ name: String) -> String { corpus.appendingPathComponent(name).path }

    static func write(_ files: [String: String]) throws -> URL {
        let dir = try Run.temporaryDirectory("llmdash-rules")
        for (name, text) in files {
            try Data(text.utf8).write(to: dir.appendingPathComponent(name))
        }
        return dir
    }

    @Test func validFilesPrintPromtoolsSuccessLines() throws {
        let result = try Run.llmdash([
            "rules", "check", Self.corpusFile("cmd__promtool__testdata__rules.yml"),
            Self.corpusFile("rules__fixtures__rules_multiple_groups.yaml"),
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stdout == """
                Checking \(Self.corpusFile("cmd__promtool__testdata__rules.yml"))
                  SUCCESS: 5 rules found

                Checking \(Self.corpusFile("rules__fixtures__rules_multiple_groups.yaml"))
                  SUCCESS: 10 rules found


                """)
        #expect(result.stderr.isEmpty)
    }

    @Test func everyErrorOfSeveralFilesIsReportedInOneRun() throws {
        let dir = try Self.write([
            "a.yml": """
            groups:
              - name: latency
                rules:
                  - record: llm:ttft_seconds:p99_5m
                    expr: histogram_quantile(0.99, sum by (le) (rate(ttft_bucket[5m]))
                  - record: bad name
                    expr: up
            """,
            "b.yml": """
            groups:
              - name: alerts
                rules:
                  - alert: TTFTHigh
                    expr: |
                      llm:ttft_seconds:p99_5m
                        > on(model) group_left rate(x)
                    for: 5
                    annotations:
                      summary: "{{ $labels.model }"
            """,
            "ok.yml": "groups:\n  - name: g\n    rules:\n      - record: a:b:c\n        expr: vector(1)\n",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try Run.llmdash(["rules", "check", "a.yml", "ok.yml", "b.yml"], in: dir)
        #expect(result.status == 1)
        #expect(result.stdout == "Checking a.yml\n\nChecking ok.yml\n  SUCCESS: 1 rules found\n\nChecking b.yml\n\n")
        let located = result.stderr.split(separator: "\n").filter { $0.contains(": error: ") }.map { line in
            String(line.prefix { $0 != " " })
        }
        #expect(located == ["a.yml:5:75:", "a.yml:6:17:", "b.yml:7:41:", "b.yml:8:14:", "b.yml:10:38:"])
        #expect(result.stderr.contains("  FAILED:\na.yml:5:75: error: unclosed left parenthesis [promql.lexical]"))
        #expect(
            result.stderr.contains(
                "7 |             > on(model) group_left rate(x)\n  | " + String(repeating: " ", count: 40) + "^\n"))
        #expect(result.stderr.hasSuffix("5 errors, 0 warnings\n"))
    }

    @Test func missingFileIsAnIOErrorButTheOthersAreStillChecked() throws {
        let result = try Run.llmdash([
            "rules", "check", "/nonexistent/rules.yml", Self.corpusFile("model__rulefmt__testdata__noexpr.bad.yaml"),
            Self.corpusFile("rules__fixtures__rules.yaml"),
        ])
        #expect(result.status == 2)
        #expect(
            result.stderr.contains("error: cannot read /nonexistent/rules.yml: No such file or directory [io.read]"))
        #expect(
            result.stderr.contains("noexpr.bad.yaml:4:9: error: field 'expr' must be set in rule [rules.missing-expr]"))
        #expect(result.stdout.contains("  SUCCESS: 1 rules found"))
    }

    @Test func jsonOutput() throws {
        let result = try Run.llmdash([
            "rules", "check", "--format", "json", Self.corpusFile("model__rulefmt__testdata__bad_expr.bad.yaml"),
            Self.corpusFile("cmd__promtool__testdata__prometheus-rules.lint.yml"),
        ])
        #expect(result.status == 1)
        #expect(result.stderr.isEmpty)
        let json = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["valid"] as? Bool == false)
        #expect(json["errors"] as? Int == 1 && json["warnings"] as? Int == 1)
        let files = try #require(json["files"] as? [[String: Any]])
        #expect(files.map { $0["status"] as? String } == ["failed", "success"])
        #expect(files.map { $0["rules"] as? Int } == [1, 2])
        let diagnostics = try #require(files.first?["diagnostics"] as? [[String: Any]])
        let d = try #require(diagnostics.first)
        #expect(d["file"] as? String == Self.corpusFile("model__rulefmt__testdata__bad_expr.bad.yaml"))
        #expect(d["line"] as? Int == 5 && d["column"] as? Int == 20)
        #expect(d["severity"] as? String == "error" && d["id"] as? String == "promql.type-mismatch")
        #expect(
            d["message"] as? String == "expected type range vector in call to function \"rate\", got instant vector")
        let warning = try #require((files.last?["diagnostics"] as? [[String: Any]])?.first)
        #expect(warning["severity"] as? String == "warning" && warning["id"] as? String == "rules.duplicate-rule")
        #expect(warning["line"] as? Int == 11)
        // Keys are sorted and the output is the same every time.
        let again = try Run.llmdash([
            "rules", "check", "--format", "json", Self.corpusFile("model__rulefmt__testdata__bad_expr.bad.yaml"),
            Self.corpusFile("cmd__promtool__testdata__prometheus-rules.lint.yml"),
        ])
        #expect(again.stdout == result.stdout)
        #expect(result.stdout.hasPrefix("{\n  \"errors\": 1,\n  \"files\": ["))
    }

    @Test func featureSwitchesAndNameSchemeMakeTheFeaturesFilePass() throws {
        let file = Self.corpusFile("cmd__promtool__testdata__features.yml")
        let plain = try Run.llmdash(["rules", "check", file])
        #expect(plain.status == 1)
        #expect(plain.stderr.contains("[promql.feature-disabled]") && plain.stderr.contains("[rules.record-name]"))
        let enabled = try Run.llmdash([
            "rules", "check", "--enable-feature=promql-experimental-functions,promql-extended-range-selectors",
            "--enable-feature", "promql-binop-fill-modifiers", "--name-validation-scheme", "utf8", file,
        ])
        #expect(enabled.status == 0, "\(enabled.stderr)")
        #expect(enabled.stdout.contains("  SUCCESS: 4 rules found"))
    }

    @Test(arguments: [
        ["rules", "check", "--enable-feature=promql-experimental-function", "x.yml"],
        ["rules", "check", "--enable-feature=promql-at-modifier", "x.yml"],
        ["rules", "check", "--name-validation-scheme", "ascii", "x.yml"],
        ["rules", "check", "--format", "yaml", "x.yml"],
        ["rules", "check"],
    ])
    func usageErrorsExitWith2(_ arguments: [String]) throws {
        let result = try Run.llmdash(arguments)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func unknownFeatureSuggestsTheRightName() throws {
        let result = try Run.llmdash(["rules", "check", "--enable-feature=promql-experimental-function", "x.yml"])
        #expect(result.stderr.contains("unknown feature 'promql-experimental-function'"))
        #expect(result.stderr.contains("did you mean 'promql-experimental-functions'?"))
    }

    @Test func duplicatesAreWarningsUnlessStrictOrLintedOff() throws {
        let file = Self.corpusFile("cmd__promtool__testdata__rules_duplicates.yml")
        let normal = try Run.llmdash(["rules", "check", file])
        #expect(normal.status == 0)
        #expect(normal.stdout.contains("SUCCESS: 5 rules found"))
        #expect(normal.stderr.contains(":18:17: warning: duplicate rule \"job:test:count_over_time1m\""))
        let strict = try Run.llmdash(["rules", "check", "--strict", file])
        #expect(strict.status == 1)
        let quiet = try Run.llmdash(["rules", "check", "--lint", "none", "--strict", file])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty)
    }

    @Test func ignoreUnknownFields() throws {
        let file = Self.corpusFile("cmd__promtool__testdata__rules_extrafields.yml")
        #expect(try Run.llmdash(["rules", "check", file]).status == 1)
        #expect(try Run.llmdash(["rules", "check", "--ignore-unknown-fields", file]).status == 0)
    }

    @Test func standardInput() throws {
        let text = "groups:\n  - name: g\n    rules:\n      - record: a\n        expr: rate(x)\n"
        let result = try Run.llmdash(["rules", "check", "-"], input: text)
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("Checking <stdin>\n"))
        #expect(result.stderr.contains("<stdin>:5:20: error: expected type range vector"))
        let ok = try Run.llmdash(["rules", "check", "-"], input: "groups: []\n")
        #expect(ok.status == 0 && ok.stdout.contains("SUCCESS: 0 rules found"))
    }

    @Test func emptyAndJunkFiles() throws {
        let dir = try Self.write([
            "empty.yml": "", "junk.yml": "this is not : a rule file : at all\n", "bin.yml": "\u{1}\u{2}",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = try Run.llmdash(["rules", "check", "empty.yml"], in: dir)
        #expect(empty.status == 0)
        #expect(empty.stdout.contains("SUCCESS: 0 rules found"))
        #expect(empty.stderr.contains("warning: the file holds no rule groups"))
        let junk = try Run.llmdash(["rules", "check", "junk.yml", "bin.yml"], in: dir)
        #expect(junk.status == 1 && !junk.crashed)
        #expect(junk.stderr.contains("junk.yml:1:"))
        #expect(junk.stderr.contains("bin.yml:1:"))
    }
}

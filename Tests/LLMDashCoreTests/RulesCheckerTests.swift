import LLMDashCore
import TestSupport
import Testing

/// Bad rule files: each kind of problem, reported at its exact line:column, all of a file's problems at once.
@Suite struct RulesCheckerTests {
    static func check(_ yaml: String, options: RuleCheckOptions = .init()) -> RuleCheckResult {
        RuleFileChecker.check(SourceFile(path: "rules.yml", text: yaml), options: options)
    }

    static func summary(_ diagnostics: [Diagnostic]) -> [String] {
        diagnostics.map { d in
            "\(d.location.map { "\($0.line):\($0.column)" } ?? "-") \(d.severity.rawValue) \(d.id)"
        }
    }

    /// `line:column` of the n-th occurrence (1-based) of `marker` in `text`; records an issue when it is missing.
    static func position(of marker: String, occurrence: Int = 1, in text: String) -> String {
        let found = markerPosition(of: marker, occurrence: occurrence, in: text)
        if found == "?" { Issue.record("marker '\(marker)' not found") }
        return found
    }

    /// A bad file and where each finding must point: `(marker, "severity id")` at the marker's first occurrence,
    /// or `marker#n` for the n-th. Findings are listed in file order.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var yaml: String
        var expected: [(String, String)]
        var options: RuleCheckOptions = .init()
        var testDescription: String { name }

        func expectedSummary() -> [String] {
            expected.map { marker, what in
                let parts = marker.split(separator: "#", maxSplits: 1)
                let n = parts.count == 2 ? Int(parts[1]) ?? 1 : 1
                return "\(RulesCheckerTests.position(of: String(parts[0]), occurrence: n, in: yaml)) \(what)"
            }
        }
    }

    static func rule(_ body: String) -> String { "groups:\n  - name: g\n    rules:\n" + body }

    static let cases: [Case] = [
        Case(
            name: "unknown top-level key",
            yaml: "namespace: team\ngroups: []\n",
            expected: [("namespace", "error rules.unknown-key")]),
        Case(
            name: "unknown group key and rule key",
            yaml: "groups:\n  - name: g\n    evaluation_interval: 1m\n    rules:\n      - record: a\n        expr: up\n"
                + "        annotation: {x: y}\n",
            expected: [("evaluation_interval", "error rules.unknown-key"), ("annotation", "error rules.unknown-key")]),
        Case(
            name: "empty group name",
            yaml: "groups:\n  - name: ''\n    rules: []\n  - rules: []\n",
            expected: [("''", "error rules.group-name"), ("rules: []#2", "error rules.group-name")]),
        Case(
            name: "repeated group name",
            yaml: "groups:\n  - name: a\n  - name: b\n  - {name: a, rules: []}\n",
            expected: [("a, rules", "error rules.duplicate-group")]),
        Case(
            name: "both record and alert",
            yaml: rule("      - record: r\n        alert: A\n        expr: up\n"),
            expected: [("r\n", "error rules.record-and-alert")]),
        Case(
            name: "neither record nor alert",
            yaml: rule("      - expr: up\n        labels: {a: b}\n"),
            expected: [("expr", "error rules.no-record-or-alert")]),
        Case(
            name: "missing and empty expr",
            yaml: rule("      - record: a\n      - record: b\n        expr: ''\n"),
            expected: [("record: a", "error rules.missing-expr"), ("''", "error rules.missing-expr")]),
        Case(
            name: "PromQL error in a plain scalar, at the end of the expression",
            yaml: rule("      - record: a\n        expr: sum(rate(x[5m])) by (job\n"),
            expected: [("\n#5", "error promql.lexical")]),
        Case(
            name: "PromQL type error in a plain scalar",
            yaml: rule("      - record: a\n        expr: rate(x)\n"),
            expected: [("x)", "error promql.type-mismatch")]),
        Case(
            name: "PromQL error in a double-quoted scalar after escapes",
            yaml: rule("      - record: a\n        expr: \"x{a=\\\"\\u00e9\\\"} + rate(y)\"\n"),
            expected: [("y)", "error promql.type-mismatch")]),
        Case(
            name: "PromQL error in a single-quoted scalar after a doubled quote",
            yaml: rule("      - record: a\n        expr: 'x{a=''b''} + rate(y)'\n"),
            expected: [("y)", "error promql.type-mismatch")]),
        Case(
            name: "PromQL error on the second line of a block scalar",
            yaml: rule(
                "      - alert: A\n        expr: |\n          sum(rate(x[5m]))\n            / on(job) rate(y)\n"),
            expected: [("y)", "error promql.type-mismatch")]),
        Case(
            name: "PromQL error in a folded block scalar",
            yaml: rule("      - alert: A\n        expr: >-\n          sum(x)\n          > bool\n          foo(1)\n"),
            expected: [("foo", "error promql.unknown-function")]),
        Case(
            name: "PromQL error in a multi-line plain scalar",
            yaml: rule("      - record: a\n        expr: sum(x)\n          + rate(y)\n"),
            expected: [("y)", "error promql.type-mismatch")]),
        Case(
            name: "PromQL feature switched off",
            yaml: rule("      - record: a\n        expr: sort_by_label(up, \"job\")\n"),
            expected: [("sort_by_label", "error promql.feature-disabled")]),
        Case(
            name: "invalid recording rule names",
            yaml: rule(
                "      - record: bad name\n        expr: up\n      - record: x{a=\"b\"}\n        expr: up\n"
                    + "      - record: 1x\n        expr: up\n"),
            expected: [
                ("bad name", "error rules.record-name"), ("x{", "error rules.record-name"),
                ("1x", "error rules.record-name"),
            ]),
        Case(
            name: "alert-only fields in a recording rule",
            yaml: rule(
                "      - record: a\n        expr: up\n        for: 5m\n        keep_firing_for: 1m\n"
                    + "        annotations: {summary: s}\n"),
            expected: [
                ("for:", "error rules.recording-field"), ("keep_firing_for", "error rules.recording-field"),
                ("annotations", "error rules.recording-field"),
            ]),
        Case(
            name: "zero for in a recording rule is accepted, as by Prometheus",
            yaml: rule("      - record: a\n        expr: up\n        for: 0s\n"),
            expected: []),
        Case(
            name: "invalid durations",
            yaml: "groups:\n  - name: g\n    interval: 1m30\n    query_offset: -1m\n    rules:\n"
                + "      - alert: A\n        expr: up\n        for: 5\n        keep_firing_for: 1h1d\n",
            expected: [
                ("1m30", "error rules.duration"), ("-1m", "error rules.duration"), ("5\n", "error rules.duration"),
                ("1h1d", "error rules.duration"),
            ]),
        Case(
            name: "limit is not an integer",
            yaml: "groups:\n  - name: g\n    limit: ten\n    rules: []\n",
            expected: [("ten", "error rules.type")]),
        Case(
            name: "invalid label and annotation names",
            yaml: rule(
                "      - alert: A\n        expr: up\n        labels:\n          __name__: x\n          team-name: t\n"
                    + "        annotations:\n          run book: u\n          __name__: ok\n"),
            expected: [
                ("__name__", "error rules.label-name"), ("team-name", "error rules.label-name"),
                ("run book", "error rules.annotation-name"),
            ]),
        Case(
            name: "invalid group label name",
            yaml: "groups:\n  - name: g\n    labels: {1team: a}\n    rules: []\n",
            expected: [("1team", "error rules.label-name")]),
        Case(
            name: "label value that is not a string",
            yaml: rule("      - record: a\n        expr: up\n        labels:\n          team: [a, b]\n"),
            expected: [("[a, b]", "error rules.type")]),
        Case(
            name: "template errors in alert labels and annotations",
            yaml: rule(
                "      - alert: A\n        expr: up\n        labels:\n          severity: '{{ if $value }}page'\n"
                    + "        annotations:\n          summary: \"Instance {{ $label.instance }} down\"\n"
                    + "          description: |\n            Value {{ $value | humanise }}\n"),
            expected: [
                ("{{ if", "error rules.template"), ("$label.", "error rules.template"),
                ("humanise", "error rules.template"),
            ]),
        Case(
            name: "templates are not parsed in recording rules",
            yaml: rule("      - record: a\n        expr: up\n        labels:\n          x: '{{ $nope }}'\n"),
            expected: []),
        Case(
            name: "wrong shapes",
            yaml: "groups:\n  - name: g\n    rules: {record: a}\n  - name: h\n    rules:\n      - just a string\n"
                + "  - [a, list]\n",
            expected: [
                ("{record", "error rules.type"), ("just a string", "error rules.type"),
                ("[a, list]", "error rules.type"),
            ]),
        Case(
            name: "record that is not a string",
            yaml: rule("      - record: [a]\n        expr: up\n"),
            expected: [("[a]", "error rules.type")]),
        Case(
            name: "groups that is not a list",
            yaml: "groups: {name: g}\n",
            expected: [("{name", "error rules.type")]),
        Case(
            name: "repeated key in a rule",
            yaml: rule("      - record: a\n        expr: up\n        expr: down\n"),
            expected: [("expr#2", "error rules.duplicate-key")]),
        Case(
            name: "duplicate rules across groups, with group labels",
            yaml: "groups:\n  - name: a\n    labels: {team: x}\n    rules:\n      - record: r\n        expr: up\n"
                + "  - name: b\n    rules:\n      - record: r\n        expr: up\n        labels: {team: x}\n"
                + "      - record: r\n        expr: up\n",
            expected: [("r\n#2", "warning rules.duplicate-rule")]),
        Case(
            name: "a second YAML document is ignored",
            yaml: "groups: []\n---\ngroups:\n  - name: g\n    rules: [{record: 'bad name', expr: '('}]\n",
            expected: [("groups:#2", "warning rules.extra-document")]),
        Case(
            name: "many problems in one file, in file order",
            yaml: "groups:\n  - name: g\n    rules:\n      - record: a b\n        expr: up +\n"
                + "      - alert: A\n        expr: rate(x[5m]\n        for: 1x\n        bogus: 1\n",
            expected: [
                ("a b", "error rules.record-name"), ("\n      - alert", "error promql.syntax"),
                ("\n        for", "error promql.lexical"), ("1x", "error rules.duration"),
                ("bogus", "error rules.unknown-key"),
            ]),
    ]

    @Test(arguments: cases)
    func findingsAreLocated(_ c: Case) {
        let result = Self.check(c.yaml, options: c.options)
        #expect(Self.summary(result.diagnostics) == c.expectedSummary(), "\(result.diagnostics)")
        #expect(result.isValid == !c.expected.contains { $0.1.hasPrefix("error") })
    }

    @Test func messagesUsePrometheusWords() {
        let yaml = Self.rule(
            "      - record: a\n        alert: A\n        expr: up\n      - expr: up\n      - record: b\n"
                + "      - record: c\n        expr: up\n        for: 1m\n")
        #expect(
            Self.check(yaml).diagnostics.map(\.message) == [
                "only one of 'record' and 'alert' must be set", "one of 'record' or 'alert' must be set",
                "field 'expr' must be set in rule", "invalid field 'for' in recording rule",
            ])
        let template = Self.check(
            Self.rule("      - alert: A\n        expr: up\n        annotations: {s: '{{ $labels.x }'}\n"))
        #expect(template.diagnostics.map(\.message) == ["annotation \"s\": template: unexpected \"}\" in operand"])
        let duration = Self.check(Self.rule("      - alert: A\n        expr: up\n        for: 5x\n"))
        #expect(duration.diagnostics.map(\.message) == ["invalid 'for': unknown unit \"x\" in duration \"5x\""])
    }

    @Test func anExpressionErrorPointsInsideAQuotedScalarAfterEscapes() {
        // The value is `x{a="é"} + rate(y)`; the error is at `y`, written after `\"\u00e9\"` in the file.
        let yaml = Self.rule("      - record: a\n        expr: \"x{a=\\\"\\u00e9\\\"} + rate(y)\"\n")
        let d = Self.check(yaml).diagnostics
        #expect(d.count == 1)
        #expect(d.first?.location == SourceLocation(file: "rules.yml", line: 5, column: 39))
    }

    @Test func emptyAndCommentOnlyFilesHoldNoRules() {
        for text in ["", "\n\n", "# only a comment\n"] {
            let result = Self.check(text)
            #expect(result.isValid && result.ruleCount == 0)
            #expect(result.diagnostics.map(\.id) == ["rules.empty-file"], "\(text.debugDescription)")
        }
        let nullGroups = Self.check("groups:\n")
        #expect(nullGroups.isValid && nullGroups.diagnostics.isEmpty)
    }

    /// Text that is not a rule file. YAML syntax errors are the YAML reader's to place; the rest are ours.
    @Test(arguments: [
        ("hello world\n", "1:1 error rules.type"),
        ("- a\n- b\n", "1:1 error rules.type"),
        ("42\n", "1:1 error rules.type"),
        ("groups: [\n", "error yaml.syntax"),
        ("groups:\n  - name: g\n\trules: []\n", "error yaml.syntax"),
        ("{{{{ ::: ]]\n", "error yaml.syntax"),
        ("groups:\n  - name: 'unterminated\n", "error yaml.syntax"),
    ])
    func junkIsAnErrorNotACrash(_ text: String, _ expected: String) throws {
        let result = Self.check(text)
        #expect(!result.isValid)
        let first = try #require(result.diagnostics.first)
        if expected.hasPrefix("error yaml.") {
            #expect("\(first.severity.rawValue) \(first.id)" == expected)
            #expect(first.location != nil)
        } else {
            #expect(Self.summary(result.diagnostics) == [expected])
        }
    }

    @Test func binaryJunkIsNotUTF8() {
        let result = RuleFileChecker.check(bytes: [0x67, 0x72, 0xFF, 0xFE, 0x00, 0x01], path: "junk.bin")
        #expect(Self.summary(result.diagnostics) == ["1:3 error yaml.encoding"])
    }

    @Test func unreadableFileIsAnIOError() {
        let result = RuleFileChecker.check(path: "/nonexistent/rules.yml")
        #expect(result.isIOError && !result.isValid)
        #expect(result.diagnostics.map(\.id) == ["io.read"])
    }

    @Test func namesUnderTheUTF8Scheme() {
        let yaml = Self.rule(
            "      - record: http.requests:rate5m\n        expr: up\n        labels: {team-name: a, __name__: b}\n")
        #expect(
            Self.summary(Self.check(yaml).diagnostics) == [
                "4:17 error rules.record-name", "6:18 error rules.label-name", "6:32 error rules.label-name",
            ])
        let utf8 = Self.check(yaml, options: RuleCheckOptions(nameValidation: .utf8))
        // `__name__` stays reserved under either scheme.
        #expect(Self.summary(utf8.diagnostics) == ["6:32 error rules.label-name"])
        // Braces in a record name are an error under either scheme (a query pasted into `record`).
        let braces = Self.rule("      - record: x{a=\"b\"}\n        expr: up\n")
        #expect(
            Self.summary(Self.check(braces, options: RuleCheckOptions(nameValidation: .utf8)).diagnostics) == [
                "4:17 error rules.record-name"
            ])
    }
}

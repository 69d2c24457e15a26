import Foundation
import Testing

@testable import LLMDashCore

/// Every lint's documented examples: each triggering one fires exactly that lint, once, where its `↓` marker
/// stands; each non-triggering one fires nothing at all.
@Suite struct LintTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var rule: String
        var number: Int
        var example: LintExample
        var testDescription: String { "\(rule) #\(number): \(example)" }
    }

    static let triggering: [Case] = Linter.rules.flatMap { rule in
        rule.triggering.enumerated().map { Case(rule: rule.id, number: $0.offset + 1, example: $0.element) }
    }

    static let nonTriggering: [Case] = Linter.rules.flatMap { rule in
        rule.nonTriggering.enumerated().map { Case(rule: rule.id, number: $0.offset + 1, example: $0.element) }
    }

    /// The diagnostics of an example and where its marker says the finding is.
    static func run(_ example: LintExample, options: BuildOptions = BuildOptions()) -> (
        diagnostics: [LLMDashCore.Diagnostic], marked: LLMDashCore.SourceLocation?
    ) {
        if case .layout(let grid) = example.input {
            let boxes = grid.enumerated().map { i, g in
                OverlapLint.Box(
                    title: "\(i + 1)", grid: g,
                    location: LLMDashCore.SourceLocation(file: "layout", line: i + 1, column: 1))
            }
            return (OverlapLint.check(boxes), boxes.last?.location)
        }
        guard let (text, marker) = example.document else {
            Issue.record("example has no document")
            return ([], nil)
        }
        let file = SourceFile(path: "example.yaml", text: text)
        let diagnostics = Compiler.build(files: [file], options: options).diagnostics
        return (diagnostics, marker.map { file.location(ofByte: $0) })
    }

    @Test(arguments: triggering) func triggeringExampleFiresExactlyItsLint(_ c: Case) {
        let (diagnostics, marked) = Self.run(c.example)
        #expect(diagnostics.map(\.id) == [c.rule], "\(diagnostics)")
        #expect(diagnostics.allSatisfy { $0.severity == .warning })
        #expect(marked != nil, "a triggering example marks where its finding points")
        #expect(diagnostics.first?.location == marked, "\(diagnostics)")
    }

    @Test(arguments: nonTriggering) func nonTriggeringExampleFiresNothing(_ c: Case) {
        let (diagnostics, _) = Self.run(c.example)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
    }

    @Test func everyLintIsDocumentedOnBothSides() {
        let ids = Linter.rules.map(\.id)
        #expect(
            Set(ids) == [
                "lint.unknown-metric", "lint.removed-metric", "lint.rate-on-gauge", "lint.counter-without-rate",
                "lint.quantile-without-le", "lint.legend-label", "lint.rate-window", "lint.unknown-unit",
                "lint.thresholds-order", "lint.overlap",
            ])
        #expect(ids.count == Set(ids).count)
        for rule in Linter.rules {
            #expect(!rule.triggering.isEmpty && !rule.nonTriggering.isEmpty, "\(rule.id)")
            #expect(!rule.summary.isEmpty && !rule.rationale.isEmpty, "\(rule.id)")
            for example in rule.nonTriggering {
                #expect(example.document?.marker == nil, "\(rule.id): a non-triggering example has no marker")
            }
        }
    }

    /// Messages and did-you-means, beyond the id and the position.
    struct Message: Sendable, CustomTestStringConvertible {
        var example: LintExample
        var message: String
        var notes: [String]
        var testDescription: String { example.description }
    }

    static let messages: [Message] = [
        Message(
            example: .query("sum(vllm:num_request_running)", backend: .vllm),
            message: "'vllm:num_request_running' is not a vLLM metric",
            notes: ["did you mean 'vllm:num_requests_running'?"]),
        Message(
            example: .query("sum(rate(litellm_spend_metric[5m]))", backend: .litellm),
            message: "'litellm_spend_metric' is not a LiteLLM proxy metric",
            notes: ["did you mean 'litellm_spend_metric_total'?"]),
        Message(
            example: .query("sum(rate(vllm:generation_tokens[5m]))", backend: .vllm),
            message: "'vllm:generation_tokens' is not a vLLM metric",
            notes: ["did you mean 'vllm:generation_tokens_total'?"]),
        Message(
            example: .query("max(vllm:gpu_cache_usage_perc)", backend: .vllm),
            message:
                "'vllm:gpu_cache_usage_perc' was removed from vLLM in 0.12: use vllm:kv_cache_usage_perc",
            notes: ["to keep older versions working too, write the old name as a fallback: new or old"]),
        Message(
            example: .query("sum(rate(vllm:time_per_output_token_seconds_bucket[5m]))", backend: .vllm),
            message:
                "'vllm:time_per_output_token_seconds_bucket' was removed from vLLM: use vllm:inter_token_latency_seconds_bucket (per-request TPOT: vllm:request_time_per_output_token_seconds)",
            notes: ["to keep older versions working too, write the old name as a fallback: new or old"]),
        Message(
            example: .query("sum(vllm:num_requests_swapped)", backend: .vllm),
            message: "'vllm:num_requests_swapped' was removed from vLLM, with no replacement (V0 only)",
            notes: ["to keep older versions working too, write the old name as a fallback: new or old"]),
        Message(
            example: .query("max(llamacpp:kv_cache_tokens)", backend: .llamacpp),
            message:
                "'llamacpp:kv_cache_tokens' was removed from llama.cpp server in 2025, PR #13660, with no replacement",
            notes: ["to keep older versions working too, write the old name as a fallback: new or old"]),
        Message(
            example: .query("sum(rate(vllm:avg_generation_throughput_toks_per_s[5m]))", backend: .vllm),
            message:
                "'vllm:avg_generation_throughput_toks_per_s' was removed from vLLM: use rate(vllm:generation_tokens_total)",
            notes: ["to keep older versions working too, write the old name as a fallback: new or old"]),
        Message(
            example: .query("sum(delta(vllm:prompt_tokens_total[5m]))"),
            message: "counter 'vllm:prompt_tokens_total' is used without rate() or increase()",
            notes: ["delta() does not handle counter resets: use increase() or rate()"]),
        Message(
            example: .query("histogram_quantile(0.9, sum by (model_name) (rate(x_bucket[5m])))"),
            message: "histogram_quantile() needs the buckets' 'le' label, which this drops",
            notes: ["keep it: sum by (le, model_name) (…)"]),
        Message(
            example: .query("sum by (job) (rate(x_total[5m]))", legend: "{{model_name}}"),
            message: "legend '{{model_name}}' names a label the query's result does not have",
            notes: ["sum keeps only job; to keep it: sum by (job, model_name) (…)"]),
        Message(
            example: .query("sum(rate(x_total[20s]))"),
            message: "rate() over [20s] spans fewer than 4 scrape intervals of 15s",
            notes: ["use [$__rate_interval], or at least [1m]"]),
        Message(
            example: .panel("stat: {title: A, unit: Ms, queries: [up]}"),
            message: "unknown unit 'Ms'",
            notes: [
                "did you mean 'ms'?",
                "Grafana shows an unknown unit as a literal suffix; for custom text write 'suffix:Ms'",
            ]),
        Message(
            example: .panel("stat: {title: A, unit: tokens/s, queries: [up]}"),
            message: "unknown unit 'tokens/s'",
            notes: [
                "did you mean 'suffix:tok/s'?",
                "Grafana shows an unknown unit as a literal suffix; for custom text write 'suffix:tokens/s'",
            ]),
        Message(
            example: .panel("stat: {title: A, unit: tok/s, queries: [up]}"),
            message: "unknown unit 'tok/s'",
            notes: ["Grafana shows an unknown unit as a literal suffix; for custom text write 'suffix:tok/s'"]),
        Message(
            example: .panel("stat: {title: A, unit: 'si:Tokens', queries: [up]}"),
            message: "unit 'si:Tokens' reads 'T' as an SI prefix, giving 'okens' in T-units",
            notes: ["for a unit that only starts with that letter, write 'count:Tokens' or 'suffix:Tokens'"]),
        Message(
            example: .panel("stat: {title: A, unit: 'suffix: tok/s', queries: [up]}"),
            message: "unit 'suffix: tok/s' renders with two spaces before the text: Grafana already puts one there",
            notes: ["write 'suffix:tok/s'"]),
    ]

    @Test(arguments: messages) func messageAndNotes(_ m: Message) {
        let (diagnostics, _) = Self.run(m.example)
        #expect(diagnostics.map(\.message) == [m.message])
        #expect(diagnostics.first?.notes == m.notes)
    }

    @Test func rateWindowFollowsTheScrapeInterval() {
        let example = LintExample.query("sum(rate(x_total[2m]))")
        #expect(Self.run(example).diagnostics.isEmpty)
        let slow = Self.run(example, options: BuildOptions(scrapeInterval: "1m")).diagnostics
        #expect(slow.map(\.id) == ["lint.rate-window"])
        #expect(slow.first?.notes == ["use [$__rate_interval], or at least [4m]"])
        #expect(Self.run(example, options: BuildOptions(scrapeInterval: "often")).diagnostics.isEmpty)
    }

    @Test func durations() {
        #expect(LintContext.seconds("15s") == 15)
        #expect(LintContext.seconds("1m30s") == 90)
        #expect(LintContext.seconds("500ms") == 0.5)
        #expect(LintContext.seconds("$x") == nil)
        #expect(LintContext.seconds("0s") == nil)
        #expect(LintContext.seconds("2h") == 7200)
        #expect(LintContext.seconds("1m1m") == nil)
        #expect(LintContext.seconds("s") == nil)
        #expect(LintContext.seconds("") == nil)
        #expect(RateWindowLint.format(seconds: 60) == "1m")
        #expect(RateWindowLint.format(seconds: 150) == "2m30s")
        #expect(RateWindowLint.format(seconds: 0.5) == "500ms")
    }

    /// A dashboard from Swift code has no file: the finding points at the query's location and quotes the
    /// query with a caret under the problem.
    @Test func queryWithoutAFileIsQuotedWithACaret() {
        var spec = DashboardSpec(uid: "dsl", title: "DSL")
        var panel = PanelSpec(type: .timeseries, title: "Tokens")
        panel.location = LLMDashCore.SourceLocation(file: "Dashboards.swift", line: 12, column: 9)
        panel.queries = [QuerySpec("sum(rate(vllm:generation_tokens_total[30s]))")]
        spec.panels = [panel]
        let diagnostics = Compiler.build(dashboards: [spec]).diagnostics
        #expect(diagnostics.map(\.id) == ["lint.rate-window"])
        #expect(diagnostics.first?.location == panel.location)
        #expect(
            diagnostics.first?.notes == [
                "in the query:\n      sum(rate(vllm:generation_tokens_total[30s]))\n"
                    + "                                            ^",
                "use [$__rate_interval], or at least [1m]",
            ])
    }

    @Test func lintsDoNotStopOutput() {
        let example = LintExample.query("sum(rate(x_total[20s]))")
        let file = SourceFile(path: "w.yaml", text: example.document!.text)
        let result = Compiler.build(files: [file])
        #expect(result.diagnostics.map(\.id) == ["lint.rate-window"])
        #expect(result.files.contains { $0.path == "dashboards/lint-example.json" })
    }

    @Test func overlappingPanelsOfAResolvedDashboard() {
        var spec = DashboardSpec(uid: "o", title: "O")
        spec.panels = [PanelSpec(type: .stat, title: "A"), PanelSpec(type: .stat, title: "B")]
        var row = RowSpec(title: "R", collapsed: true)
        row.panels = [PanelSpec(type: .stat, title: "C")]
        spec.rows = [row]
        var (resolved, _) = Resolver.resolve(spec)
        #expect(Linter.lint(spec, resolved: resolved, file: nil, options: BuildOptions()).isEmpty)
        // A collapsed row's panel moved onto the row header.
        resolved.rows[0].panels[0].grid.y = resolved.rows[0].grid.y
        let found = Linter.lint(spec, resolved: resolved, file: nil, options: BuildOptions())
        #expect(found.map(\.message) == ["panel 'C' overlaps row 'R'"])
        resolved.rows[0].panels[0].grid = GridPos(x: 20, y: 40, w: 6, h: 4)
        let wide = Linter.lint(spec, resolved: resolved, file: nil, options: BuildOptions())
        #expect(wide.map(\.message) == ["panel 'C' spans columns 20–26, outside the grid's 24 columns"])
    }
}

extension LintTests {
    @Test func eachOverlapIsReportedOnceNamingTheEarliestPanel() {
        // Panel 3 overlaps panels 1 and 2, the row header 4 and panel 5.
        let grid = [
            GridPos(x: 0, y: 0, w: 12, h: 8), GridPos(x: 12, y: 0, w: 12, h: 8), GridPos(x: 6, y: 2, w: 12, h: 8),
            GridPos(x: 0, y: 8, w: 24, h: 1), GridPos(x: 0, y: 9, w: 24, h: 4),
        ]
        let boxes = grid.enumerated().map { i, g in OverlapLint.Box(title: "\(i + 1)", grid: g, location: nil) }
        #expect(
            OverlapLint.check(boxes).map(\.message) == [
                "panel '3' overlaps panel '1'", "panel '4' overlaps panel '3'", "panel '5' overlaps panel '3'",
            ])
        #expect(
            OverlapLint.check(boxes.reversed()).map(\.message) == [
                "panel '3' overlaps panel '5'", "panel '2' overlaps panel '3'", "panel '1' overlaps panel '3'",
            ])
    }
}

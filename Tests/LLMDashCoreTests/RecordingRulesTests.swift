import Foundation
import PromQL
import TestSupport
import Testing

@testable import LLMDashCore

/// Recording rules for a dashboard's expensive queries: which fragments are rewritten, the names, the
/// opt-in and opt-out, and bad settings at file:line:column.
@Suite struct RecordingRulesTests {
    static func dashboard(_ settings: String, panels: String, variables: String = "[datasource, model, instance]")
        -> String
    {
        """
        apiVersion: llmdash/v1
        kind: Dashboard
        metadata: {uid: rec, title: Recorded}
        spec:
          backend: vllm
          variables: \(variables)
        \(settings)
          panels:
        \(panels)
        """
    }

    static func build(_ text: String) -> BuildResult {
        Compiler.build(files: [SourceFile(path: "rec.yaml", text: text)])
    }

    static func text(_ result: BuildResult, _ path: String) -> String? {
        result.files.first { $0.path == path }.map { String(decoding: $0.contents, as: UTF8.self) }
    }

    static func rewrite(_ query: String, variables: Set<String> = ["model_name", "window", "label"]) -> String {
        DashboardRecordingRules.rewrite(
            query, variables: variables, window: 5 * SLODuration.minute, options: .default
        ).0
    }

    @Test func percentileQueriesReadTheRecordedBuckets() {
        let query =
            #"histogram_quantile(0.99, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket{model_name=~"$model_name"}[$__rate_interval])))"#
        #expect(
            Self.rewrite(query)
                == #"histogram_quantile(0.99, sum by (le) (model_name:vllm:time_to_first_token_seconds_bucket:rate5m{model_name=~"$model_name"}))"#
        )
        // A literal range is kept, and names its record; every fragment of a query is rewritten.
        #expect(
            Self.rewrite(#"sum(increase(x_total{job="a"}[1m])) / sum by (job) (rate(x_total[2h]))"#)
                == #"sum(job:x_total:increase1m{job="a"}) / sum by (job) (job:x_total:rate2h)"#)
        #expect(Self.rewrite("sum(rate(x_total[5m]))") == "sum(global:x_total:rate5m)")
    }

    @Test(arguments: [
        "sum(rate(x_total[5m] offset 1h))",
        "sum without (pod) (rate(x_total[5m]))",
        "sum(rate(x_total[$window]))",
        "sum(rate(x_total[$__range]))",
        "sum by ($label) (rate(x_total[5m]))",
        #"sum(rate({__name__="x_total"}[5m]))"#,
        "avg(rate(x_total[5m]))",
        "rate(x_total[5m])",
        "sum(rate(x_total[5m] @ 100))",
    ])
    func fragmentsARecordCannotServeStayAsWritten(_ query: String) {
        #expect(Self.rewrite(query) == query)
    }

    @Test func optInWritesRulesAndTestsAndPanelsOptOut() throws {
        let panels = """
                - latency: {signal: ttft, percentiles: [99]}
                - latency: {signal: itl, percentiles: [99], recordingRules: false}
                - timeseries:
                    title: Raw
                    recordingRules: false
                    queries: ['sum(rate(vllm:generation_tokens_total[$__rate_interval]))']
            """
        let off = Self.build(Self.dashboard("", panels: panels))
        #expect(off.diagnostics.isEmpty, "\(off.diagnostics)")
        #expect(!off.files.contains { $0.path.hasPrefix("rules/") })

        let on = Self.build(Self.dashboard("  recordingRules: {window: 10m, interval: 30s}", panels: panels))
        #expect(on.diagnostics.isEmpty, "\(on.diagnostics)")
        let rules = try #require(Self.text(on, "rules/dashboard-rec.yaml"))
        #expect(rules.contains(#"interval: "30s""#))
        #expect(
            rules.contains(
                #"record: "instance_model_name:vllm:time_to_first_token_seconds_bucket:rate10m""#))
        #expect(!rules.contains("inter_token") && !rules.contains("generation_tokens"))
        let json = try #require(Self.text(on, "dashboards/rec.json"))
        #expect(json.contains("instance_model_name:vllm:time_to_first_token_seconds_bucket:rate10m{"))
        #expect(json.contains("rate(vllm:inter_token_latency_seconds_bucket{"))
        #expect(json.contains("rate(vllm:generation_tokens_total[$__rate_interval])"))
        #expect(Self.text(on, "rules/dashboard-rec.test.yaml") != nil)

        // Every emitted query passes the PromQL checker, and every record name is level:metric:operations.
        let variables: Set<String> = ["datasource", "model", "instance"]
        let exprs = try Self.exprs(json)
        #expect(exprs.count == 3)
        for expr in exprs {
            #expect(GrafanaQuery.check(expr, variables: variables).isValid, "\(expr)")
        }
        let checked = RuleFileChecker.check(
            SourceFile(path: "rules.yaml", text: rules), options: RuleCheckOptions(lintRecordNames: true))
        #expect(checked.diagnostics.isEmpty, "\(checked.diagnostics)")
        #expect(checked.ruleCount == 1)
    }

    /// The `expr` of every target of a dashboard's JSON.
    static func exprs(_ json: String) throws -> [String] {
        let root = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let panels = (root?["panels"] as? [[String: Any]] ?? []).flatMap {
            [$0] + ($0["panels"] as? [[String: Any]] ?? [])
        }
        return panels.flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
    }

    @Test func badSettingsAreErrorsAtTheirPlace() {
        let text = Self.dashboard(
            "  recordingRules: {window: 30s, intervl: 1m}",
            panels: """
                    - timeseries: {title: A, recordingRules: maybe, queries: [up]}
                """)
        let result = Self.build(text)
        #expect(result.files.isEmpty)
        #expect(
            diagnosticSummary(result.diagnostics).sorted()
                == [
                    "\(markerPosition(of: "30s", in: text)) error spec.invalid-value",
                    "\(markerPosition(of: "intervl", in: text)) error spec.unknown-key",
                    "\(markerPosition(of: "maybe", in: text)) error spec.type",
                ].sorted())
    }

    @Test func recordNamingLint() {
        #expect(RecordNaming.isConventional("model_name:vllm:time_to_first_token_seconds_bucket:rate5m"))
        #expect(RecordNaming.isConventional("job:http_requests:rate5m"))
        for name in ["sloth_slo_info", "job:rate5m", ":x:rate5m", "job:x:", "job::rate5m"] {
            #expect(!RecordNaming.isConventional(name), "\(name)")
        }
        let text = """
            groups:
              - name: g
                rules:
                  - record: job:http_requests:rate5m
                    expr: sum by (job) (rate(http_requests_total[5m]))
                  - record: requests_rate
                    expr: sum(rate(http_requests_total[5m]))
            """
        let source = SourceFile(path: "r.yaml", text: text)
        let linted = RuleFileChecker.check(source, options: RuleCheckOptions(lintRecordNames: true))
        #expect(
            diagnosticSummary(linted.diagnostics)
                == ["\(markerPosition(of: "requests_rate", in: text)) warning rules.record-naming"])
        #expect(RuleFileChecker.check(source).diagnostics.isEmpty)
    }
}

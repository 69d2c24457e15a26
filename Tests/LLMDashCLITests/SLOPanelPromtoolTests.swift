import Foundation
import TestSupport
import Testing

/// The SLO dashboard of templates/slo-vllm.yaml, built by the real binary: its dashboard passes the Grafana
/// schemas, and every query of its SLO panels, evaluated by `promtool test rules` over the SLO rules the same
/// build wrote, gives the numbers the SLO maths predicts.
@Suite struct SLOPanelPromtoolTests {
    struct Panel {
        var title: String
        var queries: [String]
    }

    static func panels(_ dashboard: URL) throws -> [Panel] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dashboard)) as? [String: Any]
        let all = (json?["panels"] as? [[String: Any]] ?? []).flatMap { panel in
            [panel] + (panel["panels"] as? [[String: Any]] ?? [])
        }
        return all.compactMap { panel in
            guard let title = panel["title"] as? String, let targets = panel["targets"] as? [[String: Any]] else {
                return nil
            }
            return Panel(title: title, queries: targets.compactMap { $0["expr"] as? String })
        }
    }

    static func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// A promql_expr_test asserting that `max(query)` is within `tolerance` of `value`.
    static func expectation(_ query: String, _ value: Double, at time: String) -> String {
        """
              - expr: \(quoted("abs(max(\(query)) - (\(value))) < bool 1e-6"))
                eval_time: \(time)
                exp_samples:
                  - labels: "{}"
                    value: 1

        """
    }

    /// What each panel of an SLO should show for a constant error ratio.
    static func expectations(
        _ panels: [Panel], prefix: String, errorRatio: Double, budget: Double, page: Bool, ticket: Bool
    )
        -> (String, Int)
    {
        var out = ""
        var count = 0
        for panel in panels where panel.title.hasPrefix(prefix + ":") {
            let values: [Double]
            switch panel.title.dropFirst(prefix.count + 2) {
            case let t where t.hasPrefix("SLI over"): values = [1 - errorRatio]
            case "error budget remaining": values = [1 - errorRatio / budget]
            case "burn rate": values = Array(repeating: errorRatio / budget, count: panel.queries.count)
            case "alerts": values = [page ? 1 : 0, ticket ? 1 : 0]
            default: values = []
            }
            for (query, value) in zip(panel.queries, values) {
                out += expectation(query, value, at: "2h")
                count += 1
            }
        }
        return (out, count)
    }

    @Test func sloDashboardQueriesReadTheRecordedSeries() throws {
        guard let promtool = SLOPromtoolTests.promtool else { throw SLOPromtoolTests.PromtoolMissing() }
        let temp = try Run.temporaryDirectory("llmdash-slo-panels")
        defer { try? FileManager.default.removeItem(at: temp) }
        let out = temp.appendingPathComponent("out")
        let build = try Run.llmdash([
            "build", RepoPaths.templates.appendingPathComponent("slo-vllm.yaml").path, "--out", out.path,
        ])
        #expect(build.status == 0, "\(build.stderr)")
        let dashboard = out.appendingPathComponent("dashboards/LLM/chat-slos.json")
        let validate = try Run.grafanaValidate([dashboard.path])
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")

        let panels = try Self.panels(dashboard)
        #expect(panels.count == 8)
        // Availability (99.5 %): 10.8 % of requests abort, a burn rate of 21.6, so both alerts fire.
        let (availability, n1) = Self.expectations(
            panels, prefix: "Availability", errorRatio: 0.108, budget: 0.005, page: true, ticket: true)
        // TTFT (99 % under 1 s): 5 % are slower, a burn rate of 5: over the ticket factors (3, 1), under the page ones.
        let (ttft, n2) = Self.expectations(
            panels, prefix: "TTFT under 1 s", errorRatio: 0.05, budget: 0.01, page: false, ticket: true)
        #expect(n1 == 11 && n2 == 11)
        let tests = """
            rule_files: [availability.yaml, ttft.yaml]
            evaluation_interval: 1m
            tests:
              - name: slo-dashboard-panels
                interval: 1m
                input_series:
                  - series: 'vllm:request_success_total{finished_reason="abort"}'
                    values: '0+108x180'
                  - series: 'vllm:request_success_total{finished_reason="stop"}'
                    values: '0+892x180'
                  - series: 'vllm:time_to_first_token_seconds_bucket{le="1.0"}'
                    values: '0+950x180'
                  - series: 'vllm:time_to_first_token_seconds_bucket{le="+Inf"}'
                    values: '0+1000x180'
                  - series: 'vllm:time_to_first_token_seconds_count'
                    values: '0+1000x180'
                promql_expr_test:

            """ + availability + ttft
        let file = out.appendingPathComponent("rules/chat/panels.test.yaml")
        try tests.write(to: file, atomically: true, encoding: .utf8)
        let run = try Run.process(promtool, ["test", "rules", file.path])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")

        // The expectations really bind: a wrong SLI makes promtool fail.
        try tests.replacingOccurrences(of: "- (0.892)", with: "- (0.9)").write(
            to: file, atomically: true, encoding: .utf8)
        let failing = try Run.process(promtool, ["test", "rules", file.path])
        #expect(failing.status != 0)
    }
}

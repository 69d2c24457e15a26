import LLMDash
import Testing

/// PromQL problems in DSL strings point at the `Query(...)` call and quote the query with a caret.
@Suite struct DSLQueryCheckTests {
    @Test func pointsAtTheQueryCall() throws {
        let line = #line + 4
        let dashboard = Dashboard(uid: "dsl", title: "DSL") {
            Row("Latency") {
                TimeSeries("TTFT") {
                    Query("histogram_quantile(0.99, rate(vllm:time_to_first_token_seconds_bucket))")
                }
            }
        }
        let result = Compiler.build(dashboards: [dashboard.spec])
        let error = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        #expect(error.id == "promql.type-mismatch")
        #expect(error.location?.file.hasSuffix("DSLQueryCheckTests.swift") == true)
        #expect(error.location?.line == line)
        #expect(
            error.notes == [
                """
                in the query:
                      histogram_quantile(0.99, rate(vllm:time_to_first_token_seconds_bucket))
                                                    ^
                """
            ])
        #expect(result.files.isEmpty)
    }

    @Test func undefinedVariablesAreErrors() {
        let dashboard = Dashboard(uid: "dsl", title: "DSL") {
            QueryVariable("model", query: "label_values(vllm:num_requests_running, model_name)")
            Stat("Requests") { #"sum(rate(vllm:request_success_total{model_name=~"$model", pod=~"$pod"}[5m]))"# }
        }
        let result = Compiler.build(dashboards: [dashboard.spec])
        #expect(result.diagnostics.map(\.message) == [#"undefined variable "pod""#])
    }
}

// A team's own dashboards, written with the llmdash Swift DSL and exposed through the llmdash commands:
//
//   swift run team-dashboards build --out grafana/
//   swift run team-dashboards check --out grafana/
//
// In a separate package, depend on llmdash and use the `LLMDash` and `LLMDashCLI` products.
import LLMDash
import LLMDashCLI

let selector = #"model_name=~"$model_name""#

func latency(_ metric: String, _ title: String, slo: Double) -> TimeSeries {
    TimeSeries(title) {
        for q in ["0.50", "0.90", "0.99"] {
            Query(
                "histogram_quantile(\(q), sum by (le) (rate(vllm:\(metric)_bucket{\(selector)}[$__rate_interval])))",
                legend: "p" + q.dropFirst(2))
        }
    }
    .unit(.seconds).min(0)
    .thresholds(.base("green"), .step("red", slo)).thresholdsStyle("dashed")
    .legend("table", calcs: ["mean", "max"])
}

let chat = Dashboard(uid: "chat-api", title: "Chat API", folder: "Team", tags: ["llm", "chat"]) {
    DatasourceVariable()
    QueryVariable(
        "model_name", query: "label_values(vllm:num_requests_running, model_name)", label: "Model", multi: true,
        includeAll: true)

    Row("Latency") {
        latency("time_to_first_token_seconds", "Time to first token", slo: 1)
        latency("inter_token_latency_seconds", "Inter-token latency", slo: 0.1)
        latency("e2e_request_latency_seconds", "End-to-end latency", slo: 30)
    }
    Row("Load") {
        TimeSeries("Output tokens/s") {
            Query(
                "sum by (model_name) (rate(vllm:generation_tokens_total{\(selector)}[$__rate_interval]))",
                legend: "{{model_name}}")
        }
        .unit(.tokensPerSecond).min(0).stacking("normal").fillOpacity(30)
        Gauge("KV-cache usage") {
            Query("max by (model_name) (vllm:kv_cache_usage_perc{\(selector)})", legend: "{{model_name}}")
        }
        .unit(.percentUnit).min(0).max(1)
        .thresholds(.base("green"), .step("orange", 0.8), .step("red", 0.95))
        .size(width: 12)
    }
}

LLMDashCommand.main(dashboards: [chat.spec])

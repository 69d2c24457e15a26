import Foundation
import LLMDash
import TestSupport
import Testing

/// Signal-level panels: YAML and DSL expand through the same catalogue into identical bytes.
@Suite struct SignalPanelTests {
    static var dsl: DashboardSpec {
        Dashboard(uid: "signals", title: "Signals", folder: "LLM", tags: ["llm", "vllm"], backend: .vllm) {
            StandardVariables("datasource", "model", "instance")
            ConstantVariable("gpu_hourly_usd", value: "2.50")
            Throughput(.requests).size(width: 6, height: 4)
            Row("Latency") {
                Latency(.ttft, percentiles: [50, 90, 99]).slo(1).size(width: 8)
                Latency(.itl, percentiles: [50, 99.9], mean: true).by("model").size(width: 8)
                Latency(.e2e).title("E2E").key("e2e").size(width: 8)
                Heatmap.signal(.ttft)
                Latency(.outputLength, percentiles: [90])
            }
            Row("Load") {
                Throughput(.outputTokens).by("model")
                Errors()
                Errors(.byReason)
                Errors(.http)
                Saturation(.kvCache)
                Saturation(.prefixCacheHits).by("model")
                Saturation(.waiting)
                Top(.outputTokens, limit: 5)
            }
            Row("GPUs and cost", collapsed: true) {
                GPU(.gpuUtil)
                GPU(.gpuMemoryUsed).by("Hostname")
                Cost()
                Cost(.energy)
            }
            Row("Canary") {
                Compare(.ttft, percentile: 99, label: "version", baseline: "stable", candidate: "canary")
                Compare(.outputTokens, label: "role", baseline: "primary", candidate: "canary").key("tokens-canary")
            }
        }
        .spec
    }

    static func yaml() -> BuildResult {
        Compiler.build(
            paths: [RepoPaths.root.appendingPathComponent("Tests/LLMDashTests/Fixtures/signals-dashboard.yaml").path])
    }

    @Test func dslAndYAMLGiveIdenticalBytes() {
        let fromYAML = Self.yaml()
        let fromDSL = Compiler.build(dashboards: [Self.dsl])
        #expect(fromYAML.diagnostics.isEmpty, "\(fromYAML.diagnostics)")
        #expect(fromDSL.diagnostics.isEmpty, "\(fromDSL.diagnostics)")
        #expect(fromYAML.files.count == 3)
        for (a, b) in zip(fromYAML.files, fromDSL.files) {
            #expect(
                String(decoding: a.contents, as: UTF8.self) == String(decoding: b.contents, as: UTF8.self), "\(a.path)")
        }
    }

    static func panels(_ result: BuildResult) throws -> [[String: Any]] {
        let file = try #require(result.files.first { $0.path.hasPrefix("dashboards/") })
        let json = try #require(try JSONSerialization.jsonObject(with: Data(file.contents)) as? [String: Any])
        let top = json["panels"] as? [[String: Any]] ?? []
        return top.flatMap { [$0] + ($0["panels"] as? [[String: Any]] ?? []) }
    }

    @Test func expandsIntoTheExpectedPanels() throws {
        let panels = try Self.panels(Self.yaml()).filter { $0["type"] as? String != "row" }
        let titles = panels.map { $0["title"] as? String ?? "" }
        #expect(
            titles == [
                "Requests/s", "Time to first token", "Inter-token latency by model", "E2E",
                "Time to first token distribution",
                "Output length", "Output tokens/s by model", "Error ratio", "Failed requests/s by reason",
                "HTTP responses/s by status", "KV-cache usage", "Prefix-cache hit rate", "Waiting requests",
                "Top 5 by output tokens/s", "GPU utilisation", "GPU memory used", "Cost per 1M output tokens",
                "Energy per output token", "Time to first token p99: canary vs stable",
                "Time to first token p99 ratio canary/stable", "Error ratio delta canary − stable",
                "Traffic share of canary", "Output tokens/s: canary vs primary", "Output tokens/s ratio canary/primary",
                "Error ratio delta canary − primary", "Traffic share of canary",
            ])
        let ttft = try #require(panels.first { $0["title"] as? String == "Time to first token" })
        let targets = try #require(ttft["targets"] as? [[String: Any]])
        #expect(
            targets.first?["expr"] as? String
                == #"histogram_quantile(0.5, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket{model_name=~"$model", instance=~"$instance"}[$__rate_interval])))"#
        )
        #expect(targets.map { $0["legendFormat"] as? String } == ["p50", "p90", "p99"])
        let defaults = try #require((ttft["fieldConfig"] as? [String: Any])?["defaults"] as? [String: Any])
        #expect(defaults["unit"] as? String == "s")
        let steps = (defaults["thresholds"] as? [String: Any])?["steps"] as? [[String: Any]]
        #expect(steps?.last?["value"] as? Double == 1)
    }

    @Test func everyExpandedQueryIsValidAndTheDashboardPassesTheSchemas() throws {
        let out = try Run.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let fixture = RepoPaths.root.appendingPathComponent("Tests/LLMDashTests/Fixtures/signals-dashboard.yaml").path
        let result = try Run.llmdash(["build", fixture, "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        let validation = try Run.grafanaValidate([out.path + "/dashboards"])
        #expect(validation.status == 0, "\(validation.stdout)")
    }

    struct Unavailable: Sendable, CustomTestStringConvertible {
        var backend: String
        var panel: String
        var message: String
        var testDescription: String { "\(backend): \(panel)" }
    }

    @Test(arguments: [
        Unavailable(
            backend: "llamacpp", panel: "latency: {signal: ttft}",
            message: "signal 'ttft' is not available on llamacpp"),
        Unavailable(backend: "tgi", panel: "throughput: {signal: output_tokens, by: model}", message: "no model label"),
        Unavailable(
            backend: "vllm", panel: "latency: {signal: kv_cache}",
            message: "'kv_cache' is not a signal for latency panels"),
        Unavailable(backend: "vllm", panel: "cost: {}", message: "cost panels need a variable 'gpu_hourly_usd'"),
    ])
    func unavailableSignalsAreLocatedErrors(_ c: Unavailable) {
        let yaml = """
            apiVersion: llmdash/v1
            kind: Dashboard
            metadata: {uid: u, title: U}
            spec:
              backend: \(c.backend)
              panels:
                - \(c.panel)
            """
        let result = Compiler.build(files: [SourceFile(path: "u.yaml", text: yaml)])
        #expect(result.diagnostics.count == 1, "\(result.diagnostics)")
        #expect(result.diagnostics.first?.message.contains(c.message) == true, "\(result.diagnostics)")
        #expect(result.diagnostics.first?.location?.line == 7)
    }

    @Test func tgiTTFTIsTheDocumentedApproximation() throws {
        let yaml = """
            apiVersion: llmdash/v1
            kind: Dashboard
            metadata: {uid: t, title: T}
            spec:
              backend: tgi
              panels:
                - latency: {signal: ttft, percentiles: [50]}
            """
        let result = Compiler.build(files: [SourceFile(path: "t.yaml", text: yaml)])
        #expect(result.diagnostics.isEmpty)
        let panel = try #require(try Self.panels(result).first)
        let expr = (panel["targets"] as? [[String: Any]])?.first?["expr"] as? String
        #expect(
            expr
                == #"histogram_quantile(0.5, sum by (le) (rate(tgi_request_queue_duration_bucket[$__rate_interval]))) + histogram_quantile(0.5, sum by (le) (rate(tgi_batch_inference_duration_bucket{method="prefill"}[$__rate_interval])))"#
        )
        #expect((panel["description"] as? String)?.contains("Approximation") == true)
    }
}

import Foundation
import TestSupport
import Testing

@Suite struct MetricsCommandTests {
    @Test func printsOneBackendAsText() throws {
        let result = try Run.llmdash(["metrics", "--backend", "vllm"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("vllm — vLLM\n"))
        #expect(result.stdout.contains("ttft [s] histogram: vllm:time_to_first_token_seconds (histogram, s)"))
        #expect(result.stdout.contains("vllm:gpu_cache_usage_perc → vllm:kv_cache_usage_perc"))
        #expect(!result.stdout.contains("sglang"))
        #expect(result.stdout.contains("  dimensions: endpoint = handler (on http_responses)\n"))
    }

    @Test func listsTheLabelsUsersAndTrafficPanelsGroupBy() throws {
        let result = try Run.llmdash(["metrics", "--backend", "litellm", "--format", "json"])
        #expect(result.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let dimensions = try #require(json.first?["dimensions"] as? [[String: String]])
        #expect(dimensions.first == ["dimension": "user", "label": "user", "signal": "requests"])
        #expect(dimensions.map { $0["label"] } == ["user", "hashed_api_key", "team", "route", "end_user"])
    }

    @Test func printsEveryBackendAsJSON() throws {
        let result = try Run.llmdash(["metrics", "--format", "json"])
        #expect(result.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(
            json.compactMap { $0["backend"] as? String } == [
                "vllm", "sglang", "tgi", "triton", "llamacpp", "otel-genai", "litellm", "nim", "ray", "dcgm",
            ])
        let tgi = try #require(json.first { $0["backend"] as? String == "tgi" })
        #expect(tgi["modelLabel"] is NSNull)
    }

    @Test func rejectsUnknownBackends() throws {
        let result = try Run.llmdash(["metrics", "--backend", "vllmm"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("unknown backend 'vllmm'"))
    }
}

// Facts from shared/reference/llm-metrics.md: vLLM 0.33, SGLang 0.5.23, TGI @db931fc, Triton @e1db8a6,
// TensorRT-LLM @89fd9b7, llama.cpp, LiteLLM 1.110.2, Ray 2.60, NIM, dcgm-exporter @d5e5f51, OTel GenAI.

private func h(
    _ name: String, _ unit: String = "s", labels: [String] = [], scale: Double? = nil, fallbacks: [String] = []
)
    -> MetricRef
{
    MetricRef(name, .histogram, unit: unit, scale: scale, fallbacks: fallbacks, labels: labels)
}
private func c(_ name: String, _ unit: String = "short", matchers: [String] = [], labels: [String] = [])
    -> MetricRef
{
    MetricRef(name, .counter, unit: unit, matchers: matchers, labels: labels)
}
private func g(_ name: String, _ unit: String = "short", matchers: [String] = [], fallbacks: [String] = [])
    -> MetricRef
{
    MetricRef(name, .gauge, unit: unit, matchers: matchers, fallbacks: fallbacks)
}

extension Catalog {
    /// vLLM's engine metrics under a given prefix: `vllm:` natively, bare for NIM, `ray_vllm_` through Ray.
    static func vllmFamily(prefix p: String, colonFallbacks: Bool) -> [SignalDefinition] {
        let legacyKV = colonFallbacks ? [p + "gpu_cache_usage_perc"] : []
        let legacyITL = colonFallbacks ? [p + "time_per_output_token_seconds"] : []
        return [
            SignalDefinition(.ttft, .histogram(h(p + "time_to_first_token_seconds")), unit: "s"),
            SignalDefinition(.itl, .histogram(h(p + "inter_token_latency_seconds", fallbacks: legacyITL)), unit: "s"),
            SignalDefinition(.tpot, .histogram(h(p + "request_time_per_output_token_seconds")), unit: "s"),
            SignalDefinition(.e2e, .histogram(h(p + "e2e_request_latency_seconds")), unit: "s"),
            SignalDefinition(.queue, .histogram(h(p + "request_queue_time_seconds")), unit: "s"),
            SignalDefinition(.prefill, .histogram(h(p + "request_prefill_time_seconds")), unit: "s"),
            SignalDefinition(.decode, .histogram(h(p + "request_decode_time_seconds")), unit: "s"),
            SignalDefinition(
                .promptTokens, .counter(c(p + "prompt_tokens_total", "suffix:tok/s")), unit: "suffix:tok/s"),
            SignalDefinition(
                .outputTokens, .counter(c(p + "generation_tokens_total", "suffix:tok/s")), unit: "suffix:tok/s"),
            SignalDefinition(
                .requests, .counter(c(p + "request_success_total", "reqps", labels: ["finished_reason"])), unit: "reqps"
            ),
            SignalDefinition(
                .failedRequests,
                .counter(
                    c(
                        p + "request_success_total", "reqps", matchers: [#"finished_reason=~"abort|error""#],
                        labels: ["finished_reason"])), unit: "reqps"),
            SignalDefinition(.running, .gauge(g(p + "num_requests_running"), aggregate: "sum"), unit: "short"),
            SignalDefinition(.waiting, .gauge(g(p + "num_requests_waiting"), aggregate: "sum"), unit: "short"),
            SignalDefinition(.batchSize, .gauge(g(p + "num_requests_running"), aggregate: "avg"), unit: "short"),
            SignalDefinition(
                .kvCache, .gauge(g(p + "kv_cache_usage_perc", "percentunit", fallbacks: legacyKV), aggregate: "max"),
                unit: "percentunit"),
            SignalDefinition(.preemptions, .counter(c(p + "num_preemptions_total")), unit: "short"),
            SignalDefinition(.prefixCacheHits, .counter(c(p + "prefix_cache_hits_total")), unit: "short"),
            SignalDefinition(.prefixCacheQueries, .counter(c(p + "prefix_cache_queries_total")), unit: "short"),
            SignalDefinition(.promptLength, .histogram(h(p + "request_prompt_tokens", "short")), unit: "short"),
            SignalDefinition(.outputLength, .histogram(h(p + "request_generation_tokens", "short")), unit: "short"),
        ]
    }

    static let vllm = BackendCatalog(
        backend: .vllm, title: "vLLM", modelLabel: "model_name", instanceLabel: "instance",
        aggregateAway: ["engine", "instance", "pod"], presenceMetric: "vllm:num_requests_running",
        signals: vllmFamily(prefix: "vllm:", colonFallbacks: true) + [
            SignalDefinition(
                .httpResponses, .counter(c("http_requests_total", "reqps", labels: ["handler", "method", "status"])),
                unit: "reqps")
        ],
        otherMetrics: [
            g("vllm:num_requests_waiting_by_reason"), c("vllm:prompt_tokens_by_source_total"),
            c("vllm:prompt_tokens_cached_total"), c("vllm:admission_rejections_total"),
            h("vllm:request_inference_time_seconds"), h("vllm:request_params_max_tokens", "short"),
            h("vllm:request_params_n", "short"), h("vllm:iteration_tokens_total", "short"),
            c("vllm:spec_decode_num_drafts_total"), c("vllm:spec_decode_num_draft_tokens_total"),
            c("vllm:spec_decode_num_accepted_tokens_total"), c("vllm:spec_decode_num_accepted_tokens_per_pos_total"),
            g("vllm:cache_config_info"), g("vllm:lora_requests_info"), g("vllm:engine_sleep_state"),
            c("vllm:estimated_flops_per_gpu_total"), c("vllm:external_prefix_cache_queries_total"),
            c("vllm:external_prefix_cache_hits_total"), c("vllm:mm_cache_queries_total"), c("vllm:mm_cache_hits_total"),
            h("http_request_duration_seconds"), h("http_request_duration_highr_seconds"),
        ],
        removedMetrics: [
            "vllm:gpu_cache_usage_perc": "vllm:kv_cache_usage_perc (removed in 0.12)",
            "vllm:gpu_prefix_cache_queries": "vllm:prefix_cache_queries_total",
            "vllm:gpu_prefix_cache_hits": "vllm:prefix_cache_hits_total",
            "vllm:time_per_output_token_seconds":
                "vllm:inter_token_latency_seconds (per-request TPOT: vllm:request_time_per_output_token_seconds)",
            "vllm:num_requests_swapped": "nothing (V0 only)",
            "vllm:cpu_cache_usage_perc": "nothing (V0 only)",
            "vllm:cpu_prefix_cache_hit_rate": "the prefix-cache hit and query counters",
            "vllm:gpu_prefix_cache_hit_rate": "the prefix-cache hit and query counters",
            "vllm:time_in_queue_requests": "vllm:request_queue_time_seconds",
            "vllm:model_forward_time_milliseconds": "nothing (V0 only)",
            "vllm:model_execute_time_milliseconds": "nothing (V0 only)",
            "vllm:avg_prompt_throughput_toks_per_s": "rate(vllm:prompt_tokens_total)",
            "vllm:avg_generation_throughput_toks_per_s": "rate(vllm:generation_tokens_total)",
            "vllm:spec_decode_draft_acceptance_rate": "the spec_decode counters",
        ],
        source: "vLLM 0.33.0 (V1 engine); falls back to names of 0.9–0.11",
        dimensions: [DimensionLabel(.endpoint, label: "handler", on: .httpResponses)])

    static let nim = BackendCatalog(
        backend: .nim, title: "NVIDIA NIM for LLMs", modelLabel: "model_name", instanceLabel: "instance",
        aggregateAway: ["instance", "pod"], presenceMetric: "num_requests_running",
        signals: [
            SignalDefinition(.ttft, .histogram(h("time_to_first_token_seconds")), unit: "s"),
            SignalDefinition(.tpot, .histogram(h("time_per_output_token_seconds")), unit: "s"),
            SignalDefinition(.e2e, .histogram(h("e2e_request_latency_seconds")), unit: "s"),
            SignalDefinition(.promptTokens, .counter(c("prompt_tokens_total", "suffix:tok/s")), unit: "suffix:tok/s"),
            SignalDefinition(
                .outputTokens, .counter(c("generation_tokens_total", "suffix:tok/s")), unit: "suffix:tok/s"),
            SignalDefinition(
                .requests, .counter(c("request_success_total", "reqps", labels: ["finished_reason"])), unit: "reqps"),
            SignalDefinition(
                .failedRequests,
                .counter(c("request_success_total", "reqps", matchers: [#"finished_reason=~"abort|error""#])),
                unit: "reqps"),
            SignalDefinition(.running, .gauge(g("num_requests_running"), aggregate: "sum"), unit: "short"),
            SignalDefinition(.waiting, .gauge(g("num_requests_waiting"), aggregate: "sum"), unit: "short"),
            SignalDefinition(
                .kvCache, .gauge(g("gpu_cache_usage_perc", "percentunit"), aggregate: "max"), unit: "percentunit"),
            SignalDefinition(.promptLength, .histogram(h("request_prompt_tokens", "short")), unit: "short"),
            SignalDefinition(.outputLength, .histogram(h("request_generation_tokens", "short")), unit: "short"),
        ],
        otherMetrics: [g("num_request_max")], removedMetrics: [:],
        source: "NVIDIA NIM for LLMs observability docs (vLLM-style names without a prefix)")

    static let ray = BackendCatalog(
        backend: .ray, title: "Ray Serve LLM", modelLabel: "model_name", instanceLabel: "ReplicaId",
        aggregateAway: ["engine", "ReplicaId", "WorkerId", "SessionName"],
        presenceMetric: "ray_vllm_num_requests_running",
        signals: vllmFamily(prefix: "ray_vllm_", colonFallbacks: false),
        otherMetrics: [c("ray_serve_deployment_request_counter_total")], removedMetrics: [:],
        source: "Ray 2.60.0: vLLM engine metrics re-exported as ray_vllm_*")

    static let sglang = BackendCatalog(
        backend: .sglang, title: "SGLang", modelLabel: "model_name", instanceLabel: "instance",
        aggregateAway: ["tp_rank", "pp_rank", "moe_ep_rank", "dp_rank", "engine_type", "is_streaming", "instance"],
        presenceMetric: "sglang:num_running_reqs",
        signals: [
            SignalDefinition(.ttft, .histogram(h("sglang:time_to_first_token_seconds")), unit: "s"),
            SignalDefinition(.itl, .histogram(h("sglang:inter_token_latency_seconds")), unit: "s"),
            SignalDefinition(.tpot, .histogram(h("sglang:request_time_per_output_token_seconds")), unit: "s"),
            SignalDefinition(.e2e, .histogram(h("sglang:e2e_request_latency_seconds")), unit: "s"),
            SignalDefinition(.queue, .histogram(h("sglang:queue_time_seconds")), unit: "s"),
            SignalDefinition(
                .promptTokens, .counter(c("sglang:prompt_tokens_total", "suffix:tok/s")), unit: "suffix:tok/s"),
            SignalDefinition(
                .outputTokens, .counter(c("sglang:generation_tokens_total", "suffix:tok/s")), unit: "suffix:tok/s"),
            SignalDefinition(.requests, .counter(c("sglang:num_requests_total", "reqps")), unit: "reqps"),
            SignalDefinition(.failedRequests, .counter(c("sglang:num_aborted_requests_total", "reqps")), unit: "reqps"),
            SignalDefinition(
                .httpResponses,
                .counter(c("sglang:http_responses_total", "reqps", labels: ["endpoint", "method", "status_code"])),
                unit: "reqps"),
            SignalDefinition(.running, .gauge(g("sglang:num_running_reqs"), aggregate: "sum"), unit: "short"),
            SignalDefinition(.waiting, .gauge(g("sglang:num_queue_reqs"), aggregate: "sum"), unit: "short"),
            SignalDefinition(.batchSize, .gauge(g("sglang:num_running_reqs"), aggregate: "avg"), unit: "short"),
            SignalDefinition(
                .kvCache, .gauge(g("sglang:token_usage", "percentunit"), aggregate: "max"), unit: "percentunit"),
            SignalDefinition(
                .preemptions, .gauge(g("sglang:num_retracted_reqs"), aggregate: "sum"), unit: "short",
                approximation: "SGLang reports retracted (preempted) requests as a gauge, not a counter"),
            SignalDefinition(.prefixCacheHits, .counter(c("sglang:cached_tokens_total")), unit: "short"),
            SignalDefinition(.prefixCacheQueries, .counter(c("sglang:prompt_tokens_total")), unit: "short"),
        ],
        otherMetrics: [
            g("sglang:gen_throughput", "suffix:tok/s"), g("sglang:cache_hit_rate", "percentunit"),
            g("sglang:num_used_tokens"), g("sglang:max_total_num_tokens"), g("sglang:num_grammar_queue_reqs"),
            g("sglang:num_paused_reqs"), c("sglang:num_so_requests_total"), g("sglang:spec_accept_rate"),
            g("sglang:spec_accept_length"), c("http_requests_total"), g("http_requests_active"),
        ],
        removedMetrics: [:], source: "SGLang 0.5.23 (needs --enable-metrics)",
        dimensions: [DimensionLabel(.endpoint, label: "endpoint", on: .httpResponses)])

    static let tgi = BackendCatalog(
        backend: .tgi, title: "Hugging Face TGI", modelLabel: nil, instanceLabel: "instance",
        aggregateAway: ["instance", "pod"], presenceMetric: "tgi_request_count",
        signals: [
            SignalDefinition(
                .ttft,
                .quantileSum([
                    h("tgi_request_queue_duration"),
                    MetricRef(
                        "tgi_batch_inference_duration", .histogram, unit: "s", matchers: [#"method="prefill""#]),
                ]), unit: "s",
                approximation:
                    "TGI has no TTFT histogram: the quantile of queue time plus the quantile of prefill batch time, as TGI's own dashboard does"
            ),
            SignalDefinition(.tpot, .histogram(h("tgi_request_mean_time_per_token_duration")), unit: "s"),
            SignalDefinition(.e2e, .histogram(h("tgi_request_duration")), unit: "s"),
            SignalDefinition(.queue, .histogram(h("tgi_request_queue_duration")), unit: "s"),
            SignalDefinition(
                .prefill,
                .histogram(
                    MetricRef("tgi_batch_inference_duration", .histogram, unit: "s", matchers: [#"method="prefill""#])),
                unit: "s", approximation: "per prefill batch, not per request"),
            SignalDefinition(
                .decode,
                .histogram(
                    MetricRef("tgi_batch_inference_duration", .histogram, unit: "s", matchers: [#"method="decode""#])),
                unit: "s", approximation: "per decode batch step, not per request"),
            SignalDefinition(
                .promptTokens, .counter(c("tgi_request_input_length_sum", "suffix:tok/s")), unit: "suffix:tok/s"),
            SignalDefinition(
                .outputTokens, .counter(c("tgi_request_generated_tokens_sum", "suffix:tok/s")), unit: "suffix:tok/s"),
            SignalDefinition(.requests, .counter(c("tgi_request_count", "reqps")), unit: "reqps"),
            SignalDefinition(
                .failedRequests, .counter(c("tgi_request_failure", "reqps", labels: ["err"])), unit: "reqps"),
            SignalDefinition(.running, .gauge(g("tgi_batch_current_size"), aggregate: "sum"), unit: "short"),
            SignalDefinition(.waiting, .gauge(g("tgi_queue_size"), aggregate: "sum"), unit: "short"),
            SignalDefinition(.batchSize, .gauge(g("tgi_batch_current_size"), aggregate: "avg"), unit: "short"),
            SignalDefinition(
                .kvCache, .gaugeRatio(g("tgi_batch_current_max_tokens"), g("tgi_batch_max_total_tokens")),
                unit: "percentunit",
                approximation: "TGI has no KV-cache metric: tokens reserved by the batch over the token budget"),
            SignalDefinition(.promptLength, .histogram(h("tgi_request_input_length", "short")), unit: "short"),
            SignalDefinition(.outputLength, .histogram(h("tgi_request_generated_tokens", "short")), unit: "short"),
        ],
        otherMetrics: [
            c("tgi_request_success"), h("tgi_request_validation_duration"), h("tgi_request_inference_duration"),
            h("tgi_request_max_new_tokens", "short"), h("tgi_batch_next_size", "short"),
            c("tgi_batch_inference_count"), c("tgi_batch_inference_success"), c("tgi_batch_inference_failure"),
            h("tgi_batch_forward_duration"), h("tgi_batch_decode_duration"), h("tgi_batch_filter_duration"),
            h("tgi_batch_concat_duration"),
        ],
        removedMetrics: [:], source: "text-generation-inference @db931fc (no model label, no _total suffix)")

    static let triton = BackendCatalog(
        backend: .triton, title: "NVIDIA Triton / TensorRT-LLM", modelLabel: "model", instanceLabel: "instance",
        aggregateAway: ["instance", "pod", "version", "gpu_uuid"], presenceMetric: "nv_inference_request_success",
        signals: [
            SignalDefinition(
                .ttft, .histogram(h("nv_inference_first_response_histogram_ms", "ms", scale: 0.001)), unit: "s",
                approximation: "opt-in (--metrics-config histogram_latencies=true), for decoupled/streaming models"),
            SignalDefinition(
                .e2e,
                .mean(
                    total: MetricRef("nv_inference_request_duration_us", .counter, unit: "µs", scale: 1e-6),
                    count: c("nv_inference_request_success")), unit: "s",
                approximation: "a mean: Triton exports cumulative microseconds, not a histogram"),
            SignalDefinition(
                .queue,
                .mean(
                    total: MetricRef("nv_inference_queue_duration_us", .counter, unit: "µs", scale: 1e-6),
                    count: c("nv_inference_request_success")), unit: "s", approximation: "a mean"),
            SignalDefinition(.promptTokens, .histogram(h("nv_llm_input_token_len", "short")), unit: "suffix:tok/s"),
            SignalDefinition(.outputTokens, .histogram(h("nv_llm_output_token_len", "short")), unit: "suffix:tok/s"),
            SignalDefinition(.requests, .counter(c("nv_inference_request_success", "reqps")), unit: "reqps"),
            SignalDefinition(
                .failedRequests, .counter(c("nv_inference_request_failure", "reqps", labels: ["reason"])), unit: "reqps"
            ),
            SignalDefinition(
                .running,
                .gauge(g("nv_trt_llm_request_metrics", matchers: [#"request_type="scheduled""#]), aggregate: "sum"),
                unit: "short"),
            SignalDefinition(
                .waiting, .gauge(g("nv_inference_pending_request_count"), aggregate: "sum"), unit: "short"),
            SignalDefinition(
                .kvCache,
                .gauge(
                    g(
                        "nv_trt_llm_kv_cache_block_metrics", "percentunit",
                        matchers: [#"kv_cache_block_type="fraction""#]),
                    aggregate: "max"), unit: "percentunit"),
            SignalDefinition(.promptLength, .histogram(h("nv_llm_input_token_len", "short")), unit: "short"),
            SignalDefinition(.outputLength, .histogram(h("nv_llm_output_token_len", "short")), unit: "short"),
        ],
        otherMetrics: [
            c("nv_inference_count"), c("nv_inference_exec_count"), c("nv_inference_compute_input_duration_us"),
            c("nv_inference_compute_infer_duration_us"), c("nv_inference_compute_output_duration_us"),
            g("nv_gpu_utilization", "percentunit"), g("nv_gpu_memory_used_bytes", "bytes"),
            g("nv_gpu_memory_total_bytes", "bytes"), g("nv_gpu_power_usage", "watt"), g("nv_gpu_power_limit", "watt"),
            c("nv_energy_consumption"), g("nv_trt_llm_runtime_memory_metrics"),
            g("nv_trt_llm_inflight_batcher_metrics"),
            g("nv_trt_llm_general_metrics"), c("nv_trt_llm_disaggregated_serving_metrics"),
        ],
        removedMetrics: [:], source: "Triton server @e1db8a6, tensorrtllm_backend (labels model, version)")

    static let llamacpp = BackendCatalog(
        backend: .llamacpp, title: "llama.cpp server", modelLabel: nil, instanceLabel: "instance",
        aggregateAway: ["instance", "pod"], presenceMetric: "llamacpp:requests_processing",
        signals: [
            SignalDefinition(
                .itl,
                .mean(
                    total: MetricRef("llamacpp:tokens_predicted_seconds_total", .counter, unit: "s"),
                    count: c("llamacpp:tokens_predicted_total")), unit: "s",
                approximation: "a mean: busy decode seconds per predicted token (llama.cpp has no histograms)"),
            SignalDefinition(
                .tpot,
                .mean(
                    total: MetricRef("llamacpp:tokens_predicted_seconds_total", .counter, unit: "s"),
                    count: c("llamacpp:tokens_predicted_total")), unit: "s", approximation: "a mean"),
            SignalDefinition(
                .prefill,
                .mean(
                    total: MetricRef("llamacpp:prompt_seconds_total", .counter, unit: "s"),
                    count: c("llamacpp:prompt_tokens_total")), unit: "s",
                approximation: "a mean per prompt token, not per request"),
            SignalDefinition(
                .promptTokens, .counter(c("llamacpp:prompt_tokens_total", "suffix:tok/s")), unit: "suffix:tok/s"),
            SignalDefinition(
                .outputTokens, .counter(c("llamacpp:tokens_predicted_total", "suffix:tok/s")), unit: "suffix:tok/s"),
            SignalDefinition(.running, .gauge(g("llamacpp:requests_processing"), aggregate: "sum"), unit: "short"),
            SignalDefinition(.waiting, .gauge(g("llamacpp:requests_deferred"), aggregate: "sum"), unit: "short"),
            SignalDefinition(
                .batchSize, .gauge(g("llamacpp:n_busy_slots_per_decode"), aggregate: "avg"), unit: "short"),
            SignalDefinition(.prefixCacheHits, .counter(c("llamacpp:prompt_tokens_cached_total")), unit: "short"),
        ],
        otherMetrics: [
            c("llamacpp:n_decode_total"), c("llamacpp:n_tokens_max"), g("llamacpp:prompt_tokens_seconds"),
            g("llamacpp:predicted_tokens_seconds"),
        ],
        removedMetrics: [
            "llamacpp:kv_cache_usage_ratio": "nothing (removed in 2025, PR #13660)",
            "llamacpp:kv_cache_tokens": "nothing (removed in 2025, PR #13660)",
        ],
        source: "llama.cpp server (--metrics; no labels, no histograms: means only)")

    static let otelGenAI = BackendCatalog(
        backend: .otelGenAI, title: "OpenTelemetry GenAI", modelLabel: "gen_ai_request_model",
        instanceLabel: "instance",
        aggregateAway: ["instance", "server_address"], presenceMetric: "gen_ai_client_operation_duration_seconds_count",
        signals: [
            SignalDefinition(.ttft, .histogram(h("gen_ai_server_time_to_first_token_seconds")), unit: "s"),
            SignalDefinition(.itl, .histogram(h("gen_ai_client_operation_time_per_output_chunk_seconds")), unit: "s"),
            SignalDefinition(.tpot, .histogram(h("gen_ai_server_time_per_output_token_seconds")), unit: "s"),
            SignalDefinition(.e2e, .histogram(h("gen_ai_server_request_duration_seconds")), unit: "s"),
            SignalDefinition(
                .promptTokens,
                .counter(c("gen_ai_client_token_usage_sum", "suffix:tok/s", matchers: [#"gen_ai_token_type="input""#])),
                unit: "suffix:tok/s"),
            SignalDefinition(
                .outputTokens,
                .counter(
                    c("gen_ai_client_token_usage_sum", "suffix:tok/s", matchers: [#"gen_ai_token_type="output""#])),
                unit: "suffix:tok/s"),
            SignalDefinition(
                .requests, .counter(c("gen_ai_client_operation_duration_seconds_count", "reqps")), unit: "reqps"),
            SignalDefinition(
                .failedRequests,
                .counter(
                    c(
                        "gen_ai_client_operation_duration_seconds_count", "reqps", matchers: [#"error_type!="""#],
                        labels: ["error_type"])), unit: "reqps"),
        ],
        otherMetrics: [
            h("gen_ai_client_operation_duration_seconds"), h("gen_ai_client_token_usage", "short"),
            h("gen_ai_client_operation_time_to_first_chunk_seconds"),
        ],
        removedMetrics: [:],
        source: "OpenTelemetry GenAI semantic conventions, Prometheus names with the default translation strategy")

    static let litellm = BackendCatalog(
        backend: .litellm, title: "LiteLLM proxy", modelLabel: "model", instanceLabel: "instance",
        aggregateAway: ["instance", "pod", "hashed_api_key", "api_base"],
        presenceMetric: "litellm_proxy_total_requests_metric_total",
        signals: [
            SignalDefinition(.ttft, .histogram(h("litellm_llm_api_time_to_first_token_metric")), unit: "s"),
            SignalDefinition(.tpot, .histogram(h("litellm_deployment_latency_per_output_token")), unit: "s"),
            SignalDefinition(.e2e, .histogram(h("litellm_request_total_latency_metric")), unit: "s"),
            SignalDefinition(
                .promptTokens, .counter(c("litellm_input_tokens_metric_total", "suffix:tok/s")), unit: "suffix:tok/s"),
            SignalDefinition(
                .outputTokens, .counter(c("litellm_output_tokens_metric_total", "suffix:tok/s")), unit: "suffix:tok/s"),
            SignalDefinition(
                .requests, .counter(c("litellm_proxy_total_requests_metric_total", "reqps")), unit: "reqps"),
            SignalDefinition(
                .failedRequests,
                .counter(
                    c(
                        "litellm_proxy_failed_requests_metric_total", "reqps",
                        labels: ["exception_status", "exception_class"])), unit: "reqps"),
            SignalDefinition(.running, .gauge(g("litellm_in_flight_requests"), aggregate: "sum"), unit: "short"),
            SignalDefinition(.spend, .counter(c("litellm_spend_metric_total", "currencyUSD")), unit: "currencyUSD"),
        ],
        otherMetrics: [
            h("litellm_llm_api_latency_metric"), c("litellm_total_tokens_metric_total"),
            c("litellm_deployment_success_responses_total"), c("litellm_deployment_failure_responses_total"),
            c("litellm_deployment_total_requests_total"), g("litellm_deployment_state"),
            g("litellm_remaining_requests_metric"), g("litellm_remaining_tokens_metric"),
            c("litellm_cache_hits_metric_total"), c("litellm_cached_tokens_metric_total"),
        ],
        removedMetrics: [:], source: "LiteLLM 1.110.2 (callbacks: [prometheus])",
        dimensions: [
            DimensionLabel(.user, label: "user", on: .requests),
            DimensionLabel(.apiKey, label: "hashed_api_key", on: .requests),
            DimensionLabel(.team, label: "team", on: .requests),
            DimensionLabel(.endpoint, label: "route", on: .requests),
            DimensionLabel(.endUser, label: "end_user", on: .spend),
        ])

    static let dcgm = BackendCatalog(
        backend: .dcgm, title: "NVIDIA DCGM exporter", modelLabel: nil, instanceLabel: "Hostname",
        aggregateAway: ["UUID", "pci_bus_id", "device", "modelName"], presenceMetric: "DCGM_FI_DEV_GPU_UTIL",
        signals: [
            SignalDefinition(.gpuUtil, .gauge(g("DCGM_FI_DEV_GPU_UTIL", "percent"), aggregate: "avg"), unit: "percent"),
            SignalDefinition(
                .gpuMemoryUsed, .gauge(g("DCGM_FI_DEV_FB_USED", "mbytes"), aggregate: "sum"), unit: "mbytes"),
            SignalDefinition(
                .gpuMemoryFree, .gauge(g("DCGM_FI_DEV_FB_FREE", "mbytes"), aggregate: "sum"), unit: "mbytes"),
            SignalDefinition(.gpuPower, .gauge(g("DCGM_FI_DEV_POWER_USAGE", "watt"), aggregate: "sum"), unit: "watt"),
            SignalDefinition(
                .gpuTemperature, .gauge(g("DCGM_FI_DEV_GPU_TEMP", "celsius"), aggregate: "max"), unit: "celsius"),
            SignalDefinition(
                .gpuEnergy,
                .counter(MetricRef("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", .counter, unit: "mJ", scale: 0.001)),
                unit: "watt", approximation: "the rate of a millijoule counter, in joules per second"),
        ],
        otherMetrics: [
            g("DCGM_FI_PROF_GR_ENGINE_ACTIVE", "percentunit"), g("DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", "percentunit"),
            g("DCGM_FI_PROF_DRAM_ACTIVE", "percentunit"), g("DCGM_FI_DEV_FB_RESERVED", "mbytes"),
            g("DCGM_FI_DEV_MEMORY_TEMP", "celsius"), g("DCGM_FI_DEV_SM_CLOCK", "hertz"),
            g("DCGM_FI_DEV_MEM_CLOCK", "hertz"), g("DCGM_FI_DEV_MEM_COPY_UTIL", "percent"),
            g("DCGM_FI_DEV_ENC_UTIL", "percent"), g("DCGM_FI_DEV_DEC_UTIL", "percent"), g("DCGM_FI_DEV_XID_ERRORS"),
            c("DCGM_FI_DEV_PCIE_REPLAY_COUNTER"), c("DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL"),
            g("DCGM_FI_PROF_PCIE_TX_BYTES", "Bps"), g("DCGM_FI_PROF_PCIE_RX_BYTES", "Bps"),
        ],
        removedMetrics: [:],
        source: "dcgm-exporter @d5e5f51 default counters (hostname label: Hostname before PR #655)")
}

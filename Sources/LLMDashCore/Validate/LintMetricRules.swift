import PromQL

/// `lint.unknown-metric`: a metric name the dashboard's backend does not export.
enum UnknownMetricLint: QueryLint {
    static let rule = LintRule(
        id: "lint.unknown-metric",
        summary: "A metric the dashboard's backend does not export (with the closest name it does).",
        rationale: """
            A misspelt or invented name is valid PromQL and silently returns no data. Only dashboards with a \
            `backend` are checked, and only names with that backend's prefix (`vllm:`, `sglang:`, `tgi_`, \
            `nv_inference_`/`nv_trt_llm_`/`nv_llm_`/`nv_gpu_`, `llamacpp:`, `litellm_`, `gen_ai_`, `ray_vllm_`): \
            generic scrape metrics, DCGM, recording rules and other stacks' metrics on a mixed dashboard pass. \
            Where the catalogue lists only part of a family (SGLang, LiteLLM, Triton), only near misses of a \
            known name are flagged.
            """,
        triggering: [
            .query("sum(↓vllm:num_request_running)", backend: .vllm),
            .query("sum(rate(↓vllm:generation_tokens[$__rate_interval]))", backend: .vllm),
            .query(
                "histogram_quantile(0.9, sum by (le) (rate(↓tgi_request_duration_seconds_bucket[5m])))", backend: .tgi),
            .query("sum(rate(↓litellm_spend_metric[$__rate_interval]))", backend: .litellm),
            .spec(
                """
                backend: vllm
                variables:
                  - query: {name: model, query: 'label_values(↓vllm:num_requests_runing, model_name)'}
                """),
        ],
        nonTriggering: [
            .query("sum(vllm:num_requests_running)", backend: .vllm),
            .query("sum(vllm:num_request_running)"),
            .query("sum by (status) (rate(http_requests_total[$__rate_interval]))", backend: .tgi),
            .query("avg by (gpu) (DCGM_FI_DEV_GPU_UTIL)", backend: .vllm),
            .query("sum(sglang:num_running_reqs)", backend: .vllm),
            .query("sum(ray_vllm_num_requests_waiting_by_reason)", backend: .ray),
            .query("sum(rate(litellm_deployment_cooled_down_total[$__rate_interval]))", backend: .litellm),
            .query("sum(rate(vllm:estimated_read_bytes_per_gpu_total[$__rate_interval]))", backend: .vllm),
            .query("sum(num_requests_running)", backend: .nim),
        ])

    static func check(_ query: LintedQuery, _ context: LintContext) -> [QueryFinding] {
        guard let backend = context.backend, let family = MetricKnowledge.family(backend) else { return [] }
        let known = MetricKnowledge.exported(by: backend)
        let removed = MetricKnowledge.removed(by: backend)
        var findings: [QueryFinding] = []
        for (name, range) in query.namedSelectors {
            guard family.prefixes.contains(where: name.hasPrefix), !family.open.contains(where: name.hasPrefix),
                !known.contains(name), RemovedMetricLint.replacement(for: name, in: removed) == nil
            else { continue }
            let suggestion = MetricKnowledge.suggestion(for: name, in: MetricKnowledge.current(by: backend))
            if !family.complete && suggestion == nil { continue }
            let catalog = Catalog.backend(backend)
            findings.append(
                QueryFinding(
                    id: rule.id, message: "'\(name)' is not a \(catalog.title) metric", range: range,
                    notes: suggestion.map { ["did you mean '\($0)'?"] } ?? ["the catalogue follows \(catalog.source)"]))
        }
        return findings
    }
}

/// `lint.removed-metric`: a name the backend no longer exports, with its replacement.
enum RemovedMetricLint: QueryLint {
    static let rule = LintRule(
        id: "lint.removed-metric",
        summary: "A metric the dashboard's backend has removed, with what replaced it.",
        rationale: """
            Published dashboards keep querying names that newer versions dropped \
            (`vllm:gpu_cache_usage_perc`, `vllm:time_per_output_token_seconds`, `llamacpp:kv_cache_usage_ratio`); \
            their panels go blank after an upgrade. A removed name written as a fallback (`new or old`) is \
            deliberate support for older versions and passes.
            """,
        triggering: [
            .query("max(↓vllm:gpu_cache_usage_perc)", backend: .vllm),
            .query(
                "histogram_quantile(0.99, sum by (le) (rate(↓vllm:time_per_output_token_seconds_bucket[5m])))",
                backend: .vllm),
            .query("max(↓llamacpp:kv_cache_usage_ratio)", backend: .llamacpp),
            .query("max(↓ray_vllm_gpu_cache_usage_perc)", backend: .ray),
        ],
        nonTriggering: [
            .query("max(vllm:kv_cache_usage_perc or vllm:gpu_cache_usage_perc)", backend: .vllm),
            .query("max(vllm:kv_cache_usage_perc)", backend: .vllm),
            .query("max(vllm:gpu_cache_usage_perc)"),
            .query("max(vllm:gpu_cache_usage_perc)", backend: .triton),
        ])

    /// What replaced `name` (or the histogram it is a series of), if it was removed.
    static func replacement(for name: String, in removed: [String: String]) -> String? {
        guard !removed.isEmpty else { return nil }
        if let replacement = removed[name] { return replacement }
        for suffix in MetricKnowledge.histogramSuffixes where name.hasSuffix(suffix) {
            guard var replacement = removed[String(name.dropLast(suffix.count))] else { continue }
            // Name the same series of the replacement histogram.
            let first = replacement.prefix { $0 != " " }
            if !first.contains("("), first.contains(":") || first.contains("_") {
                replacement = first + suffix + replacement.dropFirst(first.count)
            }
            return replacement
        }
        return nil
    }

    /// "'x' was removed from vLLM in 0.12: use y", from the catalogue's "y (removed in 0.12)".
    static func message(_ name: String, title: String, replacement: String) -> String {
        var main = Substring(replacement)
        var extra = ""
        var when = ""
        if replacement.hasSuffix(")"), let open = replacement.firstRange(of: " (") {
            main = replacement[..<open.lowerBound]
            let inner = replacement[open.upperBound..<replacement.index(before: replacement.endIndex)]
            if inner.hasPrefix("removed ") {
                when = " " + inner.dropFirst("removed ".count)
            } else {
                extra = " (\(inner))"
            }
        }
        if main == "nothing" { return "'\(name)' was removed from \(title)\(when), with no replacement\(extra)" }
        return "'\(name)' was removed from \(title)\(when): use \(main)\(extra)"
    }

    static func check(_ query: LintedQuery, _ context: LintContext) -> [QueryFinding] {
        guard let backend = context.backend else { return [] }
        let removed = MetricKnowledge.removed(by: backend)
        guard !removed.isEmpty else { return [] }
        var findings: [QueryFinding] = []
        let title = Catalog.backend(backend).title
        query.expr.walk(withAncestors: { node, ancestors in
            let selector: VectorSelector
            switch node {
            case .vectorSelector(let v): selector = v
            case .matrixSelector(let m): selector = m.selector
            default: return true
            }
            guard let name = selector.name, let replacement = replacement(for: name, in: removed),
                !query.hasVariable(in: selector.sourceRange)
            else { return true }
            // `new or old`: the old name is a deliberate fallback for older versions.
            if ancestors.contains(where: { if case .binary(let b) = $0 { b.op == .or } else { false } }) {
                return true
            }
            let message = Self.message(name, title: title, replacement: replacement)
            findings.append(
                QueryFinding(
                    id: rule.id, message: message, range: selector.sourceRange,
                    notes: ["to keep older versions working too, write the old name as a fallback: new or old"]))
            return true
        })
        return findings
    }
}

/// `lint.rate-on-gauge`: `rate()`, `irate()`, `increase()` or `resets()` of a gauge.
enum RateOnGaugeLint: QueryLint {
    static let rule = LintRule(
        id: "lint.rate-on-gauge",
        summary: "rate(), irate(), increase() or resets() applied to a gauge.",
        rationale: """
            These functions assume a counter: every drop of a gauge reads as a counter reset, so the result is \
            meaningless. Only gauges the catalogue names are flagged, since a name alone does not tell a gauge.
            """,
        triggering: [
            .query("sum(↓rate(vllm:num_requests_running[5m]))"),
            .query("sum(↓increase(DCGM_FI_DEV_POWER_USAGE[1h]))"),
            .query("max(↓irate(sglang:token_usage[5m:1m]))"),
        ],
        nonTriggering: [
            .query("sum(rate(vllm:generation_tokens_total[5m]))"),
            .query("sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket[5m]))"),
            .query("sum(deriv(vllm:num_requests_waiting[5m]))"),
            .query("sum(avg_over_time(vllm:num_requests_running[5m]))"),
            .query("sum(rate(my_app_queue_depth[5m]))"),
        ])

    static let counterFunctions: Set<String> = ["rate", "irate", "increase", "resets"]

    static func check(_ query: LintedQuery, _ context: LintContext) -> [QueryFinding] {
        var findings: [QueryFinding] = []
        query.expr.walk { node in
            guard case .call(let call) = node, counterFunctions.contains(call.name), let arg = call.args.first else {
                return
            }
            let selector: VectorSelector
            switch arg.unparenthesized {
            case .matrixSelector(let m):
                selector = m.selector
            case .subquery(let s):
                guard case .vectorSelector(let v) = s.expr.unparenthesized else { return }
                selector = v
            default:
                return
            }
            guard let name = selector.name, MetricKnowledge.isCatalogueGauge(name),
                !query.hasVariable(in: selector.sourceRange)
            else { return }
            findings.append(
                QueryFinding(
                    id: rule.id, message: "\(call.name)() is for counters, but '\(name)' is a gauge",
                    range: call.nameRange,
                    notes: [
                        "show the gauge as it is (avg_over_time() or max_over_time() smooth it), or its slope with deriv()"
                    ]))
        }
        return findings
    }
}

/// `lint.counter-without-rate`: a counter's raw value, which only grows and resets on restarts.
enum CounterWithoutRateLint: QueryLint {
    static let rule = LintRule(
        id: "lint.counter-without-rate",
        summary: "A counter used without rate() or increase().",
        rationale: """
            A counter's raw value is a running total since its process started: it only grows, and drops to \
            zero on every restart. Counters are the catalogue's, and names ending in `_total`, `_bucket`, `_sum` \
            or `_count` unless the catalogue types them as gauges. Uses where the value does not matter pass: \
            inside rate(), irate(), increase(), resets(), changes(), absent(), timestamp(), count() or group(), \
            and on the right of `and`/`unless`. topk() and sort() pass only over rates.
            """,
        triggering: [
            .query("sum(↓vllm:generation_tokens_total)"),
            .query("sum(↓tgi_request_count)"),
            .query("histogram_quantile(0.9, sum by (le) (↓vllm:e2e_request_latency_seconds_bucket))"),
            .query("topk(5, ↓http_requests_total)"),
            .query("sum(delta(↓vllm:prompt_tokens_total[5m]))"),
        ],
        nonTriggering: [
            .query("sum(rate(vllm:generation_tokens_total[$__rate_interval]))"),
            .query("topk(5, sum by (model_name) (increase(vllm:request_success_total[1h])))"),
            .query("count(vllm:request_success_total > 0)"),
            .query("sum(rate(vllm:request_success_total[5m])) and on () (vllm:num_preemptions_total > 0)"),
            .query("sum(nv_inference_pending_request_count)"),
            .query("sum(vllm:num_requests_running)"),
            .query("absent(vllm:request_success_total)"),
        ])

    /// Functions and aggregations whose result does not depend on the counter's value.
    static let valueFreeFunctions: Set<String> = [
        "rate", "irate", "increase", "resets", "changes", "absent", "absent_over_time", "present_over_time",
        "count_over_time", "timestamp",
    ]

    static func check(_ query: LintedQuery, _ context: LintContext) -> [QueryFinding] {
        // A variable query's values are never shown.
        if query.use == .variable { return [] }
        var findings: [QueryFinding] = []
        query.expr.walk(withAncestors: { node, ancestors in
            let selector: VectorSelector
            switch node {
            case .vectorSelector(let v): selector = v
            case .matrixSelector(let m): selector = m.selector
            default: return true
            }
            guard let name = selector.name, MetricKnowledge.kind(of: name) == .counter,
                !query.hasVariable(in: selector.sourceRange)
            else { return true }
            let at = selector.sourceRange.lowerBound
            let valueFree = ancestors.contains { ancestor in
                switch ancestor {
                case .call(let c): valueFreeFunctions.contains(c.name)
                case .aggregation(let a): a.op == .count || a.op == .group
                case .binary(let b): (b.op == .and || b.op == .unless) && b.rhs.sourceRange.contains(at)
                default: false
                }
            }
            if valueFree { return true }
            var notes = ["show its rate instead, e.g. sum(rate(\(name)[$__rate_interval]))"]
            if case .call(let parent)? = ancestors.last, ["delta", "idelta", "deriv"].contains(parent.name) {
                notes = ["\(parent.name)() does not handle counter resets: use increase() or rate()"]
            }
            findings.append(
                QueryFinding(
                    id: rule.id, message: "counter '\(name)' is used without rate() or increase()",
                    range: selector.sourceRange, notes: notes))
            return true
        })
        return findings
    }
}

/// What the lints know about metric names, from the catalogue: each name's type, and which names a
/// dashboard of a given backend can be held to.
enum MetricKnowledge {
    enum Kind: Sendable {
        case counter, gauge
    }

    /// Counter or gauge by exposed name, over every backend's catalogue (a histogram's `_bucket`, `_sum`
    /// and `_count` series are counters). A name two catalogues type differently is left out.
    static let kinds: [String: Kind] = {
        var kinds: [String: Kind] = [:]
        var conflicts: Set<String> = []
        func note(_ name: String, _ kind: Kind) {
            if let known = kinds[name], known != kind { conflicts.insert(name) }
            kinds[name] = kind
        }
        for catalog in Catalog.all {
            for metric in catalog.signals.flatMap(\.source.metrics) + catalog.otherMetrics {
                for name in [metric.name] + metric.fallbacks {
                    switch metric.type {
                    case .counter: note(name, .counter)
                    case .gauge: note(name, .gauge)
                    case .histogram: for suffix in histogramSuffixes { note(name + suffix, .counter) }
                    }
                }
            }
        }
        for name in gaugeLikeCounters { kinds[name] = .gauge }
        for name in conflicts { kinds[name] = nil }
        return kinds
    }()

    static let histogramSuffixes = ["_bucket", "_sum", "_count"]

    /// Typed counter by the exporter but really a high-water mark (llm-metrics.md §6).
    static let gaugeLikeCounters: Set<String> = ["llamacpp:n_tokens_max"]

    /// The type of a metric: the catalogue's, else a counter by the naming conventions (`_total`, and a
    /// histogram's or summary's `_bucket`, `_sum`, `_count`), else unknown.
    static func kind(of name: String) -> Kind? {
        if let kind = kinds[name] { return kind }
        for suffix in ["_total", "_bucket", "_sum", "_count"] where name.hasSuffix(suffix) { return .counter }
        return nil
    }

    /// The gauges the catalogue names: only these count as gauges for `rate()`, since a name alone does
    /// not tell a gauge.
    static func isCatalogueGauge(_ name: String) -> Bool { kinds[name] == .gauge }

    /// The metric names a backend's dashboards are held to.
    ///
    /// Only names that carry the backend's own prefix are checked, so generic scrape metrics (`up`,
    /// `http_requests_total`, `process_*`, `kube_*`, `node_*`, `container_*`), DCGM's `DCGM_FI_*` (GPU panels
    /// sit on every backend's dashboards), recording rules (`llm:…`) and other stacks' metrics on a mixed
    /// dashboard (a LiteLLM gateway in front of vLLM) are never flagged. Within the prefix:
    /// - `complete` families (vLLM, TGI, llama.cpp, OTel GenAI, Ray's re-exported vLLM metrics) are listed
    ///   in full by the catalogue, so any other name is flagged;
    /// - the others (SGLang, LiteLLM, Triton) export more than the catalogue lists and change fast, so a
    ///   name is flagged only when it is a near miss of a known one (a typo, a missing `_total`);
    /// - `open` sub-families (opt-in metrics the catalogue does not list) are never flagged.
    /// NIM's names have no prefix and DCGM's are always known: neither is checked.
    struct Family: Sendable {
        var prefixes: [String]
        var complete: Bool
        var open: [String] = []
    }

    static func family(_ backend: Backend) -> Family? {
        switch backend {
        case .vllm: Family(prefixes: ["vllm:"], complete: true, open: ["vllm:estimated_"])
        case .ray: Family(prefixes: ["ray_vllm_"], complete: true, open: ["ray_vllm_estimated_"])
        case .tgi: Family(prefixes: ["tgi_"], complete: true)
        case .llamacpp: Family(prefixes: ["llamacpp:"], complete: true, open: ["llamacpp:spec_decode_"])
        case .otelGenAI: Family(prefixes: ["gen_ai_"], complete: true)
        case .sglang: Family(prefixes: ["sglang:"], complete: false)
        case .litellm: Family(prefixes: ["litellm_"], complete: false)
        // Not `nv_`: Triton's CPU, pinned-memory and response-cache metrics share it and are not catalogued.
        case .triton: Family(prefixes: ["nv_inference_", "nv_trt_llm_", "nv_llm_", "nv_gpu_"], complete: false)
        case .nim, .dcgm: nil
        }
    }

    /// Every name a backend exports. Ray re-exports all of vLLM's engine metrics as `ray_vllm_*`.
    static func exported(by backend: Backend) -> Set<String> { exportedNames[backend] ?? [] }

    private static let exportedNames: [Backend: Set<String>] = {
        var out: [Backend: Set<String>] = [:]
        for backend in Backend.allCases { out[backend] = Catalog.backend(backend).exposedNames }
        for name in Catalog.backend(.vllm).exposedNames where name.hasPrefix("vllm:") {
            out[.ray]!.insert("ray_vllm_" + name.dropFirst(5))
        }
        return out
    }()

    /// The names a backend exports today: what did-you-mean suggestions choose from (the catalogue keeps
    /// removed names as fallbacks).
    static func current(by backend: Backend) -> [String] { currentNames[backend] ?? [] }

    private static let currentNames: [Backend: [String]] = {
        var out: [Backend: [String]] = [:]
        for backend in Backend.allCases {
            let removed = removed(by: backend)
            out[backend] = exported(by: backend).filter { name in
                removed[name] == nil
                    && !histogramSuffixes.contains {
                        name.hasSuffix($0) && removed[String(name.dropLast($0.count))] != nil
                    }
            }.sorted()
        }
        return out
    }()

    /// Names a backend used to export, with what replaced them (Ray's from vLLM's).
    static func removed(by backend: Backend) -> [String: String] { removedNames[backend] ?? [:] }

    private static let removedNames: [Backend: [String: String]] = {
        var out: [Backend: [String: String]] = [:]
        for backend in Backend.allCases { out[backend] = Catalog.backend(backend).removedMetrics }
        for (name, replacement) in Catalog.backend(.vllm).removedMetrics where name.hasPrefix("vllm:") {
            out[.ray, default: [:]]["ray_vllm_" + name.dropFirst(5)] = replacement.replacing("vllm:", with: "ray_vllm_")
        }
        return out
    }()

    /// A name of the catalogue close to `name`: the same name with or without a counter or histogram suffix,
    /// else the nearest by edit distance.
    static func suggestion(for name: String, in known: [String]) -> String? {
        var variants = [name + "_total", name + "_bucket"]
        for suffix in ["_total", "_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            variants += [base, base + "_total", base + "_bucket"]
        }
        if let exact = variants.first(where: known.contains) { return exact }
        return Suggestions.closest(to: name, in: known)
    }
}

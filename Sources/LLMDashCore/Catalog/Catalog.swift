/// The serving stacks llmdash knows the metrics of.
public enum Backend: String, Sendable, Hashable, CaseIterable, Codable {
    case vllm, sglang, tgi, triton, llamacpp
    case otelGenAI = "otel-genai"
    case litellm, nim, ray, dcgm
}

/// What a panel can ask for without naming a metric: the catalogue turns it into one per backend.
public enum SignalID: String, Sendable, Hashable, CaseIterable, Codable {
    // Latency (seconds).
    case ttft, itl, tpot, e2e, queue, prefill, decode
    // Throughput.
    case promptTokens = "prompt_tokens", outputTokens = "output_tokens", requests
    // Errors: failed requests among `requests`, and HTTP responses by status.
    case failedRequests = "failed_requests", httpResponses = "http_responses"
    // Saturation.
    case running, waiting, batchSize = "batch_size", kvCache = "kv_cache", preemptions
    case prefixCacheHits = "prefix_cache_hits", prefixCacheQueries = "prefix_cache_queries"
    // Request sizes (histograms of tokens).
    case promptLength = "prompt_length", outputLength = "output_length"
    // GPUs.
    case gpuUtil = "gpu_util", gpuMemoryUsed = "gpu_memory_used", gpuMemoryFree = "gpu_memory_free"
    case gpuPower = "gpu_power", gpuTemperature = "gpu_temperature", gpuEnergy = "gpu_energy"
    // Money reported by the backend itself (gateways).
    case spend

    public var category: SignalCategory {
        switch self {
        case .ttft, .itl, .tpot, .e2e, .queue, .prefill, .decode: .latency
        case .promptTokens, .outputTokens, .requests: .throughput
        case .failedRequests, .httpResponses: .errors
        case .running, .waiting, .batchSize, .kvCache, .preemptions, .prefixCacheHits, .prefixCacheQueries: .saturation
        case .promptLength, .outputLength: .size
        case .gpuUtil, .gpuMemoryUsed, .gpuMemoryFree, .gpuPower, .gpuTemperature, .gpuEnergy: .gpu
        case .spend: .cost
        }
    }

    /// A short human name, used in titles and legends.
    public var title: String {
        switch self {
        case .ttft: "Time to first token"
        case .itl: "Inter-token latency"
        case .tpot: "Time per output token"
        case .e2e: "End-to-end latency"
        case .queue: "Queue time"
        case .prefill: "Prefill time"
        case .decode: "Decode time"
        case .promptTokens: "Prompt tokens/s"
        case .outputTokens: "Output tokens/s"
        case .requests: "Requests/s"
        case .failedRequests: "Failed requests/s"
        case .httpResponses: "HTTP responses/s"
        case .running: "Running requests"
        case .waiting: "Waiting requests"
        case .batchSize: "Batch size"
        case .kvCache: "KV-cache usage"
        case .preemptions: "Preemptions/s"
        case .prefixCacheHits: "Prefix-cache hits/s"
        case .prefixCacheQueries: "Prefix-cache lookups/s"
        case .promptLength: "Prompt length"
        case .outputLength: "Output length"
        case .gpuUtil: "GPU utilisation"
        case .gpuMemoryUsed: "GPU memory used"
        case .gpuMemoryFree: "GPU memory free"
        case .gpuPower: "GPU power"
        case .gpuTemperature: "GPU temperature"
        case .gpuEnergy: "GPU energy"
        case .spend: "Spend"
        }
    }
}

public enum SignalCategory: String, Sendable, Hashable, CaseIterable, Codable {
    case latency, throughput, errors, saturation, size, gpu, cost
}

public enum MetricType: String, Sendable, Hashable, Codable {
    case counter, gauge, histogram
}

/// A metric as Prometheus stores it.
public struct MetricRef: Sendable, Hashable, Codable {
    /// The exposed name; for histograms the base name (without `_bucket`, `_sum`, `_count`).
    public var name: String
    public var type: MetricType
    /// Grafana unit of the raw values.
    public var unit: String
    /// Matchers always applied (e.g. `finished_reason=~"abort|error"`), written as PromQL.
    public var matchers: [String]
    /// Multiply raw values by this to get the signal's unit (ms → s: 0.001).
    public var scale: Double?
    /// Older names of the same series (renamed or removed in newer versions), tried with `or`.
    public var fallbacks: [String]
    /// Labels the metric carries beyond the scrape's `job`/`instance`.
    public var labels: [String]

    public init(
        _ name: String, _ type: MetricType, unit: String, matchers: [String] = [], scale: Double? = nil,
        fallbacks: [String] = [], labels: [String] = []
    ) {
        self.name = name
        self.type = type
        self.unit = unit
        self.matchers = matchers
        self.scale = scale
        self.fallbacks = fallbacks
        self.labels = labels
    }
}

/// How a backend provides a signal.
public enum SignalSource: Sendable, Hashable {
    /// A histogram: percentiles, heatmaps and means.
    case histogram(MetricRef)
    /// A counter: rates.
    case counter(MetricRef)
    /// A gauge, combined across series with `aggregate` (`sum` for counts, `max` for ratios).
    case gauge(MetricRef, aggregate: String)
    /// Only a mean is available: rate(total) / rate(count) (times the total's scale).
    case mean(total: MetricRef, count: MetricRef)
    /// A ratio of two gauges (e.g. a KV-cache proxy).
    case gaugeRatio(MetricRef, MetricRef)
    /// A sum of the same quantile of several histograms (e.g. TGI's TTFT = queue + prefill).
    case quantileSum([MetricRef])

    /// Every metric the source reads.
    public var metrics: [MetricRef] {
        switch self {
        case .histogram(let m), .counter(let m), .gauge(let m, _): [m]
        case .mean(let a, let b), .gaugeRatio(let a, let b): [a, b]
        case .quantileSum(let ms): ms
        }
    }
}

/// One signal of one backend.
public struct SignalDefinition: Sendable, Hashable {
    public var signal: SignalID
    public var source: SignalSource
    /// The Grafana unit of the signal's values (after scaling).
    public var unit: String
    /// Set when the signal is derived rather than measured: what it approximates and how.
    public var approximation: String?

    public init(_ signal: SignalID, _ source: SignalSource, unit: String, approximation: String? = nil) {
        self.signal = signal
        self.source = source
        self.unit = unit
        self.approximation = approximation
    }
}

/// Who or where requests come from: labels some backends put on their request counters.
public enum Dimension: String, Sendable, Hashable, CaseIterable, Codable {
    case user, apiKey = "api_key", team, endUser = "end_user", endpoint, region

    /// A short human name, used in titles.
    public var title: String {
        switch self {
        case .user: "user"
        case .apiKey: "API key"
        case .team: "team"
        case .endUser: "end user"
        case .endpoint: "endpoint"
        case .region: "region"
        }
    }
}

/// The label carrying a dimension, and the signal whose metric carries it.
public struct DimensionLabel: Sendable, Hashable {
    public var dimension: Dimension
    public var label: String
    public var signal: SignalID

    public init(_ dimension: Dimension, label: String, on signal: SignalID) {
        self.dimension = dimension
        self.label = label
        self.signal = signal
    }
}

/// Everything llmdash knows about one serving stack's metrics.
public struct BackendCatalog: Sendable, Hashable {
    public var backend: Backend
    public var title: String
    /// The label naming the served model, if the backend has one.
    public var modelLabel: String?
    /// The label telling serving processes apart.
    public var instanceLabel: String
    /// Labels to aggregate away by default (engines, ranks, streaming flags).
    public var aggregateAway: [String]
    /// A metric every serving process exports, for `label_values` variable queries.
    public var presenceMetric: String
    public var signals: [SignalDefinition]
    /// Further metrics the backend exports, not behind a signal (known names for lints).
    public var otherMetrics: [MetricRef]
    /// Names that older versions exported and newer ones do not, with what replaced them.
    public var removedMetrics: [String: String]
    /// Where the facts come from (versions read).
    public var source: String
    /// Per-request labels naming users, keys, teams, endpoints: what `users` and `traffic` panels group by.
    public var dimensions: [DimensionLabel] = []

    public func dimension(_ d: Dimension) -> DimensionLabel? { dimensions.first { $0.dimension == d } }

    public func signal(_ id: SignalID) -> SignalDefinition? { signals.first { $0.signal == id } }

    /// Every metric name this backend exports, with histogram series names expanded.
    public var exposedNames: Set<String> {
        var names = Set<String>()
        for m in signals.flatMap(\.source.metrics) + otherMetrics {
            for name in [m.name] + m.fallbacks {
                if m.type == .histogram {
                    names.formUnion([name + "_bucket", name + "_sum", name + "_count"])
                } else {
                    names.insert(name)
                }
            }
        }
        return names
    }
}

/// The compiled-in metric catalogue.
public enum Catalog {
    public static func backend(_ backend: Backend) -> BackendCatalog {
        switch backend {
        case .vllm: vllm
        case .sglang: sglang
        case .tgi: tgi
        case .triton: triton
        case .llamacpp: llamacpp
        case .otelGenAI: otelGenAI
        case .litellm: litellm
        case .nim: nim
        case .ray: ray
        case .dcgm: dcgm
        }
    }

    public static var all: [BackendCatalog] { Backend.allCases.map(backend) }

    /// Backends whose metrics carry a dimension's label.
    public static func backends(with dimension: Dimension) -> [Backend] {
        Backend.allCases.filter { backend($0).dimension(dimension) != nil }
    }

    /// Backends that provide a signal, for "not available on X; available on Y" messages.
    public static func backends(providing signal: SignalID) -> [Backend] {
        Backend.allCases.filter { backend($0).signal(signal) != nil }
    }
}

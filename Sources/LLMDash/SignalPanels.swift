/// Anything that asks for panels by signal; the dashboard expands it with its backend's catalogue.
public protocol SignalPanelConvertible: Sendable {
    var request: SignalPanelRequest { get set }
}

extension SignalPanelConvertible {
    func with(_ change: (inout SignalPanelRequest) -> Void) -> Self {
        var copy = self
        change(&copy.request)
        return copy
    }

    public func title(_ title: String) -> Self { with { $0.title = title } }
    public func key(_ key: String) -> Self { with { $0.key = key } }
    public func description(_ text: String) -> Self { with { $0.description = text } }
    public func size(width: Int? = nil, height: Int? = nil) -> Self {
        with {
            if let width { $0.width = width }
            if let height { $0.height = height }
        }
    }
    public func newLine(_ newLine: Bool = true) -> Self { with { $0.newLine = newLine } }
    /// `false` keeps these panels' queries as written when the dashboard records its expensive queries.
    public func recordingRules(_ enabled: Bool) -> Self { with { $0.recordingRules = enabled } }
    /// Group by labels; `"model"` stands for the backend's model label.
    public func by(_ labels: String...) -> Self { with { $0.by = labels } }
    /// Grafana JSON merged over the one panel this expands into (RFC 7386 merge patch), unchecked.
    public func grafana(_ patch: JSON) -> Self { with { $0.grafana = patch } }
    /// Read this panel from another backend's catalogue.
    public func backend(_ backend: Backend) -> Self { with { $0.backend = backend } }
}

func request(
    _ kind: SignalPanelRequest.Kind, _ signal: SignalID?, file: String, line: Int, column: Int
) -> SignalPanelRequest {
    var r = SignalPanelRequest(kind, signal: signal)
    r.location = SourceLocation(file: file, line: line, column: column)
    return r
}

/// Latency percentiles (and optionally the mean) of a latency or size signal.
public struct Latency: SignalPanelConvertible {
    public var request: SignalPanelRequest

    public init(
        _ signal: SignalID, percentiles: [Double] = [50, 90, 99], mean: Bool = false, file: String = #filePath,
        line: Int = #line, column: Int = #column
    ) {
        request = LLMDash.request(.latency, signal, file: file, line: line, column: column)
        request.percentiles = percentiles
        request.mean = mean
    }

    /// A service-level threshold in seconds, drawn as a dashed red line.
    public func slo(_ seconds: Double) -> Self { with { $0.slo = seconds } }

    /// One quantile taken from a variable (e.g. the standard `quantile` variable) instead of fixed percentiles.
    public func quantile(variable name: String) -> Self { with { $0.quantileVariable = name } }
}

/// A heatmap of a histogram signal's buckets.
public struct SignalHeatmap: SignalPanelConvertible {
    public var request: SignalPanelRequest

    public init(_ signal: SignalID, file: String = #filePath, line: Int = #line, column: Int = #column) {
        request = LLMDash.request(.heatmap, signal, file: file, line: line, column: column)
    }
}

extension Heatmap {
    /// A heatmap of a histogram signal's buckets (same as `SignalHeatmap`).
    public static func signal(
        _ signal: SignalID, file: String = #filePath, line: Int = #line, column: Int = #column
    ) -> SignalHeatmap {
        SignalHeatmap(signal, file: file, line: line, column: column)
    }
}

/// Rates of a throughput signal (tokens/s, requests/s).
public struct Throughput: SignalPanelConvertible {
    public var request: SignalPanelRequest

    public init(_ signal: SignalID, file: String = #filePath, line: Int = #line, column: Int = #column) {
        request = LLMDash.request(.throughput, signal, file: file, line: line, column: column)
    }
}

/// Errors: the failed share of requests, failures by reason, or HTTP responses by status.
public struct Errors: SignalPanelConvertible {
    public enum Mode: String, Sendable { case ratio, byReason = "by-reason", http }
    public var request: SignalPanelRequest

    public init(_ mode: Mode = .ratio, file: String = #filePath, line: Int = #line, column: Int = #column) {
        request = LLMDash.request(.errors, nil, file: file, line: line, column: column)
        if mode != .ratio { request.mode = mode.rawValue }
    }
}

/// Running and waiting requests, batch size, KV-cache use, preemptions, prefix-cache hit rate.
public struct Saturation: SignalPanelConvertible {
    public var request: SignalPanelRequest

    public init(_ signal: SignalID, file: String = #filePath, line: Int = #line, column: Int = #column) {
        request = LLMDash.request(.saturation, signal, file: file, line: line, column: column)
    }
}

/// GPU utilisation, memory, power, temperature (from DCGM unless another backend is named).
public struct GPU: SignalPanelConvertible {
    public var request: SignalPanelRequest

    public init(_ signal: SignalID, file: String = #filePath, line: Int = #line, column: Int = #column) {
        request = LLMDash.request(.gpu, signal, file: file, line: line, column: column)
    }

    /// The labels matching DCGM's series to the serving backend's when grouped `by("model")`.
    public func join(_ labels: String...) -> Self { with { $0.join = labels } }
}

/// Cost per 1M output tokens from a GPU hourly price, energy per token, or spend the backend reports.
public struct Cost: SignalPanelConvertible {
    public enum Mode: String, Sendable { case perToken = "per-token", energy, spend }
    public var request: SignalPanelRequest

    public init(
        _ mode: Mode = .perToken, price: String = "gpu_hourly_usd", file: String = #filePath, line: Int = #line,
        column: Int = #column
    ) {
        request = LLMDash.request(.cost, nil, file: file, line: line, column: column)
        if mode != .perToken { request.mode = mode.rawValue }
        request.priceVariable = price
    }
}

/// A top-N table of a signal by model (or other labels).
public struct Top: SignalPanelConvertible {
    public var request: SignalPanelRequest

    public init(
        _ signal: SignalID, limit: Int = 10, file: String = #filePath, line: Int = #line, column: Int = #column
    ) {
        request = LLMDash.request(.top, signal, file: file, line: line, column: column)
        request.limit = limit
    }
}

/// Canary against stable on a label: side-by-side, ratio, error-rate delta and traffic share.
public struct Compare: SignalPanelConvertible {
    public var request: SignalPanelRequest

    public init(
        _ signal: SignalID, percentile: Double = 99, label: String = "version", baseline: String = "stable",
        candidate: String = "canary", file: String = #filePath, line: Int = #line, column: Int = #column
    ) {
        request = LLMDash.request(.compare, signal, file: file, line: line, column: column)
        request.percentile = percentile
        request.label = label
        request.baseline = baseline
        request.candidate = candidate
    }
}

/// A signal's (or a named metric's) current distribution against a baseline window or a golden series.
public struct Drift: SignalPanelConvertible {
    public var request: SignalPanelRequest

    public init(
        _ signal: SignalID, percentiles: [Double] = [50, 90], baseline: String = "7d", golden: String? = nil,
        file: String = #filePath, line: Int = #line, column: Int = #column
    ) {
        request = LLMDash.request(.drift, signal, file: file, line: line, column: column)
        request.percentiles = percentiles
        request.baselineWindow = baseline
        request.golden = golden
    }

    /// A metric by name, e.g. an evaluator's quality, hallucination or embedding-drift score.
    public init(
        metric: String, baseline: String = "7d", golden: String? = nil, file: String = #filePath, line: Int = #line,
        column: Int = #column
    ) {
        request = LLMDash.request(.drift, nil, file: file, line: line, column: column)
        request.metric = metric
        request.baselineWindow = baseline
        request.golden = golden
    }
}

/// A statistical process control chart: the centre line and ±3σ limits over a window, out-of-control points marked.
public struct SPC: SignalPanelConvertible {
    public var request: SignalPanelRequest

    public init(
        _ signal: SignalID, percentile: Double = 99, window: String = "7d", file: String = #filePath,
        line: Int = #line, column: Int = #column
    ) {
        request = LLMDash.request(.spc, signal, file: file, line: line, column: column)
        request.percentile = percentile
        request.window = window
    }

    public init(
        metric: String, window: String = "7d", file: String = #filePath, line: Int = #line, column: Int = #column
    ) {
        request = LLMDash.request(.spc, nil, file: file, line: line, column: column)
        request.metric = metric
        request.window = window
    }
}

/// Thumbs up and down per minute, and the positive share, from two counters the application exports.
public struct Feedback: SignalPanelConvertible {
    public var request: SignalPanelRequest

    /// - Parameters:
    ///   - up: the counter of positive feedback; `down`, of negative.
    ///   - window: the window of the positive share.
    public init(
        up: String, down: String, window: String = "1h", file: String = #filePath, line: Int = #line,
        column: Int = #column
    ) {
        request = LLMDash.request(.feedback, nil, file: file, line: line, column: column)
        request.up = up
        request.down = down
        request.feedbackWindow = window
    }
}

/// Active and unique users (or API keys, teams, end users) from the label the backend's request counter carries.
public struct Users: SignalPanelConvertible {
    public var request: SignalPanelRequest

    public init(
        _ dimension: Dimension = .user, label: String? = nil, metric: String? = nil, file: String = #filePath,
        line: Int = #line, column: Int = #column
    ) {
        request = LLMDash.request(.users, nil, file: file, line: line, column: column)
        request.dimension = dimension
        request.dimensionLabel = label
        request.metric = metric
    }
}

/// Request volume by endpoint (or region, user, team…): the catalogue's label, or one named outright.
public struct Traffic: SignalPanelConvertible {
    public var request: SignalPanelRequest

    public init(
        _ dimension: Dimension? = nil, label: String? = nil, metric: String? = nil, file: String = #filePath,
        line: Int = #line, column: Int = #column
    ) {
        request = LLMDash.request(.traffic, nil, file: file, line: line, column: column)
        request.dimension = dimension
        request.dimensionLabel = label
        request.metric = metric
    }
}

/// Anything that asks for annotations by event; the dashboard writes their queries.
public protocol EventAnnotationConvertible: Sendable {
    var request: EventAnnotationRequest { get set }
}

/// Deploys: a rollout of matching Deployments, from kube-state-metrics.
public struct Deploys: EventAnnotationConvertible {
    public var request: EventAnnotationRequest

    /// - Parameters:
    ///   - deployment: a regex of Deployment names; `namespace`, of namespaces.
    ///   - window: how far back a change still shows.
    public init(
        deployment: String? = nil, namespace: String? = nil, name: String? = nil, metric: String? = nil,
        window: String = "2m", iconColor: String? = nil, file: String = #filePath, line: Int = #line,
        column: Int = #column
    ) {
        request = EventAnnotationRequest(.deploys)
        request.deployment = deployment
        request.namespace = namespace
        request.name = name
        request.metric = metric
        request.window = window
        request.iconColor = iconColor
        request.location = SourceLocation(file: file, line: line, column: column)
    }
}

/// Canary switches: a new value of the version label on the backend's series (or `metric`).
public struct VersionChanges: EventAnnotationConvertible {
    public var request: EventAnnotationRequest

    public init(
        label: String = "version", name: String? = nil, metric: String? = nil, window: String = "2m",
        iconColor: String? = nil, file: String = #filePath, line: Int = #line, column: Int = #column
    ) {
        request = EventAnnotationRequest(.versions)
        request.label = label
        request.name = name
        request.metric = metric
        request.window = window
        request.iconColor = iconColor
        request.location = SourceLocation(file: file, line: line, column: column)
    }
}

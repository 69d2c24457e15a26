/// A panel asked for by signal rather than by query; the expander turns it into complete panels.
public struct SignalPanelRequest: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case latency, throughput, errors, saturation, gpu, cost, top, compare, heatmap, drift, spc
        case feedback, users, traffic
    }

    public var kind: Kind
    public var signal: SignalID?
    public var title: String?
    public var key: String?
    public var description: String?
    public var width: Int?
    public var height: Int?
    public var newLine: Bool = false
    /// Label groupings: `model` stands for the backend's model label.
    public var by: [String] = []
    /// Latency: quantiles as percentages (50, 90, 99, 99.9).
    public var percentiles: [Double] = [50, 90, 99]
    /// Latency: add the mean as a series.
    public var mean: Bool = false
    /// Latency: a service-level threshold in the signal's unit, drawn as a dashed red line.
    public var slo: Double?
    /// Errors: `ratio` (default) or `rate`.
    public var mode: String?
    /// Top: how many rows.
    public var limit: Int = 10
    /// Compare: the label and its two values.
    public var label: String = "version"
    public var baseline: String = "stable"
    public var candidate: String = "canary"
    /// Compare: the percentile compared.
    public var percentile: Double = 99
    /// Cost: the name of the dashboard variable holding the GPU hourly price.
    public var priceVariable: String = "gpu_hourly_usd"
    /// Drift and SPC: a metric given by name instead of a signal (e.g. an evaluator's quality score).
    public var metric: String?
    /// Drift: how far back the baseline lies (`offset`), e.g. `7d`.
    public var baselineWindow: String = "7d"
    /// Drift: a series holding golden-dataset values to compare against instead of the past.
    public var golden: String?
    /// SPC: the window over which the centre line and the control limits are computed.
    public var window: String = "7d"
    /// Latency: a variable holding the quantile (0–1), e.g. `quantile` for `$quantile`, instead of `percentiles`.
    public var quantileVariable: String?
    /// Feedback: the counters of positive and negative user feedback.
    public var up: String?
    public var down: String?
    /// Feedback: the window of the positive share.
    public var feedbackWindow: String = "1h"
    /// Users and traffic: what to count or group by, from the catalogue, or a label named outright.
    public var dimension: Dimension?
    public var dimensionLabel: String?
    /// GPU by model: the labels joining DCGM series to the serving backend's series.
    public var join: [String] = ["namespace", "pod"]
    /// `false` keeps the panels' queries as written when the dashboard records its expensive queries.
    public var recordingRules: Bool?
    /// Grafana JSON merged over the one panel this request expands into (RFC 7386 merge patch), unchecked.
    public var grafana: JSON?
    /// A backend other than the dashboard's (GPU panels use `dcgm` by default).
    public var backend: Backend?
    public var location: SourceLocation?

    public init(_ kind: Kind, signal: SignalID? = nil) {
        self.kind = kind
        self.signal = signal
    }
}

/// What the expander needs to know about the dashboard.
public struct SignalContext: Sendable {
    public var backend: Backend?
    public var variables: [VariableSpec]
    /// The dashboard links exemplars to traces: latency panels ask for them.
    public var exemplars: Bool = false

    public init(backend: Backend?, variables: [VariableSpec]) {
        self.backend = backend
        self.variables = variables
    }

    func has(_ name: String) -> Bool { variables.contains { $0.name == name } }
}

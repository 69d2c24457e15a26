/// Writes the PromQL for one signal of one backend: percentiles, means, rates and values, with the
/// dashboard's label matchers, the metric's own matchers, unit scaling and fallbacks to older names.
public struct SignalQuery: Sendable {
    public var definition: SignalDefinition
    /// Matchers from the dashboard (e.g. `model_name=~"$model"`), applied to every series.
    public var selector: [String]
    public var window: String
    /// Shift every series into the past (a baseline), e.g. `7d`.
    public var offset: String?

    public init(
        _ definition: SignalDefinition, selector: [String] = [], window: String = "$__rate_interval",
        offset: String? = nil
    ) {
        self.definition = definition
        self.selector = selector
        self.window = window
        self.offset = offset
    }

    var off: String { offset.map { " offset \($0)" } ?? "" }

    func series(_ name: String, _ metric: MetricRef, extra: [String] = []) -> String {
        let matchers = metric.matchers + selector + extra
        return matchers.isEmpty ? name : name + "{" + matchers.joined(separator: ", ") + "}"
    }

    static func by(_ labels: [String]) -> String {
        labels.isEmpty ? "" : " by (" + labels.joined(separator: ", ") + ") "
    }

    /// `name` and its older names, as alternatives.
    func alternatives(_ metric: MetricRef, suffix: String = "", extra: [String] = [], wrap: (String) -> String)
        -> String
    {
        ([metric.name] + metric.fallbacks).map { wrap(series($0 + suffix, metric, extra: extra)) }
            .joined(separator: " or ")
    }

    func scaled(_ expr: String, _ metric: MetricRef) -> String {
        guard let scale = metric.scale else { return expr }
        return expr + " * " + Self.number(scale)
    }

    static func number(_ value: Double) -> String { JSONWriter.formatDouble(value) }

    /// A quantile (0–1) of a histogram signal, grouped by `by`.
    public func quantile(_ q: Double, by: [String] = [], extra: [String] = []) -> String? {
        quantile(Self.number(q), by: by, extra: extra)
    }

    /// A quantile written as PromQL (a number or a `$variable`) of a histogram signal, grouped by `by`.
    public func quantile(_ q: String, by: [String] = [], extra: [String] = []) -> String? {
        switch definition.source {
        case .histogram(let m):
            return histogramQuantile(m, q, by: by, extra: extra)
        case .quantileSum(let ms):
            return ms.map { histogramQuantile($0, q, by: by, extra: extra) }.joined(separator: " + ")
        default:
            return nil
        }
    }

    func histogramQuantile(_ m: MetricRef, _ q: String, by: [String], extra: [String]) -> String {
        let rates = alternatives(m, suffix: "_bucket", extra: extra) { "rate(\($0)[\(window)]\(off))" }
        let expr = "histogram_quantile(\(q), sum\(Self.by(["le"] + by))(\(rates)))"
        return scaled(expr, m)
    }

    /// The mean of a latency or size signal, grouped by `by`.
    public func mean(by: [String] = [], extra: [String] = []) -> String? {
        let (total, count): (String, String)
        let metric: MetricRef
        switch definition.source {
        case .histogram(let m):
            metric = m
            total = alternatives(m, suffix: "_sum", extra: extra) { "rate(\($0)[\(window)]\(off))" }
            count = alternatives(m, suffix: "_count", extra: extra) { "rate(\($0)[\(window)]\(off))" }
        case .mean(let t, let c):
            metric = t
            total = alternatives(t, extra: extra) { "rate(\($0)[\(window)]\(off))" }
            count = alternatives(c, extra: extra) { "rate(\($0)[\(window)]\(off))" }
        default:
            return nil
        }
        let g = Self.by(by)
        return scaled("sum\(g)(\(total)) / (sum\(g)(\(count)) > 0)", metric)
    }

    /// Per-second rate of a counter signal (or of a histogram's `_sum`), summed by `by`.
    public func rate(by: [String] = [], extra: [String] = []) -> String? {
        let g = Self.by(by)
        switch definition.source {
        case .counter(let m):
            return scaled("sum\(g)(\(alternatives(m, extra: extra) { "rate(\($0)[\(window)]\(off))" }))", m)
        case .histogram(let m):
            return scaled(
                "sum\(g)(\(alternatives(m, suffix: "_sum", extra: extra) { "rate(\($0)[\(window)]\(off))" }))", m)
        case .gauge(let m, _):
            // A gauge that counts events (e.g. SGLang's retracted requests) is shown as it is.
            return scaled("sum\(g)(\(alternatives(m, extra: extra) { $0 + off }))", m)
        default:
            return nil
        }
    }

    /// Increase over a window, for totals such as availability over 30 days.
    public func increase(over range: String, by: [String] = [], extra: [String] = []) -> String? {
        guard case .counter(let m) = definition.source else { return nil }
        return "sum\(Self.by(by))(\(alternatives(m, extra: extra) { "increase(\($0)[\(range)]\(off))" }))"
    }

    /// The current value of a gauge signal, combined by its aggregate.
    public func value(by: [String] = [], extra: [String] = []) -> String? {
        let g = Self.by(by)
        switch definition.source {
        case .gauge(let m, let aggregate):
            return scaled("\(aggregate)\(g)(\(alternatives(m, extra: extra) { $0 + off }))", m)
        case .gaugeRatio(let a, let b):
            return
                "sum\(g)(\(series(a.name, a, extra: extra))\(off)) / (sum\(g)(\(series(b.name, b, extra: extra))\(off)) > 0)"
        default:
            return nil
        }
    }

    /// Bucket increases for a heatmap panel.
    public func heatmap(extra: [String] = []) -> String? {
        guard case .histogram(let m) = definition.source else { return nil }
        return
            "sum by (le) (\(alternatives(m, suffix: "_bucket", extra: extra) { "increase(\($0)[\(window)]\(off))" }))"
    }

    /// The natural "current level" of any signal: a rate for counters, a value for gauges, a mean otherwise.
    public func level(by: [String] = [], extra: [String] = []) -> String? {
        switch definition.source {
        case .counter: rate(by: by, extra: extra)
        case .gauge, .gaugeRatio: value(by: by, extra: extra)
        case .histogram:
            definition.signal.category == .throughput ? rate(by: by, extra: extra) : mean(by: by, extra: extra)
        case .mean: mean(by: by, extra: extra)
        case .quantileSum: quantile(0.5, by: by, extra: extra)
        }
    }
}

import PromQL

/// The checks a YAML SLO gets while it is read, for SLOs built in code: every problem is reported at the
/// SLO's own location.
public enum SLOChecks {
    public static func check(_ slo: SLOSpec) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let at = slo.location
        func error(_ message: String, notes: [String] = []) {
            out.append(.error("spec.invalid-value", message, at: at, notes: notes))
        }
        for (key, value) in [("name", slo.name), ("service", slo.service)] where !YAMLSpecLoader.isSLOName(value) {
            error("invalid SLO \(key) '\(value)'", notes: [YAMLSpecLoader.sloNamePattern])
        }
        if !(slo.objective > 0 && slo.objective < 100) {
            error(
                "objective \(SLOMath.number(slo.objective)) is not between 0 and 100 (exclusive)",
                notes: ["the objective is a percentage such as 99.9"])
        }
        for w in slo.windows {
            let long = SLODuration.format(w.longMilliseconds)
            if w.longMilliseconds > slo.periodMilliseconds {
                error("the \(w.severity.rawValue) window \(long) is longer than the period \(slo.periodText)")
            }
            if w.shortMilliseconds >= w.longMilliseconds || w.shortMilliseconds <= 0 {
                error("the short window must be shorter than the long one (\(long))")
            }
            if !(w.budgetPercent > 0 && w.budgetPercent <= 100) {
                error("budget \(SLOMath.number(w.budgetPercent)) is not a percentage of the budget")
            }
        }
        let labelMaps = [slo.labels] + [slo.page, slo.ticket].compactMap { $0?.labels }
        for key in labelMaps.flatMap(\.keys).sorted() {
            if !YAMLSpecLoader.isLabelName(key) {
                error("'\(key)' is not a valid label name")
            } else if key.hasPrefix("sloth_") || key == "alertname" {
                error("the label '\(key)' is set by llmdash")
            }
        }
        let annotationMaps = [slo.annotations] + [slo.page, slo.ticket].compactMap { $0?.annotations }
        for key in annotationMaps.flatMap(\.keys).sorted() where !YAMLSpecLoader.isLabelName(key) {
            error("'\(key)' is not a valid annotation name")
        }
        for alert in [slo.page, slo.ticket].compactMap({ $0 }) where !YAMLSpecLoader.isLabelName(alert.name) {
            error("invalid alert name '\(alert.name)'", notes: ["alert names are metric-like: letters, digits and '_'"])
        }
        switch slo.sli {
        case .ratio(let errors, let total):
            for query in [errors, total] {
                guard query.contains("{{.window}}") else {
                    error("the query has no {{.window}} placeholder: \(query)")
                    continue
                }
                let result = PromQL.parse(query.replacing("{{.window}}", with: "5m"))
                if let first = result.errors.first { error("the query does not parse: \(first.message)") }
            }
        case .errors(let backend, _):
            let catalog = Catalog.backend(backend)
            guard case .counter = catalog.signal(.failedRequests)?.source,
                case .counter = catalog.signal(.requests)?.source
            else {
                error("\(catalog.title) has no failed_requests and requests counters")
                break
            }
        case .latency(let backend, let signal, let below, _):
            let catalog = Catalog.backend(backend)
            guard case .histogram(let metric) = catalog.signal(signal)?.source,
                metric.unit == "s" || metric.unit == "ms"
            else {
                error("\(catalog.title) has no '\(signal.rawValue)' latency histogram")
                break
            }
            if let buckets = SLOBuckets.known(backend, signal), !buckets.contains(where: { abs($0 - below) < 1e-9 }) {
                let near = [buckets.last { $0 < below }, buckets.first { $0 > below }].compactMap { $0 }
                error(
                    "\(SLOMath.number(below))s is not a bucket boundary of \(metric.name)",
                    notes: ["nearest buckets: " + near.map { SLOMath.number($0) + "s" }.joined(separator: ", ")])
            }
        }
        return out
    }
}

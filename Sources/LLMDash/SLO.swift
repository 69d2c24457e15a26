/// A service-level objective written in Swift. It lowers into the same `SLOSpec` as a YAML `kind: SLO`
/// and builds the same Sloth-compatible rules and promtool tests.
///
/// ```swift
/// let availability = SLO("availability", service: "chat", objective: 99.5, sli: .errors(backend: .vllm, matchers: []))
///     .labels(["team": "llm"])
///     .page(name: "ChatAvailabilityPage", labels: ["severity": "page"])
/// ```
public struct SLO: Sendable, Hashable {
    public var spec: SLOSpec

    /// - Parameters:
    ///   - period: a Prometheus duration such as `30d` or `4w`.
    ///   - sli: what counts as an error: `.errors`, `.latency` (a histogram bucket in seconds) or `.ratio`.
    public init(
        _ name: String, service: String, objective: Double, period: String = "30d", sli: SLI,
        description: String? = nil, file: String = #filePath, line: Int = #line, column: Int = #column
    ) {
        let location = SourceLocation(file: file, line: line, column: column)
        let milliseconds = SLODuration.parse(period)
        spec = SLOSpec(
            name: name, service: service, objective: objective,
            periodMilliseconds: milliseconds ?? 30 * SLODuration.day,
            sli: sli)
        spec.description = description
        spec.location = location
        if milliseconds == nil {
            spec.diagnostics.append(
                .error(
                    "spec.invalid-value", "period '\(period)' is not a duration", at: location,
                    notes: ["durations look like 5m, 1h, 30d or 4w"]))
        }
    }

    private func with(_ change: (inout SLOSpec) -> Void) -> SLO {
        var copy = self
        change(&copy.spec)
        return copy
    }

    /// Labels on every recording rule, and so on every alert.
    public func labels(_ labels: [String: String]) -> SLO { with { $0.labels = labels } }
    /// Annotations of both alerts, before each alert's own.
    public func annotations(_ annotations: [String: String]) -> SLO { with { $0.annotations = annotations } }
    /// The page alert's name, labels and annotations.
    public func page(name: String? = nil, labels: [String: String] = [:], annotations: [String: String] = [:]) -> SLO {
        with { $0.page = Self.alert($0.page, name, labels, annotations) }
    }
    /// The ticket alert's name, labels and annotations.
    public func ticket(name: String? = nil, labels: [String: String] = [:], annotations: [String: String] = [:])
        -> SLO
    {
        with { $0.ticket = Self.alert($0.ticket, name, labels, annotations) }
    }
    /// Writes no alert of this severity.
    public func disable(_ severity: SLOSeverity) -> SLO {
        with { if severity == .page { $0.page = nil } else { $0.ticket = nil } }
    }
    /// Multiwindow pairs instead of the SRE workbook's; page pairs are ordered before ticket pairs.
    public func windows(_ windows: [BurnWindow]) -> SLO {
        with { $0.windows = windows.filter { $0.severity == .page } + windows.filter { $0.severity == .ticket } }
    }

    private static func alert(
        _ current: SLOAlert?, _ name: String?, _ labels: [String: String], _ annotations: [String: String]
    ) -> SLOAlert {
        var alert = current ?? SLOAlert(name: "")
        if let name { alert.name = name }
        alert.labels = labels
        alert.annotations = annotations
        return alert
    }
}

/// The panels of an SLO on a dashboard: SLI over the period, error budget left, burn rate per alert window
/// with the alert factors as thresholds, and the alerts' state. The SLO must be part of the same build.
public struct SLOPanel: Sendable, Hashable {
    public var request: SLOPanelRequest

    public init(
        _ name: String, service: String? = nil, title: String? = nil, file: String = #filePath, line: Int = #line,
        column: Int = #column
    ) {
        request = SLOPanelRequest(name, service: service)
        request.title = title
        request.location = SourceLocation(file: file, line: line, column: column)
    }

    private func with(_ change: (inout SLOPanelRequest) -> Void) -> SLOPanel {
        var copy = self
        change(&copy.request)
        return copy
    }

    /// Only these panels, in this order.
    public func show(_ parts: SLOPanelPart...) -> SLOPanel { with { $0.show = parts } }

    /// The start of each panel's key (`<key>-sli`, `<key>-burn`, …).
    public func key(_ key: String) -> SLOPanel { with { $0.key = key } }

    var panel: PanelSpec { .slo(request) }
}

/// A dashboard panel that shows one SLO: it names the SLO, and the build expands it into panels that read
/// the SLO's Sloth-named recorded series, once every SLO of the build is known.
public struct SLOPanelRequest: Sendable, Hashable {
    /// The SLO's name (`metadata.name`), or its id `<service>-<name>`.
    public var name: String
    /// The SLO's service; needed only when several services have an SLO of that name.
    public var service: String?
    /// The start of every panel title; defaults to `<service> <name>`.
    public var title: String?
    /// The start of every panel key; defaults to the row and title.
    public var key: String?
    /// Which panels to show, in this order.
    public var show: [SLOPanelPart]
    public var location: SourceLocation?

    public init(_ name: String, service: String? = nil, show: [SLOPanelPart] = SLOPanelPart.allCases) {
        self.name = name
        self.service = service
        self.show = show
    }
}

/// One of the panels an SLO panel expands into.
public enum SLOPanelPart: String, Sendable, Hashable, CaseIterable {
    /// The SLI over the SLO period against the objective.
    case sli
    /// The share of the period's error budget that is left.
    case budget
    /// The burn rate over each alert window, with the alert factors drawn as thresholds.
    case burn
    /// Whether the page and ticket alerts fire (the `ALERTS` series).
    case alerts
}

extension PanelSpec {
    /// A placeholder that the build replaces by the panels of an SLO.
    public static func slo(_ request: SLOPanelRequest) -> PanelSpec {
        var panel = PanelSpec(type: .text, title: request.title ?? request.name)
        panel.sloPanel = request
        panel.location = request.location
        return panel
    }
}

/// Expands SLO panels with the SLOs of a build.
public enum SLOPanels {
    /// Replaces every SLO placeholder of the dashboard by its panels.
    public static func expand(_ spec: DashboardSpec, slos: [SLOSpec]) -> (DashboardSpec, [Diagnostic]) {
        let hasPlaceholders =
            spec.panels.contains { $0.sloPanel != nil }
            || spec.rows.contains { $0.panels.contains { $0.sloPanel != nil } }
        guard hasPlaceholders else { return (spec, []) }
        var diagnostics: [Diagnostic] = []
        func expand(_ panels: [PanelSpec]) -> [PanelSpec] {
            panels.flatMap { panel -> [PanelSpec] in
                guard let request = panel.sloPanel else { return [panel] }
                guard let slo = find(request, in: slos, &diagnostics) else { return [] }
                return self.panels(request, slo)
            }
        }
        var out = spec
        out.panels = expand(spec.panels)
        for i in out.rows.indices { out.rows[i].panels = expand(out.rows[i].panels) }
        return (out, diagnostics)
    }

    static func find(_ request: SLOPanelRequest, in slos: [SLOSpec], _ diagnostics: inout [Diagnostic]) -> SLOSpec? {
        var matches = slos.filter {
            $0.name == request.name && (request.service == nil || $0.service == request.service)
        }
        if matches.isEmpty, request.service == nil { matches = slos.filter { $0.id == request.name } }
        if matches.count == 1 { return matches[0] }
        if matches.count > 1 {
            diagnostics.append(
                .error(
                    "spec.ambiguous-slo", "several services have an SLO named '\(request.name)'", at: request.location,
                    notes: ["set 'service' to one of: " + matches.map(\.service).joined(separator: ", ")]))
            return nil
        }
        let candidates =
            request.service.map { service in slos.filter { $0.service == service }.map(\.name) }
            ?? slos.map(\.id) + slos.map(\.name)
        var notes: [String] = []
        if let guess = Suggestions.closest(to: request.name, in: candidates) {
            notes.append("did you mean '\(guess)'?")
        }
        notes.append(
            slos.isEmpty
                ? "this build has no SLOs: define one with kind: SLO in a spec file of the same build"
                : "SLOs of this build: " + slos.map(\.id).joined(separator: ", "))
        let what = request.service.map { "no SLO '\(request.name)' of service '\($0)'" } ?? "no SLO '\(request.name)'"
        diagnostics.append(.error("spec.unknown-slo", what + " in this build", at: request.location, notes: notes))
        return nil
    }

    /// The panels of one SLO, reading the records `SLORules` writes.
    static func panels(_ request: SLOPanelRequest, _ slo: SLOSpec) -> [PanelSpec] {
        let title = request.title ?? "\(slo.service) \(slo.name)"
        let f = SLORules.filter(slo)
        let p = slo.periodText
        let objective = slo.objectiveRatio
        func base(_ type: PanelType, _ part: SLOPanelPart, _ suffix: String) -> PanelSpec {
            var panel = PanelSpec(type: type, title: "\(title): \(suffix)")
            panel.key = request.key.map { "\($0)-\(part.rawValue)" }
            panel.location = request.location
            return panel
        }
        /// The SLI and the budget left: a ratio as a percentage stat, coloured by `thresholds`.
        func ratioStat(
            _ part: SLOPanelPart, _ suffix: String, _ query: QuerySpec, decimals: Int, _ thresholds: [ThresholdStep]
        ) -> PanelSpec {
            var panel = base(.stat, part, suffix)
            panel.queries = [query]
            panel.width = 6
            panel.height = 8
            panel.field.unit = "percentunit"
            panel.field.decimals = decimals
            panel.field.thresholds = thresholds
            panel.options.colorMode = "value"
            panel.options.graphMode = "area"
            panel.options.calcs = ["lastNotNull"]
            return panel
        }
        var out: [PanelSpec] = []
        for part in request.show {
            switch part {
            case .sli:
                var panel = ratioStat(
                    .sli, "SLI over \(p)", QuerySpec("1 - slo:sli_error:ratio_rate\(p)\(f)", legend: "SLI"),
                    decimals: 3, [ThresholdStep("red"), ThresholdStep("green", objective)])
                panel.description =
                    "Share of good events over the SLO period (\(p)), against the objective of "
                    + "\(SLOMath.number(slo.objective))%. Sloth's period record is the mean of the 5m error ratios "
                    + "since the rules were deployed."
                out.append(panel)
            case .budget:
                var panel = ratioStat(
                    .budget, "error budget remaining",
                    QuerySpec("slo:period_error_budget_remaining:ratio\(f)", legend: "remaining"), decimals: 1,
                    [ThresholdStep("red"), ThresholdStep("orange", 0), ThresholdStep("green", 0.25)])
                panel.description =
                    "Share of the \(p) error budget (\(SLOMath.number(slo.errorBudget * 100))% of events) not yet "
                    + "spent; below zero the SLO is missed."
                out.append(panel)
            case .burn:
                var panel = base(.timeseries, .burn, "burn rate")
                let groupLeft = " / on(sloth_id, sloth_slo, sloth_service) group_left() "
                for window in slo.recordedWindows {
                    let w = SLODuration.format(window)
                    panel.queries.append(
                        QuerySpec(
                            "slo:sli_error:ratio_rate\(w)\(f)\(groupLeft)slo:error_budget:ratio\(f)", legend: w))
                }
                let pairs = slo.windows.map {
                    "\($0.severity.rawValue) \(SLOMath.number(slo.factor($0)))x over "
                        + "\(SLODuration.format($0.longMilliseconds)) and \(SLODuration.format($0.shortMilliseconds))"
                }
                panel.description =
                    "Error ratio over each window divided by the error budget: 1 spends the budget exactly in \(p). "
                    + "Alerts fire when both windows of a pair exceed its factor: " + pairs.joined(separator: "; ")
                    + "."
                panel.width = 12
                panel.height = 8
                panel.field.unit = "none"
                panel.field.min = 0
                panel.field.decimals = 2
                panel.field.thresholds = thresholds(slo)
                panel.options.thresholdsStyle = "dashed"
                panel.options.legend = LegendOptions(mode: "table", placement: "right", calcs: ["lastNotNull", "max"])
                panel.options.tooltip = TooltipOptions(mode: "multi", sort: "desc")
                out.append(panel)
            case .alerts:
                var panel = base(.stateTimeline, .alerts, "alerts")
                for severity in SLOSeverity.allCases {
                    guard let alert = SLORules.settings(slo, severity),
                        slo.windows.contains(where: { $0.severity == severity })
                    else { continue }
                    let matchers = [
                        "alertname=\(labelValueQuoted(alert.name))", "alertstate=\"firing\"",
                        "sloth_id=\(labelValueQuoted(slo.id))", "sloth_severity=\"\(severity.rawValue)\"",
                    ]
                    panel.queries.append(
                        QuerySpec(
                            "max(ALERTS{\(matchers.joined(separator: ", "))}) or vector(0)",
                            legend: "\(severity.rawValue): \(alert.name)"))
                }
                guard !panel.queries.isEmpty else { continue }
                panel.description = "Whether the SLO's burn-rate alerts fire (Prometheus's ALERTS series)."
                panel.width = 24
                panel.height = 5
                panel.newLine = true
                panel.field.mappings = [
                    .value([
                        "0": MappingResult(text: "OK", color: "green", index: 0),
                        "1": MappingResult(text: "Firing", color: "red", index: 1),
                    ])
                ]
                panel.field.thresholds = [ThresholdStep("green"), ThresholdStep("red", 1)]
                panel.field.color = ColorSpec(mode: "thresholds")
                panel.options.showValue = "never"
                panel.options.mergeValues = true
                out.append(panel)
            }
        }
        return out
    }

    /// Green below the smallest factor; each alert factor a step, red for page and orange for ticket.
    public static func thresholds(_ slo: SLOSpec) -> [ThresholdStep] {
        var colors: [Double: String] = [:]
        for window in slo.windows where SLORules.settings(slo, window.severity) != nil {
            let factor = slo.factor(window)
            if window.severity == .page || colors[factor] == nil {
                colors[factor] = window.severity == .page ? "red" : "orange"
            }
        }
        return [ThresholdStep("green")] + colors.keys.sorted().map { ThresholdStep(colors[$0]!, $0) }
    }
}

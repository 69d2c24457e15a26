/// A dashboard written in Swift. It lowers into the same `DashboardSpec` as a YAML spec.
///
/// ```swift
/// let serving = Dashboard(uid: "vllm-serving", title: "vLLM — serving", folder: "LLM") {
///     DatasourceVariable()
///     Row("Latency") {
///         TimeSeries("TTFT p99") {
///             Query("histogram_quantile(0.99, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket[5m])))")
///         }
///         .unit(.seconds)
///     }
/// }
/// ```
public struct Dashboard: Sendable, Hashable {
    public var spec: DashboardSpec

    public init(
        uid: String, title: String, folder: String = "", tags: [String] = [], description: String? = nil,
        backend: Backend? = nil, file: String = #filePath, line: Int = #line, column: Int = #column,
        @DashboardBuilder content: () -> [DashboardItem]
    ) {
        var spec = DashboardSpec(uid: uid, title: title)
        spec.location = SourceLocation(file: file, line: line, column: column)
        spec.folder = folder
        spec.tags = tags
        spec.description = description
        spec.backend = backend
        let items = content()
        // Variables first: signal panels read the dashboard's variables to choose their label matchers.
        for item in items {
            switch item {
            case .variable(let variable): spec.variables.append(variable)
            case .standardVariables(let names, let location):
                for name in names {
                    if var variable = SignalExpander.standardVariable(name, backend: backend) {
                        variable.location = location
                        spec.variables.append(variable)
                    } else {
                        spec.diagnostics.append(
                            .error(
                                "spec.invalid-value", "the standard variable '\(name)' is not available here",
                                at: location,
                                notes: [
                                    "standard variables: "
                                        + SignalExpander.standardVariableNames.joined(separator: ", ")
                                ]))
                    }
                }
            case .datasource(let datasource): spec.datasources.append(datasource)
            case .exemplars(let exemplars): spec.exemplars = exemplars
            default: break
            }
        }
        var context = SignalContext(backend: backend, variables: spec.variables)
        context.exemplars = spec.exemplars != nil
        func expand(_ items: [PanelItem]) -> [PanelSpec] {
            items.flatMap { item -> [PanelSpec] in
                switch item {
                case .panel(let panel): return [panel]
                case .signal(let request):
                    var (panels, found) = SignalExpander.expand(request, in: context)
                    spec.diagnostics += found
                    if let recording = request.recordingRules {
                        for i in panels.indices { panels[i].recordingRules = recording }
                    }
                    return panels
                }
            }
        }
        for item in items {
            switch item {
            case .row(_, var row, let panelItems):
                row.panels = expand(panelItems)
                spec.rows.append(row)
            // Panels outside rows sit above the first row, as in Grafana's model.
            case .panel(let panel): spec.panels += expand([panel])
            case .annotation(let annotation): spec.annotations.append(annotation)
            case .eventAnnotation(let request):
                let (annotations, found) = EventAnnotations.expand(request, in: context)
                spec.annotations += annotations
                spec.diagnostics += found
            case .link(let link): spec.links.append(link)
            case .variable, .standardVariables, .datasource, .exemplars: break
            }
        }
        self.spec = spec
    }

    private func with(_ change: (inout DashboardSpec) -> Void) -> Dashboard {
        var copy = self
        change(&copy.spec)
        return copy
    }

    public func time(from: String, to: String = "now") -> Dashboard { with { $0.time = TimeRange(from: from, to: to) } }
    public func refresh(_ interval: String) -> Dashboard { with { $0.refresh = interval } }
    /// Grafana JSON merged over the emitted dashboard (RFC 7386 merge patch), unchecked; the YAML `grafana:` key.
    public func grafana(_ patch: JSON) -> Dashboard { with { $0.grafana = patch } }
    public func timezone(_ zone: String) -> Dashboard { with { $0.timezone = zone } }
    public func weekStart(_ day: String) -> Dashboard { with { $0.weekStart = day } }
    public func graphTooltip(_ mode: GraphTooltip) -> Dashboard { with { $0.graphTooltip = mode } }
    public func editable(_ editable: Bool = true) -> Dashboard { with { $0.editable = editable } }
    public func liveNow(_ live: Bool = true) -> Dashboard { with { $0.liveNow = live } }
    public func datasource(_ uid: String) -> Dashboard { with { $0.datasource = uid } }
    public func refreshIntervals(_ intervals: [String]) -> Dashboard { with { $0.refreshIntervals = intervals } }

    /// Records the dashboard's expensive rates (`sum by (…) (rate(…))`) with recording rules, and reads the
    /// recorded series instead; `window` replaces `$__rate_interval`, `interval` is the rule group's.
    public func recordingRules(
        window: String = "5m", interval: String? = nil, file: String = #filePath, line: Int = #line,
        column: Int = #column
    ) -> Dashboard {
        with {
            var settings = RecordingRulesSpec(interval: interval)
            let location = SourceLocation(file: file, line: line, column: column)
            settings.location = location
            for (what, text) in [("window", window), ("interval", interval)] {
                guard let text else { continue }
                if let ms = SLODuration.parse(text) {
                    if what == "window" {
                        settings.windowMilliseconds = ms
                    } else {
                        settings.interval = SLODuration.format(ms)
                    }
                } else {
                    $0.diagnostics.append(
                        .error("spec.invalid-value", "'\(what)' '\(text)' is not a duration", at: location))
                }
            }
            $0.recordingRules = settings
        }
    }
}

/// A row of panels; `collapsed` rows keep their panels nested and closed.
public struct Row: Sendable, Hashable {
    public var spec: RowSpec
    var items: [PanelItem]

    public init(
        _ title: String, collapsed: Bool = false, key: String? = nil, file: String = #filePath, line: Int = #line,
        column: Int = #column, @PanelBuilder panels: () -> [PanelItem]
    ) {
        spec = RowSpec(title: title, collapsed: collapsed)
        spec.key = key
        spec.location = SourceLocation(file: file, line: line, column: column)
        items = panels()
    }

    private func with(_ change: (inout RowSpec) -> Void) -> Row {
        var copy = self
        change(&copy.spec)
        return copy
    }

    public func id(_ id: Int) -> Row { with { $0.id = id } }

    public func repeating(_ variable: String) -> Row { with { $0.repeatVariable = variable } }

    /// Grafana JSON merged over the emitted row panel (RFC 7386 merge patch), unchecked; the YAML `grafana:` key.
    public func grafana(_ patch: JSON) -> Row { with { $0.grafana = patch } }
}

/// The backend's standard variables by name: `datasource`, `model`, `instance`, `version`, `hostname`.
public struct StandardVariables: Sendable, Hashable {
    public var names: [String]
    public var location: SourceLocation

    public init(_ names: String..., file: String = #filePath, line: Int = #line, column: Int = #column) {
        self.names = names
        self.location = SourceLocation(file: file, line: line, column: column)
    }
}

/// A Prometheus query of a panel.
public struct Query: Sendable, Hashable {
    public var spec: QuerySpec

    public init(
        _ expr: String, legend: String? = nil, refId: String? = nil, instant: Bool? = nil,
        format: QuerySpec.Format? = nil, interval: String? = nil, exemplar: Bool? = nil, hide: Bool? = nil,
        datasource: String? = nil, file: String = #filePath, line: Int = #line, column: Int = #column
    ) {
        spec = QuerySpec(expr, legend: legend)
        spec.location = SourceLocation(file: file, line: line, column: column)
        spec.refId = refId
        spec.instant = instant
        spec.format = format
        spec.interval = interval
        spec.exemplar = exemplar
        spec.hide = hide
        spec.datasource = datasource
    }
}

/// A field override: a matcher and what it sets.
public struct Override: Sendable, Hashable {
    public var spec: OverrideSpec

    public init(_ matcher: OverrideSpec.Matcher, _ properties: OverrideProperty...) {
        spec = OverrideSpec(matcher, properties)
    }
}

/// An annotation from a Prometheus series (deploys, canary switches).
public struct Annotation: Sendable, Hashable {
    public var spec: AnnotationSpec

    public init(
        _ name: String, expr: String, iconColor: String? = nil, titleFormat: String? = nil, textFormat: String? = nil,
        tagKeys: [String] = [], step: String? = nil, enable: Bool = true, hide: Bool = false,
        useValueForTime: Bool = false, datasource: String? = nil
    ) {
        spec = AnnotationSpec(name: name, expr: expr)
        if let iconColor { spec.iconColor = iconColor }
        spec.titleFormat = titleFormat
        spec.textFormat = textFormat
        spec.tagKeys = tagKeys
        spec.step = step
        spec.enable = enable
        spec.hide = hide
        spec.useValueForTime = useValueForTime
        spec.datasource = datasource
    }
}

/// A link: to a URL, or a dropdown of dashboards with given tags.
public struct DashboardLink: Sendable, Hashable {
    public var spec: LinkSpec

    public init(
        _ title: String, url: String, tooltip: String = "", icon: String? = nil, targetBlank: Bool = false,
        includeVars: Bool = false, keepTime: Bool = false
    ) {
        spec = LinkSpec(title: title, url: url)
        spec.tooltip = tooltip
        spec.icon = icon
        spec.targetBlank = targetBlank
        spec.includeVars = includeVars
        spec.keepTime = keepTime
    }

    public init(
        _ title: String, tags: [String], asDropdown: Bool = true, tooltip: String = "", includeVars: Bool = false,
        keepTime: Bool = false
    ) {
        spec = LinkSpec(title: title, tags: tags)
        spec.asDropdown = asDropdown
        spec.tooltip = tooltip
        spec.includeVars = includeVars
        spec.keepTime = keepTime
    }

    public var link: LinkSpec { spec }
}

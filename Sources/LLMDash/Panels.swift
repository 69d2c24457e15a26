/// Anything that lowers into a panel. Modifiers return a changed copy, so they chain.
public protocol PanelConvertible: Sendable {
    var panel: PanelSpec { get set }
}

extension PanelConvertible {
    func with(_ change: (inout PanelSpec) -> Void) -> Self {
        var copy = self
        change(&copy.panel)
        return copy
    }

    /// Changes one optional part of the panel (a kind's own options), starting from `empty` when it is unset.
    func with<Part>(
        _ part: WritableKeyPath<PanelSpec, Part?>, empty: @autoclosure () -> Part, _ change: (inout Part) -> Void
    ) -> Self {
        with {
            var value = $0[keyPath: part] ?? empty()
            change(&value)
            $0[keyPath: part] = value
        }
    }

    // MARK: Identity and layout

    /// A stable key: the panel id derives from it, so retitling the panel keeps its id.
    public func key(_ key: String) -> Self { with { $0.key = key } }
    public func id(_ id: Int) -> Self { with { $0.id = id } }
    public func size(width: Int? = nil, height: Int? = nil) -> Self {
        with {
            if let width { $0.width = width }
            if let height { $0.height = height }
        }
    }
    public func newLine(_ newLine: Bool = true) -> Self { with { $0.newLine = newLine } }
    /// `false` keeps this panel's queries as written when the dashboard records its expensive queries.
    public func recordingRules(_ enabled: Bool) -> Self { with { $0.recordingRules = enabled } }
    public func description(_ text: String) -> Self { with { $0.description = text } }
    public func datasource(_ uid: String) -> Self { with { $0.datasource = uid } }
    public func interval(_ interval: String) -> Self { with { $0.interval = interval } }
    public func maxDataPoints(_ n: Int) -> Self { with { $0.maxDataPoints = n } }
    public func timeFrom(_ from: String) -> Self { with { $0.timeFrom = from } }
    public func timeShift(_ shift: String) -> Self { with { $0.timeShift = shift } }
    public func hideTimeOverride(_ hide: Bool = true) -> Self { with { $0.hideTimeOverride = hide } }
    public func transparent(_ transparent: Bool = true) -> Self { with { $0.transparent = transparent } }
    /// Grafana JSON merged over the emitted panel (RFC 7386 merge patch: `null` removes a key), unchecked;
    /// the YAML `grafana:` key.
    public func grafana(_ patch: JSON) -> Self { with { $0.grafana = patch } }
    public func repeating(_ variable: String, direction: String = "h", maxPerRow: Int? = nil) -> Self {
        with {
            $0.repeatVariable = variable
            $0.repeatDirection = direction
            $0.maxPerRow = maxPerRow
        }
    }
    public func links(_ links: DashboardLink...) -> Self { with { $0.links += links.map(\.spec) } }
    public func transformation(_ id: String, options: JSON = .object([:])) -> Self {
        with { $0.transformations.append(TransformationSpec(id: id, options: options)) }
    }

    // MARK: Field options

    public func unit(_ unit: Unit) -> Self { with { $0.field.unit = unit.id } }
    public func decimals(_ n: Int) -> Self { with { $0.field.decimals = n } }
    public func min(_ value: Double) -> Self { with { $0.field.min = value } }
    public func max(_ value: Double) -> Self { with { $0.field.max = value } }
    public func displayName(_ name: String) -> Self { with { $0.field.displayName = name } }
    public func noValue(_ text: String) -> Self { with { $0.field.noValue = text } }
    public func color(_ mode: String) -> Self { with { $0.field.color = ColorSpec(mode: mode) } }
    public func color(fixed color: String) -> Self { with { $0.field.color = .fixed(color) } }
    /// Threshold steps: the first is the base colour, e.g. `.thresholds(.base("green"), .step("red", 1))`.
    public func thresholds(_ steps: ThresholdStep..., mode: ThresholdsMode = .absolute) -> Self {
        with {
            $0.field.thresholds = steps
            $0.field.thresholdsMode = mode
        }
    }
    public func mappings(_ mappings: ValueMappingSpec...) -> Self { with { $0.field.mappings += mappings } }
    public func dataLinks(_ links: DashboardLink...) -> Self { with { $0.field.links += links.map(\.spec) } }
    public func overrides(@OverrideBuilder _ overrides: () -> [OverrideSpec]) -> Self {
        with { $0.overrides += overrides() }
    }
}

extension ThresholdStep {
    /// The base step, from minus infinity.
    public static func base(_ color: String) -> ThresholdStep { ThresholdStep(color) }
    public static func step(_ color: String, _ value: Double) -> ThresholdStep { ThresholdStep(color, value) }
}

/// Panels with a legend and a tooltip.
public protocol LegendPanel: PanelConvertible {}

extension LegendPanel {
    public func legend(_ mode: String = "list", placement: String = "bottom", calcs: [String] = []) -> Self {
        with { $0.options.legend = LegendOptions(mode: mode, placement: placement, calcs: calcs) }
    }
    public func tooltip(_ mode: String = "multi", sort: String = "desc") -> Self {
        with { $0.options.tooltip = TooltipOptions(mode: mode, sort: sort) }
    }
}

/// Panels that reduce a series to one value (stat, gauge, bar gauge).
public protocol ReducingPanel: PanelConvertible {}

extension ReducingPanel {
    public func calcs(_ calcs: [String]) -> Self { with { $0.options.calcs = calcs } }
    public func fields(_ fields: String) -> Self { with { $0.options.fields = fields } }
    public func allValues(_ all: Bool = true, limit: Int? = nil) -> Self {
        with {
            $0.options.allValues = all
            $0.options.limit = limit
        }
    }
    public func orientation(_ orientation: String) -> Self { with { $0.options.orientation = orientation } }
}

/// A time series panel.
public struct TimeSeries: LegendPanel {
    public var panel: PanelSpec

    public init(
        _ title: String, file: String = #filePath, line: Int = #line, column: Int = #column,
        @QueryBuilder queries: () -> [QuerySpec]
    ) {
        panel = PanelSpec(type: .timeseries, title: title)
        panel.queries = queries()
        panel.location = SourceLocation(file: file, line: line, column: column)
    }

    public func drawStyle(_ style: String) -> Self { with { $0.options.drawStyle = style } }
    public func lineWidth(_ width: Int) -> Self { with { $0.options.lineWidth = width } }
    public func fillOpacity(_ opacity: Int) -> Self { with { $0.options.fillOpacity = opacity } }
    public func gradientMode(_ mode: String) -> Self { with { $0.options.gradientMode = mode } }
    public func lineInterpolation(_ mode: String) -> Self { with { $0.options.lineInterpolation = mode } }
    public func showPoints(_ mode: String) -> Self { with { $0.options.showPoints = mode } }
    public func pointSize(_ size: Int) -> Self { with { $0.options.pointSize = size } }
    public func spanNulls(_ span: Bool = true) -> Self { with { $0.options.spanNulls = span } }
    public func stacking(_ mode: String) -> Self { with { $0.options.stacking = mode } }
    public func axis(label: String? = nil, placement: String? = nil, softMin: Double? = nil, softMax: Double? = nil)
        -> Self
    {
        with {
            $0.options.axisLabel = label
            $0.options.axisPlacement = placement
            $0.options.axisSoftMin = softMin
            $0.options.axisSoftMax = softMax
        }
    }
    public func logScale(_ base: Int) -> Self { with { $0.options.logScale = base } }
    public func thresholdsStyle(_ style: String) -> Self { with { $0.options.thresholdsStyle = style } }
}

/// A single-value stat panel.
public struct Stat: ReducingPanel {
    public var panel: PanelSpec

    public init(
        _ title: String, file: String = #filePath, line: Int = #line, column: Int = #column,
        @QueryBuilder queries: () -> [QuerySpec]
    ) {
        panel = PanelSpec(type: .stat, title: title)
        panel.queries = queries()
        panel.location = SourceLocation(file: file, line: line, column: column)
    }

    public func colorMode(_ mode: String) -> Self { with { $0.options.colorMode = mode } }
    public func graphMode(_ mode: String) -> Self { with { $0.options.graphMode = mode } }
    public func textMode(_ mode: String) -> Self { with { $0.options.textMode = mode } }
    public func justifyMode(_ mode: String) -> Self { with { $0.options.justifyMode = mode } }
    public func wideLayout(_ wide: Bool = true) -> Self { with { $0.options.wideLayout = wide } }
    public func showPercentChange(_ show: Bool = true) -> Self { with { $0.options.showPercentChange = show } }
}

/// A gauge.
public struct Gauge: ReducingPanel {
    public var panel: PanelSpec

    public init(
        _ title: String, file: String = #filePath, line: Int = #line, column: Int = #column,
        @QueryBuilder queries: () -> [QuerySpec]
    ) {
        panel = PanelSpec(type: .gauge, title: title)
        panel.queries = queries()
        panel.location = SourceLocation(file: file, line: line, column: column)
    }

    public func thresholdMarkers(_ show: Bool = true, labels: Bool = false) -> Self {
        with {
            $0.options.showThresholdMarkers = show
            $0.options.showThresholdLabels = labels
        }
    }
}

/// A bar gauge.
public struct BarGauge: ReducingPanel, LegendPanel {
    public var panel: PanelSpec

    public init(
        _ title: String, file: String = #filePath, line: Int = #line, column: Int = #column,
        @QueryBuilder queries: () -> [QuerySpec]
    ) {
        panel = PanelSpec(type: .bargauge, title: title)
        panel.queries = queries()
        panel.location = SourceLocation(file: file, line: line, column: column)
    }

    public func displayMode(_ mode: String) -> Self { with { $0.options.displayMode = mode } }
    public func valueMode(_ mode: String) -> Self { with { $0.options.valueMode = mode } }
    public func namePlacement(_ placement: String) -> Self { with { $0.options.namePlacement = placement } }
    public func showUnfilled(_ show: Bool = true) -> Self { with { $0.options.showUnfilled = show } }
}

/// A table; its queries default to instant, table-formatted results.
public struct Table: PanelConvertible {
    public var panel: PanelSpec

    public init(
        _ title: String, file: String = #filePath, line: Int = #line, column: Int = #column,
        @QueryBuilder queries: () -> [QuerySpec]
    ) {
        panel = PanelSpec(type: .table, title: title)
        panel.queries = queries()
        panel.location = SourceLocation(file: file, line: line, column: column)
    }

    public func showHeader(_ show: Bool = true) -> Self { with { $0.options.showHeader = show } }
    public func cellHeight(_ height: String) -> Self { with { $0.options.cellHeight = height } }
    public func cellType(_ type: String) -> Self { with { $0.options.cellType = type } }
    public func align(_ align: String) -> Self { with { $0.options.align = align } }
    public func sortBy(_ field: String, descending: Bool = true) -> Self {
        with { $0.options.sortBy = ($0.options.sortBy ?? []) + [TableSort(field, descending: descending)] }
    }
    public func footer(_ reducers: [String]) -> Self { with { $0.options.footer = reducers } }
}

/// A heatmap of Prometheus histogram buckets.
public struct Heatmap: PanelConvertible {
    public var panel: PanelSpec

    public init(
        _ title: String, file: String = #filePath, line: Int = #line, column: Int = #column,
        @QueryBuilder queries: () -> [QuerySpec]
    ) {
        panel = PanelSpec(type: .heatmap, title: title)
        panel.queries = queries()
        panel.location = SourceLocation(file: file, line: line, column: column)
    }

    public func calculate(_ calculate: Bool = true) -> Self { with { $0.options.calculate = calculate } }
    public func colors(scheme: String? = nil, scale: String? = nil, exponent: Double? = nil, steps: Int? = nil)
        -> Self
    {
        with {
            $0.options.colorScheme = scheme
            $0.options.colorScale = scale
            $0.options.colorExponent = exponent
            $0.options.colorSteps = steps
        }
    }
    public func cellGap(_ gap: Int) -> Self { with { $0.options.cellGap = gap } }
    public func rowsLayout(_ layout: String) -> Self { with { $0.options.rowsLayout = layout } }
    public func yAxisUnit(_ unit: Unit) -> Self { with { $0.options.yAxisUnit = unit.id } }
    public func yHistogram(_ show: Bool = true) -> Self { with { $0.options.yHistogram = show } }
    public func showLegend(_ show: Bool = true) -> Self { with { $0.options.showLegend = show } }
    public func tooltip(_ mode: String) -> Self { with { $0.options.tooltip = TooltipOptions(mode: mode) } }
    public func exemplarColor(_ color: String) -> Self { with { $0.options.exemplarColor = color } }
}

/// A state timeline: value mappings name the states.
public struct StateTimeline: LegendPanel {
    public var panel: PanelSpec

    public init(
        _ title: String, file: String = #filePath, line: Int = #line, column: Int = #column,
        @QueryBuilder queries: () -> [QuerySpec]
    ) {
        panel = PanelSpec(type: .stateTimeline, title: title)
        panel.queries = queries()
        panel.location = SourceLocation(file: file, line: line, column: column)
    }

    public func showValue(_ mode: String) -> Self { with { $0.options.showValue = mode } }
    public func rowHeight(_ height: Double) -> Self { with { $0.options.rowHeight = height } }
    public func mergeValues(_ merge: Bool = true) -> Self { with { $0.options.mergeValues = merge } }
    public func alignValue(_ align: String) -> Self { with { $0.options.alignValue = align } }
    public func lineWidth(_ width: Int) -> Self { with { $0.options.lineWidth = width } }
    public func fillOpacity(_ opacity: Int) -> Self { with { $0.options.fillOpacity = opacity } }
}

/// A text panel (markdown by default).
/// A Grafana panel llmdash does not model, emitted as written (the YAML `- grafana: {...}` panel).
/// The panel JSON needs a `type`; llmdash adds `id` and `gridPos` when it has none.
public struct GrafanaPanel: PanelConvertible {
    public var panel: PanelSpec

    public init(_ json: JSON) {
        panel = PanelSpec(type: .text, title: json["title"]?.stringValue ?? "")
        panel.isRawGrafana = true
        panel.grafana = json
        panel.width = json.gridSize("w")
        panel.height = json.gridSize("h")
    }
}

public struct Text: PanelConvertible {
    public var panel: PanelSpec

    public init(_ title: String, content: String, mode: String? = nil, language: String? = nil) {
        panel = PanelSpec(type: .text, title: title)
        panel.options.content = content
        panel.options.mode = mode
        panel.options.codeLanguage = language
    }
}

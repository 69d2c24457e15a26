/// Per-type display options. Each is nil until set; the emitter writes the type's defaults for the rest.
/// Which ones a panel type accepts is listed in `PanelOptions.keys(for:)`.
public struct PanelOptions: Sendable, Hashable {
    // Legend and tooltip (timeseries, bargauge, state-timeline; heatmap uses `showLegend`).
    public var legend: LegendOptions?
    public var tooltip: TooltipOptions?

    // Reduction (stat, gauge, bargauge).
    public var calcs: [String]?
    public var fields: String?
    public var allValues: Bool?
    public var limit: Int?
    public var orientation: String?

    // Graph styles (timeseries; some also state-timeline).
    public var drawStyle: String?
    public var lineWidth: Int?
    public var fillOpacity: Int?
    public var gradientMode: String?
    public var lineInterpolation: String?
    public var showPoints: String?
    public var pointSize: Int?
    public var spanNulls: Bool?
    public var stacking: String?
    public var axisLabel: String?
    public var axisPlacement: String?
    public var axisSoftMin: Double?
    public var axisSoftMax: Double?
    public var logScale: Int?
    public var thresholdsStyle: String?

    // Stat.
    public var colorMode: String?
    public var graphMode: String?
    public var textMode: String?
    public var justifyMode: String?
    public var wideLayout: Bool?
    public var showPercentChange: Bool?

    // Gauge.
    public var showThresholdMarkers: Bool?
    public var showThresholdLabels: Bool?

    // Bar gauge.
    public var displayMode: String?
    public var valueMode: String?
    public var namePlacement: String?
    public var showUnfilled: Bool?

    // Table.
    public var showHeader: Bool?
    public var cellHeight: String?
    public var cellType: String?
    public var align: String?
    public var sortBy: [TableSort]?
    public var footer: [String]?

    // Heatmap.
    public var calculate: Bool?
    public var colorScheme: String?
    public var colorScale: String?
    public var colorExponent: Double?
    public var colorSteps: Int?
    public var cellGap: Int?
    public var rowsLayout: String?
    public var yAxisUnit: String?
    public var yHistogram: Bool?
    public var showLegend: Bool?
    public var exemplarColor: String?

    // State timeline.
    public var showValue: String?
    public var rowHeight: Double?
    public var mergeValues: Bool?
    public var alignValue: String?

    // Text.
    public var mode: String?
    public var content: String?
    public var codeLanguage: String?

    public init() {}

    /// The option keys (as written in YAML) each panel type accepts.
    public static func keys(for type: PanelType) -> [String] {
        let graph = [
            "drawStyle", "lineWidth", "fillOpacity", "gradientMode", "lineInterpolation", "showPoints", "pointSize",
            "spanNulls", "stacking", "axisLabel", "axisPlacement", "axisSoftMin", "axisSoftMax", "logScale",
            "thresholdsStyle",
        ]
        let reduce = ["calcs", "fields", "allValues", "limit", "orientation"]
        switch type {
        case .timeseries: return ["legend", "tooltip"] + graph
        case .stat:
            return reduce + ["colorMode", "graphMode", "textMode", "justifyMode", "wideLayout", "showPercentChange"]
        case .gauge: return reduce + ["showThresholdMarkers", "showThresholdLabels"]
        case .bargauge: return reduce + ["legend", "displayMode", "valueMode", "namePlacement", "showUnfilled"]
        case .table: return ["showHeader", "cellHeight", "cellType", "align", "sortBy", "footer"]
        case .heatmap:
            return [
                "calculate", "colorScheme", "colorScale", "colorExponent", "colorSteps", "cellGap", "rowsLayout",
                "yAxisUnit", "yHistogram", "showLegend", "exemplarColor", "tooltip",
            ]
        case .stateTimeline:
            return [
                "legend", "tooltip", "showValue", "rowHeight", "mergeValues", "alignValue", "lineWidth", "fillOpacity",
            ]
        case .text: return ["mode", "content", "codeLanguage"]
        case .logs, .alertlist: return []
        }
    }
}

public struct LegendOptions: Sendable, Hashable {
    public var mode: String
    public var placement: String
    public var calcs: [String]

    public init(mode: String = "list", placement: String = "bottom", calcs: [String] = []) {
        self.mode = mode
        self.placement = placement
        self.calcs = calcs
    }
}

public struct TooltipOptions: Sendable, Hashable {
    public var mode: String
    public var sort: String

    public init(mode: String = "multi", sort: String = "desc") {
        self.mode = mode
        self.sort = sort
    }
}

public struct TableSort: Sendable, Hashable {
    public var field: String
    public var descending: Bool

    public init(_ field: String, descending: Bool = true) {
        self.field = field
        self.descending = descending
    }
}

/// The panel types llmdash emits.
public enum PanelType: String, Sendable, Hashable, CaseIterable {
    case timeseries, stat, gauge, bargauge, table, heatmap
    case stateTimeline = "state-timeline"
    case text, logs, alertlist

    /// Default size on the 24-column grid.
    public var defaultSize: (width: Int, height: Int) {
        switch self {
        case .timeseries: (12, 8)
        case .stat: (6, 4)
        case .gauge: (6, 6)
        case .bargauge: (12, 8)
        case .table: (24, 8)
        case .heatmap: (12, 8)
        case .stateTimeline: (24, 6)
        case .text: (24, 4)
        case .logs: (24, 10)
        case .alertlist: (12, 8)
        }
    }
}

/// One panel: its queries, field options and per-type display options.
public struct PanelSpec: Sendable, Hashable {
    public var type: PanelType
    /// Stable identity; defaults to the row and title. Ids derive from it.
    public var key: String?
    /// An explicit panel id, overriding the one derived from the key.
    public var id: Int?
    public var title: String
    public var description: String?
    public var width: Int?
    public var height: Int?
    /// Start this panel on a new line of the grid.
    public var newLine: Bool
    public var datasource: String?
    public var queries: [QuerySpec]
    public var field: FieldOptions
    public var overrides: [OverrideSpec]
    public var links: [LinkSpec]
    public var transformations: [TransformationSpec]
    public var interval: String?
    public var maxDataPoints: Int?
    public var timeFrom: String?
    public var timeShift: String?
    public var hideTimeOverride: Bool?
    public var transparent: Bool?
    public var repeatVariable: String?
    public var repeatDirection: String?
    public var maxPerRow: Int?
    public var options: PanelOptions
    /// A logs panel's LogQL queries and display options.
    public var logs: LogsPanelSpec?
    /// An alert-list panel's filters.
    public var alertList: AlertListSpec?
    /// `false` keeps this panel's queries as written when the dashboard records its expensive queries.
    public var recordingRules: Bool?
    /// Grafana JSON merged over the emitted panel (RFC 7386 merge patch: objects merge, `null` removes a
    /// key, anything else replaces): what the model has no key for, carried through unchecked.
    public var grafana: JSON?
    /// True for a `grafana:` panel: `grafana` is the whole panel, emitted as written (plus id and grid position).
    public var isRawGrafana = false
    /// Set on a placeholder that the build replaces by the panels of an SLO (see `SLOPanels`).
    public var sloPanel: SLOPanelRequest?
    public var location: SourceLocation?

    public init(type: PanelType, title: String) {
        self.type = type
        self.title = title
        self.newLine = false
        self.queries = []
        self.field = FieldOptions()
        self.overrides = []
        self.links = []
        self.transformations = []
        self.options = PanelOptions()
    }
}

/// A Prometheus target.
public struct QuerySpec: Sendable, Hashable {
    public enum Format: String, Sendable, Hashable, CaseIterable {
        case timeSeries = "time_series", table, heatmap
    }

    public var expr: String
    public var legend: String?
    public var refId: String?
    public var instant: Bool?
    public var format: Format?
    public var interval: String?
    public var exemplar: Bool?
    public var hide: Bool?
    public var datasource: String?
    public var location: SourceLocation?
    public var exprSource: ScalarSource?

    public init(_ expr: String, legend: String? = nil) {
        self.expr = expr
        self.legend = legend
    }
}

public struct TransformationSpec: Sendable, Hashable {
    public var id: String
    public var options: JSON

    public init(id: String, options: JSON = .object([:])) {
        self.id = id
        self.options = options
    }
}

/// Field options shared by every panel type (Grafana's `fieldConfig.defaults`).
public struct FieldOptions: Sendable, Hashable {
    public var unit: String?
    public var decimals: Int?
    public var min: Double?
    public var max: Double?
    public var displayName: String?
    public var noValue: String?
    public var color: ColorSpec?
    public var thresholds: [ThresholdStep]?
    public var thresholdsMode: ThresholdsMode
    public var mappings: [ValueMappingSpec]
    public var links: [LinkSpec]
    public var unitLocation: SourceLocation?
    public var thresholdsLocation: SourceLocation?

    public init() {
        self.thresholdsMode = .absolute
        self.mappings = []
        self.links = []
    }
}

public enum ThresholdsMode: String, Sendable, Hashable, CaseIterable {
    case absolute, percentage
}

public struct ThresholdStep: Sendable, Hashable {
    public var color: String
    /// nil for the base step (minus infinity).
    public var value: Double?

    public init(_ color: String, _ value: Double? = nil) {
        self.color = color
        self.value = value
    }
}

public struct ColorSpec: Sendable, Hashable {
    public static let modes = [
        "thresholds", "palette-classic", "palette-classic-by-name", "fixed", "shades", "continuous-GrYlRd",
        "continuous-RdYlGr", "continuous-BlYlRd", "continuous-YlRd", "continuous-BlPu", "continuous-YlBl",
        "continuous-blues", "continuous-reds", "continuous-greens", "continuous-purples",
    ]
    public var mode: String
    public var fixedColor: String?
    public var seriesBy: String?

    public init(mode: String, fixedColor: String? = nil, seriesBy: String? = nil) {
        self.mode = mode
        self.fixedColor = fixedColor
        self.seriesBy = seriesBy
    }

    public static func fixed(_ color: String) -> ColorSpec { ColorSpec(mode: "fixed", fixedColor: color) }
}

public struct MappingResult: Sendable, Hashable {
    public var text: String?
    public var color: String?
    public var index: Int?

    public init(text: String? = nil, color: String? = nil, index: Int? = nil) {
        self.text = text
        self.color = color
        self.index = index
    }
}

public enum ValueMappingSpec: Sendable, Hashable {
    case value([String: MappingResult])
    case range(from: Double?, to: Double?, MappingResult)
    case regex(pattern: String, MappingResult)
    case special(match: SpecialMatch, MappingResult)

    public enum SpecialMatch: String, Sendable, Hashable, CaseIterable {
        case null, nan, nullNaN = "null+nan", `true`, `false`, empty
    }
}

/// A field override: a matcher and the properties it sets.
public struct OverrideSpec: Sendable, Hashable {
    public enum Matcher: Sendable, Hashable {
        case byName(String)
        case byRegexp(String)
        case byFrameRefID(String)
        case byType(String)
        case byNames([String])
    }

    public var matcher: Matcher
    public var properties: [OverrideProperty]
    public var location: SourceLocation?

    public init(_ matcher: Matcher, _ properties: [OverrideProperty]) {
        self.matcher = matcher
        self.properties = properties
    }
}

/// One property an override sets, by Grafana's property id.
public struct OverrideProperty: Sendable, Hashable {
    public var id: String
    public var value: JSON

    public init(id: String, value: JSON) {
        self.id = id
        self.value = value
    }

    public static func color(_ color: String) -> OverrideProperty {
        OverrideProperty(id: "color", value: ["mode": "fixed", "fixedColor": .string(color)])
    }
    public static func unit(_ unit: String) -> OverrideProperty { OverrideProperty(id: "unit", value: .string(unit)) }
    public static func decimals(_ n: Int) -> OverrideProperty { OverrideProperty(id: "decimals", value: .int(n)) }
    public static func displayName(_ s: String) -> OverrideProperty {
        OverrideProperty(id: "displayName", value: .string(s))
    }
    public static func min(_ v: Double) -> OverrideProperty { OverrideProperty(id: "min", value: .number(v)) }
    public static func max(_ v: Double) -> OverrideProperty { OverrideProperty(id: "max", value: .number(v)) }
    public static func lineWidth(_ n: Int) -> OverrideProperty {
        OverrideProperty(id: "custom.lineWidth", value: .int(n))
    }
    public static func fillOpacity(_ n: Int) -> OverrideProperty {
        OverrideProperty(id: "custom.fillOpacity", value: .int(n))
    }
    public static func lineStyle(_ style: LineStyle) -> OverrideProperty {
        switch style {
        case .solid: OverrideProperty(id: "custom.lineStyle", value: ["fill": "solid"])
        case .dashed: OverrideProperty(id: "custom.lineStyle", value: ["fill": "dash", "dash": [10, 10]])
        case .dotted: OverrideProperty(id: "custom.lineStyle", value: ["fill": "dot", "dash": [0, 10]])
        }
    }
    public static func axisPlacement(_ placement: String) -> OverrideProperty {
        OverrideProperty(id: "custom.axisPlacement", value: .string(placement))
    }
    public static func cellType(_ type: String) -> OverrideProperty {
        var cell: [String: JSON] = ["type": .string(type)]
        if type == "gauge" { cell["mode"] = "basic" }
        return OverrideProperty(id: "custom.cellOptions", value: .object(JSONMembers(cell)))
    }
    public static func hidden(_ hidden: Bool = true) -> OverrideProperty {
        OverrideProperty(
            id: "custom.hideFrom", value: ["legend": .bool(hidden), "tooltip": .bool(hidden), "viz": .bool(hidden)])
    }
    public static func thresholds(_ steps: [ThresholdStep], mode: ThresholdsMode = .absolute) -> OverrideProperty {
        OverrideProperty(id: "thresholds", value: GrafanaEmitter.thresholds(steps, mode: mode))
    }
}

public enum LineStyle: String, Sendable, Hashable, CaseIterable {
    case solid, dashed, dotted
}

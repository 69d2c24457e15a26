/// A dashboard as both front ends describe it: what the user wrote, before layout and emission.
public struct DashboardSpec: Sendable, Hashable {
    public var uid: String
    public var title: String
    /// Grafana folder; empty means the General folder.
    public var folder: String
    public var tags: [String]
    public var description: String?
    /// Datasource uid for panels and queries; nil picks `${datasource}` when such a variable exists, else `prometheus`.
    public var datasource: String?
    public var time: TimeRange
    public var refresh: String
    public var timezone: String
    public var weekStart: String?
    public var graphTooltip: GraphTooltip
    public var editable: Bool
    public var liveNow: Bool
    public var refreshIntervals: [String]?
    public var variables: [VariableSpec]
    public var annotations: [AnnotationSpec]
    public var links: [LinkSpec]
    /// Panels before the first row.
    public var panels: [PanelSpec]
    public var rows: [RowSpec]
    /// Loki, Tempo and Jaeger datasources the dashboard uses; the build provisions them.
    public var datasources: [DatasourceDeclaration] = []
    /// Exemplars on latency panels, linking to traces.
    public var exemplars: ExemplarSpec?
    /// Recording rules for the dashboard's expensive queries, which then read the recorded series.
    public var recordingRules: RecordingRulesSpec?
    /// The serving stack whose metric catalogue signal-level panels use.
    public var backend: Backend?
    /// Grafana JSON merged over the emitted dashboard (RFC 7386 merge patch), carried through unchecked.
    public var grafana: JSON?
    /// Problems found while the front end built this spec (e.g. a signal the backend lacks).
    public var diagnostics: [Diagnostic]
    public var location: SourceLocation?

    public init(uid: String, title: String) {
        self.diagnostics = []
        self.uid = uid
        self.title = title
        self.folder = ""
        self.tags = []
        self.time = TimeRange()
        self.refresh = "30s"
        self.timezone = "browser"
        self.graphTooltip = .crosshair
        self.editable = false
        self.liveNow = false
        self.variables = []
        self.annotations = []
        self.links = []
        self.panels = []
        self.rows = []
    }
}

public struct TimeRange: Sendable, Hashable {
    public var from: String
    public var to: String

    public init(from: String = "now-6h", to: String = "now") {
        self.from = from
        self.to = to
    }
}

public enum GraphTooltip: String, Sendable, Hashable, CaseIterable {
    case off, crosshair, tooltip

    var code: Int {
        switch self {
        case .off: 0
        case .crosshair: 1
        case .tooltip: 2
        }
    }
}

public struct RowSpec: Sendable, Hashable {
    public var title: String
    public var key: String?
    public var id: Int?
    public var collapsed: Bool
    public var repeatVariable: String?
    public var panels: [PanelSpec]
    /// Grafana JSON merged over the emitted row panel (RFC 7386 merge patch), carried through unchecked.
    public var grafana: JSON?
    public var location: SourceLocation?

    public init(title: String, collapsed: Bool = false, panels: [PanelSpec] = []) {
        self.title = title
        self.collapsed = collapsed
        self.panels = panels
    }
}

/// A link on the dashboard, on a panel, or on a field (data link).
public struct LinkSpec: Sendable, Hashable {
    public var title: String
    public var url: String?
    /// For dashboard links: a dropdown of dashboards with these tags instead of a URL.
    public var tags: [String]
    public var tooltip: String
    public var icon: String?
    public var asDropdown: Bool
    public var targetBlank: Bool
    public var includeVars: Bool
    public var keepTime: Bool
    public var location: SourceLocation?

    public init(title: String, url: String? = nil, tags: [String] = []) {
        self.title = title
        self.url = url
        self.tags = tags
        self.tooltip = ""
        self.asDropdown = false
        self.targetBlank = false
        self.includeVars = false
        self.keepTime = false
    }
}

public struct AnnotationSpec: Sendable, Hashable {
    public var name: String
    public var expr: String
    public var datasource: String?
    public var iconColor: String
    public var enable: Bool
    public var hide: Bool
    public var step: String?
    public var titleFormat: String?
    public var textFormat: String?
    public var tagKeys: [String]
    public var useValueForTime: Bool
    public var location: SourceLocation?
    public var exprSource: ScalarSource?

    public init(name: String, expr: String) {
        self.name = name
        self.expr = expr
        self.iconColor = "rgba(255, 96, 96, 1)"
        self.enable = true
        self.hide = false
        self.tagKeys = []
        self.useValueForTime = false
    }
}

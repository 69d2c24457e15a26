/// A logs panel: LogQL queries on a Loki datasource, and how the lines are shown.
public struct LogsPanelSpec: Sendable, Hashable {
    public enum SortOrder: String, Sendable, Hashable, CaseIterable {
        case descending = "Descending", ascending = "Ascending"
    }
    public enum Dedup: String, Sendable, Hashable, CaseIterable {
        case none, exact, numbers, signature
    }

    /// LogQL, passed through to Loki unchanged (only sanity-checked).
    public var queries: [QuerySpec]
    public var showTime: Bool
    public var showLabels: Bool
    public var showCommonLabels: Bool
    public var wrapLines: Bool
    public var prettify: Bool
    public var details: Bool
    public var order: SortOrder
    public var dedup: Dedup
    /// Where the panel's `datasource` was written, for errors about it.
    public var datasourceLocation: SourceLocation?

    public init(queries: [QuerySpec] = []) {
        self.queries = queries
        self.showTime = true
        self.showLabels = false
        self.showCommonLabels = false
        self.wrapLines = true
        self.prettify = false
        self.details = true
        self.order = .descending
        self.dedup = .none
    }
}

/// An alert-list panel: Grafana's list of alert rules and instances, filtered by label, folder and state.
public struct AlertListSpec: Sendable, Hashable {
    public enum State: String, Sendable, Hashable, CaseIterable {
        case firing, pending, noData, normal, error
    }
    /// Grafana's sort orders, by their codes.
    public enum Sort: String, Sendable, Hashable, CaseIterable {
        case alpha, alphaDesc = "alpha-desc", importance, time, timeDesc = "time-desc"

        var code: Int {
            switch self {
            case .alpha: 1
            case .alphaDesc: 2
            case .importance: 3
            case .time: 4
            case .timeDesc: 5
            }
        }
    }

    /// Alert-instance label matchers, written `name=value` (exact) or `name=~regex`.
    public var labels: [LabelMatcher]
    public var folderUID: String?
    public var folderTitle: String?
    public var states: [State]
    public var alertName: String
    public var limit: Int
    public var sort: Sort
    /// Group instances by these labels instead of by rule.
    public var groupBy: [String]
    public var showInstances: Bool

    public init() {
        self.labels = []
        self.states = [.firing]
        self.alertName = ""
        self.limit = 20
        self.sort = .importance
        self.groupBy = []
        self.showInstances = true
    }

    /// Grafana's `alertInstanceLabelFilter`: PromQL-style matchers.
    public var labelFilter: String {
        guard !labels.isEmpty else { return "" }
        return "{" + labels.map(\.promQL).joined(separator: ", ") + "}"
    }
}

/// One label matcher of a filter.
public struct LabelMatcher: Sendable, Hashable {
    public var name: String
    public var value: String
    public var regex: Bool
    public var location: SourceLocation?

    public init(_ name: String, _ value: String, regex: Bool = false) {
        self.name = name
        self.value = value
        self.regex = regex
    }

    var promQL: String {
        var escaped = ""
        for c in value {
            if c == "\"" || c == "\\" { escaped.append("\\") }
            escaped.append(c)
        }
        return name + (regex ? "=~" : "=") + "\"" + escaped + "\""
    }
}

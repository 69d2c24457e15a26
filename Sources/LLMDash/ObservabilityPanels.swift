/// A Loki, Tempo or Jaeger datasource the dashboard uses; the build provisions it next to Prometheus.
public struct Datasource: Sendable, Hashable {
    public var spec: DatasourceDeclaration

    public init(
        _ uid: String, type: DatasourceType, url: String, name: String? = nil, file: String = #filePath,
        line: Int = #line, column: Int = #column
    ) {
        spec = DatasourceDeclaration(uid: uid, type: type, url: url, name: name)
        spec.location = SourceLocation(file: file, line: line, column: column)
    }
}

/// Exemplars on latency panels, linking each to its trace in a Tempo or Jaeger datasource.
public struct Exemplars: Sendable, Hashable {
    public var spec: ExemplarSpec

    /// - Parameters:
    ///   - datasource: the uid of the trace datasource.
    ///   - label: the exemplar label holding the trace id.
    public init(
        datasource: String, label: String = "trace_id", urlDisplayLabel: String? = nil, file: String = #filePath,
        line: Int = #line, column: Int = #column
    ) {
        spec = ExemplarSpec(datasource: datasource, label: label, urlDisplayLabel: urlDisplayLabel)
        spec.location = SourceLocation(file: file, line: line, column: column)
    }
}

/// A logs panel: LogQL on a Loki datasource (a declared uid or `${variable}` of type loki), passed
/// through unchanged and sanity-checked.
public struct Logs: PanelConvertible {
    public var panel: PanelSpec

    public init(
        _ title: String, datasource: String, file: String = #filePath, line: Int = #line, column: Int = #column,
        @QueryBuilder queries: () -> [QuerySpec]
    ) {
        panel = PanelSpec(type: .logs, title: title)
        panel.location = SourceLocation(file: file, line: line, column: column)
        panel.datasource = datasource
        var logs = LogsPanelSpec(queries: queries())
        logs.datasourceLocation = panel.location
        panel.logs = logs
    }

    func withLogs(_ change: (inout LogsPanelSpec) -> Void) -> Self { with(\.logs, empty: LogsPanelSpec(), change) }

    /// At most this many lines (the panel's max data points).
    public func maxLines(_ n: Int) -> Self { with { $0.maxDataPoints = n } }
    public func showTime(_ show: Bool = true) -> Self { withLogs { $0.showTime = show } }
    public func showLabels(_ show: Bool = true) -> Self { withLogs { $0.showLabels = show } }
    public func showCommonLabels(_ show: Bool = true) -> Self { withLogs { $0.showCommonLabels = show } }
    public func wrap(_ wrap: Bool = true) -> Self { withLogs { $0.wrapLines = wrap } }
    public func prettify(_ prettify: Bool = true) -> Self { withLogs { $0.prettify = prettify } }
    public func details(_ details: Bool = true) -> Self { withLogs { $0.details = details } }
    public func order(_ order: LogsPanelSpec.SortOrder) -> Self { withLogs { $0.order = order } }
    public func dedup(_ dedup: LogsPanelSpec.Dedup) -> Self { withLogs { $0.dedup = dedup } }
}

/// Grafana's alert list: alert rules and instances filtered by label, folder and state.
public struct AlertList: PanelConvertible {
    public var panel: PanelSpec

    public init(
        _ title: String, states: [AlertListSpec.State] = [.firing], file: String = #filePath, line: Int = #line,
        column: Int = #column
    ) {
        panel = PanelSpec(type: .alertlist, title: title)
        panel.location = SourceLocation(file: file, line: line, column: column)
        var list = AlertListSpec()
        list.states = states
        panel.alertList = list
    }

    func withList(_ change: (inout AlertListSpec) -> Void) -> Self { with(\.alertList, empty: AlertListSpec(), change) }

    /// Only instances whose labels match: `.labels(["slo": "chat"])`; `regex: true` matches the values as regexes.
    public func labels(_ labels: KeyValuePairs<String, String>, regex: Bool = false) -> Self {
        withList { list in list.labels += labels.map { LabelMatcher($0.key, $0.value, regex: regex) } }
    }
    public func folder(uid: String, title: String? = nil) -> Self {
        withList {
            $0.folderUID = uid
            $0.folderTitle = title
        }
    }
    public func alertName(_ name: String) -> Self { withList { $0.alertName = name } }
    public func limit(_ n: Int) -> Self { withList { $0.limit = n } }
    public func sort(_ sort: AlertListSpec.Sort) -> Self { withList { $0.sort = sort } }
    public func groupBy(_ labels: String...) -> Self { withList { $0.groupBy = labels } }
    public func showInstances(_ show: Bool = true) -> Self { withList { $0.showInstances = show } }
}

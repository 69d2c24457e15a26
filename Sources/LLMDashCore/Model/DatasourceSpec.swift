/// The datasource plugins a spec may declare besides the build's Prometheus datasource.
public enum DatasourceType: String, Sendable, Hashable, CaseIterable {
    case prometheus, loki, tempo, jaeger

    /// Trace stores that exemplars can link to.
    public var holdsTraces: Bool { self == .tempo || self == .jaeger }
}

/// A datasource a dashboard uses and llmdash provisions next to Prometheus (Loki for logs, Tempo or
/// Jaeger for the traces exemplars link to).
public struct DatasourceDeclaration: Sendable, Hashable {
    public var uid: String
    public var type: DatasourceType
    /// The datasource's name in Grafana; defaults to the uid.
    public var name: String
    public var url: String
    public var location: SourceLocation?

    public init(uid: String, type: DatasourceType, url: String, name: String? = nil) {
        self.uid = uid
        self.type = type
        self.url = url
        self.name = name ?? uid
    }
}

/// Exemplars on latency panels: the trace-id label of the exemplars and the trace datasource it opens.
public struct ExemplarSpec: Sendable, Hashable {
    /// The uid of a Tempo or Jaeger datasource.
    public var datasource: String
    /// The exemplar label holding the trace id.
    public var label: String
    /// The link text Grafana shows; nil keeps Grafana's default.
    public var urlDisplayLabel: String?
    public var location: SourceLocation?

    public init(datasource: String, label: String = "trace_id", urlDisplayLabel: String? = nil) {
        self.datasource = datasource
        self.label = label
        self.urlDisplayLabel = urlDisplayLabel
    }
}

@_exported import LLMDashCore

/// What a dashboard body may contain: rows, panels outside rows, variables, annotations and links.
public enum DashboardItem: Sendable, Hashable {
    case row(title: String, spec: RowSpec, items: [PanelItem])
    case panel(PanelItem)
    case variable(VariableSpec)
    case standardVariables([String], SourceLocation)
    case annotation(AnnotationSpec)
    case link(LinkSpec)
    case datasource(DatasourceDeclaration)
    case exemplars(ExemplarSpec)
    case eventAnnotation(EventAnnotationRequest)
}

/// Collects a dashboard's contents; supports `if`, `if let`, `else`, `switch` and `for`.
@resultBuilder
public enum DashboardBuilder {
    public static func buildExpression(_ row: Row) -> [DashboardItem] {
        [.row(title: row.spec.title, spec: row.spec, items: row.items)]
    }
    public static func buildExpression(_ panel: some PanelConvertible) -> [DashboardItem] {
        [.panel(.panel(panel.panel))]
    }
    public static func buildExpression(_ panel: some SignalPanelConvertible) -> [DashboardItem] {
        [.panel(.signal(panel.request))]
    }
    public static func buildExpression(_ panel: SLOPanel) -> [DashboardItem] { [.panel(.panel(panel.panel))] }
    public static func buildExpression(_ variables: StandardVariables) -> [DashboardItem] {
        [.standardVariables(variables.names, variables.location)]
    }
    public static func buildExpression(_ variable: some VariableConvertible) -> [DashboardItem] {
        [.variable(variable.variable)]
    }
    public static func buildExpression(_ annotation: Annotation) -> [DashboardItem] { [.annotation(annotation.spec)] }
    public static func buildExpression(_ link: DashboardLink) -> [DashboardItem] { [.link(link.spec)] }
    public static func buildExpression(_ datasource: Datasource) -> [DashboardItem] { [.datasource(datasource.spec)] }
    public static func buildExpression(_ exemplars: Exemplars) -> [DashboardItem] { [.exemplars(exemplars.spec)] }
    public static func buildExpression(_ events: some EventAnnotationConvertible) -> [DashboardItem] {
        [.eventAnnotation(events.request)]
    }
    public static func buildExpression(_ items: [DashboardItem]) -> [DashboardItem] { items }
    public static func buildBlock(_ components: [DashboardItem]...) -> [DashboardItem] { components.flatMap { $0 } }
    public static func buildOptional(_ component: [DashboardItem]?) -> [DashboardItem] { component ?? [] }
    public static func buildEither(first component: [DashboardItem]) -> [DashboardItem] { component }
    public static func buildEither(second component: [DashboardItem]) -> [DashboardItem] { component }
    public static func buildArray(_ components: [[DashboardItem]]) -> [DashboardItem] { components.flatMap { $0 } }
    public static func buildLimitedAvailability(_ component: [DashboardItem]) -> [DashboardItem] { component }
}

/// A panel as written: complete, or asked for by signal and expanded once the dashboard's backend is known.
public enum PanelItem: Sendable, Hashable {
    case panel(PanelSpec)
    case signal(SignalPanelRequest)
}

/// Collects the panels of a row.
@resultBuilder
public enum PanelBuilder {
    public static func buildExpression(_ panel: some PanelConvertible) -> [PanelItem] { [.panel(panel.panel)] }
    public static func buildExpression(_ panel: some SignalPanelConvertible) -> [PanelItem] { [.signal(panel.request)] }
    public static func buildExpression(_ panel: SLOPanel) -> [PanelItem] { [.panel(panel.panel)] }
    public static func buildExpression(_ panels: [PanelSpec]) -> [PanelItem] { panels.map(PanelItem.panel) }
    public static func buildExpression(_ items: [PanelItem]) -> [PanelItem] { items }
    public static func buildBlock(_ components: [PanelItem]...) -> [PanelItem] { components.flatMap { $0 } }
    public static func buildOptional(_ component: [PanelItem]?) -> [PanelItem] { component ?? [] }
    public static func buildEither(first component: [PanelItem]) -> [PanelItem] { component }
    public static func buildEither(second component: [PanelItem]) -> [PanelItem] { component }
    public static func buildArray(_ components: [[PanelItem]]) -> [PanelItem] { components.flatMap { $0 } }
    public static func buildLimitedAvailability(_ component: [PanelItem]) -> [PanelItem] { component }
}

/// Collects the queries of a panel.
@resultBuilder
public enum QueryBuilder {
    public static func buildExpression(_ query: Query) -> [QuerySpec] { [query.spec] }
    public static func buildExpression(_ expr: String) -> [QuerySpec] { [QuerySpec(expr)] }
    public static func buildBlock(_ components: [QuerySpec]...) -> [QuerySpec] { components.flatMap { $0 } }
    public static func buildOptional(_ component: [QuerySpec]?) -> [QuerySpec] { component ?? [] }
    public static func buildEither(first component: [QuerySpec]) -> [QuerySpec] { component }
    public static func buildEither(second component: [QuerySpec]) -> [QuerySpec] { component }
    public static func buildArray(_ components: [[QuerySpec]]) -> [QuerySpec] { components.flatMap { $0 } }
    public static func buildLimitedAvailability(_ component: [QuerySpec]) -> [QuerySpec] { component }
}

/// Collects field overrides.
@resultBuilder
public enum OverrideBuilder {
    public static func buildExpression(_ override: Override) -> [OverrideSpec] { [override.spec] }
    public static func buildBlock(_ components: [OverrideSpec]...) -> [OverrideSpec] { components.flatMap { $0 } }
    public static func buildOptional(_ component: [OverrideSpec]?) -> [OverrideSpec] { component ?? [] }
    public static func buildEither(first component: [OverrideSpec]) -> [OverrideSpec] { component }
    public static func buildEither(second component: [OverrideSpec]) -> [OverrideSpec] { component }
    public static func buildArray(_ components: [[OverrideSpec]]) -> [OverrideSpec] { components.flatMap { $0 } }
}

@_exported import LLMDashCore

/// What a dashboard body may contain: rows, panels outside rows, variables, annotations and links.
public enum DashboardItem: Sendable, Hashable {
    case row(RowSpec)
    case panel(PanelSpec)
    case variable(VariableSpec)
    case annotation(AnnotationSpec)
    case link(LinkSpec)
}

/// Collects a dashboard's contents; supports `if`, `if let`, `else`, `switch` and `for`.
@resultBuilder
public enum DashboardBuilder {
    public static func buildExpression(_ row: Row) -> [DashboardItem] { [.row(row.spec)] }
    public static func buildExpression(_ panel: some PanelConvertible) -> [DashboardItem] { [.panel(panel.panel)] }
    public static func buildExpression(_ variable: some VariableConvertible) -> [DashboardItem] {
        [.variable(variable.variable)]
    }
    public static func buildExpression(_ annotation: Annotation) -> [DashboardItem] { [.annotation(annotation.spec)] }
    public static func buildExpression(_ link: DashboardLink) -> [DashboardItem] { [.link(link.spec)] }
    public static func buildExpression(_ items: [DashboardItem]) -> [DashboardItem] { items }
    public static func buildBlock(_ components: [DashboardItem]...) -> [DashboardItem] { components.flatMap { $0 } }
    public static func buildOptional(_ component: [DashboardItem]?) -> [DashboardItem] { component ?? [] }
    public static func buildEither(first component: [DashboardItem]) -> [DashboardItem] { component }
    public static func buildEither(second component: [DashboardItem]) -> [DashboardItem] { component }
    public static func buildArray(_ components: [[DashboardItem]]) -> [DashboardItem] { components.flatMap { $0 } }
    public static func buildLimitedAvailability(_ component: [DashboardItem]) -> [DashboardItem] { component }
}

/// Collects the panels of a row.
@resultBuilder
public enum PanelBuilder {
    public static func buildExpression(_ panel: some PanelConvertible) -> [PanelSpec] { [panel.panel] }
    public static func buildExpression(_ panels: [PanelSpec]) -> [PanelSpec] { panels }
    public static func buildBlock(_ components: [PanelSpec]...) -> [PanelSpec] { components.flatMap { $0 } }
    public static func buildOptional(_ component: [PanelSpec]?) -> [PanelSpec] { component ?? [] }
    public static func buildEither(first component: [PanelSpec]) -> [PanelSpec] { component }
    public static func buildEither(second component: [PanelSpec]) -> [PanelSpec] { component }
    public static func buildArray(_ components: [[PanelSpec]]) -> [PanelSpec] { components.flatMap { $0 } }
    public static func buildLimitedAvailability(_ component: [PanelSpec]) -> [PanelSpec] { component }
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

/// A position on Grafana's 24-column grid.
public struct GridPos: Sendable, Hashable {
    public var x: Int
    public var y: Int
    public var w: Int
    public var h: Int

    public init(x: Int, y: Int, w: Int, h: Int) {
        self.x = x
        self.y = y
        self.w = w
        self.h = h
    }
}

public struct ResolvedPanel: Sendable, Hashable {
    public var spec: PanelSpec
    public var key: String
    public var id: Int
    public var grid: GridPos
}

public struct ResolvedRow: Sendable, Hashable {
    public var spec: RowSpec
    public var key: String
    public var id: Int
    public var grid: GridPos
    public var panels: [ResolvedPanel]
}

/// A dashboard after layout and identity: every panel has its id and grid position.
public struct ResolvedDashboard: Sendable, Hashable {
    public var spec: DashboardSpec
    public var panels: [ResolvedPanel]
    public var rows: [ResolvedRow]
    /// The datasource uid panels use unless they name their own.
    public var datasourceUID: String

    public var allPanels: [ResolvedPanel] { panels + rows.flatMap(\.panels) }
}

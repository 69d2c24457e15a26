import LLMDashCore
import Testing

@Suite struct LayoutAndIdentityTests {
    static func panel(_ type: PanelType, _ title: String, width: Int? = nil, height: Int? = nil) -> PanelSpec {
        var p = PanelSpec(type: type, title: title)
        p.width = width
        p.height = height
        if type != .text { p.queries = [QuerySpec("up")] } else { p.options.content = "x" }
        return p
    }

    static func dashboard(latency: [PanelSpec], other: [PanelSpec] = [], collapsed: Bool = false) -> DashboardSpec {
        var d = DashboardSpec(uid: "d", title: "D")
        d.rows = [
            RowSpec(title: "Latency", panels: latency), RowSpec(title: "Other", collapsed: collapsed, panels: other),
        ]
        return d
    }

    @Test func flowsLeftToRightAndWraps() {
        let d = Self.dashboard(
            latency: [
                Self.panel(.timeseries, "a", width: 8), Self.panel(.timeseries, "b", width: 8),
                Self.panel(.timeseries, "c", width: 8), Self.panel(.stat, "d"), Self.panel(.stat, "e", height: 6),
                Self.panel(.table, "f"),
            ],
            other: [Self.panel(.heatmap, "g")])
        let (resolved, diagnostics) = Resolver.resolve(d)
        #expect(diagnostics.isEmpty)
        let grids = resolved.rows.map { row in [row.grid] + row.panels.map(\.grid) }
        #expect(
            grids[0] == [
                GridPos(x: 0, y: 0, w: 24, h: 1),
                GridPos(x: 0, y: 1, w: 8, h: 8), GridPos(x: 8, y: 1, w: 8, h: 8), GridPos(x: 16, y: 1, w: 8, h: 8),
                GridPos(x: 0, y: 9, w: 6, h: 4), GridPos(x: 6, y: 9, w: 6, h: 6),
                GridPos(x: 0, y: 15, w: 24, h: 8),
            ])
        #expect(grids[1] == [GridPos(x: 0, y: 23, w: 24, h: 1), GridPos(x: 0, y: 24, w: 12, h: 8)])
    }

    @Test func newLineStartsANewLine() {
        var second = Self.panel(.stat, "b")
        second.newLine = true
        let (resolved, _) = Resolver.resolve(Self.dashboard(latency: [Self.panel(.stat, "a"), second]))
        #expect(
            resolved.rows[0].panels.map(\.grid) == [GridPos(x: 0, y: 1, w: 6, h: 4), GridPos(x: 0, y: 5, w: 6, h: 4)])
    }

    @Test func insertingAPanelChangesNoOtherId() {
        let before = Self.dashboard(
            latency: [Self.panel(.timeseries, "TTFT"), Self.panel(.timeseries, "ITL")],
            other: [Self.panel(.stat, "Errors"), Self.panel(.gauge, "KV")])
        var after = before
        after.rows[0].panels.insert(Self.panel(.timeseries, "Queue time"), at: 0)
        after.rows[1].panels.insert(Self.panel(.stat, "Aborts"), at: 1)
        let ids = { (d: DashboardSpec) -> [String: Int] in
            let (r, _) = Resolver.resolve(d)
            var out: [String: Int] = [:]
            for row in r.rows {
                out[row.key] = row.id
                for p in row.panels { out[p.key] = p.id }
            }
            return out
        }
        let old = ids(before)
        let new = ids(after)
        #expect(old.count == 6)
        for (key, id) in old { #expect(new[key] == id, "id of \(key) changed") }
        #expect(Set(new.values).count == new.count)
    }

    @Test func idsComeFromKeysNotPositions() {
        var keyed = Self.panel(.timeseries, "Renamed title")
        keyed.key = "latency/ttft"
        let a = Resolver.resolve(Self.dashboard(latency: [Self.panel(.timeseries, "TTFT")])).0
        let b = Resolver.resolve(Self.dashboard(latency: [Self.panel(.stat, "x"), keyed])).0
        #expect(a.rows[0].panels[0].key == "latency/ttft")
        #expect(a.rows[0].panels[0].id == b.rows[0].panels[1].id)
    }

    @Test func repeatedKeysAndIdsNameTheFirstPanel() {
        var d = DashboardSpec(uid: "d", title: "D")
        d.panels = (1...4).map { line in
            var p = Self.panel(.stat, line == 3 ? "Other" : "Same")
            p.id = line == 4 ? 8 : 7
            p.location = SourceLocation(file: "d.yaml", line: line, column: 5)
            return p
        }
        let (resolved, diagnostics) = Resolver.resolve(d)
        // The same key with the same id clashes once; every later use of a key names its first panel.
        #expect(
            diagnostics.map { "\($0.id) \($0.location.map(\.line) ?? 0) \($0.notes.first ?? "")" } == [
                "spec.duplicate-key 2 the other is at d.yaml:1:5",
                "spec.duplicate-id 3 ",
                "spec.duplicate-key 4 the other is at d.yaml:1:5",
            ])
        #expect(diagnostics[1].message == "panel id 7 of 'other' is already used by 'same'")
        #expect(resolved.panels.map(\.id) == [7, 7, 7, 8])
    }

    @Test func hashCollisionsProbeInsteadOfFailing() {
        // Enough panels that some 31-bit hashes collide; every panel still gets a distinct id.
        var d = DashboardSpec(uid: "d", title: "D")
        d.panels = (0..<100_000).map { Self.panel(.stat, "p\($0)") }
        let (resolved, diagnostics) = Resolver.resolve(d)
        #expect(!diagnostics.hasErrors)
        #expect(Set(resolved.panels.map(\.id)).count == 100_000)
    }

    @Test func collapsedRowsNestTheirPanels() throws {
        let d = Self.dashboard(latency: [Self.panel(.stat, "a")], other: [Self.panel(.stat, "b")], collapsed: true)
        let (resolved, _) = Resolver.resolve(d)
        let json = GrafanaEmitter.dashboard(resolved)
        let panels = try #require(json["panels"]?.arrayValue)
        #expect(panels.map { $0["type"]?.stringValue } == ["row", "stat", "row"])
        #expect(panels[2]["collapsed"] == .bool(true))
        let nested = try #require(panels[2]["panels"]?.arrayValue)
        #expect(nested.map { $0["title"]?.stringValue } == ["b"])
        #expect(nested[0]["gridPos"]?["y"] == .int(6))
        #expect(panels[0]["panels"] == .array([]))
    }

    @Test func refIdsFollowGrafanasOrder() {
        var p = Self.panel(.timeseries, "many")
        p.queries = (0..<30).map { QuerySpec("vector(\($0))") }
        let (resolved, _) = Resolver.resolve(Self.dashboard(latency: [p]))
        let json = GrafanaEmitter.dashboard(resolved)
        let targets = json["panels"]?.arrayValue?[1]["targets"]?.arrayValue ?? []
        let refIds = targets.compactMap { $0["refId"]?.stringValue }
        #expect(refIds.prefix(3) == ["A", "B", "C"])
        #expect(refIds.suffix(4) == ["AA", "AB", "AC", "AD"].suffix(4))
    }
}

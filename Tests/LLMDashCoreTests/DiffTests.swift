import LLMDashCore
import PromQL
import Testing

/// The semantic diff's core: queries as PromQL, panels by identity, noise ignored, rule files by name.
@Suite struct DiffTests {
    // MARK: Queries

    @Test(arguments: [
        ("sum by (le)(rate(x[5m]))", "sum  by(le) (\n  rate(x[5m])\n)"),
        (#"x{a="1",b='2'}"#, #"x{b="2", a="1"}"#),
        (#"rate(x{model=~"$model"}[$__rate_interval])"#, #"rate( x{ model=~'$model' }[ $__rate_interval ] )"#),
        (
            "histogram_quantile(0.99, sum by (le) (rate(x_bucket[${__range}])))",
            "histogram_quantile(0.99,sum by(le)(rate(x_bucket[${__range}])))"
        ),
    ])
    func formattingIsNoChange(old: String, new: String) {
        #expect(QueryDiff.compare(old, new) == nil)
    }

    @Test(arguments: [
        (
            "histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))",
            "histogram_quantile(0.95, sum by (le) (rate(x_bucket[5m])))", ["quantile 0.99 → 0.95"]
        ),
        (
            "sum by (model_name) (rate(x[5m]))", "sum by (model_name, version) (rate(x[5m]))",
            ["by (model_name) → by (model_name, version)"]
        ),
        ("rate(x[5m])", "rate(x[$__rate_interval])", ["window 5m → $__rate_interval"]),
        ("rate(x[1m])", "rate(x[$__rate_interval])", ["window 1m → $__rate_interval"]),
        ("rate(x[5m])", "irate(x[5m])", ["function rate → irate"]),
        ("sum(x)", "max(x)", ["aggregation sum → max"]),
        (#"x{job="a"}"#, #"x{job="a",model=~"$model"}"#, [#"matcher model=~"$model" added"#]),
        (#"x{model=~"$model"}"#, #"x{model=~"$models"}"#, [#"matcher model=~"$model" → model=~"$models""#]),
        ("a / b", "a * on (job) b", ["operator / → * on (job)"]),
        ("x offset 1h", "x offset 1d", ["modifier offset 1h → offset 1d"]),
        ("topk(5, x)", "topk($k, x)", ["parameter 5 → $k"]),
        ("old_metric", "new_metric", ["metric old_metric → new_metric"]),
    ])
    func realChangesSayWhatDiffers(old: String, new: String, details: [String]) throws {
        let d = try #require(QueryDiff.compare(old, new))
        #expect(d.details == details)
    }

    @Test func spacesThatSeparateWordsStillCount() throws {
        // The no-parse shortcut drops only spaces that separate no words, and none inside strings.
        #expect(QueryDiff.compare("sum by (le) (x)", "sumby (le) (x)") != nil)
        #expect(QueryDiff.compare(#"x{a="b c"}"#, #"x{a="bc"}"#) != nil)
        #expect(QueryDiff.compare("x offset 5m", "x  offset\n5m") == nil)
    }

    @Test func unparseableQueriesFallBackToText() throws {
        #expect(QueryDiff.compare("sum(rate(x[5m])", "sum(rate(x[5m])  ") == nil)
        let d = try #require(QueryDiff.compare("sum(rate(x[5m])", "sum(rate(y[5m])"))
        #expect(d.old == "sum(rate(x[5m])")
        #expect(d.details.isEmpty)
    }

    @Test func grafanaFormatKeepsVariablesAsWritten() {
        #expect(
            GrafanaQuery.format(
                #"sum by ($label) (rate({__name__=~"$metric", m=~'${model:regex}'}[$__interval] offset $shift))"#)
                == #"sum by ($label) (rate({__name__=~"$metric",m=~"${model:regex}"}[$__interval] offset $shift))"#)
        #expect(GrafanaQuery.format("sum(") == nil)
    }

    // MARK: Dashboards

    static func panel(_ id: Int, _ title: String, y: Int, expr: String, unit: String = "s") -> JSON {
        [
            "id": .int(id), "title": .string(title), "type": "timeseries",
            "gridPos": ["x": 0, "y": .int(y), "w": 12, "h": 8],
            "fieldConfig": [
                "defaults": [
                    "unit": .string(unit),
                    "thresholds": [
                        "mode": "absolute",
                        "steps": [["color": "green", "value": nil], ["color": "red", "value": 1]],
                    ],
                ], "overrides": [],
            ],
            "targets": [
                ["refId": "A", "expr": .string(expr), "datasource": ["type": "prometheus", "uid": "${datasource}"]]
            ],
            "pluginVersion": "10.4.0",
        ]
    }

    static func dashboard(_ panels: [JSON], version: Int = 1) -> JSON {
        ["title": "T", "uid": "t", "version": .int(version), "panels": .array(panels), "schemaVersion": 39]
    }

    @Test func insertingAPanelIsOneAddedAndTheRestMoved() {
        let old = Self.dashboard((0..<25).map { Self.panel($0 + 1, "P\($0)", y: $0 * 8, expr: "rate(m\($0)[5m])") })
        var panels = (0..<25).map {
            Self.panel($0 + 1, "P\($0)", y: $0 * 8 + ($0 >= 3 ? 8 : 0), expr: "rate(m\($0)[5m])")
        }
        panels.insert(Self.panel(26, "New", y: 24, expr: "up"), at: 3)
        let changes = DashboardDiff.compare(old: old, new: Self.dashboard(panels, version: 2))
        #expect(changes.filter { $0.kind == .added }.map(\.name) == ["New"])
        #expect(changes.filter { $0.kind == .moved }.count == 22)
        #expect(changes.allSatisfy { $0.kind == .added || $0.kind == .moved })
    }

    @Test func noiseNeverShows() {
        var a = Self.panel(1, "P", y: 0, expr: "up")
        var b = Self.panel(1, "P", y: 0, expr: " up ")
        // Legacy datasource name against a reference; null threshold value against an absent one.
        a = a.replacing("datasource", with: "Prometheus")
        b = b.replacing("pluginVersion", with: "11.0.0")
        b = b.replacing(
            "fieldConfig",
            with: [
                "defaults": [
                    "unit": "s",
                    "thresholds": ["mode": "absolute", "steps": [["color": "green"], ["color": "red", "value": 1]]],
                ], "overrides": [],
            ])
        var old = Self.dashboard([a], version: 3)
        old = old.replacing(
            "templating",
            with: [
                "list": [
                    [
                        "name": "model", "type": "query", "query": "label_values(up, model)", "current": ["text": "a"],
                        "options": [["text": "a"]],
                    ]
                ]
            ])
        var new = Self.dashboard([b], version: 9).replacing("iteration", with: 123)
        new = new.replacing(
            "templating",
            with: [
                "list": [
                    [
                        "name": "model", "type": "query", "query": ["query": "label_values(up, model)", "refId": "X"],
                        "current": ["text": "b"],
                    ]
                ]
            ])
        #expect(DashboardDiff.compare(old: old, new: new) == [])
    }

    @Test func editsNameTheirField() {
        var b = Self.panel(1, "P", y: 0, expr: "histogram_quantile(0.95, sum by (le) (rate(x_bucket[5m])))", unit: "ms")
        b = b.replacing("options", with: ["legend": ["placement": "right"], "tooltip": ["mode": "multi"]])
        let old = Self.dashboard([
            Self.panel(1, "P", y: 0, expr: "histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))").replacing(
                "options", with: ["legend": ["placement": "bottom"], "tooltip": ["mode": "single"]])
        ])
        let changes = DashboardDiff.compare(old: old, new: Self.dashboard([b]))
        #expect(changes.map { $0.field ?? "" } == ["unit", "legend placement", "option tooltip.mode", "query A"])
        #expect(changes.last?.details == ["quantile 0.99 → 0.95"])
        #expect(changes.allSatisfy { $0.kind == .edited && $0.name == "P" })
    }

    @Test func retitledPanelsAreFoundByIdThenByQueries() {
        let old = Self.dashboard([
            Self.panel(1, "TTFT", y: 0, expr: "rate(a[5m])"), Self.panel(2, "ITL", y: 8, expr: "rate(b[5m])"),
        ])
        // Our ids follow the title, so a retitled panel of ours has a new id: its queries still match it.
        let new = Self.dashboard([
            Self.panel(1, "Time to first token", y: 0, expr: "rate(a[5m])"),
            Self.panel(99, "Inter-token latency", y: 8, expr: "rate(b[5m])"),
        ])
        let changes = DashboardDiff.compare(old: old, new: new)
        #expect(changes.map(\.kind) == [.retitled, .retitled])
        #expect(changes.map(\.old) == ["TTFT", "ITL"])
    }

    @Test func panelsMovedBetweenRowsSayFromWhichRow() {
        let row1: JSON = [
            "id": 100, "type": "row", "title": "Latency", "gridPos": ["x": 0, "y": 0, "w": 24, "h": 1], "panels": [],
        ]
        let row2: JSON = [
            "id": 101, "type": "row", "title": "Load", "gridPos": ["x": 0, "y": 9, "w": 24, "h": 1], "panels": [],
        ]
        let old = Self.dashboard([
            row1, Self.panel(1, "A", y: 1, expr: "up"),
            row2.replacing("gridPos", with: ["x": 0, "y": 9, "w": 24, "h": 1]),
        ])
        let new = Self.dashboard([
            row1, row2.replacing("gridPos", with: ["x": 0, "y": 1, "w": 24, "h": 1]),
            Self.panel(1, "A", y: 2, expr: "up"),
        ])
        let changes = DashboardDiff.compare(old: old, new: new)
        #expect(changes.contains(DiffChange(.moved, .panel, "Load / A", field: "row", old: "Latency", new: "Load")))
    }

    @Test func variablesAnnotationsAndLinksByName() {
        func variable(_ name: String, _ query: String) -> JSON {
            ["name": .string(name), "type": "query", "query": .string(query), "current": ["text": .string(name)]]
        }
        let old = Self.dashboard([]).replacing(
            "templating",
            with: [
                "list": [
                    variable("job", "label_values(up, job)"), variable("model", "label_values(x, model)"),
                    variable("gone", "label_values(y, z)"),
                ]
            ]
        ).replacing("links", with: [["title": "Runbook", "url": "https://a"]]).replacing(
            "annotations", with: ["list": [["name": "Deploys", "expr": "changes(x[5m]) > 0"]]])
        let new = Self.dashboard([]).replacing(
            "templating",
            with: [
                "list": [
                    variable("model", "label_values(x,model)"), variable("job", "label_values(up, job)"),
                    variable("new", "label_values(w, v)"),
                ]
            ]
        ).replacing("links", with: [["title": "Runbook", "url": "https://b"]]).replacing(
            "annotations", with: ["list": [["name": "Deploys", "expr": "changes(x[10m]) > 0"]]])
        let changes = DashboardDiff.compare(old: old, new: new)
        #expect(
            changes.map { "\($0.kind) \($0.element) \($0.name) \($0.field ?? "")" } == [
                "moved variable model position",
                "added variable new ",
                "removed variable gone ",
                "edited annotation Deploys expr",
                "edited link Runbook url",
            ])
        #expect(changes[3].details == ["window 5m → 10m"])
    }

    // MARK: Rule files

    @Test func ruleFilesCompareByGroupAndName() throws {
        let old = SourceFile(
            path: "old.yml",
            text: """
                groups:
                  - name: llm
                    interval: 30s
                    rules:
                      - record: llm:ttft:p99
                        expr: histogram_quantile(0.99, sum by (le) (rate(ttft_bucket[5m])))
                      - alert: TTFTHigh
                        expr: llm:ttft:p99 > 1
                        for: 5m
                        labels: {severity: page}
                      - record: llm:gone
                        expr: up
                """)
        let new = SourceFile(
            path: "new.yml",
            text: """
                groups:
                  - name: llm
                    interval: 1m
                    rules:
                      - alert: TTFTHigh
                        expr: llm:ttft:p99>1
                        for: 10m
                        labels: {severity: ticket}
                      - record: llm:ttft:p99
                        expr: histogram_quantile(0.95, sum by (le) (rate(ttft_bucket[5m])))
                      - record: llm:new
                        expr: up
                """)
        let (changes, diagnostics) = RuleFileDiff.compare(old: old, new: new)
        #expect(diagnostics.isEmpty)
        #expect(
            changes.map { "\($0.kind) \($0.element) \($0.name) \($0.field ?? "")" } == [
                "edited group llm interval",
                "moved rule llm / TTFTHigh position",
                "edited rule llm / TTFTHigh for",
                "edited rule llm / TTFTHigh label severity",
                "edited rule llm / llm:ttft:p99 expr",
                "added rule llm / llm:new ",
                "removed rule llm / llm:gone ",
            ])
        #expect(changes[4].details == ["quantile 0.99 → 0.95"])
    }

    @Test func brokenRuleYAMLIsLocated() {
        let (_, diagnostics) = RuleFileDiff.compare(
            old: SourceFile(path: "a.yml", text: "groups: []\n"),
            new: SourceFile(path: "b.yml", text: "groups:\n  - name: [x\n"))
        #expect(diagnostics.hasErrors)
        #expect(diagnostics.first?.location?.file == "b.yml")
    }
}

extension JSON {
    /// A copy with one member set.
    func replacing(_ key: String, with value: JSON) -> JSON {
        guard case .object(let members) = self else { return self }
        var pairs = Array(zip(members.keys, members.values)).filter { $0.0 != key }
        pairs.append((key, value))
        return .object(JSONMembers(unsorted: pairs))
    }
}

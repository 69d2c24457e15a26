/// Emits Grafana's classic dashboard JSON. Every schema-required field is written, instance noise
/// (id, version, iteration, pluginVersion) never is.
///
/// The dashboard is streamed to bytes (`JSONStream`), so every object below writes its members in byte-wise
/// key order, the order of sorted JSON. Only what a spec's `grafana:` patch changes is built as a `JSON` tree.
public enum GrafanaEmitter {
    public static let defaultSchemaVersion = 42

    /// The dashboard as a JSON value.
    public static func dashboard(_ resolved: ResolvedDashboard, schemaVersion: Int = defaultSchemaVersion) -> JSON {
        var streamed = resolved
        let json = tree { write(&streamed, schemaVersion: schemaVersion, into: &$0) }
        if let patch = resolved.spec.grafana { return json.applying(patch: patch) }
        return json
    }

    /// The dashboard's file contents: pretty JSON with sorted keys, as `JSONWriter.pretty` writes it. The resolved
    /// dashboard is taken over, so that its panels are written without being copied.
    public static func prettyDashboard(
        _ resolved: consuming ResolvedDashboard, schemaVersion: Int = defaultSchemaVersion
    ) -> [UInt8] {
        if resolved.spec.grafana != nil { return JSONWriter.pretty(dashboard(resolved, schemaVersion: schemaVersion)) }
        return JSONStream.bytes(capacity: expectedSize(resolved)) {
            write(&resolved, schemaVersion: schemaVersion, into: &$0)
        }
    }

    /// Room for the JSON of a dashboard of this many panels, rows and lists: a little more than most take, so
    /// that it is written without growing.
    static func expectedSize(_ resolved: ResolvedDashboard) -> Int {
        var panels = resolved.panels.count
        resolved.rows.forEachInPlace { panels += $0.pointee.panels.count }
        let spec = resolved.spec
        let others = resolved.rows.count + spec.variables.count + spec.annotations.count + spec.links.count
        return 8_192 + 4_096 * panels + 1_024 * others
    }

    /// The value of what `write` streams: for the few objects a `grafana:` patch changes.
    static func tree(_ write: (inout JSONStream) -> Void) -> JSON {
        var scratch = JSONStream(capacity: 4_096)
        write(&scratch)
        // The stream's bytes are JSON by construction; `.null` is never reached.
        return JSONParser.parse(scratch.finish(), path: "").value ?? .null
    }

    /// Streams the dashboard, which is `inout` only so that its panels can be lent from their arrays by reference
    /// (`forEachInout`); it is left as it was.
    ///
    /// The spec's lists are read in place (`forEachInPlace`): a copy of an element, which iterating or subscripting
    /// an array makes, would retain every string and array of a panel's spec.
    static func write(_ resolved: inout ResolvedDashboard, schemaVersion: Int, into w: inout JSONStream) {
        var panels: [ResolvedPanel] = []
        var rows: [ResolvedRow] = []
        swap(&panels, &resolved.panels)
        swap(&rows, &resolved.rows)
        defer {
            swap(&panels, &resolved.panels)
            swap(&rows, &resolved.rows)
        }
        w.object { w in
            members(
                resolved.spec, panels: &panels, rows: &rows, datasource: resolved.datasourceUID,
                schemaVersion: schemaVersion, into: &w)
        }
    }

    /// The members of the dashboard object.
    private static func members(
        _ spec: DashboardSpec, panels: inout [ResolvedPanel], rows: inout [ResolvedRow], datasource ds: String,
        schemaVersion: Int, into w: inout JSONStream
    ) {
        w.object("annotations") { w in
            w.array("list") { w in
                w.element()
                w.value(builtInAnnotation)
                spec.annotations.forEachInPlace { a in
                    w.element()
                    annotation(a.pointee, datasource: ds, into: &w)
                }
            }
        }
        w.member("description", spec.description)
        w.member("editable", spec.editable)
        w.member("fiscalYearStartMonth", 0)
        w.member("graphTooltip", spec.graphTooltip.code)
        w.array("links", spec.links) { link($1, into: &$0) }
        w.member("liveNow", spec.liveNow)
        w.array("panels") { w in
            panels.forEachInout { p in
                w.element()
                panel(p, datasource: ds, into: &w)
            }
            rows.forEachInout { row in
                w.element()
                if let patch = row.spec.grafana {
                    w.value(tree { self.row(&row, datasource: ds, into: &$0) }.applying(patch: patch))
                } else {
                    self.row(&row, datasource: ds, into: &w)
                }
                if !row.spec.collapsed {
                    row.panels.forEachInout { p in
                        w.element()
                        panel(p, datasource: ds, into: &w)
                    }
                }
            }
        }
        w.member("refresh", spec.refresh)
        w.member("schemaVersion", schemaVersion)
        w.member("tags", strings: spec.tags)
        w.object("templating") { w in
            w.array("list", spec.variables) { variable($1, datasource: ds, into: &$0) }
        }
        w.object("time") { w in
            w.member("from", spec.time.from)
            w.member("to", spec.time.to)
        }
        w.object("timepicker") { w in
            if let intervals = spec.refreshIntervals { w.member("refresh_intervals", strings: intervals) }
        }
        w.member("timezone", spec.timezone)
        w.member("title", spec.title)
        w.member("uid", spec.uid)
        w.member("weekStart", spec.weekStart)
    }

    /// A row header; a collapsed row holds its panels, an open one is followed by them. The row is `inout` only so
    /// that its panels are lent without copies (`forEachInout`); it is left as it was.
    static func row(_ row: inout ResolvedRow, datasource ds: String, into w: inout JSONStream) {
        w.object { w in
            w.member("collapsed", row.spec.collapsed)
            w.key("gridPos")
            grid(row.grid, into: &w)
            w.member("id", row.id)
            w.array("panels") { w in
                guard row.spec.collapsed else { return }
                row.panels.forEachInout { p in
                    w.element()
                    panel(p, datasource: ds, into: &w)
                }
            }
            w.member("repeat", row.spec.repeatVariable)
            w.member("title", row.spec.title)
            w.member("type", "row")
        }
    }

    static let builtInAnnotation: JSON = [
        "builtIn": 1,
        "datasource": ["type": "grafana", "uid": "-- Grafana --"],
        "enable": true,
        "hide": true,
        "iconColor": "rgba(0, 211, 255, 1)",
        "name": "Annotations & Alerts",
        "type": "dashboard",
    ]

    static func datasource(_ uid: String, type: String = "prometheus", into w: inout JSONStream) {
        w.object { w in
            w.member("type", type)
            w.member("uid", uid)
        }
    }

    static func grid(_ g: GridPos, into w: inout JSONStream) {
        w.object { w in
            w.member("h", g.h)
            w.member("w", g.w)
            w.member("x", g.x)
            w.member("y", g.y)
        }
    }

    /// `{"text": text, "value": value}`, the shape of a variable's current value and of an option without `selected`.
    static func textValue(_ text: String, _ value: String, into w: inout JSONStream) {
        w.object { w in
            w.member("text", text)
            w.member("value", value)
        }
    }

    /// One of a variable's options.
    static func option(selected: Bool, text: String, value: String, into w: inout JSONStream) {
        w.object { w in
            w.member("selected", selected)
            w.member("text", text)
            w.member("value", value)
        }
    }

    // MARK: Variables, annotations, links

    /// A template variable; `ds` is the dashboard's datasource.
    static func variable(_ v: VariableSpec, datasource ds: String, into w: inout JSONStream) {
        // Members differ by kind; they are written in key order, each where its kind has it.
        let choice = v.kind == .datasource || v.kind == .query || v.kind == .custom
        // Custom and interval variables list their values as options, one of them current.
        var all = v.values
        if v.kind == .interval, v.auto { all.insert("auto", at: 0) }
        let listed = v.current ?? (v.includeAll ? "All" : all.first ?? "")
        w.object { w in
            switch v.kind {
            case .query: w.member("allValue", v.allValue ?? (v.includeAll ? ".*" : nil))
            case .custom: w.member("allValue", v.allValue)
            default: break
            }
            if v.kind == .interval {
                w.member("auto", v.auto)
                w.member("auto_count", 30)
                w.member("auto_min", "10s")
            }
            w.key("current")
            switch v.kind {
            case .datasource:
                let current = v.current ?? "default"
                textValue(current, current, into: &w)
            case .query:
                if let current = v.current {
                    textValue(current, current, into: &w)
                } else if v.includeAll {
                    w.object { w in
                        w.member("text", strings: ["All"])
                        w.member("value", strings: ["$__all"])
                    }
                } else {
                    textValue("", "", into: &w)
                }
            case .custom, .interval:
                textValue(listed, listed == "All" && v.includeAll ? "$__all" : listed, into: &w)
            case .constant, .textbox:
                textValue(v.query, v.query, into: &w)
            }
            if v.kind == .query {
                w.key("datasource")
                datasource(v.datasource ?? ds, into: &w)
                w.member("definition", v.query)
            }
            w.member("description", v.description)
            w.member("hide", v.hide.code)
            if choice { w.member("includeAll", v.kind == .datasource ? false : v.includeAll) }
            w.member("label", v.label)
            if choice { w.member("multi", v.kind == .datasource ? false : v.multi) }
            w.member("name", v.name)
            w.array("options") { w in
                switch v.kind {
                case .datasource, .query:
                    break
                case .custom, .interval:
                    if v.includeAll {
                        w.element()
                        option(selected: listed == "All", text: "All", value: "$__all", into: &w)
                    }
                    for value in all {
                        w.element()
                        option(selected: value == listed, text: value, value: value, into: &w)
                    }
                case .constant, .textbox:
                    w.element()
                    option(selected: true, text: v.query, value: v.query, into: &w)
                }
            }
            switch v.kind {
            case .query:
                w.object("query") { w in
                    w.member("qryType", 1)
                    w.member("query", v.query)
                    w.member("refId", "PrometheusVariableQueryEditor-VariableQuery")
                }
            case .custom, .interval:
                w.member("query", v.values.joined(separator: ","))
            case .datasource, .constant, .textbox:
                w.member("query", v.query)
            }
            switch v.kind {
            case .datasource: w.member("refresh", 1)
            case .query: w.member("refresh", v.refresh.code)
            case .interval: w.member("refresh", 2)
            default: break
            }
            if v.kind == .datasource || v.kind == .query { w.member("regex", v.regex ?? "") }
            w.member("skipUrlSync", false)
            if v.kind == .query { w.member("sort", v.sort.code) }
            w.member("type", v.kind.rawValue)
        }
    }

    /// An annotation query; `ds` is the dashboard's datasource.
    static func annotation(_ a: AnnotationSpec, datasource ds: String, into w: inout JSONStream) {
        w.object { w in
            w.key("datasource")
            datasource(a.datasource ?? ds, into: &w)
            w.member("enable", a.enable)
            w.member("expr", a.expr)
            w.member("hide", a.hide)
            w.member("iconColor", a.iconColor)
            w.member("name", a.name)
            w.member("step", a.step)
            if !a.tagKeys.isEmpty { w.member("tagKeys", a.tagKeys.joined(separator: ",")) }
            w.member("textFormat", a.textFormat)
            w.member("titleFormat", a.titleFormat)
            w.member("useValueForTime", a.useValueForTime)
        }
    }

    /// Dashboard, panel and data links share Grafana's strict `DashboardLink` shape.
    static func link(_ l: LinkSpec, into w: inout JSONStream) {
        w.object { w in
            w.member("asDropdown", l.asDropdown)
            w.member("icon", l.icon ?? "external link")
            w.member("includeVars", l.includeVars)
            w.member("keepTime", l.keepTime)
            w.member("tags", strings: l.tags)
            w.member("targetBlank", l.targetBlank)
            w.member("title", l.title)
            w.member("tooltip", l.tooltip)
            w.member("type", l.url == nil ? "dashboards" : "link")
            w.member("url", l.url)
        }
    }

    // MARK: Panels

    /// A panel; `ds` is the dashboard's datasource.
    static func panel(_ p: ResolvedPanel, datasource ds: String, into w: inout JSONStream) {
        if p.spec.isRawGrafana, let body = p.spec.grafana {
            var patch: [String: JSON] = [:]
            if case .none = body["id"] { patch["id"] = .int(p.id) }
            if case .none = body["gridPos"] { patch["gridPos"] = tree { grid(p.grid, into: &$0) } }
            w.value(body.applying(patch: .object(JSONMembers(patch))))
        } else if let patch = p.spec.grafana {
            w.value(
                tree { panelBody(p.spec, id: p.id, grid: p.grid, datasource: ds, into: &$0) }.applying(patch: patch))
        } else {
            panelBody(p.spec, id: p.id, grid: p.grid, datasource: ds, into: &w)
        }
    }

    static func panelBody(
        _ spec: PanelSpec, id: Int, grid gridPos: GridPos, datasource dashboardDatasource: String,
        into w: inout JSONStream
    ) {
        let ds = spec.datasource ?? dashboardDatasource
        w.object { w in
            switch spec.type {
            case .text, .alertlist: break
            case .logs:
                w.key("datasource")
                datasource(ds, type: "loki", into: &w)
            default:
                w.key("datasource")
                datasource(ds, into: &w)
            }
            w.member("description", spec.description)
            w.object("fieldConfig") { w in
                if spec.type == .logs || spec.type == .alertlist {
                    w.object("defaults") { _ in }
                    w.array("overrides") { _ in }
                } else {
                    w.key("defaults")
                    fieldDefaults(spec.field, spec.options, type: spec.type, into: &w)
                    w.array("overrides", spec.overrides) { override($1, into: &$0) }
                }
            }
            w.key("gridPos")
            grid(gridPos, into: &w)
            w.member("hideTimeOverride", spec.hideTimeOverride)
            w.member("id", id)
            w.member("interval", spec.interval)
            if !spec.links.isEmpty { w.array("links", spec.links) { link($1, into: &$0) } }
            w.member("maxDataPoints", spec.maxDataPoints)
            w.member("maxPerRow", spec.maxPerRow)
            w.key("options")
            options(spec, spec.options, into: &w)
            w.member("repeat", spec.repeatVariable)
            if spec.repeatVariable != nil { w.member("repeatDirection", spec.repeatDirection ?? "h") }
            // The queries are read in place, by index: an array's subscript would copy each one.
            switch spec.type {
            case .text, .alertlist: break
            case .logs:
                w.array("targets") { w in
                    spec.logs?.queries.withUnsafeBufferPointer { queries in
                        for i in queries.indices {
                            w.element()
                            logTarget(queries[i], index: i, datasource: ds, into: &w)
                        }
                    }
                }
            default:
                w.array("targets") { w in
                    spec.queries.withUnsafeBufferPointer { queries in
                        for i in queries.indices {
                            w.element()
                            target(queries[i], index: i, panelType: spec.type, datasource: ds, into: &w)
                        }
                    }
                }
            }
            w.member("timeFrom", spec.timeFrom)
            w.member("timeShift", spec.timeShift)
            w.member("title", spec.title)
            if !spec.transformations.isEmpty {
                w.array("transformations", spec.transformations) { w, t in
                    w.object { w in
                        w.member("id", t.id)
                        w.member("options", json: t.options)
                    }
                }
            }
            w.member("transparent", spec.transparent)
            w.member("type", spec.type.rawValue)
        }
    }

    static func target(
        _ q: QuerySpec, index: Int, panelType: PanelType, datasource ds: String, into w: inout JSONStream
    ) {
        let instant = q.instant ?? (panelType == .table)
        let format: QuerySpec.Format =
            q.format ?? (panelType == .heatmap ? .heatmap : panelType == .table ? .table : .timeSeries)
        w.object { w in
            w.key("datasource")
            datasource(q.datasource ?? ds, into: &w)
            w.member("editorMode", "code")
            w.member("exemplar", q.exemplar)
            w.member("expr", q.expr)
            w.member("format", format.rawValue)
            w.member("hide", q.hide)
            w.member("instant", instant)
            w.member("interval", q.interval)
            w.member("legendFormat", q.legend ?? (panelType == .heatmap ? "{{le}}" : "__auto"))
            w.member("range", !instant)
            w.member("refId", q.refId ?? RefID.make(index))
        }
    }

    /// A Loki target: the LogQL as written, over the panel's time range.
    static func logTarget(_ q: QuerySpec, index: Int, datasource ds: String, into w: inout JSONStream) {
        w.object { w in
            w.key("datasource")
            datasource(q.datasource ?? ds, type: "loki", into: &w)
            w.member("editorMode", "code")
            w.member("expr", q.expr)
            w.member("hide", q.hide)
            w.member("queryType", "range")
            w.member("refId", q.refId ?? RefID.make(index))
        }
    }

    public static func thresholds(_ steps: [ThresholdStep], mode: ThresholdsMode) -> JSON {
        [
            "mode": .string(mode.rawValue),
            "steps": .array(
                steps.map { ["color": .string($0.color), "value": $0.value.map(JSON.number) ?? .null] }),
        ]
    }

    /// Threshold steps, a single green base step when there are none.
    static func thresholds(_ steps: [ThresholdStep]?, mode: ThresholdsMode, into w: inout JSONStream) {
        w.object { w in
            w.member("mode", mode.rawValue)
            w.array("steps") { w in
                guard let steps else {
                    w.element()
                    thresholdStep(color: "green", value: nil, into: &w)
                    return
                }
                steps.forEachInPlace { step in
                    w.element()
                    thresholdStep(color: step.pointee.color, value: step.pointee.value, into: &w)
                }
            }
        }
    }

    static func thresholdStep(color: String, value: Double?, into w: inout JSONStream) {
        w.object { w in
            w.member("color", color)
            w.key("value")
            if let value { w.number(value) } else { w.null() }
        }
    }

    static func mappingResult(_ r: MappingResult) -> JSON {
        var o = JSONObject()
        o.set("text", r.text)
        o.set("color", r.color)
        o.set("index", r.index)
        return o.json
    }

    static func mappingResult(_ r: MappingResult, into w: inout JSONStream) {
        w.object { w in
            w.member("color", r.color)
            w.member("index", r.index)
            w.member("text", r.text)
        }
    }

    static func mapping(_ m: ValueMappingSpec, into w: inout JSONStream) {
        w.object { w in
            w.key("options")
            switch m {
            case .value(let values):
                // The user's values are the keys: they are sorted as a tree's keys are.
                var options: [String: JSON] = [:]
                for (key, result) in values { options[key] = mappingResult(result) }
                w.value(.object(JSONMembers(options)))
            case .range(let from, let to, let result):
                w.object { w in
                    w.key("from")
                    if let from { w.number(from) } else { w.null() }
                    w.key("result")
                    mappingResult(result, into: &w)
                    w.key("to")
                    if let to { w.number(to) } else { w.null() }
                }
            case .regex(let pattern, let result):
                w.object { w in
                    w.member("pattern", pattern)
                    w.key("result")
                    mappingResult(result, into: &w)
                }
            case .special(let match, let result):
                w.object { w in
                    w.member("match", match.rawValue)
                    w.key("result")
                    mappingResult(result, into: &w)
                }
            }
            switch m {
            case .value: w.member("type", "value")
            case .range: w.member("type", "range")
            case .regex: w.member("type", "regex")
            case .special: w.member("type", "special")
            }
        }
    }

    static func override(_ o: OverrideSpec, into w: inout JSONStream) {
        let (id, options): (String, String?) =
            switch o.matcher {
            case .byName(let s): ("byName", s)
            case .byRegexp(let s): ("byRegexp", s)
            case .byFrameRefID(let s): ("byFrameRefID", s)
            case .byType(let s): ("byType", s)
            case .byNames: ("byNames", nil)
            }
        w.object { w in
            w.object("matcher") { w in
                w.member("id", id)
                if case .byNames(let names) = o.matcher {
                    w.object("options") { w in
                        w.member("mode", "include")
                        w.member("names", strings: names)
                    }
                } else {
                    w.member("options", options)
                }
            }
            w.array("properties", o.properties) { w, property in
                w.object { w in
                    w.member("id", property.id)
                    w.member("value", json: property.value)
                }
            }
        }
    }

    /// A panel's field defaults, from its field options `f` and its display options `p`.
    static func fieldDefaults(_ f: FieldOptions, _ p: PanelOptions, type: PanelType, into w: inout JSONStream) {
        let defaultColorMode: String =
            switch type {
            case .stat, .gauge, .bargauge, .table: "thresholds"
            case .stateTimeline: "continuous-GrYlRd"
            default: "palette-classic"
            }
        w.object { w in
            w.object("color") { w in
                w.member("fixedColor", f.color?.fixedColor)
                w.member("mode", f.color?.mode ?? defaultColorMode)
                w.member("seriesBy", f.color?.seriesBy)
            }
            custom(p, type: type, into: &w)
            w.member("decimals", f.decimals)
            w.member("displayName", f.displayName)
            if !f.links.isEmpty { w.array("links", f.links) { link($1, into: &$0) } }
            w.array("mappings", f.mappings) { mapping($1, into: &$0) }
            w.member("max", f.max)
            w.member("min", f.min)
            w.member("noValue", f.noValue)
            w.key("thresholds")
            thresholds(f.thresholds, mode: f.thresholdsMode, into: &w)
            w.member("unit", f.unit)
        }
    }

    static func hideFromNone(into w: inout JSONStream) {
        w.object("hideFrom") { w in
            w.member("legend", false)
            w.member("tooltip", false)
            w.member("viz", false)
        }
    }

    /// The `custom` member of the field defaults, for the panel types that have one.
    static func custom(_ p: PanelOptions, type: PanelType, into w: inout JSONStream) {
        switch type {
        case .timeseries:
            w.object("custom") { w in
                w.member("axisBorderShow", false)
                w.member("axisCenteredZero", false)
                w.member("axisColorMode", "text")
                w.member("axisLabel", p.axisLabel ?? "")
                w.member("axisPlacement", p.axisPlacement ?? "auto")
                w.member("axisSoftMax", p.axisSoftMax)
                w.member("axisSoftMin", p.axisSoftMin)
                w.member("barAlignment", 0)
                w.member("drawStyle", p.drawStyle ?? "line")
                w.member("fillOpacity", p.fillOpacity ?? 10)
                w.member("gradientMode", p.gradientMode ?? "none")
                hideFromNone(into: &w)
                w.member("insertNulls", false)
                w.member("lineInterpolation", p.lineInterpolation ?? "linear")
                w.member("lineWidth", p.lineWidth ?? 1)
                w.member("pointSize", p.pointSize ?? 5)
                w.object("scaleDistribution") { w in
                    w.member("log", p.logScale)
                    w.member("type", p.logScale == nil ? "linear" : "log")
                }
                w.member("showPoints", p.showPoints ?? "never")
                w.member("spanNulls", p.spanNulls ?? false)
                w.object("stacking") { w in
                    w.member("group", "A")
                    w.member("mode", p.stacking ?? "none")
                }
                w.object("thresholdsStyle") { w in
                    w.member("mode", p.thresholdsStyle ?? "off")
                }
            }
        case .table:
            w.object("custom") { w in
                w.member("align", p.align ?? "auto")
                // `{type: auto}` alone matches several of the schema's cell-option branches; Grafana's default is auto.
                if let cellType = p.cellType, cellType != "auto" {
                    w.member("cellOptions", json: OverrideProperty.cellType(cellType).value)
                }
                w.member("inspect", false)
            }
        case .heatmap:
            w.object("custom") { w in
                hideFromNone(into: &w)
                w.object("scaleDistribution") { w in
                    w.member("type", "linear")
                }
            }
        case .stateTimeline:
            w.object("custom") { w in
                w.member("fillOpacity", p.fillOpacity ?? 70)
                hideFromNone(into: &w)
                w.member("lineWidth", p.lineWidth ?? 0)
            }
        default:
            break
        }
    }

    static func legend(_ l: LegendOptions?, into w: inout JSONStream) {
        let legend = l ?? LegendOptions()
        w.object("legend") { w in
            w.member("calcs", strings: legend.calcs)
            w.member("displayMode", legend.mode == "hidden" ? "list" : legend.mode)
            w.member("placement", legend.placement)
            w.member("showLegend", legend.mode != "hidden")
        }
    }

    static func tooltip(_ t: TooltipOptions?, into w: inout JSONStream) {
        let tooltip = t ?? TooltipOptions()
        w.object("tooltip") { w in
            w.member("mode", tooltip.mode)
            w.member("sort", tooltip.sort)
        }
    }

    static func reduce(_ p: PanelOptions, into w: inout JSONStream) {
        w.object("reduceOptions") { w in
            w.member("calcs", strings: p.calcs ?? ["lastNotNull"])
            w.member("fields", p.fields ?? "")
            w.member("limit", p.limit)
            w.member("values", p.allValues ?? false)
        }
    }

    /// A panel's options, `p` being `spec.options`.
    static func options(_ spec: PanelSpec, _ p: PanelOptions, into w: inout JSONStream) {
        w.object { w in
            switch spec.type {
            case .timeseries:
                legend(p.legend, into: &w)
                tooltip(p.tooltip, into: &w)
            case .stat:
                w.member("colorMode", p.colorMode ?? "value")
                w.member("graphMode", p.graphMode ?? "area")
                w.member("justifyMode", p.justifyMode ?? "auto")
                w.member("orientation", p.orientation ?? "auto")
                w.member("percentChangeColorMode", "standard")
                reduce(p, into: &w)
                w.member("showPercentChange", p.showPercentChange ?? false)
                w.member("textMode", p.textMode ?? "auto")
                w.member("wideLayout", p.wideLayout ?? true)
            case .gauge:
                w.member("minVizHeight", 75)
                w.member("minVizWidth", 75)
                w.member("orientation", p.orientation ?? "auto")
                reduce(p, into: &w)
                w.member("showThresholdLabels", p.showThresholdLabels ?? false)
                w.member("showThresholdMarkers", p.showThresholdMarkers ?? true)
                w.member("sizing", "auto")
            case .bargauge:
                w.member("displayMode", p.displayMode ?? "gradient")
                legend(p.legend ?? LegendOptions(mode: "hidden"), into: &w)
                w.member("maxVizHeight", 300)
                w.member("minVizHeight", 16)
                w.member("minVizWidth", 8)
                w.member("namePlacement", p.namePlacement ?? "auto")
                w.member("orientation", p.orientation ?? "horizontal")
                reduce(p, into: &w)
                w.member("showUnfilled", p.showUnfilled ?? true)
                w.member("sizing", "auto")
                w.member("valueMode", p.valueMode ?? "color")
            case .table:
                w.member("cellHeight", p.cellHeight ?? "sm")
                if let footer = p.footer {
                    w.object("footer") { w in
                        w.member("countRows", false)
                        w.member("reducer", strings: footer)
                        w.member("show", true)
                    }
                }
                w.member("frameIndex", 0)
                w.member("showHeader", p.showHeader ?? true)
                if let sortBy = p.sortBy {
                    w.array("sortBy", sortBy) { w, sort in
                        w.object { w in
                            w.member("desc", sort.descending)
                            w.member("displayName", sort.field)
                        }
                    }
                }
            case .heatmap:
                heatmapOptions(p, unit: spec.field.unit, into: &w)
            case .stateTimeline:
                w.member("alignValue", p.alignValue ?? "left")
                legend(p.legend, into: &w)
                w.member("mergeValues", p.mergeValues ?? true)
                w.member("rowHeight", p.rowHeight ?? 0.9)
                w.member("showValue", p.showValue ?? "auto")
                tooltip(p.tooltip, into: &w)
            case .text:
                if p.mode == "code" {
                    w.object("code") { w in
                        w.member("language", p.codeLanguage ?? "plaintext")
                        w.member("showLineNumbers", false)
                        w.member("showMiniMap", false)
                    }
                }
                w.member("content", p.content ?? "")
                w.member("mode", p.mode ?? "markdown")
            case .logs:
                let logs = spec.logs ?? LogsPanelSpec()
                w.member("dedupStrategy", logs.dedup.rawValue)
                w.member("enableLogDetails", logs.details)
                w.member("prettifyLogMessage", logs.prettify)
                w.member("showCommonLabels", logs.showCommonLabels)
                w.member("showLabels", logs.showLabels)
                w.member("showTime", logs.showTime)
                w.member("sortOrder", logs.order.rawValue)
                w.member("wrapLogMessage", logs.wrapLines)
            case .alertlist:
                alertListOptions(spec.alertList ?? AlertListSpec(), into: &w)
            }
        }
    }

    /// The members of a heatmap's options; `unit` is the panel's, for the y axis unless the options name one.
    static func heatmapOptions(_ p: PanelOptions, unit: String?, into w: inout JSONStream) {
        w.member("calculate", p.calculate ?? false)
        w.member("cellGap", p.cellGap ?? 1)
        w.object("color") { w in
            w.member("exponent", p.colorExponent ?? 0.5)
            w.member("fill", "dark-orange")
            w.member("mode", p.colorScheme == nil && p.colorScale == nil ? "opacity" : "scheme")
            w.member("reverse", false)
            w.member("scale", p.colorScale ?? "exponential")
            w.member("scheme", p.colorScheme ?? "Oranges")
            w.member("steps", p.colorSteps ?? 64)
        }
        w.object("exemplars") { w in
            w.member("color", p.exemplarColor ?? "rgba(255,0,255,0.7)")
        }
        w.object("filterValues") { w in
            w.member("le", 1e-9)
        }
        w.object("legend") { w in
            w.member("show", p.showLegend ?? true)
        }
        w.object("rowsFrame") { w in
            w.member("layout", p.rowsLayout ?? "auto")
        }
        w.member("selectionMode", "x")
        w.member("showValue", "never")
        w.object("tooltip") { w in
            w.member("mode", p.tooltip?.mode ?? "single")
            w.member("showColorScale", false)
            w.member("yHistogram", p.yHistogram ?? false)
        }
        w.object("yAxis") { w in
            w.member("axisPlacement", "left")
            w.member("reverse", false)
            w.member("unit", p.yAxisUnit ?? unit)
        }
    }

    /// The members of an alert list's options.
    static func alertListOptions(_ list: AlertListSpec, into w: inout JSONStream) {
        w.member("alertInstanceLabelFilter", list.labelFilter)
        w.member("alertName", list.alertName)
        w.member("dashboardAlerts", false)
        if list.folderUID != nil || list.folderTitle != nil {
            w.object("folder") { w in
                w.member("title", list.folderTitle)
                w.member("uid", list.folderUID)
            }
        }
        w.member("groupBy", strings: list.groupBy)
        w.member("groupMode", list.groupBy.isEmpty ? "default" : "custom")
        w.member("maxItems", list.limit)
        w.member("showInstances", list.showInstances)
        w.member("sortOrder", list.sort.code)
        // The states' names are sorted as a tree's keys are.
        var states = JSONObject()
        for state in AlertListSpec.State.allCases { states[state.rawValue] = .bool(list.states.contains(state)) }
        w.member("stateFilter", json: states.json)
        w.member("viewMode", "list")
    }
}

extension Array {
    /// Calls `body` with each element in turn, by reference. An element passed on from there is not copied, where
    /// one read by iterating, subscripting or through a pointer is copied (retaining every string and array it
    /// holds) before a call that may write memory. The access is mutating, so an array that shares its storage
    /// copies it first, as any mutation does.
    fileprivate mutating func forEachInout(_ body: (inout Element) -> Void) {
        withUnsafeMutableBufferPointer { buffer in
            for i in buffer.indices { body(&buffer[i]) }
        }
    }
}

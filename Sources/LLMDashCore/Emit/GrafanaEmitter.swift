/// Emits Grafana's classic dashboard JSON. Every schema-required field is written, instance noise
/// (id, version, iteration, pluginVersion) never is.
public enum GrafanaEmitter {
    public static let defaultSchemaVersion = 42

    public static func dashboard(_ resolved: ResolvedDashboard, schemaVersion: Int = defaultSchemaVersion) -> JSON {
        let spec = resolved.spec
        var d = JSONObject()
        d["uid"] = .string(spec.uid)
        d["title"] = .string(spec.title)
        d.set("description", spec.description)
        d["tags"] = .array(spec.tags.map(JSON.string))
        d["timezone"] = .string(spec.timezone)
        d.set("weekStart", spec.weekStart)
        d["editable"] = .bool(spec.editable)
        d["graphTooltip"] = .int(spec.graphTooltip.code)
        d["liveNow"] = .bool(spec.liveNow)
        d["fiscalYearStartMonth"] = 0
        d["refresh"] = .string(spec.refresh)
        d["schemaVersion"] = .int(schemaVersion)
        d["time"] = ["from": .string(spec.time.from), "to": .string(spec.time.to)]
        var picker = JSONObject()
        if let intervals = spec.refreshIntervals { picker["refresh_intervals"] = .array(intervals.map(JSON.string)) }
        d["timepicker"] = picker.json
        d["templating"] = ["list": .array(spec.variables.map { variable($0, resolved) })]
        d["annotations"] = ["list": .array([builtInAnnotation] + spec.annotations.map { annotation($0, resolved) })]
        d["links"] = .array(spec.links.map { link($0, dashboardLink: true) })

        var panels: [JSON] = resolved.panels.map { panel($0, resolved) }
        for row in resolved.rows {
            let children = row.panels.map { panel($0, resolved) }
            var r = JSONObject()
            r["type"] = "row"
            r["id"] = .int(row.id)
            r["title"] = .string(row.spec.title)
            r["collapsed"] = .bool(row.spec.collapsed)
            r["gridPos"] = grid(row.grid)
            r.set("repeat", row.spec.repeatVariable)
            r["panels"] = .array(row.spec.collapsed ? children : [])
            panels.append(row.spec.grafana.map { r.json.applying(patch: $0) } ?? r.json)
            if !row.spec.collapsed { panels += children }
        }
        d["panels"] = .array(panels)
        if let patch = spec.grafana { return d.json.applying(patch: patch) }
        return d.json
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

    static func datasource(_ uid: String, type: String = "prometheus") -> JSON {
        ["type": .string(type), "uid": .string(uid)]
    }

    static func grid(_ g: GridPos) -> JSON { ["x": .int(g.x), "y": .int(g.y), "w": .int(g.w), "h": .int(g.h)] }

    // MARK: Variables, annotations, links

    static func variable(_ v: VariableSpec, _ resolved: ResolvedDashboard) -> JSON {
        var o = JSONObject()
        o["type"] = .string(v.kind.rawValue)
        o["name"] = .string(v.name)
        o.set("label", v.label)
        o.set("description", v.description)
        o["hide"] = .int(v.hide.code)
        o["skipUrlSync"] = false
        switch v.kind {
        case .datasource:
            o["query"] = .string(v.query)
            o["regex"] = .string(v.regex ?? "")
            o["refresh"] = 1
            o["multi"] = false
            o["includeAll"] = false
            o["options"] = []
            let current = v.current ?? "default"
            o["current"] = ["text": .string(current), "value": .string(current)]
        case .query:
            o["datasource"] = datasource(v.datasource ?? resolved.datasourceUID)
            o["query"] = [
                "qryType": 1, "query": .string(v.query), "refId": "PrometheusVariableQueryEditor-VariableQuery",
            ]
            o["definition"] = .string(v.query)
            o["refresh"] = .int(v.refresh.code)
            o["sort"] = .int(v.sort.code)
            o["regex"] = .string(v.regex ?? "")
            o["multi"] = .bool(v.multi)
            o["includeAll"] = .bool(v.includeAll)
            o.set("allValue", v.allValue ?? (v.includeAll ? ".*" : nil))
            o["options"] = []
            if let current = v.current {
                o["current"] = ["text": .string(current), "value": .string(current)]
            } else if v.includeAll {
                o["current"] = ["text": ["All"], "value": ["$__all"]]
            } else {
                o["current"] = ["text": "", "value": ""]
            }
        case .custom, .interval:
            o["query"] = .string(v.values.joined(separator: ","))
            var options: [JSON] = []
            var all = v.values
            if v.kind == .interval, v.auto { all.insert("auto", at: 0) }
            let current = v.current ?? (v.includeAll ? "All" : all.first ?? "")
            if v.includeAll {
                options.append(["selected": .bool(current == "All"), "text": "All", "value": "$__all"])
            }
            for value in all {
                options.append(["selected": .bool(value == current), "text": .string(value), "value": .string(value)])
            }
            o["options"] = .array(options)
            let currentValue = current == "All" && v.includeAll ? "$__all" : current
            o["current"] = ["text": .string(current), "value": .string(currentValue)]
            if v.kind == .custom {
                o["multi"] = .bool(v.multi)
                o["includeAll"] = .bool(v.includeAll)
                o.set("allValue", v.allValue)
            } else {
                o["auto"] = .bool(v.auto)
                o["auto_count"] = 30
                o["auto_min"] = "10s"
                o["refresh"] = 2
            }
        case .constant, .textbox:
            o["query"] = .string(v.query)
            o["current"] = ["text": .string(v.query), "value": .string(v.query)]
            o["options"] = [["selected": true, "text": .string(v.query), "value": .string(v.query)]]
        }
        return o.json
    }

    static func annotation(_ a: AnnotationSpec, _ resolved: ResolvedDashboard) -> JSON {
        var o = JSONObject()
        o["name"] = .string(a.name)
        o["datasource"] = datasource(a.datasource ?? resolved.datasourceUID)
        o["enable"] = .bool(a.enable)
        o["hide"] = .bool(a.hide)
        o["iconColor"] = .string(a.iconColor)
        o["expr"] = .string(a.expr)
        o.set("step", a.step)
        o.set("titleFormat", a.titleFormat)
        o.set("textFormat", a.textFormat)
        if !a.tagKeys.isEmpty { o["tagKeys"] = .string(a.tagKeys.joined(separator: ",")) }
        o["useValueForTime"] = .bool(a.useValueForTime)
        return o.json
    }

    /// Dashboard, panel and data links share Grafana's strict `DashboardLink` shape.
    static func link(_ l: LinkSpec, dashboardLink: Bool) -> JSON {
        var o = JSONObject()
        o["title"] = .string(l.title)
        o["type"] = .string(l.url == nil ? "dashboards" : "link")
        o.set("url", l.url)
        o["icon"] = .string(l.icon ?? (l.url == nil ? "external link" : "external link"))
        o["tooltip"] = .string(l.tooltip)
        o["tags"] = .array(l.tags.map(JSON.string))
        o["asDropdown"] = .bool(l.asDropdown)
        o["targetBlank"] = .bool(l.targetBlank)
        o["includeVars"] = .bool(l.includeVars)
        o["keepTime"] = .bool(l.keepTime)
        return o.json
    }

    // MARK: Panels

    static func panel(_ p: ResolvedPanel, _ resolved: ResolvedDashboard) -> JSON {
        let spec = p.spec
        if spec.isRawGrafana, let body = spec.grafana {
            var patch: [String: JSON] = [:]
            if case .none = body["id"] { patch["id"] = .int(p.id) }
            if case .none = body["gridPos"] { patch["gridPos"] = grid(p.grid) }
            return body.applying(patch: .object(JSONMembers(patch)))
        }
        return panelBody(p, resolved).applying(patch: spec.grafana ?? .object([:]))
    }

    static func panelBody(_ p: ResolvedPanel, _ resolved: ResolvedDashboard) -> JSON {
        let spec = p.spec
        var o = JSONObject()
        o["type"] = .string(spec.type.rawValue)
        o["id"] = .int(p.id)
        o["title"] = .string(spec.title)
        o.set("description", spec.description)
        o["gridPos"] = grid(p.grid)
        let ds = spec.datasource ?? resolved.datasourceUID
        switch spec.type {
        case .text, .alertlist:
            break
        case .logs:
            o["datasource"] = datasource(ds, type: "loki")
            o["targets"] = .array(
                (spec.logs?.queries ?? []).enumerated().map { logTarget($1, index: $0, datasource: ds) })
        default:
            o["datasource"] = datasource(ds)
            o["targets"] = .array(
                spec.queries.enumerated().map { target($1, index: $0, panelType: spec.type, datasource: ds) })
        }
        if spec.type == .logs || spec.type == .alertlist {
            o["fieldConfig"] = ["defaults": [:], "overrides": []]
        } else {
            o["fieldConfig"] = ["defaults": fieldDefaults(spec), "overrides": .array(spec.overrides.map(override))]
        }
        o["options"] = options(spec)
        if !spec.links.isEmpty { o["links"] = .array(spec.links.map { link($0, dashboardLink: false) }) }
        if !spec.transformations.isEmpty {
            o["transformations"] = .array(spec.transformations.map { ["id": .string($0.id), "options": $0.options] })
        }
        o.set("interval", spec.interval)
        o.set("maxDataPoints", spec.maxDataPoints)
        o.set("timeFrom", spec.timeFrom)
        o.set("timeShift", spec.timeShift)
        o.set("hideTimeOverride", spec.hideTimeOverride)
        o.set("transparent", spec.transparent)
        o.set("repeat", spec.repeatVariable)
        if spec.repeatVariable != nil { o["repeatDirection"] = .string(spec.repeatDirection ?? "h") }
        o.set("maxPerRow", spec.maxPerRow)
        return o.json
    }

    static func target(_ q: QuerySpec, index: Int, panelType: PanelType, datasource ds: String) -> JSON {
        var o = JSONObject()
        o["refId"] = .string(q.refId ?? RefID.make(index))
        o["datasource"] = datasource(q.datasource ?? ds)
        o["editorMode"] = "code"
        o["expr"] = .string(q.expr)
        o["legendFormat"] = .string(q.legend ?? (panelType == .heatmap ? "{{le}}" : "__auto"))
        let instant = q.instant ?? (panelType == .table)
        o["instant"] = .bool(instant)
        o["range"] = .bool(!instant)
        let format: QuerySpec.Format =
            q.format ?? (panelType == .heatmap ? .heatmap : panelType == .table ? .table : .timeSeries)
        o["format"] = .string(format.rawValue)
        o.set("interval", q.interval)
        o.set("exemplar", q.exemplar)
        o.set("hide", q.hide)
        return o.json
    }

    /// A Loki target: the LogQL as written, over the panel's time range.
    static func logTarget(_ q: QuerySpec, index: Int, datasource ds: String) -> JSON {
        var o = JSONObject()
        o["refId"] = .string(q.refId ?? RefID.make(index))
        o["datasource"] = datasource(q.datasource ?? ds, type: "loki")
        o["editorMode"] = "code"
        o["expr"] = .string(q.expr)
        o["queryType"] = "range"
        o.set("hide", q.hide)
        return o.json
    }

    public static func thresholds(_ steps: [ThresholdStep], mode: ThresholdsMode) -> JSON {
        [
            "mode": .string(mode.rawValue),
            "steps": .array(
                steps.map { ["color": .string($0.color), "value": $0.value.map(JSON.number) ?? .null] }),
        ]
    }

    static func mappingResult(_ r: MappingResult) -> JSON {
        var o = JSONObject()
        o.set("text", r.text)
        o.set("color", r.color)
        o.set("index", r.index)
        return o.json
    }

    static func mapping(_ m: ValueMappingSpec) -> JSON {
        switch m {
        case .value(let values):
            var options: [String: JSON] = [:]
            for (key, result) in values { options[key] = mappingResult(result) }
            return ["type": "value", "options": .object(JSONMembers(options))]
        case .range(let from, let to, let result):
            var o = JSONObject()
            o["from"] = from.map(JSON.number) ?? .null
            o["to"] = to.map(JSON.number) ?? .null
            o["result"] = mappingResult(result)
            return ["type": "range", "options": o.json]
        case .regex(let pattern, let result):
            return ["type": "regex", "options": ["pattern": .string(pattern), "result": mappingResult(result)]]
        case .special(let match, let result):
            return ["type": "special", "options": ["match": .string(match.rawValue), "result": mappingResult(result)]]
        }
    }

    static func override(_ o: OverrideSpec) -> JSON {
        let matcher: JSON =
            switch o.matcher {
            case .byName(let s): ["id": "byName", "options": .string(s)]
            case .byRegexp(let s): ["id": "byRegexp", "options": .string(s)]
            case .byFrameRefID(let s): ["id": "byFrameRefID", "options": .string(s)]
            case .byType(let s): ["id": "byType", "options": .string(s)]
            case .byNames(let names):
                ["id": "byNames", "options": ["mode": "include", "names": .array(names.map(JSON.string))]]
            }
        return [
            "matcher": matcher, "properties": .array(o.properties.map { ["id": .string($0.id), "value": $0.value] }),
        ]
    }

    static func fieldDefaults(_ spec: PanelSpec) -> JSON {
        let f = spec.field
        var o = JSONObject()
        o.set("unit", f.unit)
        o.set("decimals", f.decimals)
        o.set("min", f.min)
        o.set("max", f.max)
        o.set("displayName", f.displayName)
        o.set("noValue", f.noValue)
        let defaultColorMode: String =
            switch spec.type {
            case .stat, .gauge, .bargauge, .table: "thresholds"
            case .stateTimeline: "continuous-GrYlRd"
            default: "palette-classic"
            }
        let color = f.color ?? ColorSpec(mode: defaultColorMode)
        var c = JSONObject()
        c["mode"] = .string(color.mode)
        c.set("fixedColor", color.fixedColor)
        c.set("seriesBy", color.seriesBy)
        o["color"] = c.json
        o["thresholds"] = thresholds(f.thresholds ?? [ThresholdStep("green")], mode: f.thresholdsMode)
        o["mappings"] = .array(f.mappings.map(mapping))
        if !f.links.isEmpty { o["links"] = .array(f.links.map { link($0, dashboardLink: false) }) }
        if let custom = custom(spec) { o["custom"] = custom }
        return o.json
    }

    static let hideFromNone: JSON = ["legend": false, "tooltip": false, "viz": false]

    static func custom(_ spec: PanelSpec) -> JSON? {
        let p = spec.options
        switch spec.type {
        case .timeseries:
            var o = JSONObject()
            o["drawStyle"] = .string(p.drawStyle ?? "line")
            o["lineWidth"] = .int(p.lineWidth ?? 1)
            o["fillOpacity"] = .int(p.fillOpacity ?? 10)
            o["gradientMode"] = .string(p.gradientMode ?? "none")
            o["lineInterpolation"] = .string(p.lineInterpolation ?? "linear")
            o["showPoints"] = .string(p.showPoints ?? "never")
            o["pointSize"] = .int(p.pointSize ?? 5)
            o["spanNulls"] = .bool(p.spanNulls ?? false)
            o["insertNulls"] = false
            o["barAlignment"] = 0
            o["stacking"] = ["mode": .string(p.stacking ?? "none"), "group": "A"]
            o["axisPlacement"] = .string(p.axisPlacement ?? "auto")
            o["axisLabel"] = .string(p.axisLabel ?? "")
            o["axisColorMode"] = "text"
            o["axisBorderShow"] = false
            o["axisCenteredZero"] = false
            o.set("axisSoftMin", p.axisSoftMin)
            o.set("axisSoftMax", p.axisSoftMax)
            if let log = p.logScale {
                o["scaleDistribution"] = ["type": "log", "log": .int(log)]
            } else {
                o["scaleDistribution"] = ["type": "linear"]
            }
            o["thresholdsStyle"] = ["mode": .string(p.thresholdsStyle ?? "off")]
            o["hideFrom"] = hideFromNone
            return o.json
        case .table:
            var o = JSONObject()
            o["align"] = .string(p.align ?? "auto")
            o["inspect"] = false
            // `{type: auto}` alone matches several of the schema's cell-option branches; Grafana's default is auto.
            if let cellType = p.cellType, cellType != "auto" {
                o["cellOptions"] = OverrideProperty.cellType(cellType).value
            }
            return o.json
        case .heatmap:
            return ["hideFrom": hideFromNone, "scaleDistribution": ["type": "linear"]]
        case .stateTimeline:
            return [
                "lineWidth": .int(p.lineWidth ?? 0), "fillOpacity": .int(p.fillOpacity ?? 70), "hideFrom": hideFromNone,
            ]
        case .bargauge:
            return nil
        default:
            return nil
        }
    }

    static func legend(_ l: LegendOptions?, show: Bool = true) -> JSON {
        let legend = l ?? LegendOptions()
        return [
            "displayMode": .string(legend.mode == "hidden" ? "list" : legend.mode),
            "placement": .string(legend.placement),
            "showLegend": .bool(legend.mode != "hidden"),
            "calcs": .array(legend.calcs.map(JSON.string)),
        ]
    }

    static func tooltip(_ t: TooltipOptions?) -> JSON {
        let tooltip = t ?? TooltipOptions()
        return ["mode": .string(tooltip.mode), "sort": .string(tooltip.sort)]
    }

    static func reduce(_ p: PanelOptions) -> JSON {
        var o = JSONObject()
        o["calcs"] = .array((p.calcs ?? ["lastNotNull"]).map(JSON.string))
        o["fields"] = .string(p.fields ?? "")
        o["values"] = .bool(p.allValues ?? false)
        o.set("limit", p.limit)
        return o.json
    }

    static func options(_ spec: PanelSpec) -> JSON {
        let p = spec.options
        switch spec.type {
        case .timeseries:
            return ["legend": legend(p.legend), "tooltip": tooltip(p.tooltip)]
        case .stat:
            return [
                "reduceOptions": reduce(p),
                "colorMode": .string(p.colorMode ?? "value"),
                "graphMode": .string(p.graphMode ?? "area"),
                "justifyMode": .string(p.justifyMode ?? "auto"),
                "textMode": .string(p.textMode ?? "auto"),
                "orientation": .string(p.orientation ?? "auto"),
                "wideLayout": .bool(p.wideLayout ?? true),
                "showPercentChange": .bool(p.showPercentChange ?? false),
                "percentChangeColorMode": "standard",
            ]
        case .gauge:
            return [
                "reduceOptions": reduce(p),
                "orientation": .string(p.orientation ?? "auto"),
                "showThresholdMarkers": .bool(p.showThresholdMarkers ?? true),
                "showThresholdLabels": .bool(p.showThresholdLabels ?? false),
                "sizing": "auto",
                "minVizWidth": 75,
                "minVizHeight": 75,
            ]
        case .bargauge:
            return [
                "reduceOptions": reduce(p),
                "orientation": .string(p.orientation ?? "horizontal"),
                "displayMode": .string(p.displayMode ?? "gradient"),
                "valueMode": .string(p.valueMode ?? "color"),
                "namePlacement": .string(p.namePlacement ?? "auto"),
                "showUnfilled": .bool(p.showUnfilled ?? true),
                "sizing": "auto",
                "minVizWidth": 8,
                "minVizHeight": 16,
                "maxVizHeight": 300,
                "legend": legend(p.legend ?? LegendOptions(mode: "hidden")),
            ]
        case .table:
            var o = JSONObject()
            o["showHeader"] = .bool(p.showHeader ?? true)
            o["frameIndex"] = 0
            o["cellHeight"] = .string(p.cellHeight ?? "sm")
            if let sortBy = p.sortBy {
                o["sortBy"] = .array(sortBy.map { ["displayName": .string($0.field), "desc": .bool($0.descending)] })
            }
            if let footer = p.footer {
                o["footer"] = [
                    "show": true, "reducer": .array(footer.map(JSON.string)), "countRows": false,
                ]
            }
            return o.json
        case .heatmap:
            var color = JSONObject()
            color["mode"] = .string(p.colorScheme == nil && p.colorScale == nil ? "opacity" : "scheme")
            color["scheme"] = .string(p.colorScheme ?? "Oranges")
            color["fill"] = "dark-orange"
            color["scale"] = .string(p.colorScale ?? "exponential")
            color["exponent"] = .number(p.colorExponent ?? 0.5)
            color["steps"] = .int(p.colorSteps ?? 64)
            color["reverse"] = false
            var yAxis = JSONObject()
            yAxis["axisPlacement"] = "left"
            yAxis["reverse"] = false
            yAxis.set("unit", p.yAxisUnit ?? spec.field.unit)
            return [
                "calculate": .bool(p.calculate ?? false),
                "color": color.json,
                "cellGap": .int(p.cellGap ?? 1),
                "rowsFrame": ["layout": .string(p.rowsLayout ?? "auto")],
                "yAxis": yAxis.json,
                "showValue": "never",
                "legend": ["show": .bool(p.showLegend ?? true)],
                "tooltip": [
                    "mode": .string(p.tooltip?.mode ?? "single"), "yHistogram": .bool(p.yHistogram ?? false),
                    "showColorScale": false,
                ],
                "exemplars": ["color": .string(p.exemplarColor ?? "rgba(255,0,255,0.7)")],
                "filterValues": ["le": 1e-9],
                "selectionMode": "x",
            ]
        case .stateTimeline:
            return [
                "showValue": .string(p.showValue ?? "auto"),
                "rowHeight": .number(p.rowHeight ?? 0.9),
                "mergeValues": .bool(p.mergeValues ?? true),
                "alignValue": .string(p.alignValue ?? "left"),
                "legend": legend(p.legend),
                "tooltip": tooltip(p.tooltip),
            ]
        case .text:
            var o = JSONObject()
            o["mode"] = .string(p.mode ?? "markdown")
            o["content"] = .string(p.content ?? "")
            if p.mode == "code" {
                o["code"] = [
                    "language": .string(p.codeLanguage ?? "plaintext"), "showLineNumbers": false,
                    "showMiniMap": false,
                ]
            }
            return o.json
        case .logs:
            let logs = spec.logs ?? LogsPanelSpec()
            return [
                "showTime": .bool(logs.showTime),
                "showLabels": .bool(logs.showLabels),
                "showCommonLabels": .bool(logs.showCommonLabels),
                "wrapLogMessage": .bool(logs.wrapLines),
                "prettifyLogMessage": .bool(logs.prettify),
                "enableLogDetails": .bool(logs.details),
                "sortOrder": .string(logs.order.rawValue),
                "dedupStrategy": .string(logs.dedup.rawValue),
            ]
        case .alertlist:
            let list = spec.alertList ?? AlertListSpec()
            var o = JSONObject()
            o["viewMode"] = "list"
            o["groupMode"] = .string(list.groupBy.isEmpty ? "default" : "custom")
            o["groupBy"] = .array(list.groupBy.map(JSON.string))
            o["maxItems"] = .int(list.limit)
            o["sortOrder"] = .int(list.sort.code)
            o["dashboardAlerts"] = false
            o["alertName"] = .string(list.alertName)
            o["alertInstanceLabelFilter"] = .string(list.labelFilter)
            o["showInstances"] = .bool(list.showInstances)
            var states = JSONObject()
            for state in AlertListSpec.State.allCases { states[state.rawValue] = .bool(list.states.contains(state)) }
            o["stateFilter"] = states.json
            if list.folderUID != nil || list.folderTitle != nil {
                var folder = JSONObject()
                folder.set("uid", list.folderUID)
                folder.set("title", list.folderTitle)
                o["folder"] = folder.json
            }
            return o.json
        }
    }
}

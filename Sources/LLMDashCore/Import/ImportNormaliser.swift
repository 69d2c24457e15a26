/// Brings a dashboard of any schema version into the shape llmdash emits (schema 42): row panels on the grid,
/// current panel types, datasources as `{type, uid}`, unique panel ids, no instance noise.
struct Normaliser {
    let path: String
    let locations: JSONLocations?
    var diagnostics: [Diagnostic] = []

    static let noise = ["id", "version", "iteration", "__inputs", "__requires", "__elements"]

    func location(_ jsonPath: String) -> SourceLocation {
        locations?.location(of: jsonPath) ?? SourceLocation(file: path, line: 1, column: 1)
    }

    mutating func dashboard(_ json: JSON) -> JSON {
        var d = json.objectValue ?? [:]
        for key in Self.noise { d[key] = nil }
        var panels: [(JSON, String)]
        if let rows = d["rows"]?.arrayValue, (d["panels"]?.arrayValue ?? []).isEmpty {
            panels = gridFromRows(rows)
            diagnostics.append(
                .warning(
                    "import.old-rows", "old-style rows became row panels on the 24-column grid", at: location("rows"),
                    notes: ["a row's span-based widths and pixel height are converted to grid units"]))
        } else {
            panels = (d["panels"]?.arrayValue ?? []).enumerated().map { ($1, "panels[\($0)]") }
        }
        d["rows"] = nil
        // (`JSON` is nil-literal expressible: filter first rather than map to `nil`.)
        var converted = panels.filter { keep($0.0, at: $0.1) }.map { panel($0.0, at: $0.1) }
        assignIDs(&converted)
        d["panels"] = .array(converted)
        if var templating = d["templating"]?.objectValue, let list = templating["list"]?.arrayValue {
            templating["list"] = .array(
                list.map { v in
                    var o = v.objectValue ?? [:]
                    if let ds = o["datasource"] { o["datasource"] = datasource(ds) }
                    return .object(JSONMembers(o))
                })
            d["templating"] = .object(JSONMembers(templating))
        }
        return JSON.object(JSONMembers(d)).withoutNullMembers
    }

    /// Schema < 16: `rows: [{title, height, collapse, showTitle, panels: [{span}]}]` laid out on the grid.
    func gridFromRows(_ rows: [JSON]) -> [(JSON, String)] {
        var out: [(JSON, String)] = []
        var y = 0
        for (r, row) in rows.enumerated() {
            let collapsed = row["collapse"] == .bool(true)
            let showTitle = row["showTitle"] == .bool(true) || rows.count > 1
            let height = Self.gridHeight(row["height"])
            var children: [(JSON, String)] = []
            var rowY = y
            if showTitle { rowY += 1 }
            var x = 0
            var lineY = rowY
            for (i, panel) in (row["panels"]?.arrayValue ?? []).enumerated() {
                var p = panel.objectValue ?? [:]
                let span = p["span"]?.numberValue ?? 12
                let w = span.isFinite ? Int((min(max(span, 0.5), 12) * 2).rounded()) : 24
                if x + w > 24 {
                    x = 0
                    lineY += height
                }
                let h = p["height"].map { Self.gridHeight($0) } ?? height
                p["gridPos"] = ["x": .int(x), "y": .int(lineY), "w": .int(w), "h": .int(h)]
                p["span"] = nil
                p["height"] = nil
                x += w
                children.append((.object(JSONMembers(p)), "rows[\(r)].panels[\(i)]"))
            }
            let bottom = children.isEmpty ? rowY : lineY + height
            if showTitle {
                var header: [String: JSON] = [
                    "type": "row", "title": row["title"] ?? "", "collapsed": .bool(collapsed),
                    "gridPos": ["x": 0, "y": .int(y), "w": 24, "h": 1],
                ]
                if let repeatVariable = row["repeat"] { header["repeat"] = repeatVariable }
                if collapsed {
                    header["panels"] = .array(children.map(\.0))
                    out.append((.object(JSONMembers(header)), "rows[\(r)]"))
                    y += 1
                    continue
                }
                header["panels"] = []
                out.append((.object(JSONMembers(header)), "rows[\(r)]"))
            }
            out += children
            y = bottom
        }
        return out
    }

    /// `"250px"` or 250 → grid units of 30 px (Grafana's cell height), at least 1.
    static func gridHeight(_ value: JSON?) -> Int {
        var pixels = 250.0
        if let n = value?.numberValue { pixels = n }
        if let s = value?.stringValue, let n = Double(s.hasSuffix("px") ? String(s.dropLast(2)) : s) { pixels = n }
        guard pixels.isFinite else { return 8 }
        return Int(min(max(pixels / 30, 1), 1000).rounded(.up))
    }

    /// Entries that are not panels (no object, no type) are left out, with a warning.
    mutating func keep(_ json: JSON, at jsonPath: String) -> Bool {
        guard case .object = json else {
            diagnostics.append(
                .warning("import.not-a-panel", "left out: a panel must be an object", at: location(jsonPath)))
            return false
        }
        guard let type = json["type"]?.stringValue, !type.isEmpty else {
            diagnostics.append(
                .warning("import.not-a-panel", "left out: a panel without a 'type'", at: location(jsonPath)))
            return false
        }
        return true
    }

    mutating func panel(_ json: JSON, at jsonPath: String) -> JSON {
        var p = json.objectValue ?? [:]
        p["pluginVersion"] = nil
        if let ds = p["datasource"] { p["datasource"] = datasource(ds) }
        if var targets = p["targets"]?.arrayValue {
            for i in targets.indices {
                guard var t = targets[i].objectValue, let ds = t["datasource"] else { continue }
                t["datasource"] = datasource(ds)
                targets[i] = .object(JSONMembers(t))
            }
            p["targets"] = .array(targets)
        }
        switch p["type"]?.stringValue {
        case "graph": graphToTimeseries(&p, at: jsonPath)
        case "singlestat": singlestatToStat(&p, at: jsonPath)
        case "row":
            if let children = p["panels"]?.arrayValue {
                let kept = children.enumerated().map { ($1, jsonPath + ".panels[\($0)]") }.filter {
                    keep($0.0, at: $0.1)
                }
                p["panels"] = .array(kept.map { panel($0.0, at: $0.1) })
            }
        default: break
        }
        return .object(JSONMembers(p))
    }

    /// A datasource named by a string (schema < 33) becomes `{type, uid}`; a variable stays a variable.
    func datasource(_ value: JSON) -> JSON {
        guard let name = value.stringValue else { return value }
        if name == "-- Grafana --" { return ["type": "grafana", "uid": "grafana"] }
        if name == "-- Mixed --" { return ["type": "datasource", "uid": "-- Mixed --"] }
        return ["type": "prometheus", "uid": .string(name)]
    }

    static let graphOnly = [
        "aliasColors", "bars", "dashLength", "dashes", "fill", "fillGradient", "hiddenSeries", "legend", "lines",
        "linewidth", "nullPointMode", "percentage", "pointradius", "points", "renderer", "seriesOverrides",
        "spaceLength", "stack", "steppedLine", "thresholds", "timeRegions", "tooltip", "xaxis", "yaxes", "yaxis",
        "options",
    ]

    mutating func graphToTimeseries(_ p: inout [String: JSON], at jsonPath: String) {
        var defaults = p["fieldConfig"]?["defaults"]?.objectValue ?? [:]
        var custom = defaults["custom"]?.objectValue ?? [:]
        if let axis = p["yaxes"]?.arrayValue?.first {
            if let format = axis["format"]?.stringValue { defaults["unit"] = .string(format) }
            for bound in ["min", "max"] {
                if let v = axis[bound], let n = v.numberValue ?? v.stringValue.flatMap(Double.init) {
                    defaults[bound] = .number(n)
                }
            }
        }
        if let fill = p["fill"]?.numberValue { custom["fillOpacity"] = .number(fill * 10) }
        if let width = p["linewidth"]?.numberValue { custom["lineWidth"] = .number(width) }
        if p["bars"] == .bool(true) { custom["drawStyle"] = "bars" }
        if p["points"] == .bool(true) { custom["showPoints"] = "always" }
        if p["stack"] == .bool(true) {
            custom["stacking"] = ["mode": p["percentage"] == .bool(true) ? "percent" : "normal", "group": "A"]
        }
        if !custom.isEmpty { defaults["custom"] = .object(JSONMembers(custom)) }
        var options: [String: JSON] = [:]
        if let legend = p["legend"] {
            let calcs: [(String, String)] = [
                ("avg", "mean"), ("min", "min"), ("max", "max"), ("current", "lastNotNull"), ("total", "sum"),
            ]
            options["legend"] = [
                "showLegend": .bool(legend["show"] != .bool(false)),
                "displayMode": legend["alignAsTable"] == .bool(true) ? "table" : "list",
                "placement": legend["rightSide"] == .bool(true) ? "right" : "bottom",
                "calcs": .array(calcs.filter { legend[$0.0] == .bool(true) }.map { .string($0.1) }),
            ]
        }
        if let tooltip = p["tooltip"] {
            let sort = tooltip["sort"]?.numberValue ?? 0
            options["tooltip"] = [
                "mode": tooltip["shared"] == .bool(false) ? "single" : "multi",
                "sort": sort == 1 ? "asc" : sort == 2 ? "desc" : "none",
            ]
        }
        let dropped = Self.graphOnly.filter {
            p.keys.contains($0) && !["legend", "tooltip", "yaxes", "fill", "linewidth", "bars", "stack"].contains($0)
        }
        for key in Self.graphOnly { p[key] = nil }
        p["type"] = "timeseries"
        p["options"] = .object(JSONMembers(options))
        p["fieldConfig"] = [
            "defaults": .object(JSONMembers(defaults)), "overrides": p["fieldConfig"]?["overrides"] ?? [],
        ]
        diagnostics.append(
            .warning(
                "import.graph-panel",
                "graph panel '\(p["title"]?.stringValue ?? "")' became a timeseries panel, as Grafana migrates it",
                at: location(jsonPath + ".type"),
                notes: dropped.isEmpty
                    ? ["its unit, axis bounds, legend, tooltip, fill, line width and stacking carry over"]
                    : ["graph-only settings not carried over: " + dropped.joined(separator: ", ")]))
    }

    static let singlestatOnly = [
        "cacheTimeout", "colorBackground", "colorValue", "colors", "format", "gauge", "mappingType", "mappingTypes",
        "nullPointMode", "nullText", "postfix", "postfixFontSize", "prefix", "prefixFontSize", "rangeMaps",
        "sparkline", "tableColumn", "thresholds", "valueFontSize", "valueMaps", "valueName", "decimals", "options",
    ]

    mutating func singlestatToStat(_ p: inout [String: JSON], at jsonPath: String) {
        var defaults = p["fieldConfig"]?["defaults"]?.objectValue ?? [:]
        if let format = p["format"]?.stringValue { defaults["unit"] = .string(format) }
        if let decimals = p["decimals"]?.numberValue { defaults["decimals"] = .number(decimals) }
        let colors = p["colors"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let limits = (p["thresholds"]?.stringValue ?? "").split(separator: ",").compactMap {
            Double(String($0.filter { $0 != " " }))
        }
        if !colors.isEmpty {
            var steps: [JSON] = [["color": .string(colors[0]), "value": .null]]
            for (i, limit) in limits.enumerated() where i + 1 < colors.count {
                steps.append(["color": .string(colors[i + 1]), "value": .number(limit)])
            }
            defaults["thresholds"] = ["mode": "absolute", "steps": .array(steps)]
        }
        let calc: [String: String] = [
            "avg": "mean", "current": "lastNotNull", "max": "max", "min": "min", "total": "sum", "first": "first",
            "name": "lastNotNull", "delta": "delta", "range": "range", "diff": "diff",
        ]
        let reduce = calc[p["valueName"]?.stringValue ?? "avg"] ?? "mean"
        let colorMode =
            p["colorBackground"] == .bool(true) ? "background" : p["colorValue"] == .bool(true) ? "value" : "none"
        let graph = p["sparkline"]?["show"] == .bool(true) ? "area" : "none"
        let dropped = ["valueMaps", "rangeMaps", "prefix", "postfix", "gauge"].filter {
            if let v = p[$0] { return v != .string("") && v != .array([]) && v["show"] != .bool(false) }
            return false
        }
        for key in Self.singlestatOnly { p[key] = nil }
        p["type"] = "stat"
        p["options"] = [
            "reduceOptions": ["calcs": [.string(reduce)], "fields": "", "values": false],
            "colorMode": .string(colorMode), "graphMode": .string(graph),
        ]
        p["fieldConfig"] = [
            "defaults": .object(JSONMembers(defaults)), "overrides": p["fieldConfig"]?["overrides"] ?? [],
        ]
        diagnostics.append(
            .warning(
                "import.singlestat-panel",
                "singlestat panel '\(p["title"]?.stringValue ?? "")' became a stat panel, as Grafana migrates it",
                at: location(jsonPath + ".type"),
                notes: dropped.isEmpty
                    ? [] : ["singlestat settings not carried over: " + dropped.joined(separator: ", ")]))
    }

    /// Every panel (rows' children included) gets a unique positive id; existing unique ids are kept.
    mutating func assignIDs(_ panels: inout [JSON]) {
        var seen: Set<Int> = []
        var maxID = 0
        func scan(_ list: [JSON]) {
            for p in list {
                if let id = p["id"]?.exactInt, (1...Int(Int32.max)).contains(id) { maxID = max(maxID, id) }
                scan(p["panels"]?.arrayValue ?? [])
            }
        }
        scan(panels)
        func fix(_ list: inout [JSON]) {
            for i in list.indices {
                var p = list[i].objectValue ?? [:]
                if let id = p["id"]?.exactInt, (1...Int(Int32.max)).contains(id), !seen.contains(id) {
                    seen.insert(id)
                } else {
                    maxID += 1
                    seen.insert(maxID)
                    p["id"] = .int(maxID)
                }
                if var children = p["panels"]?.arrayValue {
                    fix(&children)
                    p["panels"] = .array(children)
                }
                list[i] = .object(JSONMembers(p))
            }
        }
        fix(&panels)
    }
}

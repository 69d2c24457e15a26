/// Compares two Grafana dashboards by meaning: panels matched by identity, queries compared as PromQL, and
/// instance noise (ids, versions, variables' current values, key order, null members) ignored.
public enum DashboardDiff {
    /// The changes from `old` to `new`, in the new dashboard's order (removed elements last).
    ///
    /// Either side may be the dashboard itself or an API export that wraps it (`{"dashboard": {...}}`).
    public static func compare(old: JSON, new: JSON) -> [DiffChange] {
        let a = unwrap(old)
        let b = unwrap(new)
        var changes: [DiffChange] = []
        settings(a, b, into: &changes)
        namedList(
            a["templating"]?["list"], b["templating"]?["list"], element: .variable, key: { $0["name"]?.stringValue },
            noise: variableNoise, into: &changes)
        namedList(
            a["annotations"]?["list"], b["annotations"]?["list"], element: .annotation,
            key: { $0["name"]?.stringValue }, noise: [], into: &changes)
        namedList(
            a["links"], b["links"], element: .link, key: { $0["title"]?.stringValue ?? $0["url"]?.stringValue },
            noise: [], into: &changes)
        panels(flatten(a), flatten(b), into: &changes)
        return changes
    }

    /// The dashboard inside an API export (`{"dashboard": {...}, "meta": {...}}`), or the value itself.
    public static func unwrap(_ json: JSON) -> JSON {
        if json["panels"] == nil, json["rows"] == nil, let inner = json["dashboard"],
            inner["panels"] != nil
                || inner["rows"] != nil || inner["title"] != nil
        {
            return inner
        }
        return json
    }

    /// The dashboard's title, for headings.
    public static func title(of json: JSON) -> String? { unwrap(json)["title"]?.stringValue }

    /// Whether a JSON value looks like a Grafana dashboard.
    public static func isDashboard(_ json: JSON) -> Bool {
        let d = unwrap(json)
        guard case .object = d else { return false }
        return d["panels"] != nil || d["rows"] != nil || d["schemaVersion"] != nil || d["templating"] != nil
    }

    // MARK: - Dashboard settings

    /// Keys that never show: instance bookkeeping, export metadata, and the parts compared element by element.
    static let settingsNoise: Set<String> = [
        "id", "version", "iteration", "__inputs", "__requires", "__elements", "panels", "rows", "templating",
        "annotations", "links", "title",
    ]

    /// A variable's selection and its cached options change on every save; `definition` repeats the query.
    static let variableNoise: Set<String> = ["current", "options", "id", "version", "definition"]

    private static func settings(_ a: JSON, _ b: JSON, into changes: inout [DiffChange]) {
        let oldTitle = a["title"]?.stringValue ?? ""
        let newTitle = b["title"]?.stringValue ?? ""
        if oldTitle != newTitle {
            changes.append(DiffChange(.retitled, .dashboard, newTitle, field: "title", old: oldTitle, new: newTitle))
        }
        var leaves: [JSONDiff.Leaf] = []
        JSONDiff.leaves(
            a, b, noise: settingsNoise, into: &leaves)
        for leaf in leaves {
            changes.append(
                DiffChange(
                    .edited, .dashboard, newTitle, field: JSONDiff.joinPath(leaf.path),
                    old: JSONDiff.show(leaf.old),
                    new: JSONDiff.show(leaf.new)))
        }
    }

    // MARK: - Variables, annotations, links

    private static func namedList(
        _ old: JSON?, _ new: JSON?, element: DiffChange.Element, key: (JSON) -> String?, noise: Set<String>,
        into changes: inout [DiffChange]
    ) {
        let a = (old?.arrayValue ?? []).map { JSONDiff.clean(normalizeQuery($0), noise: noise) }
        let b = (new?.arrayValue ?? []).map { JSONDiff.clean(normalizeQuery($0), noise: noise) }
        func names(_ items: [JSON]) -> [String] {
            var seen: [String: Int] = [:]
            return items.enumerated().map { i, item in
                let base = key(item) ?? "#\(i + 1)"
                let n = seen[base, default: 0]
                seen[base] = n + 1
                return n == 0 ? base : "\(base) (\(n + 1))"
            }
        }
        let oldNames = names(a)
        let newNames = names(b)
        var oldIndex: [String: Int] = [:]
        for (i, n) in oldNames.enumerated() { oldIndex[n] = i }
        let matchedOld = newNames.compactMap { oldIndex[$0] }
        let moved = JSONDiff.reordered(matchedOld)
        var k = 0
        for (j, n) in newNames.enumerated() {
            guard let i = oldIndex[n] else {
                changes.append(DiffChange(.added, element, n, new: summary(b[j], element: element)))
                continue
            }
            if moved.contains(k) {
                changes.append(DiffChange(.moved, element, n, field: "position", old: "\(i + 1)", new: "\(j + 1)"))
            }
            k += 1
            changes.append(contentsOf: fieldChanges(a[i], b[j], element: element, name: n))
        }
        let newSet = Set(newNames)
        for (i, n) in oldNames.enumerated() where !newSet.contains(n) {
            changes.append(DiffChange(.removed, element, n, old: summary(a[i], element: element)))
        }
    }

    /// A query variable's `query` may be a string or an object holding it; compare the string.
    private static func normalizeQuery(_ item: JSON) -> JSON {
        guard case .object(let members) = item, let query = members["query"], case .object(let inner) = query,
            let text = inner["query"]?.stringValue
        else { return item }
        var pairs = Array(zip(members.keys, members.values))
        if let k = pairs.firstIndex(where: { $0.0 == "query" }) { pairs[k].1 = .string(text) }
        return .object(JSONMembers(unsorted: pairs))
    }

    private static func summary(_ item: JSON, element: DiffChange.Element) -> String? {
        switch element {
        case .variable:
            let type = item["type"]?.stringValue ?? "variable"
            if let q = item["query"]?.stringValue, !q.isEmpty { return type + ": " + JSONDiff.shorten(q) }
            return type
        case .link: return item["url"]?.stringValue ?? item["type"]?.stringValue
        case .annotation: return item["expr"]?.stringValue.map { JSONDiff.shorten($0) }
        default: return nil
        }
    }

    /// Field-by-field edits of two matched list items; expressions compared as PromQL.
    private static func fieldChanges(_ a: JSON, _ b: JSON, element: DiffChange.Element, name: String) -> [DiffChange] {
        var leaves: [JSONDiff.Leaf] = []
        JSONDiff.leaves(a, b, into: &leaves)
        var out: [DiffChange] = []
        for leaf in leaves {
            let field = JSONDiff.joinPath(leaf.path)
            if field == "expr" || (element == .variable && field == "query"),
                let x = leaf.old?.stringValue, let y = leaf.new?.stringValue
            {
                if let d = QueryDiff.compare(x, y) {
                    out.append(
                        DiffChange(.edited, element, name, field: field, old: d.old, new: d.new, details: d.details))
                }
                continue
            }
            out.append(
                DiffChange(
                    .edited, element, name, field: field, old: JSONDiff.show(leaf.old), new: JSONDiff.show(leaf.new)))
        }
        return out
    }

    // MARK: - Panels

    /// A panel with what identifies it and where it is.
    struct Panel {
        var json: JSON
        var id: Int?
        var title: String
        var type: String
        var row: String?
        var isRow: Bool
        var x: Int?
        var y: Int?
        var w: Int?
        var h: Int?
        var targets: [JSON]
        var order: Int

        var name: String {
            let t = title.isEmpty ? "(untitled \(type))" : title
            if isRow { return t }
            return row.map { ($0.isEmpty ? "(untitled row)" : $0) + " / " + t } ?? t
        }

        var position: String? {
            guard let x, let y else { return nil }
            return "x=\(x) y=\(y)"
        }

        var size: String? {
            guard let w, let h else { return nil }
            return "\(w)×\(h)"
        }
    }

    static let panelNoise: Set<String> = [
        "id", "gridPos", "title", "panels", "targets", "pluginVersion", "version", "iteration", "span",
    ]

    /// Every panel, rows first-class, each with the title of the row it sits under.
    static func flatten(_ d: JSON) -> [Panel] {
        var out: [Panel] = []
        func make(_ p: JSON, row: String?) -> Panel {
            let grid = p["gridPos"]
            let type = p["type"]?.stringValue ?? ""
            let targets = p["targets"]?.arrayValue ?? []
            return Panel(
                json: p, id: p["id"].flatMap { $0.numberValue.map { Int($0) } },
                title: p["title"]?.stringValue ?? "", type: type, row: row, isRow: type == "row",
                x: grid?["x"]?.numberValue.map { Int($0) }, y: grid?["y"]?.numberValue.map { Int($0) },
                w: grid?["w"]?.numberValue.map { Int($0) }, h: grid?["h"]?.numberValue.map { Int($0) },
                targets: targets, order: out.count)
        }
        if let panels = d["panels"]?.arrayValue {
            // Rows own the panels below them, down to the next row, in layout order.
            let ordered = panels.enumerated().sorted { l, r in
                let a = (l.element["gridPos"]?["y"]?.numberValue ?? 0, l.element["gridPos"]?["x"]?.numberValue ?? 0)
                let b = (r.element["gridPos"]?["y"]?.numberValue ?? 0, r.element["gridPos"]?["x"]?.numberValue ?? 0)
                return a != b ? a < b : l.offset < r.offset
            }
            var row: String?
            for (_, p) in ordered {
                if p["type"]?.stringValue == "row" {
                    let title = p["title"]?.stringValue ?? ""
                    out.append(make(p, row: nil))
                    row = title
                    for child in p["panels"]?.arrayValue ?? [] { out.append(make(child, row: title)) }
                } else {
                    out.append(make(p, row: row))
                }
            }
        } else if let rows = d["rows"]?.arrayValue {
            // Grafana's pre-5 layout: rows hold panels sized by span.
            for (i, r) in rows.enumerated() {
                let title = r["title"]?.stringValue ?? "Row \(i + 1)"
                for p in r["panels"]?.arrayValue ?? [] { out.append(make(p, row: title)) }
            }
        }
        return out
    }

    private static func panels(_ a: [Panel], _ b: [Panel], into changes: inout [DiffChange]) {
        let pairs = PanelMatcher.match(a, b)
        var newToOld: [Int: Int] = [:]
        for (i, j) in pairs { newToOld[j] = i }
        for (j, q) in b.enumerated() {
            guard let i = newToOld[j] else {
                var detail = q.type
                if let position = q.position { detail += " at " + position }
                changes.append(DiffChange(.added, q.isRow ? .row : .panel, q.name, new: detail))
                continue
            }
            changes.append(contentsOf: panelChanges(a[i], q))
        }
        let matchedOld = Set(pairs.map(\.0))
        for (i, p) in a.enumerated() where !matchedOld.contains(i) {
            var detail = p.type
            if let position = p.position { detail += " at " + position }
            changes.append(DiffChange(.removed, p.isRow ? .row : .panel, p.name, old: detail))
        }
    }

    static func panelChanges(_ p: Panel, _ q: Panel) -> [DiffChange] {
        var out: [DiffChange] = []
        let element: DiffChange.Element = q.isRow ? .row : .panel
        let name = q.name
        if p.title != q.title {
            out.append(DiffChange(.retitled, element, name, field: "title", old: p.title, new: q.title))
        }
        if !q.isRow, p.row != q.row {
            out.append(
                DiffChange(.moved, element, name, field: "row", old: p.row ?? "(no row)", new: q.row ?? "(no row)"))
        } else if p.position != q.position {
            out.append(DiffChange(.moved, element, name, field: "position", old: p.position, new: q.position))
        }
        if p.size != q.size {
            out.append(DiffChange(.edited, element, name, field: "size", old: p.size, new: q.size))
        }
        var leaves: [JSONDiff.Leaf] = []
        JSONDiff.leaves(p.json, q.json, noise: panelNoise, into: &leaves)
        var grouped: Set<String> = []
        for leaf in leaves {
            let (field, whole) = fieldName(leaf.path)
            if let whole {
                // Reported once, as whole values.
                guard grouped.insert(field).inserted else { continue }
                let old = value(at: whole, in: p.json)
                let new = value(at: whole, in: q.json)
                let show = field == "thresholds" ? JSONDiff.showThresholds : JSONDiff.show
                out.append(DiffChange(.edited, element, name, field: field, old: show(old), new: show(new)))
                continue
            }
            out.append(
                DiffChange(
                    .edited, element, name, field: field, old: JSONDiff.show(leaf.old), new: JSONDiff.show(leaf.new)))
        }
        out.append(contentsOf: targetChanges(p.targets, q.targets, element: element, name: name))
        return out
    }

    private static func value(at path: [String], in json: JSON) -> JSON? {
        var v: JSON? = json
        for k in path { v = v?[k] }
        return v
    }

    /// A reader's name for a panel field, and the path to show whole when its parts are not worth listing.
    static func fieldName(_ path: [String]) -> (String, [String]?) {
        // Grafana 6's gauge and stat panels kept their field defaults under options.fieldOptions.
        if path.count >= 3, path[0] == "options", path[1] == "fieldOptions", path[2] == "defaults" {
            let (name, whole) = fieldName(["fieldConfig"] + path.dropFirst(2))
            return (name, whole.map { ["options", "fieldOptions"] + $0.dropFirst() })
        }
        switch path.first {
        case "fieldConfig":
            if path.count >= 2, path[1] == "defaults" {
                let rest = Array(path.dropFirst(2))
                switch rest.first {
                case nil: return ("field defaults", ["fieldConfig", "defaults"])
                case "thresholds": return ("thresholds", ["fieldConfig", "defaults", "thresholds"])
                case "mappings": return ("value mappings", ["fieldConfig", "defaults", "mappings"])
                case "links": return ("data links", ["fieldConfig", "defaults", "links"])
                case "custom":
                    let field = JSONDiff.joinPath(rest.dropFirst())
                    return (field.isEmpty ? "custom" : field, nil)
                default: return (JSONDiff.joinPath(rest), nil)
                }
            }
            if path.count >= 2, path[1] == "overrides" { return ("overrides", ["fieldConfig", "overrides"]) }
            return (JSONDiff.joinPath(path), nil)
        case "options":
            if path.count >= 2, path[1] == "legend" {
                let rest = JSONDiff.joinPath(path.dropFirst(2))
                return (rest.isEmpty ? "legend" : "legend " + rest, nil)
            }
            let rest = JSONDiff.joinPath(path.dropFirst())
            return (rest.isEmpty ? "options" : "option " + rest, nil)
        case "transformations": return ("transformations", ["transformations"])
        case "links": return ("links", ["links"])
        default: return (JSONDiff.joinPath(path), nil)
        }
    }

    static let targetNoise: Set<String> = ["refId", "editorMode", "datasource", "key"]

    /// Targets matched by refId (else by equal query), each query compared as PromQL.
    private static func targetChanges(_ a: [JSON], _ b: [JSON], element: DiffChange.Element, name: String)
        -> [DiffChange]
    {
        func refId(_ t: JSON, _ i: Int) -> String {
            t["refId"]?.stringValue ?? String(UnicodeScalar(UInt8(65 + i % 26)))
        }
        let oldIds = a.enumerated().map { refId($1, $0) }
        let newIds = b.enumerated().map { refId($1, $0) }
        var pairs: [(Int, Int)] = []
        var usedOld: Set<Int> = []
        var usedNew: Set<Int> = []
        for (j, id) in newIds.enumerated() {
            if let i = oldIds.firstIndex(of: id), !usedOld.contains(i) {
                pairs.append((i, j))
                usedOld.insert(i)
                usedNew.insert(j)
            }
        }
        // A query whose refId changed but whose expression did not.
        for j in b.indices where !usedNew.contains(j) {
            let expr = b[j]["expr"]?.stringValue.map(QueryDiff.canonical)
            if let i = a.indices.first(where: {
                !usedOld.contains($0) && expr != nil && a[$0]["expr"]?.stringValue.map(QueryDiff.canonical) == expr
            }) {
                pairs.append((i, j))
                usedOld.insert(i)
                usedNew.insert(j)
            }
        }
        pairs.sort { $0.1 < $1.1 }
        var out: [DiffChange] = []
        for (i, j) in pairs {
            let label = newIds[j]
            if oldIds[i] != label {
                out.append(DiffChange(.edited, element, name, field: "query refId", old: oldIds[i], new: label))
            }
            let x = a[i]
            let y = b[j]
            if let e = x["expr"]?.stringValue, let f = y["expr"]?.stringValue, let d = QueryDiff.compare(e, f) {
                out.append(
                    DiffChange(
                        .edited, element, name, field: "query " + label, old: d.old, new: d.new, details: d.details))
            }
            var leaves: [JSONDiff.Leaf] = []
            JSONDiff.leaves(cleanTarget(x), cleanTarget(y), into: &leaves)
            for leaf in leaves {
                let key = JSONDiff.joinPath(leaf.path)
                let field = key == "legendFormat" ? "legend format " + label : "query \(label) \(key)"
                out.append(
                    DiffChange(
                        .edited, element, name, field: field, old: JSONDiff.show(leaf.old), new: JSONDiff.show(leaf.new)
                    ))
            }
        }
        for j in b.indices where !usedNew.contains(j) {
            out.append(
                DiffChange(
                    .edited, element, name, field: "query " + newIds[j], old: nil,
                    new: b[j]["expr"]?.stringValue.map(QueryDiff.normalizeSpace) ?? JSONDiff.show(b[j])))
        }
        for i in a.indices where !usedOld.contains(i) {
            out.append(
                DiffChange(
                    .edited, element, name, field: "query " + oldIds[i],
                    old: a[i]["expr"]?.stringValue.map(QueryDiff.normalizeSpace) ?? JSONDiff.show(a[i]), new: nil))
        }
        return out
    }

    /// A target without its expression (compared as PromQL), its bookkeeping, and defaults written or not.
    private static func cleanTarget(_ t: JSON) -> JSON {
        guard case .object(let members) = t else { return t }
        var pairs: [(String, JSON)] = []
        for (k, v) in zip(members.keys, members.values) where k != "expr" && !targetNoise.contains(k) {
            switch (k, v) {
            case ("hide", .bool(false)), ("instant", .bool(false)), ("exemplar", .bool(false)), ("interval", ""),
                ("legendFormat", ""), ("intervalFactor", 1):
                continue
            default: pairs.append((k, v))
            }
        }
        return .object(JSONMembers(unsorted: pairs))
    }
}

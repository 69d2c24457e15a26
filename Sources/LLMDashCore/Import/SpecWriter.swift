/// Writes a normalised dashboard as spec YAML: typed keys where the model has them, `grafana:` patches for the rest.
struct SpecWriter {
    let dashboard: JSON
    let folder: String
    let path: String
    /// Panel ids carried through whole (`- grafana:` panels), beyond the types llmdash does not model.
    var rawPanels: Set<Int> = []
    /// Variable names written as constants because llmdash rejects their typed form.
    var constantVariables: Set<String> = []
    /// Panels (by id) that a signal-level panel reproduces, and the backend whose catalogue gives them.
    var signalEntries: [Int: SignalMatcher.Entry] = [:]
    var backend: Backend?
    /// YAML line ranges of each panel (by id) and variable (by name), from the last `yaml(patches:)`.
    private var panelLines: [(ClosedRange<Int>, Int)] = []
    private var variableLines: [(ClosedRange<Int>, String)] = []

    init(dashboard: JSON, folder: String, path: String) {
        self.dashboard = dashboard
        self.folder = folder
        self.path = path
    }

    /// A double-quoted YAML scalar (JSON string syntax is valid YAML).
    static func q(_ s: String) -> String { String(decoding: JSONWriter.compact(.string(s)), as: UTF8.self) }

    static func flow(_ json: JSON) -> String { String(decoding: JSONWriter.compact(json), as: UTF8.self) }

    var panels: [JSON] { dashboard["panels"]?.arrayValue ?? [] }

    func id(_ panel: JSON) -> Int { panel["id"]?.exactInt ?? 0 }

    /// Whether a panel is written as a typed spec panel.
    func isTyped(_ p: JSON) -> Bool {
        guard let type = p["type"]?.stringValue, DashboardImporter.typedPanels.contains(type),
            !rawPanels.contains(id(p))
        else { return false }
        if type == "text" { return p["options"]?["content"]?.stringValue is String }
        if let ds = p["datasource"], let t = ds["type"]?.stringValue, t != "prometheus" { return false }
        guard let targets = p["targets"]?.arrayValue, !targets.isEmpty else { return false }
        return targets.allSatisfy { t in
            t["expr"]?.stringValue.map { !$0.isEmpty } == true
                && (t["datasource"]?["type"]?.stringValue ?? "prometheus") == "prometheus"
        }
    }

    /// Marks the panels and variables written on `lines` to be carried through instead; returns what changed.
    mutating func demote(lines: Set<Int>) -> [String] {
        var changed: [String] = []
        for (range, id) in panelLines where lines.contains(where: range.contains) && !rawPanels.contains(id) {
            rawPanels.insert(id)
            changed.append("panel \(id)")
        }
        for (range, name) in variableLines where lines.contains(where: range.contains) {
            if constantVariables.insert(name).inserted { changed.append("variable \(name)") }
        }
        return changed
    }

    // MARK: Patches

    /// What the typed spec does not reproduce, per panel id (`panel:<id>`) and for the dashboard (`dashboard`).
    func patches(emitted: JSON) -> [String: JSON] {
        var out: [String: JSON] = [:]
        var built: [Int: JSON] = [:]
        func collect(_ list: [JSON]) {
            for p in list {
                built[id(p)] = p
                collect(p["panels"]?.arrayValue ?? [])
            }
        }
        collect(emitted["panels"]?.arrayValue ?? [])
        func compare(_ list: [JSON]) {
            for p in list {
                if p["type"] == "row" {
                    compare(p["panels"]?.arrayValue ?? [])
                    if let b = built[id(p)],
                        let patch = Self.without(b, "panels").mergePatch(to: Self.without(p, "panels"))
                    {
                        out["row:\(id(p))"] = patch
                    }
                } else if isTyped(p) {
                    // A signal panel's id comes from its key; the patch puts the original id back.
                    let builtID = signalEntries[id(p)] == nil ? id(p) : IdentityTable.hash(Self.signalKey(id(p)))
                    if let b = built[builtID], let patch = b.mergePatch(to: p) { out["panel:\(id(p))"] = patch }
                }
            }
        }
        compare(panels)
        if let patch = Self.without(emitted, "panels").mergePatch(to: Self.without(dashboard, "panels")) {
            out["dashboard"] = patch
        }
        return out
    }

    /// The key of a signal-level panel standing for the original panel `id`.
    static func signalKey(_ id: Int) -> String { "imported-\(id)" }

    static func without(_ json: JSON, _ key: String) -> JSON {
        guard var o = json.objectValue else { return json }
        o[key] = nil
        return .object(JSONMembers(o))
    }

    // MARK: YAML

    mutating func yaml(patches: [String: JSON]) -> String {
        panelLines = []
        variableLines = []
        var lines: [String] = []
        let title = dashboard["title"]?.stringValue.flatMap { $0.isBlank ? nil : $0 } ?? "Imported dashboard"
        let uid = dashboard["uid"]?.stringValue.flatMap { Self.isValidUID($0) ? $0 : nil } ?? Self.slug(title)
        lines.append("# Imported from \(FileSystem.lastComponent(path)) by `llmdash import`.")
        lines.append("apiVersion: llmdash/v1")
        lines.append("kind: Dashboard")
        lines.append("metadata:")
        lines.append("  uid: \(Self.q(uid))")
        lines.append("  title: \(Self.q(title))")
        if !folder.isEmpty { lines.append("  folder: \(Self.q(folder))") }
        let tags = dashboard["tags"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if !tags.isEmpty { lines.append("  tags: [\(tags.map(Self.q).joined(separator: ", "))]") }
        if let d = dashboard["description"]?.stringValue { lines.append("  description: \(Self.q(d))") }
        lines.append("spec:")
        if let from = dashboard["time"]?["from"]?.stringValue, let to = dashboard["time"]?["to"]?.stringValue {
            lines.append("  time: {from: \(Self.q(from)), to: \(Self.q(to))}")
        }
        if let refresh = dashboard["refresh"]?.stringValue { lines.append("  refresh: \(Self.q(refresh))") }
        if let zone = dashboard["timezone"]?.stringValue, !zone.isEmpty { lines.append("  timezone: \(Self.q(zone))") }
        if let editable = dashboard["editable"], case .bool(let e) = editable { lines.append("  editable: \(e)") }
        if let backend, !signalEntries.isEmpty { lines.append("  backend: \(backend.rawValue)") }
        writeVariables(&lines)
        var top: [JSON] = []
        var rows: [(JSON, [JSON])] = []
        for p in panels {
            if p["type"] == "row" {
                rows.append((p, p["collapsed"] == .bool(true) ? p["panels"]?.arrayValue ?? [] : []))
            } else if rows.isEmpty {
                top.append(p)
            } else {
                rows[rows.count - 1].1.append(p)
            }
        }
        let duplicates = duplicateKeys(top: top, rows: rows)
        if !top.isEmpty {
            lines.append("  panels:")
            for p in top { writePanel(p, indent: "    ", patches: patches, keyed: duplicates, into: &lines) }
        }
        if !rows.isEmpty {
            lines.append("  rows:")
            var rowTitles: [String: Int] = [:]
            for (row, _) in rows { rowTitles[Slug.make(row["title"]?.stringValue ?? ""), default: 0] += 1 }
            for (row, children) in rows {
                let rowTitle = row["title"]?.stringValue ?? ""
                lines.append("    - title: \(Self.q(rowTitle))")
                if rowTitles[Slug.make(rowTitle), default: 0] > 1 || rowTitle.isBlank {
                    lines.append("      key: \(Self.q("row-\(id(row))"))")
                }
                lines.append("      id: \(id(row))")
                if row["collapsed"] == .bool(true) { lines.append("      collapsed: true") }
                if let patch = patches["row:\(id(row))"] { lines.append("      grafana: \(Self.flow(patch))") }
                lines.append(children.isEmpty ? "      panels: []" : "      panels:")
                for p in children {
                    writePanel(p, indent: "        ", patches: patches, keyed: duplicates, into: &lines)
                }
            }
        }
        if let patch = patches["dashboard"] { lines.append("  grafana: \(Self.flow(patch))") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Panel ids whose row and title another panel shares (or whose title is empty): they get an explicit key.
    func duplicateKeys(top: [JSON], rows: [(JSON, [JSON])]) -> Set<Int> {
        var seen: [String: Int] = [:]
        var out: Set<Int> = []
        for (row, list) in [(JSON.null, top)] + rows {
            for p in list where isTyped(p) {
                let title = p["title"]?.stringValue ?? ""
                let key = (row["title"]?.stringValue ?? "") + "\u{0}" + title
                if title.isEmpty { out.insert(id(p)) }
                if let other = seen[key] {
                    out.insert(other)
                    out.insert(id(p))
                }
                seen[key] = id(p)
            }
        }
        return out
    }

    mutating func writePanel(
        _ p: JSON, indent: String, patches: [String: JSON], keyed: Set<Int>, into lines: inout [String]
    ) {
        let start = lines.count + 1
        defer { panelLines.append((start...max(start, lines.count), id(p))) }
        guard isTyped(p), let type = p["type"]?.stringValue else {
            lines.append("\(indent)- grafana: \(Self.flow(p))")
            return
        }
        let inner = indent + "    "
        if let entry = signalEntries[id(p)] {
            lines.append("\(indent)- \(entry.kind):")
            for (key, value) in entry.fields { lines.append("\(inner)\(key): \(value)") }
            lines.append("\(inner)title: \(Self.q(p["title"]?.stringValue ?? ""))")
            lines.append("\(inner)key: \(Self.q(Self.signalKey(id(p))))")
            writeSize(p, indent: inner, into: &lines)
            if let patch = patches["panel:\(id(p))"] { lines.append("\(inner)grafana: \(Self.flow(patch))") }
            return
        }
        lines.append("\(indent)- \(type):")
        lines.append("\(inner)title: \(Self.q(p["title"]?.stringValue ?? ""))")
        if keyed.contains(id(p)) { lines.append("\(inner)key: \(Self.q("panel-\(id(p))"))") }
        lines.append("\(inner)id: \(id(p))")
        writeSize(p, indent: inner, into: &lines)
        if let d = p["description"]?.stringValue, !d.isEmpty { lines.append("\(inner)description: \(Self.q(d))") }
        if type == "text" {
            lines.append("\(inner)content: \(Self.q(p["options"]?["content"]?.stringValue ?? ""))")
        } else {
            lines.append("\(inner)queries:")
            for t in p["targets"]?.arrayValue ?? [] {
                var parts = ["expr: \(Self.q(t["expr"]?.stringValue ?? ""))"]
                if let legend = t["legendFormat"]?.stringValue, !legend.isEmpty {
                    parts.append("legend: \(Self.q(legend))")
                }
                if let ref = t["refId"]?.stringValue, !ref.isEmpty { parts.append("refId: \(Self.q(ref))") }
                lines.append("\(inner)  - {\(parts.joined(separator: ", "))}")
            }
        }
        if let patch = patches["panel:\(id(p))"] { lines.append("\(inner)grafana: \(Self.flow(patch))") }
    }

    /// The grid size as `width`/`height`, so the layout places the panel as the original did.
    func writeSize(_ p: JSON, indent: String, into lines: inout [String]) {
        guard let w = p.gridSize("w"), let h = p.gridSize("h") else { return }
        lines.append("\(indent)width: \(w)")
        lines.append("\(indent)height: \(h)")
    }

    mutating func writeVariables(_ lines: inout [String]) {
        let entries = variableEntries()
        if entries.isEmpty { return }
        lines.append("  variables:")
        for (name, entry) in entries {
            variableLines.append(((lines.count + 1)...(lines.count + 1), name))
            lines.append(entry)
        }
    }

    /// The `variables:` section's lines, with the name of each variable.
    func variableEntries() -> [(String, String)] {
        var names: Set<String> = []
        var written: [(String, String)] = []
        for v in dashboard["templating"]?["list"]?.arrayValue ?? [] {
            guard let name = v["name"]?.stringValue, !name.isEmpty, names.insert(name).inserted else { continue }
            var entry: String?
            let label = v["label"]?.stringValue.flatMap { $0.isEmpty ? nil : ", label: \(Self.q($0))" } ?? ""
            let query = v["query"]?.stringValue ?? v["query"]?["query"]?.stringValue ?? ""
            let multi = v["multi"] == .bool(true) ? ", multi: true" : ""
            let all = v["includeAll"] == .bool(true) ? ", includeAll: true" : ""
            if constantVariables.contains(name) {
                entry = "constant: {name: \(Self.q(name)), value: \(Self.q(query))}"
            } else {
                switch v["type"]?.stringValue {
                case "datasource":
                    entry =
                        "datasource: {name: \(Self.q(name))\(label), query: \(Self.q(query.isEmpty ? "prometheus" : query))}"
                case "query" where !query.isEmpty:
                    entry = "query: {name: \(Self.q(name))\(label), query: \(Self.q(query))\(multi)\(all)}"
                case "custom":
                    let values = query.split(separator: ",").map { Self.q(String($0.filter { $0 != " " })) }
                    entry =
                        "custom: {name: \(Self.q(name))\(label), values: [\(values.joined(separator: ", "))]\(multi)\(all)}"
                case "interval":
                    let values = query.split(separator: ",").map { Self.q(String($0.filter { $0 != " " })) }
                    entry = "interval: {name: \(Self.q(name))\(label), values: [\(values.joined(separator: ", "))]}"
                case "constant": entry = "constant: {name: \(Self.q(name)), value: \(Self.q(query))}"
                case "textbox": entry = "textbox: {name: \(Self.q(name))\(label), value: \(Self.q(query))}"
                default:
                    // Ad hoc filters and other kinds: declared as constants for the checks; the patch keeps the original.
                    entry = "constant: {name: \(Self.q(name)), value: \"\"}"
                }
            }
            if let entry { written.append((name, "    - " + entry)) }
        }
        return written
    }

    /// The `variables:` section as lines (empty when there are none).
    func variablesSection() -> [String] {
        let entries = variableEntries()
        return entries.isEmpty ? [] : ["  variables:"] + entries.map(\.1)
    }

    /// A uid the spec accepts: 1 to 40 letters, digits, `-` and `_`.
    static func isValidUID(_ uid: String) -> Bool {
        !uid.isEmpty && uid.utf8.count <= 40
            && uid.unicodeScalars.allSatisfy {
                ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "-"
                    || $0 == "_"
            }
    }

    /// A uid from a title: lower-case letters, digits and dashes.
    static func slug(_ title: String) -> String {
        var out = ""
        for c in title.lowercased().unicodeScalars {
            if (c >= "a" && c <= "z") || (c >= "0" && c <= "9") {
                out.unicodeScalars.append(c)
            } else if !out.isEmpty, !out.hasSuffix("-") {
                out += "-"
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "imported" : String(out.prefix(40))
    }
}

/// Writes a diff report as terminal text, as Markdown for a pull-request comment, or as JSON for tools.
public enum DiffRenderer {
    // MARK: - Text

    /// Text for a terminal; `color` adds ANSI colours (added green, removed red, moved cyan, edits yellow).
    public static func text(_ report: DiffReport, color: Bool = false) -> String {
        func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
        var out = ""
        let changed = report.files.filter(\.hasDifferences)
        for file in changed {
            out += paint(header(file), "1") + "\n"
            // Moves last: an insertion moves many panels, and the edits are what a reviewer reads first.
            for change in file.changes.filter({ $0.kind != .moved }) + file.changes.filter({ $0.kind == .moved }) {
                let (word, code) = verb(change.kind)
                out += "  " + paint(pad(word), code) + " " + describe(change)
                if let q = queryLines(change) {
                    out += "\n"
                    if let old = q.old { out += "      " + paint("- " + old, "31") + "\n" }
                    if let new = q.new { out += "      " + paint("+ " + new, "32") + "\n" }
                    for d in change.details { out += "        " + d + "\n" }
                } else {
                    out += "\n"
                }
            }
        }
        out += summaryLine(report) + "\n"
        return out
    }

    private static func pad(_ word: String) -> String {
        word + String(repeating: " ", count: max(0, 8 - word.count))
    }

    private static func verb(_ kind: DiffChange.Kind) -> (String, String) {
        switch kind {
        case .added: ("added", "32")
        case .removed: ("removed", "31")
        case .moved: ("moved", "36")
        case .retitled: ("retitled", "33")
        case .edited: ("edited", "33")
        }
    }

    private static func header(_ file: FileDiff) -> String {
        var h = file.path + ": "
        switch file.kind {
        case .dashboard: h += "dashboard" + (file.title.map { " \"\($0)\"" } ?? "")
        case .rules: h += "rule file"
        case .other: h += "file"
        }
        switch file.status {
        case .added: h += " (new file)"
        case .removed: h += " (removed file)"
        case .modified, .unchanged:
            let counts = counts(file)
            if !counts.isEmpty { h += " — " + counts }
        }
        return h
    }

    /// `1 added, 12 moved, 2 edited`.
    private static func counts(_ file: FileDiff) -> String {
        DiffChange.Kind.allCases.compactMap { k in
            let n = file.count(k)
            return n == 0 ? nil : "\(n) \(k.rawValue)"
        }.joined(separator: ", ")
    }

    private static func summaryLine(_ report: DiffReport) -> String {
        let changed = report.files.filter(\.hasDifferences)
        if changed.isEmpty {
            return "no differences" + (report.files.count > 1 ? " (\(report.files.count) files compared)" : "")
        }
        if report.files.count == 1 { return counts(changed[0]).isEmpty ? "1 file differs" : counts(changed[0]) }
        let added = report.files.count { $0.status == .added }
        let removed = report.files.count { $0.status == .removed }
        let modified = report.files.count { $0.status == .modified && $0.hasDifferences }
        return
            "\(report.files.count) files compared: \(modified) changed, \(added) added, \(removed) removed, "
            + "\(report.files.count - modified - added - removed) unchanged"
    }

    /// Whether a change shows two queries on their own lines.
    private static func queryLines(_ change: DiffChange) -> (old: String?, new: String?)? {
        guard change.kind == .edited, let field = change.field, isQueryField(field) else { return nil }
        guard change.old != nil && change.new != nil else { return nil }
        return (change.old, change.new)
    }

    private static func isQueryField(_ field: String) -> Bool {
        (field.hasPrefix("query ") && !field.dropFirst(6).contains(" ") && field != "query refId") || field == "expr"
            || field == "query"
    }

    /// `panel "Latency / TTFT": unit s → ms`, without the verb.
    static func describe(_ change: DiffChange) -> String {
        var s = "\(change.element.rawValue) \"\(change.name)\""
        switch change.kind {
        case .added:
            if let new = change.new { s += " (\(new))" }
        case .removed:
            if let old = change.old { s += " (\(old))" }
        case .moved, .retitled:
            if change.field == "row" {
                s += " from row \"\(change.old ?? "")\" to row \"\(change.new ?? "")\""
            } else if change.kind == .retitled {
                s += " from \"\(change.old ?? "")\""
            } else {
                s += ": \(change.old ?? "?") → \(change.new ?? "?")"
            }
        case .edited:
            if let field = change.field { s += ": " + field }
            if queryLines(change) != nil { return s }
            switch (change.old, change.new) {
            case (nil, let new?): s += isQueryField(change.field ?? "") ? " added: \(new)" : " set to \(new)"
            case (let old?, nil): s += isQueryField(change.field ?? "") ? " removed: \(old)" : " unset (was \(old))"
            case (let old?, let new?): s += " \(old) → \(new)"
            case (nil, nil): s += " changed"
            }
        }
        return s
    }

    // MARK: - Markdown

    /// Markdown for a pull-request comment: a summary table, then each file's changes (moves folded away).
    public static func markdown(_ report: DiffReport) -> String {
        var out = "## llmdash diff\n\n"
        let changed = report.files.filter(\.hasDifferences)
        if changed.isEmpty {
            return out + "No differences between \(code(report.oldName)) and \(code(report.newName)).\n"
        }
        out += "\(code(report.oldName)) → \(code(report.newName)): \(summaryLine(report)).\n\n"
        out += "| file | kind | added | removed | moved | retitled | edited |\n"
        out += "|---|---|--:|--:|--:|--:|--:|\n"
        for file in changed {
            var kind = file.kind == .dashboard ? "dashboard" : file.kind == .rules ? "rule file" : "file"
            if file.status == .added { kind += " (new)" }
            if file.status == .removed { kind += " (removed)" }
            let cells = DiffChange.Kind.allCases.map { String(file.count($0)) }.joined(separator: " | ")
            out += "| \(code(file.path).replacingPipes) | \(kind) | \(cells) |\n"
        }
        for file in changed where !file.changes.isEmpty {
            out += "\n### \(code(file.path))" + (file.title.map { " — " + escape($0) } ?? "") + "\n\n"
            let moves = file.changes.filter { $0.kind == .moved }
            for change in file.changes where change.kind != .moved {
                out += markdownItem(change)
            }
            if !moves.isEmpty {
                out += "\n<details><summary>\(moves.count) moved</summary>\n\n"
                for change in moves { out += markdownItem(change) }
                out += "\n</details>\n"
            }
        }
        return out
    }

    private static func markdownItem(_ change: DiffChange) -> String {
        var s = "- **\(change.kind.rawValue)** \(change.element.rawValue) **\(escape(change.name))**"
        switch change.kind {
        case .added:
            if let new = change.new { s += " (\(code(new)))" }
        case .removed:
            if let old = change.old { s += " (\(code(old)))" }
        case .moved:
            if change.field == "row" {
                s += " from row \(code(change.old ?? "")) to row \(code(change.new ?? ""))"
            } else {
                s += ": \(code(change.old ?? "?")) → \(code(change.new ?? "?"))"
            }
        case .retitled:
            s += " from \(code(change.old ?? ""))"
        case .edited:
            if let field = change.field { s += " — " + escape(field) }
            if let q = queryLines(change) {
                if !change.details.isEmpty { s += ": " + change.details.map(code).joined(separator: ", ") }
                s += "\n  ```diff\n  - \(q.old ?? "")\n  + \(q.new ?? "")\n  ```"
            } else {
                switch (change.old, change.new) {
                case (nil, let new?): s += ": added \(code(new))"
                case (let old?, nil): s += ": removed \(code(old))"
                case (let old?, let new?): s += ": \(code(old)) → \(code(new))"
                case (nil, nil): s += ": changed"
                }
            }
        }
        return s + "\n"
    }

    /// Inline code that survives backticks in the text.
    private static func code(_ text: String) -> String {
        let single = text.replacingNewlines
        if !single.contains("`") { return "`" + single + "`" }
        return "`` " + single + " ``"
    }

    /// Text with Markdown's emphasis and HTML characters neutralised.
    private static func escape(_ text: String) -> String {
        var out = ""
        for c in text.replacingNewlines {
            switch c {
            case "*", "_", "`", "[", "]", "<", ">", "|", "\\", "#": out += "\\" + String(c)
            default: out.append(c)
            }
        }
        return out
    }

    // MARK: - JSON

    /// JSON for tools: every file with its status and changes, and a summary.
    public static func json(_ report: DiffReport) -> JSON {
        var files: [JSON] = []
        for file in report.files {
            var f = JSONObject()
            f.set("path", file.path)
            f.set("kind", file.kind.rawValue)
            f.set("status", file.status.rawValue)
            f.set("title", file.title)
            f["changes"] = .array(
                file.changes.map { c in
                    var o = JSONObject()
                    o.set("kind", c.kind.rawValue)
                    o.set("element", c.element.rawValue)
                    o.set("name", c.name)
                    o.set("field", c.field)
                    o.set("old", c.old)
                    o.set("new", c.new)
                    if !c.details.isEmpty { o["details"] = .array(c.details.map { .string($0) }) }
                    return o.json
                })
            files.append(f.json)
        }
        var summary = JSONObject()
        summary.set("files", report.files.count)
        summary.set("modified", report.files.count { $0.status == .modified && $0.hasDifferences })
        summary.set("added", report.files.count { $0.status == .added })
        summary.set("removed", report.files.count { $0.status == .removed })
        var totals = JSONObject()
        for kind in DiffChange.Kind.allCases {
            totals.set(kind.rawValue, report.files.reduce(0) { $0 + $1.count(kind) })
        }
        summary["changes"] = totals.json
        return [
            "old": .string(report.oldName),
            "new": .string(report.newName),
            "different": .bool(report.hasDifferences),
            "summary": summary.json,
            "files": .array(files),
        ]
    }
}

extension String {
    fileprivate var replacingNewlines: String {
        String(map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }

    fileprivate var replacingPipes: String {
        var out = ""
        for c in self { out += c == "|" ? "\\|" : String(c) }
        return out
    }
}

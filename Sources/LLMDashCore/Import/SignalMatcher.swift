/// Finds panels of an imported dashboard that a signal-level panel reproduces: the same queries (compared as
/// PromQL) and legends as the backend's catalogue gives, with the dashboard's own variables.
struct SignalMatcher {
    /// A signal-level panel entry: its kind (`latency`) and its keys, as YAML text.
    struct Entry: Sendable, Hashable {
        var kind: String
        var fields: [(String, String)]

        static func == (a: Entry, b: Entry) -> Bool {
            a.kind == b.kind && a.fields.map { $0.0 + "\u{0}" + $0.1 } == b.fields.map { $0.0 + "\u{0}" + $0.1 }
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(kind)
            for (k, v) in fields {
                hasher.combine(k)
                hasher.combine(v)
            }
        }
    }

    let catalog: BackendCatalog
    /// The spec's `variables:` lines, so candidates see the dashboard's variables.
    let variableLines: [String]

    /// The backend whose metric names the dashboard's queries use most (nil when none does).
    static func backend(of exprs: [String]) -> Backend? {
        let names = Set(exprs.flatMap(identifiers))
        var best: (Backend, Int)?
        for backend in Backend.allCases where backend != .dcgm {
            let hits = Catalog.backend(backend).exposedNames.intersection(names).count
            if hits > 0, hits > (best?.1 ?? 0) { best = (backend, hits) }
        }
        return best?.0
    }

    /// Words that could be metric names.
    static func identifiers(_ expr: String) -> [String] {
        var out: [String] = []
        var current = ""
        for c in expr.unicodeScalars {
            let letter = (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_" || c == ":"
            if letter || (!current.isEmpty && c >= "0" && c <= "9") {
                current.unicodeScalars.append(c)
            } else {
                if !current.isEmpty { out.append(current) }
                current = ""
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// The signal-level entries that could give this panel, most specific first.
    func candidates(_ panel: JSON) -> [Entry] {
        let exprs = (panel["targets"]?.arrayValue ?? []).compactMap { $0["expr"]?.stringValue }
        let names = Set(exprs.flatMap(Self.identifiers))
        let type = panel["type"]?.stringValue ?? ""
        var quantiles: [String] = []
        for expr in exprs {
            let marker = "histogram_quantile("
            for piece in expr.split(separator: marker, omittingEmptySubsequences: false).dropFirst() {
                let number = piece.prefix { ($0 >= "0" && $0 <= "9") || $0 == "." }
                if let q = Double(number), q > 0, q < 1 {
                    let p = q * 100
                    let text = p == p.rounded() ? String(Int(p)) : String(p)
                    if !quantiles.contains(text) { quantiles.append(text) }
                }
            }
        }
        var out: [Entry] = []
        let groupings: [[(String, String)]] = [[], [("by", "[model]")], [("by", "[instance]")]]
        for definition in catalog.signals {
            let metrics = definition.source.metrics.flatMap { m in [m.name] + m.fallbacks }
            guard metrics.contains(where: { m in names.contains { $0 == m || $0.hasPrefix(m + "_") } }) else {
                continue
            }
            let signal = [("signal", definition.signal.rawValue)]
            switch definition.signal.category {
            case .latency, .size:
                if type == "heatmap" {
                    out.append(Entry(kind: "heatmap", fields: signal))
                } else if !quantiles.isEmpty {
                    let percentiles = ("percentiles", "[" + quantiles.joined(separator: ", ") + "]")
                    for by in groupings {
                        out.append(Entry(kind: "latency", fields: signal + [percentiles] + by))
                        out.append(Entry(kind: "latency", fields: signal + [percentiles, ("mean", "true")] + by))
                    }
                }
            case .throughput:
                for by in groupings { out.append(Entry(kind: "throughput", fields: signal + by)) }
            case .saturation:
                for by in groupings { out.append(Entry(kind: "saturation", fields: signal + by)) }
            case .errors:
                for mode in ["", "by-reason", "http"] {
                    for by in groupings {
                        out.append(Entry(kind: "errors", fields: (mode.isEmpty ? [] : [("mode", mode)]) + by))
                    }
                }
            case .gpu:
                out.append(Entry(kind: "gpu", fields: signal))
            case .cost:
                break
            }
        }
        var seen: Set<Entry> = []
        return out.filter { seen.insert($0).inserted }
    }

    /// The entry whose panel has the same type, queries and legends as `panel`, if one does.
    func match(_ panel: JSON) -> Entry? {
        let wanted = panel["targets"]?.arrayValue ?? []
        for entry in candidates(panel) {
            var lines = [
                "apiVersion: llmdash/v1", "kind: Dashboard", "metadata: {uid: candidate, title: candidate}", "spec:",
                "  backend: \(catalog.backend.rawValue)",
            ]
            lines += variableLines
            lines.append("  panels:")
            lines.append(
                "    - \(entry.kind): {" + entry.fields.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}")
            let build = Compiler.build(files: [SourceFile(path: "candidate.yaml", text: lines.joined(separator: "\n"))])
            guard !build.diagnostics.hasErrors,
                let file = build.files.first(where: { $0.path.hasPrefix("dashboards/") }),
                let json = JSONParser.parse(file.contents, path: file.path).value,
                let panels = json["panels"]?.arrayValue, panels.count == 1,
                panels[0]["type"] == panel["type"] ?? .null
            else { continue }
            let got = panels[0]["targets"]?.arrayValue ?? []
            guard got.count == wanted.count else { continue }
            let same = zip(got, wanted).allSatisfy { a, b in
                guard let x = a["expr"]?.stringValue, let y = b["expr"]?.stringValue else { return false }
                return QueryDiff.compare(x, y) == nil
                    && (a["legendFormat"]?.stringValue ?? "") == (b["legendFormat"]?.stringValue ?? "")
            }
            if same { return entry }
        }
        return nil
    }
}

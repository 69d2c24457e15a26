import PromQL

/// How two PromQL queries differ, compared as PromQL rather than as text.
public struct QueryDifference: Sendable, Hashable {
    /// The old query, canonically formatted (variables as written), or whitespace-normalised when it does not parse.
    public var old: String
    /// The new query, likewise.
    public var new: String
    /// What differs, structurally: `quantile 0.99 → 0.95`, `by (model_name) → by (model_name, version)`,
    /// `window 5m → $__rate_interval`. Empty when a side does not parse.
    public var details: [String]
}

/// Compares PromQL queries (with Grafana variables) structurally.
public enum QueryDiff {
    /// nil when the two queries are the same PromQL (formatting, quoting and matcher order aside).
    public static func compare(_ old: String, _ new: String) -> QueryDifference? {
        if old == new || tokenText(old) == tokenText(new) { return nil }
        let a = GrafanaQuery.parse(old)
        let b = GrafanaQuery.parse(new)
        guard let x = a.expr, let y = b.expr, let fa = a.formatted(sortMatchers: true),
            let fb = b.formatted(sortMatchers: true)
        else {
            let (na, nb) = (normalizeSpace(old), normalizeSpace(new))
            return na == nb ? nil : QueryDifference(old: na, new: nb, details: [])
        }
        if fa == fb { return nil }
        var walker = Walker(a: a, b: b)
        walker.compare(x, y)
        return QueryDifference(
            old: a.formatted(sortMatchers: false) ?? fa, new: b.formatted(sortMatchers: false) ?? fb,
            details: walker.details)
    }

    /// The query with whitespace dropped wherever it does not separate two words (`sum by(le)(rate(x[5m]))`),
    /// string literals untouched: two queries with the same token text are the same query, without parsing.
    static func tokenText(_ query: String) -> [UInt8] {
        func isWord(_ b: UInt8) -> Bool {
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x3A
                || b == 0x2E || b >= 0x80
        }
        var out: [UInt8] = []
        out.reserveCapacity(query.utf8.count)
        var pendingSpace = false
        var quote: UInt8 = 0
        var escaped = false
        for b in query.utf8 {
            if quote != 0 {
                out.append(b)
                if escaped {
                    escaped = false
                } else if b == 0x5C && quote != 0x60 {
                    escaped = true
                } else if b == quote {
                    quote = 0
                }
                continue
            }
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
                pendingSpace = true
                continue
            }
            if pendingSpace, let last = out.last, isWord(last), isWord(b) { out.append(0x20) }
            pendingSpace = false
            if b == 0x22 || b == 0x27 || b == 0x60 { quote = b }
            out.append(b)
        }
        return out
    }

    /// Whitespace runs collapsed to one space, ends trimmed.
    public static func normalizeSpace(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
    }

    /// The canonical text of a query for matching (variables as written), or its whitespace-normalised text.
    static func canonical(_ query: String) -> String {
        GrafanaQuery.format(query, sortMatchers: true) ?? normalizeSpace(query)
    }

    /// Metric names a query selects, for matching panels whose queries changed.
    static func metricNames(_ query: String) -> [String] {
        guard let expr = GrafanaQuery.parse(query).expr else { return [] }
        var names: [String] = []
        expr.walk { node in
            switch node {
            case .vectorSelector(let v): if let n = v.name { names.append(n) }
            case .matrixSelector(let m): if let n = m.selector.name { names.append(n) }
            default: break
            }
        }
        return names
    }

    /// Walks two trees side by side while their shapes agree, noting each difference where it is.
    private struct Walker {
        let a: GrafanaCheckResult
        let b: GrafanaCheckResult
        var details: [String] = []

        func text(_ e: Expr, _ side: GrafanaCheckResult) -> String { side.formatted(e, sortMatchers: true) }

        mutating func note(_ what: String, _ old: String, _ new: String) {
            let line = what.isEmpty ? "\(old) → \(new)" : "\(what) \(old) → \(new)"
            if !details.contains(line) { details.append(line) }
        }

        mutating func compare(_ x: Expr, _ y: Expr) {
            if text(x, a) == text(y, b) { return }
            // One side wrapped in (or unwrapped from) a function or an aggregation.
            if let inner = wrapped(y, b), text(inner, b) == text(x, a) {
                details.append("wrapped in " + wrapper(y, b))
                return
            }
            if let inner = wrapped(x, a), text(inner, a) == text(y, b) {
                details.append("unwrapped from " + wrapper(x, a))
                return
            }
            switch (x, y) {
            case (.paren(let p), _): compare(p.expr, y)
            case (_, .paren(let q)): compare(x, q.expr)
            case (.call(let f), .call(let g)):
                if f.name != g.name { note("function", f.name, g.name) }
                if f.args.count == g.args.count {
                    for (i, (p, q)) in zip(f.args, g.args).enumerated() {
                        compareArgument(p, q, name: argumentName(f.name, i))
                    }
                } else {
                    note("", text(x, a), text(y, b))
                }
            case (.aggregation(let f), .aggregation(let g)):
                if f.op != g.op { note("aggregation", f.op.rawValue, g.op.rawValue) }
                if f.grouping != g.grouping { note("", grouping(f.grouping, a), grouping(g.grouping, b)) }
                switch (f.param, g.param) {
                case (let p?, let q?): compareArgument(p, q, name: f.op == .quantile ? "quantile" : "parameter")
                case (nil, nil): break
                default: note("", text(x, a), text(y, b))
                }
                compare(f.expr, g.expr)
            case (.binary(let f), .binary(let g)):
                let (ops, opt) = (operatorText(f, a), operatorText(g, b))
                if ops != opt { note("operator", ops, opt) }
                compare(f.lhs, g.lhs)
                compare(f.rhs, g.rhs)
            case (.unary(let f), .unary(let g)) where f.op == g.op:
                compare(f.expr, g.expr)
            case (.matrixSelector(let f), .matrixSelector(let g)):
                let (wa, wb) = (window(f, a), window(g, b))
                if wa != wb { note("window", wa, wb) }
                compareSelector(f.selector, g.selector, x, y)
            case (.vectorSelector(let f), .vectorSelector(let g)):
                compareSelector(f, g, x, y)
            case (.subquery(let f), .subquery(let g)):
                let (sa, sb) = (subqueryRange(x, a), subqueryRange(y, b))
                if sa != sb { note("subquery", sa, sb) }
                compare(f.expr, g.expr)
            case (.number, .number), (.string, .string):
                note("", text(x, a), text(y, b))
            default:
                note("", text(x, a), text(y, b))
            }
        }

        /// The operand of a call with one vector argument, or of an aggregation.
        func wrapped(_ e: Expr, _ side: GrafanaCheckResult) -> Expr? {
            switch e {
            case .aggregation(let g): return g.expr
            case .call(let c): return c.args.count == 1 ? c.args[0] : nil
            default: return nil
            }
        }

        /// `avg by (instance, gpu)` or `abs`: the wrapper without its operand.
        func wrapper(_ e: Expr, _ side: GrafanaCheckResult) -> String {
            switch e {
            case .aggregation(let g):
                var s = g.op.rawValue
                if g.grouping != nil { s += " " + grouping(g.grouping, side) }
                if let p = g.param { s += " (" + text(p, side) + ", …)" }
                return s
            case .call(let c): return c.name
            default: return ""
            }
        }

        mutating func compareArgument(_ p: Expr, _ q: Expr, name: String) {
            switch (p, q) {
            case (.number, .number), (.string, .string):
                let (s, t) = (text(p, a), text(q, b))
                if s != t { note(name, s, t) }
            default:
                compare(p, q)
            }
        }

        func argumentName(_ function: String, _ index: Int) -> String {
            switch (function, index) {
            case ("histogram_quantile", 0), ("quantile_over_time", 0): "quantile"
            case ("label_replace", 1), ("label_join", 1): "destination label"
            case ("label_replace", 2): "replacement"
            case ("label_replace", 3): "source label"
            case ("label_replace", 4): "regex"
            case ("clamp_min", 1), ("clamp_max", 1), ("clamp", 1): "bound"
            case ("round", 1): "to nearest"
            default: "\(function) argument \(index + 1)"
            }
        }

        mutating func compareSelector(_ f: VectorSelector, _ g: VectorSelector, _ x: Expr, _ y: Expr) {
            let (na, nb) = (metric(f, a), metric(g, b))
            if na != nb { note("metric", na ?? "(none)", nb ?? "(none)") }
            let ma = matchers(f, a)
            let mb = matchers(g, b)
            for (label, old) in ma where label != "__name__" {
                if let new = mb.first(where: { $0.0 == label })?.1 {
                    if old != new { note("matcher", old, new) }
                } else {
                    details.append("matcher \(old) removed")
                }
            }
            for (label, new) in mb where label != "__name__" && !ma.contains(where: { $0.0 == label }) {
                details.append("matcher \(new) added")
            }
            let (oa, ob) = (modifiers(x, a), modifiers(y, b))
            if oa != ob { note("modifier", oa.isEmpty ? "(none)" : oa, ob.isEmpty ? "(none)" : ob) }
        }

        /// The metric name as printed (a variable as written).
        func metric(_ v: VectorSelector, _ side: GrafanaCheckResult) -> String? {
            guard v.name != nil else { return nil }
            let printed = side.formatted(
                .vectorSelector(
                    VectorSelector(
                        metricName: v.metricName ?? v.name, sourceRange: v.sourceRange)))
            return printed
        }

        /// Each matcher's label name and printed text (`model_name=~"$model"`), one per label name.
        func matchers(_ v: VectorSelector, _ side: GrafanaCheckResult) -> [(String, String)] {
            var out: [(String, String)] = []
            for m in v.matchers {
                let printed = side.formatted(.vectorSelector(VectorSelector(matchers: [m], sourceRange: v.sourceRange)))
                let inner = String(printed.dropFirst().dropLast())
                if let k = out.firstIndex(where: { $0.0 == m.name }) {
                    out[k].1 += ", " + inner
                } else {
                    out.append((m.name, inner))
                }
            }
            return out.sorted { $0.0 < $1.0 }
        }

        /// `offset` and `@` as printed, without the selector.
        func modifiers(_ e: Expr, _ side: GrafanaCheckResult) -> String {
            let full = side.formatted(e, sortMatchers: true)
            var bare = e
            switch e {
            case .vectorSelector(var v):
                v.offset = nil
                v.at = nil
                bare = .vectorSelector(v)
            case .matrixSelector(var m):
                m.selector.offset = nil
                m.selector.at = nil
                bare = .matrixSelector(m)
            default: return ""
            }
            let plain = side.formatted(bare, sortMatchers: true)
            return full.hasPrefix(plain) ? String(full.dropFirst(plain.count)).trimmingSpaces : ""
        }

        func window(_ m: MatrixSelector, _ side: GrafanaCheckResult) -> String {
            let printed = side.formatted(
                .matrixSelector(
                    MatrixSelector(
                        selector: VectorSelector(metricName: "x", sourceRange: m.selector.sourceRange),
                        window: m.window,
                        windowRange: m.windowRange, sourceRange: m.sourceRange)))
            return String(printed.dropFirst(2).dropLast())
        }

        func subqueryRange(_ e: Expr, _ side: GrafanaCheckResult) -> String {
            let printed = side.formatted(e, sortMatchers: true)
            guard let open = printed.lastIndex(of: "[") else { return printed }
            return String(printed[open...])
        }

        func grouping(_ g: Grouping?, _ side: GrafanaCheckResult) -> String {
            guard let g else { return "no grouping" }
            let printed = side.formatted(
                .aggregation(
                    Aggregation(
                        op: .sum, expr: .number(NumberLiteral(value: 0)), grouping: g)))
            // "sum by (a, b) (0)" → "by (a, b)"
            return String(printed.dropFirst(4).dropLast(4))
        }

        func operatorText(_ e: BinaryExpr, _ side: GrafanaCheckResult) -> String {
            var bare = e
            let at = e.rhs.sourceRange.lowerBound
            bare.lhs = .number(NumberLiteral(value: 0))
            bare.rhs = .number(NumberLiteral(value: 0, sourceRange: at..<at))
            let printed = side.formatted(.binary(bare))
            return String(printed.dropFirst(2).dropLast(2))
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}

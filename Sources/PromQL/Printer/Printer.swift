/// Prints expressions in canonical PromQL, in the style of Prometheus's `String()`:
/// `sum by (job) (rate(x{a="b"}[5m]))`, single spaces around binary operators, durations as `1h30m`.
///
/// Matchers keep the order they were written in (or are sorted, if asked), so that parsing the output
/// gives back an equal tree, and printing that tree gives the same text.
public struct Printer: Sendable {
    /// Sort label matchers by their printed text, as Prometheus does.
    public var sortMatchers: Bool
    /// Writes Grafana variable references back in place of their stand-ins (see `GrafanaCheckResult.formatted`).
    var restorer: VariableRestorer?

    public init(sortMatchers: Bool = false) {
        self.sortMatchers = sortMatchers
    }

    /// The canonical text of an expression.
    public func print(_ expr: Expr) -> String {
        var out = ""
        write(expr, to: &out)
        return out
    }

    // Each case is written by its own function so that a recursion level keeps a small stack frame.
    private func write(_ expr: Expr, to out: inout String) {
        switch expr {
        case .number, .string, .vectorSelector, .matrixSelector: writeLeaf(expr, to: &out)
        case .subquery: writeSubquery(expr, to: &out)
        case .call: writeCall(expr, to: &out)
        case .aggregation: writeAggregation(expr, to: &out)
        case .binary: writeBinary(expr, to: &out)
        case .unary: writeUnary(expr, to: &out)
        case .paren: writeParen(expr, to: &out)
        }
    }

    @inline(never)
    private func writeLeaf(_ expr: Expr, to out: inout String) {
        switch expr {
        case .number(let n):
            out += restorer?.text(n.sourceRange) ?? Printer.format(n)
        case .string(let s):
            out += GoQuote.quote(restorer?.stringValue(s.sourceRange) ?? s.value)
        case .vectorSelector(let vs):
            writeSelector(vs, to: &out)
            writeModifiers(at: vs.at, rangeModifier: vs.rangeModifier, offset: vs.offset, to: &out)
        case .matrixSelector(let m):
            writeSelector(m.selector, to: &out)
            out += "["
            out += restorer?.text(m.windowRange) ?? Printer.format(m.window)
            out += "]"
            writeModifiers(
                at: m.selector.at, rangeModifier: m.selector.rangeModifier, offset: m.selector.offset, to: &out)
        default:
            break
        }
    }

    @inline(never)
    private func writeSubquery(_ expr: Expr, to out: inout String) {
        guard case .subquery(let s) = expr else { return }
        writeOperand(s.expr, needsParens: Printer.needsParensForPostfix(s.expr), to: &out)
        out += "["
        out += restorer?.text(s.windowRange) ?? Printer.format(s.window)
        out += ":"
        if let step = s.step {
            out += restorer?.text(restorer?.stepRange(after: s.windowRange) ?? 0..<0) ?? Printer.format(step)
        }
        out += "]"
        writeModifiers(at: s.at, rangeModifier: nil, offset: s.offset, to: &out)
    }

    @inline(never)
    private func writeCall(_ expr: Expr, to out: inout String) {
        guard case .call(let c) = expr else { return }
        out += c.name
        out += "("
        writeList(c.args, to: &out)
        out += ")"
    }

    @inline(never)
    private func writeAggregation(_ expr: Expr, to out: inout String) {
        guard case .aggregation(let a) = expr else { return }
        out += a.op.rawValue
        if let g = a.grouping {
            out += g.without ? " without (" : " by ("
            out += g.labels.map { restorer?.identifier($0, in: g.sourceRange) ?? Printer.labelName($0) }
                .joined(separator: ", ")
            out += ") "
        }
        out += "("
        if let param = a.param {
            write(param, to: &out)
            out += ", "
        }
        write(a.expr, to: &out)
        out += ")"
    }

    @inline(never)
    private func writeUnary(_ expr: Expr, to out: inout String) {
        guard case .unary(let u) = expr else { return }
        out += u.op.rawValue
        writeOperand(u.expr, needsParens: Printer.needsParensForUnaryOperand(u.expr), to: &out)
    }

    @inline(never)
    private func writeParen(_ expr: Expr, to out: inout String) {
        guard case .paren(let p) = expr else { return }
        out += "("
        write(p.expr, to: &out)
        out += ")"
    }

    private func writeList(_ exprs: [Expr], to out: inout String) {
        for (i, e) in exprs.enumerated() {
            if i > 0 { out += ", " }
            write(e, to: &out)
        }
    }

    private func writeOperand(_ expr: Expr, needsParens: Bool, to out: inout String) {
        if needsParens { out += "(" }
        write(expr, to: &out)
        if needsParens { out += ")" }
    }

    @inline(never)
    private func writeBinary(_ expr: Expr, to out: inout String) {
        guard case .binary(let b) = expr else { return }
        let lhsParens: Bool
        if case .binary(let l) = b.lhs {
            lhsParens =
                l.op.precedence < b.op.precedence || (l.op.precedence == b.op.precedence && b.op.isRightAssociative)
        } else {
            lhsParens = Printer.isLooseUnary(b.lhs) && b.op.precedence > BinaryOp.mul.precedence
        }
        let rhsParens: Bool
        if case .binary(let r) = b.rhs {
            rhsParens =
                r.op.precedence < b.op.precedence || (r.op.precedence == b.op.precedence && !b.op.isRightAssociative)
        } else {
            rhsParens = false
        }
        writeOperand(b.lhs, needsParens: lhsParens, to: &out)
        out += " "
        writeOperator(b, to: &out)
        out += " "
        writeOperand(b.rhs, needsParens: rhsParens, to: &out)
    }

    @inline(never)
    private func writeOperator(_ b: BinaryExpr, to out: inout String) {
        out += b.op.rawValue
        if b.returnBool { out += " bool" }
        let m = b.matching
        let clauseRange = b.operatorRange.lowerBound..<max(b.operatorRange.lowerBound, b.rhs.sourceRange.lowerBound)
        let labelName = { (name: String) in restorer?.identifier(name, in: clauseRange) ?? Printer.labelName(name) }
        switch m.clause {
        case .on(let labels):
            out += " on (" + labels.map(labelName).joined(separator: ", ") + ")"
        case .ignoring(let labels):
            out += " ignoring (" + labels.map(labelName).joined(separator: ", ") + ")"
        case nil:
            break
        }
        switch m.group {
        case .left(let labels):
            out += " group_left (" + labels.map(labelName).joined(separator: ", ") + ")"
        case .right(let labels):
            out += " group_right (" + labels.map(labelName).joined(separator: ", ") + ")"
        case nil:
            break
        }
        if let fill = m.fill {
            if let l = fill.lhs, let r = fill.rhs, sameNumber(l, r) {
                out += " fill (" + Printer.formatNumber(l) + ")"
            } else {
                if let l = fill.lhs { out += " fill_left (" + Printer.formatNumber(l) + ")" }
                if let r = fill.rhs { out += " fill_right (" + Printer.formatNumber(r) + ")" }
            }
        }
    }

    /// A unary expression binds like `*`, so it needs parentheses as the left operand of `^`.
    private static func isLooseUnary(_ e: Expr) -> Bool {
        if case .unary = e { return true }
        if case .number(let n) = e, n.value.sign == .minus { return true }
        return false
    }

    private static func needsParensForUnaryOperand(_ e: Expr) -> Bool {
        if case .binary(let b) = e { return b.op.precedence < BinaryOp.pow.precedence }
        return false
    }

    private static func needsParensForPostfix(_ e: Expr) -> Bool {
        switch e {
        case .binary, .unary: return true
        case .number(let n): return n.value.sign == .minus
        default: return false
        }
    }

    private func writeSelector(_ vs: VectorSelector, to out: inout String) {
        if let name = vs.metricName { out += restorer?.identifier(name, in: vs.sourceRange) ?? name }
        if vs.matchers.isEmpty {
            if vs.metricName == nil { out += "{}" }
            return
        }
        var parts = vs.matchers.map { m in
            (restorer?.identifier(m.name, in: m.sourceRange) ?? Printer.labelName(m.name)) + m.op.rawValue
                + GoQuote.quote(restorer?.stringValue(m.valueRange) ?? m.value)
        }
        if sortMatchers { parts.sort() }
        out += "{"
        out += parts.joined(separator: ",")
        out += "}"
    }

    private func writeModifiers(at: AtModifier?, rangeModifier: RangeModifier?, offset: Offset?, to out: inout String) {
        if let rangeModifier {
            out += " "
            out += rangeModifier.rawValue
        }
        if let at, let text = restorer?.text(at.sourceRange) {
            out += " " + text
        } else if let at {
            switch at.kind {
            case .timestamp(let ms): out += " @ " + Printer.formatTimestamp(ms)
            case .start: out += " @ start()"
            case .end: out += " @ end()"
            }
        }
        if let offset, let text = restorer?.text(offset.sourceRange) {
            out += " " + text
        } else if let offset {
            out += " offset "
            switch offset.value {
            case .literal(let ns): out += Printer.formatDuration(nanoseconds: ns)
            case .expression(let e): out += Printer.formatOffset(e)
            }
        }
    }

    // MARK: - Formatting helpers

    /// A label name, quoted when it is not a plain identifier.
    static func labelName(_ name: String) -> String {
        var first = true
        for b in name.utf8 {
            let ok =
                b == UInt8(ascii: "_") || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z"))
                || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                || (!first && b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
            if !ok { return GoQuote.quote(name) }
            first = false
        }
        return name.isEmpty ? "\"\"" : name
    }

    static func format(_ n: NumberLiteral) -> String {
        if n.isDuration && n.value.isFinite {
            let ns = Parser.nanoseconds(n.value)
            if ns != Int64.min && ns % 1_000_000 == 0 {
                return NumberParsing.formatDuration(milliseconds: ns / 1_000_000)
            }
        }
        return formatNumber(n.value)
    }

    /// The shortest text that reads back as the same number.
    static func formatNumber(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v < 0 ? "-Inf" : "Inf" }
        var s = v.description
        if s.hasSuffix(".0") { s.removeLast(2) }
        return s
    }

    static func formatTimestamp(_ ms: Int64) -> String {
        let negative = ms < 0
        let magnitude = ms.magnitude
        let frac = magnitude % 1000
        var fracText = String(frac)
        while fracText.count < 3 { fracText = "0" + fracText }
        return (negative ? "-" : "") + "\(magnitude / 1000)." + fracText
    }

    /// A duration literal: `1h30m` when it is a whole number of milliseconds, seconds otherwise.
    static func formatDuration(nanoseconds ns: Int64) -> String {
        if ns % 1_000_000 == 0 { return NumberParsing.formatDuration(milliseconds: ns / 1_000_000) }
        return formatNumber(Double(ns) / 1e9)
    }

    static func format(_ d: DurationValue) -> String {
        switch d {
        case .literal(let ns): formatDuration(nanoseconds: ns)
        case .expression(let e): format(e)
        }
    }

    static func format(_ e: DurationExpr) -> String {
        switch e {
        case .number(let n): return format(n)
        case .unary(let op, let inner):
            if case .binary(let bop, _, _) = inner, bop != .pow {
                return op.rawValue + "(" + format(inner) + ")"
            }
            return op.rawValue + format(inner)
        case .binary(let op, let l, let r):
            let p = durationPrecedence(op)
            var ls = format(l)
            var rs = format(r)
            if case .binary(let lop, _, _) = l {
                let lp = durationPrecedence(lop)
                if lp < p || (lp == p && op == .pow) { ls = "(" + ls + ")" }
            } else if op == .pow, isNegative(l) {
                ls = "(" + ls + ")"
            }
            if case .binary(let rop, _, _) = r {
                let rp = durationPrecedence(rop)
                if rp < p || (rp == p && op != .pow) { rs = "(" + rs + ")" }
            }
            return ls + " " + op.rawValue + " " + rs
        case .paren(let inner): return "(" + format(inner) + ")"
        case .step: return "step()"
        case .range: return "range()"
        case .minOf(let a, let b): return "min_of(" + format(a) + ", " + format(b) + ")"
        case .maxOf(let a, let b): return "max_of(" + format(a) + ", " + format(b) + ")"
        }
    }

    /// Text for an offset expression that parses back to the same tree.
    ///
    /// After `offset`, a leading number, `step()`, `range()`, `min_of`/`max_of`, or a single sign with one of
    /// those (or a parenthesis) is taken alone, and what follows applies to the selector; only a leading
    /// parenthesis or two leading signs start a full duration expression. So a compound expression that does
    /// not already start that way gets a neutral `+ +` or `+ ` prefix.
    static func formatOffset(_ e: DurationExpr) -> String {
        let text = format(e)
        switch e {
        case .step, .range, .minOf, .maxOf, .paren:
            return text
        case .unary(.minus, .step), .unary(.minus, .range), .unary(.minus, .minOf), .unary(.minus, .maxOf),
            .unary(.minus, .paren):
            return text
        default:
            break
        }
        let bytes = Array(text.utf8)
        guard let first = bytes.first else { return text }
        if first == UInt8(ascii: "(") { return text }
        let isSign = { (b: UInt8) in b == UInt8(ascii: "+") || b == UInt8(ascii: "-") }
        if isSign(first) {
            let rest = bytes.dropFirst().drop { $0 == UInt8(ascii: " ") }
            if let second = rest.first, isSign(second) { return text }
            return "+ " + text
        }
        return "+ +" + text
    }

    private static func isNegative(_ e: DurationExpr) -> Bool {
        switch e {
        case .unary(.minus, _): true
        case .number(let n): n.value.sign == .minus
        default: false
        }
    }

    private static func durationPrecedence(_ op: DurationOp) -> Int {
        switch op {
        case .add, .sub: 4
        case .mul, .div, .mod: 5
        case .pow: 6
        }
    }
}

extension Expr {
    /// The canonical text of the expression.
    public var formatted: String { Printer().print(self) }
}

extension Expr: CustomStringConvertible {
    /// The canonical text of the expression.
    public var description: String { formatted }
}

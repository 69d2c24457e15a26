/// Checks types and the semantic rules Prometheus applies after parsing (`checkAST`).
///
/// Types are optional internally: an unknown function has no known result type, and checks that
/// depend on an unknown type are skipped so one mistake does not cascade.
struct TypeChecker {
    let input: [UInt8]
    var diagnostics: [Diagnostic] = []

    init(input: [UInt8]) {
        self.input = input
    }

    private mutating func error(_ id: Diagnostic.ID, _ message: String, _ range: Range<Int>) {
        diagnostics.append(Diagnostic(id: id, message: message, range: range))
    }

    /// Checks an expression and returns its type (nil when unknown).
    ///
    /// Each case is checked by its own function so that a recursion level keeps a small stack frame.
    @discardableResult
    mutating func check(_ expr: Expr) -> ValueType? {
        switch expr {
        case .number: return .scalar
        case .string: return .string
        case .vectorSelector, .matrixSelector: return checkSelectorExpr(expr)
        case .subquery: return checkSubquery(expr)
        case .paren: return checkParen(expr)
        case .unary: return checkUnary(expr)
        case .aggregation: return checkAggregation(expr)
        case .call: return checkCall(expr)
        case .binary: return checkBinary(expr)
        }
    }

    @inline(never)
    private mutating func checkSelectorExpr(_ expr: Expr) -> ValueType? {
        switch expr {
        case .vectorSelector(let vs):
            checkSelector(vs, bypassEmptyCheck: false)
            return .instantVector
        case .matrixSelector(let m):
            checkSelector(m.selector, bypassEmptyCheck: false)
            return .rangeVector
        default:
            return nil
        }
    }

    @inline(never)
    private mutating func checkSubquery(_ expr: Expr) -> ValueType? {
        guard case .subquery(let s) = expr else { return nil }
        if let t = check(s.expr), t != .instantVector {
            error(
                .typeMismatch, "subquery is only allowed on instant vector, got \(t.prometheusName) instead",
                s.sourceRange)
        }
        return .rangeVector
    }

    @inline(never)
    private mutating func checkParen(_ expr: Expr) -> ValueType? {
        guard case .paren(let p) = expr else { return nil }
        return check(p.expr)
    }

    @inline(never)
    private mutating func checkUnary(_ expr: Expr) -> ValueType? {
        guard case .unary(let u) = expr else { return nil }
        let t = check(u.expr)
        if let t, t != .scalar && t != .instantVector {
            error(
                .typeMismatch,
                "unary expression only allowed on expressions of type scalar or instant vector, got \"\(t)\"",
                u.sourceRange)
        }
        return t
    }

    @inline(never)
    private mutating func checkAggregation(_ expr: Expr) -> ValueType? {
        guard case .aggregation(let a) = expr else { return nil }
        expect(a.expr, .instantVector, "aggregation expression")
        if let param = a.param, let wanted = a.op.parameterType {
            expect(param, wanted, "aggregation parameter")
        }
        return .instantVector
    }

    private mutating func expect(_ expr: Expr, _ wanted: ValueType, _ context: String) {
        if let t = check(expr), t != wanted {
            error(.typeMismatch, "expected type \(wanted) in \(context), got \(t)", expr.sourceRange)
        }
    }

    private mutating func checkSelector(_ vs: VectorSelector, bypassEmptyCheck: Bool) {
        if let name = vs.metricName {
            for m in vs.matchers where m.name == "__name__" {
                error(
                    .selector,
                    "metric name must not be set twice: \(GoQuote.quote(name)) or \(GoQuote.quote(m.value))",
                    vs.sourceRange)
            }
            return
        }
        if bypassEmptyCheck { return }
        if !vs.matchers.contains(where: { !TypeChecker.matchesEmpty($0) }) {
            error(.selector, "vector selector must contain at least one non-empty matcher", vs.sourceRange)
        }
    }

    /// Whether a matcher matches the empty label value (a selector of only such matchers selects everything).
    static func matchesEmpty(_ m: LabelMatcher) -> Bool {
        switch m.op {
        case .equal: return m.value.isEmpty
        case .notEqual: return !m.value.isEmpty
        case .regexMatch, .regexNoMatch:
            // An invalid regex is already an error; do not add a second one about it.
            guard let nullable = RE2Syntax.matchesEmpty(Array(m.value.utf8)) else { return false }
            return m.op == .regexMatch ? nullable : !nullable
        }
    }

    @inline(never)
    private mutating func checkCall(_ expr: Expr) -> ValueType? {
        guard case .call(let c) = expr else { return nil }
        guard let f = c.function else {
            for arg in c.args { check(arg) }
            return nil
        }
        let count = c.args.count
        let declared = f.argTypes.count
        if f.variadic == 0 {
            if declared != count {
                error(
                    .arity, "expected \(declared) argument(s) in call to \(GoQuote.quote(f.name)), got \(count)",
                    c.sourceRange)
            }
        } else if declared - 1 > count {
            error(
                .arity,
                "expected at least \(declared - 1) argument(s) in call to \(GoQuote.quote(f.name)), got \(count)",
                c.sourceRange)
        } else if f.variadic > 0 && declared - 1 + f.variadic < count {
            error(
                .arity,
                "expected at most \(declared - 1 + f.variadic) argument(s) in call to \(GoQuote.quote(f.name)), got \(count)",
                c.sourceRange)
        }
        var labelSelectorArgument = false
        if f.name == "info" && count > 1 {
            let second = c.args[1]
            if second.staticType != .instantVector {
                error(
                    .typeMismatch,
                    "expected type instant vector in call to function \"info\", got \(second.staticType)", c.sourceRange
                )
            }
            if case .vectorSelector(let vs) = second {
                if vs.metricName != nil {
                    error(
                        .typeMismatch, "expected label selectors only, got vector selector instead", second.sourceRange)
                } else {
                    labelSelectorArgument = true
                }
            } else {
                error(.typeMismatch, "expected label selectors only", second.sourceRange)
            }
        }
        for (i, arg) in c.args.enumerated() {
            guard let wanted = f.argType(at: i) else { break }
            let t: ValueType?
            if i == 1 && labelSelectorArgument, case .vectorSelector(let vs) = arg {
                checkSelector(vs, bypassEmptyCheck: true)
                t = .instantVector
            } else {
                t = check(arg)
            }
            if let t, t != wanted {
                error(
                    .typeMismatch,
                    "expected type \(wanted) in call to function \(GoQuote.quote(f.name)), got \(t)", arg.sourceRange)
            }
        }
        return f.returnType
    }

    @inline(never)
    private mutating func checkBinary(_ expr: Expr) -> ValueType? {
        guard case .binary(let b) = expr else { return nil }
        let lt = check(b.lhs)
        let rt = check(b.rhs)
        let opRange = b.operatorRange
        if b.returnBool && !b.op.isComparison {
            error(.binaryOperator, "bool modifier can only be used on comparison operators", opRange)
        }
        if b.op.isComparison && !b.returnBool && lt == .scalar && rt == .scalar {
            error(.binaryOperator, "comparisons between scalars must use BOOL modifier", opRange)
        }
        if case .on(let on) = b.matching.clause, let group = b.matching.group {
            for l1 in on {
                for l2 in group.labels where l1 == l2 {
                    error(
                        .binaryOperator, "label \(GoQuote.quote(l1)) must not occur in ON and GROUP clause at once",
                        opRange)
                }
            }
        }
        if let lt, lt != .scalar && lt != .instantVector {
            error(
                .typeMismatch, "binary expression must contain only scalar and instant vector types", b.lhs.sourceRange)
        }
        if let rt, rt != .scalar && rt != .instantVector {
            error(
                .typeMismatch, "binary expression must contain only scalar and instant vector types", b.rhs.sourceRange)
        }
        guard let lt, let rt else { return nil }
        if lt != .instantVector || rt != .instantVector {
            if let clause = b.matching.clause, !clause.labels.isEmpty {
                error(.binaryOperator, "vector matching only allowed between instant vectors", b.sourceRange)
            }
            if b.matching.fill != nil {
                error(.binaryOperator, "filling in missing series only allowed between instant vectors", b.sourceRange)
            }
        } else if b.op.isSetOperator {
            if b.matching.group != nil {
                error(.binaryOperator, "no grouping allowed for \"\(b.op.rawValue)\" operation", b.sourceRange)
                error(.binaryOperator, "set operations must always be many-to-many", b.sourceRange)
            }
            if b.matching.fill != nil {
                error(.binaryOperator, "filling in missing series not allowed for set operators", b.sourceRange)
            }
        }
        if (lt == .scalar || rt == .scalar) && b.op.isSetOperator {
            error(
                .binaryOperator, "set operator \"\(b.op.rawValue)\" not allowed in binary scalar expression",
                b.sourceRange)
        }
        return lt == .scalar && rt == .scalar ? .scalar : .instantVector
    }
}

extension Expr {
    /// The type the expression evaluates to, from its shape alone (an unknown function counts as an
    /// instant vector). For a checked query, use `ParseResult.type`.
    public var staticType: ValueType {
        switch self {
        case .number: .scalar
        case .string: .string
        case .vectorSelector, .aggregation: .instantVector
        case .matrixSelector, .subquery: .rangeVector
        case .call(let c): c.function?.returnType ?? .instantVector
        case .paren(let p): p.expr.staticType
        case .unary(let u): u.expr.staticType
        case .binary(let b): b.lhs.staticType == .scalar && b.rhs.staticType == .scalar ? .scalar : .instantVector
        }
    }
}

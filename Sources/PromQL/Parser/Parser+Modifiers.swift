/// A duration expression under construction, with its byte range and tree depth.
struct ParsedDuration {
    var expr: DurationExpr
    var range: Range<Int>
    var depth: Int
}

/// Where a duration is being parsed, for error messages.
enum DurationContext {
    case window, step, offset

    var context: String {
        switch self {
        case .window: "subquery or range selector"
        case .step: "subquery selector"
        case .offset: "offset"
        }
    }

    var expected: String {
        switch self {
        case .window, .offset: "number, duration, step(), or range()"
        case .step: "number, duration, step(), range(), or \"]\""
        }
    }
}

extension Parser {
    // MARK: - Ranges and subqueries

    mutating func parseRangeOrSubquery(_ e: Parsed) throws(SyntaxAbort) -> Parsed {
        let open = advance()
        if current.kind == .rightBracket {
            throw unexpected(context: DurationContext.window.context, expected: DurationContext.window.expected)
        }
        let first = try parseDurationExpr(minPrecedence: 0, context: .window)
        let window = positiveDuration(first)
        switch current.kind {
        case .rightBracket:
            let close = advance()
            return makeMatrix(e, window: window, windowRange: first.range, brackets: open.start..<close.end)
        case .colon:
            advance()
            var step: DurationValue?
            var stepDepth = 0
            if current.kind != .rightBracket {
                let parsedStep = try parseDurationExpr(minPrecedence: 0, context: .step)
                step = positiveDuration(parsedStep)
                stepDepth = parsedStep.depth
                guard current.kind == .rightBracket else {
                    throw unexpected(context: "subquery selector", expected: "\"]\"")
                }
            }
            let close = advance()
            let node = SubqueryExpr(
                expr: e.expr, window: window, step: step, windowRange: first.range,
                sourceRange: e.expr.sourceRange.lowerBound..<close.end)
            return Parsed(expr: .subquery(node), depth: Swift.max(e.depth, first.depth, stepDepth) + 1)
        default:
            throw unexpected(context: "subquery or range", expected: "\":\" or \"]\"")
        }
    }

    private mutating func makeMatrix(
        _ e: Parsed, window: DurationValue, windowRange: Range<Int>, brackets: Range<Int>
    ) -> Parsed {
        guard case .vectorSelector(let selector) = e.expr else {
            error(.modifier, "ranges only allowed for vector selectors", brackets)
            markIncomplete()
            return e
        }
        if selector.offset?.isEffectivelySet == true {
            error(.modifier, "no offset modifiers allowed before range", brackets)
        } else if selector.at != nil {
            error(.modifier, "no @ modifiers allowed before range", brackets)
        }
        let node = MatrixSelector(
            selector: selector, window: window, windowRange: windowRange,
            sourceRange: selector.sourceRange.lowerBound..<brackets.upperBound)
        return Parsed(expr: .matrixSelector(node), depth: e.depth + 1)
    }

    /// A window or step must be positive when it is a literal.
    private mutating func positiveDuration(_ d: ParsedDuration) -> DurationValue {
        guard case .number(let literal) = d.expr else { return .expression(d.expr) }
        if literal.value <= 0 {
            error(.duration, "duration must be greater than 0", literal.sourceRange)
            return .literal(nanoseconds: 0)
        }
        return .literal(nanoseconds: Parser.nanoseconds(literal.value))
    }

    /// Seconds to nanoseconds, rounding half away from zero like Go's `math.Round`.
    static func nanoseconds(_ seconds: Double) -> Int64 {
        let r = (seconds * 1e9).rounded()
        if r.isNaN || r >= 9_223_372_036_854_775_808.0 || r < -9_223_372_036_854_775_808.0 { return Int64.min }
        return Int64(r)
    }

    static func outOfDurationRange(_ seconds: Double) -> Bool {
        seconds > 9_223_372_036.854_775_808 || seconds < -9_223_372_036.854_775_808
    }

    // MARK: - Duration expressions

    private static func durationOperator(_ kind: TokenKind) -> (DurationOp, Int)? {
        switch kind {
        case .add: (.add, 4)
        case .sub: (.sub, 4)
        case .mul: (.mul, 5)
        case .div: (.div, 5)
        case .mod: (.mod, 5)
        case .pow: (.pow, 6)
        default: nil
        }
    }

    private mutating func gateDurationExpression(_ range: Range<Int>) {
        if !options.durationExpressions {
            error(.featureDisabled, "experimental duration expression is not enabled", range)
        }
    }

    mutating func parseDurationExpr(minPrecedence: Int, context: DurationContext) throws(SyntaxAbort)
        -> ParsedDuration
    {
        try enter()
        defer { leave() }
        var lhs = try parseDurationUnary(context: context)
        while let (op, precedence) = Parser.durationOperator(current.kind), precedence >= minPrecedence {
            let opToken = advance()
            let rhs = try parseDurationExpr(
                minPrecedence: op == .pow ? precedence : precedence + 1, context: context)
            gateDurationExpression(lhs.range)
            let range = lhs.range.lowerBound..<rhs.range.upperBound
            let depth = Swift.max(lhs.depth, rhs.depth) + 1
            try checkTreeDepth(depth)
            if op == .div || op == .mod, case .number(let divisor) = rhs.expr, divisor.value == 0 {
                error(.duration, op == .div ? "division by zero" : "modulo by zero", opToken.start..<opToken.end)
                lhs = ParsedDuration(expr: .number(NumberLiteral(value: 0, sourceRange: range)), range: range, depth: 1)
                continue
            }
            lhs = ParsedDuration(expr: .binary(op, lhs.expr, rhs.expr), range: range, depth: depth)
        }
        return lhs
    }

    private mutating func parseDurationUnary(context: DurationContext) throws(SyntaxAbort) -> ParsedDuration {
        guard current.kind == .add || current.kind == .sub else { return try parseDurationPrimary(context: context) }
        let opToken = advance()
        let operand = try parseDurationExpr(minPrecedence: Parser.unaryOperandPrecedence, context: context)
        return applyUnary(opToken, operand)
    }

    /// Applies a sign: folded into a literal, or kept as a unary minus (a unary plus is dropped).
    private mutating func applyUnary(_ opToken: Token, _ operand: ParsedDuration) -> ParsedDuration {
        let range = opToken.start..<operand.range.upperBound
        if case .number(var literal) = operand.expr {
            if opToken.kind == .sub { literal.value = -literal.value }
            if Parser.outOfDurationRange(literal.value) {
                error(.duration, "duration out of range", opToken.start..<opToken.end)
                literal.value = 0
            }
            literal.sourceRange = range
            return ParsedDuration(expr: .number(literal), range: range, depth: 1)
        }
        if opToken.kind == .add { return ParsedDuration(expr: operand.expr, range: range, depth: operand.depth) }
        return ParsedDuration(expr: .unary(.minus, operand.expr), range: range, depth: operand.depth + 1)
    }

    private mutating func durationLiteral() -> ParsedDuration {
        var literal = numberLiteral(advance())
        if Parser.outOfDurationRange(literal.value) {
            error(.duration, "duration out of range", literal.sourceRange)
            literal.value = 0
        }
        return ParsedDuration(expr: .number(literal), range: literal.sourceRange, depth: 1)
    }

    private mutating func parseDurationPrimary(context: DurationContext) throws(SyntaxAbort) -> ParsedDuration {
        switch current.kind {
        case .number, .duration:
            return durationLiteral()
        case .step, .range:
            return try parseStepOrRange(context: context)
        case .maxOf, .minOf:
            return try parseMinMax(context: context)
        case .leftParen:
            return try parseDurationParen(context: context)
        default:
            throw unexpected(context: context.context, expected: context.expected)
        }
    }

    private mutating func parseStepOrRange(context: DurationContext) throws(SyntaxAbort) -> ParsedDuration {
        let keyword = advance()
        guard current.kind == .leftParen else { throw unexpected(context: context.context, expected: context.expected) }
        advance()
        guard current.kind == .rightParen else {
            throw unexpected(context: context.context, expected: context.expected)
        }
        let close = advance()
        let range = keyword.start..<close.end
        gateDurationExpression(range)
        return ParsedDuration(expr: keyword.kind == .step ? .step : .range, range: range, depth: 1)
    }

    private mutating func parseMinMax(context: DurationContext) throws(SyntaxAbort) -> ParsedDuration {
        let keyword = advance()
        guard current.kind == .leftParen else { throw unexpected(context: context.context, expected: context.expected) }
        advance()
        let a = try parseDurationExpr(minPrecedence: 0, context: context)
        guard current.kind == .comma else { throw unexpected(context: context.context, expected: context.expected) }
        advance()
        let b = try parseDurationExpr(minPrecedence: 0, context: context)
        guard current.kind == .rightParen else {
            throw unexpected(context: context.context, expected: context.expected)
        }
        let close = advance()
        let range = keyword.start..<close.end
        gateDurationExpression(range)
        let expr: DurationExpr = keyword.kind == .maxOf ? .maxOf(a.expr, b.expr) : .minOf(a.expr, b.expr)
        return ParsedDuration(expr: expr, range: range, depth: Swift.max(a.depth, b.depth) + 1)
    }

    private mutating func parseDurationParen(context: DurationContext, gated: Bool = true) throws(SyntaxAbort)
        -> ParsedDuration
    {
        let open = advance()
        let inner = try parseDurationExpr(minPrecedence: 0, context: context)
        guard current.kind == .rightParen else {
            throw unexpected(context: context.context, expected: context.expected)
        }
        let close = advance()
        if gated { gateDurationExpression(inner.range) }
        return ParsedDuration(expr: .paren(inner.expr), range: open.start..<close.end, depth: inner.depth + 1)
    }

    // MARK: - offset

    /// The duration after `offset`: a single term, so `x offset 5m * 2` multiplies the selector; only a
    /// leading parenthesis (or a repeated sign) starts a full duration expression, as in Prometheus's grammar.
    private mutating func parseOffsetDuration() throws(SyntaxAbort) -> ParsedDuration {
        let context = DurationContext.offset
        switch current.kind {
        case .number, .duration:
            return durationLiteral()
        case .step, .range:
            return try parseStepOrRange(context: context)
        case .maxOf, .minOf:
            return try parseMinMax(context: context)
        case .leftParen:
            return try parseDurationExpr(minPrecedence: 0, context: context)
        case .add, .sub:
            let next = peek().kind
            switch next {
            case .number, .duration:
                let opToken = advance()
                let literal = numberLiteral(advance())
                return applyUnary(opToken, ParsedDuration(expr: .number(literal), range: literal.sourceRange, depth: 1))
            case .step, .range:
                let opToken = advance()
                return applyUnary(opToken, try parseStepOrRange(context: context))
            case .maxOf, .minOf:
                let opToken = advance()
                return applyUnary(opToken, try parseMinMax(context: context))
            case .leftParen:
                // Prometheus's grammar does not gate this form behind the duration-expression switch.
                let opToken = advance()
                return applyUnary(opToken, try parseDurationParen(context: context, gated: false))
            default:
                return try parseDurationExpr(minPrecedence: 0, context: context)
            }
        default:
            throw unexpected(context: context.context, expected: context.expected)
        }
    }

    mutating func parseOffset(_ e: Parsed) throws(SyntaxAbort) -> Parsed {
        let keyword = advance()
        let parsed = try parseOffsetDuration()
        let value: DurationValue
        if case .number(let literal) = parsed.expr {
            value = .literal(nanoseconds: Parser.nanoseconds(literal.value))
        } else {
            value = .expression(parsed.expr)
        }
        let offset = Offset(value: value, sourceRange: keyword.start..<lastEnd)
        let end = lastEnd
        let repeated = "offset may not be set multiple times"
        var result = e
        switch e.expr {
        case .vectorSelector(var vs):
            if vs.offset?.isEffectivelySet == true {
                error(.modifier, repeated, e.expr.sourceRange)
            } else {
                vs.offset = offset
            }
            vs.sourceRange = vs.sourceRange.lowerBound..<end
            result.expr = .vectorSelector(vs)
        case .matrixSelector(var m):
            if m.selector.offset?.isEffectivelySet == true {
                error(.modifier, repeated, e.expr.sourceRange)
            } else {
                m.selector.offset = offset
            }
            m.sourceRange = m.sourceRange.lowerBound..<end
            result.expr = .matrixSelector(m)
        case .subquery(var s):
            if s.offset?.isEffectivelySet == true {
                error(.modifier, repeated, e.expr.sourceRange)
            } else {
                s.offset = offset
            }
            s.sourceRange = s.sourceRange.lowerBound..<end
            result.expr = .subquery(s)
        default:
            error(
                .modifier,
                "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery",
                e.expr.sourceRange)
            markIncomplete()
        }
        result.depth = Swift.max(result.depth, parsed.depth + 1)
        return result
    }

    // MARK: - @

    mutating func parseAt(_ e: Parsed) throws(SyntaxAbort) -> Parsed {
        let keyword = advance()
        let kind: AtModifier.Kind
        switch current.kind {
        case .number, .duration, .add, .sub:
            var negative = false
            if current.kind == .add || current.kind == .sub {
                let next = peek().kind
                guard next == .number || next == .duration else {
                    advance()
                    throw unexpected(context: "@", expected: "timestamp")
                }
                negative = advance().kind == .sub
            }
            let literal = numberLiteral(advance())
            let seconds = negative ? -literal.value : literal.value
            if !seconds.isFinite || seconds >= 9_223_372_036_854_775_808.0 || seconds <= -9_223_372_036_854_775_808.0 {
                error(
                    .modifier, "timestamp out of bounds for @ modifier: \(Parser.formatFloat(seconds))",
                    e.expr.sourceRange)
            }
            kind = .timestamp(milliseconds: Parser.milliseconds(seconds))
        case .start, .end:
            let which = advance()
            guard current.kind == .leftParen else { throw unexpected(context: "@", expected: "timestamp") }
            advance()
            guard current.kind == .rightParen else { throw unexpected(context: "@", expected: "timestamp") }
            advance()
            kind = which.kind == .start ? .start : .end
        default:
            throw unexpected(context: "@", expected: "timestamp")
        }
        let at = AtModifier(kind: kind, sourceRange: keyword.start..<lastEnd)
        let end = lastEnd
        let repeated = "@ <timestamp> may not be set multiple times"
        var result = e
        switch e.expr {
        case .vectorSelector(var vs):
            if vs.at != nil {
                error(.modifier, repeated, e.expr.sourceRange)
            } else {
                vs.at = at
            }
            vs.sourceRange = vs.sourceRange.lowerBound..<end
            result.expr = .vectorSelector(vs)
        case .matrixSelector(var m):
            if m.selector.at != nil {
                error(.modifier, repeated, e.expr.sourceRange)
            } else {
                m.selector.at = at
            }
            m.sourceRange = m.sourceRange.lowerBound..<end
            result.expr = .matrixSelector(m)
        case .subquery(var s):
            if s.at != nil {
                error(.modifier, repeated, e.expr.sourceRange)
            } else {
                s.at = at
            }
            s.sourceRange = s.sourceRange.lowerBound..<end
            result.expr = .subquery(s)
        default:
            error(
                .modifier,
                "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery",
                e.expr.sourceRange)
            markIncomplete()
        }
        return result
    }

    /// Seconds to milliseconds like Prometheus's `timestamp.FromFloatSeconds`.
    static func milliseconds(_ seconds: Double) -> Int64 {
        let r = (seconds * 1000).rounded()
        if r.isNaN || r >= 9_223_372_036_854_775_808.0 || r < -9_223_372_036_854_775_808.0 { return Int64.min }
        return Int64(r)
    }

    /// Go's `%f` for the special values; the shortest form otherwise.
    static func formatFloat(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        return "\(v)"
    }

    // MARK: - anchored / smoothed

    mutating func applyRangeModifier(_ e: Parsed, _ token: Token) -> Parsed {
        let modifier: RangeModifier = token.kind == .anchored ? .anchored : .smoothed
        let range = e.expr.sourceRange
        guard options.extendedRangeSelectors else {
            error(.featureDisabled, "\(modifier.rawValue) modifier is experimental and not enabled", range)
            return e
        }
        let conflict = "anchored and smoothed modifiers cannot be used together"
        var result = e
        switch e.expr {
        case .vectorSelector(var vs):
            if let existing = vs.rangeModifier, existing != modifier {
                error(.modifier, conflict, range)
                markIncomplete()
            }
            vs.rangeModifier = modifier
            vs.sourceRange = vs.sourceRange.lowerBound..<token.end
            result.expr = .vectorSelector(vs)
        case .matrixSelector(var m):
            if let existing = m.selector.rangeModifier, existing != modifier {
                error(.modifier, conflict, range)
                markIncomplete()
            }
            m.selector.rangeModifier = modifier
            m.sourceRange = m.sourceRange.lowerBound..<token.end
            result.expr = .matrixSelector(m)
        case .subquery:
            error(.modifier, "\(modifier.rawValue) modifier is not supported for subqueries", range)
            markIncomplete()
        default:
            error(.modifier, "\(modifier.rawValue) modifier not implemented", range)
            markIncomplete()
        }
        return result
    }
}

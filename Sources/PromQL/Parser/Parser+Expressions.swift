extension Parser {
    static func binaryOperator(_ kind: TokenKind) -> BinaryOp? {
        switch kind {
        case .add: .add
        case .sub: .sub
        case .mul: .mul
        case .div: .div
        case .mod: .mod
        case .pow: .pow
        case .atan2: .atan2
        case .eqlc: .eql
        case .neq: .neq
        case .gtr: .gtr
        case .lss: .lss
        case .gte: .gte
        case .lte: .lte
        case .trimUpper: .trimUpper
        case .trimLower: .trimLower
        case .land: .and
        case .lor: .or
        case .lunless: .unless
        default: nil
        }
    }

    static func aggregationOp(_ kind: TokenKind) -> AggregationOp? {
        switch kind {
        case .sum: .sum
        case .avg: .avg
        case .count: .count
        case .min: .min
        case .max: .max
        case .group: .group
        case .stddev: .stddev
        case .stdvar: .stdvar
        case .topk: .topk
        case .bottomk: .bottomk
        case .countValues: .countValues
        case .quantile: .quantile
        case .limitk: .limitk
        case .limitRatio: .limitRatio
        default: nil
        }
    }

    /// Unary signs bind like `*`, so their operand is everything that binds tighter: `^` and postfix modifiers.
    static let unaryOperandPrecedence = 6

    // MARK: - Operators

    /// Parses binary operations by precedence climbing; left-associative chains are built iteratively.
    ///
    /// The functions on the recursion path (this one, `parseUnary`, `parsePostfix`, `parsePrimary`,
    /// `parseParen`) keep their frames small and leave the bulky work to helpers.
    mutating func parseExpr(minPrecedence: Int) throws(SyntaxAbort) -> Parsed {
        try enter()
        defer { leave() }
        var lhs = try parseUnary()
        while let op = Parser.binaryOperator(current.kind), op.precedence >= minPrecedence {
            lhs = try parseBinaryRest(lhs, op)
        }
        return lhs
    }

    /// Parses the operator, its modifiers and the right operand, and combines them with `lhs`.
    @inline(never)
    private mutating func parseBinaryRest(_ lhs: Parsed, _ op: BinaryOp) throws(SyntaxAbort) -> Parsed {
        let opStart = advance().start
        let (returnBool, matching) = try parseBinaryModifiers()
        let operatorRange = opStart..<lastEnd
        let rhs = try parseExpr(minPrecedence: op.isRightAssociative ? op.precedence : op.precedence + 1)
        return try makeBinary(lhs, op, returnBool, matching, operatorRange, rhs)
    }

    @inline(never)
    private mutating func makeBinary(
        _ lhs: Parsed, _ op: BinaryOp, _ returnBool: Bool, _ matching: VectorMatching, _ operatorRange: Range<Int>,
        _ rhs: Parsed
    ) throws(SyntaxAbort) -> Parsed {
        let range = lhs.expr.sourceRange.lowerBound..<rhs.expr.sourceRange.upperBound
        if matching.fill != nil && !options.binopFillModifiers {
            error(.featureDisabled, "binop fill modifiers are experimental and not enabled", range)
        }
        let node = BinaryExpr(
            op: op, lhs: lhs.expr, rhs: rhs.expr, returnBool: returnBool, matching: matching,
            operatorRange: operatorRange, sourceRange: range)
        let result = Parsed(expr: .binary(node), depth: Swift.max(lhs.depth, rhs.depth) + 1)
        try checkTreeDepth(result.depth)
        return result
    }

    /// Parses `bool`, `on`/`ignoring`, `group_left`/`group_right` and fill modifiers after an operator.
    mutating func parseBinaryModifiers() throws(SyntaxAbort) -> (Bool, VectorMatching) {
        var returnBool = false
        var matching = VectorMatching()
        if current.kind == .bool {
            advance()
            returnBool = true
        }
        if current.kind == .on || current.kind == .ignoring {
            let on = advance().kind == .on
            let labels = try parseGroupingLabels().labels
            matching.clause = on ? .on(labels) : .ignoring(labels)
            if current.kind == .groupLeft || current.kind == .groupRight {
                let left = advance().kind == .groupLeft
                var include: [String] = []
                if current.kind == .leftParen { include = try parseGroupingLabels().labels }
                matching.group = left ? .left(include) : .right(include)
            }
        }
        switch current.kind {
        case .fill:
            advance()
            let value = try parseFillValue()
            matching.fill = FillModifier(lhs: value, rhs: value)
        case .fillLeft:
            advance()
            var fill = FillModifier(lhs: try parseFillValue())
            if current.kind == .fillRight {
                advance()
                fill.rhs = try parseFillValue()
            }
            matching.fill = fill
        case .fillRight:
            advance()
            var fill = FillModifier(rhs: try parseFillValue())
            if current.kind == .fillLeft {
                advance()
                fill.lhs = try parseFillValue()
            }
            matching.fill = fill
        default:
            break
        }
        return (returnBool, matching)
    }

    /// `( [+|-] number )`.
    mutating func parseFillValue() throws(SyntaxAbort) -> Double {
        guard current.kind == .leftParen else { throw unexpected() }
        advance()
        var negative = false
        if current.kind == .add || current.kind == .sub {
            negative = advance().kind == .sub
        }
        guard current.kind == .number || current.kind == .duration else { throw unexpected() }
        let literal = numberLiteral(advance())
        guard current.kind == .rightParen else { throw unexpected() }
        advance()
        return negative ? -literal.value : literal.value
    }

    mutating func parseUnary() throws(SyntaxAbort) -> Parsed {
        guard current.kind == .add || current.kind == .sub else { return try parsePostfix() }
        let opToken = advance()
        let operand = try parseExpr(minPrecedence: Parser.unaryOperandPrecedence)
        return makeUnary(opToken, operand)
    }

    @inline(never)
    private func makeUnary(_ opToken: Token, _ operand: Parsed) -> Parsed {
        let range = opToken.start..<operand.expr.sourceRange.upperBound
        if case .number(var literal) = operand.expr {
            // Signs fold into number literals.
            if opToken.kind == .sub { literal.value = -literal.value }
            literal.sourceRange = range
            return Parsed(expr: .number(literal), depth: operand.depth)
        }
        let node = UnaryExpr(op: opToken.kind == .sub ? .minus : .plus, expr: operand.expr, sourceRange: range)
        return Parsed(expr: .unary(node), depth: operand.depth + 1)
    }

    // MARK: - Postfix modifiers

    /// A primary expression followed by any ranges, subqueries and modifiers, which bind tightest.
    mutating func parsePostfix() throws(SyntaxAbort) -> Parsed {
        var e = try parsePrimary()
        while true {
            switch current.kind {
            case .leftBracket: e = try parseRangeOrSubquery(e)
            case .offset: e = try parseOffset(e)
            case .at: e = try parseAt(e)
            case .anchored, .smoothed: e = applyRangeModifier(e, advance())
            default: return e
            }
            try checkTreeDepth(e.depth)
        }
    }

    // MARK: - Primaries

    mutating func parsePrimary() throws(SyntaxAbort) -> Parsed {
        switch current.kind {
        case .number, .duration, .string:
            return parseLiteral()
        case .leftParen:
            return try parseParen()
        case .leftBrace:
            return try parseSelector()
        case .identifier, .start, .end, .step, .range, .maxOf, .minOf:
            return peek().kind == .leftParen ? try parseCall() : try parseSelector()
        default:
            if current.kind.isAggregator {
                let next = peek().kind
                if next == .leftParen || next == .by || next == .without { return try parseAggregation() }
                return try parseSelector()
            }
            if current.kind.isMetricIdentifier { return try parseSelector() }
            throw unexpected()
        }
    }

    @inline(never)
    private mutating func parseLiteral() -> Parsed {
        let t = advance()
        if t.kind == .string {
            let value = GoQuote.unquote(input[t.start..<t.end]) ?? []
            return Parsed(expr: .string(StringLiteral(value: lossy(value), sourceRange: t.start..<t.end)), depth: 1)
        }
        return Parsed(expr: .number(numberLiteral(t)), depth: 1)
    }

    /// Converts a NUMBER or DURATION token, reporting conversion errors.
    mutating func numberLiteral(_ t: Token) -> NumberLiteral {
        let range = t.start..<t.end
        if t.kind == .duration {
            switch NumberParsing.parseDuration(text(t)) {
            case .success(let ns):
                return NumberLiteral(value: Parser.seconds(nanoseconds: ns), isDuration: true, sourceRange: range)
            case .failure(let e):
                error(.duration, e.message, range)
                return NumberLiteral(value: 0, isDuration: true, sourceRange: range)
            }
        }
        switch NumberParsing.parseNumber(text(t)) {
        case .success(let v):
            return NumberLiteral(value: v, sourceRange: range)
        case .failure(let e):
            error(.number, "error parsing number: \(e.message)", range)
            return NumberLiteral(value: 0, sourceRange: range)
        }
    }

    /// Seconds of a nanosecond count, computed like Go's `time.Duration.Seconds()`.
    static func seconds(nanoseconds ns: Int64) -> Double {
        let sec = ns / 1_000_000_000
        let nsec = ns % 1_000_000_000
        return Double(sec) + Double(nsec) / 1e9
    }

    func lossy(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    mutating func parseParen() throws(SyntaxAbort) -> Parsed {
        let openStart = advance().start
        do throws(SyntaxAbort) {
            let inner = try parseExpr(minPrecedence: 0)
            guard current.kind == .rightParen else { throw unexpected() }
            return makeParen(inner, openStart..<advance().end)
        } catch {
            guard canRecover else { throw error }
            skip(until: [.rightParen])
            guard current.kind == .rightParen else { throw error }
            advance()
            return Parsed(expr: .number(NumberLiteral(value: 0, sourceRange: openStart..<lastEnd)), depth: 1)
        }
    }

    @inline(never)
    private func makeParen(_ inner: Parsed, _ range: Range<Int>) -> Parsed {
        Parsed(expr: .paren(ParenExpr(expr: inner.expr, sourceRange: range)), depth: inner.depth + 1)
    }

    // MARK: - Calls and aggregations

    mutating func parseCall() throws(SyntaxAbort) -> Parsed {
        let nameToken = advance()
        let name = String(text(nameToken))
        let nameRange = nameToken.start..<nameToken.end
        let (args, argDepth) = try parseArguments()
        if let signature = FunctionSignature.named(name) {
            if signature.isExperimental && !options.experimentalFunctions {
                error(.featureDisabled, "function \(GoQuote.quote(name)) is not enabled", nameRange)
            }
        } else {
            error(.unknownFunction, "unknown function with name \(GoQuote.quote(name))", nameRange)
        }
        let call = FunctionCall(name: name, args: args, nameRange: nameRange, sourceRange: nameToken.start..<lastEnd)
        return Parsed(expr: .call(call), depth: argDepth + 1)
    }

    /// Parses `( arg, arg, ... )`, recovering from errors inside arguments.
    mutating func parseArguments() throws(SyntaxAbort) -> (args: [Expr], depth: Int) {
        guard current.kind == .leftParen else { throw unexpected() }
        advance()
        var args: [Expr] = []
        var maxDepth = 0
        if current.kind == .rightParen {
            advance()
            return (args, 0)
        }
        while true {
            do {
                let arg = try parseExpr(minPrecedence: 0)
                args.append(arg.expr)
                maxDepth = Swift.max(maxDepth, arg.depth)
            } catch {
                guard canRecover else { throw error }
                skip(until: [.comma, .rightParen])
            }
            switch current.kind {
            case .comma:
                var comma = advance()
                while current.kind == .comma || current.kind == .rightParen {
                    error(.trailingComma, "trailing commas not allowed in function call args", comma.start..<comma.end)
                    if current.kind == .rightParen {
                        advance()
                        return (args, maxDepth)
                    }
                    comma = advance()
                }
            case .rightParen:
                advance()
                return (args, maxDepth)
            default:
                let abort = unexpected()
                guard canRecover else { throw abort }
                skip(until: [.comma, .rightParen])
                if current.kind == .rightParen {
                    advance()
                    return (args, maxDepth)
                }
                guard current.kind == .comma else { throw abort }
                advance()
            }
        }
    }

    mutating func parseAggregation() throws(SyntaxAbort) -> Parsed {
        let opToken = advance()
        guard let op = Parser.aggregationOp(opToken.kind) else { throw unexpected() }
        var grouping: Grouping?
        if current.kind == .by || current.kind == .without {
            grouping = try parseGroupingClause()
        }
        let (args, argDepth) = try parseArguments()
        if grouping == nil && (current.kind == .by || current.kind == .without) {
            grouping = try parseGroupingClause()
        }
        let range = opToken.start..<lastEnd
        let placeholder = Parsed(expr: .number(NumberLiteral(value: 0, sourceRange: range)), depth: 1)
        if args.isEmpty {
            error(.arity, "no arguments for aggregate expression provided", range)
            markIncomplete()
            return placeholder
        }
        let wanted = op.takesParameter ? 2 : 1
        if op.isExperimental && !options.experimentalFunctions {
            error(
                .featureDisabled,
                "\(op.rawValue)() is experimental and must be enabled with --enable-feature=promql-experimental-functions",
                range)
            if args.count != wanted {
                markIncomplete()
                return placeholder
            }
        } else if args.count != wanted {
            error(
                .arity,
                "wrong number of arguments for aggregate expression provided, expected \(wanted), got \(args.count)",
                range)
            markIncomplete()
            return placeholder
        }
        let node = Aggregation(
            op: op, param: wanted == 2 ? args[0] : nil, expr: args[wanted - 1], grouping: grouping, sourceRange: range)
        return Parsed(expr: .aggregation(node), depth: argDepth + 1)
    }

    mutating func parseGroupingClause() throws(SyntaxAbort) -> Grouping {
        let keyword = advance()
        let labels = try parseGroupingLabels().labels
        return Grouping(without: keyword.kind == .without, labels: labels, sourceRange: keyword.start..<lastEnd)
    }

    /// `( label, ... )` with optional trailing comma; labels may be keywords or quoted UTF-8 names.
    mutating func parseGroupingLabels() throws(SyntaxAbort) -> (labels: [String], range: Range<Int>) {
        guard current.kind == .leftParen else { throw unexpected(context: "grouping opts", expected: "\"(\"") }
        let open = advance()
        var labels: [String] = []
        if current.kind == .rightParen {
            advance()
            return (labels, open.start..<lastEnd)
        }
        while true {
            let t = current
            if t.kind == .string {
                advance()
                let bytes = GoQuote.unquote(input[t.start..<t.end]) ?? []
                let label = lossy(bytes)
                if bytes.isEmpty || !UTF8Decoding.isValid(bytes) {
                    error(
                        .labelName, "invalid label name for grouping: \(GoQuote.quote(bytes: bytes))", t.start..<t.end)
                }
                labels.append(label)
            } else if t.kind.isGroupingLabel {
                advance()
                labels.append(String(text(t)))
            } else {
                throw unexpected(context: "grouping opts", expected: "label")
            }
            switch current.kind {
            case .comma:
                advance()
                if current.kind == .rightParen {
                    advance()
                    return (labels, open.start..<lastEnd)
                }
            case .rightParen:
                advance()
                return (labels, open.start..<lastEnd)
            default:
                throw unexpected(context: "grouping opts", expected: "\",\" or \")\"")
            }
        }
    }
}

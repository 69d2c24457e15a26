extension Parser {
    static func matchOp(_ kind: TokenKind) -> MatchOp? {
        switch kind {
        case .assign: .equal
        case .neq: .notEqual
        case .eqlRegex: .regexMatch
        case .neqRegex: .regexNoMatch
        default: nil
        }
    }

    /// `name`, `name{...}` or `{...}`.
    mutating func parseSelector() throws(SyntaxAbort) -> Parsed {
        let start = current.start
        var name: String?
        if current.kind != .leftBrace {
            name = String(text(advance()))
        }
        var matchers: [LabelMatcher] = []
        if current.kind == .leftBrace {
            matchers = try parseLabelMatchers()
        }
        let selector = VectorSelector(metricName: name, matchers: matchers, sourceRange: start..<lastEnd)
        return Parsed(expr: .vectorSelector(selector), depth: 1)
    }

    /// `{ matcher, ... }` with optional trailing comma, recovering at commas.
    mutating func parseLabelMatchers() throws(SyntaxAbort) -> [LabelMatcher] {
        advance()
        var matchers: [LabelMatcher] = []
        if current.kind == .rightBrace {
            advance()
            return matchers
        }
        while true {
            do {
                matchers.append(try parseLabelMatcher())
            } catch {
                guard canRecover else { throw error }
                skip(until: [.comma, .rightBrace])
            }
            switch current.kind {
            case .comma:
                advance()
                if current.kind == .rightBrace {
                    advance()
                    return matchers
                }
            case .rightBrace:
                advance()
                return matchers
            default:
                let abort = unexpected(context: "label matching", expected: "\",\" or \"}\"")
                guard canRecover else { throw abort }
                skip(until: [.comma, .rightBrace])
                if current.kind == .rightBrace {
                    advance()
                    return matchers
                }
                guard current.kind == .comma else { throw abort }
                advance()
            }
        }
    }

    mutating func parseLabelMatcher() throws(SyntaxAbort) -> LabelMatcher {
        let nameToken = current
        let name: String
        switch nameToken.kind {
        case .identifier:
            advance()
            name = String(text(nameToken))
            guard Parser.matchOp(current.kind) != nil else {
                throw unexpected(context: "label matching", expected: "label matching operator")
            }
        case .string:
            advance()
            name = lossy(GoQuote.unquote(input[nameToken.start..<nameToken.end]) ?? [])
            guard Parser.matchOp(current.kind) != nil else {
                // A quoted metric name on its own: {"foo.bar"}.
                let range = nameToken.start..<nameToken.end
                return LabelMatcher(name: "__name__", op: .equal, value: name, sourceRange: range, valueRange: range)
            }
        default:
            throw unexpected(context: "label matching", expected: "identifier or \"}\"")
        }
        let op = Parser.matchOp(advance().kind)!
        guard current.kind == .string else { throw unexpected(context: "label matching", expected: "string") }
        let valueToken = advance()
        let valueBytes = GoQuote.unquote(input[valueToken.start..<valueToken.end]) ?? []
        let range = nameToken.start..<valueToken.end
        if op.isRegex, let problem = RE2Syntax.validate(valueBytes) {
            error(.regex, "error parsing regexp: \(problem)", range)
        }
        return LabelMatcher(
            name: name, op: op, value: lossy(valueBytes), sourceRange: range,
            valueRange: valueToken.start..<valueToken.end)
    }
}

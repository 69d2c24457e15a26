/// Thrown to unwind to the nearest recovery point after a syntax error has been recorded.
struct SyntaxAbort: Error {}

/// A recursive-descent parser that accepts the language of Prometheus's yacc grammar,
/// with the same operator precedence and the same resolution of its ambiguities.
struct Parser {
    let input: [UInt8]
    let options: ParserOptions
    private(set) var tokens: [Token]
    private let lexError: String?
    var index = 0
    var diagnostics: [Diagnostic] = []
    /// Set when the tree is incomplete (syntax errors or structural recovery).
    private(set) var hasSyntaxErrors = false
    /// Set once the nesting limit was hit; stops all recovery.
    private var nestingExceeded = false
    /// Current recursion depth.
    var depth = 0
    /// The end offset of the last consumed token.
    private(set) var lastEnd = 0
    private var reportedLexError = false
    private let stackGuard: StackGuard
    /// The deepest tree that the walks over it can afford on this thread's stack.
    private let treeDepthLimit: Int

    init(input: [UInt8], options: ParserOptions) {
        self.input = input
        self.options = options
        let (all, error) = Lexer.tokenize(input)
        self.tokens = all.filter { $0.kind != .comment }
        self.lexError = error
        let guardian = StackGuard()
        self.stackGuard = guardian
        self.treeDepthLimit = Swift.max(
            1, Swift.min(options.maxNestingDepth, guardian.availableBytes() / StackGuard.bytesPerTreeLevel))
    }

    // MARK: - Token access

    var current: Token { tokens[index] }

    func peek(_ offset: Int = 1) -> Token {
        let i = index + offset
        return i < tokens.count ? tokens[i] : tokens[tokens.count - 1]
    }

    @discardableResult
    mutating func advance() -> Token {
        let t = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        lastEnd = t.end
        return t
    }

    func text(_ token: Token) -> Substring {
        Substring(decoding: input[token.start..<token.end], as: UTF8.self)
    }

    func text(_ range: Range<Int>) -> String {
        String(decoding: input[range], as: UTF8.self)
    }

    // MARK: - Diagnostics

    mutating func error(_ id: Diagnostic.ID, _ message: String, _ range: Range<Int>) {
        diagnostics.append(Diagnostic(id: id, message: message, range: clamp(range)))
    }

    func clamp(_ range: Range<Int>) -> Range<Int> {
        let lo = Swift.max(0, Swift.min(range.lowerBound, input.count))
        let hi = Swift.max(lo, Swift.min(range.upperBound, input.count))
        return lo..<hi
    }

    /// Records an "unexpected token" error (or the pending lexical error) and marks the tree incomplete.
    mutating func unexpected(context: String? = nil, expected: String? = nil) -> SyntaxAbort {
        hasSyntaxErrors = true
        let token = current
        if token.kind == .error {
            reportLexErrorOnce()
            return SyntaxAbort()
        }
        var message = "unexpected \(describe(token))"
        if let context { message += " in \(context)" }
        if let expected { message += ", expected \(expected)" }
        error(.syntax, message, token.start..<token.end)
        return SyntaxAbort()
    }

    mutating func reportLexErrorOnce() {
        hasSyntaxErrors = true
        guard !reportedLexError, let lexError else { return }
        reportedLexError = true
        let token = tokens[tokens.count - 1]
        error(.lexical, lexError, token.start..<Swift.max(token.end, Swift.min(token.start + 1, input.count)))
    }

    /// Marks the tree incomplete after an error that does not come from an unexpected token.
    mutating func markIncomplete() { hasSyntaxErrors = true }

    /// Describes a token for messages the way Prometheus does (`<op:*>`, `identifier "x"`, `"("`).
    func describe(_ token: Token) -> String {
        switch token.kind {
        case .eof: return "end of input"
        case .identifier: return "identifier \(GoQuote.quote(String(text(token))))"
        case .metricIdentifier: return "metric identifier \(GoQuote.quote(String(text(token))))"
        case .number: return "number \(GoQuote.quote(String(text(token))))"
        case .duration: return "duration \(GoQuote.quote(String(text(token))))"
        case .string:
            let raw = String(decoding: input[token.start..<token.end], as: UTF8.self)
            let shown = raw.count > 10 ? String(raw.prefix(10)) : raw
            return "string \(GoQuote.quote(shown))\(raw.count > 10 ? "..." : "")"
        case .comment: return "comment"
        case .error: return "error"
        default:
            let spelled = token.kind.spelling ?? String(text(token))
            if token.kind.isAggregator { return "<aggr:\(spelled)>" }
            if token.kind.isOperator { return "<op:\(spelled)>" }
            if token.kind.isKeyword { return "<\(spelled)>" }
            return GoQuote.quote(spelled)
        }
    }

    // MARK: - Depth

    /// Enters one level of recursion, failing cleanly past the limit.
    mutating func enter() throws(SyntaxAbort) {
        depth += 1
        if depth > options.maxNestingDepth || stackGuard.isExhausted() { throw nestingError() }
    }

    mutating func leave() { depth -= 1 }

    /// Checks the depth of a tree being built.
    mutating func checkTreeDepth(_ treeDepth: Int) throws(SyntaxAbort) {
        if treeDepth > treeDepthLimit { throw nestingError(treeDepth: treeDepth) }
    }

    private mutating func nestingError(treeDepth: Int = 0) -> SyntaxAbort {
        if !nestingExceeded {
            nestingExceeded = true
            hasSyntaxErrors = true
            let levels = Swift.max(depth, treeDepth)
            let message =
                levels > options.maxNestingDepth
                ? "expression nests too deeply (the limit is \(options.maxNestingDepth) levels)"
                : "expression nests too deeply for the stack of this thread (\(levels) levels)"
            error(.nesting, message, current.start..<Swift.max(current.end, current.start))
        }
        return SyntaxAbort()
    }

    /// Whether error recovery may continue after a syntax error.
    var canRecover: Bool { !nestingExceeded && current.kind != .error && current.kind != .eof }

    // MARK: - Entry point

    /// Parses the whole query; nil when it does not parse.
    mutating func parseQuery() -> Expr? {
        if current.kind == .eof {
            if let _ = lexError {
                reportLexErrorOnce()
            } else {
                error(.empty, "no expression found in input", 0..<0)
                hasSyntaxErrors = true
            }
            return nil
        }
        if current.kind == .error {
            reportLexErrorOnce()
            return nil
        }
        do {
            let parsed = try parseExpr(minPrecedence: 0)
            if current.kind != .eof {
                throw unexpected()
            }
            return hasSyntaxErrors ? nil : parsed.expr
        } catch {
            // The lexical error is a real problem even when parsing stopped before reaching it.
            if lexError != nil { reportLexErrorOnce() }
            return nil
        }
    }

    /// Skips tokens up to (not including) one of `stops` at the current bracket level.
    mutating func skip(until stops: Set<TokenKind>) {
        var level = 0
        while current.kind != .eof && current.kind != .error {
            let k = current.kind
            if level == 0 && stops.contains(k) { return }
            switch k {
            case .leftParen, .leftBrace, .leftBracket: level += 1
            case .rightParen, .rightBrace, .rightBracket:
                if level == 0 { return }
                level -= 1
            default: break
            }
            advance()
        }
    }
}

/// An expression under construction, with the depth of its tree.
struct Parsed {
    var expr: Expr
    var depth: Int
}

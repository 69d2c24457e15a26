/// The PromQL front end: parse, type-check and format queries the way Prometheus does.
public enum PromQL {
    /// Parses and type-checks a query.
    public static func parse(_ query: String, options: ParserOptions = .default) -> ParseResult {
        parse(utf8: Array(query.utf8), options: options)
    }

    /// Parses and type-checks a query given as UTF-8 bytes (which may be invalid UTF-8).
    public static func parse(utf8 bytes: [UInt8], options: ParserOptions = .default) -> ParseResult {
        var parser = Parser(input: bytes, options: options)
        let expr = parser.parseQuery()
        var diagnostics = parser.diagnostics
        var type: ValueType?
        if let expr {
            var checker = TypeChecker(input: bytes)
            type = checker.check(expr)
            // Like Prometheus, report type errors only for syntactically sound queries.
            if !parser.hasSyntaxErrors {
                diagnostics.append(contentsOf: checker.diagnostics)
            }
        }
        let valid = expr != nil && !diagnostics.contains { $0.severity == .error }
        return ParseResult(
            expr: parser.hasSyntaxErrors ? nil : expr, diagnostics: diagnostics, isValid: valid,
            type: valid ? type : nil)
    }

    /// Formats a query canonically, or returns nil when it does not parse.
    public static func format(_ query: String, options: ParserOptions = .default) -> String? {
        let result = parse(query, options: options)
        guard result.isValid, let expr = result.expr else { return nil }
        return Printer().print(expr)
    }

    /// The 1-based line and UTF-8 column of a byte offset in `text`.
    public static func location(ofByteOffset offset: Int, in text: String) -> SourceLocation {
        LineIndex(text).location(ofByteOffset: offset)
    }
}

/// The parser's feature switches, matching Prometheus's `parser.Options`.
public struct ParserOptions: Hashable, Sendable {
    /// Experimental functions (`sort_by_label`, `info`, `mad_over_time`, …) and `limitk`/`limit_ratio`.
    public var experimentalFunctions: Bool
    /// Arithmetic, `step()`, `range()`, `min_of()`, `max_of()` in ranges, steps and offsets.
    public var durationExpressions: Bool
    /// The `anchored` and `smoothed` range selector modifiers.
    public var extendedRangeSelectors: Bool
    /// The `fill`, `fill_left`, `fill_right` binary operator modifiers.
    public var binopFillModifiers: Bool
    /// The deepest nesting accepted before the parser reports an error instead of recursing further.
    public var maxNestingDepth: Int

    public init(
        experimentalFunctions: Bool = false, durationExpressions: Bool = true, extendedRangeSelectors: Bool = false,
        binopFillModifiers: Bool = false, maxNestingDepth: Int = ParserOptions.defaultMaxNestingDepth
    ) {
        self.experimentalFunctions = experimentalFunctions
        self.durationExpressions = durationExpressions
        self.extendedRangeSelectors = extendedRangeSelectors
        self.binopFillModifiers = binopFillModifiers
        self.maxNestingDepth = maxNestingDepth
    }

    /// The nesting limit used unless set otherwise.
    public static let defaultMaxNestingDepth = 256

    /// What a Prometheus 3.x server accepts without `--enable-feature` flags (duration expressions on).
    public static let `default` = ParserOptions()
    /// Every switch on, as Prometheus's engine tests run.
    public static let all = ParserOptions(
        experimentalFunctions: true, durationExpressions: true, extendedRangeSelectors: true, binopFillModifiers: true)
    /// Every switch off, like a bare `parser.NewParser(parser.Options{})`.
    public static let minimal = ParserOptions(
        experimentalFunctions: false, durationExpressions: false, extendedRangeSelectors: false,
        binopFillModifiers: false)
}

/// The outcome of parsing a query.
public struct ParseResult: Sendable {
    /// The syntax tree; nil when the query does not parse (it may be present with type errors).
    public var expr: Expr?
    /// Errors (and warnings), in the order found.
    public var diagnostics: [Diagnostic]
    /// Whether the query parses and type-checks without errors.
    public var isValid: Bool
    /// The result type of a valid query.
    public var type: ValueType?

    /// The errors only.
    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
}

/// Writes a checked query's variable references back in place of the stand-ins they were checked with, so that
/// the canonical printer gives `rate(x{model=~"$model"}[$__rate_interval])` rather than the stand-in text.
struct VariableRestorer: Sendable {
    let bytes: [UInt8]
    let substitutions: [Substitution]

    private func overlaps(_ range: Range<Int>) -> Bool {
        !range.isEmpty && substitutions.contains { $0.reference.range.overlaps(range) }
    }

    /// The original text of a range (whitespace runs collapsed to one space) when it holds a variable.
    func text(_ range: Range<Int>) -> String? {
        guard overlaps(range), range.upperBound <= bytes.count else { return nil }
        var out: [UInt8] = []
        var space = false
        for b in bytes[range] {
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
                space = !out.isEmpty
                continue
            }
            if space { out.append(0x20) }
            space = false
            out.append(b)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The unquoted value of a string literal (quotes included in `range`) when it holds a variable.
    func stringValue(_ range: Range<Int>) -> String? {
        guard overlaps(range), range.upperBound <= bytes.count, let value = GoQuote.unquote(bytes[range]) else {
            return nil
        }
        return String(decoding: value, as: UTF8.self)
    }

    /// The variable written where a name's stand-in is, inside `range`.
    func identifier(_ name: String, in range: Range<Int>) -> String? {
        guard
            let s = substitutions.first(where: {
                $0.role == .identifier && $0.replacement == name && range.contains($0.reference.range.lowerBound)
            })
        else { return nil }
        return String(decoding: bytes[s.reference.range], as: UTF8.self)
    }

    /// The byte range of a subquery's step: after the `:` that follows the window, up to the `]`.
    func stepRange(after window: Range<Int>) -> Range<Int> {
        var i = window.upperBound
        while i < bytes.count, bytes[i] != UInt8(ascii: ":") { i += 1 }
        let start = min(i + 1, bytes.count)
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "]") { end += 1 }
        return start..<end
    }
}

extension GrafanaCheckResult {
    /// The canonical text of the query with its variable references as written; nil when it does not parse.
    ///
    /// Two queries that differ only in spacing, line breaks, quoting or (with `sortMatchers`) matcher order
    /// format to the same text.
    public func formatted(sortMatchers: Bool = false) -> String? {
        guard let expr,
            isValid || !diagnostics.contains(where: { $0.id != .undefinedVariable && $0.severity == .error })
        else { return nil }
        return formatted(expr, sortMatchers: sortMatchers)
    }

    /// The canonical text of a sub-expression of this query's tree, with variable references as written.
    public func formatted(_ node: Expr, sortMatchers: Bool = false) -> String {
        var printer = Printer(sortMatchers: sortMatchers)
        if !substitutions.isEmpty {
            printer.restorer = VariableRestorer(bytes: Array(query.utf8), substitutions: substitutions)
        }
        return printer.print(node)
    }
}

extension GrafanaQuery {
    /// Parses a dashboard query, taking every variable it references as defined (for formatting and comparing
    /// queries rather than checking them against a dashboard).
    public static func parse(_ query: String, options: ParserOptions = .default) -> GrafanaCheckResult {
        let names = Set(VariableReference.find(in: query).map(\.name))
        return check(query, variables: names, options: options)
    }

    /// The canonical text of a dashboard query with its variables as written, or nil when it does not parse.
    public static func format(_ query: String, sortMatchers: Bool = false, options: ParserOptions = .default)
        -> String?
    {
        parse(query, options: options).formatted(sortMatchers: sortMatchers)
    }
}

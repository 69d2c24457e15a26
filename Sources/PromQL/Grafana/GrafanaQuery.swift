/// How a variable reference is used in a query, which decides its stand-in.
public enum VariableRole: String, Hashable, Sendable {
    /// Inside a string literal (label value, regex): replaced by letters.
    case text
    /// A metric or label name: replaced by an identifier.
    case identifier
    /// A range, step or offset: replaced by a duration.
    case duration
    /// A scalar (`histogram_quantile($q, …)`, `topk($k, …)`, `@ $ts`): replaced by a number.
    case number
    /// In a comment: replaced by letters.
    case comment
}

/// A variable reference and the same-length text that stood in for it while checking.
public struct Substitution: Hashable, Sendable {
    /// The reference.
    public var reference: VariableReference
    /// How it is used.
    public var role: VariableRole
    /// The stand-in text (the same number of bytes as the reference).
    public var replacement: String
}

/// The result of checking a dashboard query.
public struct GrafanaCheckResult: Sendable {
    /// The query as written.
    public var query: String
    /// The query with every variable replaced by its stand-in; byte offsets are the same as in `query`.
    public var substitutedQuery: String
    /// The syntax tree of `substitutedQuery` (nil when it does not parse). Its source ranges are valid in `query`.
    public var expr: Expr?
    /// The type of a valid query.
    public var type: ValueType?
    /// Problems, with byte ranges in `query`.
    public var diagnostics: [Diagnostic]
    /// Every variable reference found.
    public var references: [VariableReference]
    /// The stand-in used for each reference.
    public var substitutions: [Substitution]

    /// Whether the query has no errors.
    public var isValid: Bool { expr != nil && !diagnostics.contains { $0.severity == .error } }

    /// The substitution covering a byte offset, if any (e.g. to tell that a range window was `$__rate_interval`).
    public func substitution(at offset: Int) -> Substitution? {
        substitutions.first { $0.reference.range.contains(offset) }
    }

    /// The substitutions inside a byte range.
    public func substitutions(in range: Range<Int>) -> [Substitution] {
        substitutions.filter { range.overlaps($0.reference.range) || range.lowerBound == $0.reference.range.lowerBound }
    }
}

/// Checks Grafana dashboard queries: PromQL with template variables.
///
/// Each variable reference is replaced by a stand-in of the same byte length whose type fits where it is used
/// (a name, a duration, a number, or letters inside a string), the result is parsed and type-checked, and the
/// diagnostics keep pointing at the original text. A variable that is not defined is an error; Grafana's `$__`
/// globals are always defined.
public enum GrafanaQuery {
    /// Checks a query against the dashboard's variable names.
    public static func check(
        _ query: String, variables: Set<String>, options: ParserOptions = .default
    ) -> GrafanaCheckResult {
        let bytes = Array(query.utf8)
        let references = VariableReference.find(inUTF8: bytes)
        var roles = VariableContext.roles(of: references, in: bytes)

        var diagnostics: [Diagnostic] = []
        for (ref, role) in zip(references, roles) {
            if let format = ref.format {
                let base = String(format.split(separator: ":", maxSplits: 1).first ?? "")
                if !GrafanaGlobals.formats.contains(base) {
                    diagnostics.append(
                        Diagnostic(
                            severity: .warning, id: .variableSyntax,
                            message: "unknown variable format \(GoQuote.quote(format))", range: ref.range))
                }
            }
            if ref.isCaptureGroupReference || role.role == .comment { continue }
            if ref.isGlobal {
                if !GrafanaGlobals.isKnown(ref.name) {
                    diagnostics.append(
                        Diagnostic(
                            severity: .warning, id: .undefinedVariable,
                            message: "unknown Grafana global variable \(GoQuote.quote(ref.name))", range: ref.range))
                }
            } else if !variables.contains(ref.name) {
                diagnostics.append(
                    Diagnostic(
                        id: .undefinedVariable, message: "undefined variable \(GoQuote.quote(ref.name))",
                        range: ref.range))
            }
        }

        var attempt = substitute(bytes, references, roles, options: options)
        // References whose use is ambiguous start as numbers; try names where that removes errors
        // (a bounded number of times, so a query full of variables stays linear).
        for index in roles.indices.filter({ roles[$0].ambiguous }).prefix(16) {
            let errorCount = attempt.result.errors.count
            if errorCount == 0 { break }
            var flipped = roles
            flipped[index].role = .identifier
            let retry = substitute(bytes, references, flipped, options: options)
            if retry.result.errors.count < errorCount {
                roles = flipped
                attempt = retry
            }
        }

        var substitutions: [Substitution] = []
        for (k, ref) in references.enumerated() {
            substitutions.append(
                Substitution(reference: ref, role: roles[k].role, replacement: attempt.replacements[k]))
        }
        let parseDiagnostics = attempt.result.diagnostics.map { restoreNames($0, substitutions) }
        diagnostics = ignoringCaptureReplacements(diagnostics, expr: attempt.result.expr)
        diagnostics.append(contentsOf: parseDiagnostics)
        diagnostics.sort { ($0.range.lowerBound, $0.severity) < ($1.range.lowerBound, $1.severity) }

        return GrafanaCheckResult(
            query: query, substitutedQuery: String(decoding: attempt.bytes, as: UTF8.self), expr: attempt.result.expr,
            type: attempt.result.type, diagnostics: diagnostics, references: references, substitutions: substitutions)
    }

    private struct Attempt {
        var bytes: [UInt8]
        var replacements: [String]
        var result: ParseResult
    }

    private static func substitute(
        _ bytes: [UInt8], _ references: [VariableReference], _ roles: [VariableContext.Use], options: ParserOptions
    ) -> Attempt {
        var out = bytes
        var replacements: [String] = []
        replacements.reserveCapacity(references.count)
        for (ref, use) in zip(references, roles) {
            let stand = standIn(for: use.role, length: ref.range.count)
            out.replaceSubrange(ref.range, with: stand)
            replacements.append(String(decoding: stand, as: UTF8.self))
        }
        return Attempt(bytes: out, replacements: replacements, result: PromQL.parse(utf8: out, options: options))
    }

    /// Same-length text of the right kind.
    static func standIn(for role: VariableRole, length n: Int) -> [UInt8] {
        switch role {
        case .text, .comment:
            return [UInt8](repeating: UInt8(ascii: "x"), count: n)
        case .identifier:
            return [UInt8(ascii: "v")] + [UInt8](repeating: UInt8(ascii: "_"), count: Swift.max(0, n - 1))
        case .number:
            // Leading zeros keep the length; "01" reads as 1.
            return [UInt8](repeating: UInt8(ascii: "0"), count: Swift.max(0, n - 1)) + [UInt8(ascii: "1")]
        case .duration:
            if n < 2 { return [UInt8(ascii: "1")] }
            return [UInt8](repeating: UInt8(ascii: "0"), count: n - 2) + Array("1m".utf8)
        }
    }

    /// Puts the variable text back into messages that quote a stand-in.
    private static func restoreNames(_ d: Diagnostic, _ substitutions: [Substitution]) -> Diagnostic {
        var d = d
        for s in substitutions where s.role != .text && s.role != .comment && d.range.overlaps(s.reference.range) {
            let original = originalText(of: s)
            d.message = replaceAll(in: d.message, s.replacement, with: original)
        }
        return d
    }

    private static func replaceAll(in text: String, _ target: String, with replacement: String) -> String {
        let t = Array(target.utf8)
        let bytes = Array(text.utf8)
        guard !t.isEmpty, bytes.count >= t.count else { return text }
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if i + t.count <= bytes.count && bytes[i..<(i + t.count)].elementsEqual(t) {
                out.append(contentsOf: replacement.utf8)
                i += t.count
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func originalText(of s: Substitution) -> String {
        let r = s.reference
        switch r.syntax {
        case .dollar: return "$" + r.name
        case .braces:
            var t = "${" + r.name
            if let f = r.fieldPath { t += "." + f }
            if let f = r.format { t += ":" + f }
            return t + "}"
        case .brackets:
            return "[[" + r.name + (r.format.map { ":" + $0 } ?? "") + "]]"
        }
    }

    /// Drops "undefined variable" errors inside `label_replace` replacement strings, where `$name` can be a
    /// regex capture group that Grafana leaves alone.
    private static func ignoringCaptureReplacements(_ diagnostics: [Diagnostic], expr: Expr?) -> [Diagnostic] {
        guard let expr else { return diagnostics }
        var replacementRanges: [Range<Int>] = []
        expr.walk { node in
            if case .call(let c) = node, c.name == "label_replace", c.args.count >= 3,
                case .string(let s) = c.args[2]
            {
                replacementRanges.append(s.sourceRange)
            }
        }
        if replacementRanges.isEmpty { return diagnostics }
        return diagnostics.filter { d in
            d.id != .undefinedVariable || !replacementRanges.contains { $0.contains(d.range.lowerBound) }
        }
    }
}

/// A problem found in a query, located by UTF-8 byte offsets into the query text.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    /// How serious a diagnostic is.
    public enum Severity: String, Hashable, Sendable, Comparable {
        case error
        case warning
        case note

        private var rank: Int {
            switch self {
            case .error: 0
            case .warning: 1
            case .note: 2
            }
        }

        public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
    }

    /// A stable identifier for a kind of diagnostic, e.g. `promql.type-mismatch`.
    public struct ID: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public var description: String { rawValue }
    }

    /// How serious it is.
    public var severity: Severity
    /// The stable kind.
    public var id: ID
    /// The message, in Prometheus's words where Prometheus reports the same problem.
    public var message: String
    /// The UTF-8 byte range in the query (may be empty, e.g. at the end of input).
    public var range: Range<Int>

    public init(severity: Severity = .error, id: ID, message: String, range: Range<Int>) {
        self.severity = severity
        self.id = id
        self.message = message
        self.range = range
    }

    /// `error: message` (no location).
    public var description: String { "\(severity.rawValue): \(message)" }

    /// The 1-based line and column of the start of the range in `query`.
    public func location(in query: String) -> SourceLocation {
        LineIndex(query).location(ofByteOffset: range.lowerBound)
    }
}

extension Diagnostic.ID {
    /// A lexical error: bad character, unterminated string, bad escape, bad number syntax.
    public static let lexical: Self = "promql.lexical"
    /// An unexpected token.
    public static let syntax: Self = "promql.syntax"
    /// No expression in the input.
    public static let empty: Self = "promql.empty"
    /// A number that cannot be converted.
    public static let number: Self = "promql.number"
    /// A bad duration (unit, order, range, not positive, division by zero).
    public static let duration: Self = "promql.duration"
    /// A label matcher's regular expression is not valid RE2.
    public static let regex: Self = "promql.regex"
    /// A quoted label or metric name is not valid.
    public static let labelName: Self = "promql.label-name"
    /// An operand or argument has the wrong type.
    public static let typeMismatch: Self = "promql.type-mismatch"
    /// A function or aggregation got the wrong number of arguments.
    public static let arity: Self = "promql.arity"
    /// Unknown function name.
    public static let unknownFunction: Self = "promql.unknown-function"
    /// A feature that is behind a parser switch which is off.
    public static let featureDisabled: Self = "promql.feature-disabled"
    /// A selector that would match every series, or names the metric twice.
    public static let selector: Self = "promql.selector"
    /// A misplaced or repeated modifier (`offset`, `@`, range, `anchored`, `smoothed`).
    public static let modifier: Self = "promql.modifier"
    /// A binary operator or its matching modifiers used where Prometheus forbids it.
    public static let binaryOperator: Self = "promql.binary-operator"
    /// Trailing comma in an argument list.
    public static let trailingComma: Self = "promql.trailing-comma"
    /// The query nests deeper than the parser allows.
    public static let nesting: Self = "promql.nesting"
    /// A Grafana variable that the dashboard does not define.
    public static let undefinedVariable: Self = "grafana.undefined-variable"
    /// A Grafana variable reference that is not well-formed.
    public static let variableSyntax: Self = "grafana.variable-syntax"
}

/// A position in text: 1-based line, 1-based column counted in UTF-8 bytes, and the byte offset.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    /// 1-based line.
    public var line: Int
    /// 1-based column, in UTF-8 bytes from the start of the line.
    public var column: Int
    /// 0-based UTF-8 byte offset.
    public var offset: Int

    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }
}

/// Maps UTF-8 byte offsets in a text to lines and columns.
public struct LineIndex: Sendable {
    private let lineStarts: [Int]
    private let count: Int

    /// Indexes `text`.
    public init(_ text: String) {
        self.init(utf8: Array(text.utf8))
    }

    /// Indexes UTF-8 bytes.
    public init(utf8 bytes: [UInt8]) {
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == 0x0A {
            starts.append(i + 1)
        }
        lineStarts = starts
        count = bytes.count
    }

    /// The number of lines (a trailing newline starts a new, empty line).
    public var lineCount: Int { lineStarts.count }

    /// The byte offset where a 1-based line starts.
    public func startOffset(ofLine line: Int) -> Int? {
        guard line >= 1 && line <= lineStarts.count else { return nil }
        return lineStarts[line - 1]
    }

    /// The location of a byte offset (clamped to the text).
    public func location(ofByteOffset offset: Int) -> SourceLocation {
        let clamped = Swift.max(0, Swift.min(offset, count))
        var lo = 0
        var hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= clamped {
                lo = mid
            } else {
                hi = mid - 1
            }
        }
        return SourceLocation(line: lo + 1, column: clamped - lineStarts[lo] + 1, offset: clamped)
    }
}

extension Diagnostic {
    /// Renders the diagnostic with its location, the query line and a caret line under the range:
    ///
    ///     1:6: error: expected type range vector in call to function "rate", got instant vector
    ///     1 | rate(some_metric)
    ///       |      ^~~~~~~~~~~
    ///
    /// - Parameter path: prefixed to the location (`path:1:6: error: …`) when given.
    public func rendered(in query: String, path: String? = nil) -> String {
        let bytes = Array(query.utf8)
        let index = LineIndex(utf8: bytes)
        let start = index.location(ofByteOffset: range.lowerBound)
        let lineStart = index.startOffset(ofLine: start.line) ?? 0
        var lineEnd = lineStart
        while lineEnd < bytes.count && bytes[lineEnd] != 0x0A && bytes[lineEnd] != 0x0D { lineEnd += 1 }
        let lineText = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self)
        // Carets are placed by characters, not bytes, so they line up under multi-byte text.
        let caretStart = String(decoding: bytes[lineStart..<start.offset], as: UTF8.self).count
        let rangeEnd = Swift.min(Swift.max(range.upperBound, start.offset), lineEnd)
        let width = Swift.max(1, String(decoding: bytes[start.offset..<rangeEnd], as: UTF8.self).count)
        let gutter = String(start.line)
        let pad = String(repeating: " ", count: gutter.count)
        var out = (path.map { "\($0):" } ?? "") + "\(start): \(severity.rawValue): \(message)\n"
        out += "\(gutter) | \(lineText)\n"
        out += "\(pad) | " + String(repeating: " ", count: caretStart) + "^" + String(repeating: "~", count: width - 1)
        return out
    }
}

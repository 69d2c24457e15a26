import PromQL

/// Checks every PromQL expression of a dashboard the way Prometheus would, after substituting Grafana
/// variables with stand-ins, and reports problems at the user's text.
enum QueryValidator {
    /// The problems of a dashboard's queries (see ``CheckedQuery/all(in:options:)``), at `file`'s text.
    static func check(_ queries: [CheckedQuery], file: SourceFile?) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        for query in queries {
            let problems = query.entry.check.diagnostics
            guard !problems.isEmpty else { continue }
            let locator = query.locator(in: file)
            for d in problems {
                diagnostics.append(
                    locator.diagnostic(
                        d.severity == .error ? .error : .warning, id: d.id.rawValue, d.message, at: d.range))
            }
        }
        return diagnostics
    }

    static func caretNote(_ query: String, _ range: Range<Int>) -> String {
        let bytes = Array(query.utf8)
        let lower = min(range.lowerBound, bytes.count)
        let lineStart = (bytes[..<lower].lastIndex(of: 10) ?? -1) + 1
        let lineEnd = bytes[lower...].firstIndex(of: 10) ?? bytes.count
        let line = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self)
        let pad = String(repeating: " ", count: String(decoding: bytes[lineStart..<lower], as: UTF8.self).count)
        return "in the query:\n      \(line)\n      \(pad)^"
    }
}

/// Turns byte ranges in a query into diagnostics at the user's text: inside the YAML scalar the query came
/// from (whatever its style), or, for a query with no file behind it (a DSL string, a generated query), at a
/// fallback location with the query quoted and a caret under the problem. Build one only when there is
/// something to report: it maps the whole scalar.
struct QueryLocator {
    let query: String
    let fallback: SourceLocation?
    let file: SourceFile?
    /// Where `query` starts inside the YAML value it came from (a variable query's PromQL inside its call).
    let valueOffset: Int
    private let positions: ScalarPositions?

    /// `container` is the whole YAML value when `query` is only part of it, starting at `valueOffset`.
    init(
        _ query: String, source: ScalarSource?, fallback: SourceLocation?, file: SourceFile?, valueOffset: Int = 0,
        container: String? = nil
    ) {
        self.query = query
        self.fallback = fallback
        self.file = file
        self.valueOffset = valueOffset
        if let source, let file {
            positions = ScalarPositions(
                value: container ?? query, source: source.style, start: source.offset, in: file.utf8)
        } else {
            positions = nil
        }
    }

    /// A diagnostic at the start of `range`, a byte range of the query.
    func diagnostic(
        _ severity: Diagnostic.Severity, id: String, _ message: String, at range: Range<Int>, notes: [String] = []
    ) -> Diagnostic {
        if let positions, let file {
            // "Unexpected end of input" points just past the query's last character, not at the next line.
            let bytes = query.utf8
            var end = bytes.count
            while end > 0,
                [0x20, 0x09, 0x0A, 0x0D].contains(bytes[bytes.index(bytes.startIndex, offsetBy: end - 1)])
            {
                end -= 1
            }
            let at = min(range.lowerBound, end)
            let offset =
                at == end && end > 0
                ? positions.fileOffset(valueOffset + end - 1) + 1 : positions.fileOffset(valueOffset + at)
            return Diagnostic(severity, id: id, message, at: file.location(ofByte: offset), notes: notes)
        }
        // No file to point into: quote the query with a caret under the problem.
        return Diagnostic(
            severity, id: id, message, at: fallback, notes: [QueryValidator.caretNote(query, range)] + notes)
    }
}

/// Grafana's Prometheus variable query functions.
enum VariableQuery {
    /// The PromQL inside a variable query and its byte offset, or nil when the query holds none
    /// (`label_names()`, `metrics(re)`, `label_values(label)`).
    static func promQL(in query: String) -> (String, Int)? {
        let bytes = Array(query.utf8)
        var i = 0
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x09 { i += 1 }
        func call(_ name: String) -> Int? {
            let n = name.utf8
            guard bytes.count >= i + n.count, bytes[i..<(i + n.count)].elementsEqual(n) else { return nil }
            var j = i + n.count
            while j < bytes.count, bytes[j] == 0x20 { j += 1 }
            guard j < bytes.count, bytes[j] == UInt8(ascii: "(") else { return nil }
            return j + 1
        }
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        if let open = call("query_result") {
            guard open <= close else { return nil }
            return (String(decoding: bytes[open..<close], as: UTF8.self), open)
        }
        if let open = call("label_values") {
            // label_values(selector, label): the selector is everything before the last top-level comma.
            var depth = 0
            var quote: UInt8 = 0
            var comma: Int?
            var j = open
            while j < close {
                let b = bytes[j]
                if quote != 0 {
                    if b == UInt8(ascii: "\\") { j += 1 } else if b == quote { quote = 0 }
                } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") || b == UInt8(ascii: "`") {
                    quote = b
                } else if b == UInt8(ascii: "(") || b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                    depth += 1
                } else if b == UInt8(ascii: ")") || b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
                    depth -= 1
                } else if b == UInt8(ascii: ","), depth == 0 {
                    comma = j
                }
                j += 1
            }
            guard let comma, open < comma else { return nil }
            return (String(decoding: bytes[open..<comma], as: UTF8.self), open)
        }
        return nil
    }
}

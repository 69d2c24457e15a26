/// A Grafana template variable reference in a query: `$var`, `${var}`, `${var:format}`, `${var.field}` or
/// `[[var]]` / `[[var:format]]`.
public struct VariableReference: Hashable, Sendable {
    /// How the reference is written.
    public enum Syntax: String, Hashable, Sendable {
        /// `$var`
        case dollar
        /// `${var}`, `${var:format}`, `${var.field:format}`
        case braces
        /// `[[var]]`, `[[var:format]]` (deprecated in Grafana)
        case brackets
    }

    /// The variable name, without `$` and braces.
    public var name: String
    /// The format after the colon (`csv`, `regex`, `date:seconds`, …), if any.
    public var format: String?
    /// The field path after a dot (`${var.key}`), if any.
    public var fieldPath: String?
    /// How it is written.
    public var syntax: Syntax
    /// The UTF-8 byte range of the whole reference in the query.
    public var range: Range<Int>

    public init(name: String, format: String? = nil, fieldPath: String? = nil, syntax: Syntax, range: Range<Int>) {
        self.name = name
        self.format = format
        self.fieldPath = fieldPath
        self.syntax = syntax
        self.range = range
    }

    /// Whether this is one of Grafana's `$__` global variables.
    public var isGlobal: Bool { name.hasPrefix("__") }

    /// Whether the name is all digits, as in a `label_replace` replacement (`$1`), which Grafana leaves alone.
    public var isCaptureGroupReference: Bool { !name.isEmpty && name.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }

    /// Finds every reference in a query, left to right, the way Grafana's template service matches them.
    public static func find(in query: String) -> [VariableReference] {
        find(inUTF8: Array(query.utf8))
    }

    static func find(inUTF8 bytes: [UInt8]) -> [VariableReference] {
        var out: [VariableReference] = []
        var i = 0
        while i < bytes.count {
            if let ref = match(bytes, at: i) {
                out.append(ref)
                i = ref.range.upperBound
            } else {
                i += 1
            }
        }
        return out
    }

    @inline(__always)
    static func isWord(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
    }

    /// Matches `\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^\}]+))?(?::([^\}]+))?\}` at `i`.
    static func match(_ b: [UInt8], at i: Int) -> VariableReference? {
        let n = b.count
        func string(_ r: Range<Int>) -> String { String(decoding: b[r], as: UTF8.self) }
        if b[i] == UInt8(ascii: "$") {
            if i + 1 < n && isWord(b[i + 1]) {
                var j = i + 1
                while j < n && isWord(b[j]) { j += 1 }
                return VariableReference(name: string(i + 1..<j), syntax: .dollar, range: i..<j)
            }
            if i + 1 < n && b[i + 1] == UInt8(ascii: "{") {
                var j = i + 2
                let nameStart = j
                while j < n && isWord(b[j]) { j += 1 }
                guard j > nameStart else { return nil }
                let name = string(nameStart..<j)
                var field: String?
                if j < n && b[j] == UInt8(ascii: ".") {
                    let s = j + 1
                    var k = s
                    while k < n && b[k] != UInt8(ascii: ":") && b[k] != UInt8(ascii: "^") && b[k] != UInt8(ascii: "}") {
                        k += 1
                    }
                    if k > s {
                        field = string(s..<k)
                        j = k
                    }
                }
                var format: String?
                if j < n && b[j] == UInt8(ascii: ":") {
                    let s = j + 1
                    var k = s
                    while k < n && b[k] != UInt8(ascii: "}") { k += 1 }
                    if k > s && k < n {
                        format = string(s..<k)
                        j = k
                    }
                }
                guard j < n && b[j] == UInt8(ascii: "}") else { return nil }
                return VariableReference(
                    name: name, format: format, fieldPath: field, syntax: .braces, range: i..<(j + 1))
            }
            return nil
        }
        if b[i] == UInt8(ascii: "["), i + 1 < n, b[i + 1] == UInt8(ascii: "[") {
            var j = i + 2
            let nameStart = j
            while j < n && isWord(b[j]) { j += 1 }
            guard j > nameStart else { return nil }
            // `\w+?` is lazy: the name may end before `]]` or before `:format]]`.
            var k = nameStart + 1
            while k <= j {
                if k + 1 < n && b[k] == UInt8(ascii: "]") && b[k + 1] == UInt8(ascii: "]") {
                    return VariableReference(name: string(nameStart..<k), syntax: .brackets, range: i..<(k + 2))
                }
                if k < n && b[k] == UInt8(ascii: ":") {
                    var m = k + 1
                    while m < n && isWord(b[m]) { m += 1 }
                    if m > k + 1 && m + 1 < n && b[m] == UInt8(ascii: "]") && b[m + 1] == UInt8(ascii: "]") {
                        return VariableReference(
                            name: string(nameStart..<k), format: string(k + 1..<m), syntax: .brackets,
                            range: i..<(m + 2))
                    }
                }
                k += 1
            }
            return nil
        }
        return nil
    }
}

/// What Grafana knows about its global variables.
enum GrafanaGlobals {
    static let durations: Set<String> = ["__interval", "__rate_interval", "__range", "__auto"]
    static let numbers: Set<String> = [
        "__interval_ms", "__rate_interval_ms", "__range_s", "__range_ms", "__from", "__to",
    ]
    static let others: Set<String> = ["__dashboard", "__org", "__user", "__name", "__timezone", "__timeFilter"]

    static func isKnown(_ name: String) -> Bool {
        durations.contains(name) || numbers.contains(name) || others.contains(name)
            || name.hasPrefix("__auto_interval_")
    }

    static let formats: Set<String> = [
        "csv", "distributed", "doublequote", "glob", "json", "lucene", "percentencode", "pipe", "raw", "regex",
        "singlequote", "sqlstring", "text", "queryparam", "customqueryparam", "date",
    ]
}

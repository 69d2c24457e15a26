import PromQL

/// Real values for a dashboard's variables, as Grafana would put them into queries.
public struct VariableValues: Sendable, Hashable {
    /// The selected values of each variable.
    public var values: [String: [String]] = [:]
    /// Variables Grafana formats as a regular expression by default (multi-value or with an "All" option).
    public var regexFormatted: Set<String> = []
    /// `$__rate_interval`, `$__interval` and `$__range`, in seconds.
    public var rateInterval: Int
    public var interval: Int
    public var range: Int
    /// The evaluation time, in milliseconds since the epoch (`$__from` is `range` earlier).
    public var timeMilliseconds: Int64

    public init(rateInterval: Int, interval: Int, range: Int, timeMilliseconds: Int64) {
        self.rateInterval = rateInterval
        self.interval = interval
        self.range = range
        self.timeMilliseconds = timeMilliseconds
    }

    /// Grafana's `$__rate_interval` for a scrape interval: four scrape intervals, and at least the step plus one.
    public static func rateInterval(scrapeInterval: Int, step: Int) -> Int {
        max(4 * scrapeInterval, step + scrapeInterval)
    }

    /// Sets a variable's values.
    public mutating func set(_ name: String, _ values: [String], regex: Bool) {
        self.values[name] = values
        if regex { regexFormatted.insert(name) } else { regexFormatted.remove(name) }
    }
}

/// Replaces Grafana variables in a query with real values.
public enum Interpolation {
    /// The query with every variable replaced, and the names of variables that have no value.
    public static func apply(_ query: String, _ values: VariableValues) -> (query: String, missing: [String]) {
        let references = VariableReference.find(in: query)
        guard !references.isEmpty else { return (query, []) }
        let bytes = Array(query.utf8)
        var out: [UInt8] = []
        var missing: [String] = []
        var position = 0
        for ref in references {
            out += bytes[position..<ref.range.lowerBound]
            position = ref.range.upperBound
            if ref.isCaptureGroupReference {
                out += bytes[ref.range]
                continue
            }
            if let text = value(of: ref, values) {
                out += Array(text.utf8)
            } else {
                out += bytes[ref.range]
                if !missing.contains(ref.name) { missing.append(ref.name) }
            }
        }
        out += bytes[position...]
        return (String(decoding: out, as: UTF8.self), missing)
    }

    static func value(of ref: VariableReference, _ v: VariableValues) -> String? {
        let from = v.timeMilliseconds - Int64(v.range) * 1000
        switch ref.name {
        case "__rate_interval": return "\(v.rateInterval)s"
        case "__interval", "__auto": return "\(v.interval)s"
        case "__range": return "\(v.range)s"
        case "__rate_interval_ms": return String(v.rateInterval * 1000)
        case "__interval_ms": return String(v.interval * 1000)
        case "__range_s": return String(v.range)
        case "__range_ms": return String(v.range * 1000)
        case "__from": return ref.format == "date:seconds" ? String(from / 1000) : String(from)
        case "__to":
            return ref.format == "date:seconds" ? String(v.timeMilliseconds / 1000) : String(v.timeMilliseconds)
        default: break
        }
        guard let values = v.values[ref.name] else { return nil }
        let format = ref.format ?? (v.regexFormatted.contains(ref.name) ? "regex" : "raw")
        switch format {
        case "regex":
            let escaped = values.map(regexEscape)
            return escaped.count == 1 ? escaped[0] : "(" + escaped.joined(separator: "|") + ")"
        case "pipe": return values.joined(separator: "|")
        case "csv", "raw", "text": return values.joined(separator: ",")
        case "doublequote": return values.map { "\"" + $0 + "\"" }.joined(separator: ",")
        case "singlequote": return values.map { "'" + $0 + "'" }.joined(separator: ",")
        default: return values.joined(separator: ",")
        }
    }

    /// Escapes a value for a regular expression inside a PromQL double-quoted string, as Grafana's Prometheus
    /// data source does (the backslash itself doubled for the string literal).
    public static func regexEscape(_ value: String) -> String {
        var out = ""
        for ch in value {
            switch ch {
            case "\\": out += "\\\\\\\\"
            case "$", "^", "*", "{", "}", "[", "]", "'", "+", "?", ".", "(", ")", "|": out += "\\\\" + String(ch)
            default: out.append(ch)
            }
        }
        return out
    }

    /// A `label_values(…)` variable query: the series selector (if any) and the label.
    public struct LabelValuesQuery: Sendable, Hashable {
        public var selector: String?
        public var label: String

        public init(selector: String?, label: String) {
            self.selector = selector
            self.label = label
        }
    }

    /// Reads `label_values(label)` or `label_values(selector, label)`; nil for any other query.
    public static func labelValues(_ query: String) -> LabelValuesQuery? {
        let text = query.trimmingWhitespace
        guard text.hasPrefix("label_values("), text.hasSuffix(")") else { return nil }
        let inner = Array(text.utf8.dropFirst("label_values(".utf8.count).dropLast())
        // The last comma outside braces, brackets, parentheses and quotes separates the selector from the label.
        var depth = 0
        var quote: UInt8?
        var split: Int?
        var i = 0
        while i < inner.count {
            let b = inner[i]
            if let q = quote {
                if b == UInt8(ascii: "\\") { i += 1 } else if b == q { quote = nil }
            } else {
                switch b {
                case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"): quote = b
                case UInt8(ascii: "{"), UInt8(ascii: "("), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: ")"), UInt8(ascii: "]"): depth -= 1
                case UInt8(ascii: ","): if depth == 0 { split = i }
                default: break
                }
            }
            i += 1
        }
        let label: String
        var selector: String?
        if let split {
            selector = String(decoding: inner[..<split], as: UTF8.self).trimmingWhitespace
            label = String(decoding: inner[(split + 1)...], as: UTF8.self).trimmingWhitespace
        } else {
            label = String(decoding: inner, as: UTF8.self).trimmingWhitespace
        }
        guard !label.isEmpty, label.utf8.allSatisfy(isWordByte) else { return nil }
        if selector?.isEmpty == true { return nil }
        return LabelValuesQuery(selector: selector, label: label)
    }
}

private func isWordByte(_ b: UInt8) -> Bool {
    (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
}

extension String {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\n" || f == "\t" || f == "\r" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\n" || l == "\t" || l == "\r" { s.removeLast() }
        return String(s)
    }
}

/// Which metric and label names a Prometheus accepts (`metric_name_validation_scheme` in its configuration).
public enum NameValidationScheme: String, Sendable, Hashable, CaseIterable {
    /// `[a-zA-Z_:][a-zA-Z0-9_:]*` for metric names, `[a-zA-Z_][a-zA-Z0-9_]*` for label names: every
    /// Prometheus accepts these, and promtool 2.x checks rule files with them.
    case legacy
    /// Any non-empty UTF-8 text (Prometheus 3's default).
    case utf8

    /// Whether `name` may be a metric name (a recording rule's `record`).
    public func isValidMetricName(_ name: String) -> Bool {
        switch self {
        case .utf8: return !name.isEmpty
        case .legacy:
            var first = true
            for byte in name.utf8 {
                let ok =
                    byte.isASCIILetter || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":")
                    || (!first && byte.isASCIIDigit)
                if !ok { return false }
                first = false
            }
            return !first
        }
    }

    /// Whether `name` may be a label (or annotation) name.
    public func isValidLabelName(_ name: String) -> Bool {
        switch self {
        case .utf8: return !name.isEmpty
        case .legacy:
            var first = true
            for byte in name.utf8 {
                let ok = byte.isASCIILetter || byte == UInt8(ascii: "_") || (!first && byte.isASCIIDigit)
                if !ok { return false }
                first = false
            }
            return !first
        }
    }
}

extension UInt8 {
    fileprivate var isASCIILetter: Bool { (self | 0x20) >= UInt8(ascii: "a") && (self | 0x20) <= UInt8(ascii: "z") }
    fileprivate var isASCIIDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
}

/// A duration as Prometheus's configuration and rule files write it (`model.Duration`): units `y w d h m s ms`,
/// each at most once, largest first, no fractions, no sign (`1h30m`, `5m`, `0`).
public struct PrometheusDuration: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// The ways a duration string can be wrong, in `model.ParseDuration`'s words.
    public enum ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        case empty
        case invalid(String)
        case unknownUnit(String, in: String)
        case outOfRange

        public var description: String {
            switch self {
            case .empty: "empty duration string"
            case .invalid(let text): "not a valid duration string: \(goQuoted(text))"
            case .unknownUnit(let unit, let text): "unknown unit \(goQuoted(unit)) in duration \(goQuoted(text))"
            case .outOfRange: "duration out of range"
            }
        }
    }

    private static let units: [(name: String, nanoseconds: UInt64)] = [
        ("y", 365 * 86_400 * 1_000_000_000), ("w", 7 * 86_400 * 1_000_000_000), ("d", 86_400 * 1_000_000_000),
        ("h", 3_600 * 1_000_000_000), ("m", 60 * 1_000_000_000), ("s", 1_000_000_000), ("ms", 1_000_000),
    ]

    /// Parses like `model.ParseDuration`.
    public static func parse(_ text: String) -> Result<PrometheusDuration, ParseError> {
        switch text {
        case "0": return .success(PrometheusDuration(milliseconds: 0))
        case "": return .failure(.empty)
        default: break
        }
        let bytes = Array(text.utf8)
        var i = 0
        var total: UInt64 = 0
        var lastUnit = -1
        while i < bytes.count {
            let digitsStart = i
            while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { i += 1 }
            guard i > digitsStart, let value = UInt64(String(decoding: bytes[digitsStart..<i], as: UTF8.self))
            else { return .failure(.invalid(text)) }
            let unitStart = i
            while i < bytes.count, bytes[i] < UInt8(ascii: "0") || bytes[i] > UInt8(ascii: "9") { i += 1 }
            guard i > unitStart else { return .failure(.invalid(text)) }
            let unit = String(decoding: bytes[unitStart..<i], as: UTF8.self)
            guard let index = units.firstIndex(where: { $0.name == unit }) else {
                return .failure(.unknownUnit(unit, in: text))
            }
            guard index > lastUnit else { return .failure(.invalid(text)) }
            lastUnit = index
            let multiplier = units[index].nanoseconds
            guard value <= (1 << 63) / multiplier else { return .failure(.outOfRange) }
            total += value * multiplier
            guard total <= UInt64(Int64.max) else { return .failure(.outOfRange) }
        }
        return .success(PrometheusDuration(milliseconds: Int64(total / 1_000_000)))
    }

    /// The canonical spelling, as Prometheus prints it (`90m` → `1h30m`, zero → `0s`).
    public var description: String {
        var ms = milliseconds
        if ms == 0 { return "0s" }
        var out = ""
        for (name, nanoseconds) in Self.units {
            let unit = Int64(nanoseconds / 1_000_000)
            if ms >= unit {
                out += "\(ms / unit)\(name)"
                ms %= unit
            }
        }
        return out
    }

    public static func < (a: Self, b: Self) -> Bool { a.milliseconds < b.milliseconds }
}

/// A label value as a quoted string, escaped the way both PromQL and the Prometheus and OpenMetrics text
/// formats read it: `\\`, `"` and newline escaped, everything else verbatim.
func labelValueQuoted(_ text: String) -> String {
    var out = "\""
    for ch in text {
        switch ch {
        case "\\": out += "\\\\"
        case "\"": out += "\\\""
        case "\n": out += "\\n"
        default: out.append(ch)
        }
    }
    return out + "\""
}

/// Go's `%q` for the ASCII-and-UTF-8 text of rule files: quotes, with `"` and `\` and control characters escaped —
/// the same text as a double-quoted YAML scalar.
func goQuoted(_ text: String) -> String { yamlQuoted(text) }

/// Prometheus's naming convention for recording rules: `level:metric:operations`.
public enum RecordNaming {
    /// True for names of at least three colon-separated parts whose first (the level) and last (the
    /// operations) are not empty, e.g. `job:http_requests:rate5m` or `model_name:vllm:ttft_bucket:rate5m`.
    public static func isConventional(_ name: String) -> Bool {
        let parts = name.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 3, let first = parts.first, let last = parts.last else { return false }
        return !first.isEmpty && !last.isEmpty && !parts.dropFirst().dropLast().allSatisfy(\.isEmpty)
    }
}

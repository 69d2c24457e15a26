/// Number and duration conversion with the same acceptance rules as Prometheus
/// (Go's `strconv.ParseInt(s, 0, 64)`, then `strconv.ParseFloat(s, 64)`, and `model.ParseDuration`).
enum NumberParsing {
    /// Parses the text of a NUMBER token; on failure returns Prometheus's message.
    static func parseNumber(_ text: Substring) -> Result<Double, NumberError> {
        if let value = parseInteger(text) { return .success(Double(value)) }
        return parseFloat(text)
    }

    struct NumberError: Error, Sendable {
        var message: String
    }

    /// Go's `strconv.ParseInt(s, 0, 64)` for unsigned literal text; nil when it would fail.
    static func parseInteger(_ text: Substring) -> Int64? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        var digits = bytes[...]
        var base: Int64 = 10
        if bytes[0] == UInt8(ascii: "0") && bytes.count > 1 {
            let second = bytes[1] | 0x20
            if second == UInt8(ascii: "x") {
                base = 16
                digits = bytes[2...]
            } else if second == UInt8(ascii: "b") {
                base = 2
                digits = bytes[2...]
            } else if second == UInt8(ascii: "o") {
                base = 8
                digits = bytes[2...]
            } else {
                base = 8
                digits = bytes[1...]
            }
        }
        if bytes.contains(UInt8(ascii: "_")) && !underscoreOK(bytes[...]) { return nil }
        var value: Int64 = 0
        var sawDigit = false
        for b in digits {
            if b == UInt8(ascii: "_") { continue }
            let d = Int64(Lexer.digitValue(Int32(b)))
            guard d < base else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: base)
            let (a, o2) = m.addingReportingOverflow(d)
            if o1 || o2 { return nil }
            value = a
            sawDigit = true
        }
        // A lone "0" with a legacy octal prefix is fine; "0x" alone is not.
        if !sawDigit && !(base == 8 && digits.startIndex == 1 && bytes.count == 1) {
            return bytes == [UInt8(ascii: "0")] ? 0 : nil
        }
        return value
    }

    /// Go's `strconv.ParseFloat(s, 64)` on literal text (no sign).
    static func parseFloat(_ text: Substring) -> Result<Double, NumberError> {
        func syntaxError() -> Result<Double, NumberError> {
            .failure(NumberError(message: "strconv.ParseFloat: parsing \(GoQuote.quote(String(text))): invalid syntax"))
        }
        let lowered = text.lowercased()
        switch lowered {
        case "inf", "+inf", "infinity", "+infinity": return .success(.infinity)
        case "-inf", "-infinity": return .success(-.infinity)
        case "nan": return .success(.nan)
        default: break
        }
        let bytes = Array(text.utf8)
        var i = 0
        if i < bytes.count && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) { i += 1 }
        // Hexadecimal mantissas need a 'p' exponent, which PromQL's lexer never produces.
        if i + 1 < bytes.count && bytes[i] == UInt8(ascii: "0") && (bytes[i + 1] | 0x20) == UInt8(ascii: "x") {
            return syntaxError()
        }
        var sawDot = false
        var sawDigits = false
        var underscores = false
        var cleaned: [UInt8] = []
        cleaned.reserveCapacity(bytes.count)
        cleaned.append(contentsOf: bytes[0..<i])
        mantissa: while i < bytes.count {
            let c = bytes[i]
            switch c {
            case UInt8(ascii: "_"):
                underscores = true
            case UInt8(ascii: "."):
                if sawDot { break mantissa }
                sawDot = true
                cleaned.append(c)
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                sawDigits = true
                cleaned.append(c)
            default:
                break mantissa
            }
            i += 1
        }
        guard sawDigits else { return syntaxError() }
        if i < bytes.count && (bytes[i] | 0x20) == UInt8(ascii: "e") {
            cleaned.append(UInt8(ascii: "e"))
            i += 1
            guard i < bytes.count else { return syntaxError() }
            if bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
                cleaned.append(bytes[i])
                i += 1
            }
            guard i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") else {
                return syntaxError()
            }
            while i < bytes.count,
                (bytes[i] >= UInt8(ascii: "0") && bytes[i] <= UInt8(ascii: "9")) || bytes[i] == UInt8(ascii: "_")
            {
                if bytes[i] == UInt8(ascii: "_") {
                    underscores = true
                } else {
                    cleaned.append(bytes[i])
                }
                i += 1
            }
        }
        guard i == bytes.count else { return syntaxError() }
        if underscores && !underscoreOK(bytes[...]) { return syntaxError() }
        guard let value = Double(String(decoding: cleaned, as: UTF8.self)) else { return syntaxError() }
        if value.isInfinite {
            return .failure(
                NumberError(message: "strconv.ParseFloat: parsing \(GoQuote.quote(String(text))): value out of range"))
        }
        return .success(value)
    }

    /// Go's rule for digit-separating underscores: only between digits, or after a base prefix.
    static func underscoreOK(_ s: ArraySlice<UInt8>) -> Bool {
        var saw: UInt8 = UInt8(ascii: "^")
        var s = s
        if let first = s.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") { s = s.dropFirst() }
        var i = s.startIndex
        var hex = false
        if s.count >= 2, s[i] == UInt8(ascii: "0") {
            let p = s[i + 1] | 0x20
            if p == UInt8(ascii: "b") || p == UInt8(ascii: "o") || p == UInt8(ascii: "x") {
                i += 2
                saw = UInt8(ascii: "0")
                hex = p == UInt8(ascii: "x")
            }
        }
        while i < s.endIndex {
            let c = s[i]
            let lower = c | 0x20
            if (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
                || (hex && lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "f"))
            {
                saw = UInt8(ascii: "0")
            } else if c == UInt8(ascii: "_") {
                if saw != UInt8(ascii: "0") { return false }
                saw = UInt8(ascii: "_")
            } else {
                if saw == UInt8(ascii: "_") { return false }
                saw = UInt8(ascii: "!")
            }
            i += 1
        }
        return saw != UInt8(ascii: "_")
    }

    private static let units: [(name: String, pos: Int, nanos: UInt64)] = [
        ("y", 1, 365 * 24 * 3600 * 1_000_000_000),
        ("w", 2, 7 * 24 * 3600 * 1_000_000_000),
        ("d", 3, 24 * 3600 * 1_000_000_000),
        ("h", 4, 3600 * 1_000_000_000),
        ("m", 5, 60 * 1_000_000_000),
        ("s", 6, 1_000_000_000),
        ("ms", 7, 1_000_000),
    ]

    /// Prometheus's `model.ParseDuration`: returns nanoseconds or the error message.
    static func parseDuration(_ text: Substring) -> Result<Int64, NumberError> {
        if text == "0" { return .success(0) }
        if text.isEmpty { return .failure(NumberError(message: "empty duration string")) }
        let original = String(text)
        let invalid = NumberError(message: "not a valid duration string: \(GoQuote.quote(original))")
        let bytes = Array(text.utf8)
        var i = 0
        var total: UInt64 = 0
        var lastUnitPos = 0
        func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        while i < bytes.count {
            guard isDigit(bytes[i]) else { return .failure(invalid) }
            var v: UInt64 = 0
            var overflow = false
            while i < bytes.count && isDigit(bytes[i]) {
                let (m, o1) = v.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(UInt64(bytes[i] - UInt8(ascii: "0")))
                overflow = overflow || o1 || o2
                v = a
                i += 1
            }
            if overflow { return .failure(invalid) }
            let unitStart = i
            while i < bytes.count && !isDigit(bytes[i]) { i += 1 }
            if i == unitStart { return .failure(invalid) }
            let unitText = String(decoding: bytes[unitStart..<i], as: UTF8.self)
            guard let unit = units.first(where: { $0.name == unitText }) else {
                return .failure(
                    NumberError(
                        message: "unknown unit \(GoQuote.quote(unitText)) in duration \(GoQuote.quote(original))"))
            }
            if unit.pos <= lastUnitPos { return .failure(invalid) }
            lastUnitPos = unit.pos
            if v > (UInt64(1) << 63) / unit.nanos { return .failure(NumberError(message: "duration out of range")) }
            total &+= v * unit.nanos
            if total > UInt64(Int64.max) { return .failure(NumberError(message: "duration out of range")) }
        }
        return .success(Int64(total))
    }

    /// Formats milliseconds like Prometheus's `model.Duration.String()`.
    static func formatDuration(milliseconds: Int64) -> String {
        if milliseconds == 0 { return "0s" }
        var ms = milliseconds.magnitude
        var out = milliseconds < 0 ? "-" : ""
        let year: UInt64 = 1000 * 60 * 60 * 24 * 365
        let week: UInt64 = 1000 * 60 * 60 * 24 * 7
        if ms % year == 0 {
            out += "\(ms / year)y"
            return out
        }
        if ms % week == 0 {
            out += "\(ms / week)w"
            return out
        }
        for (unit, mult) in [("d", UInt64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)] {
            let v = ms / mult
            if v > 0 {
                out += "\(v)\(unit)"
                ms -= v * mult
            }
        }
        return out
    }
}

/// Quoting and unquoting with the rules of PromQL string literals (Go's `strconv`, with single quotes
/// treated like double quotes).
enum GoQuote {
    /// Quotes text in double quotes, escaping like Go's `strconv.Quote`.
    static func quote(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{0B}": out += "\\v"
            case "\u{FFFD}": out += "\\ufffd"  // PromQL's lexer rejects a literal U+FFFD in strings.
            default:
                if UTF8Decoding.isPrintable(scalar) {
                    out.unicodeScalars.append(scalar)
                } else if scalar.value < 0x80 {
                    out += "\\x" + UTF8Decoding.hex(scalar.value, width: 2)
                } else if scalar.value <= 0xFFFF {
                    out += "\\u" + UTF8Decoding.hex(scalar.value, width: 4)
                } else {
                    out += "\\U" + UTF8Decoding.hex(scalar.value, width: 8)
                }
            }
        }
        out += "\""
        return out
    }

    /// Quotes raw bytes like Go's `strconv.Quote`, writing invalid UTF-8 bytes as `\xNN`.
    static func quote(bytes: some Collection<UInt8>) -> String {
        let array = Array(bytes)
        if UTF8Decoding.isValid(array) { return quote(String(decoding: array, as: UTF8.self)) }
        var out = "\""
        var i = 0
        while i < array.count {
            let (r, w) = UTF8Decoding.decode(array, at: i)
            if r == UTF8Decoding.runeError && w == 1 {
                out += "\\x" + UTF8Decoding.hex(UInt32(array[i]), width: 2)
            } else {
                let piece = quote(String(decoding: array[i..<(i + w)], as: UTF8.self))
                out += piece.dropFirst().dropLast()
            }
            i += w
        }
        out += "\""
        return out
    }

    /// Unquotes the text of a string token (quotes included) into bytes.
    ///
    /// The lexer has already validated escapes, so this only fails on malformed input.
    static func unquote(_ token: ArraySlice<UInt8>) -> [UInt8]? {
        guard token.count >= 2, let quote = token.first, token.last == quote else { return nil }
        let body = token.dropFirst().dropLast()
        if quote == UInt8(ascii: "`") {
            return body.contains(quote) ? nil : Array(body)
        }
        guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { return nil }
        if !body.contains(UInt8(ascii: "\\")) && !body.contains(quote) {
            return body.contains(0x0A) ? nil : Array(body)
        }
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var i = body.startIndex
        let end = body.endIndex
        while i < end {
            let c = body[i]
            if c == quote || c == 0x0A { return nil }
            if c != UInt8(ascii: "\\") {
                out.append(c)
                i += 1
                continue
            }
            i += 1
            guard i < end else { return nil }
            let e = body[i]
            i += 1
            switch e {
            case UInt8(ascii: "a"): out.append(0x07)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "v"): out.append(0x0B)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case quote: out.append(quote)
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var v = UInt32(e - 0x30)
                for _ in 0..<2 {
                    guard i < end else { return nil }
                    let d = body[i]
                    guard d >= 0x30 && d <= 0x37 else { return nil }
                    v = v * 8 + UInt32(d - 0x30)
                    i += 1
                }
                guard v <= 255 else { return nil }
                out.append(UInt8(v))
            case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
                let n = e == UInt8(ascii: "x") ? 2 : (e == UInt8(ascii: "u") ? 4 : 8)
                var v: UInt32 = 0
                for _ in 0..<n {
                    guard i < end else { return nil }
                    let d = Lexer.digitValue(Int32(body[i]))
                    guard d < 16 else { return nil }
                    v = v << 4 | d
                    i += 1
                }
                if e == UInt8(ascii: "x") {
                    out.append(UInt8(v))
                } else {
                    guard v <= 0x10FFFF, !(0xD800..<0xE000).contains(v) else { return nil }
                    UTF8Decoding.append(v, to: &out)
                }
            default:
                return nil
            }
        }
        return out
    }
}

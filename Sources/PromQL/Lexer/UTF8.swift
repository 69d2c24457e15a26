/// Small UTF-8 helpers that behave like Go's `unicode/utf8` on byte arrays.
enum UTF8Decoding {
    /// The replacement character Go returns for invalid input.
    static let runeError: Int32 = 0xFFFD
    /// The value returned at the end of input.
    static let eof: Int32 = -1

    /// Decodes one rune at `index`, returning the rune and its width in bytes.
    ///
    /// Invalid encodings (including surrogates and overlong forms) decode as `runeError` with width 1;
    /// at the end of input the result is `(eof, 0)`.
    @inline(__always)
    static func decode(_ bytes: [UInt8], at index: Int) -> (rune: Int32, width: Int) {
        guard index < bytes.count else { return (eof, 0) }
        let b0 = bytes[index]
        if b0 < 0x80 { return (Int32(b0), 1) }
        return decodeMultibyte(bytes, at: index, first: b0)
    }

    static func decodeMultibyte(_ bytes: [UInt8], at index: Int, first b0: UInt8) -> (rune: Int32, width: Int) {
        let n = bytes.count
        @inline(__always) func cont(_ i: Int) -> UInt8? {
            guard i < n else { return nil }
            let b = bytes[i]
            return (b & 0xC0) == 0x80 ? b : nil
        }
        switch b0 {
        case 0xC2...0xDF:
            guard let b1 = cont(index + 1) else { return (runeError, 1) }
            return (Int32(b0 & 0x1F) << 6 | Int32(b1 & 0x3F), 2)
        case 0xE0...0xEF:
            guard let b1 = cont(index + 1) else { return (runeError, 1) }
            if b0 == 0xE0 && b1 < 0xA0 { return (runeError, 1) }
            if b0 == 0xED && b1 > 0x9F { return (runeError, 1) }
            guard let b2 = cont(index + 2) else { return (runeError, 1) }
            return (Int32(b0 & 0x0F) << 12 | Int32(b1 & 0x3F) << 6 | Int32(b2 & 0x3F), 3)
        case 0xF0...0xF4:
            guard let b1 = cont(index + 1) else { return (runeError, 1) }
            if b0 == 0xF0 && b1 < 0x90 { return (runeError, 1) }
            if b0 == 0xF4 && b1 > 0x8F { return (runeError, 1) }
            guard let b2 = cont(index + 2), let b3 = cont(index + 3) else { return (runeError, 1) }
            let r = Int32(b0 & 0x07) << 18 | Int32(b1 & 0x3F) << 12 | Int32(b2 & 0x3F) << 6 | Int32(b3 & 0x3F)
            return (r, 4)
        default:
            return (runeError, 1)
        }
    }

    /// Whether the bytes are valid UTF-8.
    static func isValid<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        var it = bytes.makeIterator()
        var decoder = Unicode.UTF8()
        while true {
            switch decoder.decode(&it) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// Appends the UTF-8 encoding of a scalar value.
    static func append(_ value: UInt32, to buffer: inout [UInt8]) {
        let v = Unicode.Scalar(value) == nil ? 0xFFFD : value
        switch v {
        case 0..<0x80:
            buffer.append(UInt8(v))
        case 0x80..<0x800:
            buffer.append(UInt8(0xC0 | (v >> 6)))
            buffer.append(UInt8(0x80 | (v & 0x3F)))
        case 0x800..<0x10000:
            buffer.append(UInt8(0xE0 | (v >> 12)))
            buffer.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            buffer.append(UInt8(0x80 | (v & 0x3F)))
        default:
            buffer.append(UInt8(0xF0 | (v >> 18)))
            buffer.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            buffer.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            buffer.append(UInt8(0x80 | (v & 0x3F)))
        }
    }

    /// Formats a rune like Go's `%q` verb on a rune: `'x'`, `'\n'`, `'\x00'`.
    static func quoteRune(_ rune: Int32) -> String {
        guard rune >= 0, let scalar = Unicode.Scalar(UInt32(rune)) else { return "'\\ufffd'" }
        switch scalar {
        case "\u{07}": return "'\\a'"
        case "\u{08}": return "'\\b'"
        case "\u{0C}": return "'\\f'"
        case "\n": return "'\\n'"
        case "\r": return "'\\r'"
        case "\t": return "'\\t'"
        case "\u{0B}": return "'\\v'"
        case "\\": return "'\\\\'"
        case "'": return "'\\''"
        default: break
        }
        if isPrintable(scalar) { return "'\(Character(scalar))'" }
        let v = scalar.value
        if v < 0x80 { return "'\\x" + hex(v, width: 2) + "'" }
        if v <= 0xFFFF { return "'\\u" + hex(v, width: 4) + "'" }
        return "'\\U" + hex(v, width: 8) + "'"
    }

    /// Formats a rune like Go's `%#U`: `U+0063 'c'`.
    static func describeRune(_ rune: Int32) -> String {
        let v = rune < 0 ? UInt32(0xFFFD) : UInt32(rune)
        var s = "U+" + hex(v, width: 4, uppercase: true)
        if let scalar = Unicode.Scalar(v), isPrintable(scalar) {
            s += " '\(Character(scalar))'"
        }
        return s
    }

    /// A conservative stand-in for Go's `unicode.IsPrint`.
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) { return false }
        if v == 0xAD || v == 0x2028 || v == 0x2029 || v == 0xFEFF || (0xE000...0xF8FF).contains(v) { return false }
        switch scalar.properties.generalCategory {
        case .unassigned, .control, .format, .surrogate, .privateUse, .lineSeparator, .paragraphSeparator:
            return false
        case .spaceSeparator:
            return v == 0x20
        default:
            return true
        }
    }

    static func hex(_ value: UInt32, width: Int, uppercase: Bool = false) -> String {
        let digits = String(value, radix: 16, uppercase: uppercase)
        if digits.count >= width { return digits }
        return String(repeating: "0", count: width - digits.count) + digits
    }
}

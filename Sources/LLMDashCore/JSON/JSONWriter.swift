/// Writes JSON with sorted keys and two-space indentation: the same value always gives the same bytes.
public enum JSONWriter {
    public static func pretty(_ value: JSON) -> [UInt8] {
        var out = ByteBuffer(capacity: 16_384)
        write(value, indent: 0, into: &out)
        out.append(UInt8(ascii: "\n"))
        return out.bytes()
    }

    public static func prettyString(_ value: JSON) -> String {
        String(decoding: pretty(value), as: UTF8.self)
    }

    /// One line, no spaces: for embedding (e.g. ConfigMaps) and for hashing.
    public static func compact(_ value: JSON) -> [UInt8] {
        var out = ByteBuffer(capacity: 1_024)
        writeCompact(value, into: &out)
        return out.bytes()
    }

    private static func newline(_ indent: Int, _ out: inout ByteBuffer) {
        out.append(newlineIndentedBy: indent)
    }

    /// Writes `value` as if it began `indent` spaces in: nested lines are indented from there.
    static func write(_ value: JSON, indent: Int, into out: inout ByteBuffer) {
        switch value {
        case .array(let items):
            if items.isEmpty {
                out.append(UInt8(ascii: "["), UInt8(ascii: "]"))
                return
            }
            out.append(UInt8(ascii: "["))
            for i in items.indices {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 2, &out)
                write(items[i], indent: indent + 2, into: &out)
            }
            newline(indent, &out)
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty {
                out.append(UInt8(ascii: "{"), UInt8(ascii: "}"))
                return
            }
            out.append(UInt8(ascii: "{"))
            for i in 0..<members.count {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 2, &out)
                writeString(members.keys[i], into: &out)
                out.append(UInt8(ascii: ":"), UInt8(ascii: " "))
                write(members.values[i], indent: indent + 2, into: &out)
            }
            newline(indent, &out)
            out.append(UInt8(ascii: "}"))
        default:
            writeScalar(value, into: &out)
        }
    }

    private static func writeCompact(_ value: JSON, into out: inout ByteBuffer) {
        switch value {
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for i in items.indices {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeCompact(items[i], into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for i in 0..<members.count {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeString(members.keys[i], into: &out)
                out.append(UInt8(ascii: ":"))
                writeCompact(members.values[i], into: &out)
            }
            out.append(UInt8(ascii: "}"))
        default:
            writeScalar(value, into: &out)
        }
    }

    private static func writeScalar(_ value: JSON, into out: inout ByteBuffer) {
        switch value {
        case .null: out.append(ascii: "null")
        case .bool(true): out.append(ascii: "true")
        case .bool(false): out.append(ascii: "false")
        case .int(let i): out.append(decimal: i)
        case .double(let d): writeDouble(d, into: &out)
        case .string(let s): writeString(s, into: &out)
        case .array, .object: break
        }
    }

    /// Shortest round-tripping form; integers without a fraction; non-finite values as null.
    public static func formatDouble(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
        return String(d)
    }

    /// Appends `d` as `formatDouble` spells it, whole numbers without a string in between.
    static func writeDouble(_ d: Double, into out: inout ByteBuffer) {
        if d.isFinite, d == d.rounded(), abs(d) < 1e15 {
            out.append(decimal: Int(d))
        } else {
            out.append(formatDouble(d))
        }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `s` as a quoted JSON string.
    static func writeString(_ s: String, into out: inout [UInt8]) {
        var buffer = ByteBuffer(capacity: s.utf8.count + 2)
        writeString(s, into: &buffer)
        out += buffer.bytes()
    }

    static func writeString(_ s: String, into out: inout ByteBuffer) {
        // A native string lends its UTF-8 as it is; only another kind needs a copy to make it contiguous.
        let done: Void? = s.utf8.withContiguousStorageIfAvailable { writeString(utf8: $0, into: &out) }
        if done == nil {
            var s = s
            s.withUTF8 { writeString(utf8: $0, into: &out) }
        }
    }

    /// Appends UTF-8 `bytes` as a quoted JSON string.
    static func writeString(utf8 bytes: UnsafeBufferPointer<UInt8>, into out: inout ByteBuffer) {
        if !out.append(quotedIfClean: bytes) { out.append(escaping: bytes) }
    }

    /// Whether `byte` is a control character, a quote or a backslash: a byte JSON strings escape.
    @inline(__always) static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// The top bit of each byte of `word` that is a control character, a quote or a backslash, in little-endian
    /// order. Above the lowest such byte other bits may be set as well; the lowest set bit is always right.
    ///
    /// `(x - 0x0101…) & ~x & 0x8080…` marks the zero bytes of `x`: subtracting one from each byte sets the top bit
    /// of a zero byte (whose own top bit is clear), and a borrow into the next byte only starts at a zero byte, so
    /// nothing below the lowest zero byte is marked. Subtracting 0x20 from each byte finds a byte below 0x20 the
    /// same way; a quote or backslash is a zero byte of `x` XOR that character in every byte.
    @inline(__always) static func escapeFlags(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let tops: UInt64 = 0x8080_8080_8080_8080
        let control = (word &- ones &* 0x20) & ~word
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        return (control | ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)) & tops
    }

    /// Appends the escape sequence of a byte that needs one.
    static func writeEscaped(_ byte: UInt8, into out: inout ByteBuffer) {
        switch byte {
        case UInt8(ascii: "\""): out.append(92, 34)
        case UInt8(ascii: "\\"): out.append(92, 92)
        case 0x0A: out.append(92, UInt8(ascii: "n"))
        case 0x0D: out.append(92, UInt8(ascii: "r"))
        case 0x09: out.append(92, UInt8(ascii: "t"))
        case 0x08: out.append(92, UInt8(ascii: "b"))
        case 0x0C: out.append(92, UInt8(ascii: "f"))
        default:
            out.append(92, UInt8(ascii: "u"))
            out.append(48, 48)
            out.append(hex[Int(byte >> 4)], hex[Int(byte & 15)])
        }
    }
}

/// A growable byte buffer for the writer: an append is a capacity test and a store or a copy, with none
/// of an array's uniqueness checks. It owns its memory and frees it when it goes away, or writes into memory
/// lent to it until it needs more room.
///
/// Some appends store whole words and so write a few bytes past their end, into capacity they reserved;
/// `count` always stops after the last byte appended.
struct ByteBuffer: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0
    /// Whether `base` was allocated here, to be freed here; lent memory is only written.
    private var owned: Bool

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
        owned = true
    }

    /// A buffer that writes into `memory`, which is not empty, until it needs more room.
    init(lent memory: UnsafeMutableBufferPointer<UInt8>) {
        guard let start = memory.baseAddress, !memory.isEmpty else { preconditionFailure("no memory lent") }
        base = start
        capacity = memory.count
        owned = false
    }

    deinit { if owned { base.deallocate() } }

    /// The bytes written so far, as an array.
    func bytes() -> [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// How many bytes were written into the lent memory; nil when they outgrew it, and `bytes()` has them.
    var countInLentMemory: Int? { owned ? nil : count }

    @inline(__always) private mutating func reserve(_ extra: Int) {
        if count &+ extra > capacity { grow(to: count + extra) }
    }

    private mutating func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        if owned { base.deallocate() }
        base = newBase
        capacity = newCapacity
        owned = true
    }

    /// The end of the bytes written, where the next append goes.
    @inline(__always) private var end: UnsafeMutableRawPointer { UnsafeMutableRawPointer(base + count) }

    @inline(__always) mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always) mutating func append(_ first: UInt8, _ second: UInt8) {
        reserve(2)
        base[count] = first
        base[count + 1] = second
        count += 2
    }

    /// Stores `n` spaces at `target`: 32 at least, then eight at a time, so up to `n + 32` bytes (with `n` at
    /// most the size of a buffer, the arithmetic cannot overflow).
    @inline(__always) private static func spaces(_ n: Int, at target: UnsafeMutableRawPointer) {
        let eight: UInt64 = 0x2020_2020_2020_2020
        target.storeBytes(of: eight, as: UInt64.self)
        target.storeBytes(of: eight, toByteOffset: 8, as: UInt64.self)
        target.storeBytes(of: eight, toByteOffset: 16, as: UInt64.self)
        target.storeBytes(of: eight, toByteOffset: 24, as: UInt64.self)
        var offset = 32
        while offset < n {
            target.storeBytes(of: eight, toByteOffset: offset, as: UInt64.self)
            offset &+= 8
        }
    }

    /// Copies `n` bytes from `source` to `target`. Up to 32 bytes move as a few overlapping words; longer runs
    /// go through `memcpy`. Neither side is read or written outside its `n` bytes.
    @inline(__always) private static func copy(
        _ source: UnsafeRawPointer, _ n: Int, to target: UnsafeMutableRawPointer
    ) {
        if n >= 8 {
            if n > 32 {
                target.copyMemory(from: source, byteCount: n)
                return
            }
            let first = source.loadUnaligned(as: UInt64.self)
            let last = source.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            if n > 16 {
                let second = source.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                let third = source.loadUnaligned(fromByteOffset: n - 16, as: UInt64.self)
                target.storeBytes(of: second, toByteOffset: 8, as: UInt64.self)
                target.storeBytes(of: third, toByteOffset: n - 16, as: UInt64.self)
            }
            target.storeBytes(of: first, as: UInt64.self)
            target.storeBytes(of: last, toByteOffset: n - 8, as: UInt64.self)
        } else if n >= 4 {
            let first = source.loadUnaligned(as: UInt32.self)
            let last = source.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
            target.storeBytes(of: first, as: UInt32.self)
            target.storeBytes(of: last, toByteOffset: n - 4, as: UInt32.self)
        } else if n > 0 {
            // One to three bytes: the first, the middle and the last cover them.
            let first = source.load(as: UInt8.self)
            let middle = source.load(fromByteOffset: n >> 1, as: UInt8.self)
            let last = source.load(fromByteOffset: n - 1, as: UInt8.self)
            target.storeBytes(of: first, as: UInt8.self)
            target.storeBytes(of: middle, toByteOffset: n >> 1, as: UInt8.self)
            target.storeBytes(of: last, toByteOffset: n - 1, as: UInt8.self)
        }
    }

    /// A newline and `indent` spaces.
    @inline(__always) mutating func append(newlineIndentedBy indent: Int) {
        reserve(indent &+ 33)
        let target = end
        target.storeBytes(of: UInt8(ascii: "\n"), as: UInt8.self)
        Self.spaces(indent, at: target + 1)
        count &+= 1 &+ indent
    }

    /// A newline, `indent` spaces and `bracket`: the end of a container that is not empty.
    @inline(__always) mutating func append(newlineIndentedBy indent: Int, then bracket: UInt8) {
        reserve(indent &+ 33)
        let target = end
        target.storeBytes(of: UInt8(ascii: "\n"), as: UInt8.self)
        Self.spaces(indent, at: target + 1)
        target.storeBytes(of: bracket, toByteOffset: 1 &+ indent, as: UInt8.self)
        count &+= 2 &+ indent
    }

    /// The start of the next element or member at `indent`: a comma after an earlier one (`separated`), a newline
    /// and the indentation.
    @inline(__always) mutating func append(separated: Bool, newlineIndentedBy indent: Int) {
        reserve(indent &+ 34)
        let target = end
        // The comma is stored either way; before a first element the newline goes over it.
        target.storeBytes(of: UInt8(ascii: ","), as: UInt8.self)
        let newline = separated ? 1 : 0
        target.storeBytes(of: UInt8(ascii: "\n"), toByteOffset: newline, as: UInt8.self)
        Self.spaces(indent, at: target + (newline &+ 1))
        count &+= newline &+ 1 &+ indent
    }

    /// `,\n`, `indent` spaces and `"name": `, the start of an object member, for a name that needs no escaping.
    /// The comma is left out before the first member (`separated` false).
    @inline(__always) mutating func append(separated: Bool, indent: Int, memberName name: StaticString) {
        let length = name.utf8CodeUnitCount
        // Comma, newline, spaces (32 at least), quote, name, and `": ` stored as a word of four bytes.
        reserve(indent &+ length &+ 40)
        let target = end
        target.storeBytes(of: UInt8(ascii: ","), as: UInt8.self)
        let newline = separated ? 1 : 0
        target.storeBytes(of: UInt8(ascii: "\n"), toByteOffset: newline, as: UInt8.self)
        Self.spaces(indent, at: target + (newline &+ 1))
        let quote = newline &+ 1 &+ indent
        target.storeBytes(of: UInt8(ascii: "\""), toByteOffset: quote, as: UInt8.self)
        Self.copy(name.utf8Start, length, to: target + (quote &+ 1))
        // `"`, `:`, ` ` and a byte of spare capacity, little-endian.
        target.storeBytes(of: 0x0020_3A22 as UInt32, toByteOffset: quote &+ 1 &+ length, as: UInt32.self)
        count &+= quote &+ length &+ 4
    }

    /// `bytes` between quotes when none of them needs escaping in JSON, and true; false, with nothing appended,
    /// when one does. The bytes are checked and copied in the same pass, a word at a time.
    @inline(__always) mutating func append(quotedIfClean bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = bytes.count
        reserve(n + 2)
        let target = end
        var flags: UInt64 = 0
        if let source = UnsafeRawPointer(bytes.baseAddress), n > 0 {
            if n >= 8 {
                // Whole words, the last one overlapping the word before it.
                var offset = 0
                while offset + 8 < n {
                    let word = source.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    flags |= JSONWriter.escapeFlags(word)
                    target.storeBytes(of: word, toByteOffset: 1 + offset, as: UInt64.self)
                    offset += 8
                }
                let word = source.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
                flags |= JSONWriter.escapeFlags(word)
                target.storeBytes(of: word, toByteOffset: n - 7, as: UInt64.self)
            } else if n >= 4 {
                let first = source.loadUnaligned(as: UInt32.self)
                let last = source.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
                flags = JSONWriter.escapeFlags(UInt64(first) | UInt64(last) << 32)
                target.storeBytes(of: first, toByteOffset: 1, as: UInt32.self)
                target.storeBytes(of: last, toByteOffset: n - 3, as: UInt32.self)
            } else {
                // One to three bytes: the first, the middle and the last cover them; spaces fill the word.
                let first = source.load(as: UInt8.self)
                let middle = source.load(fromByteOffset: n >> 1, as: UInt8.self)
                let last = source.load(fromByteOffset: n - 1, as: UInt8.self)
                let word = UInt64(first) | UInt64(middle) << 8 | UInt64(last) << 16 | 0x2020_2020_2000_0000
                flags = JSONWriter.escapeFlags(word)
                target.storeBytes(of: first, toByteOffset: 1, as: UInt8.self)
                target.storeBytes(of: middle, toByteOffset: 1 + (n >> 1), as: UInt8.self)
                target.storeBytes(of: last, toByteOffset: n, as: UInt8.self)
            }
        }
        guard flags == 0 else { return false }
        target.storeBytes(of: UInt8(ascii: "\""), as: UInt8.self)
        target.storeBytes(of: UInt8(ascii: "\""), toByteOffset: n + 1, as: UInt8.self)
        count += n + 2
        return true
    }

    /// `bytes` between quotes, escaped as JSON strings need. Each word is copied whole; from one that holds a byte
    /// to escape, the bytes before it are kept and the scan goes on after its escape sequence. The lowest byte
    /// `escapeFlags` marks is always one to escape.
    mutating func append(escaping bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        append(UInt8(ascii: "\""))
        if let source = UnsafeRawPointer(bytes.baseAddress) {
            var i = 0
            // Room for the rest as it is and a word more, kept after each escape sequence.
            reserve(n &+ 8)
            while i &+ 8 <= n {
                let word = source.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                end.storeBytes(of: word, as: UInt64.self)
                let flags = JSONWriter.escapeFlags(word)
                if flags == 0 {
                    i &+= 8
                    count &+= 8
                    continue
                }
                let clean = flags.trailingZeroBitCount &>> 3
                i &+= clean
                count &+= clean
                JSONWriter.writeEscaped(source.load(fromByteOffset: i, as: UInt8.self), into: &self)
                i &+= 1
                reserve(n &- i &+ 8)
            }
            while i < n {
                let byte = source.load(fromByteOffset: i, as: UInt8.self)
                if JSONWriter.needsEscape(byte) { JSONWriter.writeEscaped(byte, into: &self) } else { append(byte) }
                i &+= 1
            }
        }
        append(UInt8(ascii: "\""))
    }

    @inline(__always) mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    /// ASCII `text` known when the program is built, such as `true` or `null`.
    @inline(__always) mutating func append(ascii text: StaticString) {
        let length = text.utf8CodeUnitCount
        reserve(length)
        Self.copy(text.utf8Start, length, to: end)
        count += length
    }

    /// `value` in decimal, as `String(value)` spells it: the digits are counted, then filled in from the last.
    mutating func append(decimal value: Int) {
        // Most numbers of a dashboard (positions, sizes, options) have one or two digits.
        if UInt(bitPattern: value) < 100 {
            if value < 10 {
                append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            } else {
                let tens = value / 10
                append(
                    UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: tens),
                    UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value &- tens &* 10))
            }
            return
        }
        var magnitude = value.magnitude
        var length = value < 0 ? 2 : 1
        var rest = magnitude / 10
        while rest != 0 {
            length += 1
            rest /= 10
        }
        reserve(length)
        var position = count + length
        repeat {
            position -= 1
            base[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
        } while magnitude != 0
        if value < 0 { base[count] = UInt8(ascii: "-") }
        count += length
    }

    mutating func append(_ text: String) {
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { append($0) }
        if done == nil {
            var text = text
            text.withUTF8 { append($0) }
        }
    }
}

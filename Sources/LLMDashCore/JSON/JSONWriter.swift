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
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
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
        out.append(UInt8(ascii: "\""))
        // Runs of bytes that need no escaping are copied whole; the scan for the next byte that does
        // looks at eight bytes at a time.
        let n = bytes.count
        let base = UnsafeRawPointer(bytes.baseAddress)
        var runStart = 0
        var i = 0
        while i < n {
            if i + 8 <= n, let base, !anyNeedsEscape(base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) {
                i += 8
                continue
            }
            let byte = bytes[i]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                out.append(UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
                writeEscaped(byte, into: &out)
                runStart = i + 1
            }
            i += 1
        }
        out.append(UnsafeBufferPointer(rebasing: bytes[runStart..<n]))
        out.append(UInt8(ascii: "\""))
    }

    /// Whether any of the eight bytes of `word` is a control character, a quote or a backslash.
    ///
    /// `(x - 0x0101…) & ~x & 0x8080…` is nonzero exactly when some byte of `x` is zero: subtracting one from
    /// each byte sets the top bit of a zero byte (whose own top bit is clear), and a borrow into the next byte
    /// only starts at a zero byte, so there are no false alarms. Subtracting 0x20 from each byte finds a byte
    /// below 0x20 the same way; a quote or backslash is a zero byte of `x` XOR that character in every byte.
    @inline(__always) static func anyNeedsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let tops: UInt64 = 0x8080_8080_8080_8080
        let control = (word &- ones &* 0x20) & ~word
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        return (control | ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)) & tops != 0
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
/// of an array's uniqueness checks. It owns its memory and frees it when it goes away.
struct ByteBuffer: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The bytes written so far, as an array.
    func bytes() -> [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    @inline(__always) private mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    private mutating func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

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

    /// `byte` repeated `n` times.
    mutating func append(_ byte: UInt8, count n: Int) {
        reserve(n)
        (base + count).initialize(repeating: byte, count: n)
        count += n
    }

    /// A newline and `indent` spaces. The spaces are stored eight at a time, so up to seven more bytes of
    /// spare capacity may be written; `count` stops after the last space.
    @inline(__always) mutating func append(newlineIndentedBy indent: Int) {
        reserve(indent + 8)
        base[count] = UInt8(ascii: "\n")
        let end = count + 1 + indent
        var position = count + 1
        while position < end {
            UnsafeMutableRawPointer(base + position).storeBytes(of: 0x2020_2020_2020_2020, as: UInt64.self)
            position += 8
        }
        count = end
    }

    /// `"name": `, the start of an object member, for a name that needs no escaping.
    @inline(__always) mutating func append(memberName name: StaticString) {
        let length = name.utf8CodeUnitCount
        reserve(length + 4)
        base[count] = UInt8(ascii: "\"")
        (base + count + 1).update(from: name.utf8Start, count: length)
        count += length + 1
        base[count] = UInt8(ascii: "\"")
        base[count + 1] = UInt8(ascii: ":")
        base[count + 2] = UInt8(ascii: " ")
        count += 3
    }

    @inline(__always) mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    /// `value` in decimal, as `String(value)` spells it: the digits are counted, then filled in from the last.
    mutating func append(decimal value: Int) {
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

/// Maps byte offsets inside a YAML scalar's value back to byte offsets in the file, so that a
/// position inside a PromQL query (for example) lands on the user's text whether the query was a
/// plain, quoted or block scalar.
public struct ScalarPositions: Sendable {
    /// File offset for each byte of the value, plus one entry for the end of the value.
    private let offsets: [Int]

    public init(value: String, source: ScalarSource.Style, start: Int, in file: [UInt8]) {
        let value = Array(value.utf8)
        var map = [Int](repeating: start, count: value.count + 1)
        var j = start
        let end = file.count
        switch source {
        case .singleQuoted, .doubleQuoted:
            j += 1
        case .literal, .folded:
            while j < end, file[j] != UInt8(ascii: "\n") { j += 1 }
        case .plain:
            break
        }
        var i = 0
        while i < value.count, j < end {
            let v = value[i]
            let s = file[j]
            if source == .doubleQuoted, s == UInt8(ascii: "\\"), j + 1 < end {
                let next = file[j + 1]
                if next == UInt8(ascii: "\n") || next == UInt8(ascii: "\r") {
                    j += 2  // an escaped line break produces nothing
                    continue
                }
                let length: Int =
                    switch next {
                    case UInt8(ascii: "x"): 4
                    case UInt8(ascii: "u"): 6
                    case UInt8(ascii: "U"): 10
                    default: 2
                    }
                // The escape yields one character of one to four bytes.
                let width = v < 0x80 ? 1 : v < 0xE0 ? 2 : v < 0xF0 ? 3 : 4
                for k in 0..<width where i + k < value.count { map[i + k] = j }
                i += width
                j += length
                continue
            }
            if source == .singleQuoted, s == UInt8(ascii: "'"), j + 1 < end, file[j + 1] == UInt8(ascii: "'"),
                v == UInt8(ascii: "'")
            {
                map[i] = j
                i += 1
                j += 2
                continue
            }
            if v == s {
                map[i] = j
                i += 1
                j += 1
            } else if s == UInt8(ascii: "\n") && (v == UInt8(ascii: " ") || v == UInt8(ascii: "\n")) {
                // A folded line break.
                map[i] = j
                i += 1
                j += 1
            } else {
                j += 1  // indentation, a quote, a comment marker: source bytes with no value byte
            }
        }
        while i <= value.count {
            map[i] = min(j, end)
            i += 1
        }
        offsets = map
    }

    /// The file offset of a byte offset into the value (clamped to the value's end).
    public func fileOffset(_ valueOffset: Int) -> Int {
        offsets[max(0, min(valueOffset, offsets.count - 1))]
    }
}

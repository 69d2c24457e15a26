#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A user's file held in memory, with fast line lookup for turning offsets and YAML marks into locations.
public struct SourceFile: Sendable {
    /// The path as the user named it; used verbatim in messages.
    public let path: String
    private let lineStarts: [Int]
    /// The file's UTF-8, known to be valid: the text is kept only as these bytes.
    private let bytes: [UInt8]

    public init(path: String, text: String) {
        self.init(path: path, validUTF8: Array(text.utf8))
    }

    /// The file's text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// `bytes` must be valid UTF-8.
    private init(path: String, validUTF8 bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        lineStarts = bytes.withUnsafeBufferPointer { bytes in
            var starts = [0]
            starts.reserveCapacity(bytes.count / 32 + 1)
            guard let base = bytes.baseAddress else { return starts }
            // memchr finds each line break many bytes at a time.
            var from = 0
            while from < bytes.count, let found = memchr(base + from, 0x0A, bytes.count - from) {
                let breakAt = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                starts.append(breakAt + 1)
                from = breakAt + 1
            }
            return starts
        }
    }

    /// Reads a file and checks that it is UTF-8 text.
    public static func read(path: String) -> Result<SourceFile, Diagnostic> {
        do {
            return decode(path: path, bytes: try FileSystem.read(path))
        } catch {
            return .failure(.error("io.read", "cannot read \(path): \(error.message)", at: nil))
        }
    }

    public static func decode(path: String, bytes input: [UInt8]) -> Result<SourceFile, Diagnostic> {
        let bytes = input.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(input.dropFirst(3)) : input
        if isValidUTF8(bytes) { return .success(SourceFile(path: path, validUTF8: bytes)) }
        // Point at the first byte that does not decode.
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput, .error: break loop
            }
        }
        let valid = SourceFile(path: path, text: String(decoding: bytes[..<offset], as: UTF8.self))
        return .failure(.error("yaml.encoding", "file is not valid UTF-8 text", at: valid.location(ofByte: offset)))
    }

    /// Whether `bytes` are UTF-8: plain ASCII is told eight bytes at a time, anything else by the standard library.
    static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        let ascii = bytes.withUnsafeBytes { raw -> Bool in
            var i = 0
            var high: UInt64 = 0
            while i + 8 <= raw.count {
                high |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                i += 8
            }
            while i < raw.count {
                high |= UInt64(raw[i])
                i += 1
            }
            return high & 0x8080_8080_8080_8080 == 0
        }
        return ascii || String(validating: bytes, as: UTF8.self) != nil
    }

    public var lineCount: Int { lineStarts.count }

    /// The text of a 1-based line, without its line break.
    public func line(_ number: Int) -> String {
        guard number >= 1, number <= lineStarts.count else { return "" }
        let start = lineStarts[number - 1]
        var end = number < lineStarts.count ? lineStarts[number] - 1 : bytes.count
        if end > start, bytes[end - 1] == 0x0D { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// The location of a 0-based UTF-8 byte offset.
    public func location(ofByte offset: Int) -> SourceLocation {
        let clamped = max(0, min(offset, bytes.count))
        // `lineStarts` is never empty and starts at 0, so `lo` stays a valid index.
        let (line, start) = lineStarts.withUnsafeBufferPointer { starts in
            var lo = 0
            var hi = starts.count - 1
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if starts[mid] <= clamped { lo = mid } else { hi = mid - 1 }
            }
            return (lo, starts[lo])
        }
        return SourceLocation(file: path, line: line + 1, column: clamped - start + 1)
    }

    /// Byte offset of a line (1-based) and a column counted in Unicode scalars (1-based), as libyaml reports.
    public func byteOffset(line: Int, scalarColumn: Int) -> Int {
        guard line >= 1, line <= lineStarts.count else { return bytes.count }
        let start = lineStarts[line - 1]
        let end = line < lineStarts.count ? lineStarts[line] : bytes.count
        var offset = start
        var scalars = 1
        while offset < end, scalars < scalarColumn {
            let b = bytes[offset]
            let width = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
            offset += width
            scalars += 1
        }
        return min(offset, end)
    }

    /// A location from libyaml's line and scalar-counted column.
    public func location(line: Int, scalarColumn: Int) -> SourceLocation {
        location(ofByte: byteOffset(line: line, scalarColumn: scalarColumn))
    }

    /// The raw UTF-8 bytes of the source, for locating text inside scalars.
    public var utf8: [UInt8] { bytes }
}

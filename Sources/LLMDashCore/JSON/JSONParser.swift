/// The outcome of parsing a JSON text: the value, or the diagnostics that say why there is none.
public struct JSONParseResult: Sendable {
    /// The value; nil when the text has a syntax error.
    public var value: JSON?
    /// Syntax errors (at most one: parsing stops there) and warnings (duplicate keys).
    public var diagnostics: [Diagnostic]
    /// Where each value starts, when asked for (`JSONParser.parse(_:path:locations:)`).
    public var locations: JSONLocations?
}

/// Where each value of a parsed JSON text starts, by its path (`panels[3].targets[0].expr`).
public struct JSONLocations: Sendable {
    /// The byte offset of each value, by path. The root is the empty path.
    public private(set) var offsets: [String: Int] = [:]
    private var lineStarts: [Int] = [0]
    private let file: String

    init(file: String, bytes: UnsafeBufferPointer<UInt8>) {
        self.file = file
        for i in 0..<bytes.count where bytes[i] == 0x0A { lineStarts.append(i + 1) }
    }

    mutating func record(_ path: String, _ offset: Int) { offsets[path] = offset }

    /// The location of the value at `path` (`panels[0].title`), if there is one.
    public func location(of path: String) -> SourceLocation? {
        offsets[path].map(location(ofByte:))
    }

    /// The location of a byte offset.
    public func location(ofByte offset: Int) -> SourceLocation {
        var lo = 0
        var hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return SourceLocation(file: file, line: lo + 1, column: offset - lineStarts[lo] + 1)
    }

    /// The path of an object member: `parent.key`, or `parent["odd key"]` when the key is not a plain name.
    public static func path(_ parent: String, key: String) -> String {
        var plain = !key.isEmpty
        for (i, b) in key.utf8.enumerated() {
            let letter = b == 0x5F || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
            if !(letter || (i > 0 && b >= 0x30 && b <= 0x39)) {
                plain = false
                break
            }
        }
        if plain { return parent.isEmpty ? key : parent + "." + key }
        return parent + "[" + JSONWriter.prettyString(.string(key)).dropLast() + "]"
    }

    /// The path of an array element: `parent[index]`.
    public static func path(_ parent: String, index: Int) -> String { parent + "[\(index)]" }
}

/// A strict JSON parser (RFC 8259) for dashboards and other files users hand to llmdash.
///
/// Any input gives a value or a located diagnostic, never a crash: syntax errors, invalid UTF-8, nesting deeper
/// than `maxDepth` and unterminated input are reported at `file:line:column` (column counted in UTF-8 bytes). A
/// byte-order mark is skipped. Duplicate object keys are a warning; the last one wins, as in JavaScript.
public enum JSONParser {
    /// The deepest nesting of arrays and objects accepted.
    public static let maxDepth = 512

    /// Reads and parses the file at `path`; a file that cannot be read gives one `io.read` error.
    public static func parse(path: String, displayName: String? = nil, locations: Bool = false) -> JSONParseResult {
        let name = displayName ?? path
        do {
            return parse(try FileSystem.read(path), path: name, locations: locations)
        } catch {
            return JSONParseResult(
                value: nil, diagnostics: [.error("io.read", "cannot read \(name): \(error.message)", at: nil)])
        }
    }

    /// Parses JSON text given as a string.
    public static func parse(_ text: String, path: String, locations: Bool = false) -> JSONParseResult {
        parse(Array(text.utf8), path: path, locations: locations)
    }

    /// Parses JSON text given as bytes (which should be UTF-8).
    public static func parse(_ bytes: [UInt8], path: String, locations: Bool = false) -> JSONParseResult {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = Reader(bytes: buffer, path: path, recordLocations: locations)
            let value = reader.document()
            return JSONParseResult(
                value: reader.failure == nil ? value : nil,
                diagnostics: reader.warnings + (reader.failure.map { [$0] } ?? []),
                locations: locations ? reader.locations : nil)
        }
    }
}

private struct Reader {
    let bytes: UnsafeBufferPointer<UInt8>
    let path: String
    var position = 0
    var failure: Diagnostic?
    var warnings: [Diagnostic] = []
    var locations: JSONLocations
    let recordLocations: Bool
    private var lineIndex: JSONLocations?

    init(bytes: UnsafeBufferPointer<UInt8>, path: String, recordLocations: Bool) {
        self.bytes = bytes
        self.path = path
        self.recordLocations = recordLocations
        // Line starts are only computed when locations are asked for or a diagnostic needs one.
        self.locations = JSONLocations(
            file: path, bytes: recordLocations ? bytes : UnsafeBufferPointer(start: nil, count: 0))
    }

    mutating func location(_ offset: Int) -> SourceLocation {
        if recordLocations { return locations.location(ofByte: offset) }
        if lineIndex == nil { lineIndex = JSONLocations(file: path, bytes: bytes) }
        return lineIndex!.location(ofByte: offset)
    }

    mutating func fail(_ message: String, at offset: Int, id: String = "json.syntax", notes: [String] = []) {
        if failure == nil { failure = .error(id, message, at: location(min(offset, bytes.count)), notes: notes) }
    }

    mutating func document() -> JSON? {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
        skipSpace()
        if position >= bytes.count {
            fail("the file is empty: expected a JSON value", at: position)
            return nil
        }
        let value = self.value(path: "", depth: 0)
        guard failure == nil else { return nil }
        skipSpace()
        if position < bytes.count {
            fail("unexpected \(describe(position)) after the JSON value", at: position)
            return nil
        }
        return value
    }

    mutating func skipSpace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    /// A readable name for the byte at `offset`: `'x'`, `end of file`, `byte 0xFF`.
    func describe(_ offset: Int) -> String {
        guard offset < bytes.count else { return "end of file" }
        let b = bytes[offset]
        if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        if b < 0x80 { return "character 0x" + String(b, radix: 16, uppercase: true) }
        if let scalar = scalarAt(offset) { return "'\(Character(scalar))'" }
        return "byte 0x" + String(b, radix: 16, uppercase: true) + " (not UTF-8)"
    }

    func scalarAt(_ offset: Int) -> Unicode.Scalar? {
        let width = utf8Width(at: offset)
        guard width > 0 else { return nil }
        let slice = UnsafeBufferPointer(rebasing: bytes[offset..<(offset + width)])
        return String(validating: slice, as: UTF8.self)?.unicodeScalars.first
    }

    /// The length of the valid UTF-8 sequence starting at `offset`, or 0.
    func utf8Width(at offset: Int) -> Int {
        let b = bytes[offset]
        let width: Int
        switch b {
        case 0x00..<0x80: return 1
        case 0xC2..<0xE0: width = 2
        case 0xE0..<0xF0: width = 3
        case 0xF0..<0xF5: width = 4
        default: return 0
        }
        guard offset + width <= bytes.count else { return 0 }
        for k in 1..<width where bytes[offset + k] & 0xC0 != 0x80 { return 0 }
        let b1 = bytes[offset + 1]
        if b == 0xE0 && b1 < 0xA0 { return 0 }  // overlong
        if b == 0xED && b1 >= 0xA0 { return 0 }  // surrogate
        if b == 0xF0 && b1 < 0x90 { return 0 }  // overlong
        if b == 0xF4 && b1 >= 0x90 { return 0 }  // above U+10FFFF
        return width
    }

    mutating func value(path: String, depth: Int) -> JSON? {
        if recordLocations { locations.record(path, position) }
        guard position < bytes.count else {
            fail("unexpected end of file: expected a value", at: position)
            return nil
        }
        switch bytes[position] {
        case UInt8(ascii: "{"): return object(path: path, depth: depth + 1)
        case UInt8(ascii: "["): return array(path: path, depth: depth + 1)
        case UInt8(ascii: "\""): return string().map(JSON.string)
        case UInt8(ascii: "t"): return literal("true", .bool(true))
        case UInt8(ascii: "f"): return literal("false", .bool(false))
        case UInt8(ascii: "n"): return literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
        case UInt8(ascii: "'"):
            fail("strings must be in double quotes", at: position)
        case UInt8(ascii: "/"):
            fail("comments are not allowed in JSON", at: position)
        default:
            fail("unexpected \(describe(position)): expected a value", at: position)
        }
        return nil
    }

    mutating func literal(_ word: String, _ value: JSON) -> JSON? {
        let letters = Array(word.utf8)
        let count = letters.count
        let matches =
            position + count <= bytes.count && (0..<count).allSatisfy { bytes[position + $0] == letters[$0] }
        guard matches else {
            fail("unexpected \(describe(position)): expected a value", at: position)
            return nil
        }
        position += count
        return value
    }

    mutating func object(path: String, depth: Int) -> JSON? {
        if depth > JSONParser.maxDepth {
            fail("nesting deeper than \(JSONParser.maxDepth) levels", at: position, id: "json.depth")
            return nil
        }
        position += 1
        var pairs: [(String, JSON)] = []
        var keyOffsets: [Int] = []
        skipSpace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(JSONMembers())
        }
        while true {
            skipSpace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                if position < bytes.count, bytes[position] == UInt8(ascii: "}"), !pairs.isEmpty {
                    fail("trailing comma before '}'", at: position)
                } else {
                    fail("unexpected \(describe(position)): expected a key in double quotes", at: position)
                }
                return nil
            }
            let keyOffset = position
            guard let key = string() else { return nil }
            skipSpace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                fail("unexpected \(describe(position)): expected ':' after the key", at: position)
                return nil
            }
            position += 1
            skipSpace()
            let memberPath = recordLocations ? JSONLocations.path(path, key: key) : ""
            guard let member = value(path: memberPath, depth: depth) else { return nil }
            pairs.append((key, member))
            keyOffsets.append(keyOffset)
            skipSpace()
            guard position < bytes.count else {
                fail("unexpected end of file: expected ',' or '}'", at: position)
                return nil
            }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            if bytes[position] == UInt8(ascii: "}") {
                position += 1
                let members = JSONMembers(unsorted: pairs)
                if members.count < pairs.count { warnDuplicates(pairs, keyOffsets) }
                return .object(members)
            }
            fail("unexpected \(describe(position)): expected ',' or '}'", at: position)
            return nil
        }
    }

    /// Warns at every repeated key of an object (rare, so found only once the member count says so).
    mutating func warnDuplicates(_ pairs: [(String, JSON)], _ offsets: [Int]) {
        var seen: Set<String> = []
        for ((key, _), offset) in zip(pairs, offsets) where !seen.insert(key).inserted {
            warnings.append(
                .warning(
                    "json.duplicate-key",
                    "duplicate key \(JSONWriter.prettyString(.string(key)).dropLast()); the last one is used",
                    at: location(offset)))
        }
    }

    mutating func array(path: String, depth: Int) -> JSON? {
        if depth > JSONParser.maxDepth {
            fail("nesting deeper than \(JSONParser.maxDepth) levels", at: position, id: "json.depth")
            return nil
        }
        position += 1
        var items: [JSON] = []
        skipSpace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array([])
        }
        while true {
            skipSpace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]"), !items.isEmpty {
                fail("trailing comma before ']'", at: position)
                return nil
            }
            let itemPath = recordLocations ? JSONLocations.path(path, index: items.count) : ""
            guard let item = value(path: itemPath, depth: depth) else { return nil }
            items.append(item)
            skipSpace()
            guard position < bytes.count else {
                fail("unexpected end of file: expected ',' or ']'", at: position)
                return nil
            }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            if bytes[position] == UInt8(ascii: "]") {
                position += 1
                return .array(items)
            }
            fail("unexpected \(describe(position)): expected ',' or ']'", at: position)
            return nil
        }
    }

    mutating func string() -> String? {
        let start = position
        position += 1
        let contentStart = position
        // Fast path: no escapes, all ASCII.
        while position < bytes.count {
            let b = bytes[position]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[contentStart..<position]), as: UTF8.self)
                position += 1
                return s
            }
            if b == UInt8(ascii: "\\") || b < 0x20 || b >= 0x80 { break }
            position += 1
        }
        var out: [UInt8] = Array(bytes[contentStart..<position])
        while position < bytes.count {
            let b = bytes[position]
            switch b {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard escape(into: &out) else { return nil }
            case 0x0A, 0x0D:
                fail("unterminated string (a line break must be written \\n)", at: start)
                return nil
            case 0..<0x20:
                fail(
                    "control character 0x\(String(b, radix: 16, uppercase: true)) in a string must be escaped",
                    at: position)
                return nil
            case 0x80...:
                let width = utf8Width(at: position)
                guard width > 0 else {
                    fail(
                        "invalid UTF-8 byte 0x\(String(b, radix: 16, uppercase: true)) in a string", at: position,
                        id: "json.encoding")
                    return nil
                }
                out.append(contentsOf: bytes[position..<(position + width)])
                position += width
            default:
                out.append(b)
                position += 1
            }
        }
        fail("unterminated string", at: start)
        return nil
    }

    mutating func escape(into out: inout [UInt8]) -> Bool {
        let start = position
        position += 1
        guard position < bytes.count else {
            fail("unterminated string", at: start)
            return false
        }
        let c = bytes[position]
        position += 1
        switch c {
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "/"): out.append(0x2F)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            guard var code = hex4(at: position) else {
                fail("invalid \\u escape: expected four hexadecimal digits", at: start)
                return false
            }
            position += 4
            if (0xD800..<0xDC00).contains(code), position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                bytes[position + 1] == UInt8(ascii: "u"), let low = hex4(at: position + 2),
                (0xDC00..<0xE000).contains(low)
            {
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                position += 6
            }
            // A lone surrogate cannot be UTF-8: it becomes U+FFFD, as most JSON readers do.
            let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
            fail("invalid escape '\\\(Character(Unicode.Scalar(c)))' in a string", at: start)
            return false
        }
        return true
    }

    func hex4(at offset: Int) -> UInt32? {
        guard offset + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for k in 0..<4 {
            let b = bytes[offset + k]
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    mutating func number() -> JSON? {
        let start = position
        func digits(_ reader: inout Reader) -> Int {
            var n = 0
            while reader.position < reader.bytes.count, reader.bytes[reader.position] >= 0x30,
                reader.bytes[reader.position] <= 0x39
            {
                reader.position += 1
                n += 1
            }
            return n
        }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        let intStart = position
        let intDigits = digits(&self)
        if intDigits == 0 {
            fail("invalid number: expected a digit", at: position)
            return nil
        }
        if intDigits > 1, bytes[intStart] == UInt8(ascii: "0") {
            fail("invalid number: leading zeros are not allowed", at: start)
            return nil
        }
        var integral = true
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            integral = false
            position += 1
            if digits(&self) == 0 {
                fail("invalid number: expected a digit after '.'", at: position)
                return nil
            }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            integral = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            if digits(&self) == 0 {
                fail("invalid number: expected a digit in the exponent", at: position)
                return nil
            }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        if integral, let i = Int(text) { return .int(i) }
        guard let d = Double(text) else {
            fail("invalid number", at: start)
            return nil
        }
        // `3e2` and `1.0` are whole numbers: written as integers, so they compare equal to `300` and `1`.
        return .number(d)
    }
}

import Synchronization

/// A YAML 1.2 parser for configuration files that works directly on UTF-8 bytes.
///
/// It accepts what libyaml accepts for block and flow documents (so files that loaded before still
/// load), with these exceptions: complex mapping keys (`? `) are refused, and only LF, CR and CRLF
/// are line breaks. It records tags as written and leaves merge keys (`<<`), tag resolution and
/// duplicate keys to the reader. Nesting of collections is bounded by `maxDepth`, so hostile input
/// cannot exhaust the stack.
public enum YAMLParser {
    /// Deepest nesting of collections, block and flow counted together.
    public static let maxDepth = 64

    /// Parses a stream of documents into one node per document; an empty stream gives no documents.
    public static func parse(_ bytes: [UInt8]) -> Result<[YAMLNode], YAMLError> {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, !buffer.isEmpty else { return .success([]) }
            var parser = ByteParser(base: base, count: buffer.count, strings: StringCache.take())
            defer { parser.strings.putBack() }
            do throws(ByteParser.Stop) {
                return .success(try parser.parseStream())
            } catch {
                return .failure(
                    YAMLError(parser.message(for: parser.problem, at: parser.problemAt), at: parser.problemAt))
            }
        }
    }
}

// MARK: - Bytes

extension UInt8 {
    fileprivate static let tab: UInt8 = 0x09
    fileprivate static let lf: UInt8 = 0x0A
    fileprivate static let cr: UInt8 = 0x0D
    fileprivate static let space: UInt8 = 0x20
    fileprivate static let bang: UInt8 = 0x21
    fileprivate static let dquote: UInt8 = 0x22
    fileprivate static let hash: UInt8 = 0x23
    fileprivate static let percent: UInt8 = 0x25
    fileprivate static let amp: UInt8 = 0x26
    fileprivate static let squote: UInt8 = 0x27
    fileprivate static let star: UInt8 = 0x2A
    fileprivate static let plus: UInt8 = 0x2B
    fileprivate static let comma: UInt8 = 0x2C
    fileprivate static let dash: UInt8 = 0x2D
    fileprivate static let dot: UInt8 = 0x2E
    fileprivate static let zero: UInt8 = 0x30
    fileprivate static let nine: UInt8 = 0x39
    fileprivate static let colon: UInt8 = 0x3A
    fileprivate static let less: UInt8 = 0x3C
    fileprivate static let greater: UInt8 = 0x3E
    fileprivate static let question: UInt8 = 0x3F
    fileprivate static let at: UInt8 = 0x40
    fileprivate static let lbracket: UInt8 = 0x5B
    fileprivate static let backslash: UInt8 = 0x5C
    fileprivate static let rbracket: UInt8 = 0x5D
    fileprivate static let backtick: UInt8 = 0x60
    fileprivate static let lbrace: UInt8 = 0x7B
    fileprivate static let pipe: UInt8 = 0x7C
    fileprivate static let rbrace: UInt8 = 0x7D

    /// Space or tab.
    @inline(__always) fileprivate var isBlank: Bool { self == .space || self == .tab }
    /// LF or CR.
    @inline(__always) fileprivate var isBreak: Bool { self == .lf || self == .cr }
    /// Space, tab, a line break, or the end of input (read as 0: raw NULs are rejected up front).
    @inline(__always) fileprivate var isBlankOrEnd: Bool {
        self == .space || self == .tab || self == .lf || self == .cr || self == 0
    }
    @inline(__always) fileprivate var isFlowIndicator: Bool {
        self == .comma || self == .lbracket || self == .rbracket || self == .lbrace || self == .rbrace
    }
    /// A character of an anchor name, a tag handle or a directive name: ASCII letters, digits, `-`, `_`.
    @inline(__always) fileprivate var isWordChar: Bool {
        (self >= .zero && self <= .nine) || (self >= 0x41 && self <= 0x5A) || (self >= 0x61 && self <= 0x7A)
            || self == .dash || self == 0x5F
    }
    /// A character that starts a plain scalar whatever follows it: not blank, not a line break,
    /// not an indicator (`-?:,[]{}#&*!|>'"%@` and backtick).
    @inline(__always) fileprivate var startsPlainScalar: Bool {
        if self >= 0x80 { return true }
        // One bit per character up to the space and per indicator, for 0x00-0x3F and 0x40-0x7F.
        let low: UInt64 = 0xC400_34EF_FFFF_FFFF
        let high: UInt64 = 0xB800_0001_2800_0001
        return self < 0x40 ? low >> self & 1 == 0 : high >> (self - 0x40) & 1 == 0
    }

    fileprivate var hexValue: UInt32? {
        switch self {
        case 0x30...0x39: UInt32(self - 0x30)
        case 0x41...0x46: UInt32(self - 0x41 + 10)
        case 0x61...0x66: UInt32(self - 0x61 + 10)
        default: nil
        }
    }
}

/// Anchor and tag written before a node, as byte ranges into the input.
private struct Properties {
    /// Offset of the first property, or -1 when there is none.
    var start = -1
    var end = -1
    var anchorStart = 0
    var anchorEnd = 0
    var tagStart = 0
    var tagEnd = 0

    var isEmpty: Bool { start < 0 }
    var hasAnchor: Bool { anchorEnd > anchorStart }
    var hasTag: Bool { tagEnd > tagStart }
}

/// Strings of up to 15 bytes made so far, by content: configuration files repeat their keys and
/// many of their values, and a lookup costs less than making a string.
///
/// A parse takes a cache from a shared pool and puts it back when it ends, so the files of a build
/// share their strings and each cache is used by one parse at a time (hence `@unchecked Sendable`).
/// The pool holds at most one cache per parse running at the same time, of a few kilobytes each.
private struct StringCache: @unchecked Sendable {
    /// Caches that no parse is using.
    private static let idle = Mutex<[StringCache]>([])

    /// A cache from the pool, or a new one.
    static func take() -> StringCache {
        idle.withLock { $0.popLast() } ?? StringCache()
    }

    /// Returns the cache to the pool for the next parse.
    consuming func putBack() {
        let cache = self
        Self.idle.withLock { $0.append(cache) }
    }

    private static let slots = 256
    /// Per slot, the bytes as two little-endian words, the length in the top byte of the second;
    /// zero for a slot not used yet.
    private var words: UnsafeMutablePointer<UInt64>?
    private var strings: UnsafeMutablePointer<String>?

    /// The string of `length` (1...15) bytes at `start`, where at least 16 bytes can be read.
    @inline(__always)
    mutating func string(at start: UnsafePointer<UInt8>, length: Int) -> String {
        let raw = UnsafeRawPointer(start)
        var w0 = raw.loadUnaligned(as: UInt64.self)
        var w1 = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        if length < 8 {
            w0 &= (1 << UInt64(length * 8)) - 1
            w1 = 0
        } else {
            w1 &= (1 << UInt64((length - 8) * 8)) - 1
        }
        w1 |= UInt64(length) << 56
        let slot = Int(truncatingIfNeeded: ((w0 &+ w1 &* 0x9E37_79B9_7F4A_7C15) &* 0xC2B2_AE3D_27D4_EB4F) >> 56)
        if words == nil { allocate() }
        guard let words, let strings else {
            return String(decoding: UnsafeBufferPointer(start: start, count: length), as: UTF8.self)
        }
        let key = words + 2 &* slot
        if key[0] == w0 && key[1] == w1 { return strings[slot] }
        let made = String(decoding: UnsafeBufferPointer(start: start, count: length), as: UTF8.self)
        if key[1] == 0 {
            (strings + slot).initialize(to: made)
        } else {
            strings[slot] = made
        }
        key[0] = w0
        key[1] = w1
        return made
    }

    private mutating func allocate() {
        let words = UnsafeMutablePointer<UInt64>.allocate(capacity: 2 * Self.slots)
        words.initialize(repeating: 0, count: 2 * Self.slots)
        self.words = words
        strings = UnsafeMutablePointer<String>.allocate(capacity: Self.slots)
    }
}

/// What precedes a block node on its line.
private enum Indicator {
    /// `key:` — the value may not start a block collection on the same line.
    case value
    /// `-` — compact nesting allowed: `- a: 1`, `- - x`.
    case entry
    /// `---` — only scalars and flow collections may follow on the same line.
    case documentStart
}

/// What was found where a block node starts; collections are parsed by the caller, so that the
/// recursion through nested collections only goes through small stack frames. The finished node
/// (`.node`) or the first key (`.mapping`) is returned separately.
private struct BlockHead {
    enum Kind { case node, sequence, mapping, content }
    var kind: Kind
    /// Properties of the collection (`.sequence`, `.mapping`), or of the node below (`.content`).
    var props = Properties()
    /// Column of the collection.
    var column = 0
}

/// Every syntax error the parser reports; the message is built from the input at the error's offset.
private enum Problem {
    case controlCharacter, noncharacter, tabIndentation
    case unterminatedString, unclosedFlow, expectedCommaOrBracket, expectedCommaOrBrace
    case badMappingIndentation, badSequenceIndentation, expectedColonAfterKey, mappingValuesNotAllowed
    case undefinedAlias, cannotStartToken, nestingTooDeep, complexKey, entryNotAllowed, entryInFlow
    case expectedKeyFoundEntry, textAfterValue, expectedEndOfDocument, expectedNodeContent, indicatorOutsideFlow
    case implicitKeyOnOneLine, implicitKeyTooLong, colonInPlainScalar
    case unknownEscape, invalidHexEscape, invalidCodePoint
    case badIndentationIndicator, expectedBlockScalarHeaderEnd
    case invalidAnchorName, aliasWithProperties, twoAnchors, twoTags
    case undefinedTagHandle, expectedBlankAfterTag, expectedTagSuffix, expectedTagURI, expectedVerbatimTagEnd
    case invalidTagEscape
    case expectedDirectiveName, duplicateVersion, versionSyntax, unsupportedVersion, tagHandleSyntax
    case expectedTagPrefix, duplicateTagDirective, unknownDirective, textAfterDirective
    case directivesWithoutDocument, documentNeedsStart, textAfterDocumentEnd, documentEndWithoutDocument
}

// MARK: - Parser

private struct ByteParser {
    /// Thrown inside the parser; `problem` and `problemAt` say what and where.
    struct Stop: Error {}

    let p: UnsafePointer<UInt8>
    let n: Int
    var pos = 0
    /// Offset of the first byte of the current line; columns are `pos - lineStart`.
    var lineStart = 0
    /// Anchored nodes, kept across documents as Yams does; a later definition replaces an earlier one.
    var anchors: [String: YAMLNode] = [:]
    /// Named tag handles (`!e!`) declared by `%TAG` for the current document.
    var tagHandles: [[UInt8]] = []
    /// Reused buffer for scalars that need unescaping or folding.
    var scratch: [UInt8] = []
    /// Short strings made so far, by content.
    var strings: StringCache
    /// Per depth, the number of pairs of the last block mapping there (4 to 64): siblings such as the
    /// panels of a dashboard tend to have as many keys, so their arrays get the right size at once.
    var mappingSizes = [Int](repeating: 4, count: YAMLParser.maxDepth)
    /// What `locateBlockNode` or `readBlockHead` found when it returned no node.
    var head = BlockHead(kind: .node)
    var problem = Problem.expectedNodeContent
    var problemAt = 0
    /// Where `skipLines` or a scalar that ends at a later line left `pos`: the first content
    /// character of a line, which only indentation precedes.
    var lineContentAt = -1

    init(base: UnsafePointer<UInt8>, count: Int, strings: StringCache) {
        p = base
        n = count
        self.strings = strings
    }

    // The byte helpers are `mutating` although they only read: a debug build then passes `self` by
    // reference instead of copying the whole parser into every frame, which keeps the deepest
    // nesting allowed well inside a 512 KB thread stack.

    @inline(__always) mutating func at(_ i: Int) -> UInt8 { i < n ? p[i] : 0 }
    @inline(__always) var cur: UInt8 { mutating get { pos < n ? p[pos] : 0 } }
    @inline(__always) var column: Int { mutating get { pos - lineStart } }

    mutating func text(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: p + start, count: end - start), as: UTF8.self)
    }

    /// The text of a scalar, shared with earlier equal short scalars.
    @inline(__always) mutating func scalarText(_ start: Int, _ end: Int) -> String {
        let length = end - start
        guard length > 0, length <= 15, start + 16 <= n else { return text(start, end) }
        return strings.string(at: p + start, length: length)
    }

    /// Records an error; `throw fail(...)`.
    mutating func fail(_ problem: Problem, _ offset: Int) -> Stop {
        self.problem = problem
        problemAt = offset
        return Stop()
    }

    /// At a comment, a line break or the end of input.
    @inline(__always) var atLineEnd: Bool {
        mutating get {
            let b = cur
            return b == .lf || b == .cr || b == .hash || pos >= n
        }
    }

    /// At `---` or `...` followed by a blank or the end of a line (the caller checks the column).
    @inline(__always) mutating func isDocumentMarker(_ i: Int) -> Bool {
        guard i + 2 < n else { return false }
        let b = p[i]
        guard (b == .dash || b == .dot) && p[i + 1] == b && p[i + 2] == b else { return false }
        return at(i + 3).isBlankOrEnd
    }

    var atDocumentMarker: Bool { mutating get { pos == lineStart && isDocumentMarker(pos) } }
    /// At `---`, `...` or a directive: the current document ends here (libyaml lets a directive end a
    /// document without `...`).
    var atDocumentBoundary: Bool {
        mutating get { pos == lineStart && (isDocumentMarker(pos) || (pos < n && p[pos] == .percent)) }
    }
    var atDocumentStart: Bool { mutating get { atDocumentMarker && p[pos] == .dash } }
    var atDocumentEnd: Bool { mutating get { atDocumentMarker && p[pos] == .dot } }
    /// At `-` followed by a blank: a block sequence entry.
    @inline(__always) var atEntry: Bool { mutating get { cur == .dash && at(pos + 1).isBlankOrEnd } }
    /// At `? ` (an explicit key).
    @inline(__always) var atComplexKey: Bool { mutating get { cur == .question && at(pos + 1).isBlankOrEnd } }

    /// The offset after the line break (CRLF counts as one) at `i`.
    @inline(__always) mutating func afterBreak(_ i: Int) -> Int {
        p[i] == .cr && i + 1 < n && p[i + 1] == .lf ? i + 2 : i + 1
    }

    // MARK: Stream and documents

    mutating func parseStream() throws(Stop) -> [YAMLNode] {
        try checkCharacters()
        if n >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF {
            pos = 3
            lineStart = 3
        }
        var documents: [YAMLNode] = []
        while true {
            let directiveAt = try parseProlog()
            if pos >= n {
                if directiveAt >= 0 { throw fail(.directivesWithoutDocument, directiveAt) }
                break
            }
            if atDocumentEnd {
                if directiveAt >= 0 { throw fail(.directivesWithoutDocument, directiveAt) }
                if documents.isEmpty { throw fail(.documentEndWithoutDocument, pos) }
                pos += 3
                try finishMarkerLine()
                continue
            }
            if atDocumentStart {
                pos += 3
                documents.append(try parseBlockNode(indent: -1, after: .documentStart, depth: 0))
            } else {
                if directiveAt >= 0 { throw fail(.directivesWithoutDocument, directiveAt) }
                if !documents.isEmpty { throw fail(.documentNeedsStart, pos) }
                documents.append(try parseBlockContent(indent: -1, outer: Properties(), depth: 0))
            }
            try finishNodeLine()
            if pos >= n || atDocumentStart || (pos == lineStart && cur == .percent) { continue }
            if !atDocumentEnd { throw fail(.expectedEndOfDocument, pos) }
            pos += 3
            try finishMarkerLine()
        }
        return documents
    }

    /// Skips blank lines, comments and directives before a document; returns the offset of the
    /// first directive, or -1.
    mutating func parseProlog() throws(Stop) -> Int {
        var directiveAt = -1
        var versionSeen = false
        tagHandles.removeAll(keepingCapacity: true)
        while true {
            try skipLines()
            guard pos < n, pos == lineStart, cur == .percent else { return directiveAt }
            if directiveAt < 0 { directiveAt = pos }
            try parseDirective(versionSeen: &versionSeen)
        }
    }

    /// Rejects raw control characters (C0 other than tab, LF and CR; DEL; C1 other than NEL) and
    /// the noncharacters U+FFFE and U+FFFF, as libyaml does. Blocks of 64 bytes that are printable
    /// ASCII, tabs and line breaks pass with a check the compiler vectorizes.
    mutating func checkCharacters() throws(Stop) {
        var i = 0
        while i < n {
            let end = min(i + 64, n)
            if end - i == 64 {
                var suspicious: UInt8 = 0
                for k in i..<end {
                    let b = p[k]
                    let outside: UInt8 = b &- 0x20 > 0x5E ? 1 : 0
                    let allowed: UInt8 = b == .tab || b == .lf || b == .cr ? 1 : 0
                    suspicious |= outside & ~allowed
                }
                if suspicious == 0 {
                    i = end
                    continue
                }
            }
            while i < end {
                let b = p[i]
                if b >= 0x20 && b < 0x7F || b == .tab || b == .lf || b == .cr {
                    i += 1
                } else if b < 0x80 {
                    throw fail(.controlCharacter, i)
                } else if b == 0xC2 {
                    let c = at(i + 1)
                    if c >= 0x80 && c <= 0x9F && c != 0x85 { throw fail(.controlCharacter, i) }
                    i += 2
                } else if b == 0xEF && at(i + 1) == 0xBF && (at(i + 2) == 0xBE || at(i + 2) == 0xBF) {
                    throw fail(.noncharacter, i)
                } else {
                    i += 1
                }
            }
        }
    }

    /// Parses `%YAML` or `%TAG` at the start of a line, through the end of that line.
    mutating func parseDirective(versionSeen: inout Bool) throws(Stop) {
        let start = pos
        pos += 1
        let nameStart = pos
        while cur.isWordChar { pos += 1 }
        let nameEnd = pos
        guard nameEnd > nameStart, cur.isBlankOrEnd else { throw fail(.expectedDirectiveName, start) }
        skipBlanks()
        if matches(nameStart, nameEnd, "YAML") {
            if versionSeen { throw fail(.duplicateVersion, start) }
            versionSeen = true
            let major = scanNumber()
            guard major >= 0, cur == .dot else { throw fail(.versionSyntax, start) }
            pos += 1
            let minor = scanNumber()
            guard minor >= 0 else { throw fail(.versionSyntax, start) }
            if major != 1 || (minor != 1 && minor != 2) { throw fail(.unsupportedVersion, start) }
        } else if matches(nameStart, nameEnd, "TAG") {
            let handleStart = pos
            guard cur == .bang else { throw fail(.tagHandleSyntax, start) }
            pos += 1
            while cur.isWordChar { pos += 1 }
            if cur == .bang {
                pos += 1
            } else if pos != handleStart + 1 {
                throw fail(.tagHandleSyntax, start)
            }
            let handle = Array(UnsafeBufferPointer(start: p + handleStart, count: pos - handleStart))
            guard cur.isBlank else { throw fail(.expectedTagPrefix, pos) }
            skipBlanks()
            let prefixStart = pos
            try scanURI(verbatim: true)
            if pos == prefixStart { throw fail(.expectedTagPrefix, pos) }
            if tagHandles.contains(handle) { throw fail(.duplicateTagDirective, start) }
            tagHandles.append(handle)
        } else {
            throw fail(.unknownDirective, start)
        }
        skipBlanks()
        if cur == .hash { skipComment() }
        guard pos >= n || cur.isBreak else { throw fail(.textAfterDirective, pos) }
    }

    mutating func matches(_ start: Int, _ end: Int, _ word: StaticString) -> Bool {
        guard end - start == word.utf8CodeUnitCount else { return false }
        return (0..<(end - start)).allSatisfy { p[start + $0] == word.utf8Start[$0] }
    }

    /// A decimal number of at most nine digits, or -1.
    mutating func scanNumber() -> Int {
        let start = pos
        var value = 0
        while cur >= .zero && cur <= .nine && pos - start < 9 {
            value = value * 10 + Int(cur - .zero)
            pos += 1
        }
        return pos == start ? -1 : value
    }

    /// After `...`: only blanks and a comment may follow on the line.
    mutating func finishMarkerLine() throws(Stop) {
        skipBlanks()
        if cur == .hash { skipComment() }
        guard pos >= n || cur.isBreak else { throw fail(.textAfterDocumentEnd, pos) }
    }

    // MARK: Whitespace and comments

    @inline(__always) mutating func skipBlanks() {
        while pos < n && p[pos].isBlank { pos += 1 }
    }

    @inline(__always) mutating func skipComment() {
        while pos < n && !p[pos].isBreak { pos += 1 }
    }

    /// From a line break, the end of input, or the indentation of a line, moves to the first content
    /// character of the next line that has any (or to the end of input), past blank and comment lines.
    /// In block context a tab may not appear in indentation.
    mutating func skipLines() throws(Stop) {
        defer { lineContentAt = pos }
        while pos < n {
            skipByteOrderMark()
            pos = spaces(from: pos)
            if pos == n { return }
            var b = p[pos]
            if b == .tab { throw fail(.tabIndentation, pos) }
            if b == .hash {
                skipComment()
                if pos == n { return }
                b = p[pos]
            }
            guard b.isBreak else { return }
            pos = afterBreak(pos)
            lineStart = pos
        }
    }

    /// Like libyaml, skips a byte order mark at the start of a line, which then counts as one column.
    @inline(__always) mutating func skipByteOrderMark() {
        if pos == lineStart && pos + 2 < n && p[pos] == 0xEF && p[pos + 1] == 0xBB && p[pos + 2] == 0xBF {
            pos += 3
            lineStart = pos - 1
        }
    }

    /// The offset of the first byte from `i` on that is not a space, reading eight bytes at a time.
    @inline(__always) mutating func spaces(from i: Int) -> Int {
        var i = i
        while i + 8 <= n {
            let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self) ^ 0x2020_2020_2020_2020
            if w != 0 { return i + w.trailingZeroBitCount >> 3 }
            i += 8
        }
        while i < n && p[i] == .space { i += 1 }
        return i
    }

    /// Whether only indentation precedes `pos` on its line (a node ended at the start of a later line).
    var atLineIndentation: Bool {
        mutating get {
            if pos == lineContentAt { return true }
            var i = pos - 1
            while i >= lineStart {
                if !p[i].isBlank { return false }
                i -= 1
            }
            return true
        }
    }

    /// After a block node: the rest of its line must be blank or a comment; then moves to the next
    /// content line.
    mutating func finishNodeLine() throws(Stop) {
        // Already at the content of a later line (not a comment, not a byte order mark to skip).
        if pos == lineContentAt && pos < n && p[pos] != .hash && p[pos] != 0xEF { return }
        if !atLineIndentation {
            skipBlanks()
            if cur == .hash { skipComment() }
            if pos < n && !p[pos].isBreak {
                throw fail(cur == .colon && at(pos + 1).isBlankOrEnd ? .mappingValuesNotAllowed : .textAfterValue, pos)
            }
        }
        try skipLines()
    }

    /// After an entry of a block collection in column `indent`: whether another entry follows.
    mutating func nextBlockEntry(indent: Int, sequence: Bool) throws(Stop) -> Bool {
        try finishNodeLine()
        if pos >= n || atDocumentBoundary { return false }
        let col = column
        if col < indent { return false }
        if col > indent { throw fail(sequence ? .badSequenceIndentation : .badMappingIndentation, pos) }
        return !sequence || atEntry
    }

    // MARK: Block collections
    //
    // Nested block collections recurse through parseBlockNode → parseBlockContent → parseBlockSequence
    // or parseBlockMapping. These stay small; the work at each node happens in non-recursive helpers.

    /// Parses the node that follows an indicator (`key:`, `-` or `---`), on the same line or below.
    mutating func parseBlockNode(indent: Int, after: Indicator, depth: Int) throws(Stop) -> YAMLNode {
        if let node = try locateBlockNode(indent: indent, after: after, depth: depth) { return node }
        let head = self.head
        if head.kind == .sequence { return try parseBlockSequence(head, depth: depth) }
        return try parseBlockContent(indent: indent, outer: head.props, depth: depth)
    }

    /// Parses a node whose first token is at `pos`, where a block collection may start: at the
    /// beginning of a line or after `- `. `outer` holds properties written on an earlier line.
    mutating func parseBlockContent(indent: Int, outer: Properties, depth: Int) throws(Stop) -> YAMLNode {
        guard let node = try readBlockHead(indent: indent, outer: outer, depth: depth) else {
            return try parseBlockSequence(head, depth: depth)
        }
        if head.kind == .mapping { return try parseBlockMapping(head, firstKey: node, depth: depth) }
        return node
    }

    /// A block sequence whose first `-` is at `pos`, in column `head.column`.
    mutating func parseBlockSequence(_ head: BlockHead, depth: Int) throws(Stop) -> YAMLNode {
        guard depth < YAMLParser.maxDepth else { throw fail(.nestingTooDeep, pos) }
        let start = pos
        var entries: [YAMLNode] = []
        entries.reserveCapacity(4)
        repeat {
            pos += 1  // the '-'
            entries.append(try parseBlockNode(indent: head.column, after: .entry, depth: depth + 1))
        } while try nextBlockEntry(indent: head.column, sequence: true)
        return apply(head.props, to: .sequence(YAMLSequence(items: entries, offset: start)))
    }

    /// A block mapping in column `head.column` whose first key has been read; `pos` is at the key's `:`.
    mutating func parseBlockMapping(_ head: BlockHead, firstKey: consuming YAMLNode, depth: Int) throws(Stop)
        -> YAMLNode
    {
        var entries: [YAMLPair] = []
        entries.reserveCapacity(mappingSizes[depth])
        let offset = firstKey.offset
        var key = firstKey
        while true {
            pos += 1  // the ':'
            let value = try parseBlockNode(indent: head.column, after: .value, depth: depth + 1)
            guard let next = try addPair(&entries, key: key, value: value, indent: head.column, depth: depth + 1)
            else { break }
            key = next
        }
        mappingSizes[depth] = min(max(entries.count, 4), 64)
        return apply(head.props, to: .mapping(YAMLMapping(pairs: entries, offset: offset)))
    }

    /// Stores a pair of a block mapping; then reads and returns the next key, if the mapping goes on.
    mutating func addPair(
        _ pairs: inout [YAMLPair], key: consuming YAMLNode, value: consuming YAMLNode, indent: Int, depth: Int
    ) throws(Stop) -> YAMLNode? {
        pairs.append(YAMLPair(key: key, value: value))
        while true {
            guard try nextBlockEntry(indent: indent, sequence: false) else { return nil }
            // The common case, `key: value` with plain scalars on one line, without the general machinery.
            guard cur.startsPlainScalar, let key = try scanPlainKey() else {
                return try parseMappingKey(indent: indent, depth: depth)
            }
            guard let value = try scanPlainValue(indent: indent) else { return key }
            pairs.append(YAMLPair(key: key, value: value))
        }
    }

    /// A plain key and the `:` after it on the same line, leaving `pos` at the `:`; nil, consuming
    /// nothing, for anything else.
    mutating func scanPlainKey() throws(Stop) -> YAMLNode? {
        let keyStart = pos
        let keyEnd = try scanPlainLine(flow: false)
        var i = keyEnd
        while i < n && p[i].isBlank { i += 1 }
        guard at(i) == .colon, at(i + 1).isBlankOrEnd else {
            pos = keyStart
            return nil
        }
        try checkKeyLength(from: keyStart, to: i)
        pos = i
        return .scalar(YAMLScalar(value: scalarText(keyStart, keyEnd), style: .plain, offset: keyStart))
    }

    /// With `pos` at a key's `:`: a plain scalar value on the same line; nil, consuming nothing, for
    /// anything else.
    mutating func scanPlainValue(indent: Int) throws(Stop) -> YAMLNode? {
        var i = pos + 1
        while i < n && p[i].isBlank { i += 1 }
        guard i < n, p[i].startsPlainScalar else { return nil }
        pos = i
        let value = try scanPlain(flow: false, minIndent: indent + 1)
        return .scalar(YAMLScalar(value: value, style: .plain, offset: i))
    }

    /// After an indicator: reads what is on the rest of the line and, if nothing, finds where the node
    /// below starts.
    mutating func locateBlockNode(indent: Int, after: Indicator, depth: Int) throws(Stop) -> YAMLNode? {
        let emptyAt = pos
        while pos < n {
            let b = p[pos]
            if b == .space {
                pos += 1
            } else if b == .tab {
                if after == .entry { throw fail(.tabIndentation, pos) }
                pos += 1
            } else {
                break
            }
        }
        var props = Properties()
        if !atLineEnd {
            if after == .entry {
                head = BlockHead(kind: .content)
                return nil
            }
            if cur.startsPlainScalar {
                // The common case, a plain scalar on the same line.
                let start = pos
                let value = try scanPlain(flow: false, minIndent: indent + 1)
                return .scalar(YAMLScalar(value: value, style: .plain, offset: start))
            }
            if cur == .amp || cur == .bang { try parseProperties(&props) }
            if !atLineEnd { return try parseInlineNode(indent: indent, props: props, depth: depth) }
        }
        // The node, if any, starts on a following line.
        if cur == .hash { skipComment() }
        try skipLines()
        if pos < n && !atDocumentBoundary {
            let col = column
            if col > indent {
                head = BlockHead(kind: .content, props: props, column: col)
                return nil
            }
            if col == indent && after == .value && atEntry {
                head = BlockHead(kind: .sequence, props: props, column: col)
                return nil
            }
            // libyaml takes a block scalar in the parent's column as the node, as in `key:\n|\n text`.
            if col == indent && after != .documentStart && (cur == .pipe || cur == .greater) {
                return apply(props, to: try parseBlockScalar(indent: indent))
            }
        }
        return apply(props, to: emptyNode(at: emptyAt))
    }

    /// At a position where a block collection may start: a sequence, a mapping (its first key read,
    /// `pos` at the `:`), or a finished node. Properties alone on a line apply to the node below.
    mutating func readBlockHead(indent: Int, outer: Properties, depth: Int) throws(Stop) -> YAMLNode? {
        var outer = outer
        head.kind = .node
        while true {
            if atEntry {
                head = BlockHead(kind: .sequence, props: outer, column: column)
                return nil
            }
            if atComplexKey { throw fail(.complexKey, pos) }
            let keyStart = pos
            let keyColumn = column
            let keyLine = lineStart
            var props = Properties()
            if cur == .amp || cur == .bang {
                try parseProperties(&props)
                if atLineEnd {
                    try merge(&outer, props)
                    if cur == .hash { skipComment() }
                    try skipLines()
                    if pos >= n || atDocumentBoundary || column <= indent {
                        return apply(outer, to: emptyNode(at: props.end))
                    }
                    continue
                }
                if atEntry { throw fail(.entryNotAllowed, pos) }
                if atComplexKey { throw fail(.complexKey, pos) }
                if cur == .colon && at(pos + 1).isBlankOrEnd {
                    // Properties of an empty key: `&a : value`.
                    guard depth < YAMLParser.maxDepth else { throw fail(.nestingTooDeep, keyStart) }
                    head = BlockHead(kind: .mapping, props: outer, column: keyColumn)
                    return apply(props, to: emptyNode(at: props.end))
                }
            }
            if cur == .pipe || cur == .greater {
                try merge(&outer, props)
                return apply(outer, to: try parseBlockScalar(indent: indent))
            }
            if props.isEmpty && cur.startsPlainScalar, let key = try scanPlainKey() {
                guard depth < YAMLParser.maxDepth else { throw fail(.nestingTooDeep, keyStart) }
                head = BlockHead(kind: .mapping, props: outer, column: keyColumn)
                return key
            }
            let isAlias = cur == .star
            if isAlias { try checkAliasProperties(props) }
            let node = try parseNodeHere(indent: indent, flowOpen: -1, depth: depth)
            var i = pos
            while i < n && p[i].isBlank { i += 1 }
            if at(i) == .colon && at(i + 1).isBlankOrEnd {
                if lineStart != keyLine { throw fail(.mappingValuesNotAllowed, i) }
                try checkKeyLength(from: keyStart, to: i)
                guard depth < YAMLParser.maxDepth else { throw fail(.nestingTooDeep, node.offset) }
                pos = i
                head = BlockHead(kind: .mapping, props: outer, column: keyColumn)
                return apply(props, to: node)
            }
            try merge(&outer, props)
            if isAlias { try checkAliasProperties(outer) }
            return apply(outer, to: node)
        }
    }

    /// After `key:` or `---`, with properties already read: a node on the same line, which may not
    /// start a block collection.
    mutating func parseInlineNode(indent: Int, props: Properties, depth: Int) throws(Stop) -> YAMLNode {
        if atEntry { throw fail(.entryNotAllowed, pos) }
        if atComplexKey { throw fail(.complexKey, pos) }
        if cur == .pipe || cur == .greater { return apply(props, to: try parseBlockScalar(indent: indent)) }
        if cur == .star { try checkAliasProperties(props) }
        return apply(props, to: try parseNodeHere(indent: indent, flowOpen: -1, depth: depth))
    }

    /// A key of a block mapping after the first, at the mapping's column; leaves `pos` at its `:`.
    mutating func parseMappingKey(indent: Int, depth: Int) throws(Stop) -> YAMLNode {
        let keyStart = pos
        let keyLine = lineStart
        if atEntry { throw fail(.expectedKeyFoundEntry, pos) }
        if atComplexKey { throw fail(.complexKey, pos) }
        var props = Properties()
        if cur == .amp || cur == .bang {
            try parseProperties(&props)
            if cur == .colon && at(pos + 1).isBlankOrEnd { return apply(props, to: emptyNode(at: props.end)) }
        }
        if atLineEnd || cur == .pipe || cur == .greater { throw fail(.expectedColonAfterKey, keyStart) }
        if cur == .star { try checkAliasProperties(props) }
        let node = try parseNodeHere(indent: indent, flowOpen: -1, depth: depth)
        var i = pos
        while i < n && p[i].isBlank { i += 1 }
        guard lineStart == keyLine, at(i) == .colon, at(i + 1).isBlankOrEnd else {
            throw fail(.expectedColonAfterKey, keyStart)
        }
        try checkKeyLength(from: keyStart, to: i)
        pos = i
        return apply(props, to: node)
    }

    /// libyaml drops a candidate implicit key longer than 1024 characters, which then fails to parse.
    mutating func checkKeyLength(from start: Int, to colon: Int) throws(Stop) {
        guard colon - start > 1024 else { return }
        var characters = 0
        for i in start..<colon where p[i] & 0xC0 != 0x80 { characters += 1 }
        if characters > 1024 { throw fail(.implicitKeyTooLong, start) }
    }

    // MARK: Nodes

    mutating func checkAliasProperties(_ props: Properties) throws(Stop) {
        if !props.isEmpty { throw fail(.aliasWithProperties, props.start) }
    }

    /// A scalar, flow collection or alias at `pos` (no properties); `flowOpen` is the offset of the
    /// innermost enclosing `[`/`{`, or -1 in block context.
    mutating func parseNodeHere(indent: Int, flowOpen: Int, depth: Int) throws(Stop) -> YAMLNode {
        let b = cur
        if b == .lbracket || b == .lbrace { return try parseFlowCollection(blockIndent: indent, depth: depth) }
        return try parseLeaf(indent: indent, flowOpen: flowOpen)
    }

    /// A scalar or alias at `pos`.
    mutating func parseLeaf(indent: Int, flowOpen: Int) throws(Stop) -> YAMLNode {
        let start = pos
        let flow = flowOpen >= 0
        let b = cur
        switch b {
        case .dquote:
            return .scalar(YAMLScalar(value: try scanDoubleQuoted(), style: .doubleQuoted, offset: start))
        case .squote:
            return .scalar(YAMLScalar(value: try scanSingleQuoted(), style: .singleQuoted, offset: start))
        case .star:
            return try parseAlias()
        case .comma, .rbracket, .rbrace:
            throw fail(flow ? .expectedNodeContent : .indicatorOutsideFlow, pos)
        case .dash:
            if at(pos + 1).isBlankOrEnd { throw fail(flow ? .entryInFlow : .entryNotAllowed, pos) }
        case .question, .colon:
            if flow || at(pos + 1).isBlankOrEnd {
                throw fail(b == .question ? .complexKey : flow ? .expectedNodeContent : .mappingValuesNotAllowed, pos)
            }
        case .hash, .amp, .bang, .pipe, .greater, .percent, .at, .backtick:
            throw fail(.cannotStartToken, pos)
        default:
            if pos >= n { throw fail(flow ? .unclosedFlow : .expectedNodeContent, flow ? flowOpen : pos) }
        }
        let value = try scanPlain(flow: flow, minIndent: indent + 1)
        return .scalar(YAMLScalar(value: value, style: .plain, offset: start))
    }

    mutating func emptyNode(at offset: Int) -> YAMLNode {
        .scalar(YAMLScalar(value: "", style: .plain, offset: offset))
    }

    /// Records the tag on the node and registers its anchor.
    @inline(__always)
    mutating func apply(_ props: Properties, to node: YAMLNode) -> YAMLNode {
        props.isEmpty ? node : applyProperties(props, to: node)
    }

    mutating func applyProperties(_ props: Properties, to node: YAMLNode) -> YAMLNode {
        var node = node
        if props.hasTag {
            let tag = text(props.tagStart, props.tagEnd)
            switch node {
            case .scalar(var s):
                s.tag = tag
                node = .scalar(s)
            case .mapping(var m):
                m.tag = tag
                node = .mapping(m)
            case .sequence(var s):
                s.tag = tag
                node = .sequence(s)
            }
        }
        if props.hasAnchor { anchors[text(props.anchorStart, props.anchorEnd)] = node }
        return node
    }

    /// Combines properties from an earlier line with those of the node's own line.
    mutating func merge(_ outer: inout Properties, _ inner: Properties) throws(Stop) {
        guard !inner.isEmpty else { return }
        if inner.hasAnchor {
            if outer.hasAnchor { throw fail(.twoAnchors, inner.anchorStart - 1) }
            outer.anchorStart = inner.anchorStart
            outer.anchorEnd = inner.anchorEnd
        }
        if inner.hasTag {
            if outer.hasTag { throw fail(.twoTags, inner.tagStart) }
            outer.tagStart = inner.tagStart
            outer.tagEnd = inner.tagEnd
        }
        if outer.isEmpty { outer.start = inner.start }
        outer.end = max(outer.end, inner.end)
    }

    /// Reads anchors (`&a`) and tags (`!t`) at `pos`, with the blanks after each; in flow context
    /// (`flowOpen` ≥ 0), line breaks and comments too.
    mutating func parseProperties(_ props: inout Properties, flowOpen: Int = -1) throws(Stop) {
        while true {
            let start = pos
            if cur == .amp {
                if props.hasAnchor { throw fail(.twoAnchors, start) }
                pos += 1
                try scanAnchorName(start)
                props.anchorStart = start + 1
                props.anchorEnd = pos
            } else if cur == .bang {
                if props.hasTag { throw fail(.twoTags, start) }
                try scanTag(flow: flowOpen >= 0)
                props.tagStart = start
                props.tagEnd = pos
            } else {
                return
            }
            if props.start < 0 { props.start = start }
            props.end = pos
            if flowOpen >= 0 { try skipFlowTrivia(flowOpen) } else { skipBlanks() }
        }
    }

    /// An anchor or alias name: ASCII letters, digits, `-` and `_`, ended by a blank or one of `?:,]}%@\``.
    mutating func scanAnchorName(_ start: Int) throws(Stop) {
        let nameStart = pos
        while cur.isWordChar { pos += 1 }
        let b = cur
        let ended =
            b.isBlankOrEnd || b == .question || b == .colon || b == .comma || b == .rbracket || b == .rbrace
            || b == .percent || b == .at || b == .backtick
        if pos == nameStart || !ended { throw fail(.invalidAnchorName, start) }
    }

    mutating func parseAlias() throws(Stop) -> YAMLNode {
        let start = pos
        pos += 1
        try scanAnchorName(start)
        guard let node = anchors[text(start + 1, pos)] else { throw fail(.undefinedAlias, start) }
        return node
    }

    /// `!<uri>`, `!!suffix`, `!handle!suffix`, `!suffix` or `!`.
    mutating func scanTag(flow: Bool) throws(Stop) {
        let start = pos
        pos += 1
        if cur == .less {
            pos += 1
            let uriStart = pos
            try scanURI(verbatim: true)
            if pos == uriStart { throw fail(.expectedTagURI, start) }
            guard cur == .greater else { throw fail(.expectedVerbatimTagEnd, pos) }
            pos += 1
        } else {
            var i = pos
            while at(i).isWordChar { i += 1 }
            if at(i) == .bang {
                // A handle: `!!` or `!name!`.
                if i > pos {
                    let handle = Array(UnsafeBufferPointer(start: p + start, count: i + 1 - start))
                    if !tagHandles.contains(handle) { throw fail(.undefinedTagHandle, start) }
                }
                pos = i + 1
                let suffixStart = pos
                try scanURI(verbatim: false)
                if pos == suffixStart { throw fail(.expectedTagSuffix, start) }
            } else {
                try scanURI(verbatim: false)
            }
        }
        let b = cur
        if !(b.isBlankOrEnd || (flow && b == .comma)) { throw fail(.expectedBlankAfterTag, pos) }
    }

    /// Characters allowed in a tag: letters, digits, `-;/?:@&=+$,_.!~*'()[]` (`,[]` only in verbatim
    /// tags and prefixes) and `%XX` escapes.
    mutating func scanURI(verbatim: Bool) throws(Stop) {
        while pos < n {
            switch p[pos] {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, .dash, 0x5F, 0x3B, 0x2F, .question, .colon, .at, .amp, 0x3D,
                .plus, 0x24, .dot, .bang, 0x7E, .star, .squote, 0x28, 0x29:
                pos += 1
            case .comma, .lbracket, .rbracket:
                guard verbatim else { return }
                pos += 1
            case .percent:
                guard at(pos + 1).hexValue != nil, at(pos + 2).hexValue != nil else {
                    throw fail(.invalidTagEscape, pos)
                }
                pos += 3
            default:
                return
            }
        }
    }

    // MARK: Flow collections
    //
    // Nested flow collections recurse through parseFlowCollection → parseFlowEntry or parseFlowPair
    // → parseFlowNode; as for block collections, these stay small.

    /// Skips blanks, line breaks and comments inside a flow collection opened at `open`.
    mutating func skipFlowTrivia(_ open: Int) throws(Stop) {
        while pos < n {
            let b = p[pos]
            if b.isBlank {
                pos += 1
            } else if b.isBreak {
                pos = afterBreak(pos)
                lineStart = pos
                if isDocumentMarker(pos) { throw fail(.unclosedFlow, open) }
                skipByteOrderMark()
            } else if b == .hash {
                skipComment()
            } else {
                return
            }
        }
        throw fail(.unclosedFlow, open)
    }

    /// `[...]` or `{...}` at `pos`.
    mutating func parseFlowCollection(blockIndent: Int, depth: Int) throws(Stop) -> YAMLNode {
        guard depth < YAMLParser.maxDepth else { throw fail(.nestingTooDeep, pos) }
        pos += 1
        if p[pos - 1] == .lbracket {
            return try parseFlowSequence(open: pos - 1, blockIndent: blockIndent, depth: depth)
        }
        return try parseFlowMapping(open: pos - 1, blockIndent: blockIndent, depth: depth)
    }

    mutating func parseFlowSequence(open: Int, blockIndent: Int, depth: Int) throws(Stop) -> YAMLNode {
        var entries: [YAMLNode] = []
        entries.reserveCapacity(4)
        while try flowEntryFollows(open, first: entries.isEmpty) {
            if let item = try plainFlowItem(blockIndent: blockIndent) {
                entries.append(item)
            } else {
                entries.append(try parseFlowEntry(blockIndent: blockIndent, open: open, depth: depth + 1))
            }
        }
        return .sequence(YAMLSequence(items: entries, offset: open))
    }

    mutating func parseFlowMapping(open: Int, blockIndent: Int, depth: Int) throws(Stop) -> YAMLNode {
        var entries: [YAMLPair] = []
        entries.reserveCapacity(4)
        while try flowEntryFollows(open, first: entries.isEmpty) {
            if let pair = try plainFlowPair(blockIndent: blockIndent) {
                entries.append(pair)
            } else {
                entries.append(try parseFlowPair(blockIndent: blockIndent, open: open, depth: depth + 1))
            }
        }
        return .mapping(YAMLMapping(pairs: entries, offset: open))
    }

    /// A plain scalar alone as an entry of a flow sequence, read without the general machinery.
    /// Nil, consuming nothing, for any other entry.
    mutating func plainFlowItem(blockIndent: Int) throws(Stop) -> YAMLNode? {
        guard cur.startsPlainScalar else { return nil }
        let start = pos
        let startLine = lineStart
        let value = try scanPlain(flow: true, minIndent: blockIndent + 1)
        var i = pos
        while i < n && p[i].isBlank { i += 1 }
        guard i < n, p[i] == .comma || p[i] == .rbracket else {
            pos = start
            lineStart = startLine
            return nil
        }
        return .scalar(YAMLScalar(value: value, style: .plain, offset: start))
    }

    /// `key: value` with plain scalars (or an empty value) in a flow mapping, read without the general
    /// machinery. Nil, consuming nothing, for any other entry.
    mutating func plainFlowPair(blockIndent: Int) throws(Stop) -> YAMLPair? {
        guard cur.startsPlainScalar else { return nil }
        let keyStart = pos
        let keyEnd = try scanPlainLine(flow: true)
        var i = keyEnd
        while i < n && p[i].isBlank { i += 1 }
        guard at(i) == .colon else {
            pos = keyStart
            return nil
        }
        let colon = i
        i += 1
        while i < n && p[i].isBlank { i += 1 }
        let b = at(i)
        let empty = b == .comma || b == .rbrace
        guard empty || b.startsPlainScalar else {
            pos = keyStart
            return nil
        }
        try checkKeyLength(from: keyStart, to: colon)
        let key = YAMLNode.scalar(YAMLScalar(value: scalarText(keyStart, keyEnd), style: .plain, offset: keyStart))
        pos = i
        if empty { return YAMLPair(key: key, value: emptyNode(at: colon + 1)) }
        let value = try scanPlain(flow: true, minIndent: blockIndent + 1)
        return YAMLPair(key: key, value: .scalar(YAMLScalar(value: value, style: .plain, offset: i)))
    }

    /// Before an entry of the flow collection opened at `open`: consumes the `,` after the previous
    /// entry, or the closing bracket (then returns false).
    mutating func flowEntryFollows(_ open: Int, first: Bool) throws(Stop) -> Bool {
        let close: UInt8 = p[open] == .lbracket ? .rbracket : .rbrace
        try skipFlowTrivia(open)
        if !first && cur != close {
            // After an entry: a separator must follow.
            guard cur == .comma else {
                throw fail(close == .rbracket ? .expectedCommaOrBracket : .expectedCommaOrBrace, pos)
            }
            pos += 1
            try skipFlowTrivia(open)
        }
        if cur == close {
            pos += 1
            return false
        }
        return true
    }

    /// An entry of a flow sequence: a node, or `key: value` as a single-pair mapping.
    mutating func parseFlowEntry(blockIndent: Int, open: Int, depth: Int) throws(Stop) -> YAMLNode {
        let start = pos
        let startLine = lineStart
        let key = try parseFlowNode(blockIndent: blockIndent, open: open, depth: depth)
        guard try flowValueFollows(open: open, keyStart: start, keyLine: startLine) else { return key }
        guard depth < YAMLParser.maxDepth else { throw fail(.nestingTooDeep, start) }
        let emptyAt = pos + 1
        let value =
            try flowValueIsEmpty(open)
            ? emptyNode(at: emptyAt) : try parseFlowNode(blockIndent: blockIndent, open: open, depth: depth + 1)
        return .mapping(YAMLMapping(pairs: [YAMLPair(key: key, value: value)], offset: key.offset))
    }

    /// An entry of a flow mapping: `key: value`, `key:` or a lone `key`.
    mutating func parseFlowPair(blockIndent: Int, open: Int, depth: Int) throws(Stop) -> YAMLPair {
        let start = pos
        let startLine = lineStart
        let key = try parseFlowNode(blockIndent: blockIndent, open: open, depth: depth)
        let keyEnd = pos
        guard try flowValueFollows(open: open, keyStart: start, keyLine: startLine) else {
            return YAMLPair(key: key, value: emptyNode(at: keyEnd))
        }
        let emptyAt = pos + 1
        if try flowValueIsEmpty(open) { return YAMLPair(key: key, value: emptyNode(at: emptyAt)) }
        return YAMLPair(key: key, value: try parseFlowNode(blockIndent: blockIndent, open: open, depth: depth))
    }

    /// After a flow node: whether a `:` follows, making the node a key on a single line.
    mutating func flowValueFollows(open: Int, keyStart: Int, keyLine: Int) throws(Stop) -> Bool {
        try skipFlowTrivia(open)
        guard cur == .colon else { return false }
        if lineStart != keyLine { throw fail(.implicitKeyOnOneLine, pos) }
        try checkKeyLength(from: keyStart, to: pos)
        return true
    }

    /// Past the `:` at `pos` in a flow collection: whether the value is empty (`,` or the closing
    /// bracket follows).
    mutating func flowValueIsEmpty(_ open: Int) throws(Stop) -> Bool {
        pos += 1
        try skipFlowTrivia(open)
        let b = cur
        return b == .comma || b == (p[open] == .lbracket ? .rbracket : .rbrace)
    }

    /// A node inside a flow collection, with its properties.
    mutating func parseFlowNode(blockIndent: Int, open: Int, depth: Int) throws(Stop) -> YAMLNode {
        guard cur == .amp || cur == .bang else {
            if cur == .lbracket || cur == .lbrace {
                return try parseFlowCollection(blockIndent: blockIndent, depth: depth)
            }
            return try parseFlowLeaf(Properties(), blockIndent: blockIndent, open: open)
        }
        let props = try readFlowProperties(open)
        guard cur == .lbracket || cur == .lbrace else {
            return try parseFlowLeaf(props, blockIndent: blockIndent, open: open)
        }
        return apply(props, to: try parseFlowCollection(blockIndent: blockIndent, depth: depth))
    }

    mutating func readFlowProperties(_ open: Int) throws(Stop) -> Properties {
        var props = Properties()
        try parseProperties(&props, flowOpen: open)
        return props
    }

    /// A scalar or alias in a flow collection, or the empty node that properties alone stand for.
    mutating func parseFlowLeaf(_ props: Properties, blockIndent: Int, open: Int) throws(Stop) -> YAMLNode {
        if cur == .question { throw fail(.complexKey, pos) }
        if props.isEmpty { return try parseLeaf(indent: blockIndent, flowOpen: open) }
        switch cur {
        case .comma, .rbracket, .rbrace, .colon: return apply(props, to: emptyNode(at: props.end))
        case .star: throw fail(.aliasWithProperties, props.start)
        default: return apply(props, to: try parseLeaf(indent: blockIndent, flowOpen: open))
        }
    }

    // MARK: Plain scalars

    /// The content of a plain scalar on the current line, from `pos`: stops before a line break,
    /// `: `, ` #`, and in flow context before `,[]{}`. Returns the end of the content (trailing
    /// blanks excluded) and moves `pos` there.
    ///
    /// Blanks inside the scalar are ordinary characters here: only a line break, `#`, `:` (and in flow
    /// context `,[]{}`) can end it, and the blanks before the end are trimmed once at the end.
    @inline(__always)
    mutating func scanPlainLine(flow: Bool) throws(Stop) -> Int {
        let start = pos
        var i = pos
        scan: while true {
            // A run of ordinary characters, eight bytes at a time in the middle of the input, up to the
            // first byte below 0x0E (tab or a line break; other controls were rejected), '#' or ':'.
            while i + 8 <= n {
                let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                let hashes = w ^ 0x2323_2323_2323_2323
                let colons = w ^ 0x3A3A_3A3A_3A3A_3A3A
                var found = (w &- 0x0E0E_0E0E_0E0E_0E0E) & ~w
                found |= (hashes &- 0x0101_0101_0101_0101) & ~hashes
                found |= (colons &- 0x0101_0101_0101_0101) & ~colons
                if flow {
                    // ',' and, folding case, '[' '{' and ']' '}'.
                    let commas = w ^ 0x2C2C_2C2C_2C2C_2C2C
                    let opens = (w | 0x2020_2020_2020_2020) ^ 0x7B7B_7B7B_7B7B_7B7B
                    let closes = (w | 0x2020_2020_2020_2020) ^ 0x7D7D_7D7D_7D7D_7D7D
                    found |= (commas &- 0x0101_0101_0101_0101) & ~commas
                    found |= (opens &- 0x0101_0101_0101_0101) & ~opens
                    found |= (closes &- 0x0101_0101_0101_0101) & ~closes
                }
                found &= 0x8080_8080_8080_8080
                if found != 0 {
                    i += found.trailingZeroBitCount >> 3
                    break
                }
                i += 8
            }
            while i < n {
                let b = p[i]
                if b < 0x0E || b == .hash || b == .colon { break }
                if flow && (b == .comma || b | 0x20 == .lbrace || b | 0x20 == .rbrace) { break }
                i += 1
            }
            guard i < n else { break }
            switch p[i] {
            case .tab:
                i += 1
            case .hash:
                // A comment only after a blank; otherwise part of the scalar.
                if i > start && p[i - 1].isBlank { break scan }
                i += 1
            case .colon:
                let c = at(i + 1)
                if c.isBlankOrEnd { break scan }
                if flow && (c.isFlowIndicator || c == .question) { throw fail(.colonInPlainScalar, i) }
                i += 1
            default:
                break scan
            }
        }
        while i > start && p[i - 1].isBlank { i -= 1 }
        pos = i
        return i
    }

    /// A plain scalar from `pos`. Line breaks fold into a space, blank lines into `\n`. In block
    /// context continuation lines must be indented at least `minIndent` columns.
    mutating func scanPlain(flow: Bool, minIndent: Int) throws(Stop) -> String {
        let start = pos
        var end = try scanPlainLine(flow: flow)
        var i = end
        while i < n && p[i].isBlank { i += 1 }
        if i >= n || !p[i].isBreak { return scalarText(start, end) }
        var folded = false
        while true {
            // `i` is at a line break: find the next line with content.
            var breaks = 0
            var lineBegin = lineStart
            var contentAt = -1
            while i < n {
                i = afterBreak(i)
                breaks += 1
                lineBegin = i
                i = spaces(from: i)
                while i < n && p[i].isBlank {
                    if p[i] == .tab && i - lineBegin < minIndent { throw fail(.tabIndentation, i) }
                    i += 1
                }
                if i < n && !p[i].isBreak {
                    contentAt = i
                    break
                }
            }
            pos = i
            lineStart = lineBegin
            lineContentAt = i
            if contentAt < 0 { break }
            let col = contentAt - lineBegin
            let c = p[contentAt]
            if c == .hash || (col == 0 && isDocumentMarker(contentAt)) || (!flow && col < minIndent) { break }
            let lineEnd = try scanPlainLine(flow: flow)
            if lineEnd == contentAt {
                pos = contentAt
                break
            }
            if !folded {
                scratch.removeAll(keepingCapacity: true)
                scratch.append(contentsOf: UnsafeBufferPointer(start: p + start, count: end - start))
                folded = true
            }
            if breaks == 1 {
                scratch.append(.space)
            } else {
                for _ in 1..<breaks { scratch.append(.lf) }
            }
            scratch.append(contentsOf: UnsafeBufferPointer(start: p + contentAt, count: lineEnd - contentAt))
            end = lineEnd
            i = end
            while i < n && p[i].isBlank { i += 1 }
            if i >= n || !p[i].isBreak {
                pos = end
                break
            }
        }
        return folded ? String(decoding: scratch, as: UTF8.self) : scalarText(start, end)
    }

    // MARK: Quoted scalars

    /// Folds the line breaks and blanks of a quoted scalar starting at `start`: one break becomes a
    /// space, more become one newline fewer; after an escaped break every further break is a newline.
    /// Returns the offset of the next content.
    mutating func foldQuotedBreaks(from start: Int, open: Int, escaped: Bool) throws(Stop) -> Int {
        var i = start
        var breaks = 0
        while i < n {
            let b = p[i]
            if b.isBlank {
                i += 1
            } else if b.isBreak {
                i = afterBreak(i)
                lineStart = i
                breaks += 1
                if isDocumentMarker(i) { throw fail(.unterminatedString, open) }
            } else {
                break
            }
        }
        if escaped {
            for _ in 0..<breaks { scratch.append(.lf) }
        } else if breaks == 1 {
            scratch.append(.space)
        } else {
            for _ in 1..<max(breaks, 1) { scratch.append(.lf) }
        }
        return i
    }

    /// Appends the blanks at `i`, or folds them away with the line break that follows them.
    mutating func quotedBlanks(at i: Int, open: Int) throws(Stop) -> Int {
        var j = i
        while j < n && p[j].isBlank { j += 1 }
        if j < n && p[j].isBreak { return try foldQuotedBreaks(from: j, open: open, escaped: false) }
        scratch.append(contentsOf: UnsafeBufferPointer(start: p + i, count: j - i))
        return j
    }

    /// Copies the start of a quoted scalar that needs the slow path into `scratch`, leaving any
    /// blanks before the first break for `quotedBlanks`.
    mutating func startQuotedSlowPath(open: Int, at i: Int) -> Int {
        var i = i
        while i > open + 1 && p[i - 1].isBlank { i -= 1 }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(start: p + open + 1, count: i - open - 1))
        return i
    }

    mutating func scanDoubleQuoted() throws(Stop) -> String {
        let open = pos
        var i = pos + 1
        while i < n {
            let b = p[i]
            if b == .dquote {
                pos = i + 1
                return scalarText(open + 1, i)
            }
            if b == .backslash || b.isBreak { break }
            i += 1
        }
        if i >= n { throw fail(.unterminatedString, open) }
        i = startQuotedSlowPath(open: open, at: i)
        while true {
            guard i < n else { throw fail(.unterminatedString, open) }
            let b = p[i]
            switch b {
            case .dquote:
                pos = i + 1
                return String(decoding: scratch, as: UTF8.self)
            case .backslash:
                if at(i + 1).isBreak {
                    // An escaped line break joins the lines without a space.
                    let next = afterBreak(i + 1)
                    lineStart = next
                    if isDocumentMarker(next) { throw fail(.unterminatedString, open) }
                    i = try foldQuotedBreaks(from: next, open: open, escaped: true)
                } else {
                    i = try appendEscape(at: i, open: open)
                }
            case .space, .tab:
                i = try quotedBlanks(at: i, open: open)
            case .lf, .cr:
                i = try foldQuotedBreaks(from: i, open: open, escaped: false)
            default:
                scratch.append(b)
                i += 1
            }
        }
    }

    /// Appends the character of the escape sequence at `i` (a backslash) and returns the offset after it.
    mutating func appendEscape(at i: Int, open: Int) throws(Stop) -> Int {
        let e = at(i + 1)
        var digits = 0
        switch e {
        case 0x30: scratch.append(0)
        case 0x61: scratch.append(0x07)
        case 0x62: scratch.append(0x08)
        case 0x74, .tab: scratch.append(.tab)
        case 0x6E: scratch.append(.lf)
        case 0x76: scratch.append(0x0B)
        case 0x66: scratch.append(0x0C)
        case 0x72: scratch.append(.cr)
        case 0x65: scratch.append(0x1B)
        case .space: scratch.append(.space)
        case .dquote: scratch.append(.dquote)
        case 0x2F: scratch.append(0x2F)
        case .backslash: scratch.append(.backslash)
        case 0x4E: scratch.append(contentsOf: [0xC2, 0x85])
        case 0x5F: scratch.append(contentsOf: [0xC2, 0xA0])
        case 0x4C: scratch.append(contentsOf: [0xE2, 0x80, 0xA8])
        case 0x50: scratch.append(contentsOf: [0xE2, 0x80, 0xA9])
        case 0x78: digits = 2
        case 0x75: digits = 4
        case 0x55: digits = 8
        default: throw fail(i + 1 >= n ? .unterminatedString : .unknownEscape, i + 1 >= n ? open : i)
        }
        guard digits > 0 else { return i + 2 }
        var value: UInt32 = 0
        for k in 0..<digits {
            guard let d = at(i + 2 + k).hexValue else { throw fail(.invalidHexEscape, i) }
            value = value << 4 | d
        }
        guard let scalar = Unicode.Scalar(value) else { throw fail(.invalidCodePoint, i) }
        UTF8.encode(scalar) { scratch.append($0) }
        return i + 2 + digits
    }

    mutating func scanSingleQuoted() throws(Stop) -> String {
        let open = pos
        var i = pos + 1
        while i < n {
            let b = p[i]
            if b == .squote {
                if at(i + 1) == .squote { break }
                pos = i + 1
                return scalarText(open + 1, i)
            }
            if b.isBreak { break }
            i += 1
        }
        if i >= n { throw fail(.unterminatedString, open) }
        i = startQuotedSlowPath(open: open, at: i)
        while true {
            guard i < n else { throw fail(.unterminatedString, open) }
            let b = p[i]
            switch b {
            case .squote:
                if at(i + 1) != .squote {
                    pos = i + 1
                    return String(decoding: scratch, as: UTF8.self)
                }
                scratch.append(.squote)
                i += 2
            case .space, .tab:
                i = try quotedBlanks(at: i, open: open)
            case .lf, .cr:
                i = try foldQuotedBreaks(from: i, open: open, escaped: false)
            default:
                scratch.append(b)
                i += 1
            }
        }
    }

    // MARK: Block scalars

    /// A literal (`|`) or folded (`>`) scalar at `pos`, inside a block collection indented `indent`.
    mutating func parseBlockScalar(indent parentIndent: Int) throws(Stop) -> YAMLNode {
        let start = pos
        let literal = p[pos] == .pipe
        pos += 1
        var chomping = 0  // -1 strip, 0 clip, +1 keep
        var increment = 0
        for _ in 0..<2 {
            let b = cur
            if (b == .dash || b == .plus) && chomping == 0 {
                chomping = b == .dash ? -1 : 1
                pos += 1
            } else if b >= .zero && b <= .nine && increment == 0 {
                if b == .zero { throw fail(.badIndentationIndicator, pos) }
                increment = Int(b - .zero)
                pos += 1
            }
        }
        skipBlanks()
        if cur == .hash { skipComment() }
        guard pos >= n || cur.isBreak else { throw fail(.expectedBlockScalarHeaderEnd, pos) }
        if pos < n {
            pos = afterBreak(pos)
            lineStart = pos
        }
        var indent = increment > 0 ? (parentIndent >= 0 ? parentIndent + increment : increment) : 0
        scratch.removeAll(keepingCapacity: true)
        var trailingBreaks = 0
        var leadingBreak = false
        var leadingBlank = false
        try scanBlockScalarBreaks(indent: &indent, parentIndent: parentIndent, breaks: &trailingBreaks)
        while column == indent && pos < n {
            let trailingBlank = p[pos].isBlank
            if !literal && leadingBreak && !leadingBlank && !trailingBlank {
                if trailingBreaks == 0 { scratch.append(.space) }
            } else if leadingBreak {
                scratch.append(.lf)
            }
            leadingBreak = false
            for _ in 0..<trailingBreaks { scratch.append(.lf) }
            trailingBreaks = 0
            leadingBlank = trailingBlank
            let lineContent = pos
            while pos < n && !p[pos].isBreak { pos += 1 }
            scratch.append(contentsOf: UnsafeBufferPointer(start: p + lineContent, count: pos - lineContent))
            if pos < n {
                pos = afterBreak(pos)
                lineStart = pos
                leadingBreak = true
            }
            try scanBlockScalarBreaks(indent: &indent, parentIndent: parentIndent, breaks: &trailingBreaks)
        }
        lineContentAt = pos
        if chomping != -1 && leadingBreak { scratch.append(.lf) }
        if chomping == 1 { for _ in 0..<trailingBreaks { scratch.append(.lf) } }
        let value = String(decoding: scratch, as: UTF8.self)
        return .scalar(YAMLScalar(value: value, style: literal ? .literal : .folded, offset: start))
    }

    /// Skips indentation and empty lines of a block scalar, counting the line breaks; detects the
    /// indentation from the first non-empty line when no indicator gave it.
    mutating func scanBlockScalarBreaks(indent: inout Int, parentIndent: Int, breaks: inout Int) throws(Stop) {
        var maxIndent = 0
        while true {
            while (indent == 0 || column < indent) && cur == .space { pos += 1 }
            if column > maxIndent { maxIndent = column }
            if (indent == 0 || column < indent) && cur == .tab { throw fail(.tabIndentation, pos) }
            guard pos < n, p[pos].isBreak else { break }
            pos = afterBreak(pos)
            lineStart = pos
            breaks += 1
        }
        if indent == 0 { indent = max(maxIndent, parentIndent + 1, 1) }
    }

    // MARK: Messages

    /// The user-facing message for a problem at an offset, naming what is written there.
    mutating func message(for problem: Problem, at offset: Int) -> String {
        switch problem {
        case .controlCharacter: return "control characters are not allowed"
        case .noncharacter: return "the characters U+FFFE and U+FFFF are not allowed"
        case .tabIndentation: return "tabs are not allowed for indentation"
        case .unterminatedString:
            return at(offset) == .dquote ? "unterminated double-quoted string" : "unterminated single-quoted string"
        case .unclosedFlow:
            return at(offset) == .lbracket
                ? "unclosed flow sequence; expected ']'" : "unclosed flow mapping; expected '}'"
        case .expectedCommaOrBracket: return "expected ',' or ']' in a flow sequence"
        case .expectedCommaOrBrace: return "expected ',' or '}' in a flow mapping"
        case .badMappingIndentation: return "bad indentation of a mapping entry"
        case .badSequenceIndentation: return "bad indentation of a sequence entry"
        case .expectedColonAfterKey: return "did not find expected ':' after the key"
        case .mappingValuesNotAllowed: return "mapping values are not allowed here"
        case .undefinedAlias: return "undefined alias '\(word(after: offset))'"
        case .cannotStartToken: return "found character that cannot start a token"
        case .nestingTooDeep: return "nesting deeper than \(YAMLParser.maxDepth) levels"
        case .complexKey: return "complex mapping keys are not supported"
        case .entryNotAllowed: return "block sequence entries are not allowed here"
        case .entryInFlow: return "block sequence entries are not allowed in a flow collection"
        case .expectedKeyFoundEntry: return "expected a mapping key, found a '- ' sequence entry"
        case .textAfterValue: return "unexpected text after the value; expected a comment or a line break"
        case .expectedEndOfDocument: return "expected the end of the document, found more content"
        case .expectedNodeContent: return "did not find expected node content"
        case .indicatorOutsideFlow: return "unexpected '\(character(at: offset))' outside a flow collection"
        case .implicitKeyOnOneLine: return "implicit keys must be on a single line"
        case .implicitKeyTooLong: return "implicit keys are limited to 1024 characters"
        case .colonInPlainScalar:
            return "found unexpected ':' in a plain scalar; add a space after it or quote the value"
        case .unknownEscape: return "unknown escape sequence '\\\(character(at: offset + 1))'"
        case .invalidHexEscape:
            let digits = at(offset + 1) == 0x78 ? 2 : at(offset + 1) == 0x75 ? 4 : 8
            return
                "invalid escape sequence; expected \(digits) hexadecimal digits after '\\\(character(at: offset + 1))'"
        case .invalidCodePoint: return "invalid Unicode code point in escape sequence"
        case .badIndentationIndicator: return "the indentation indicator of a block scalar must be between 1 and 9"
        case .expectedBlockScalarHeaderEnd: return "expected a comment or a line break after the block scalar header"
        case .invalidAnchorName:
            let what = at(offset) == .amp ? "anchor" : "alias"
            return "invalid \(what) name; expected letters, digits, '-' or '_'"
        case .aliasWithProperties: return "an alias cannot have an anchor or a tag"
        case .twoAnchors: return "a node can have only one anchor"
        case .twoTags: return "a node can have only one tag"
        case .undefinedTagHandle: return "undefined tag handle '!\(word(after: offset))!'"
        case .expectedBlankAfterTag: return "expected a blank or a line break after the tag"
        case .expectedTagSuffix: return "expected a tag suffix after the tag handle"
        case .expectedTagURI: return "expected a tag URI"
        case .expectedVerbatimTagEnd: return "expected '>' to end the verbatim tag"
        case .invalidTagEscape: return "invalid escape in a tag; expected '%' and two hexadecimal digits"
        case .expectedDirectiveName: return "expected a directive name after '%'"
        case .duplicateVersion: return "duplicate %YAML directive"
        case .versionSyntax: return "expected a version such as '1.2' after %YAML"
        case .unsupportedVersion:
            return "unsupported YAML version \(directiveArgument(offset)); expected 1.1 or 1.2"
        case .tagHandleSyntax: return "expected a tag handle such as '!e!' after %TAG"
        case .expectedTagPrefix: return "expected a tag prefix after the tag handle"
        case .duplicateTagDirective: return "duplicate %TAG directive for handle '\(directiveArgument(offset))'"
        case .unknownDirective: return "unknown directive '%\(word(after: offset))'"
        case .textAfterDirective: return "unexpected text after the directive"
        case .directivesWithoutDocument: return "directives must be followed by a document start '---'"
        case .documentNeedsStart: return "a document after '...' must start with '---'"
        case .textAfterDocumentEnd: return "unexpected content after the document end marker '...'"
        case .documentEndWithoutDocument: return "document end marker '...' without a document"
        }
    }

    /// The anchor, alias or directive name after the indicator at `offset`.
    mutating func word(after offset: Int) -> String {
        var end = offset + 1
        while at(end).isWordChar { end += 1 }
        return text(min(offset + 1, n), min(end, n))
    }

    /// The first argument of the directive at `offset`.
    mutating func directiveArgument(_ offset: Int) -> String {
        var i = offset + 1
        while at(i).isWordChar { i += 1 }
        while at(i).isBlank { i += 1 }
        var end = i
        while !at(end).isBlankOrEnd { end += 1 }
        return text(min(i, n), min(end, n))
    }

    /// The character starting at `offset`.
    mutating func character(at offset: Int) -> String {
        guard offset < n else { return "" }
        let b = p[offset]
        let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
        return text(offset, min(offset + length, n))
    }
}

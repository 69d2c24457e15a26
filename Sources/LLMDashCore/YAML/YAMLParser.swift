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
            var parser = ByteParser(base: base, count: buffer.count)
            do throws(YAMLError) {
                return .success(try parser.parseStream())
            } catch {
                return .failure(error)
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
    fileprivate static let comma: UInt8 = 0x2C
    fileprivate static let dash: UInt8 = 0x2D
    fileprivate static let dot: UInt8 = 0x2E
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
    /// A character of an anchor name or a tag handle: ASCII letters, digits, `-` and `_` (as libyaml).
    @inline(__always) fileprivate var isWordChar: Bool {
        (self >= 0x30 && self <= 0x39) || (self >= 0x41 && self <= 0x5A) || (self >= 0x61 && self <= 0x7A)
            || self == .dash || self == 0x5F
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

/// What precedes a block node on its line.
private enum Indicator {
    /// `key:` — the value may not start a block collection on the same line.
    case value
    /// `-` — compact nesting allowed: `- a: 1`, `- - x`.
    case entry
    /// `---` — only scalars and flow collections may follow on the same line.
    case documentStart
}

// MARK: - Parser

private struct ByteParser {
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

    init(base: UnsafePointer<UInt8>, count: Int) {
        p = base
        n = count
    }

    @inline(__always) func at(_ i: Int) -> UInt8 { i < n ? p[i] : 0 }
    @inline(__always) var cur: UInt8 { pos < n ? p[pos] : 0 }
    @inline(__always) var column: Int { pos - lineStart }

    func text(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: p + start, count: end - start), as: UTF8.self)
    }

    /// At a comment, a line break or the end of input.
    @inline(__always) var atLineEnd: Bool {
        let b = cur
        return b == .lf || b == .cr || b == .hash || pos >= n
    }

    /// At `---` or `...` in column 0 followed by a blank or the end of a line.
    @inline(__always) func isDocumentMarker(_ i: Int) -> Bool {
        guard i + 2 < n else { return false }
        let b = p[i]
        guard (b == .dash || b == .dot) && p[i + 1] == b && p[i + 2] == b else { return false }
        return at(i + 3).isBlankOrEnd
    }

    var atDocumentMarker: Bool { pos == lineStart && isDocumentMarker(pos) }
    var atDocumentStart: Bool { atDocumentMarker && p[pos] == .dash }
    var atDocumentEnd: Bool { atDocumentMarker && p[pos] == .dot }
    /// At `-` followed by a blank: a block sequence entry.
    @inline(__always) var atEntry: Bool { cur == .dash && at(pos + 1).isBlankOrEnd }

    /// Consumes one line break (CRLF counts as one) at `i`, returning the offset after it.
    @inline(__always) func afterBreak(_ i: Int) -> Int {
        p[i] == .cr && i + 1 < n && p[i + 1] == .lf ? i + 2 : i + 1
    }

    // MARK: Stream and documents

    mutating func parseStream() throws(YAMLError) -> [YAMLNode] {
        try checkCharacters()
        if n >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF {
            pos = 3
            lineStart = 3
        }
        var documents: [YAMLNode] = []
        while true {
            // Prolog: blank lines, comments and directives.
            var directiveAt = -1
            var versionSeen = false
            tagHandles.removeAll(keepingCapacity: true)
            while true {
                try skipLines()
                guard pos < n, pos == lineStart, cur == .percent else { break }
                if directiveAt < 0 { directiveAt = pos }
                try parseDirective(versionSeen: &versionSeen)
            }
            if pos >= n {
                if directiveAt >= 0 {
                    throw YAMLError("directives must be followed by a document start '---'", at: directiveAt)
                }
                break
            }
            if atDocumentEnd {
                if directiveAt >= 0 {
                    throw YAMLError("directives must be followed by a document start '---'", at: directiveAt)
                }
                if documents.isEmpty { throw YAMLError("document end marker '...' without a document", at: pos) }
                pos += 3
                try finishMarkerLine()
                continue
            }
            let root: YAMLNode
            if atDocumentStart {
                pos += 3
                root = try parseBlockNode(indent: -1, after: .documentStart, depth: 0)
            } else {
                if directiveAt >= 0 {
                    throw YAMLError("directives must be followed by a document start '---'", at: directiveAt)
                }
                if !documents.isEmpty {
                    throw YAMLError("a document after '...' must start with '---'", at: pos)
                }
                root = try parseBlockContent(indent: -1, outer: Properties(), depth: 0)
            }
            documents.append(root)
            try finishNodeLine()
            if pos >= n || atDocumentStart { continue }
            if atDocumentEnd {
                pos += 3
                try finishMarkerLine()
                continue
            }
            throw YAMLError("expected the end of the document, found more content", at: pos)
        }
        return documents
    }

    /// Rejects raw control characters (C0 other than tab, LF and CR; DEL; C1 other than NEL) and
    /// the noncharacters U+FFFE and U+FFFF, as libyaml does. Reads eight bytes at a time while the
    /// text is printable ASCII.
    func checkCharacters() throws(YAMLError) {
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i < n {
            if i + 8 <= n {
                let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let low = (w &- 0x2020_2020_2020_2020) & ~w & 0x8080_8080_8080_8080
                let high = ((w &+ 0x0101_0101_0101_0101) | w) & 0x8080_8080_8080_8080
                if low | high == 0 {
                    i += 8
                    continue
                }
            }
            let end = min(i + 8, n)
            while i < end {
                let b = p[i]
                if b >= 0x20 && b < 0x7F || b == .tab || b == .lf || b == .cr {
                    i += 1
                } else if b < 0x80 {
                    throw YAMLError("control characters are not allowed", at: i)
                } else if b == 0xC2 {
                    let c = at(i + 1)
                    if c >= 0x80 && c <= 0x9F && c != 0x85 {
                        throw YAMLError("control characters are not allowed", at: i)
                    }
                    i += 2
                } else if b == 0xEF && at(i + 1) == 0xBF && (at(i + 2) == 0xBE || at(i + 2) == 0xBF) {
                    throw YAMLError("the characters U+FFFE and U+FFFF are not allowed", at: i)
                } else {
                    i += 1
                }
            }
        }
    }

    /// Parses `%YAML` or `%TAG` at the start of a line, through the end of that line.
    mutating func parseDirective(versionSeen: inout Bool) throws(YAMLError) {
        let start = pos
        pos += 1
        let nameStart = pos
        while cur.isWordChar { pos += 1 }
        let name = text(nameStart, pos)
        guard !name.isEmpty, cur.isBlankOrEnd else {
            throw YAMLError("expected a directive name after '%'", at: start)
        }
        skipBlanks()
        switch name {
        case "YAML":
            if versionSeen { throw YAMLError("duplicate %YAML directive", at: start) }
            versionSeen = true
            let major = scanNumber()
            guard major >= 0, cur == .dot else {
                throw YAMLError("expected a version such as '1.2' after %YAML", at: start)
            }
            pos += 1
            let minor = scanNumber()
            guard minor >= 0 else { throw YAMLError("expected a version such as '1.2' after %YAML", at: start) }
            if major != 1 || (minor != 1 && minor != 2) {
                throw YAMLError("unsupported YAML version \(major).\(minor); expected 1.1 or 1.2", at: start)
            }
        case "TAG":
            let handleStart = pos
            guard cur == .bang else { throw YAMLError("expected a tag handle such as '!e!' after %TAG", at: start) }
            pos += 1
            while cur.isWordChar { pos += 1 }
            if cur == .bang {
                pos += 1
            } else if pos != handleStart + 1 {
                throw YAMLError("expected a tag handle such as '!e!' after %TAG", at: start)
            }
            let handle = Array(UnsafeBufferPointer(start: p + handleStart, count: pos - handleStart))
            guard cur.isBlank else { throw YAMLError("expected a tag prefix after the tag handle", at: pos) }
            skipBlanks()
            let prefixStart = pos
            try scanURI(verbatim: true)
            if pos == prefixStart { throw YAMLError("expected a tag prefix after the tag handle", at: pos) }
            if tagHandles.contains(handle) {
                throw YAMLError("duplicate %TAG directive for handle '\(text(handleStart, handleStart + handle.count))'", at: start)
            }
            tagHandles.append(handle)
        default:
            throw YAMLError("unknown directive '%\(name)'", at: start)
        }
        skipBlanks()
        if cur == .hash { skipComment() }
        guard pos >= n || cur.isBreak else { throw YAMLError("unexpected text after the directive", at: pos) }
    }

    /// A decimal number of at most nine digits, or -1.
    mutating func scanNumber() -> Int {
        let start = pos
        var value = 0
        while cur >= 0x30 && cur <= 0x39 && pos - start < 9 {
            value = value * 10 + Int(cur - 0x30)
            pos += 1
        }
        return pos == start ? -1 : value
    }

    /// After `...`: only blanks and a comment may follow on the line.
    mutating func finishMarkerLine() throws(YAMLError) {
        skipBlanks()
        if cur == .hash { skipComment() }
        guard pos >= n || cur.isBreak else {
            throw YAMLError("unexpected content after the document end marker '...'", at: pos)
        }
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
    mutating func skipLines() throws(YAMLError) {
        while pos < n {
            var b = p[pos]
            while b == .space {
                pos += 1
                if pos == n { return }
                b = p[pos]
            }
            if b == .tab { throw YAMLError("tabs are not allowed for indentation", at: pos) }
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

    /// Whether only indentation precedes `pos` on its line (a node ended at the start of a later line).
    var atLineIndentation: Bool {
        if pos == lineStart { return true }
        var i = pos - 1
        while i >= lineStart {
            if !p[i].isBlank { return false }
            i -= 1
        }
        return true
    }

    /// After a block node: the rest of its line must be blank or a comment; then moves to the next
    /// content line.
    mutating func finishNodeLine() throws(YAMLError) {
        if !atLineIndentation {
            skipBlanks()
            if cur == .hash { skipComment() }
            if pos < n && !p[pos].isBreak {
                if cur == .colon && at(pos + 1).isBlankOrEnd {
                    throw YAMLError("mapping values are not allowed here", at: pos)
                }
                throw YAMLError("unexpected text after the value; expected a comment or a line break", at: pos)
            }
        }
        try skipLines()
    }

    // MARK: Block structure

    /// Parses the node that follows an indicator (`key:`, `-` or `---`), on the same line or below.
    mutating func parseBlockNode(indent: Int, after: Indicator, depth: Int) throws(YAMLError) -> YAMLNode {
        let emptyAt = pos
        while pos < n {
            let b = p[pos]
            if b == .space {
                pos += 1
            } else if b == .tab {
                if after == .entry { throw YAMLError("tabs are not allowed for indentation", at: pos) }
                pos += 1
            } else {
                break
            }
        }
        var props = Properties()
        if !atLineEnd {
            if after == .entry { return try parseBlockContent(indent: indent, outer: props, depth: depth) }
            try parseProperties(&props)
            if !atLineEnd { return try parseInlineNode(indent: indent, props: props, depth: depth) }
        }
        // The node, if any, starts on a following line.
        if cur == .hash { skipComment() }
        try skipLines()
        if pos >= n || atDocumentMarker { return try emptyScalar(props, at: emptyAt) }
        let col = column
        if col > indent { return try parseBlockContent(indent: indent, outer: props, depth: depth) }
        if col == indent && after == .value && atEntry {
            return try parseBlockSequence(indent: col, props: props, depth: depth)
        }
        return try emptyScalar(props, at: emptyAt)
    }

    /// Parses a node whose first token is at `pos`, where a block collection may start: at the
    /// beginning of a line or after `- `. `outer` holds properties written on an earlier line.
    mutating func parseBlockContent(indent: Int, outer: Properties, depth: Int) throws(YAMLError) -> YAMLNode {
        var outer = outer
        while true {
            if atEntry { return try parseBlockSequence(indent: column, props: outer, depth: depth) }
            if cur == .question && at(pos + 1).isBlankOrEnd {
                throw YAMLError("complex mapping keys are not supported", at: pos)
            }
            let keyStart = pos
            let keyColumn = column
            let keyLine = lineStart
            var props = Properties()
            if cur == .amp || cur == .bang {
                try parseProperties(&props)
                if atLineEnd {
                    // Properties alone on their line belong to the node below.
                    try merge(&outer, props)
                    let emptyAt = props.end
                    if cur == .hash { skipComment() }
                    try skipLines()
                    if pos >= n || atDocumentMarker || column <= indent { return try emptyScalar(outer, at: emptyAt) }
                    continue
                }
                if atEntry { throw YAMLError("block sequence entries are not allowed here", at: pos) }
                if cur == .question && at(pos + 1).isBlankOrEnd {
                    throw YAMLError("complex mapping keys are not supported", at: pos)
                }
            }
            if cur == .pipe || cur == .greater {
                try merge(&outer, props)
                return try apply(outer, to: try parseBlockScalar(indent: indent))
            }
            let isAlias = cur == .star
            let node = try parseNodeHere(indent: indent, flow: false, flowOpen: -1, depth: depth)
            var i = pos
            while i < n && p[i].isBlank { i += 1 }
            if at(i) == .colon && at(i + 1).isBlankOrEnd {
                if lineStart != keyLine { throw YAMLError("mapping values are not allowed here", at: i) }
                try checkKeyLength(from: keyStart, to: i)
                if isAlias { try checkAliasProperties(props) }
                pos = i
                let key = try apply(props, to: node)
                return try parseBlockMapping(indent: keyColumn, firstKey: key, props: outer, depth: depth)
            }
            try merge(&outer, props)
            if isAlias { try checkAliasProperties(outer) }
            return try apply(outer, to: node)
        }
    }

    /// After `key:` or `---`, with properties already read: a node on the same line, which may not
    /// start a block collection.
    mutating func parseInlineNode(indent: Int, props: Properties, depth: Int) throws(YAMLError) -> YAMLNode {
        if atEntry { throw YAMLError("block sequence entries are not allowed here", at: pos) }
        if cur == .question && at(pos + 1).isBlankOrEnd {
            throw YAMLError("complex mapping keys are not supported", at: pos)
        }
        if cur == .pipe || cur == .greater { return try apply(props, to: try parseBlockScalar(indent: indent)) }
        if cur == .star { try checkAliasProperties(props) }
        let node = try parseNodeHere(indent: indent, flow: false, flowOpen: -1, depth: depth)
        return try apply(props, to: node)
    }

    mutating func parseBlockMapping(
        indent: Int, firstKey: YAMLNode, props: Properties, depth: Int
    ) throws(YAMLError) -> YAMLNode {
        guard depth < YAMLParser.maxDepth else { throw nestingError(at: firstKey.offset) }
        var pairs: [YAMLPair] = []
        var key = firstKey
        while true {
            pos += 1  // the ':'
            let value = try parseBlockNode(indent: indent, after: .value, depth: depth + 1)
            pairs.append(YAMLPair(key: key, value: value))
            try finishNodeLine()
            if pos >= n || atDocumentMarker { break }
            let col = column
            if col < indent { break }
            if col > indent { throw YAMLError("bad indentation of a mapping entry", at: pos) }
            key = try parseMappingKey(indent: indent, depth: depth + 1)
        }
        return try apply(props, to: .mapping(YAMLMapping(pairs: pairs, offset: firstKey.offset)))
    }

    /// A key of a block mapping after the first, at the mapping's column; leaves `pos` at its `:`.
    mutating func parseMappingKey(indent: Int, depth: Int) throws(YAMLError) -> YAMLNode {
        let keyStart = pos
        let keyLine = lineStart
        if atEntry { throw YAMLError("expected a mapping key, found a '- ' sequence entry", at: pos) }
        if cur == .question && at(pos + 1).isBlankOrEnd {
            throw YAMLError("complex mapping keys are not supported", at: pos)
        }
        var props = Properties()
        try parseProperties(&props)
        if atLineEnd || cur == .pipe || cur == .greater {
            throw YAMLError("did not find expected ':' after the key", at: keyStart)
        }
        if cur == .star { try checkAliasProperties(props) }
        let node = try parseNodeHere(indent: indent, flow: false, flowOpen: -1, depth: depth)
        var i = pos
        while i < n && p[i].isBlank { i += 1 }
        guard lineStart == keyLine, at(i) == .colon, at(i + 1).isBlankOrEnd else {
            throw YAMLError("did not find expected ':' after the key", at: keyStart)
        }
        try checkKeyLength(from: keyStart, to: i)
        pos = i
        return try apply(props, to: node)
    }

    /// A block sequence whose first `-` is at `pos`, in column `indent`.
    mutating func parseBlockSequence(indent: Int, props: Properties, depth: Int) throws(YAMLError) -> YAMLNode {
        guard depth < YAMLParser.maxDepth else { throw nestingError(at: pos) }
        let start = pos
        var items: [YAMLNode] = []
        while true {
            pos += 1  // the '-'
            items.append(try parseBlockNode(indent: indent, after: .entry, depth: depth + 1))
            try finishNodeLine()
            if pos >= n || atDocumentMarker { break }
            let col = column
            if col < indent { break }
            if col > indent { throw YAMLError("bad indentation of a sequence entry", at: pos) }
            if !atEntry { break }
        }
        return try apply(props, to: .sequence(YAMLSequence(items: items, offset: start)))
    }

    func nestingError(at offset: Int) -> YAMLError {
        YAMLError("nesting deeper than \(YAMLParser.maxDepth) levels", at: offset)
    }

    /// libyaml drops a candidate implicit key longer than 1024 characters, which then fails to parse.
    func checkKeyLength(from start: Int, to colon: Int) throws(YAMLError) {
        guard colon - start > 1024 else { return }
        var characters = 0
        for i in start..<colon where p[i] & 0xC0 != 0x80 { characters += 1 }
        if characters > 1024 { throw YAMLError("implicit keys are limited to 1024 characters", at: start) }
    }

    // MARK: Nodes

    func checkAliasProperties(_ props: Properties) throws(YAMLError) {
        if !props.isEmpty { throw YAMLError("an alias cannot have an anchor or a tag", at: props.start) }
    }

    /// A scalar, flow collection or alias at `pos` (no properties).
    mutating func parseNodeHere(indent: Int, flow: Bool, flowOpen: Int, depth: Int) throws(YAMLError) -> YAMLNode {
        let start = pos
        let b = cur
        switch b {
        case .dquote:
            return .scalar(YAMLScalar(value: try scanDoubleQuoted(), style: .doubleQuoted, offset: start))
        case .squote:
            return .scalar(YAMLScalar(value: try scanSingleQuoted(), style: .singleQuoted, offset: start))
        case .lbracket, .lbrace:
            return try parseFlowCollection(blockIndent: indent, depth: depth)
        case .star:
            return try parseAlias()
        case .comma, .rbracket, .rbrace:
            if flow { throw YAMLError("did not find expected node content", at: pos) }
            throw YAMLError("unexpected '\(Character(Unicode.Scalar(b)))' outside a flow collection", at: pos)
        case .dash:
            if at(pos + 1).isBlankOrEnd {
                throw YAMLError(
                    flow
                        ? "block sequence entries are not allowed in a flow collection"
                        : "block sequence entries are not allowed here", at: pos)
            }
        case .question, .colon:
            if flow || at(pos + 1).isBlankOrEnd {
                if b == .question { throw YAMLError("complex mapping keys are not supported", at: pos) }
                if flow { throw YAMLError("did not find expected node content", at: pos) }
                throw YAMLError("mapping values are not allowed here", at: pos)
            }
        case .hash, .amp, .bang, .pipe, .greater, .percent, .at, .backtick:
            throw YAMLError("found character that cannot start a token", at: pos)
        default:
            if pos >= n {
                if flow { throw unclosedError(flowOpen) }
                throw YAMLError("did not find expected node content", at: pos)
            }
        }
        let value = try scanPlain(flow: flow, minIndent: indent + 1)
        return .scalar(YAMLScalar(value: value, style: .plain, offset: start))
    }

    mutating func emptyScalar(_ props: Properties, at offset: Int) throws(YAMLError) -> YAMLNode {
        try apply(props, to: .scalar(YAMLScalar(value: "", style: .plain, offset: offset)))
    }

    /// Records the tag on the node and registers its anchor.
    mutating func apply(_ props: Properties, to node: YAMLNode) throws(YAMLError) -> YAMLNode {
        guard !props.isEmpty else { return node }
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
    func merge(_ outer: inout Properties, _ inner: Properties) throws(YAMLError) {
        guard !inner.isEmpty else { return }
        if inner.hasAnchor {
            if outer.hasAnchor { throw YAMLError("a node can have only one anchor", at: inner.anchorStart - 1) }
            outer.anchorStart = inner.anchorStart
            outer.anchorEnd = inner.anchorEnd
        }
        if inner.hasTag {
            if outer.hasTag { throw YAMLError("a node can have only one tag", at: inner.tagStart) }
            outer.tagStart = inner.tagStart
            outer.tagEnd = inner.tagEnd
        }
        if outer.isEmpty { outer.start = inner.start }
        outer.end = max(outer.end, inner.end)
    }

    /// Reads anchors (`&a`) and tags (`!t`) at `pos`, with the blanks after each; in flow context,
    /// line breaks and comments too.
    mutating func parseProperties(_ props: inout Properties, flowOpen: Int = -1) throws(YAMLError) {
        let flow = flowOpen >= 0
        while true {
            let start = pos
            if cur == .amp {
                if props.hasAnchor { throw YAMLError("a node can have only one anchor", at: start) }
                pos += 1
                try scanAnchorName(start)
                props.anchorStart = start + 1
                props.anchorEnd = pos
            } else if cur == .bang {
                if props.hasTag { throw YAMLError("a node can have only one tag", at: start) }
                try scanTag(flow: flow)
                props.tagStart = start
                props.tagEnd = pos
            } else {
                return
            }
            if props.start < 0 { props.start = start }
            props.end = pos
            if flow { try skipFlowTrivia(flowOpen) } else { skipBlanks() }
        }
    }

    /// An anchor or alias name: ASCII letters, digits, `-` and `_`, ended by a blank or one of `?:,]}%@\``.
    mutating func scanAnchorName(_ start: Int) throws(YAMLError) {
        let nameStart = pos
        while cur.isWordChar { pos += 1 }
        let b = cur
        let ended =
            b.isBlankOrEnd || b == .question || b == .colon || b == .comma || b == .rbracket || b == .rbrace
            || b == .percent || b == .at || b == .backtick
        if pos == nameStart || !ended {
            let what = p[start] == .amp ? "anchor" : "alias"
            throw YAMLError("invalid \(what) name; expected letters, digits, '-' or '_'", at: start)
        }
    }

    mutating func parseAlias() throws(YAMLError) -> YAMLNode {
        let start = pos
        pos += 1
        try scanAnchorName(start)
        let name = text(start + 1, pos)
        guard let node = anchors[name] else { throw YAMLError("undefined alias '\(name)'", at: start) }
        return node
    }

    /// `!<uri>`, `!!suffix`, `!handle!suffix`, `!suffix` or `!`.
    mutating func scanTag(flow: Bool) throws(YAMLError) {
        let start = pos
        pos += 1
        if cur == .less {
            pos += 1
            let uriStart = pos
            try scanURI(verbatim: true)
            if pos == uriStart { throw YAMLError("expected a tag URI", at: start) }
            guard cur == .greater else { throw YAMLError("expected '>' to end the verbatim tag", at: pos) }
            pos += 1
        } else {
            var i = pos
            while at(i).isWordChar { i += 1 }
            if at(i) == .bang {
                // A handle: `!!` or `!name!`.
                if i > pos {
                    let handle = Array(UnsafeBufferPointer(start: p + start, count: i + 1 - start))
                    if !tagHandles.contains(handle) {
                        throw YAMLError("undefined tag handle '\(text(start, i + 1))'", at: start)
                    }
                }
                pos = i + 1
                let suffixStart = pos
                try scanURI(verbatim: false)
                if pos == suffixStart { throw YAMLError("expected a tag suffix after the handle", at: start) }
            } else {
                try scanURI(verbatim: false)
            }
        }
        let b = cur
        if !(b.isBlankOrEnd || (flow && b == .comma)) {
            throw YAMLError("expected a blank or a line break after the tag", at: pos)
        }
    }

    /// Characters allowed in a tag: letters, digits, `-;/?:@&=+$,_.!~*'()[]` (`,[]` only in verbatim
    /// tags and prefixes) and `%XX` escapes.
    mutating func scanURI(verbatim: Bool) throws(YAMLError) {
        while pos < n {
            let b = p[pos]
            switch b {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, .dash, 0x5F, 0x3B, 0x2F, .question, .colon, .at, .amp, 0x3D,
                0x2B, 0x24, .dot, .bang, 0x7E, .star, .squote, 0x28, 0x29:
                pos += 1
            case .comma, .lbracket, .rbracket:
                guard verbatim else { return }
                pos += 1
            case .percent:
                guard at(pos + 1).hexValue != nil, at(pos + 2).hexValue != nil else {
                    throw YAMLError("invalid escape in a tag; expected '%' and two hexadecimal digits", at: pos)
                }
                pos += 3
            default:
                return
            }
        }
    }

    // MARK: Flow collections

    func unclosedError(_ open: Int) -> YAMLError {
        p[open] == .lbracket
            ? YAMLError("unclosed flow sequence; expected ']'", at: open)
            : YAMLError("unclosed flow mapping; expected '}'", at: open)
    }

    /// Skips blanks, line breaks and comments inside a flow collection opened at `open`.
    mutating func skipFlowTrivia(_ open: Int) throws(YAMLError) {
        while pos < n {
            let b = p[pos]
            if b.isBlank {
                pos += 1
            } else if b.isBreak {
                pos = afterBreak(pos)
                lineStart = pos
                if isDocumentMarker(pos) { throw unclosedError(open) }
            } else if b == .hash {
                skipComment()
            } else {
                return
            }
        }
        throw unclosedError(open)
    }

    /// `[...]` or `{...}` at `pos`.
    mutating func parseFlowCollection(blockIndent: Int, depth: Int) throws(YAMLError) -> YAMLNode {
        let open = pos
        guard depth < YAMLParser.maxDepth else { throw nestingError(at: open) }
        let isSequence = p[open] == .lbracket
        let close: UInt8 = isSequence ? .rbracket : .rbrace
        pos += 1
        var items: [YAMLNode] = []
        var pairs: [YAMLPair] = []
        while true {
            try skipFlowTrivia(open)
            if cur == close {
                pos += 1
                break
            }
            if isSequence {
                items.append(try parseFlowEntry(blockIndent: blockIndent, open: open, depth: depth + 1))
            } else {
                pairs.append(try parseFlowPair(blockIndent: blockIndent, open: open, depth: depth + 1))
            }
            try skipFlowTrivia(open)
            let b = cur
            if b == .comma {
                pos += 1
            } else if b == close {
                pos += 1
                break
            } else {
                let expected = isSequence ? "']'" : "'}'"
                throw YAMLError("expected ',' or \(expected) in a flow collection", at: pos)
            }
        }
        return isSequence
            ? .sequence(YAMLSequence(items: items, offset: open)) : .mapping(YAMLMapping(pairs: pairs, offset: open))
    }

    /// An entry of a flow sequence: a node, or `key: value` as a single-pair mapping.
    mutating func parseFlowEntry(blockIndent: Int, open: Int, depth: Int) throws(YAMLError) -> YAMLNode {
        let start = pos
        let startLine = lineStart
        let node = try parseFlowNode(blockIndent: blockIndent, open: open, depth: depth)
        try skipFlowTrivia(open)
        guard cur == .colon else { return node }
        if lineStart != startLine { throw YAMLError("implicit keys must be on a single line", at: pos) }
        try checkKeyLength(from: start, to: pos)
        guard depth < YAMLParser.maxDepth else { throw nestingError(at: start) }
        let value = try parseFlowValue(blockIndent: blockIndent, open: open, depth: depth + 1)
        return .mapping(YAMLMapping(pairs: [YAMLPair(key: node, value: value)], offset: node.offset))
    }

    /// An entry of a flow mapping: `key: value`, `key:` or a lone `key`.
    mutating func parseFlowPair(blockIndent: Int, open: Int, depth: Int) throws(YAMLError) -> YAMLPair {
        let start = pos
        let startLine = lineStart
        let key = try parseFlowNode(blockIndent: blockIndent, open: open, depth: depth)
        let keyEnd = pos
        try skipFlowTrivia(open)
        guard cur == .colon else {
            return YAMLPair(key: key, value: .scalar(YAMLScalar(value: "", style: .plain, offset: keyEnd)))
        }
        if lineStart != startLine { throw YAMLError("implicit keys must be on a single line", at: pos) }
        try checkKeyLength(from: start, to: pos)
        return YAMLPair(key: key, value: try parseFlowValue(blockIndent: blockIndent, open: open, depth: depth))
    }

    /// The value after a `:` at `pos` in a flow collection; empty before `,` or the closing bracket.
    mutating func parseFlowValue(blockIndent: Int, open: Int, depth: Int) throws(YAMLError) -> YAMLNode {
        pos += 1
        let emptyAt = pos
        try skipFlowTrivia(open)
        let b = cur
        if b == .comma || b == (p[open] == .lbracket ? .rbracket : .rbrace) {
            return .scalar(YAMLScalar(value: "", style: .plain, offset: emptyAt))
        }
        return try parseFlowNode(blockIndent: blockIndent, open: open, depth: depth)
    }

    /// A node inside a flow collection, with its properties.
    mutating func parseFlowNode(blockIndent: Int, open: Int, depth: Int) throws(YAMLError) -> YAMLNode {
        var props = Properties()
        if cur == .amp || cur == .bang { try parseProperties(&props, flowOpen: open) }
        let b = cur
        if !props.isEmpty {
            if b == .comma || b == .rbracket || b == .rbrace || b == .colon {
                return try emptyScalar(props, at: props.end)
            }
            if b == .star { try checkAliasProperties(props) }
        }
        if b == .question { throw YAMLError("complex mapping keys are not supported", at: pos) }
        let node = try parseNodeHere(indent: blockIndent, flow: true, flowOpen: open, depth: depth)
        return try apply(props, to: node)
    }

    // MARK: Plain scalars

    /// The content of a plain scalar on the current line, from `pos`: stops before a line break,
    /// `: `, ` #`, and in flow context before `,[]{}`. Returns the end of the content (trailing
    /// blanks excluded) and moves `pos` there.
    @inline(__always)
    mutating func scanPlainLine(flow: Bool) throws(YAMLError) -> Int {
        var i = pos
        var end = pos
        scan: while i < n {
            let b = p[i]
            switch b {
            case .space, .tab:
                i += 1
                while i < n && p[i].isBlank { i += 1 }
                if i < n && p[i] == .hash { break scan }
            case .lf, .cr:
                break scan
            case .colon:
                let c = at(i + 1)
                if c.isBlankOrEnd { break scan }
                if flow && (c.isFlowIndicator || c == .question) {
                    throw YAMLError("found unexpected ':' in a plain scalar; add a space after it or quote the value", at: i)
                }
                i += 1
                end = i
            case .comma, .lbracket, .rbracket, .lbrace, .rbrace:
                if flow { break scan }
                i += 1
                end = i
            default:
                i += 1
                end = i
            }
        }
        pos = end
        return end
    }

    /// A plain scalar from `pos`. Line breaks fold into a space, blank lines into `\n`. In block
    /// context continuation lines must be indented at least `minIndent` columns.
    mutating func scanPlain(flow: Bool, minIndent: Int) throws(YAMLError) -> String {
        let start = pos
        var end = try scanPlainLine(flow: flow)
        var i = end
        while i < n && p[i].isBlank { i += 1 }
        if i >= n || !p[i].isBreak { return text(start, end) }
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
                while i < n {
                    let c = p[i]
                    if c == .space {
                        i += 1
                    } else if c == .tab {
                        if i - lineBegin < minIndent {
                            throw YAMLError("tabs are not allowed for indentation", at: i)
                        }
                        i += 1
                    } else {
                        break
                    }
                }
                if i < n && !p[i].isBreak {
                    contentAt = i
                    break
                }
            }
            pos = i
            lineStart = lineBegin
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
        return folded ? String(decoding: scratch, as: UTF8.self) : text(start, end)
    }

    // MARK: Quoted scalars

    func unterminated(_ open: Int) -> YAMLError {
        p[open] == .dquote
            ? YAMLError("unterminated double-quoted string", at: open)
            : YAMLError("unterminated single-quoted string", at: open)
    }

    /// Folds the line breaks and blanks of a quoted scalar starting at the break at `i`: one break
    /// becomes a space, more become `n - 1` newlines. Returns the offset of the next content.
    mutating func foldQuotedBreaks(from start: Int, open: Int, escaped: Bool) throws(YAMLError) -> Int {
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
                if isDocumentMarker(i) { throw unterminated(open) }
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

    mutating func scanDoubleQuoted() throws(YAMLError) -> String {
        let open = pos
        var i = pos + 1
        while i < n {
            let b = p[i]
            if b == .dquote {
                pos = i + 1
                return text(open + 1, i)
            }
            if b == .backslash || b.isBreak { break }
            i += 1
        }
        if i >= n { throw unterminated(open) }
        // Blanks before a line break are folded away: let the loop below see them.
        while i > open + 1 && p[i - 1].isBlank { i -= 1 }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(start: p + open + 1, count: i - open - 1))
        while true {
            guard i < n else { throw unterminated(open) }
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
                    if isDocumentMarker(next) { throw unterminated(open) }
                    i = try foldQuotedBreaks(from: next, open: open, escaped: true)
                } else {
                    i = try appendEscape(at: i, open: open)
                }
            case .space, .tab:
                var j = i
                while j < n && p[j].isBlank { j += 1 }
                if j < n && p[j].isBreak {
                    i = try foldQuotedBreaks(from: j, open: open, escaped: false)
                } else {
                    scratch.append(contentsOf: UnsafeBufferPointer(start: p + i, count: j - i))
                    i = j
                }
            case .lf, .cr:
                i = try foldQuotedBreaks(from: i, open: open, escaped: false)
            default:
                scratch.append(b)
                i += 1
            }
        }
    }

    /// Appends the character of the escape sequence at `i` (a backslash) and returns the offset after it.
    mutating func appendEscape(at i: Int, open: Int) throws(YAMLError) -> Int {
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
        default:
            if i + 1 >= n { throw unterminated(open) }
            throw YAMLError("unknown escape sequence '\\\(text(i + 1, i + 2 + utf8Tail(i + 1)))'", at: i)
        }
        guard digits > 0 else { return i + 2 }
        var value: UInt32 = 0
        for k in 0..<digits {
            guard let d = at(i + 2 + k).hexValue else {
                throw YAMLError("invalid escape sequence; expected \(digits) hexadecimal digits after '\\\(Character(Unicode.Scalar(e)))'", at: i)
            }
            value = value << 4 | d
        }
        guard let scalar = Unicode.Scalar(value) else {
            throw YAMLError("invalid Unicode code point in escape sequence", at: i)
        }
        UTF8.encode(scalar) { scratch.append($0) }
        return i + 2 + digits
    }

    /// Number of continuation bytes after the lead byte at `i`.
    func utf8Tail(_ i: Int) -> Int {
        let b = at(i)
        let tail = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0
        return min(tail, max(0, n - i - 1))
    }

    mutating func scanSingleQuoted() throws(YAMLError) -> String {
        let open = pos
        var i = pos + 1
        while i < n {
            let b = p[i]
            if b == .squote {
                if at(i + 1) == .squote { break }
                pos = i + 1
                return text(open + 1, i)
            }
            if b.isBreak { break }
            i += 1
        }
        if i >= n { throw unterminated(open) }
        // Blanks before a line break are folded away: let the loop below see them.
        while i > open + 1 && p[i - 1].isBlank { i -= 1 }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(start: p + open + 1, count: i - open - 1))
        while true {
            guard i < n else { throw unterminated(open) }
            let b = p[i]
            switch b {
            case .squote:
                if at(i + 1) == .squote {
                    scratch.append(.squote)
                    i += 2
                } else {
                    pos = i + 1
                    return String(decoding: scratch, as: UTF8.self)
                }
            case .space, .tab:
                var j = i
                while j < n && p[j].isBlank { j += 1 }
                if j < n && p[j].isBreak {
                    i = try foldQuotedBreaks(from: j, open: open, escaped: false)
                } else {
                    scratch.append(contentsOf: UnsafeBufferPointer(start: p + i, count: j - i))
                    i = j
                }
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
    mutating func parseBlockScalar(indent parentIndent: Int) throws(YAMLError) -> YAMLNode {
        let start = pos
        let literal = p[pos] == .pipe
        pos += 1
        var chomping = 0  // -1 strip, 0 clip, +1 keep
        var increment = 0
        for _ in 0..<2 {
            let b = cur
            if (b == .dash || b == 0x2B) && chomping == 0 {
                chomping = b == .dash ? -1 : 1
                pos += 1
            } else if b >= 0x30 && b <= 0x39 && increment == 0 {
                if b == 0x30 {
                    throw YAMLError("the indentation indicator of a block scalar must be between 1 and 9", at: pos)
                }
                increment = Int(b - 0x30)
                pos += 1
            }
        }
        skipBlanks()
        if cur == .hash { skipComment() }
        guard pos >= n || cur.isBreak else {
            throw YAMLError("expected a comment or a line break after the block scalar header", at: pos)
        }
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
        if chomping != -1 && leadingBreak { scratch.append(.lf) }
        if chomping == 1 { for _ in 0..<trailingBreaks { scratch.append(.lf) } }
        return .scalar(
            YAMLScalar(
                value: String(decoding: scratch, as: UTF8.self), style: literal ? .literal : .folded, offset: start))
    }

    /// Skips indentation and empty lines of a block scalar, counting the line breaks; detects the
    /// indentation from the first non-empty line when no indicator gave it.
    mutating func scanBlockScalarBreaks(indent: inout Int, parentIndent: Int, breaks: inout Int) throws(YAMLError) {
        var maxIndent = 0
        while true {
            while (indent == 0 || column < indent) && cur == .space { pos += 1 }
            if column > maxIndent { maxIndent = column }
            if (indent == 0 || column < indent) && cur == .tab {
                throw YAMLError("tabs are not allowed for indentation", at: pos)
            }
            guard pos < n, p[pos].isBreak else { break }
            pos = afterBreak(pos)
            lineStart = pos
            breaks += 1
        }
        if indent == 0 { indent = max(maxIndent, parentIndent + 1, 1) }
    }
}

/// A node of a parsed YAML document. Positions are UTF-8 byte offsets into the source; `SourceFile`
/// turns them into lines and columns only when a message needs one.
public enum YAMLNode: Sendable {
    case scalar(YAMLScalar)
    case mapping(YAMLMapping)
    case sequence(YAMLSequence)

    /// The text of a scalar; nil for a collection.
    @inlinable public var scalarValue: String? {
        if case .scalar(let s) = self { return s.value }
        return nil
    }

    /// Whether the node is a scalar written without quotes.
    @inlinable public var isPlainScalar: Bool {
        if case .scalar(let s) = self { return s.style == .plain }
        return false
    }

    /// Byte offset of the node's first character (a quote, `|`, `[`, `{`, `-`, or the first key).
    public var offset: Int {
        switch self {
        case .scalar(let s): s.offset
        case .mapping(let m): m.offset
        case .sequence(let s): s.offset
        }
    }
}

public struct YAMLScalar: Sendable {
    /// The value after unescaping, folding and chomping.
    public var value: String
    public var style: ScalarSource.Style
    public var offset: Int
    /// An explicit tag such as `!!str`, if one was written.
    public var tag: String?

    public init(value: String, style: ScalarSource.Style, offset: Int, tag: String? = nil) {
        self.value = value
        self.style = style
        self.offset = offset
        self.tag = tag
    }
}

public struct YAMLMapping: Sendable {
    public var pairs: [YAMLPair]
    public var offset: Int
    public var tag: String?

    public init(pairs: [YAMLPair], offset: Int, tag: String? = nil) {
        self.pairs = pairs
        self.offset = offset
        self.tag = tag
    }
}

public struct YAMLPair: Sendable {
    public var key: YAMLNode
    public var value: YAMLNode

    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}

public struct YAMLSequence: Sendable {
    public var items: [YAMLNode]
    public var offset: Int
    public var tag: String?

    public init(items: [YAMLNode], offset: Int, tag: String? = nil) {
        self.items = items
        self.offset = offset
        self.tag = tag
    }
}

/// A YAML syntax error at a byte offset.
public struct YAMLError: Error, Sendable, Hashable {
    public var message: String
    public var offset: Int
    public var notes: [String]

    public init(_ message: String, at offset: Int, notes: [String] = []) {
        self.message = message
        self.offset = offset
        self.notes = notes
    }
}

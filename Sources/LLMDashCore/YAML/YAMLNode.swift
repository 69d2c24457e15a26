import Synchronization

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
    /// The tag written on the scalar, if any.
    public var tagID: YAMLTag

    public init(value: String, style: ScalarSource.Style, offset: Int, tag: String? = nil) {
        self.value = value
        self.style = style
        self.offset = offset
        self.tagID = YAMLTag(tag)
    }

    /// An explicit tag such as `!!str`, if one was written.
    public var tag: String? {
        get { tagID.name }
        set { tagID = YAMLTag(newValue) }
    }
}

public struct YAMLMapping: Sendable {
    public var pairs: [YAMLPair]
    public var offset: Int
    /// The tag written on the node, if any.
    public var tagID: YAMLTag

    public init(pairs: [YAMLPair], offset: Int, tag: String? = nil) {
        self.pairs = pairs
        self.offset = offset
        self.tagID = YAMLTag(tag)
    }

    /// An explicit tag such as `!!map`, if one was written.
    public var tag: String? {
        get { tagID.name }
        set { tagID = YAMLTag(newValue) }
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
    /// The tag written on the node, if any.
    public var tagID: YAMLTag

    public init(items: [YAMLNode], offset: Int, tag: String? = nil) {
        self.items = items
        self.offset = offset
        self.tagID = YAMLTag(tag)
    }

    /// An explicit tag such as `!!map`, if one was written.
    public var tag: String? {
        get { tagID.name }
        set { tagID = YAMLTag(newValue) }
    }
}

/// A tag written on a node, as a number standing for its text.
///
/// Tags are rare, and a node is copied each time a reader looks at it: a number costs nothing to copy, where
/// a tag kept as text would be a second reference-counted field on every node. The texts are numbered once
/// for the whole process, in the order they are first met; `!!str` and `!!null`, the tags the readers test
/// for, have fixed numbers.
public struct YAMLTag: Sendable, Hashable {
    /// 0 for no tag; otherwise one more than the text's position in `names`.
    let id: UInt32

    private init(id: UInt32) { self.id = id }

    /// The tag of the text, or no tag for nil.
    public init(_ name: String?) {
        guard let name else {
            self = .none
            return
        }
        id = Self.table.withLock { table in
            if let id = table.ids[name] { return id }
            table.names.append(name)
            let id = UInt32(table.names.count)
            table.ids[name] = id
            return id
        }
    }

    /// No tag written.
    public static var none: YAMLTag { YAMLTag(id: 0) }
    /// `!!str`.
    public static var str: YAMLTag { YAMLTag(id: 1) }
    /// `!!null`.
    public static var null: YAMLTag { YAMLTag(id: 2) }

    /// The tag as written; nil for no tag.
    public var name: String? {
        id == 0 ? nil : Self.table.withLock { $0.names[Int(id) - 1] }
    }

    private static let table = Mutex<(names: [String], ids: [String: UInt32])>(
        (["!!str", "!!null"], ["!!str": 1, "!!null": 2]))
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

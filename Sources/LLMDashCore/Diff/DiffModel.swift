/// One change found by a semantic diff: a panel added, a rule's expression edited, a variable removed, ….
public struct DiffChange: Sendable, Hashable {
    /// What happened to the element.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case added, removed, moved, retitled, edited
    }

    /// What kind of thing changed.
    public enum Element: String, Sendable, Hashable {
        case dashboard, panel, row, variable, annotation, link, group, rule, file
    }

    public var kind: Kind
    public var element: Element
    /// The element's name as shown: a panel's `Row / Title`, a rule's `group / name`, a variable's name.
    public var name: String
    /// The field edited (`unit`, `thresholds`, `legend placement`, `query A`, `for`), or nil for the whole element.
    public var field: String?
    /// The old value, compactly written (or the old position or title); nil when there was none.
    public var old: String?
    /// The new value; nil when there is none.
    public var new: String?
    /// Finer points, e.g. how two queries differ structurally (`quantile 0.99 → 0.95`).
    public var details: [String]

    public init(
        _ kind: Kind, _ element: Element, _ name: String, field: String? = nil, old: String? = nil,
        new: String? = nil, details: [String] = []
    ) {
        self.kind = kind
        self.element = element
        self.name = name
        self.field = field
        self.old = old
        self.new = new
        self.details = details
    }
}

/// The differences between two versions of one file.
public struct FileDiff: Sendable, Hashable {
    /// How the file was read.
    public enum Kind: String, Sendable, Hashable {
        /// A Grafana dashboard JSON file.
        case dashboard
        /// A Prometheus rule file.
        case rules
        /// Anything else, compared byte for byte.
        case other
    }

    /// Whether the file is on both sides.
    public enum Status: String, Sendable, Hashable {
        case added, removed, modified, unchanged
    }

    /// The path shown: relative inside a folder, else the new file's name.
    public var path: String
    public var kind: Kind
    public var status: Status
    /// The dashboard's title (new side, else old), for headings.
    public var title: String?
    public var changes: [DiffChange]

    public init(path: String, kind: Kind, status: Status, title: String? = nil, changes: [DiffChange] = []) {
        self.path = path
        self.kind = kind
        self.status = status
        self.title = title
        self.changes = changes
    }

    /// Whether anything differs.
    public var hasDifferences: Bool { status != .unchanged || !changes.isEmpty }

    /// How many changes of a kind.
    public func count(_ kind: DiffChange.Kind) -> Int { changes.count { $0.kind == kind } }
}

/// The result of a semantic diff of two files or two trees.
public struct DiffReport: Sendable, Hashable {
    /// The old side as named by the user (a path, or `REV:path`).
    public var oldName: String
    /// The new side as named by the user.
    public var newName: String
    /// Every file compared, in path order (unchanged files included).
    public var files: [FileDiff]

    public init(oldName: String, newName: String, files: [FileDiff]) {
        self.oldName = oldName
        self.newName = newName
        self.files = files
    }

    /// Whether anything differs.
    public var hasDifferences: Bool { files.contains { $0.hasDifferences } }
}

/// Reading state for one YAML file: the source, the diagnostics so far, and a budget that stops
/// alias expansion ("billion laughs") from turning a small file into an unbounded walk.
final class ReadContext {
    let file: SourceFile
    private(set) var diagnostics: [Diagnostic] = []
    private var budget: Int
    private var budgetExceeded = false

    init(file: SourceFile) {
        self.file = file
        self.budget = 200_000 + 4 * file.utf8.count
    }

    func location(_ node: YAMLNode) -> SourceLocation { file.location(ofByte: node.offset) }

    func error(_ id: String, _ message: String, at node: YAMLNode?, notes: [String] = []) {
        diagnostics.append(.error(id, message, at: file.location(ofByte: node?.offset ?? 0), notes: notes))
    }

    func record(_ found: [Diagnostic]) { diagnostics += found }

    func warning(_ id: String, _ message: String, at node: YAMLNode?, notes: [String] = []) {
        diagnostics.append(.warning(id, message, at: file.location(ofByte: node?.offset ?? 0), notes: notes))
    }

    /// Charges one visited node; false once the document has expanded past any sensible size.
    func spend(_ node: YAMLNode) -> Bool {
        budget -= 1
        if budget < 0 {
            if !budgetExceeded {
                budgetExceeded = true
                error("yaml.too-large", "document expands to too many nodes (aliases referring to aliases?)", at: node)
            }
            return false
        }
        return true
    }

    func source(of node: YAMLNode) -> ScalarSource? {
        guard case .scalar(let scalar) = node else { return nil }
        return ScalarSource(start: file.location(ofByte: scalar.offset), style: scalar.style, offset: scalar.offset)
    }

    /// Describes a node's kind for "expected X, found Y" messages.
    static func kindName(_ node: YAMLNode) -> String {
        switch node {
        case .scalar(let s): isNull(s) ? "null" : "a scalar"
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }

    static func isNull(_ s: YAMLScalar) -> Bool {
        guard s.style == .plain, s.tag == nil || s.tag == "!!null" else { return false }
        switch s.value {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }

    func isNullNode(_ node: YAMLNode) -> Bool {
        if case .scalar(let s) = node { return Self.isNull(s) }
        return false
    }

    /// A scalar written without quotes and without a `!!str` tag: the only kind that can be a number or a boolean.
    static func plainValue(_ node: YAMLNode) -> String? {
        if case .scalar(let s) = node, s.style == .plain, s.tag != "!!str" { return s.value }
        return nil
    }

    // MARK: Scalars

    func string(_ node: YAMLNode, what: @autoclosure () -> String) -> String? {
        guard case .scalar(let scalar) = node else {
            error("spec.type", "\(what()) must be a string, found \(Self.kindName(node))", at: node)
            return nil
        }
        return scalar.value
    }

    func double(_ node: YAMLNode, what: @autoclosure () -> String) -> Double? {
        if let text = Self.plainValue(node), let value = Self.parseNumber(text) { return value }
        error("spec.type", "\(what()) must be a number, found \(describe(node))", at: node)
        return nil
    }

    func int(_ node: YAMLNode, what: @autoclosure () -> String) -> Int? {
        if let text = Self.plainValue(node), let value = Int(text) { return value }
        error("spec.type", "\(what()) must be an integer, found \(describe(node))", at: node)
        return nil
    }

    func bool(_ node: YAMLNode, what: @autoclosure () -> String) -> Bool? {
        switch Self.plainValue(node) {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default:
            error("spec.type", "\(what()) must be true or false, found \(describe(node))", at: node)
            return nil
        }
    }

    func describe(_ node: YAMLNode) -> String {
        guard case .scalar(let s) = node else { return Self.kindName(node) }
        if Self.isNull(s) { return "null" }
        return "'" + (s.value.utf8.count > 40 ? String(s.value.prefix(40)) + "…" : s.value) + "'"
    }

    static func parseNumber(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        default: break
        }
        guard let first = text.utf8.first,
            first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
                || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9"))
        else { return nil }
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// One of a fixed set of words, with a did-you-mean when it is close to one.
    func choice(_ node: YAMLNode, what: @autoclosure () -> String, from allowed: [String]) -> String? {
        guard let text = string(node, what: what()) else { return nil }
        if allowed.contains(text) { return text }
        var notes = ["expected one of: " + allowed.joined(separator: ", ")]
        if let guess = Suggestions.closest(to: text, in: allowed) { notes.insert("did you mean '\(guess)'?", at: 0) }
        error("spec.invalid-value", "invalid \(what()) '\(text)'", at: node, notes: notes)
        return nil
    }

    func strings(_ node: YAMLNode, what: @autoclosure () -> String) -> [String]? {
        switch node {
        case .scalar(let s) where !Self.isNull(s):
            return [s.value]
        case .sequence(let seq):
            var out: [String] = []
            out.reserveCapacity(seq.items.count)
            for item in seq.items where spend(item) {
                if let s = string(item, what: "each of \(what())") { out.append(s) }
            }
            return out
        default:
            error("spec.type", "\(what()) must be a list of strings, found \(Self.kindName(node))", at: node)
            return nil
        }
    }

    func list(_ node: YAMLNode, what: @autoclosure () -> String) -> [YAMLNode]? {
        if case .sequence(let seq) = node { return seq.items }
        if isNullNode(node) { return [] }
        error("spec.type", "\(what()) must be a list, found \(Self.kindName(node))", at: node)
        return nil
    }

    /// Arbitrary YAML carried into the JSON output (e.g. transformation options): plain scalars keep their YAML type.
    func json(_ node: YAMLNode) -> JSON? {
        guard spend(node) else { return nil }
        switch node {
        case .scalar(let scalar):
            if let s = Self.plainValue(node) {
                if Self.isNull(scalar) { return .null }
                if s == "true" { return .bool(true) }
                if s == "false" { return .bool(false) }
                if let i = Int(s) { return .int(i) }
                if let d = Self.parseNumber(s) { return .number(d) }
            }
            return .string(scalar.value)
        case .sequence(let seq):
            var out: [JSON] = []
            for item in seq.items {
                guard let value = json(item) else { return nil }
                out.append(value)
            }
            return .array(out)
        case .mapping(let map):
            var out: [(String, JSON)] = []
            for pair in map.pairs {
                guard let name = string(pair.key, what: "a key"), let converted = json(pair.value) else { return nil }
                out.append((name, converted))
            }
            return .object(JSONMembers(unsorted: out))
        }
    }
}

/// A YAML mapping read under a strict schema: known keys only (did-you-mean for the rest), no duplicates,
/// `<<` merge keys applied.
struct MappingReader {
    struct Entry {
        var key: String
        var keyNode: YAMLNode
        var value: YAMLNode
        /// The key's length in UTF-8 bytes, which settles most lookups without comparing strings.
        var length: Int

        init(key: String, keyNode: YAMLNode, value: YAMLNode) {
            self.key = key
            self.keyNode = keyNode
            self.value = value
            self.length = key.utf8.count
        }
    }

    let ctx: ReadContext
    let node: YAMLNode
    let what: String
    private(set) var entries: [Entry] = []

    /// Nil (after reporting) when `node` is not a mapping.
    init?(_ node: YAMLNode, _ ctx: ReadContext, what: String) {
        self.ctx = ctx
        self.node = node
        self.what = what
        guard case .mapping(let mapping) = node else {
            ctx.error("spec.type", "\(what) must be a mapping, found \(ReadContext.kindName(node))", at: node)
            return nil
        }
        entries.reserveCapacity(mapping.pairs.count)
        collect(mapping, depth: 0)
    }

    private func index(of key: String) -> Int? {
        let length = key.utf8.count
        return entries.withUnsafeBufferPointer { entries in
            for i in entries.indices where entries[i].length == length && entries[i].key == key { return i }
            return nil
        }
    }

    /// String equality with the cheap length test first: most keys a reader asks for are absent, and
    /// comparing lengths spares the full comparison for nearly all of them.
    @inline(__always) static func same(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && a == b
    }

    /// Explicit keys first (a repeated one is an error); then keys from `<<` merges that are not already set.
    private mutating func collect(_ mapping: YAMLMapping, depth: Int) {
        var merges: [YAMLNode] = []
        for pair in mapping.pairs {
            guard ctx.spend(pair.key) else { return }
            guard case .scalar(let scalar) = pair.key else {
                ctx.error("spec.type", "keys in \(what) must be strings", at: pair.key)
                continue
            }
            let key = scalar.value
            if key == "<<", scalar.style == .plain {
                if case .sequence(let seq) = pair.value {
                    merges.append(contentsOf: seq.items)
                } else {
                    merges.append(pair.value)
                }
                continue
            }
            if let existing = index(of: key) {
                if depth == 0 {
                    let first = ctx.location(entries[existing].keyNode)
                    ctx.error(
                        "spec.duplicate-key", "duplicate key '\(key)' in \(what)", at: pair.key,
                        notes: ["first given at \(first)"])
                }
                continue
            }
            entries.append(Entry(key: key, keyNode: pair.key, value: pair.value))
        }
        for source in merges {
            guard case .mapping(let merged) = source, depth < 8 else {
                ctx.error("spec.type", "a merge key (<<) needs a mapping", at: source)
                continue
            }
            collect(merged, depth: depth + 1)
        }
    }

    /// Reports every key not in `allowed`.
    func allow(_ allowed: [String]) {
        for entry in entries where !allowed.contains(where: { Self.same($0, entry.key) }) {
            var notes: [String] = []
            if let guess = Suggestions.closest(to: entry.key, in: allowed) {
                notes.append("did you mean '\(guess)'?")
            } else {
                notes.append("known keys: " + allowed.joined(separator: ", "))
            }
            ctx.error("spec.unknown-key", "unknown key '\(entry.key)' in \(what)", at: entry.keyNode, notes: notes)
        }
    }

    func has(_ key: String) -> Bool { index(of: key) != nil }

    /// The value node, treating an explicit null as absent.
    func value(_ key: String) -> YAMLNode? {
        guard let i = index(of: key) else { return nil }
        let value = entries[i].value
        return ctx.isNullNode(value) ? nil : value
    }

    func keyNode(_ key: String) -> YAMLNode? { index(of: key).map { entries[$0].keyNode } }

    func location(_ key: String) -> SourceLocation? {
        (value(key) ?? keyNode(key)).map(ctx.location)
    }

    func required(_ key: String) -> YAMLNode? {
        if let v = value(key) { return v }
        ctx.error("spec.missing-key", "\(what) needs '\(key)'", at: keyNode(key) ?? node)
        return nil
    }

    func string(_ key: String) -> String? { value(key).flatMap { ctx.string($0, what: "'\(key)'") } }
    func requiredString(_ key: String) -> String? { required(key).flatMap { ctx.string($0, what: "'\(key)'") } }
    func int(_ key: String) -> Int? { value(key).flatMap { ctx.int($0, what: "'\(key)'") } }
    func double(_ key: String) -> Double? { value(key).flatMap { ctx.double($0, what: "'\(key)'") } }
    func bool(_ key: String) -> Bool? { value(key).flatMap { ctx.bool($0, what: "'\(key)'") } }
    func strings(_ key: String) -> [String]? { value(key).flatMap { ctx.strings($0, what: "'\(key)'") } }
    func list(_ key: String) -> [YAMLNode]? { value(key).flatMap { ctx.list($0, what: "'\(key)'") } }
    func choice(_ key: String, _ allowed: [String]) -> String? {
        value(key).flatMap { ctx.choice($0, what: "'\(key)'", from: allowed) }
    }
    func choice<E: RawRepresentable & CaseIterable>(_ key: String, as: E.Type) -> E? where E.RawValue == String {
        guard value(key) != nil else { return nil }
        return choice(key, E.allCases.map(\.rawValue)).flatMap(E.init(rawValue:))
    }
    func source(_ key: String) -> ScalarSource? { value(key).flatMap(ctx.source) }
}

import Yams

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

    func location(_ node: Node) -> SourceLocation? {
        node.mark.map { file.location(line: $0.line, scalarColumn: $0.column) }
    }

    func error(_ id: String, _ message: String, at node: Node?, notes: [String] = []) {
        diagnostics.append(.error(id, message, at: node.flatMap(location) ?? file.location(ofByte: 0), notes: notes))
    }

    func warning(_ id: String, _ message: String, at node: Node?, notes: [String] = []) {
        diagnostics.append(.warning(id, message, at: node.flatMap(location) ?? file.location(ofByte: 0), notes: notes))
    }

    /// Charges one visited node; false once the document has expanded past any sensible size.
    func spend(_ node: Node) -> Bool {
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

    func source(of node: Node) -> ScalarSource? {
        guard case .scalar(let scalar) = node, let start = location(node) else { return nil }
        let style: ScalarSource.Style =
            switch scalar.style {
            case .singleQuoted: .singleQuoted
            case .doubleQuoted: .doubleQuoted
            case .literal: .literal
            case .folded: .folded
            default: .plain
            }
        return ScalarSource(start: start, style: style)
    }

    /// Describes a node's kind for "expected X, found Y" messages.
    static func kindName(_ node: Node) -> String {
        switch node {
        case .scalar(let s):
            if s.style == .plain, isNull(s.string) { return "null" }
            return "a scalar"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    static func isNull(_ text: String) -> Bool {
        text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
    }

    // MARK: Scalars

    func string(_ node: Node, what: String) -> String? {
        guard case .scalar(let scalar) = node else {
            error("spec.type", "\(what) must be a string, found \(Self.kindName(node))", at: node)
            return nil
        }
        return scalar.string
    }

    func isNullNode(_ node: Node) -> Bool {
        if case .scalar(let s) = node, s.style == .plain, Self.isNull(s.string) { return true }
        return false
    }

    func double(_ node: Node, what: String) -> Double? {
        if case .scalar(let scalar) = node, scalar.style == .plain, let value = Self.parseNumber(scalar.string) {
            return value
        }
        error("spec.type", "\(what) must be a number, found \(describe(node))", at: node)
        return nil
    }

    func int(_ node: Node, what: String) -> Int? {
        if case .scalar(let scalar) = node, scalar.style == .plain, let value = Int(scalar.string) {
            return value
        }
        error("spec.type", "\(what) must be an integer, found \(describe(node))", at: node)
        return nil
    }

    func bool(_ node: Node, what: String) -> Bool? {
        if case .scalar(let scalar) = node, scalar.style == .plain {
            switch scalar.string {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: break
            }
        }
        error("spec.type", "\(what) must be true or false, found \(describe(node))", at: node)
        return nil
    }

    func describe(_ node: Node) -> String {
        if case .scalar(let s) = node {
            let text = s.string.count > 40 ? String(s.string.prefix(40)) + "…" : s.string
            return s.style == .plain && Self.isNull(s.string) ? "null" : "'\(text)'"
        }
        return Self.kindName(node)
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
    func choice(_ node: Node, what: String, from allowed: [String]) -> String? {
        guard let text = string(node, what: what) else { return nil }
        if allowed.contains(text) { return text }
        var notes = ["expected one of: " + allowed.joined(separator: ", ")]
        if let guess = Suggestions.closest(to: text, in: allowed) { notes.insert("did you mean '\(guess)'?", at: 0) }
        error("spec.invalid-value", "invalid \(what) '\(text)'", at: node, notes: notes)
        return nil
    }

    func strings(_ node: Node, what: String) -> [String]? {
        if case .scalar = node, !isNullNode(node) {
            return string(node, what: what).map { [$0] }
        }
        guard case .sequence(let seq) = node else {
            error("spec.type", "\(what) must be a list of strings, found \(Self.kindName(node))", at: node)
            return nil
        }
        var out: [String] = []
        for item in seq where spend(item) {
            if let s = string(item, what: "each of \(what)") { out.append(s) }
        }
        return out
    }

    func list(_ node: Node, what: String) -> [Node]? {
        guard case .sequence(let seq) = node else {
            if isNullNode(node) { return [] }
            error("spec.type", "\(what) must be a list, found \(Self.kindName(node))", at: node)
            return nil
        }
        return Array(seq)
    }

    /// Arbitrary YAML carried into the JSON output (e.g. transformation options): scalars keep their YAML type.
    func json(_ node: Node, depth: Int = 0) -> JSON? {
        guard spend(node) else { return nil }
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain {
                let s = scalar.string
                if Self.isNull(s) { return .null }
                if s == "true" { return .bool(true) }
                if s == "false" { return .bool(false) }
                if let i = Int(s) { return .int(i) }
                if let d = Self.parseNumber(s) { return .number(d) }
            }
            return .string(scalar.string)
        case .sequence(let seq):
            var out: [JSON] = []
            for item in seq {
                guard let value = json(item, depth: depth + 1) else { return nil }
                out.append(value)
            }
            return .array(out)
        case .mapping(let map):
            var out: [String: JSON] = [:]
            for (key, value) in map {
                guard let name = string(key, what: "a key"), let converted = json(value, depth: depth + 1) else {
                    return nil
                }
                out[name] = converted
            }
            return .object(out)
        case .alias:
            return nil
        }
    }
}

/// A YAML mapping read under a strict schema: known keys only (did-you-mean for the rest), no duplicates,
/// `<<` merge keys applied.
struct MappingReader {
    let ctx: ReadContext
    let node: Node
    let what: String
    private(set) var entries: [(key: String, keyNode: Node, value: Node)] = []
    private var index: [String: Int] = [:]

    /// Nil (after reporting) when `node` is not a mapping.
    init?(_ node: Node, _ ctx: ReadContext, what: String) {
        self.ctx = ctx
        self.node = node
        self.what = what
        guard case .mapping(let mapping) = node else {
            ctx.error("spec.type", "\(what) must be a mapping, found \(ReadContext.kindName(node))", at: node)
            return nil
        }
        collect(mapping, depth: 0)
    }

    /// Explicit keys first (a repeated one is an error); then keys from `<<` merges that are not already set.
    private mutating func collect(_ mapping: Node.Mapping, depth: Int) {
        var merges: [Node] = []
        for (keyNode, value) in mapping {
            guard ctx.spend(keyNode) else { return }
            guard case .scalar(let scalar) = keyNode else {
                ctx.error("spec.type", "keys in \(what) must be strings", at: keyNode)
                continue
            }
            let key = scalar.string
            if key == "<<", scalar.style == .plain {
                if case .sequence(let seq) = value { merges.append(contentsOf: seq) } else { merges.append(value) }
                continue
            }
            if let existing = index[key] {
                if depth == 0 {
                    let first = ctx.location(entries[existing].keyNode).map { "\($0)" } ?? "?"
                    ctx.error(
                        "spec.duplicate-key", "duplicate key '\(key)' in \(what)", at: keyNode,
                        notes: ["first given at \(first)"])
                }
                continue
            }
            index[key] = entries.count
            entries.append((key, keyNode, value))
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
        for entry in entries where !allowed.contains(entry.key) {
            var notes: [String] = []
            if let guess = Suggestions.closest(to: entry.key, in: allowed) {
                notes.append("did you mean '\(guess)'?")
            } else {
                notes.append("known keys: " + allowed.joined(separator: ", "))
            }
            ctx.error("spec.unknown-key", "unknown key '\(entry.key)' in \(what)", at: entry.keyNode, notes: notes)
        }
    }

    var keys: [String] { entries.map(\.key) }

    func has(_ key: String) -> Bool { index[key] != nil }

    /// The value node, treating an explicit null as absent.
    func value(_ key: String) -> Node? {
        guard let i = index[key] else { return nil }
        let value = entries[i].value
        return ctx.isNullNode(value) ? nil : value
    }

    func keyNode(_ key: String) -> Node? { index[key].map { entries[$0].keyNode } }

    func location(_ key: String) -> SourceLocation? {
        (value(key) ?? keyNode(key)).flatMap(ctx.location)
    }

    func required(_ key: String) -> Node? {
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
    func list(_ key: String) -> [Node]? { value(key).flatMap { ctx.list($0, what: "'\(key)'") } }
    func choice(_ key: String, _ allowed: [String]) -> String? {
        value(key).flatMap { ctx.choice($0, what: "'\(key)'", from: allowed) }
    }
    func choice<E: RawRepresentable & CaseIterable>(_ key: String, as: E.Type) -> E? where E.RawValue == String {
        choice(key, E.allCases.map(\.rawValue)).flatMap(E.init(rawValue:))
    }
    func source(_ key: String) -> ScalarSource? { value(key).flatMap(ctx.source) }
}

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
    func spend(_ node: YAMLNode) -> Bool { spend(at: node.offset) }

    /// `spend(_:)` for the node at a byte offset, for callers that read nodes in place and would otherwise
    /// have to copy one to pass it.
    func spend(at offset: Int) -> Bool {
        budget -= 1
        if budget < 0 {
            if !budgetExceeded {
                budgetExceeded = true
                diagnostics.append(
                    .error(
                        "yaml.too-large", "document expands to too many nodes (aliases referring to aliases?)",
                        at: file.location(ofByte: offset)))
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
        // Most values are longer than the null words: the length settles them without comparing text.
        switch s.value.utf8.count {
        case 0: return true
        case 1: return s.value == "~"
        case 4: return s.value == "null" || s.value == "Null" || s.value == "NULL"
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
        let length = text.utf8.count
        if length == 4 || length == 5 {
            switch text {
            case ".inf", ".Inf", ".INF", "+.inf": return .infinity
            case "-.inf", "-.Inf", "-.INF": return -.infinity
            default: break
            }
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

/// A mapping key's UTF-8 length and, for a short ASCII key, its bytes packed into two words.
///
/// A reader looks up dozens of keys in every mapping, and most are absent: comparing packs costs a few
/// integer tests where comparing strings costs a call into the string library.
struct PackedKey: Sendable {
    var length: Int
    var low: UInt64 = 0
    var high: UInt64 = 0
    var isASCII = false
    /// `bit(length:first:)` for an ASCII key; every bit for any other key, as equal strings need not
    /// share a first byte (`"A\u{30A}" == "\u{212B}"`).
    var filterBit: UInt64 = ~0

    /// Reads the key's bytes once; a string without contiguous UTF-8 stays unpacked and compares as text.
    init(_ key: String) {
        let utf8 = key.utf8
        length = utf8.count
        var words: (UInt64, UInt64) = (0, 0)
        var first: UInt8 = 0
        var ascii = false
        let read: Bool? = utf8.withContiguousStorageIfAvailable { bytes in
            first = bytes.first ?? 0
            if bytes.count <= 16 {
                withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: UnsafeRawBufferPointer(bytes)) }
                ascii = (words.0 | words.1) & 0x8080_8080_8080_8080 == 0
            } else {
                ascii = bytes.allSatisfy { $0 < 0x80 }
            }
            return true
        }
        guard read == true else { return }
        low = words.0
        high = words.1
        isASCII = ascii
        if ascii { filterBit = Self.bit(length: length, first: first) }
    }

    /// ASCII of at most 16 bytes, all of them in `low` and `high`.
    var isPacked: Bool { isASCII && length <= 16 }

    /// The bit of an ASCII key in a 64-bit mask of the keys a mapping holds, from its length and first
    /// byte: a key whose bit is not in the mask is certainly absent.
    @inline(__always) static func bit(length: Int, first: UInt8) -> UInt64 {
        1 << (UInt64(truncatingIfNeeded: length &* 11 &+ Int(first)) & 63)
    }

    /// Whether the keys are equal, judged from the packs alone: nil when one of them is not packed.
    /// Two ASCII keys are equal exactly when their bytes are; keys of different UTF-8 lengths never
    /// count as equal here, as the reader has always required.
    @inline(__always) func matches(_ other: PackedKey) -> Bool? {
        guard length == other.length else { return false }
        guard isPacked && other.isPacked else { return nil }
        return low == other.low && high == other.high
    }
}

/// The keys a mapping accepts, packed once (keep hot lists in `static let`s).
struct KeyList: Sendable {
    let names: [String]
    private let packed: [PackedKey]
    /// For each bit of `PackedKey.filterBit`, the indices of the ASCII names with that bit; empty for a short
    /// list, which is scanned.
    private let byBit: [[Int]]

    init(_ names: [String]) {
        self.names = names
        packed = names.map { PackedKey($0) }
        var byBit: [[Int]] = []
        if names.count > 8 {
            byBit = Array(repeating: [], count: 64)
            for (i, key) in packed.enumerated() where key.isASCII {
                byBit[key.filterBit.trailingZeroBitCount].append(i)
            }
        }
        self.byBit = byBit
    }

    /// `text` gives the key as a string, wanted only when the packs cannot settle it.
    func contains(_ key: PackedKey, _ text: () -> String) -> Bool {
        // An ASCII key can only equal a name of the same bytes, which has the same bit; a key that is not
        // ASCII is compared with every name.
        if key.isASCII, !byBit.isEmpty {
            for i in byBit[key.filterBit.trailingZeroBitCount] where packed[i].matches(key) ?? (names[i] == text()) {
                return true
            }
            return false
        }
        return packed.indices.contains { packed[$0].matches(key) ?? (names[$0] == text()) }
    }
}

/// A YAML mapping read under a strict schema: known keys only (did-you-mean for the rest), no duplicates,
/// `<<` merge keys applied.
struct MappingReader {
    struct Entry {
        var key: String
        var keyNode: YAMLNode
        var value: YAMLNode
    }

    /// Where a key's pair is (`source` 0 for the mapping itself, k for the k-th mapping merged in), and
    /// the key packed. Plain values, so that scanning and dropping them involves no reference counting.
    private struct Slot {
        var packed: PackedKey
        var source: Int32
        var index: Int32
    }

    let ctx: ReadContext
    let node: YAMLNode
    let what: String
    private let pairs: [YAMLPair]
    private var merged: [[YAMLPair]] = []
    private var slots: [Slot] = []
    /// The `PackedKey.filterBit`s of the keys present, so that most absent keys are rejected without a scan.
    private var bits: UInt64 = 0

    /// Nil (after reporting) when `node` is not a mapping.
    init?(_ node: YAMLNode, _ ctx: ReadContext, what: String) {
        self.ctx = ctx
        self.node = node
        self.what = what
        guard case .mapping(let mapping) = node else {
            ctx.error("spec.type", "\(what) must be a mapping, found \(ReadContext.kindName(node))", at: node)
            pairs = []
            return nil
        }
        pairs = mapping.pairs
        slots.reserveCapacity(pairs.count)
        collect(pairs, source: 0, depth: 0)
    }

    /// Every key with its nodes, in order: explicit keys first, then keys from merges.
    var entries: [Entry] {
        slots.map { Entry(key: keyText($0), keyNode: keyNode($0), value: value($0)) }
    }

    private func keyNode(_ slot: Slot) -> YAMLNode {
        slot.source == 0 ? pairs[Int(slot.index)].key : merged[Int(slot.source) - 1][Int(slot.index)].key
    }

    private func value(_ slot: Slot) -> YAMLNode {
        slot.source == 0 ? pairs[Int(slot.index)].value : merged[Int(slot.source) - 1][Int(slot.index)].value
    }

    private func keyText(_ slot: Slot) -> String {
        (slot.source == 0 ? pairs[Int(slot.index)].key : merged[Int(slot.source) - 1][Int(slot.index)].key)
            .scalarValue ?? ""
    }

    private func index(of key: String) -> Int? {
        // Most keys asked for are absent: their length and first byte settle it without packing them.
        let utf8 = key.utf8
        // Through the contiguous bytes: `utf8.first` costs several times more.
        let first = utf8.withContiguousStorageIfAvailable { $0.first ?? 0 } ?? utf8.first ?? 0
        guard bits & PackedKey.bit(length: utf8.count, first: first) != 0 else { return nil }
        return index(of: PackedKey(key), key)
    }

    private func index(of probe: PackedKey, _ key: String) -> Int? {
        slots.withUnsafeBufferPointer { slots in
            for i in slots.indices where slots[i].packed.filterBit & probe.filterBit != 0 {
                switch slots[i].packed.matches(probe) {
                case true?: return i
                case false?: continue
                case nil: if keyText(slots[i]) == key { return i }
                }
            }
            return nil
        }
    }

    /// Explicit keys first (a repeated one is an error); then keys from `<<` merges that are not already set.
    private mutating func collect(_ pairs: [YAMLPair], source: Int32, depth: Int) {
        var merges: [YAMLNode] = []
        // The nodes are read in place, through the buffer: copying a node out costs more than the rest.
        let complete = pairs.withUnsafeBufferPointer { pairs in
            collect(pairs, source: source, depth: depth, merges: &merges)
        }
        guard complete else { return }
        for source in merges {
            guard case .mapping(let mapping) = source, depth < 8 else {
                ctx.error("spec.type", "a merge key (<<) needs a mapping", at: source)
                continue
            }
            merged.append(mapping.pairs)
            collect(mapping.pairs, source: Int32(merged.count), depth: depth + 1)
        }
    }

    /// The explicit keys; false when the node budget ran out.
    private mutating func collect(
        _ pairs: UnsafeBufferPointer<YAMLPair>, source: Int32, depth: Int, merges: inout [YAMLNode]
    ) -> Bool {
        for i in pairs.indices {
            guard ctx.spend(at: pairs[i].key.offset) else { return false }
            guard let key = pairs[i].key.scalarValue else {
                ctx.error("spec.type", "keys in \(what) must be strings", at: pairs[i].key)
                continue
            }
            let packed = PackedKey(key)
            if packed.length == 2, key == "<<", pairs[i].key.isPlainScalar {
                if case .sequence(let seq) = pairs[i].value {
                    merges.append(contentsOf: seq.items)
                } else {
                    merges.append(pairs[i].value)
                }
                continue
            }
            if bits & packed.filterBit != 0, let existing = index(of: packed, key) {
                if depth == 0 {
                    let first = ctx.location(keyNode(slots[existing]))
                    ctx.error(
                        "spec.duplicate-key", "duplicate key '\(key)' in \(what)", at: pairs[i].key,
                        notes: ["first given at \(first)"])
                }
                continue
            }
            bits |= packed.filterBit
            slots.append(Slot(packed: packed, source: source, index: Int32(i)))
        }
        return true
    }

    /// Reports every key not in `allowed`.
    func allow(_ allowed: [String]) { allow(KeyList(allowed)) }

    /// Reports every key not in `allowed`.
    func allow(_ allowed: KeyList) {
        for slot in slots where !allowed.contains(slot.packed, { keyText(slot) }) {
            let key = keyText(slot)
            var notes: [String] = []
            if let guess = Suggestions.closest(to: key, in: allowed.names) {
                notes.append("did you mean '\(guess)'?")
            } else {
                notes.append("known keys: " + allowed.names.joined(separator: ", "))
            }
            ctx.error("spec.unknown-key", "unknown key '\(key)' in \(what)", at: keyNode(slot), notes: notes)
        }
    }

    func has(_ key: String) -> Bool { index(of: key) != nil }

    /// The value node, treating an explicit null as absent.
    func value(_ key: String) -> YAMLNode? {
        guard let i = index(of: key) else { return nil }
        let value = value(slots[i])
        return ctx.isNullNode(value) ? nil : value
    }

    func keyNode(_ key: String) -> YAMLNode? { index(of: key).map { keyNode(slots[$0]) } }

    func location(_ key: String) -> SourceLocation? {
        (value(key) ?? keyNode(key)).map(ctx.location)
    }

    func required(_ key: String) -> YAMLNode? {
        if let v = value(key) { return v }
        ctx.error("spec.missing-key", "\(what) needs '\(key)'", at: keyNode(key) ?? node)
        return nil
    }

    /// Reads the value of `key` in place (copying a node costs more than reading a scalar from it), treating an
    /// explicit null as absent.
    @inline(__always)
    private func read<R>(_ key: String, _ body: (YAMLNode) -> R?) -> R? {
        guard let i = index(of: key) else { return nil }
        let slot = slots[i]
        let pairs = slot.source == 0 ? pairs : merged[Int(slot.source) - 1]
        return pairs.withUnsafeBufferPointer { pairs in
            let value = pairs[Int(slot.index)].value
            return ctx.isNullNode(value) ? nil : body(value)
        }
    }

    func string(_ key: String) -> String? { read(key) { ctx.string($0, what: "'\(key)'") } }
    func requiredString(_ key: String) -> String? { required(key).flatMap { ctx.string($0, what: "'\(key)'") } }
    func int(_ key: String) -> Int? { read(key) { ctx.int($0, what: "'\(key)'") } }
    func double(_ key: String) -> Double? { read(key) { ctx.double($0, what: "'\(key)'") } }
    func bool(_ key: String) -> Bool? { read(key) { ctx.bool($0, what: "'\(key)'") } }
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

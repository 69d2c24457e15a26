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

    func location(ofByte offset: Int) -> SourceLocation { file.location(ofByte: offset) }

    func error(_ id: String, _ message: String, at node: YAMLNode?, notes: [String] = []) {
        error(id, message, atByte: node?.offset ?? 0, notes: notes)
    }

    func error(_ id: String, _ message: String, atByte offset: Int, notes: [String] = []) {
        diagnostics.append(.error(id, message, at: file.location(ofByte: offset), notes: notes))
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

    /// Whether the scalar is a null: empty, `~` or `null` written plain. Most values are longer than those
    /// words: the length settles them, inline, without comparing text.
    @inline(__always) static func isNull(_ s: YAMLScalar) -> Bool {
        let length = s.value.utf8.count
        return (length <= 1 || length == 4) && isNullWord(s, length: length)
    }

    private static func isNullWord(_ s: YAMLScalar, length: Int) -> Bool {
        guard s.style == .plain, s.tagID == .none || s.tagID == .null else { return false }
        switch length {
        case 0: return true
        case 1: return s.value == "~"
        default: return s.value == "null" || s.value == "Null" || s.value == "NULL"
        }
    }

    func isNullNode(_ node: YAMLNode) -> Bool {
        if case .scalar(let s) = node { return Self.isNull(s) }
        return false
    }

    /// A scalar written without quotes and without a `!!str` tag: the only kind that can be a number or a boolean.
    static func plainValue(_ node: YAMLNode) -> String? {
        if case .scalar(let s) = node, s.style == .plain, s.tagID != .str { return s.value }
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
        if let text = Self.plainValue(node), let value = Self.parseInt(text) { return value }
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
        if let (digits, scale, negative) = decimal(text) {
            // Both are exact in a Double, so the one rounding of the division gives the nearest Double to the
            // decimal, as the general parser does.
            let value = Double(digits) / powersOfTen[scale]
            return negative ? -value : value
        }
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// `Int(text)`, with up to 15 decimal digits (most numbers in a spec) read without the general parser.
    static func parseInt(_ text: String) -> Int? {
        if let (digits, scale, negative) = decimal(text), scale == 0 {
            return negative ? -digits : digits
        }
        return Int(text)
    }

    /// 10⁰ through 10¹⁵, each exact.
    private static let powersOfTen: [Double] = (0...15).map { exponent in
        (0..<exponent).reduce(1) { power, _ in power * 10 }
    }

    /// A decimal of at most 15 digits, `[+-]digits[.digits]`: the digits as an integer, the number of them
    /// after the point, and the sign. Nil for any other text.
    private static func decimal(_ text: String) -> (digits: Int, scale: Int, negative: Bool)? {
        var text = text
        return text.withUTF8 { bytes in
            var i = 0
            var negative = false
            if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
                negative = sign == UInt8(ascii: "-")
                i = 1
            }
            var digits = 0
            var count = 0
            var scale: Int?
            while i < bytes.count {
                let byte = bytes[i]
                if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                    digits = digits &* 10 &+ Int(byte &- UInt8(ascii: "0"))
                    count += 1
                    if scale != nil { scale! += 1 }
                } else if byte == UInt8(ascii: "."), scale == nil, count > 0 {
                    scale = 0
                } else {
                    return nil
                }
                i += 1
            }
            guard count > 0, count <= 15, scale != 0 else { return nil }
            return (digits, scale ?? 0, negative)
        }
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
    /// The positions of the ASCII names, grouped by the bit of their `PackedKey.filterBit`: those with bit b
    /// are `byBit[bucketStart[b]..<bucketStart[b + 1]]`, in order. Both empty for a short list, which is
    /// scanned.
    private let byBit: [Int]
    private let bucketStart: [Int]

    init(_ names: [String]) {
        self.names = names
        let packed = names.map { PackedKey($0) }
        var byBit: [Int] = []
        var bucketStart: [Int] = []
        if names.count > 8 {
            for bit in 0..<64 {
                bucketStart.append(byBit.count)
                byBit += packed.indices.filter {
                    packed[$0].isASCII && packed[$0].filterBit.trailingZeroBitCount == bit
                }
            }
            bucketStart.append(byBit.count)
        }
        self.packed = packed
        self.byBit = byBit
        self.bucketStart = bucketStart
    }

    /// `text` gives the key as a string, wanted only when the packs cannot settle it.
    func contains(_ key: PackedKey, _ text: () -> String) -> Bool { index(of: key, text) != nil }

    /// The position of the first name equal to the key; `text` as for `contains(_:_:)`.
    func index(of key: PackedKey, _ text: () -> String) -> Int? {
        packed.withUnsafeBufferPointer { packed in
            // An ASCII key can only equal a name of the same bytes, which has the same bit; a key that is not
            // ASCII is compared with every name.
            if key.isASCII, !bucketStart.isEmpty {
                let bit = key.filterBit.trailingZeroBitCount
                return byBit.withUnsafeBufferPointer { byBit in
                    for i in byBit[bucketStart[bit]..<bucketStart[bit + 1]]
                    where packed[i].matches(key) ?? (names[i] == text()) {
                        return i
                    }
                    return nil
                }
            }
            for i in packed.indices where packed[i].matches(key) ?? (names[i] == text()) { return i }
            return nil
        }
    }
}

/// The keys of one kind of mapping, as the cases of an `Int` enum named like them and numbered from 0 in
/// order, e.g. `enum QueryKey: Int, MappingKey { case expr, legend }` with
/// `static let keyList = KeyList(["expr", "legend"])`. (Naming the cases at run time through reflection
/// costs more than all the reading.)
protocol MappingKey: RawRepresentable<Int>, CaseIterable, Sendable {
    /// The names of the cases, in order.
    static var keyList: KeyList { get }
}

extension MappingKey {
    /// The key as written in YAML.
    var name: String { Self.keyList.names[rawValue] }
}

/// A set of keys by their positions in a `KeyList` of at most 128 names.
struct KeyMask: Sendable {
    private var low: UInt64 = 0
    private var high: UInt64 = 0

    @inline(__always) func contains(_ index: Int) -> Bool {
        index < 64 ? low & (1 << UInt64(index)) != 0 : high & (1 << UInt64(index &- 64)) != 0
    }

    mutating func insert(_ index: Int) {
        precondition(index >= 0 && index < 128, "a key mask holds at most 128 keys")
        if index < 64 { low |= 1 << UInt64(index) } else { high |= 1 << UInt64(index - 64) }
    }
}

/// The keys of a `MappingKey` that one kind of mapping accepts, named in the order that messages list them.
///
/// (`Key` is constrained by the extension rather than here, as is `KeyedMappingReader`'s: the run time would
/// otherwise look up `Key`'s conformances, at a cost, the first time it needs the type's metadata.)
struct AllowedKeys<Key>: Sendable {
    let names: [String]
    let mask: KeyMask
}

extension AllowedKeys where Key: MappingKey {
    /// Every name must be one of `Key`'s.
    init(_ names: [String]) {
        self.names = names
        var mask = KeyMask()
        for name in names {
            guard let index = Key.keyList.names.firstIndex(of: name) else {
                preconditionFailure("'\(name)' is not a key of \(Key.self)")
            }
            mask.insert(index)
        }
        self.mask = mask
    }

    /// All of `Key`'s keys, in the order of its cases.
    init() { self.init(Key.keyList.names) }
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
    fileprivate struct Slot {
        var packed: PackedKey
        var source: Int32
        var index: Int32
        /// The key's position in the `KeyList` given to `resolve(_:)`; -1 for a key not in it (or before).
        var name: Int32 = -1
    }

    let ctx: ReadContext
    /// Byte offset of the mapping node, for messages about the mapping as a whole. (The node is not kept:
    /// copying and dropping it costs more than the rest of a small mapping's reader.)
    let offset: Int
    let what: String
    private let pairs: [YAMLPair]
    private var merged: [[YAMLPair]] = []
    private var slots: [Slot] = []
    /// The `PackedKey.filterBit`s of the keys present, so that most absent keys are rejected without a scan.
    private var bits: UInt64 = 0

    /// Nil (after reporting) when `node` is not a mapping.
    init?(_ node: YAMLNode, _ ctx: ReadContext, what: String) {
        self.ctx = ctx
        self.what = what
        guard case .mapping(let mapping) = node else {
            ctx.error("spec.type", "\(what) must be a mapping, found \(ReadContext.kindName(node))", at: node)
            offset = node.offset
            pairs = []
            return nil
        }
        offset = mapping.offset
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
            report(slot, names: allowed.names)
        }
    }

    /// Matches every key present against `list` once, for the readers of `KeyedMappingReader`; the keys
    /// found, by their positions in `list`.
    fileprivate mutating func resolve(_ list: KeyList) -> KeyMask {
        var found = KeyMask()
        for i in slots.indices {
            guard let name = list.index(of: slots[i].packed, { keyText(slots[i]) }), !found.contains(name) else {
                continue
            }
            slots[i].name = Int32(name)
            found.insert(name)
        }
        return found
    }

    /// The slot of the key at `name` in the list given to `resolve(_:)`, which must be present.
    fileprivate func slot(named name: Int) -> Slot {
        slots.withUnsafeBufferPointer { slots in
            var i = 0
            while slots[i].name != name { i += 1 }
            return slots[i]
        }
    }

    /// Reports every key not in `allowed`, which names keys of the list given to `resolve(_:)`.
    fileprivate func allow(_ allowed: KeyMask, names: [String]) {
        for slot in slots where slot.name < 0 || !allowed.contains(Int(slot.name)) {
            report(slot, names: names)
        }
    }

    private func report(_ slot: Slot, names: [String]) {
        let key = keyText(slot)
        var notes: [String] = []
        if let guess = Suggestions.closest(to: key, in: names) {
            notes.append("did you mean '\(guess)'?")
        } else {
            notes.append("known keys: " + names.joined(separator: ", "))
        }
        ctx.error("spec.unknown-key", "unknown key '\(key)' in \(what)", at: keyNode(slot), notes: notes)
    }

    /// The value of a slot in place, as `read(_:_:)` does. Neither this nor `body` captures the reader, which
    /// would copy it.
    @inline(__always)
    fileprivate func read<R>(_ slot: Slot, _ body: (YAMLNode) -> R?) -> R? {
        let index = Int(slot.index)
        if slot.source == 0 {
            return pairs.withUnsafeBufferPointer { Self.unlessNull($0[index].value, body) }
        }
        return merged[Int(slot.source) - 1].withUnsafeBufferPointer { Self.unlessNull($0[index].value, body) }
    }

    @inline(__always)
    private static func unlessNull<R>(_ value: YAMLNode, _ body: (YAMLNode) -> R?) -> R? {
        if case .scalar(let s) = value, ReadContext.isNull(s) { return nil }
        return body(value)
    }

    /// The value node of a slot, nil for an explicit null.
    fileprivate func value(of slot: Slot) -> YAMLNode? {
        let value = value(slot)
        return ctx.isNullNode(value) ? nil : value
    }

    fileprivate func keyNode(of slot: Slot) -> YAMLNode { keyNode(slot) }

    /// Byte offset of a slot's value, or of its key when the value is an explicit null; read in place.
    fileprivate func locationOffset(of slot: Slot) -> Int {
        let index = Int(slot.index)
        if slot.source == 0 {
            return pairs.withUnsafeBufferPointer { Self.locationOffset($0[index].value, key: $0[index].key) }
        }
        return merged[Int(slot.source) - 1].withUnsafeBufferPointer {
            Self.locationOffset($0[index].value, key: $0[index].key)
        }
    }

    private static func locationOffset(_ value: YAMLNode, key: YAMLNode) -> Int {
        if case .scalar(let s) = value, ReadContext.isNull(s) { return key.offset }
        return value.offset
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
        index(of: key).map { ctx.location(ofByte: locationOffset(of: slots[$0])) }
    }

    /// Where the mapping is.
    var location: SourceLocation { ctx.location(ofByte: offset) }

    func required(_ key: String) -> YAMLNode? {
        if let v = value(key) { return v }
        ctx.error("spec.missing-key", "\(what) needs '\(key)'", atByte: keyNode(key)?.offset ?? offset)
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

/// A `MappingReader` asked for keys by the cases of `Key`, a `MappingKey`. The keys present are matched against
/// `Key`'s names once, as the reader is made; asking for a key is then a bit test, and a short scan for a key
/// present.
struct KeyedMappingReader<Key> {
    private var base: MappingReader
    private let present: KeyMask
}

extension KeyedMappingReader where Key: MappingKey {
    /// Nil (after reporting) when `node` is not a mapping.
    init?(_ node: YAMLNode, _ ctx: ReadContext, what: String) {
        guard var base = MappingReader(node, ctx, what: what) else { return nil }
        let present = base.resolve(Key.keyList)
        self.init(base: base, present: present)
    }

    var ctx: ReadContext { base.ctx }
    /// Where the mapping is.
    var location: SourceLocation { base.location }
    /// The mapping, for readers that ask for keys by name.
    var mapping: MappingReader { base }

    /// Reports every key not in `allowed`.
    func allow(_ allowed: AllowedKeys<Key>) { base.allow(allowed.mask, names: allowed.names) }

    @inline(__always) func has(_ key: Key) -> Bool { present.contains(key.rawValue) }

    /// The value node, treating an explicit null as absent.
    @inline(__always) func value(_ key: Key) -> YAMLNode? {
        guard has(key) else { return nil }
        return base.value(of: base.slot(named: key.rawValue))
    }

    func keyNode(_ key: Key) -> YAMLNode? {
        guard has(key) else { return nil }
        return base.keyNode(of: base.slot(named: key.rawValue))
    }

    func location(_ key: Key) -> SourceLocation? {
        guard has(key) else { return nil }
        return ctx.location(ofByte: base.locationOffset(of: base.slot(named: key.rawValue)))
    }

    func required(_ key: Key) -> YAMLNode? {
        if let v = value(key) { return v }
        ctx.error("spec.missing-key", "\(base.what) needs '\(key.name)'", atByte: keyNode(key)?.offset ?? base.offset)
        return nil
    }

    // The readers below are inlined as far as the test of the key's bit, as most keys asked for are absent.
    // They hand `read` closures that capture the context and the key, not the reader: a closure that captures
    // the reader copies it.

    /// Reads the value of a key present.
    @inline(never) private func read<R>(_ key: Key, _ body: (YAMLNode) -> R?) -> R? {
        base.read(base.slot(named: key.rawValue), body)
    }

    @inline(__always) func string(_ key: Key) -> String? {
        guard has(key) else { return nil }
        let ctx = base.ctx
        return read(key) { ctx.string($0, what: "'\(key.name)'") }
    }

    func requiredString(_ key: Key) -> String? {
        guard let node = required(key) else { return nil }
        return ctx.string(node, what: "'\(key.name)'")
    }

    @inline(__always) func int(_ key: Key) -> Int? {
        guard has(key) else { return nil }
        let ctx = base.ctx
        return read(key) { ctx.int($0, what: "'\(key.name)'") }
    }

    @inline(__always) func double(_ key: Key) -> Double? {
        guard has(key) else { return nil }
        let ctx = base.ctx
        return read(key) { ctx.double($0, what: "'\(key.name)'") }
    }

    @inline(__always) func bool(_ key: Key) -> Bool? {
        guard has(key) else { return nil }
        let ctx = base.ctx
        return read(key) { ctx.bool($0, what: "'\(key.name)'") }
    }

    @inline(__always) func strings(_ key: Key) -> [String]? {
        guard has(key) else { return nil }
        let ctx = base.ctx
        return read(key) { ctx.strings($0, what: "'\(key.name)'") }
    }

    @inline(__always) func list(_ key: Key) -> [YAMLNode]? {
        guard has(key) else { return nil }
        let ctx = base.ctx
        return read(key) { ctx.list($0, what: "'\(key.name)'") }
    }

    @inline(__always) func choice(_ key: Key, _ allowed: @autoclosure () -> [String]) -> String? {
        guard has(key) else { return nil }
        let ctx = base.ctx
        return read(key) { ctx.choice($0, what: "'\(key.name)'", from: allowed()) }
    }

    @inline(__always)
    func choice<E: RawRepresentable & CaseIterable>(_ key: Key, as: E.Type) -> E? where E.RawValue == String {
        guard has(key) else { return nil }
        let ctx = base.ctx
        return read(key) {
            ctx.choice($0, what: "'\(key.name)'", from: E.allCases.map(\.rawValue)).flatMap(E.init(rawValue:))
        }
    }

    @inline(__always) func source(_ key: Key) -> ScalarSource? {
        guard has(key) else { return nil }
        let ctx = base.ctx
        return read(key) { ctx.source(of: $0) }
    }
}

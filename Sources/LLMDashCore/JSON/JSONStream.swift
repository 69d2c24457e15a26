#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes pretty JSON straight to bytes, member by member, with no `JSON` value in between: the same bytes
/// `JSONWriter.pretty` gives for the same value, at a fraction of the cost.
///
/// `JSONWriter` sorts each object's keys; a stream cannot, so its caller writes every object's keys in
/// byte-wise ascending order (uppercase before `_` before lowercase). Debug builds check that order.
/// Members whose value is nil are left out, as `JSONObject` leaves them out.
struct JSONStream: ~Copyable {
    private var out: ByteBuffer
    /// The indentation of the innermost open container's closing bracket.
    private var indent = 0
    /// Whether the innermost open container has no member or element yet.
    private var empty = true
    #if DEBUG
        /// The last key written in each open object (an empty key when none is yet), to check the order.
        private var lastKeys: [StaticString] = []
    #endif

    init(capacity: Int = 16_384) {
        out = ByteBuffer(capacity: capacity)
    }

    /// The bytes written, ending in a newline as `JSONWriter.pretty` ends.
    consuming func finish() -> [UInt8] {
        out.append(UInt8(ascii: "\n"))
        return out.bytes()
    }

    // MARK: Containers

    /// Writes an object whose members `body` writes, in key order.
    mutating func object(_ body: (inout JSONStream) -> Void) {
        #if DEBUG
            lastKeys.append("")
            defer { lastKeys.removeLast() }
        #endif
        open(UInt8(ascii: "{"))
        body(&self)
        close(UInt8(ascii: "}"))
    }

    /// Writes an array whose elements `body` writes, each after `element()`.
    mutating func array(_ body: (inout JSONStream) -> Void) {
        open(UInt8(ascii: "["))
        body(&self)
        close(UInt8(ascii: "]"))
    }

    /// Writes an array with one element per item of `items`.
    mutating func array<Items: Sequence>(_ items: Items, _ element: (inout JSONStream, Items.Element) -> Void) {
        array { w in
            for item in items {
                w.element()
                element(&w, item)
            }
        }
    }

    private mutating func open(_ bracket: UInt8) {
        out.append(bracket)
        indent += 2
        empty = true
    }

    private mutating func close(_ bracket: UInt8) {
        indent -= 2
        if !empty { newline() }
        out.append(bracket)
        // The container itself was a member or element of its parent, so the parent is not empty.
        empty = false
    }

    private mutating func newline() {
        out.append(newlineIndentedBy: indent)
    }

    private mutating func separate() {
        if !empty { out.append(UInt8(ascii: ",")) }
        empty = false
        newline()
    }

    /// Starts the next array element; the value follows.
    mutating func element() {
        separate()
    }

    /// Starts the member `key` of the innermost object; the value follows.
    mutating func key(_ key: StaticString) {
        #if DEBUG
            let previous = lastKeys[lastKeys.count - 1]
            assert(
                JSONStream.precedes(previous, key),
                "JSON keys must be written in byte-wise order: '\(previous)' before '\(key)'")
            lastKeys[lastKeys.count - 1] = key
        #endif
        separate()
        out.append(memberName: key)
    }

    #if DEBUG
        /// Whether `a` sorts strictly before `b`, byte-wise.
        private static func precedes(_ a: StaticString, _ b: StaticString) -> Bool {
            let n = min(a.utf8CodeUnitCount, b.utf8CodeUnitCount)
            let c = n == 0 ? 0 : memcmp(a.utf8Start, b.utf8Start, n)
            return c < 0 || (c == 0 && a.utf8CodeUnitCount < b.utf8CodeUnitCount)
        }
    #endif

    // MARK: Values

    mutating func string(_ value: String) { JSONWriter.writeString(value, into: &out) }

    mutating func int(_ value: Int) { out.append(decimal: value) }

    mutating func bool(_ value: Bool) { out.append(value ? "true" : "false") }

    mutating func null() { out.append("null") }

    /// A number as `JSON.number` holds it: without a fraction when it is whole.
    mutating func number(_ value: Double) { JSONWriter.writeDouble(value, into: &out) }

    /// A value built as a tree (user-written options, patched panels), indented to fit where it goes.
    mutating func value(_ value: JSON) { JSONWriter.write(value, indent: indent, into: &out) }

    /// An array of strings.
    mutating func strings(_ values: [String]) { array(values) { $0.string($1) } }

    // MARK: Members

    /// The member `key`, an object whose members `body` writes.
    mutating func object(_ key: StaticString, _ body: (inout JSONStream) -> Void) {
        self.key(key)
        object(body)
    }

    /// The member `key`, an array whose elements `body` writes.
    mutating func array(_ key: StaticString, _ body: (inout JSONStream) -> Void) {
        self.key(key)
        array(body)
    }

    /// The member `key`, an array with one element per item of `items`.
    mutating func array<Items: Sequence>(
        _ key: StaticString, _ items: Items, _ element: (inout JSONStream, Items.Element) -> Void
    ) {
        self.key(key)
        array(items, element)
    }

    mutating func member(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        self.key(key)
        string(value)
    }

    mutating func member(_ key: StaticString, _ value: Int?) {
        guard let value else { return }
        self.key(key)
        int(value)
    }

    mutating func member(_ key: StaticString, _ value: Bool?) {
        guard let value else { return }
        self.key(key)
        bool(value)
    }

    /// A number member, written as `JSON.number` would hold it.
    mutating func member(_ key: StaticString, _ value: Double?) {
        guard let value else { return }
        self.key(key)
        number(value)
    }

    mutating func member(_ key: StaticString, json value: JSON?) {
        guard let value else { return }
        self.key(key)
        self.value(value)
    }

    /// A member whose value is an array of strings.
    mutating func member(_ key: StaticString, strings values: [String]) {
        self.key(key)
        strings(values)
    }
}

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

    private init(_ out: consuming ByteBuffer) {
        self.out = out
    }

    /// The bytes written, ending in a newline as `JSONWriter.pretty` ends.
    consuming func finish() -> [UInt8] {
        out.append(UInt8(ascii: "\n"))
        return out.bytes()
    }

    /// The bytes `body` writes, ending in a newline as `finish()` ends them. While they fit in `capacity` bytes
    /// they are written straight into the memory of the array returned, and not copied.
    static func bytes(capacity: Int, _ body: (inout JSONStream) -> Void) -> [UInt8] {
        var outgrown: [UInt8] = []
        let bytes = [UInt8](unsafeUninitializedCapacity: max(capacity, 16)) { memory, count in
            var w = JSONStream(ByteBuffer(lent: memory))
            body(&w)
            w.out.append(UInt8(ascii: "\n"))
            if let written = w.out.countInLentMemory { count = written } else { outgrown = w.out.bytes() }
        }
        return outgrown.isEmpty ? bytes : outgrown
    }

    // MARK: Containers

    /// Writes an object whose members `body` writes, in key order.
    @inline(__always) mutating func object(_ body: (inout JSONStream) -> Void) {
        #if DEBUG
            lastKeys.append("")
            defer { lastKeys.removeLast() }
        #endif
        open(UInt8(ascii: "{"))
        body(&self)
        close(UInt8(ascii: "}"))
    }

    /// Writes an array whose elements `body` writes, each after `element()`.
    @inline(__always) mutating func array(_ body: (inout JSONStream) -> Void) {
        open(UInt8(ascii: "["))
        body(&self)
        close(UInt8(ascii: "]"))
    }

    /// Writes an array with one element per item of `items`. The items are read in place, not copied.
    mutating func array<Element>(_ items: [Element], _ element: (inout JSONStream, Element) -> Void) {
        array { w in
            items.forEachInPlace { item in
                w.element()
                element(&w, item.pointee)
            }
        }
    }

    @inline(__always) private mutating func open(_ bracket: UInt8) {
        out.append(bracket)
        indent += 2
        empty = true
    }

    @inline(__always) private mutating func close(_ bracket: UInt8) {
        indent -= 2
        if empty {
            out.append(bracket)
        } else {
            out.append(newlineIndentedBy: indent, then: bracket)
        }
        // The container itself was a member or element of its parent, so the parent is not empty.
        empty = false
    }

    /// Starts the next array element; the value follows.
    @inline(__always) mutating func element() {
        out.append(separated: !empty, newlineIndentedBy: indent)
        empty = false
    }

    /// Starts the member `key` of the innermost object; the value follows. Inlined, so that the name's length
    /// is known where it is written.
    @inline(__always) mutating func key(_ key: StaticString) {
        #if DEBUG
            let previous = lastKeys[lastKeys.count - 1]
            assert(
                JSONStream.precedes(previous, key),
                "JSON keys must be written in byte-wise order: '\(previous)' before '\(key)'")
            lastKeys[lastKeys.count - 1] = key
        #endif
        out.append(separated: !empty, indent: indent, memberName: key)
        empty = false
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

    mutating func bool(_ value: Bool) {
        if value { out.append(ascii: "true") } else { out.append(ascii: "false") }
    }

    mutating func null() { out.append(ascii: "null") }

    /// A number as `JSON.number` holds it: without a fraction when it is whole.
    mutating func number(_ value: Double) { JSONWriter.writeDouble(value, into: &out) }

    /// A value built as a tree (user-written options, patched panels), indented to fit where it goes.
    mutating func value(_ value: JSON) { JSONWriter.write(value, indent: indent, into: &out) }

    /// An array of strings.
    mutating func strings(_ values: [String]) { array(values) { $0.string($1) } }

    // MARK: Members

    /// The member `key`, an object whose members `body` writes.
    @inline(__always) mutating func object(_ key: StaticString, _ body: (inout JSONStream) -> Void) {
        self.key(key)
        object(body)
    }

    /// The member `key`, an array whose elements `body` writes.
    @inline(__always) mutating func array(_ key: StaticString, _ body: (inout JSONStream) -> Void) {
        self.key(key)
        array(body)
    }

    /// The member `key`, an array with one element per item of `items`.
    @inline(__always) mutating func array<Element>(
        _ key: StaticString, _ items: [Element], _ element: (inout JSONStream, Element) -> Void
    ) {
        self.key(key)
        array(items, element)
    }

    @inline(__always) mutating func member(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        self.key(key)
        string(value)
    }

    @inline(__always) mutating func member(_ key: StaticString, _ value: Int?) {
        guard let value else { return }
        self.key(key)
        int(value)
    }

    @inline(__always) mutating func member(_ key: StaticString, _ value: Bool?) {
        guard let value else { return }
        self.key(key)
        bool(value)
    }

    /// A number member, written as `JSON.number` would hold it.
    @inline(__always) mutating func member(_ key: StaticString, _ value: Double?) {
        guard let value else { return }
        self.key(key)
        number(value)
    }

    @inline(__always) mutating func member(_ key: StaticString, json value: JSON?) {
        guard let value else { return }
        self.key(key)
        self.value(value)
    }

    /// A member whose value is an array of strings.
    @inline(__always) mutating func member(_ key: StaticString, strings values: [String]) {
        self.key(key)
        strings(values)
    }
}

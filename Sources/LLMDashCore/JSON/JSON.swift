#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A JSON value. Object members are kept sorted by key (byte-wise), so writing needs no sorting and
/// the same value always gives the same bytes.
public enum JSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSON])
    case object(JSONMembers)

    public subscript(key: String) -> JSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var arrayValue: [JSON]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var objectValue: [String: JSON]? {
        if case .object(let o) = self { return o.dictionary }
        return nil
    }

    public var numberValue: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }

    /// A number that is written as an integer when it has no fractional part.
    public static func number(_ value: Double) -> JSON {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return .int(Int(value)) }
        return .double(value)
    }
}

/// The members of a JSON object, unique and sorted by key.
public struct JSONMembers: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    public private(set) var keys: [String]
    public private(set) var values: [JSON]

    public init() {
        keys = []
        values = []
    }

    public init(_ dictionary: [String: JSON]) {
        self.init(unsorted: dictionary.map { ($0.key, $0.value) })
    }

    public init(dictionaryLiteral elements: (String, JSON)...) {
        self.init(unsorted: elements)
    }

    /// Sorts pairs by key; a later pair wins over an earlier one with the same key.
    public init(unsorted pairs: [(String, JSON)]) {
        // Objects are small: an insertion sort on byte-wise keys beats a general sort here. Each key's
        // first eight bytes, read once as a big-endian number, settle most comparisons without the strings.
        let n = pairs.count
        keys = []
        values = []
        keys.reserveCapacity(n)
        values.reserveCapacity(n)
        withUnsafeTemporaryAllocation(of: (prefix: UInt64, index: Int).self, capacity: max(n, 1)) { order in
            for i in 0..<n {
                let current = (prefix: JSONMembers.prefix(pairs[i].0), index: i)
                var j = i
                while j > 0 {
                    let previous = order[j - 1]
                    if previous.prefix != current.prefix {
                        if previous.prefix < current.prefix { break }
                    } else {
                        let c = JSONMembers.compare(pairs[previous.index].0, pairs[current.index].0)
                        if c < 0 || (c == 0 && previous.index < current.index) { break }
                    }
                    order[j] = previous
                    j -= 1
                }
                order[j] = current
            }
            for k in 0..<n {
                let i = order[k].index
                if k > 0, order[k - 1].prefix == order[k].prefix, keys[keys.count - 1] == pairs[i].0 {
                    values[values.count - 1] = pairs[i].1
                } else {
                    keys.append(pairs[i].0)
                    values.append(pairs[i].1)
                }
            }
        }
    }

    /// The first eight UTF-8 bytes of a key as a big-endian number, zero-padded: when two prefixes
    /// differ they order the keys as a byte-wise comparison would.
    static func prefix(_ key: String) -> UInt64 {
        var key = key
        return key.withUTF8 { bytes in
            var value: UInt64 = 0
            for i in 0..<8 {
                value <<= 8
                if i < bytes.count { value |= UInt64(bytes[i]) }
            }
            return value
        }
    }

    /// Byte-wise comparison of two strings' UTF-8: negative, zero or positive.
    static func compare(_ a: String, _ b: String) -> Int {
        var a = a
        var b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let n = min(x.count, y.count)
                if n > 0, let p = x.baseAddress, let q = y.baseAddress {
                    let c = memcmp(p, q, n)
                    if c != 0 { return Int(c) }
                }
                return x.count - y.count
            }
        }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    public subscript(key: String) -> JSON? {
        var lo = 0
        var hi = keys.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if keys[mid] == key { return values[mid] }
            if JSONMembers.compare(keys[mid], key) < 0 { lo = mid + 1 } else { hi = mid }
        }
        return nil
    }

    public var dictionary: [String: JSON] {
        Dictionary(uniqueKeysWithValues: zip(keys, values))
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByFloatLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSON)...) { self = .object(JSONMembers(unsorted: elements)) }
}

/// Builds a JSON object, leaving out members whose value is nil.
public struct JSONObject: Sendable {
    private var pairs: [(String, JSON)] = []

    public init() { pairs.reserveCapacity(16) }

    public subscript(key: String) -> JSON? {
        get { pairs.last { $0.0 == key }?.1 }
        set {
            if let newValue {
                pairs.append((key, newValue))
            } else {
                pairs.removeAll { $0.0 == key }
            }
        }
    }

    public mutating func set(_ key: String, _ value: String?) { if let value { pairs.append((key, .string(value))) } }
    public mutating func set(_ key: String, _ value: Int?) { if let value { pairs.append((key, .int(value))) } }
    public mutating func set(_ key: String, _ value: Double?) { if let value { pairs.append((key, .number(value))) } }
    public mutating func set(_ key: String, _ value: Bool?) { if let value { pairs.append((key, .bool(value))) } }
    public mutating func set(_ key: String, _ value: JSON?) { if let value { pairs.append((key, value)) } }

    public var json: JSON { .object(JSONMembers(unsorted: pairs)) }
}

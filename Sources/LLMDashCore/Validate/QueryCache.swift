import PromQL
import Synchronization

/// Remembers PromQL check results: dashboards repeat the same queries (across panels, templates and
/// copies), and the validator and the linter both need each one. Bounded, so memory stays flat.
enum QueryCache {
    /// What a query's check result depends on: its text, the variables it mentions and the parser options.
    struct Key: Hashable, Sendable {
        let query: String
        /// The dashboard's variables that the query refers to, sorted.
        let variables: [String]
        let options: ParserOptions
        /// The hash of the fields above, worked out once when the key is made rather than each time a cache
        /// looks it up (under its lock, which the build's threads share).
        private let hash: Int

        /// The key of `query`, which refers to `variables` (sorted, each once); `context` is
        /// `Key.context(variables, options)`, worked out once for all the queries that share both.
        init(_ query: String, variables: [String], context: Int, options: ParserOptions) {
            self.query = query
            self.variables = variables
            self.options = options
            hash = Int(truncatingIfNeeded: Self.hash(query) ^ UInt64(UInt(bitPattern: context)))
        }

        /// A quick hash of a query's bytes, eight at a time. The caches' dictionaries hash it again with their
        /// seeds; it only has to keep different queries apart, for which a multiply-and-rotate mix does.
        private static func hash(_ query: String) -> UInt64 {
            var query = query
            return query.withUTF8 { bytes in
                let multiplier: UInt64 = 0x517c_c1b7_2722_0a95
                var h = UInt64(bytes.count) &* multiplier
                guard let base = bytes.baseAddress else { return h }
                var i = 0
                while i + 8 <= bytes.count {
                    let word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
                    h = (h.rotated(5) ^ word) &* multiplier
                    i += 8
                }
                var tail: UInt64 = 0
                for j in i..<bytes.count { tail |= UInt64(bytes[j]) << (8 * (j - i)) }
                h = (h.rotated(5) ^ tail) &* multiplier
                // Spread the high bits, which the multiplications mixed best, over the low ones.
                return h ^ h >> 29
            }
        }

        /// The hash of what a key holds besides its query.
        static func context(_ variables: [String], _ options: ParserOptions) -> Int {
            var hasher = Hasher()
            hasher.combine(variables)
            hasher.combine(options)
            return hasher.finalize()
        }

        static func == (a: Key, b: Key) -> Bool {
            a.hash == b.hash && a.query == b.query && a.variables == b.variables && a.options == b.options
        }

        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    }

    /// A query's check result and the query lints' findings on it, shared by every use of the query.
    final class Entry: Sendable {
        let check: GrafanaCheckResult
        /// The query lints' findings for each use and lint setting seen (see `Linter.findings`).
        let findings = Mutex<[(LintFindingKey, [QueryFinding])]>([])

        init(_ key: Key) {
            // Only the variables the query mentions change its result.
            check = GrafanaQuery.check(key.query, variables: Set(key.variables), options: key.options)
        }
    }

    static let limit = 8192
    private static let entries = Mutex<[Key: Entry]>([:])

    /// The check result of the query a key names, and what else is known about it.
    static func entry(_ key: Key) -> Entry {
        if let hit = entries.withLock({ $0[key] }) { return hit }
        let entry = Entry(key)
        return entries.withLock { cache in
            if let other = cache[key] { return other }
            if cache.count < limit { cache[key] = entry }
            return entry
        }
    }

    /// The names in `variables` (other than `excluded`) that `query` refers to, sorted, each once.
    static func mentioned(in query: String, of variables: Set<String>, excluding excluded: String? = nil) -> [String] {
        guard !variables.isEmpty else { return [] }
        var found: [String] = []
        forEachReferencedName(query) { name in
            let name = String(decoding: name, as: UTF8.self)
            if name != excluded, variables.contains(name), !found.contains(name) { found.append(name) }
        }
        found.sort()
        return found
    }

    /// Calls `body` with the bytes of each identifier that follows `$`, `${` or `[[` in a query, in order: every
    /// variable reference starts so.
    static func forEachReferencedName(_ query: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var query = query
        query.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            var i = 0
            let n = bytes.count
            while i < n {
                // Most of a query is neither `$` nor `[`: pass over eight bytes at a time to the next one.
                if i + 8 <= n {
                    let starts = referenceStarts(
                        UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)))
                    if starts == 0 {
                        i += 8
                        continue
                    }
                    i += starts.trailingZeroBitCount >> 3
                }
                var start = -1
                if bytes[i] == UInt8(ascii: "$") {
                    start = i + 1 < n && bytes[i + 1] == UInt8(ascii: "{") ? i + 2 : i + 1
                } else if bytes[i] == UInt8(ascii: "["), i + 1 < n, bytes[i + 1] == UInt8(ascii: "[") {
                    start = i + 2
                }
                if start >= 0 {
                    var end = start
                    while end < n, isName(bytes[end]) { end += 1 }
                    if end > start { body(UnsafeBufferPointer(rebasing: bytes[start..<end])) }
                    i = max(end, i + 1)
                } else {
                    i += 1
                }
            }
        }
    }

    /// Whether a byte may be part of a variable name: `[0-9A-Za-z_]`, looked up in a 128-bit set.
    private static func isName(_ b: UInt8) -> Bool {
        b < 0x40
            ? (0x03FF_0000_0000_0000 as UInt64) >> b & 1 != 0
            : b < 0x80 && (0x07FF_FFFE_87FF_FFFE as UInt64) >> (b & 0x3F) & 1 != 0
    }

    /// The high bit of each byte of `word` that is `$` or `[`, and perhaps of bytes after one; the lowest
    /// set bit is exact, and none is set when no byte is either.
    private static func referenceStarts(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let dollars = word ^ (ones &* UInt64(UInt8(ascii: "$")))
        let brackets = word ^ (ones &* UInt64(UInt8(ascii: "[")))
        // `(x - 0x01…) & ~x & 0x80…` marks the zero bytes of `x` (and possibly bytes above one, after a borrow).
        return ((dollars &- ones) & ~dollars | (brackets &- ones) & ~brackets) & (ones &* 0x80)
    }
}

/// Makes the cache keys of a dashboard's queries. The names a query refers to are matched against the
/// dashboard's variables byte by byte, and each set of them is hashed once, not per query. Dashboards with the
/// same variables share one: a build's dashboards mostly do.
final class QueryKeys: Sendable {
    /// The dashboard's variable names, in order.
    private let names: [String]
    let options: ParserOptions
    /// The variables sorted, each once, when byte matching finds what `Set<String>` would: every name is ASCII
    /// (the references are), and there are few enough for a bit each in a `UInt64`.
    private let sorted: [String]?
    /// Otherwise, the variables as a set.
    private let variables: Set<String>
    /// The UTF-8 bytes of each name of `sorted`, one after another, and where each starts and ends.
    private let bytes: [UInt8]
    private let bounds: [Range<Int>]
    /// Each set of variables seen, as bits of `sorted`, with its names and context hash (a bounded number).
    private let known = Mutex<[(bits: UInt64, variables: [String], context: Int)]>([])

    private init(_ names: [String], options: ParserOptions) {
        self.names = names
        self.options = options
        var bytes: [UInt8] = []
        var bounds: [Range<Int>] = []
        if names.count <= 64, names.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } }) {
            var sorted: [String] = []
            for name in names.sorted() where sorted.last != name { sorted.append(name) }
            for name in sorted {
                let start = bytes.count
                bytes += name.utf8
                bounds.append(start..<bytes.count)
            }
            self.sorted = sorted
            variables = []
        } else {
            sorted = nil
            variables = Set(names)
        }
        self.bytes = bytes
        self.bounds = bounds
    }

    /// The keys of the queries of a dashboard whose variables are `variables`.
    static func of(_ variables: [VariableSpec], options: ParserOptions) -> QueryKeys {
        if let last = last.withLock({ $0 }), last.options == options,
            last.names.elementsEqual(variables.lazy.map(\.name))
        {
            return last
        }
        let keys = QueryKeys(variables.map(\.name), options: options)
        last.withLock { $0 = keys }
        return keys
    }

    /// The keys made for the dashboard before.
    private static let last = Mutex<QueryKeys?>(nil)

    /// The key of `query`; `excluded` is a variable it may not refer to (a variable's own query).
    func key(_ query: String, excluding excluded: String? = nil) -> QueryCache.Key {
        guard let sorted else {
            let mentioned = QueryCache.mentioned(in: query, of: variables, excluding: excluded)
            return QueryCache.Key(
                query, variables: mentioned, context: QueryCache.Key.context(mentioned, options), options: options)
        }
        var bits: UInt64 = 0
        if !sorted.isEmpty {
            bytes.withUnsafeBufferPointer { names in
                QueryCache.forEachReferencedName(query) { name in
                    for (i, range) in bounds.enumerated()
                    where range.count == name.count && names[range].elementsEqual(name) {
                        bits |= 1 << i
                        break
                    }
                }
            }
            if let excluded, let i = sorted.firstIndex(of: excluded) { bits &= ~(1 << i) }
        }
        let (variables, context) = self.variables(bits, of: sorted)
        return QueryCache.Key(query, variables: variables, context: context, options: options)
    }

    /// The variables whose bits are set in `bits`, sorted, and their context hash.
    private func variables(_ bits: UInt64, of sorted: [String]) -> ([String], Int) {
        if let seen = known.withLock({ $0.first { $0.bits == bits } }) { return (seen.variables, seen.context) }
        let variables = sorted.indices.filter { bits & (1 << $0) != 0 }.map { sorted[$0] }
        let context = QueryCache.Key.context(variables, options)
        known.withLock { known in
            if known.count < 256, !known.contains(where: { $0.bits == bits }) {
                known.append((bits, variables, context))
            }
        }
        return (variables, context)
    }
}

extension UInt64 {
    /// The bits rotated left by `count`.
    fileprivate func rotated(_ count: UInt64) -> UInt64 { self << count | self >> (64 - count) }
}

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

        /// The key of `query` on a dashboard whose variables are `variables`, less `excluded` (a variable's
        /// own query may not refer to itself).
        init(_ query: String, variables: Set<String>, excluding excluded: String? = nil, options: ParserOptions) {
            self.query = query
            self.variables = QueryCache.mentioned(in: query, of: variables, excluding: excluded)
            self.options = options
            var hasher = Hasher()
            hasher.combine(query)
            hasher.combine(self.variables)
            hasher.combine(options)
            hash = hasher.finalize()
        }

        static func == (a: Key, b: Key) -> Bool {
            a.hash == b.hash && a.query == b.query && a.variables == b.variables && a.options == b.options
        }

        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    }

    static let limit = 8192
    private static let entries = Mutex<[Key: GrafanaCheckResult]>([:])

    /// The check result of the query a key names.
    static func check(_ key: Key) -> GrafanaCheckResult {
        if let hit = entries.withLock({ $0[key] }) { return hit }
        // Only the variables the query mentions change its result.
        let result = GrafanaQuery.check(key.query, variables: Set(key.variables), options: key.options)
        entries.withLock { cache in
            if cache.count < limit { cache[key] = result }
        }
        return result
    }

    /// The names in `variables` (other than `excluded`) that `query` refers to, sorted, each once.
    static func mentioned(in query: String, of variables: Set<String>, excluding excluded: String? = nil) -> [String] {
        guard !variables.isEmpty else { return [] }
        var found: [String] = []
        forEachReferencedName(query) { name in
            if name != excluded, variables.contains(name), !found.contains(name) { found.append(name) }
        }
        found.sort()
        return found
    }

    /// Calls `body` with each identifier that follows `$`, `${` or `[[` in a query, in order: every variable
    /// reference starts so.
    private static func forEachReferencedName(_ query: String, _ body: (String) -> Void) {
        var query = query
        query.withUTF8 { bytes in
            var i = 0
            let n = bytes.count
            func isName(_ b: UInt8) -> Bool {
                (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
            }
            while i < n {
                var start = -1
                if bytes[i] == UInt8(ascii: "$") {
                    start = i + 1 < n && bytes[i + 1] == UInt8(ascii: "{") ? i + 2 : i + 1
                } else if bytes[i] == UInt8(ascii: "["), i + 1 < n, bytes[i + 1] == UInt8(ascii: "[") {
                    start = i + 2
                }
                if start >= 0 {
                    var end = start
                    while end < n, isName(bytes[end]) { end += 1 }
                    if end > start {
                        body(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
                    }
                    i = max(end, i + 1)
                } else {
                    i += 1
                }
            }
        }
    }
}

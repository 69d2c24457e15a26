import PromQL
import Synchronization

/// Remembers PromQL check results: dashboards repeat the same queries (across panels, templates and
/// copies), and the validator and the linter both need each one. Bounded, so memory stays flat.
enum QueryCache {
    private struct Key: Hashable {
        var query: String
        var variables: [String]
        var options: ParserOptions
    }

    private static let limit = 8192
    private static let entries = Mutex<[Key: GrafanaCheckResult]>([:])

    static func check(_ query: String, variables: Set<String>, options: ParserOptions) -> GrafanaCheckResult {
        // Only the variables the query mentions change its result.
        let named = Self.referencedNames(query)
        let mentioned = named.isEmpty ? [] : variables.filter { named.contains($0) }.sorted()
        let key = Key(query: query, variables: mentioned, options: options)
        if let hit = entries.withLock({ $0[key] }) { return hit }
        let result = GrafanaQuery.check(query, variables: Set(mentioned), options: options)
        entries.withLock { cache in
            if cache.count < limit { cache[key] = result }
        }
        return result
    }

    /// Identifiers that follow `$`, `${` or `[[` in a query: every variable reference starts so.
    static func referencedNames(_ query: String) -> Set<String> {
        var names = Set<String>()
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
                        names.insert(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
                    }
                    i = max(end, i + 1)
                } else {
                    i += 1
                }
            }
        }
        return names
    }
}

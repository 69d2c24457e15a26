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
        let mentioned = variables.filter { query.contains($0) }.sorted()
        let key = Key(query: query, variables: mentioned, options: options)
        if let hit = entries.withLock({ $0[key] }) { return hit }
        let result = GrafanaQuery.check(query, variables: Set(mentioned), options: options)
        entries.withLock { cache in
            if cache.count < limit { cache[key] = result }
        }
        return result
    }
}

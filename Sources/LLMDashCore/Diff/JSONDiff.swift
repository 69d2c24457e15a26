/// Helpers shared by the dashboard and rule diffs: noise removal, compact values, field comparison.
enum JSONDiff {
    /// A difference at a path inside two JSON values.
    struct Leaf {
        var path: [String]
        var old: JSON?
        var new: JSON?
    }

    /// Drops members whose value is null (Grafana writes `value: null` and leaves keys out interchangeably) and
    /// the keys in `noise`, at every level.
    static func clean(_ value: JSON, noise: Set<String> = []) -> JSON {
        switch value {
        case .object(let members):
            var pairs: [(String, JSON)] = []
            pairs.reserveCapacity(members.count)
            for (k, v) in zip(members.keys, members.values) where v != .null && !noise.contains(k) {
                pairs.append((k, clean(v, noise: noise)))
            }
            return .object(JSONMembers(unsorted: pairs))
        case .array(let items):
            return .array(items.map { clean($0, noise: noise) })
        default:
            return value
        }
    }

    /// The differences between two values: objects are compared member by member, anything else as a whole.
    ///
    /// A member whose value is null counts as absent (Grafana writes `value: null` and leaves keys out
    /// interchangeably), and the keys in `noise` are skipped at the top level, so the values need no cleaning.
    static func leaves(
        _ old: JSON?, _ new: JSON?, path: [String] = [], noise: Set<String> = [], into out: inout [Leaf]
    ) {
        if old == new { return }
        if case .object(let a)? = old, case .object(let b)? = new {
            var i = 0
            var j = 0
            while i < a.count || j < b.count {
                let c: Int
                if i == a.count {
                    c = 1
                } else if j == b.count {
                    c = -1
                } else {
                    c = JSONMembers.compare(a.keys[i], b.keys[j])
                }
                let key = c <= 0 ? a.keys[i] : b.keys[j]
                // (`JSON` is nil-literal convertible: spell out the optional's none.)
                let x: JSON? = c <= 0 && a.values[i] != .null ? a.values[i] : Optional.none
                let y: JSON? = c >= 0 && b.values[j] != .null ? b.values[j] : Optional.none
                if c <= 0 { i += 1 }
                if c >= 0 { j += 1 }
                if noise.contains(key) || (x == nil && y == nil) { continue }
                if key == "datasource" {
                    // A datasource on one side only is the dashboard default against an explicit one.
                    guard let x, let y, !sameDatasource(x, y) else { continue }
                }
                leaves(x, y, path: path + [key], into: &out)
            }
            return
        }
        // Lists of objects of the same length (axes, steps, links) are compared item by item.
        if case .array(let a)? = old, case .array(let b)? = new, a.count == b.count,
            a.allSatisfy({ if case .object = $0 { true } else { false } }),
            b.allSatisfy({ if case .object = $0 { true } else { false } })
        {
            for (i, (x, y)) in zip(a, b).enumerated() { leaves(x, y, path: path + ["[\(i)]"], into: &out) }
            return
        }
        out.append(Leaf(path: path, old: old, new: new))
    }

    /// A path for readers: `yaxes[0].min`, `legend.placement`.
    static func joinPath(_ path: some Collection<String>) -> String {
        var out = ""
        for part in path {
            if !out.isEmpty && !part.hasPrefix("[") { out += "." }
            out += part
        }
        return out
    }

    /// Whether two datasource references name the same source. A name on one side and a `{type, uid}` reference
    /// on the other cannot be told apart without the Grafana instance, so they count as the same; a missing
    /// datasource (the dashboard's default) is compared as absent, like any member.
    static func sameDatasource(_ a: JSON, _ b: JSON) -> Bool {
        let (x, y) = (datasourceKey(a), datasourceKey(b))
        if x == y { return true }
        if x.hasPrefix("name:") != y.hasPrefix("name:") { return true }
        return false
    }

    /// `$var` for a variable (however written), `uid:…` for a uid, `name:…` for a legacy name, `type:…` alone.
    static func datasourceKey(_ value: JSON) -> String {
        func variable(_ s: String) -> String? {
            if s.hasPrefix("${"), s.hasSuffix("}") {
                return "$" + String(s.dropFirst(2).dropLast()).split(separator: ":").first.map(String.init)!
            }
            if s.hasPrefix("$") { return s }
            if s.hasPrefix("[["), s.hasSuffix("]]") { return "$" + s.dropFirst(2).dropLast(2) }
            return nil
        }
        switch value {
        case .string(let s): return variable(s) ?? "name:" + s
        case .object(let o):
            if let uid = o["uid"]?.stringValue { return variable(uid) ?? "uid:" + uid }
            return "type:" + (o["type"]?.stringValue ?? "")
        default: return "other:" + String(decoding: JSONWriter.compact(value), as: UTF8.self)
        }
    }

    /// A value written for a reader: strings bare, others as compact JSON, long values shortened.
    static func show(_ value: JSON?) -> String? {
        guard let value else { return nil }
        let text: String
        switch value {
        case .string(let s): text = s.isEmpty ? "\"\"" : s
        default: text = String(decoding: JSONWriter.compact(value), as: UTF8.self)
        }
        return shorten(text)
    }

    static func shorten(_ text: String, limit: Int = 200) -> String {
        if text.count <= limit { return text }
        return String(text.prefix(limit - 1)) + "…"
    }

    /// Thresholds as `green, orange 1, red 2` (with the mode when it is not absolute).
    static func showThresholds(_ value: JSON?) -> String? {
        guard let value else { return nil }
        guard let steps = value["steps"]?.arrayValue else { return show(value) }
        var parts: [String] = []
        for step in steps {
            let color = step["color"]?.stringValue ?? "?"
            if let number = step["value"], number != .null {
                parts.append(color + " " + (show(number) ?? ""))
            } else {
                parts.append(color)
            }
        }
        var text = parts.joined(separator: ", ")
        if let mode = value["mode"]?.stringValue, mode != "absolute" { text += " (\(mode))" }
        return text
    }

    /// Which of the paired elements changed their relative order: those outside a longest increasing run.
    /// `newOrder` lists, in new order, each element's old index; returns the positions (in `newOrder`) moved.
    static func reordered(_ newOrder: [Int]) -> Set<Int> {
        let n = newOrder.count
        if n < 2 { return [] }
        // Patience sorting for the longest increasing subsequence, with back links.
        var tails: [Int] = []
        var previous = [Int](repeating: -1, count: n)
        for i in 0..<n {
            var lo = 0
            var hi = tails.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if newOrder[tails[mid]] < newOrder[i] { lo = mid + 1 } else { hi = mid }
            }
            if lo > 0 { previous[i] = tails[lo - 1] }
            if lo == tails.count { tails.append(i) } else { tails[lo] = i }
        }
        var keep: Set<Int> = []
        var k = tails.last ?? -1
        while k >= 0 {
            keep.insert(k)
            k = previous[k]
        }
        return Set(0..<n).subtracting(keep)
    }
}

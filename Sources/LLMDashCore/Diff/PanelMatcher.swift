/// Pairs the panels of two versions of a dashboard by identity, never by position, so that inserting a panel
/// leaves every other panel paired with itself.
///
/// In order: the same id and title; the same title under the same row; the same id (a retitled panel, or a
/// foreign dashboard's panel moved to another row); the same title alone; then the closest queries. Each pass
/// only pairs what is unambiguous among the panels still unpaired. Rows pair only with rows.
enum PanelMatcher {
    static func match(_ a: [DashboardDiff.Panel], _ b: [DashboardDiff.Panel]) -> [(Int, Int)] {
        var pairs: [(Int, Int)] = []
        var freeA = Array(a.indices)
        var freeB = Array(b.indices)

        func pass(_ key: (DashboardDiff.Panel) -> String?) {
            var countA: [String: Int] = [:]
            var countB: [String: Int] = [:]
            var indexA: [String: Int] = [:]
            for i in freeA {
                guard let k = key(a[i]) else { continue }
                countA[k, default: 0] += 1
                indexA[k] = i
            }
            for j in freeB {
                guard let k = key(b[j]) else { continue }
                countB[k, default: 0] += 1
            }
            var taken: Set<Int> = []
            var takenB: Set<Int> = []
            for j in freeB {
                guard let k = key(b[j]), countB[k] == 1, countA[k] == 1, let i = indexA[k] else { continue }
                pairs.append((i, j))
                taken.insert(i)
                takenB.insert(j)
            }
            freeA.removeAll { taken.contains($0) }
            freeB.removeAll { takenB.contains($0) }
        }

        func kind(_ p: DashboardDiff.Panel) -> String { p.isRow ? "row" : "panel" }
        pass { p in p.id.map { "\(kind(p))\u{0}\($0)\u{0}\(p.title)" } }
        pass { p in p.title.isEmpty ? nil : "\(kind(p))\u{0}\(p.row ?? "\u{1}")\u{0}\(p.title)" }
        pass { p in p.id.map { "\(kind(p))\u{0}\($0)" } }
        pass { p in p.title.isEmpty ? nil : "\(kind(p))\u{0}\(p.title)" }
        pairs.append(contentsOf: byQueries(a, b, freeA, freeB))
        return pairs
    }

    /// Greedy pairing of the remaining panels by how many canonical queries (else metric names) they share.
    private static func byQueries(
        _ a: [DashboardDiff.Panel], _ b: [DashboardDiff.Panel], _ freeA: [Int], _ freeB: [Int]
    ) -> [(Int, Int)] {
        guard !freeA.isEmpty, !freeB.isEmpty else { return [] }
        func signature(_ p: DashboardDiff.Panel) -> (queries: Set<String>, metrics: Set<String>) {
            var queries: Set<String> = []
            var metrics: Set<String> = []
            for t in p.targets {
                guard let e = t["expr"]?.stringValue else { continue }
                queries.insert(QueryDiff.canonical(e))
                metrics.formUnion(QueryDiff.metricNames(e))
            }
            return (queries, metrics)
        }
        let none: (queries: Set<String>, metrics: Set<String>) = ([], [])
        let sa = freeA.map { a[$0].isRow ? none : signature(a[$0]) }
        let sb = freeB.map { b[$0].isRow ? none : signature(b[$0]) }
        func jaccard(_ x: Set<String>, _ y: Set<String>) -> Double {
            if x.isEmpty || y.isEmpty { return 0 }
            return Double(x.intersection(y).count) / Double(x.union(y).count)
        }
        var candidates: [(score: Double, i: Int, j: Int)] = []
        for (p, i) in freeA.enumerated() {
            for (q, j) in freeB.enumerated() where a[i].isRow == b[j].isRow && !a[i].isRow {
                var score = max(jaccard(sa[p].queries, sb[q].queries), 0.9 * jaccard(sa[p].metrics, sb[q].metrics))
                if a[i].type == b[j].type { score += 0.05 }
                if score >= 0.5 { candidates.append((score, i, j)) }
            }
        }
        candidates.sort { ($0.score, -$0.j, -$0.i) > ($1.score, -$1.j, -$1.i) }
        var usedA: Set<Int> = []
        var usedB: Set<Int> = []
        var pairs: [(Int, Int)] = []
        for c in candidates where !usedA.contains(c.i) && !usedB.contains(c.j) {
            pairs.append((c.i, c.j))
            usedA.insert(c.i)
            usedB.insert(c.j)
        }
        return pairs
    }
}

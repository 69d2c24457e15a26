/// Compares two Prometheus rule files by group and rule name, expressions as PromQL.
public enum RuleFileDiff {
    /// The changes between two rule files as read by `RuleFileChecker` (rules with problems included).
    public static func compare(old: RuleFile, new: RuleFile) -> [DiffChange] {
        var changes: [DiffChange] = []
        let oldGroups = Dictionary(old.groups.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let newNames = Set(new.groups.map(\.name))
        let removedRules = old.groups.filter { !newNames.contains($0.name) }.flatMap { g in
            g.rules.map { (g.name, $0) }
        }
        var seen: Set<String> = []
        for group in new.groups where seen.insert(group.name).inserted {
            guard let before = oldGroups[group.name] else {
                changes.append(DiffChange(.added, .group, group.name, new: "\(group.rules.count) rules"))
                for rule in group.rules {
                    if let (from, _) = removedRules.first(where: { same($0.1, rule) }) {
                        changes.append(
                            DiffChange(
                                .moved, .rule, group.name + " / " + rule.name, field: "group", old: from,
                                new: group.name))
                    } else {
                        changes.append(DiffChange(.added, .rule, group.name + " / " + rule.name, new: describe(rule)))
                    }
                }
                continue
            }
            groupChanges(before, group, into: &changes)
        }
        var removedSeen: Set<String> = []
        for group in old.groups where !newNames.contains(group.name) && removedSeen.insert(group.name).inserted {
            changes.append(DiffChange(.removed, .group, group.name, old: "\(group.rules.count) rules"))
            for rule in group.rules {
                let movedAway = new.groups.contains { g in
                    oldGroups[g.name] == nil && g.rules.contains { same($0, rule) }
                }
                if !movedAway {
                    changes.append(DiffChange(.removed, .rule, group.name + " / " + rule.name, old: describe(rule)))
                }
            }
        }
        return changes
    }

    /// Reads two rule files' texts and compares them; a file YAML cannot read gives its diagnostics instead.
    public static func compare(old: SourceFile, new: SourceFile) -> (changes: [DiffChange], diagnostics: [Diagnostic]) {
        let a = read(old)
        let b = read(new)
        let diagnostics = a.diagnostics + b.diagnostics
        if diagnostics.hasErrors { return ([], diagnostics) }
        return (compare(old: a.file, new: b.file), diagnostics)
    }

    /// Reads a rule file, keeping only the errors that stop it being read (YAML syntax, not a mapping).
    static func read(_ source: SourceFile) -> (file: RuleFile, diagnostics: [Diagnostic]) {
        let result = RuleFileChecker.check(source, options: RuleCheckOptions(ignoreUnknownFields: true))
        let fatal = result.diagnostics.filter { $0.severity == .error && $0.id.hasPrefix("yaml.") }
        return (result.file, fatal)
    }

    private static func same(_ a: Rule, _ b: Rule) -> Bool {
        a.name == b.name && a.isAlert == b.isAlert
    }

    private static func describe(_ rule: Rule) -> String {
        JSONDiff.shorten((rule.isAlert ? "alert: " : "record: ") + QueryDiff.normalizeSpace(rule.expr))
    }

    private static func groupChanges(_ a: RuleGroup, _ b: RuleGroup, into changes: inout [DiffChange]) {
        let name = b.name
        func text(_ d: PrometheusDuration?) -> String? { d.map(\.description) }
        if a.interval != b.interval {
            changes.append(
                DiffChange(.edited, .group, name, field: "interval", old: text(a.interval), new: text(b.interval)))
        }
        if a.queryOffset != b.queryOffset {
            changes.append(
                DiffChange(
                    .edited, .group, name, field: "query_offset", old: text(a.queryOffset), new: text(b.queryOffset)))
        }
        if a.limit != b.limit {
            changes.append(
                DiffChange(
                    .edited, .group, name, field: "limit", old: a.limit.map(String.init), new: b.limit.map(String.init))
            )
        }
        labelChanges(a.labels, b.labels, prefix: "label", element: .group, name: name, into: &changes)

        // Rules pair by kind and name; the n-th rule of a name pairs with the n-th one.
        func keys(_ rules: [Rule]) -> [String] {
            var count: [String: Int] = [:]
            return rules.map { r in
                let k = (r.isAlert ? "alert\u{0}" : "record\u{0}") + r.name
                count[k, default: 0] += 1
                return k + "\u{0}\(count[k]!)"
            }
        }
        let oldKeys = keys(a.rules)
        let newKeys = keys(b.rules)
        var oldIndex: [String: Int] = [:]
        for (i, k) in oldKeys.enumerated() { oldIndex[k] = i }
        var matchedOld: [Int] = []
        for k in newKeys { if let i = oldIndex[k] { matchedOld.append(i) } }
        let moved = JSONDiff.reordered(matchedOld)
        var m = 0
        for (j, k) in newKeys.enumerated() {
            let s = b.rules[j]
            let ruleName = name + " / " + s.name
            guard let i = oldIndex[k] else {
                changes.append(DiffChange(.added, .rule, ruleName, new: describe(s)))
                continue
            }
            let r = a.rules[i]
            if moved.contains(m) {
                changes.append(DiffChange(.moved, .rule, ruleName, field: "position", old: "\(i + 1)", new: "\(j + 1)"))
            }
            m += 1
            if let d = QueryDiff.compare(r.expr, s.expr) {
                changes.append(
                    DiffChange(.edited, .rule, ruleName, field: "expr", old: d.old, new: d.new, details: d.details))
            }
            if r.for != s.for {
                changes.append(DiffChange(.edited, .rule, ruleName, field: "for", old: text(r.for), new: text(s.for)))
            }
            if r.keepFiringFor != s.keepFiringFor {
                changes.append(
                    DiffChange(
                        .edited, .rule, ruleName, field: "keep_firing_for", old: text(r.keepFiringFor),
                        new: text(s.keepFiringFor)))
            }
            labelChanges(r.labels, s.labels, prefix: "label", element: .rule, name: ruleName, into: &changes)
            labelChanges(
                r.annotations, s.annotations, prefix: "annotation", element: .rule, name: ruleName, into: &changes)
        }
        let newKeySet = Set(newKeys)
        for (i, k) in oldKeys.enumerated() where !newKeySet.contains(k) {
            let rule = a.rules[i]
            changes.append(DiffChange(.removed, .rule, name + " / " + rule.name, old: describe(rule)))
        }
    }

    private static func labelChanges(
        _ a: [RuleLabel], _ b: [RuleLabel], prefix: String, element: DiffChange.Element, name: String,
        into changes: inout [DiffChange]
    ) {
        var old: [String: String] = [:]
        for l in a { old[l.name] = l.value }
        var new: [String: String] = [:]
        for l in b { new[l.name] = l.value }
        for key in Set(old.keys).union(new.keys).sorted() where old[key] != new[key] {
            changes.append(DiffChange(.edited, element, name, field: "\(prefix) \(key)", old: old[key], new: new[key]))
        }
    }
}

import PromQL

/// How strictly to check a rule file, mirroring promtool's flags and Prometheus's feature switches.
public struct RuleCheckOptions: Sendable, Hashable {
    /// The PromQL parser's feature switches (`--enable-feature=promql-…`).
    public var parser: ParserOptions
    /// Which record, label and annotation names are valid.
    public var nameValidation: NameValidationScheme
    /// Accept keys that Prometheus does not know (promtool's `--ignore-unknown-fields`).
    public var ignoreUnknownFields: Bool
    /// Warn about rules with the same name and labels (promtool's default `--lint=duplicate-rules`).
    public var lintDuplicateRules: Bool
    /// Warn about recording rule names outside the `level:metric:operations` convention.
    public var lintRecordNames: Bool

    public init(
        parser: ParserOptions = .default, nameValidation: NameValidationScheme = .legacy,
        ignoreUnknownFields: Bool = false, lintDuplicateRules: Bool = true, lintRecordNames: Bool = false
    ) {
        self.lintRecordNames = lintRecordNames
        self.parser = parser
        self.nameValidation = nameValidation
        self.ignoreUnknownFields = ignoreUnknownFields
        self.lintDuplicateRules = lintDuplicateRules
    }
}

/// The outcome of checking one rule file.
public struct RuleCheckResult: Sendable {
    /// What could be read (groups and rules with problems included, so counts match promtool's).
    public var file: RuleFile
    /// Every finding, sorted by location.
    public var diagnostics: [Diagnostic]

    public init(file: RuleFile, diagnostics: [Diagnostic]) {
        self.file = file
        self.diagnostics = diagnostics
    }

    public var ruleCount: Int { file.ruleCount }
    public var isValid: Bool { !diagnostics.hasErrors }
    /// True when the file could not be read at all (a missing file, a folder).
    public var isIOError: Bool { diagnostics.contains { $0.id.hasPrefix("io.") } }
}

/// Checks Prometheus rule files the way `promtool check rules` does, but reports every problem at once,
/// each at its `file:line:column` (inside the expression for PromQL errors).
///
/// What Prometheus 3's `rulefmt` accepts: a mapping with `groups` only; a group has `name` (non-empty, unique in
/// the file), `interval`, `query_offset`, `limit`, `labels` and `rules`; a rule has exactly one of `record` and
/// `alert`, a valid `expr`, and `for`, `keep_firing_for` (alerts only), `labels`, `annotations` (alerts only).
/// Only the first YAML document is read.
public enum RuleFileChecker {
    /// Reads and checks the file at `path`; a file that cannot be read gives one `io.read` error.
    public static func check(path: String, displayName: String? = nil, options: RuleCheckOptions = .init())
        -> RuleCheckResult
    {
        let name = displayName ?? path
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.read(path)
        } catch {
            return RuleCheckResult(
                file: RuleFile(path: name),
                diagnostics: [.error("io.read", "cannot read \(name): \(error.message)", at: nil)])
        }
        return check(bytes: bytes, path: name, options: options)
    }

    /// Checks file contents given as bytes (which must be UTF-8 text).
    public static func check(bytes: [UInt8], path: String, options: RuleCheckOptions = .init()) -> RuleCheckResult {
        switch SourceFile.decode(path: path, bytes: bytes) {
        case .success(let source): return check(source, options: options)
        case .failure(let diagnostic): return RuleCheckResult(file: RuleFile(path: path), diagnostics: [diagnostic])
        }
    }

    /// Checks a file held in memory.
    public static func check(_ source: SourceFile, options: RuleCheckOptions = .init()) -> RuleCheckResult {
        let (documents, yamlDiagnostics) = YAMLDocuments.parse(source)
        var file = RuleFile(path: source.path)
        guard yamlDiagnostics.isEmpty else {
            return RuleCheckResult(file: file, diagnostics: yamlDiagnostics.sortedByLocation())
        }
        var reader = RuleReader(source: source, options: options)
        if let first = documents.first {
            file.groups = reader.readDocument(first)
            for extra in documents.dropFirst() {
                reader.ctx.warning(
                    "rules.extra-document", "only the first YAML document of a rule file is read; this one is ignored",
                    at: extra)
            }
        } else {
            reader.ctx.warning("rules.empty-file", "the file holds no rule groups", at: nil)
        }
        if options.lintDuplicateRules { reader.lintDuplicates(file.groups) }
        var diagnostics = reader.ctx.diagnostics + reader.found
        for i in diagnostics.indices where diagnostics[i].id.hasPrefix("spec.") {
            diagnostics[i].id = "rules." + diagnostics[i].id.dropFirst("spec.".count)
        }
        return RuleCheckResult(file: file, diagnostics: diagnostics.sortedByLocation())
    }
}

/// Walks one rule file's YAML, building the model and collecting findings.
struct RuleReader {
    static let fileKeys = ["groups"]
    static let groupKeys = ["name", "interval", "query_offset", "limit", "rules", "labels"]
    static let ruleKeys = ["record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations"]

    let source: SourceFile
    let options: RuleCheckOptions
    let ctx: ReadContext
    /// Findings located inside scalars (expressions, templates), which `ReadContext` cannot place.
    var found: [Diagnostic] = []
    /// Where each rule's name was written, parallel to the groups' rules, for duplicate warnings.
    var nameNodes: [[YAMLNode?]] = []

    init(source: SourceFile, options: RuleCheckOptions) {
        self.source = source
        self.options = options
        self.ctx = ReadContext(file: source)
    }

    mutating func readDocument(_ node: YAMLNode) -> [RuleGroup] {
        if ctx.isNullNode(node) { return [] }
        guard let top = MappingReader(node, ctx, what: "a rule file") else { return [] }
        if !options.ignoreUnknownFields { top.allow(Self.fileKeys) }
        guard let items = top.list("groups") else { return [] }
        var groups: [RuleGroup] = []
        groups.reserveCapacity(items.count)
        var seen: [String: YAMLNode] = [:]
        for item in items where ctx.spend(item) {
            groups.append(readGroup(item, seen: &seen))
        }
        return groups
    }

    mutating func readGroup(_ node: YAMLNode, seen: inout [String: YAMLNode]) -> RuleGroup {
        var group = RuleGroup(name: "", location: ctx.location(node))
        guard let map = MappingReader(node, ctx, what: "a group") else {
            nameNodes.append([])
            return group
        }
        if !options.ignoreUnknownFields { map.allow(Self.groupKeys) }
        group.name = map.string("name") ?? ""
        let nameNode = map.value("name") ?? map.keyNode("name") ?? node
        if group.name.isEmpty, map.value("name").map({ if case .scalar = $0 { true } else { false } }) ?? true {
            ctx.error("rules.group-name", "group name must not be empty", at: nameNode)
        } else if let first = seen[group.name] {
            ctx.error(
                "rules.duplicate-group", "groupname: \(goQuoted(group.name)) is repeated in the same file",
                at: nameNode, notes: ["first used at \(ctx.location(first))"])
        } else {
            seen[group.name] = nameNode
        }
        group.interval = duration(map, "interval")
        group.queryOffset = duration(map, "query_offset")
        group.limit = map.int("limit")
        if let labels = map.value("labels") {
            group.labels = readLabels(labels, kind: .label).map(\.label)
        }
        var names: [YAMLNode?] = []
        if let items = map.list("rules") {
            group.rules.reserveCapacity(items.count)
            names.reserveCapacity(items.count)
            for item in items where ctx.spend(item) {
                let (rule, nameNode) = readRule(item)
                group.rules.append(rule)
                names.append(nameNode)
            }
        }
        nameNodes.append(names)
        return group
    }

    /// Reads one rule; also returns the node of its `record` or `alert` value.
    mutating func readRule(_ node: YAMLNode) -> (Rule, YAMLNode?) {
        var rule = Rule(expr: "", location: ctx.location(node))
        guard let map = MappingReader(node, ctx, what: "a rule") else { return (rule, nil) }
        if !options.ignoreUnknownFields { map.allow(Self.ruleKeys) }
        rule.record = map.string("record").flatMap { $0.isEmpty ? nil : $0 }
        rule.alert = map.string("alert").flatMap { $0.isEmpty ? nil : $0 }
        let recordNode = map.value("record")
        let alertNode = map.value("alert")
        if rule.record != nil, rule.alert != nil {
            ctx.error(
                "rules.record-and-alert", "only one of 'record' and 'alert' must be set", at: recordNode,
                notes: ["'alert' is set at \(ctx.location(alertNode!))"])
        } else if rule.record == nil, rule.alert == nil, recordNode.map(isScalar) ?? true,
            alertNode.map(isScalar) ?? true
        {
            ctx.error("rules.no-record-or-alert", "one of 'record' or 'alert' must be set", at: node)
        }

        // The expression.
        if let exprNode = map.value("expr") {
            if let text = ctx.string(exprNode, what: "'expr'") {
                rule.expr = text
                if text.isEmpty {
                    ctx.error("rules.missing-expr", "field 'expr' must be set in rule", at: exprNode)
                } else {
                    checkExpression(text, node: exprNode)
                }
            }
        } else {
            ctx.error("rules.missing-expr", "field 'expr' must be set in rule", at: map.keyNode("expr") ?? node)
        }

        rule.for = duration(map, "for")
        rule.keepFiringFor = duration(map, "keep_firing_for")
        let labels = map.value("labels").map { readLabels($0, kind: .label) } ?? []
        let annotations = map.value("annotations").map { readLabels($0, kind: .annotation) } ?? []
        rule.labels = labels.map(\.label)
        rule.annotations = annotations.map(\.label)

        if let record = rule.record, rule.alert == nil {
            checkRecordName(record, node: recordNode!)
            if !annotations.isEmpty {
                ctx.error(
                    "rules.recording-field", "invalid field 'annotations' in recording rule",
                    at: map.keyNode("annotations"))
            }
            for (key, value) in [("for", rule.for), ("keep_firing_for", rule.keepFiringFor)]
            where (value?.milliseconds ?? 0) != 0 {
                ctx.error("rules.recording-field", "invalid field '\(key)' in recording rule", at: map.keyNode(key))
            }
        }
        if let alert = rule.alert {
            for entry in labels { checkTemplate(entry, kind: .label, alert: alert) }
            for entry in annotations { checkTemplate(entry, kind: .annotation, alert: alert) }
        }
        return (rule, rule.alert != nil ? alertNode : recordNode)
    }

    func isScalar(_ node: YAMLNode) -> Bool {
        if case .scalar = node { return true }
        return false
    }

    // MARK: Expressions

    /// Parses and type-checks an expression, placing each finding inside the YAML scalar.
    mutating func checkExpression(_ text: String, node: YAMLNode) {
        let result = PromQL.parse(text, options: options.parser)
        guard !result.diagnostics.isEmpty, case .scalar(let scalar) = node else { return }
        let positions = ScalarPositions(
            value: scalar.value, source: scalar.style, start: scalar.offset, in: source.utf8)
        for d in result.diagnostics {
            let location = source.location(ofByte: positions.fileOffset(d.range.lowerBound))
            found.append(
                Diagnostic(
                    Diagnostic.Severity(rawValue: d.severity.rawValue) ?? .error, id: d.id.rawValue, d.message,
                    at: location))
        }
    }

    // MARK: Names

    mutating func checkRecordName(_ name: String, node: YAMLNode) {
        let valid = options.nameValidation.isValidMetricName(name)
        if valid, options.lintRecordNames, !RecordNaming.isConventional(name) {
            ctx.warning(
                "rules.record-naming", "recording rule name \"\(name)\" is not level:metric:operations", at: node,
                notes: [
                    "name records for the labels they keep, the metric, and the operations applied, "
                        + "e.g. instance_path:requests:rate5m"
                ])
        }
        if valid, options.nameValidation == .legacy { return }  // the common case: legacy names hold no braces
        if name.utf8.contains(where: { $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "}") }) {
            ctx.error(
                "rules.record-name",
                "braces present in the recording rule name; should it be in expr?: \(name)", at: node)
        } else if !valid {
            ctx.error(
                "rules.record-name", "invalid recording rule name: \(name)", at: node,
                notes: schemeNote(
                    valid: NameValidationScheme.utf8.isValidMetricName(name), pattern: "[a-zA-Z_:][a-zA-Z0-9_:]*"))
        }
    }

    func schemeNote(valid inUTF8: Bool, pattern: String) -> [String] {
        guard options.nameValidation == .legacy else { return [] }
        var notes = ["legacy names match \(pattern)"]
        if inUTF8 { notes.append("Prometheus 3 accepts it (check with --name-validation-scheme=utf8)") }
        return notes
    }

    enum LabelKind {
        case label, annotation
        var word: String { self == .label ? "label" : "annotation" }
    }

    struct LabelEntry {
        var label: RuleLabel
        var keyNode: YAMLNode
        var valueNode: YAMLNode
    }

    /// A map of names to strings; names are checked, values may be any scalar (Go reads `5` as "5").
    mutating func readLabels(_ node: YAMLNode, kind: LabelKind) -> [LabelEntry] {
        guard let map = MappingReader(node, ctx, what: kind == .label ? "'labels'" : "'annotations'") else { return [] }
        var out: [LabelEntry] = []
        out.reserveCapacity(map.entries.count)
        for entry in map.entries {
            let value: String
            switch entry.value {
            case .scalar(let s): value = ReadContext.isNull(s) ? "" : s.value
            default:
                ctx.error(
                    "rules.type",
                    "\(kind.word) '\(entry.key)' must be a string, found \(ReadContext.kindName(entry.value))",
                    at: entry.value)
                continue
            }
            let name = entry.key
            if !options.nameValidation.isValidLabelName(name) || (kind == .label && name == "__name__") {
                var notes: [String] = []
                if name == "__name__", kind == .label {
                    notes.append("a rule's labels cannot change the metric name")
                } else {
                    notes = schemeNote(
                        valid: NameValidationScheme.utf8.isValidLabelName(name), pattern: "[a-zA-Z_][a-zA-Z0-9_]*")
                }
                ctx.error(
                    "rules.\(kind.word)-name", "invalid \(kind.word) name: \(name)", at: entry.keyNode, notes: notes)
            }
            out.append(
                LabelEntry(label: RuleLabel(name: name, value: value), keyNode: entry.keyNode, valueNode: entry.value))
        }
        return out
    }

    /// Alerting rules expand their labels and annotations as Go templates: check that they parse.
    mutating func checkTemplate(_ entry: LabelEntry, kind: LabelKind, alert: String) {
        guard let problem = GoTemplateSyntax.check(entry.label.value), case .scalar(let scalar) = entry.valueNode else {
            return
        }
        let positions = ScalarPositions(
            value: scalar.value, source: scalar.style, start: scalar.offset, in: source.utf8)
        found.append(
            .error(
                "rules.template", "\(kind.word) \(goQuoted(entry.label.name)): template: \(problem.message)",
                at: source.location(ofByte: positions.fileOffset(problem.offset))))
    }

    // MARK: Durations

    func duration(_ map: MappingReader, _ key: String) -> PrometheusDuration? {
        guard let node = map.value(key), let text = ctx.string(node, what: "'\(key)'") else { return nil }
        switch PrometheusDuration.parse(text) {
        case .success(let d): return d
        case .failure(let error):
            var notes: [String] = []
            if !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                notes.append("a duration needs a unit: \(text)s, \(text)m, \(text)h, \(text)d")
            } else {
                notes.append("units: y, w, d, h, m, s, ms, largest first (1h30m)")
            }
            ctx.error("rules.duration", "invalid '\(key)': \(error)", at: node, notes: notes)
            return nil
        }
    }

    // MARK: Duplicates

    /// Rules with the same name and labels (group labels included) anywhere in the file, as promtool's
    /// `--lint=duplicate-rules` finds them: they would write the same series, or raise the same alerts.
    mutating func lintDuplicates(_ groups: [RuleGroup]) {
        var first: [String: (group: Int, rule: Int)] = [:]
        first.reserveCapacity(groups.reduce(0) { $0 + $1.rules.count })
        for (g, group) in groups.enumerated() {
            for (r, rule) in group.rules.enumerated() where !rule.name.isEmpty {
                guard g < nameNodes.count, r < nameNodes[g].count, let node = nameNodes[g][r] else { continue }
                let key = Self.identity(rule, groupLabels: group.labels)
                if let earlier = first[key], let earlierNode = nameNodes[earlier.group][earlier.rule] {
                    let at = ctx.location(earlierNode)
                    ctx.warning(
                        "rules.duplicate-rule",
                        "duplicate rule \(goQuoted(rule.name)): same name and labels as the rule at \(at.line):\(at.column)",
                        at: node, notes: [rule.isAlert ? "both raise the same alerts" : "both write the same series"])
                } else {
                    first[key] = (g, r)
                }
            }
        }
    }

    /// The rule's name and its label set (group labels overridden by rule labels), sorted, as one string.
    static func identity(_ rule: Rule, groupLabels: [RuleLabel]) -> String {
        var labels = rule.labels
        if !groupLabels.isEmpty {
            for label in groupLabels where !labels.contains(where: { $0.name == label.name }) { labels.append(label) }
        }
        // A later repeat of a name (possible only through merge keys) never reaches here: the reader keeps one.
        if labels.count > 1 { labels.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) } }
        var key = rule.name
        for label in labels {
            key += "\u{0}"
            key += label.name
            key += "\u{1}"
            key += label.value
        }
        return key
    }
}

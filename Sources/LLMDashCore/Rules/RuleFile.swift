/// A Prometheus rule file (`model/rulefmt`): groups of recording and alerting rules, as read from YAML, with
/// the location of each part for messages.
public struct RuleFile: Sendable, Hashable {
    public var path: String
    public var groups: [RuleGroup]

    public init(path: String, groups: [RuleGroup] = []) {
        self.path = path
        self.groups = groups
    }

    /// The number of entries under every group's `rules`, as promtool counts them.
    public var ruleCount: Int { groups.reduce(0) { $0 + $1.rules.count } }
}

/// A name and value of a label or an annotation, in the order written.
public struct RuleLabel: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A group of rules evaluated together, in order.
public struct RuleGroup: Sendable, Hashable {
    public var name: String
    public var interval: PrometheusDuration?
    public var queryOffset: PrometheusDuration?
    public var limit: Int?
    /// Labels added to every rule of the group (Prometheus 3).
    public var labels: [RuleLabel]
    public var rules: [Rule]
    /// Where the group's mapping starts.
    public var location: SourceLocation?

    public init(
        name: String, interval: PrometheusDuration? = nil, queryOffset: PrometheusDuration? = nil, limit: Int? = nil,
        labels: [RuleLabel] = [], rules: [Rule] = [], location: SourceLocation? = nil
    ) {
        self.name = name
        self.interval = interval
        self.queryOffset = queryOffset
        self.limit = limit
        self.labels = labels
        self.rules = rules
        self.location = location
    }
}

/// A recording rule (`record`) or an alerting rule (`alert`). A rule read from a broken file may have
/// both or neither; the checker reports that.
public struct Rule: Sendable, Hashable {
    public var record: String?
    public var alert: String?
    public var expr: String
    public var `for`: PrometheusDuration?
    public var keepFiringFor: PrometheusDuration?
    public var labels: [RuleLabel]
    public var annotations: [RuleLabel]
    /// Where the rule's mapping starts.
    public var location: SourceLocation?

    public init(
        record: String? = nil, alert: String? = nil, expr: String, for: PrometheusDuration? = nil,
        keepFiringFor: PrometheusDuration? = nil, labels: [RuleLabel] = [], annotations: [RuleLabel] = [],
        location: SourceLocation? = nil
    ) {
        self.record = record
        self.alert = alert
        self.expr = expr
        self.for = `for`
        self.keepFiringFor = keepFiringFor
        self.labels = labels
        self.annotations = annotations
        self.location = location
    }

    /// The alert name, else the record name (what promtool prints and compares for duplicates).
    public var name: String { alert ?? record ?? "" }
    public var isAlert: Bool { alert != nil }
}

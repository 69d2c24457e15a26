import PromQL

/// What can be said for sure about the labels of a query's result series: either "at most these labels"
/// (after `sum by (…)`), or "any labels, but surely not these" (after `without (…)` or
/// `histogram_quantile`). The analysis errs towards "may have": a lint built on it only fires when a label
/// certainly cannot be there.
struct LabelBound: Hashable, Sendable {
    /// At most these labels, or nil when any label may be present.
    var allowed: Set<String>?
    /// Labels that are certainly absent, with the byte range of the expression that removed each.
    var removed: [String: Range<Int>]
    /// For a closed set: the byte range of the expression that closed it.
    var closedAt: Range<Int>?

    /// Nothing is known: any label may be present.
    static let unknown = LabelBound(allowed: nil, removed: [:], closedAt: nil)

    /// At most `labels`, closed by the expression at `range`.
    static func only(_ labels: some Sequence<String>, at range: Range<Int>) -> LabelBound {
        LabelBound(allowed: Set(labels), removed: [:], closedAt: range)
    }

    /// The byte range of the expression that makes `label` certainly absent, or nil when it may be present.
    func absence(of label: String) -> Range<Int>? {
        if let range = removed[label] { return range }
        if let allowed, !allowed.contains(label) { return closedAt }
        return nil
    }

    /// The labels that may be present, when the set is closed, sorted.
    var possible: [String]? { allowed.map { $0.sorted() } }

    func removing(_ labels: some Sequence<String>, at range: Range<Int>) -> LabelBound {
        var out = self
        for label in labels {
            if out.allowed != nil {
                out.allowed!.remove(label)
                if out.removed[label] == nil, self.allowed!.contains(label) { out.removed[label] = range }
            } else if out.removed[label] == nil {
                out.removed[label] = range
            }
        }
        return out
    }

    func adding(_ labels: some Sequence<String>) -> LabelBound {
        var out = self
        for label in labels {
            out.allowed?.insert(label)
            out.removed[label] = nil
        }
        return out
    }

    /// Both bounds hold (e.g. one-to-one matching: the result's labels are on both sides).
    func intersecting(_ other: LabelBound) -> LabelBound {
        var out = self
        for (label, range) in other.removed where out.removed[label] == nil {
            out.removed[label] = range
        }
        switch (allowed, other.allowed) {
        case (nil, nil): break
        case (nil, let b?):
            out.allowed = b.subtracting(out.removed.keys)
            out.closedAt = other.closedAt
        case (let a?, nil):
            out.allowed = a.subtracting(out.removed.keys)
        case (let a?, let b?):
            out.allowed = a.intersection(b)
        }
        return out
    }

    /// Either bound may hold (e.g. `a or b`).
    func union(_ other: LabelBound) -> LabelBound {
        var removed: [String: Range<Int>] = [:]
        for label in Set(self.removed.keys).union(other.removed.keys) {
            // Certainly absent only when absent on both sides.
            if let here = absence(of: label), other.absence(of: label) != nil { removed[label] = here }
        }
        guard let a = allowed, let b = other.allowed else {
            return LabelBound(allowed: nil, removed: removed, closedAt: nil)
        }
        return LabelBound(allowed: a.union(b), removed: [:], closedAt: closedAt ?? other.closedAt)
    }
}

/// Works out the label bound of a query's result, bottom up.
struct LabelAnalysis {
    /// The checked query: its substitutions tell which names in the tree came from Grafana variables.
    let check: GrafanaCheckResult

    /// Whether any variable stands in for a name inside `range` (`by ($group)`, `on ($label)`).
    private func hasVariableName(in range: Range<Int>) -> Bool {
        check.substitutions(in: range).contains { $0.role == .identifier || $0.role == .text }
    }

    func bound(of expr: Expr) -> LabelBound {
        switch expr {
        case .number(let n):
            return .only([], at: n.sourceRange)
        case .string(let s):
            return .only([], at: s.sourceRange)
        case .vectorSelector, .matrixSelector:
            return .unknown
        case .subquery(let s):
            return bound(of: s.expr)
        case .paren(let p):
            return bound(of: p.expr)
        case .unary(let u):
            return bound(of: u.expr)
        case .call(let c):
            return bound(of: c)
        case .aggregation(let a):
            return bound(of: a)
        case .binary(let b):
            return bound(of: b)
        }
    }

    private func bound(of call: FunctionCall) -> LabelBound {
        guard let signature = call.function else { return .unknown }
        if signature.returnType == .scalar { return .only([], at: call.sourceRange) }
        switch call.name {
        case "vector":
            return .only([], at: call.sourceRange)
        case "histogram_quantile":
            guard call.args.count == 2 else { return .unknown }
            return bound(of: call.args[1]).removing(["le"], at: call.nameRange)
        case "label_replace", "label_join":
            guard call.args.count >= 2, case .string(let destination) = call.args[1],
                !hasVariableName(in: destination.sourceRange)
            else { return .unknown }
            return bound(of: call.args[0]).adding([destination.value])
        case "absent", "absent_over_time", "info", "histogram_quantiles":
            // Labels taken from the selector's matchers, or added from elsewhere.
            return .unknown
        default:
            // Every other function keeps the labels of its vector argument (dropping the metric name).
            guard
                let input = call.args.first(where: { $0.staticType == .instantVector || $0.staticType == .rangeVector })
            else { return .unknown }
            return bound(of: input)
        }
    }

    private func bound(of aggregation: Aggregation) -> LabelBound {
        let input = bound(of: aggregation.expr)
        switch aggregation.op {
        case .topk, .bottomk, .limitk, .limitRatio:
            // These pick series; the grouping only decides among which.
            return input
        default:
            break
        }
        if let grouping = aggregation.grouping, hasVariableName(in: grouping.sourceRange) { return .unknown }
        var extra: [String] = []
        if aggregation.op == .countValues {
            guard case .string(let label)? = aggregation.param, !hasVariableName(in: label.sourceRange) else {
                return .unknown
            }
            extra = [label.value]
        }
        let range = aggregation.sourceRange
        if aggregation.isWithout {
            return input.removing(aggregation.groupingLabels + ["__name__"], at: range).adding(extra)
        }
        return input.intersecting(.only(aggregation.groupingLabels, at: range)).adding(extra)
    }

    private func bound(of binary: BinaryExpr) -> LabelBound {
        let lhsScalar = binary.lhs.staticType == .scalar
        let rhsScalar = binary.rhs.staticType == .scalar
        if lhsScalar && rhsScalar { return .only([], at: binary.sourceRange) }
        if rhsScalar { return bound(of: binary.lhs) }
        if lhsScalar { return bound(of: binary.rhs) }
        if hasVariableName(in: binary.operatorRange) { return .unknown }
        let lhs = bound(of: binary.lhs)
        let rhs = bound(of: binary.rhs)
        switch binary.op {
        case .and, .unless:
            return lhs
        case .or:
            return lhs.union(rhs)
        default:
            break
        }
        let matching = binary.matching
        switch matching.group {
        case .left(let include):
            return lhs.adding(include)
        case .right(let include):
            return rhs.adding(include)
        case nil:
            break
        }
        // One-to-one: the result has the left side's labels, which match the right side's exactly (less any
        // `ignoring` labels). Prometheus versions differ on whether `on (…)` also drops the other labels, so
        // the bound stays the wider one.
        switch matching.clause {
        case .ignoring(let labels)?:
            return lhs.removing(labels, at: binary.operatorRange)
        case .on?:
            return lhs
        case nil:
            return lhs.intersecting(rhs)
        }
    }
}

extension LabelAnalysis {
    /// The label bound of a Grafana query's result, or nil when the query does not parse.
    static func bound(ofQuery query: String, variables: Set<String>) -> LabelBound? {
        let check = GrafanaQuery.check(query, variables: variables)
        guard let expr = check.expr else { return nil }
        return LabelAnalysis(check: check).bound(of: expr)
    }
}

import PromQL
import Synchronization

/// Lints a dashboard: what Prometheus and Grafana accept but a careful engineer would not. Every finding is
/// a warning (`check --strict` makes warnings errors) pointing at the user's text. Queries that do not
/// parse are left to ``QueryValidator``.
public enum Linter {
    /// Every lint, in the order they are documented.
    public static let rules: [LintRule] =
        queryLints.map { $0.rule } + [UnknownUnitLint.rule, ThresholdsOrderLint.rule, OverlapLint.rule]

    static var queryLints: [any QueryLint.Type] {
        [
            UnknownMetricLint.self, RemovedMetricLint.self, RateOnGaugeLint.self, CounterWithoutRateLint.self,
            QuantileWithoutLeLint.self, LegendLabelLint.self, RateWindowLint.self,
        ]
    }

    public static func lint(
        _ spec: DashboardSpec, resolved: ResolvedDashboard, file: SourceFile?, options: BuildOptions
    ) -> [Diagnostic] {
        let context = LintContext(spec: spec, options: options)
        var diagnostics: [Diagnostic] = []
        let variables = Set(spec.variables.map(\.name))
        // Panels and queries are read in place (see `forEachInPlace`): only what the lints read is copied.
        func lintPanel(_ panel: UnsafePointer<PanelSpec>) {
            let location = panel.pointee.location
            panel.pointee.queries.forEachInPlace { query in
                diagnostics += lint(
                    query.pointee.expr, use: .panel(legend: query.pointee.legend, format: query.pointee.format),
                    source: query.pointee.exprSource, fallback: query.pointee.location ?? location, file: file,
                    variables: variables, context: context)
            }
            diagnostics += UnknownUnitLint.check(
                panel.pointee.field, overrides: panel.pointee.overrides, yAxisUnit: panel.pointee.options.yAxisUnit,
                at: location)
            diagnostics += ThresholdsOrderLint.check(panel.pointee.field, at: location)
        }
        spec.panels.forEachInPlace(lintPanel)
        for row in spec.rows { row.panels.forEachInPlace(lintPanel) }
        for annotation in spec.annotations {
            diagnostics += lint(
                annotation.expr, use: .annotation, source: annotation.exprSource, fallback: annotation.location,
                file: file, variables: variables, context: context)
        }
        for variable in spec.variables where variable.kind == .query {
            guard let (inner, start) = VariableQuery.promQL(in: variable.query) else { continue }
            diagnostics += lint(
                inner, use: .variable, source: variable.querySource, fallback: variable.location, file: file,
                variables: variables, excluding: variable.name, context: context, valueOffset: start,
                container: variable.query)
        }
        diagnostics += OverlapLint.check(resolved)
        return diagnostics
    }

    /// Runs the query lints on one query; `valueOffset` is where it starts inside the YAML value `container`.
    /// `excluded` is a variable the query may not refer to (a variable's own query).
    static func lint(
        _ text: String, use: LintedQuery.Use, source: ScalarSource?, fallback: SourceLocation?, file: SourceFile?,
        variables: Set<String>, excluding excluded: String? = nil, context: LintContext, valueOffset: Int = 0,
        container: String? = nil
    ) -> [Diagnostic] {
        let key = QueryCache.Key(text, variables: variables, excluding: excluded, options: context.options.promql)
        let findings = FindingCache.findings(key, use: use, context: context)
        guard !findings.isEmpty else { return [] }
        let locator = QueryLocator(
            text, source: source, fallback: fallback, file: file, valueOffset: valueOffset, container: container)
        return findings.map { locator.diagnostic(.warning, id: $0.id, $0.message, at: $0.range, notes: $0.notes) }
    }

    /// The query lints' findings on one query, by byte range of its text.
    static func findings(_ key: QueryCache.Key, use: LintedQuery.Use, context: LintContext) -> [QueryFinding] {
        let check = QueryCache.check(key)
        guard check.isValid, let expr = check.expr else { return [] }
        let query = LintedQuery(text: key.query, check: check, expr: expr, use: use)
        var findings: [QueryFinding] = []
        for lint in queryLints { findings += lint.check(query, context) }
        return findings
    }
}

/// Remembers the query lints' findings: a fleet of dashboards built from one panel library lints the same
/// queries over and over. A finding is located by byte range in the query text, so it holds wherever the
/// query appears; each use maps it to its own file, line and column. Bounded, so memory stays flat.
enum FindingCache {
    /// Everything the findings depend on: the query's check key, its use, and the parts of the lint
    /// context the query lints read.
    private struct Key: Hashable {
        var query: QueryCache.Key
        var use: LintedQuery.Use
        var backend: Backend?
        var scrapeInterval: String
    }

    private static let entries = Mutex<[Key: [QueryFinding]]>([:])

    static func findings(_ query: QueryCache.Key, use: LintedQuery.Use, context: LintContext) -> [QueryFinding] {
        let key = Key(query: query, use: use, backend: context.backend, scrapeInterval: context.options.scrapeInterval)
        if let hit = entries.withLock({ $0[key] }) { return hit }
        let result = Linter.findings(query, use: use, context: context)
        entries.withLock { cache in
            if cache.count < QueryCache.limit { cache[key] = result }
        }
        return result
    }
}

/// What the lints of one dashboard share.
struct LintContext: Sendable {
    var backend: Backend?
    var options: BuildOptions
    /// The scrape interval in seconds, when `options.scrapeInterval` is a duration.
    var scrapeInterval: Double?

    init(spec: DashboardSpec, options: BuildOptions) {
        self.backend = spec.backend
        self.options = options
        self.scrapeInterval = Self.seconds(options.scrapeInterval)
    }

    /// A Prometheus duration (`15s`, `1m30s`, `500ms`) in seconds; nil unless it is one and above zero.
    static func seconds(_ duration: String) -> Double? {
        // Every dashboard of a build has the same scrape interval: remember the last one read.
        if let (last, value) = lastSeconds.withLock({ $0 }), last == duration { return value }
        let value = parseSeconds(duration)
        lastSeconds.withLock { $0 = (duration, value) }
        return value
    }

    private static let lastSeconds = Mutex<(String, Double?)?>(nil)

    private static func parseSeconds(_ duration: String) -> Double? {
        var rest = Substring(duration)
        var total = 0.0
        var lastScale = Double.infinity
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let value = Double(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            // Units in descending order, each at most once, as Prometheus's `model.ParseDuration` requires.
            guard let (unit, scale) = units.first(where: { rest.hasPrefix($0.0) }), scale < lastScale else {
                return nil
            }
            rest = rest.dropFirst(unit.count)
            total += value * scale
            lastScale = scale
        }
        return total > 0 ? total : nil
    }

    /// Prometheus's duration units and their lengths in seconds, `ms` before `m`.
    private static let units: [(String, Double)] = [
        ("ms", 0.001), ("y", 31_536_000), ("w", 604_800), ("d", 86_400), ("h", 3600), ("m", 60), ("s", 1),
    ]
}

/// A query under lint: its text, its syntax tree (variables replaced by stand-ins of the same length, so
/// byte ranges hold in `text`) and what it is for.
struct LintedQuery {
    enum Use: Hashable, Sendable {
        /// A panel target, with its legend format.
        case panel(legend: String?, format: QuerySpec.Format?)
        case annotation
        /// The PromQL inside a variable's `label_values(…)` or `query_result(…)`: its values are not shown.
        case variable
    }

    var text: String
    var check: GrafanaCheckResult
    var expr: Expr
    var use: Use

    /// Whether a Grafana variable stands in for part of `range` (a metric or label name).
    func hasVariable(in range: Range<Int>) -> Bool { !check.substitutions(in: range).isEmpty }

    /// Every selector with a literal metric name, with the name's byte range.
    var namedSelectors: [(name: String, range: Range<Int>)] {
        var out: [(String, Range<Int>)] = []
        expr.walk { node in
            let selector: VectorSelector
            switch node {
            case .vectorSelector(let v): selector = v
            case .matrixSelector(let m): selector = m.selector
            default: return
            }
            guard let name = selector.name else { return }
            let start = selector.sourceRange.lowerBound
            let range = selector.metricName != nil ? start..<(start + name.utf8.count) : selector.sourceRange
            if !hasVariable(in: range) { out.append((name, range)) }
        }
        return out
    }

    /// The text of a byte range of the query.
    func text(_ range: Range<Int>) -> String {
        let bytes = Array(text.utf8)
        let clamped = min(range.lowerBound, bytes.count)..<min(range.upperBound, bytes.count)
        return String(decoding: bytes[clamped], as: UTF8.self)
    }
}

/// A finding inside a query, located by a byte range of the query text.
struct QueryFinding: Sendable {
    var id: String
    var message: String
    var range: Range<Int>
    var notes: [String] = []
}

/// A lint of one query.
protocol QueryLint {
    static var rule: LintRule { get }
    static func check(_ query: LintedQuery, _ context: LintContext) -> [QueryFinding]
}

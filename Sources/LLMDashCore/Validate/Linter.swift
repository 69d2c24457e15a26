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
        lint(
            spec, queries: CheckedQuery.all(in: spec, options: options.promql), resolved: resolved, file: file,
            options: options)
    }

    /// Lints a dashboard whose queries, checked, are `queries` (``CheckedQuery/all(in:options:)`` of `spec`).
    static func lint(
        _ spec: DashboardSpec, queries: [CheckedQuery], resolved: ResolvedDashboard, file: SourceFile?,
        options: BuildOptions
    ) -> [Diagnostic] {
        let context = LintContext(spec: spec, options: options)
        var diagnostics: [Diagnostic] = []
        queries.withUnsafeBufferPointer { queries in
            // The queries come panel by panel, top-level panels first; annotations' and variables' follow.
            var next = 0
            lint(spec.panels, queries: queries, next: &next, file: file, context: context, into: &diagnostics)
            for row in spec.rows {
                lint(row.panels, queries: queries, next: &next, file: file, context: context, into: &diagnostics)
            }
            for query in queries.indices[next...] {
                diagnostics.appendAny(lint(queries.baseAddress! + query, file: file, context: context))
            }
        }
        diagnostics.appendAny(OverlapLint.check(resolved))
        return diagnostics
    }

    /// Lints panels and their queries, which are those of `queries` from `next` on; panels and queries are
    /// read in place (see `forEachInPlace`), so only what the lints read is copied.
    private static func lint(
        _ panels: [PanelSpec], queries: UnsafeBufferPointer<CheckedQuery>, next: inout Int, file: SourceFile?,
        context: LintContext, into diagnostics: inout [Diagnostic]
    ) {
        panels.forEachInPlace { panel in
            for _ in panel.pointee.queries.indices {
                // The pointer below is unchecked: a list from another dashboard must stop here, not read past it.
                precondition(next < queries.count, "checked queries of another dashboard")
                diagnostics.appendAny(lint(queries.baseAddress! + next, file: file, context: context))
                next += 1
            }
            diagnostics.appendAny(UnknownUnitLint.check(panel))
            diagnostics.appendAny(ThresholdsOrderLint.check(panel))
        }
    }

    /// Runs the query lints on one query, read in place.
    static func lint(_ query: UnsafePointer<CheckedQuery>, file: SourceFile?, context: LintContext) -> [Diagnostic] {
        let findings = findings(query.pointee.entry, use: query.pointee.use, context: context)
        guard !findings.isEmpty else { return [] }
        let locator = query.pointee.locator(in: file)
        return findings.map { locator.diagnostic(.warning, id: $0.id, $0.message, at: $0.range, notes: $0.notes) }
    }

    /// The query lints' findings on one query, by byte range of its text. A finding is located by byte range
    /// in the query text, so it holds wherever the query appears; each use maps it to its own file, line and
    /// column. Dashboards built from one panel library lint the same queries over and over: the findings are
    /// remembered with the query's check result, for each use and lint setting (up to a few of them).
    static func findings(_ entry: QueryCache.Entry, use: LintedQuery.Use, context: LintContext) -> [QueryFinding] {
        let key = LintFindingKey(use: use, backend: context.backend, scrapeInterval: context.options.scrapeInterval)
        if let hit = entry.findings.withLock({ $0.first { $0.0 == key }?.1 }) { return hit }
        let result = findings(entry.check, use: use, context: context)
        entry.findings.withLock { known in
            if known.count < LintFindingKey.limit, !known.contains(where: { $0.0 == key }) {
                known.append((key, result))
            }
        }
        return result
    }

    /// The query lints' findings on a checked query.
    static func findings(_ check: GrafanaCheckResult, use: LintedQuery.Use, context: LintContext) -> [QueryFinding] {
        guard check.isValid, let expr = check.expr else { return [] }
        let query = LintedQuery(text: check.query, check: check, expr: expr, use: use)
        var findings: [QueryFinding] = []
        for lint in queryLints { findings += lint.check(query, context) }
        return findings
    }
}

/// Everything the query lints' findings depend on besides the query: its use, and the parts of the lint
/// context they read.
struct LintFindingKey: Equatable, Sendable {
    var use: LintedQuery.Use
    var backend: Backend?
    var scrapeInterval: String

    /// How many of them each query remembers findings for.
    static let limit = 16
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

extension [Diagnostic] {
    /// Appends `found`, skipping the call when there is nothing (as for most checks).
    fileprivate mutating func appendAny(_ found: [Diagnostic]) {
        if !found.isEmpty { append(contentsOf: found) }
    }
}

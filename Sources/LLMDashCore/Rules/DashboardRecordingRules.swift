import PromQL

/// A dashboard's opt-in to recording rules for its expensive queries (`spec.recordingRules`).
public struct RecordingRulesSpec: Sendable, Hashable {
    public var enabled: Bool
    /// The fixed range of the recorded rates, in milliseconds; it replaces `$__rate_interval` and `$__interval`.
    public var windowMilliseconds: Int
    /// The rule group's evaluation interval (nil: Prometheus's global `evaluation_interval`).
    public var interval: String?
    public var location: SourceLocation?

    public init(enabled: Bool = true, windowMilliseconds: Int = 5 * SLODuration.minute, interval: String? = nil) {
        self.enabled = enabled
        self.windowMilliseconds = windowMilliseconds
        self.interval = interval
    }
}

/// One recording rule that pre-aggregates a rate behind dashboard queries.
struct RecordedRate: Sendable, Hashable {
    /// `rate`, `increase` or `irate`.
    var function: String
    var metric: String
    var windowMilliseconds: Int
    /// The labels the record keeps, sorted: the grouping, every label a matcher filters on, and `le` for buckets.
    var labels: [String]
    /// Literal values that equality matchers ask for, per label, so the test data has series they select.
    var literalValues: [String: Set<String>] = [:]

    var window: String { SLODuration.format(windowMilliseconds) }

    /// `level:metric:operations`: the kept labels (without a bucket's `le`) joined by `_`, the metric, then
    /// the function and window, e.g. `model_name:vllm:time_to_first_token_seconds_bucket:rate5m`.
    var name: String {
        let level = labels.filter { !(isBucket && $0 == "le") }
        return (level.isEmpty ? "global" : level.joined(separator: "_")) + ":" + metric + ":" + function + window
    }

    var isBucket: Bool { metric.hasSuffix("_bucket") }

    var expr: String {
        "sum by (\(labels.joined(separator: ", "))) (\(function)(\(metric)[\(window)]))"
    }
}

/// A dashboard query fragment that now reads a record, with what the promtool test needs to compare both.
struct RecordedFragment: Sendable, Hashable {
    var record: RecordedRate
    /// The original fragment with variables bound to test values (nil when it cannot be bound).
    var original: String?
    /// The rewritten fragment, bound the same way.
    var rewritten: String?
    /// Series count the fragment gives on the test data.
    var expectedSeries: Int?
}

/// Rewrites a dashboard's `sum by (…) (rate(metric{…}[…]))` fragments to read recorded series, and writes the
/// recording rules with promtool tests that prove each record, and each rewritten fragment, equals what it
/// replaces on sample input.
///
/// The record keeps every label the fragment groups by or filters on, so Grafana variables still filter the
/// recorded series (`model_name=~"$model"` becomes a matcher on the record). Ranges written as
/// `$__rate_interval` or `$__interval` become the spec's fixed `window`; literal ranges are kept; fragments
/// with other variable ranges, `offset`, `@`, `without` or a `__name__` matcher are left alone.
public enum DashboardRecordingRules {
    static let functions: Set<String> = ["rate", "increase", "irate"]
    static let windowVariables: Set<String> = ["__rate_interval", "__interval"]
    /// The value test data gives every label a variable filters on; variables are bound to it.
    static let testValue = "a"

    public static func rulePath(_ spec: DashboardSpec) -> String { "rules/dashboard-\(spec.uid).yaml" }
    public static func testPath(_ spec: DashboardSpec) -> String { "rules/dashboard-\(spec.uid).test.yaml" }

    /// The dashboard with rewritten queries, and its rule and test files (none when it does not opt in).
    public static func apply(_ spec: DashboardSpec, options: ParserOptions = .default) -> (
        DashboardSpec, [OutputFile]
    ) {
        guard let settings = spec.recordingRules, settings.enabled else { return (spec, []) }
        let variables = Set(spec.variables.map(\.name))
        var records: [String: RecordedRate] = [:]
        var fragments: [RecordedFragment] = []
        func visit(_ panel: inout PanelSpec) {
            guard panel.recordingRules != false else { return }
            for i in panel.queries.indices {
                let (text, found) = rewrite(
                    panel.queries[i].expr, variables: variables, window: settings.windowMilliseconds, options: options)
                guard !found.isEmpty else { continue }
                panel.queries[i].expr = text
                for fragment in found {
                    var merged = records[fragment.record.name] ?? fragment.record
                    merged.literalValues.merge(fragment.record.literalValues) { $0.union($1) }
                    records[fragment.record.name] = merged
                    fragments.append(fragment)
                }
            }
        }
        var out = spec
        for i in out.panels.indices { visit(&out.panels[i]) }
        for r in out.rows.indices {
            for i in out.rows[r].panels.indices { visit(&out.rows[r].panels[i]) }
        }
        guard !records.isEmpty else { return (out, []) }
        let sorted = records.values.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        let ruleText = ruleFile(spec, sorted, interval: settings.interval)
        let testText = testFile(spec, sorted, fragments: fragments)
        return (
            out, [OutputFile(path: rulePath(spec), text: ruleText), OutputFile(path: testPath(spec), text: testText)]
        )
    }

    /// Rewrites the fragments of one query that a record can serve.
    static func rewrite(_ query: String, variables: Set<String>, window: Int, options: ParserOptions) -> (
        String, [RecordedFragment]
    ) {
        let checked = GrafanaQuery.check(query, variables: variables, options: options)
        guard checked.isValid, let expr = checked.expr else { return (query, []) }
        let bytes = Array(query.utf8)
        var edits: [(Range<Int>, String)] = []
        var fragments: [RecordedFragment] = []
        expr.walk(withAncestors: { node, _ in
            guard case .aggregation(let aggregation) = node, aggregation.op == .sum, !aggregation.isWithout,
                case .call(let call) = aggregation.expr.unparenthesized, functions.contains(call.name),
                call.args.count == 1, case .matrixSelector(let matrix) = call.args[0].unparenthesized
            else { return true }
            let selector = matrix.selector
            guard let metric = selector.metricName, selector.offset == nil, selector.at == nil,
                selector.rangeModifier == nil, !selector.matchers.contains(where: { $0.name == "__name__" }),
                let windowMs = windowMilliseconds(matrix, checked, bytes, configured: window),
                onlyValuesAndWindowVary(aggregation, matrix, checked)
            else { return true }
            var labels = Set(aggregation.groupingLabels).union(selector.matchers.map(\.name))
            if metric.hasSuffix("_bucket") { labels.insert("le") }
            var record = RecordedRate(
                function: call.name, metric: metric, windowMilliseconds: windowMs, labels: labels.sorted())
            for m in selector.matchers where m.op == .equal && checked.substitutions(in: m.valueRange).isEmpty {
                record.literalValues[m.name, default: []].insert(m.value)
            }
            // The selector's text after the metric name: its braces, variables and all.
            let nameEnd = selector.sourceRange.lowerBound + metric.utf8.count
            let braces = String(decoding: bytes[nameEnd..<selector.sourceRange.upperBound], as: UTF8.self)
            let callRange = aggregation.expr.unparenthesized.sourceRange
            edits.append((callRange, record.name + braces))
            fragments.append(fragment(record, aggregation, callRange, braces, checked, bytes, selector))
            return false
        })
        guard !edits.isEmpty else { return (query, []) }
        var out = bytes
        for (range, text) in edits.sorted(by: { $0.0.lowerBound > $1.0.lowerBound }) {
            out.replaceSubrange(range, with: Array(text.utf8))
        }
        return (String(decoding: out, as: UTF8.self), fragments)
    }

    /// The record's window: a literal range as written, or the configured one for Grafana's interval variables.
    static func windowMilliseconds(
        _ matrix: MatrixSelector, _ checked: GrafanaCheckResult, _ bytes: [UInt8], configured: Int
    )
        -> Int?
    {
        let inWindow = checked.substitutions(in: matrix.windowRange)
        if inWindow.isEmpty {
            guard let seconds = matrix.window.seconds, seconds > 0 else { return nil }
            let ms = (seconds * 1000).rounded()
            return ms == seconds * 1000 ? Int(ms) : nil
        }
        guard inWindow.count == 1, let only = inWindow.first, only.reference.range == matrix.windowRange,
            windowVariables.contains(only.reference.name)
        else { return nil }
        return configured
    }

    /// True when the fragment's variables are all label values or its range: names from variables are unknown.
    static func onlyValuesAndWindowVary(
        _ aggregation: Aggregation, _ matrix: MatrixSelector, _ checked: GrafanaCheckResult
    )
        -> Bool
    {
        let values = matrix.selector.matchers.map(\.valueRange) + [matrix.windowRange]
        return checked.substitutions(in: aggregation.sourceRange).allSatisfy { s in
            values.contains { $0.contains(s.reference.range.lowerBound) }
        }
    }

    /// The original and rewritten fragment with variables bound to test values, for the promtool test.
    static func fragment(
        _ record: RecordedRate, _ aggregation: Aggregation, _ callRange: Range<Int>, _ braces: String,
        _ checked: GrafanaCheckResult, _ bytes: [UInt8], _ selector: VectorSelector
    ) -> RecordedFragment {
        var result = RecordedFragment(record: record)
        // Bind each variable: ranges to the record's window, label values to the test value.
        func bind(_ range: Range<Int>) -> String? {
            var out: [UInt8] = []
            var i = range.lowerBound
            for s in checked.substitutions.sorted(by: { $0.reference.range.lowerBound < $1.reference.range.lowerBound })
            where range.contains(s.reference.range.lowerBound) {
                out += bytes[i..<s.reference.range.lowerBound]
                switch s.role {
                case .duration: out += Array(record.window.utf8)
                case .text: out += Array(testValue.utf8)
                default: return nil
                }
                i = s.reference.range.upperBound
            }
            out += bytes[i..<range.upperBound]
            return String(decoding: out, as: UTF8.self)
        }
        let whole = aggregation.sourceRange
        guard let original = bind(whole) else { return result }
        // The rewritten fragment: the same text with the call replaced by the record and its matchers.
        let before = bind(whole.lowerBound..<callRange.lowerBound)
        let after = bind(callRange.upperBound..<whole.upperBound)
        let nameEnd = selector.sourceRange.lowerBound + record.metric.utf8.count
        let boundBraces = bind(nameEnd..<selector.sourceRange.upperBound)
        guard let before, let after, let boundBraces else { return result }
        result.original = original
        result.rewritten = before + record.name + boundBraces + after
        // How many groups the fragment gives: every kept label has its test values, filtered by the matchers.
        var counts: [String: Int] = [:]
        for label in record.labels {
            var remaining = testValues(record, label)
            for m in selector.matchers where m.name == label {
                let bound = checked.substitutions(in: m.valueRange).isEmpty ? m.value : testValue
                switch m.op {
                case .equal: remaining = remaining.filter { $0 == bound }
                case .notEqual: remaining = remaining.filter { $0 != bound }
                case .regexMatch, .regexNoMatch:
                    // Only a bound variable (or a plain word) can be matched without a regex engine.
                    guard bound.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return result }
                    remaining = remaining.filter { ($0 == bound) == (m.op == .regexMatch) }
                }
            }
            counts[label] = remaining.count
        }
        if counts.values.contains(0) {
            result.expectedSeries = 0
        } else {
            result.expectedSeries = aggregation.groupingLabels.reduce(1) { $0 * (counts[$1] ?? 1) }
        }
        return result
    }

    /// The values test data gives a label: the test value, a second one, and any literal a matcher asks for.
    static func testValues(_ record: RecordedRate, _ label: String) -> [String] {
        if record.isBucket && label == "le" { return ["0.5", "+Inf"] }
        let literals = record.literalValues[label, default: []].sorted()
        return [testValue, "b"] + literals.filter { $0 != testValue && $0 != "b" }
    }

    // MARK: Files

    static func ruleFile(_ spec: DashboardSpec, _ records: [RecordedRate], interval: String?) -> String {
        var out = "# Code generated by llmdash from the dashboard \(spec.uid). DO NOT EDIT.\n"
        out += "# Recording rules for its expensive queries; the dashboard reads the recorded series.\ngroups:\n"
        out += "  - name: \(SLORules.yamlString("llmdash-dashboard-\(spec.uid)"))\n"
        if let interval { out += "    interval: \(SLORules.yamlString(interval))\n" }
        out += "    rules:\n"
        for record in records {
            out += "      - record: \(SLORules.yamlString(record.name))\n"
            out += "        expr: \(SLORules.yamlString(record.expr))\n"
        }
        return out
    }

    /// Series for every combination of the kept labels' test values, each a counter with its own slopes.
    static func inputSeries(_ record: RecordedRate) -> [(String, String)] {
        var combos: [[(String, String)]] = [[]]
        for label in record.labels {
            combos = combos.flatMap { combo in testValues(record, label).map { combo + [(label, $0)] } }
        }
        return combos.enumerated().map { i, combo in
            let labels = combo.map { "\($0.0)=\(labelValueQuoted($0.1))" }.joined(separator: ", ")
            // The slope triples after 24 minutes, so rates over different windows differ at the test's time.
            let slope = 6 * (i + 1) + i % 5
            return (record.metric + "{" + labels + "}", "0+\(slope)x24 \(24 * slope)+\(3 * slope)x16")
        }
    }

    static func expectation(_ expr: String, count: Int) -> String {
        """
              - expr: \(SLORules.yamlString(expr))
                eval_time: 30m
                exp_samples:
                  - labels: "{}"
                    value: \(count)

        """
    }

    static func testFile(_ spec: DashboardSpec, _ records: [RecordedRate], fragments: [RecordedFragment]) -> String {
        let name = rulePath(spec).split(separator: "/").last.map(String.init) ?? ""
        var out = "# Code generated by llmdash from the dashboard \(spec.uid). DO NOT EDIT.\n"
        out += "# Run with: promtool test rules \(name.replacing(".yaml", with: ".test.yaml"))\n"
        out += "rule_files:\n  - \(SLORules.yamlString(name))\nevaluation_interval: 1m\ntests:\n"
        for record in records {
            let series = inputSeries(record)
            out += "  - name: \(SLORules.yamlString(record.name))\n    interval: 1m\n    input_series:\n"
            for (selector, values) in series {
                out +=
                    "      - series: \(SLORules.yamlString(selector))\n        values: \(SLORules.yamlString(values))\n"
            }
            out += "    promql_expr_test:\n"
            // Every recorded series equals the expression it records.
            let on = "on(\(record.labels.joined(separator: ", ")))"
            let definition =
                "sum by (\(record.labels.joined(separator: ", "))) (\(record.function)(\(record.metric)[\(record.window)]))"
            out += expectation("count(abs(\(record.name) - \(on) \(definition)) < 1e-9)", count: series.count)
            // Every dashboard fragment that now reads the record gives what it gave before, variables bound.
            var seen: Set<String> = []
            for f in fragments where f.record.name == record.name {
                guard let original = f.original, let rewritten = f.rewritten, let n = f.expectedSeries, n > 0,
                    seen.insert(original).inserted
                else { continue }
                out += expectation("count(abs((\(original)) - (\(rewritten))) < 1e-9)", count: n)
            }
        }
        return out
    }
}

extension YAMLSpecLoader {
    /// `recordingRules: true`, or `{enabled, window, interval}`.
    static func readRecordingRules(_ node: YAMLNode, _ ctx: ReadContext) -> RecordingRulesSpec? {
        var settings = RecordingRulesSpec()
        settings.location = ctx.location(node)
        if case .scalar = node {
            guard let enabled = ctx.bool(node, what: "'recordingRules'") else { return nil }
            settings.enabled = enabled
            return settings
        }
        guard let map = MappingReader(node, ctx, what: "recordingRules") else { return nil }
        map.allow(["enabled", "window", "interval"])
        settings.enabled = map.bool("enabled") ?? true
        if let windowNode = map.value("window"), let ms = readDuration(windowNode, ctx, what: "'window'") {
            if ms < SLODuration.minute {
                ctx.error(
                    "spec.invalid-value", "a recorded rate window of \(SLODuration.format(ms)) is too short",
                    at: windowNode, notes: ["use at least 4 scrape intervals, e.g. 1m for a 15s scrape"])
            }
            settings.windowMilliseconds = ms
        }
        if let intervalNode = map.value("interval"), let ms = readDuration(intervalNode, ctx, what: "'interval'") {
            settings.interval = SLODuration.format(ms)
        }
        return settings
    }
}

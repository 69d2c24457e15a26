import PromQL

/// `lint.quantile-without-le`: `histogram_quantile()` over buckets aggregated without `le`.
enum QuantileWithoutLeLint: QueryLint {
    static let rule = LintRule(
        id: "lint.quantile-without-le",
        summary: "histogram_quantile() over classic buckets whose aggregation drops the `le` label.",
        rationale: """
            histogram_quantile() reads the bucket bounds from `le`; aggregated away, every bucket collapses \
            into one series and the query returns nothing. Fires only when the argument selects `_bucket` \
            series (native histograms need no `le`) and the aggregation certainly removes it.
            """,
        triggering: [
            .query("histogram_quantile(0.99, ↓sum(rate(vllm:e2e_request_latency_seconds_bucket[5m])))"),
            .query(
                "histogram_quantile(0.99, ↓sum by (model_name) (rate(vllm:e2e_request_latency_seconds_bucket[5m])))"),
            .query("histogram_quantile(0.9, ↓max without (le) (rate(http_request_duration_seconds_bucket[5m])))"),
        ],
        nonTriggering: [
            .query("histogram_quantile(0.99, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket[5m])))"),
            .query(
                "histogram_quantile(0.99, sum by (le, model_name) (rate(vllm:e2e_request_latency_seconds_bucket[5m])))"),
            .query("histogram_quantile(0.9, sum without (instance) (rate(http_request_duration_seconds_bucket[5m])))"),
            .query("histogram_quantile(0.9, rate(http_request_duration_seconds_bucket[5m]))"),
            .query("histogram_quantile(0.9, sum(rate(http_request_duration_seconds[5m])))"),
        ])

    static func check(_ query: LintedQuery, _ context: LintContext) -> [QueryFinding] {
        if query.use == .variable { return [] }
        var findings: [QueryFinding] = []
        let analysis = LabelAnalysis(check: query.check)
        query.expr.walk { node in
            guard case .call(let call) = node, call.name == "histogram_quantile", call.args.count == 2 else { return }
            let buckets = call.args[1]
            guard buckets.metricNames.contains(where: { $0.hasSuffix("_bucket") }),
                let range = analysis.bound(of: buckets).absence(of: "le")
            else { return }
            var notes = ["aggregate the buckets by le: sum by (le) (rate(…_bucket[$__rate_interval]))"]
            if case .aggregation(let a)? = query.node(at: range) {
                if a.isWithout {
                    notes = ["take le out of without (\(a.groupingLabels.joined(separator: ", ")))"]
                } else {
                    let labels = ["le"] + a.groupingLabels.filter { $0 != "le" }
                    notes = ["keep it: \(a.op.rawValue) by (\(labels.joined(separator: ", "))) (…)"]
                }
            }
            findings.append(
                QueryFinding(
                    id: rule.id, message: "histogram_quantile() needs the buckets' 'le' label, which this drops",
                    range: range, notes: notes))
        }
        return findings
    }
}

/// `lint.legend-label`: a legend that names a label the query's result cannot have.
enum LegendLabelLint: QueryLint {
    static let rule = LintRule(
        id: "lint.legend-label",
        summary: "A legend `{{label}}` that the query's aggregation removes.",
        rationale: """
            Grafana prints an empty string for a label a series lacks, so every series gets the same blank \
            name. The labels a result can carry are worked out from the query: exactly the grouping after \
            `sum by (…)`, less the labels of `without (…)` and `ignoring (…)`, less `le` after \
            histogram_quantile(), plus those of label_replace() and group_left (…). Raw selectors and \
            anything unclear may carry any label, so only certain absences are flagged. Table-format queries, \
            which ignore the legend, are skipped.
            """,
        triggering: [
            .query("↓sum(rate(vllm:generation_tokens_total[5m]))", legend: "{{model_name}}"),
            .query(
                "↓sum by (finished_reason) (rate(vllm:request_success_total[5m]))",
                legend: "{{model_name}} {{finished_reason}}"),
            .query("↓histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m])))", legend: "{{ le }}"),
            .query("↓max without (instance) (up)", legend: "{{instance}}"),
            .query("sum by (job) (up) ↓/ ignoring (job) sum(up)", legend: "{{job}}"),
        ],
        nonTriggering: [
            .query("sum by (model_name) (rate(vllm:generation_tokens_total[5m]))", legend: "{{model_name}}"),
            .query("rate(vllm:generation_tokens_total[5m])", legend: "{{model_name}} {{instance}}"),
            .query("histogram_quantile(0.9, sum by (le, model_name) (rate(x_bucket[5m])))", legend: "{{model_name}}"),
            .query(
                "sum by (model_name) (rate(a_total[5m])) * on (model_name) group_left (version) build_info",
                legend: "{{model_name}} {{version}}"),
            .query(#"label_replace(sum(up), "cluster", "main", "", "")"#, legend: "{{cluster}}"),
            .query("sum(up)", legend: "all targets"),
            .spec(
                """
                variables:
                  - custom: {name: group, values: [job, instance]}
                panels:
                  - timeseries:
                      title: By group
                      queries:
                        - {expr: 'sum by ($group) (up)', legend: '{{job}}'}
                        - {expr: 'sum by (job) (up)', legend: '{{instance}}', format: table}
                """),
        ])

    static func check(_ query: LintedQuery, _ context: LintContext) -> [QueryFinding] {
        guard case .panel(let legend?, let format) = query.use, format != .table else { return [] }
        let names = legendLabels(legend)
        guard !names.isEmpty else { return [] }
        let bound = LabelAnalysis(check: query.check).bound(of: query.expr)
        var findings: [QueryFinding] = []
        for name in names {
            guard let range = bound.absence(of: name) else { continue }
            var notes: [String] = []
            switch query.node(at: range) {
            case .aggregation(let a)?:
                if a.isWithout {
                    notes.append("without (\(a.groupingLabels.joined(separator: ", "))) removes it")
                } else {
                    let kept =
                        a.groupingLabels.isEmpty ? "no labels" : "only " + a.groupingLabels.joined(separator: ", ")
                    let wanted = (a.groupingLabels + [name]).joined(separator: ", ")
                    notes.append("\(a.op.rawValue) keeps \(kept); to keep it: \(a.op.rawValue) by (\(wanted)) (…)")
                }
            case .call(let c)? where c.name == "histogram_quantile":
                notes.append("histogram_quantile() removes 'le' from its result")
            case .binary?:
                notes.append("the matching clause removes it")
            default:
                if let possible = bound.possible {
                    notes.append(
                        possible.isEmpty
                            ? "the result has no labels"
                            : "the result can only have: \(possible.joined(separator: ", "))")
                }
            }
            findings.append(
                QueryFinding(
                    id: rule.id, message: "legend '{{\(name)}}' names a label the query's result does not have",
                    range: range, notes: notes))
        }
        return findings
    }

    /// The label names of a legend format's `{{name}}` references, in order, each once.
    static func legendLabels(_ legend: String) -> [String] {
        let bytes = Array(legend.utf8)
        let brace = UInt8(ascii: "{")
        let close = UInt8(ascii: "}")
        var names: [String] = []
        var i = 0
        while i + 1 < bytes.count {
            guard bytes[i] == brace, bytes[i + 1] == brace else {
                i += 1
                continue
            }
            var end = i + 2
            while end + 1 < bytes.count, !(bytes[end] == close && bytes[end + 1] == close) { end += 1 }
            guard end + 1 < bytes.count else { break }
            var lower = i + 2
            var upper = end
            while lower < upper, bytes[lower] == 0x20 { lower += 1 }
            while upper > lower, bytes[upper - 1] == 0x20 { upper -= 1 }
            let name = bytes[lower..<upper]
            if isLabelName(name) {
                let text = String(decoding: name, as: UTF8.self)
                if !names.contains(text) { names.append(text) }
            }
            i = end + 2
        }
        return names
    }

    static func isLabelName(_ name: ArraySlice<UInt8>) -> Bool {
        guard let first = name.first, first == UInt8(ascii: "_") || isLetter(first) else { return false }
        return name.allSatisfy { $0 == UInt8(ascii: "_") || isLetter($0) || (0x30...0x39).contains($0) }
    }

    private static func isLetter(_ b: UInt8) -> Bool { (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) }
}

/// `lint.rate-window`: a rate window shorter than four scrape intervals.
enum RateWindowLint: QueryLint {
    static let rule = LintRule(
        id: "lint.rate-window",
        summary: "A rate() window shorter than 4× the scrape interval (BuildOptions.scrapeInterval, 15s by default).",
        rationale: """
            rate() needs at least two samples in its window, and a missed scrape or jitter loses one: under four \
            scrape intervals the graph turns gappy and jumpy. `$__rate_interval` (and any other variable) is \
            always accepted: Grafana keeps it at four scrape intervals or more. Applies to rate(), irate(), \
            increase(), delta(), idelta() and deriv() over a range selector.
            """,
        triggering: [
            .query("sum(rate(vllm:generation_tokens_total[↓30s]))"),
            .query("sum(increase(http_requests_total[↓45s]))"),
        ],
        nonTriggering: [
            .query("sum(rate(vllm:generation_tokens_total[$__rate_interval]))"),
            .query("sum(rate(vllm:generation_tokens_total[1m]))"),
            .query("sum(irate(vllm:generation_tokens_total[5m]))"),
            .query("avg_over_time(vllm:num_requests_running[30s])"),
            .query("max_over_time(sum(rate(http_requests_total[1m]))[30s:])"),
        ])

    static let functions: Set<String> = ["rate", "irate", "increase", "delta", "idelta", "deriv"]

    static func check(_ query: LintedQuery, _ context: LintContext) -> [QueryFinding] {
        guard let scrape = context.scrapeInterval else { return [] }
        var findings: [QueryFinding] = []
        query.expr.walk { node in
            guard case .call(let call) = node, functions.contains(call.name),
                case .matrixSelector(let m)? = call.args.first?.unparenthesized, !query.hasVariable(in: m.windowRange),
                let seconds = m.window.seconds, seconds < 4 * scrape
            else { return }
            findings.append(
                QueryFinding(
                    id: rule.id,
                    message: "\(call.name)() over [\(query.text(m.windowRange))] spans fewer than 4 scrape "
                        + "intervals of \(context.options.scrapeInterval)",
                    range: m.windowRange,
                    notes: ["use [$__rate_interval], or at least [\(Self.format(seconds: 4 * scrape))]"]))
        }
        return findings
    }

    /// A duration in Prometheus's notation: `1m`, `2m30s`, `500ms`.
    static func format(seconds: Double) -> String {
        var ms = Int((seconds * 1000).rounded())
        var out = ""
        for (unit, size) in [("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)]
        where ms >= size {
            out += "\(ms / size)\(unit)"
            ms %= size
        }
        return out.isEmpty ? "0s" : out
    }
}

extension LintedQuery {
    /// The node a label bound points at: an aggregation, a call (or its name) or a binary operation (or its
    /// operator) with exactly this byte range.
    func node(at range: Range<Int>) -> Expr? {
        var found: Expr?
        expr.walk { node in
            guard found == nil else { return }
            switch node {
            case .aggregation(let a) where a.sourceRange == range: found = node
            case .call(let c) where c.nameRange == range || c.sourceRange == range: found = node
            case .binary(let b) where b.operatorRange == range || b.sourceRange == range: found = node
            default: break
            }
        }
        return found
    }
}

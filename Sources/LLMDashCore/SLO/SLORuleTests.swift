/// `promtool test rules` tests for an SLO's rules: a fast burn pages, a slow burn opens a ticket,
/// burning below budget pace fires nothing, and the recording rules hold the expected ratios.
public enum SLORuleTests {
    /// Requests per minute in the synthetic series.
    static let perMinute = 1000.0

    struct Series {
        var series: String
        var perMinute: Double
    }

    /// A scenario: a constant error ratio since time 0.
    struct Scenario {
        var name: String
        var ratio: Double
    }

    /// Concrete labels satisfying matchers (`l="v"`, `l=~"a|b"` → first alternative); nil when unsure.
    static func labels(satisfying matchers: [String]) -> [(String, String)]? {
        var out: [(String, String)] = []
        for matcher in matchers {
            let text = matcher.trimmingPrefixAndSuffixSpaces
            if let range = text.firstRange(of: "=~\"") {
                let name = String(text[..<range.lowerBound]).trimmingPrefixAndSuffixSpaces
                var value = String(text[range.upperBound...])
                guard value.hasSuffix("\"") else { return nil }
                value.removeLast()
                let first = value.split(separator: "|", omittingEmptySubsequences: false).first.map(String.init) ?? ""
                guard !first.isEmpty, first.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })
                else { return nil }
                out.append((name, first))
            } else if let range = text.firstRange(of: "=\""), !text[..<range.lowerBound].hasSuffix("!") {
                let name = String(text[..<range.lowerBound]).trimmingPrefixAndSuffixSpaces
                var value = String(text[range.upperBound...])
                guard value.hasSuffix("\""), !value.contains("\\") else { return nil }
                value.removeLast()
                out.append((name, value))
            } else {
                return nil
            }
        }
        return out
    }

    static func series(_ name: String, _ labels: [(String, String)]) -> String {
        labels.isEmpty
            ? name : name + "{" + labels.map { "\($0.0)=\(labelValueQuoted($0.1))" }.joined(separator: ",") + "}"
    }

    /// Input series giving the error ratio `ratio`, or nil for SLIs written in raw PromQL.
    static func inputs(_ sli: SLI, ratio: Double) -> [Series]? {
        let total = perMinute
        let bad = SLOMath.tidy(ratio * total)
        switch sli {
        case .ratio:
            return nil
        case .errors(let backend, let matchers):
            let catalog = Catalog.backend(backend)
            guard case .counter(let err) = catalog.signal(.failedRequests)?.source,
                case .counter(let all) = catalog.signal(.requests)?.source,
                let user = labels(satisfying: matchers), let errLabels = labels(satisfying: err.matchers),
                let allLabels = labels(satisfying: all.matchers)
            else { return nil }
            if err.name == all.name && all.matchers.isEmpty {
                let okLabels = errLabels.map { ($0.0, "llmdash_ok") }
                return [
                    Series(series: series(err.name, user + errLabels), perMinute: bad),
                    Series(series: series(err.name, user + okLabels), perMinute: SLOMath.tidy(total - bad)),
                ]
            }
            return [
                Series(series: series(err.name, user + errLabels), perMinute: bad),
                Series(series: series(all.name, user + allLabels), perMinute: total),
            ]
        case .latency(let backend, let signal, let below, let matchers):
            guard case .histogram(let m) = Catalog.backend(backend).signal(signal)?.source,
                let user = labels(satisfying: m.matchers + matchers)
            else { return nil }
            let le = SLOBuckets.leLiteral(SLOMath.tidy(below / (m.scale ?? 1)))
            return [
                Series(series: series(m.name + "_bucket", user + [("le", le)]), perMinute: SLOMath.tidy(total - bad)),
                Series(series: series(m.name + "_bucket", user + [("le", "+Inf")]), perMinute: total),
                Series(series: series(m.name + "_count", user), perMinute: total),
            ]
        }
    }

    /// Whether an alert of this severity fires when every window shows `ratio`.
    static func fires(_ slo: SLOSpec, _ severity: SLOSeverity, ratio: Double) -> Bool {
        guard SLORules.settings(slo, severity) != nil else { return false }
        return slo.windows.contains { $0.severity == severity && slo.factor($0) * slo.errorBudget < ratio }
    }

    static func scenarios(_ slo: SLOSpec) -> [Scenario] {
        let b = slo.errorBudget
        let factors = slo.windows.map(slo.factor)
        guard let maxFactor = factors.max(), let minFactor = factors.min() else { return [] }
        var out: [Scenario] = []
        if maxFactor * b * 1.5 < 1 {
            out.append(Scenario(name: "fast-burn", ratio: maxFactor * b * 1.5))
        } else if maxFactor * b < 0.9 {
            out.append(Scenario(name: "fast-burn", ratio: (1 + maxFactor * b) / 2))
        }
        let pageFactors = slo.windows.filter { $0.severity == .page }.map(slo.factor)
        let ticketFactors = slo.windows.filter { $0.severity == .ticket }.map(slo.factor)
        if let page = pageFactors.min(), let ticket = ticketFactors.min(), ticket < page {
            let ratio = SLOMath.round(b * (ticket * page).squareRoot(), digits: 2)
            if ratio < 1 { out.append(Scenario(name: "slow-burn", ratio: ratio)) }
        }
        out.append(Scenario(name: "below-budget-pace", ratio: b * 0.5 * min(1, minFactor)))
        return out.map { Scenario(name: $0.name, ratio: SLOMath.round($0.ratio, digits: 3)) }
    }

    /// Annotations as promtool expands them, or nil when they use templates beyond the SLO's ids.
    static func expanded(_ annotations: [String: String], _ slo: SLOSpec) -> [String: String]? {
        var out: [String: String] = [:]
        for (key, value) in annotations {
            let text =
                value
                .replacing("{{$labels.sloth_service}}", with: slo.service)
                .replacing("{{$labels.sloth_slo}}", with: slo.name)
                .replacing("{{$labels.sloth_id}}", with: slo.id)
            if text.contains("{{") { return nil }
            out[key] = text
        }
        return out
    }

    static func labelSet(_ labels: [String: String]) -> String {
        "{"
            + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\(labelValueQuoted($0.value))" }
            .joined(separator: ", ") + "}"
    }

    static func y(_ s: String) -> String { SLORules.yamlString(s) }

    public static func testFile(_ slo: SLOSpec) -> String {
        let ids = SLORules.idLabels(slo)
        let base = slo.labels.merging(ids) { $1 }
        let f = SLORules.filter(slo)
        var out = "# Code generated by llmdash from the SLO \(slo.id). DO NOT EDIT.\n"
        out += "# Run with: promtool test rules \(slo.name).test.yaml\n"
        out += "rule_files:\n  - \(y(slo.name + ".yaml"))\n"
        out += "evaluation_interval: 1m\ntests:\n"
        // The meta records need no input.
        out += "  - name: \(y(slo.id + "-meta-records"))\n    interval: 1m\n    input_series: []\n"
        out += "    promql_expr_test:\n"
        let checks: [(String, Double)] = [
            ("slo:objective:ratio", slo.objectiveRatio), ("slo:error_budget:ratio", slo.errorBudget),
            ("slo:time_period:days", slo.periodDays),
        ]
        for (record, value) in checks {
            out += "      - expr: \(y("abs(\(record)\(f) - \(SLOMath.number(value))) < bool 1e-12"))\n"
            out += "        eval_time: 5m\n        exp_samples:\n"
            out += "          - labels: \(y(labelSet(base)))\n            value: 1\n"
        }
        var alertExpectations: [String: [(SLOSeverity, SLOAlert, [String: String])]] = [:]
        var canCheckAlerts = true
        for severity in SLOSeverity.allCases {
            guard let alert = SLORules.settings(slo, severity), let rule = SLORules.alertRule(slo, severity) else {
                continue
            }
            guard let annotations = expanded(rule.annotations, slo) else {
                canCheckAlerts = false
                continue
            }
            alertExpectations[alert.name, default: []].append((severity, alert, annotations))
        }
        let hours = 2
        let samples = hours * 60 + 60
        for scenario in scenarios(slo) {
            guard let inputs = inputs(slo.sli, ratio: scenario.ratio) else { continue }
            let burn = SLOMath.number(SLOMath.tidy(scenario.ratio / slo.errorBudget))
            out +=
                "  - name: \(y("\(slo.id)-\(scenario.name) (error ratio \(SLOMath.number(scenario.ratio)), burn rate \(burn))"))\n"
            out += "    interval: 1m\n    input_series:\n"
            for input in inputs {
                out += "      - series: \(y(input.series))\n"
                out += "        values: \(y("0+\(SLOMath.number(input.perMinute))x\(samples)"))\n"
            }
            out += "    promql_expr_test:\n"
            for window in [5 * SLODuration.minute, SLODuration.hour] {
                let w = SLODuration.format(window)
                out +=
                    "      - expr: \(y("abs(slo:sli_error:ratio_rate\(w)\(f) - \(SLOMath.number(scenario.ratio))) < bool 1e-9"))\n"
                out += "        eval_time: \(hours)h\n        exp_samples:\n"
                out += "          - labels: \(y(labelSet(base.merging(["sloth_window": w]) { $1 })))\n"
                out += "            value: 1\n"
            }
            let period = slo.periodText
            out +=
                "      - expr: \(y("abs(slo:sli_error:ratio_rate\(period)\(f) - \(SLOMath.number(scenario.ratio))) < bool 1e-9"))\n"
            out += "        eval_time: \(hours)h\n        exp_samples:\n"
            out += "          - labels: \(y(labelSet(base.merging(["sloth_window": period]) { $1 })))\n"
            out += "            value: 1\n"
            let remaining = SLOMath.number(SLOMath.tidy(1 - scenario.ratio / slo.errorBudget))
            out +=
                "      - expr: \(y("abs(slo:period_error_budget_remaining:ratio\(f) - (\(remaining))) < bool 1e-6"))\n"
            out += "        eval_time: \(hours)h\n        exp_samples:\n"
            out += "          - labels: \(y(labelSet(base.merging(["sloth_window": period]) { $1 })))\n"
            out += "            value: 1\n"
            out += "      - expr: \(y("abs(slo:current_burn_rate:ratio\(f) - \(burn)) < bool 1e-6"))\n"
            out += "        eval_time: \(hours)h\n        exp_samples:\n"
            out += "          - labels: \(y(labelSet(base.merging(["sloth_window": "5m"]) { $1 })))\n"
            out += "            value: 1\n"
            guard canCheckAlerts, !alertExpectations.isEmpty else { continue }
            out += "    alert_rule_test:\n"
            for (name, alerts) in alertExpectations.sorted(by: { $0.key < $1.key }) {
                out += "      - eval_time: \(hours)h\n        alertname: \(y(name))\n"
                let firing = alerts.filter { fires(slo, $0.0, ratio: scenario.ratio) }
                if firing.isEmpty {
                    out += "        exp_alerts: []\n"
                    continue
                }
                out += "        exp_alerts:\n"
                for (severity, alert, annotations) in firing {
                    let labels = base.merging(alert.labels) { $1 }.merging(["sloth_severity": severity.rawValue]) {
                        $1
                    }
                    out += "          - exp_labels:\n"
                    for (k, v) in labels.sorted(by: { $0.key < $1.key }) {
                        out += "              \(SLORules.yamlKey(k)): \(y(v))\n"
                    }
                    out += "            exp_annotations:\n"
                    for (k, v) in annotations.sorted(by: { $0.key < $1.key }) {
                        out += "              \(SLORules.yamlKey(k)): \(y(v))\n"
                    }
                }
            }
        }
        return out
    }
}

extension StringProtocol {
    fileprivate var trimmingPrefixAndSuffixSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}

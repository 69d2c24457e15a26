import PromQL

/// One Prometheus rule: a recording rule or an alert.
struct PromRule: Sendable, Hashable {
    var record: String?
    var alert: String?
    var expr: String
    var labels: [String: String] = [:]
    var annotations: [String: String] = [:]
}

/// A Prometheus rule group.
struct PromRuleGroup: Sendable, Hashable {
    var name: String
    var rules: [PromRule]
}

/// What a build learnt about one SLO, for checks across files.
struct SLOSummary: Sendable, Hashable {
    var id: String
    var path: String
    var location: SourceLocation?
}

/// Sloth-compatible recording and alerting rules for an SLO, and `promtool test rules` tests for them.
public enum SLORules {
    /// The rule file's path in the build output.
    public static func rulePath(_ slo: SLOSpec) -> String { "rules/\(slo.service)/\(slo.name).yaml" }
    public static func testPath(_ slo: SLOSpec) -> String { "rules/\(slo.service)/\(slo.name).test.yaml" }

    /// Checks every expression and returns the rule file and its test file.
    public static func compile(_ slo: SLOSpec) -> ([Diagnostic], [OutputFile]) {
        let groups = groups(slo)
        var diagnostics: [Diagnostic] = []
        for rule in groups.flatMap(\.rules) {
            let result = PromQL.parse(rule.expr)
            for d in result.diagnostics where d.severity == .error {
                diagnostics.append(
                    .error(
                        "slo.promql", "the rule \(rule.record ?? rule.alert ?? "") does not parse: \(d.message)",
                        at: slo.location, notes: [rule.expr]))
            }
        }
        if diagnostics.hasErrors { return (diagnostics, []) }
        let files = [
            OutputFile(path: rulePath(slo), text: ruleFile(groups, slo: slo)),
            OutputFile(path: testPath(slo), text: SLORuleTests.testFile(slo)),
        ]
        return (diagnostics, files)
    }

    /// Checks across spec files: two SLOs with the same service and name would write the same rule file.
    static func crossChecks(_ slos: [SLOSummary]) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var seen: [String: SourceLocation?] = [:]
        var paths: [String: String] = [:]
        for slo in slos {
            if let first = seen[slo.id] {
                diagnostics.append(
                    .error(
                        "spec.duplicate-slo", "another SLO is named '\(slo.id)' (service and name)", at: slo.location,
                        notes: first.map { ["first defined at \($0)"] } ?? []))
                continue
            }
            seen[slo.id] = slo.location
            if let other = paths[slo.path.lowercased()], other != slo.id {
                diagnostics.append(
                    .error(
                        "spec.path-clash", "SLOs '\(slo.id)' and '\(other)' differ only in letter case",
                        at: slo.location, notes: ["their rule files would clash on case-insensitive file systems"]))
            }
            paths[slo.path.lowercased()] = slo.id
        }
        return diagnostics
    }

    // MARK: Rules

    static func idLabels(_ slo: SLOSpec) -> [String: String] {
        ["sloth_id": slo.id, "sloth_service": slo.service, "sloth_slo": slo.name]
    }

    /// `{sloth_id="…", sloth_service="…", sloth_slo="…"}`
    static func filter(_ slo: SLOSpec) -> String {
        "{"
            + idLabels(slo).sorted { $0.key < $1.key }.map { "\($0.key)=\(labelValueQuoted($0.value))" }
            .joined(separator: ", ") + "}"
    }

    static func selector(_ name: String, _ matchers: [String]) -> String {
        matchers.isEmpty ? name : name + "{" + matchers.joined(separator: ", ") + "}"
    }

    /// The error and total queries over a window.
    static func queries(_ sli: SLI, window: String) -> (errors: String, total: String) {
        switch sli {
        case .ratio(let errors, let total):
            return (errors.replacing("{{.window}}", with: window), total.replacing("{{.window}}", with: window))
        case .errors(let backend, let matchers):
            let catalog = Catalog.backend(backend)
            guard case .counter(let bad) = catalog.signal(.failedRequests)?.source,
                case .counter(let all) = catalog.signal(.requests)?.source
            else { return ("vector(0)", "vector(1)") }
            return (
                "sum(rate(\(selector(bad.name, bad.matchers + matchers))[\(window)]))",
                "sum(rate(\(selector(all.name, all.matchers + matchers))[\(window)]))"
            )
        case .latency(let backend, let signal, let below, let matchers):
            guard case .histogram(let m) = Catalog.backend(backend).signal(signal)?.source else {
                return ("vector(0)", "vector(1)")
            }
            let le = SLOMath.tidy(below / (m.scale ?? 1))
            let total = "sum(rate(\(selector(m.name + "_count", m.matchers + matchers))[\(window)]))"
            let leMatcher = "le=~\"" + SLOBuckets.leRegex(le) + "\""
            let good = "sum(rate(\(selector(m.name + "_bucket", m.matchers + matchers + [leMatcher]))[\(window)]))"
            return ("\(total)\n  -\n\(good)", total)
        }
    }

    static func groups(_ slo: SLOSpec) -> [PromRuleGroup] {
        let ids = idLabels(slo)
        let base = slo.labels.merging(ids) { _, id in id }
        let f = filter(slo)
        var sli: [PromRule] = []
        for window in slo.recordedWindows {
            let w = SLODuration.format(window)
            let (errors, total) = queries(slo.sli, window: w)
            sli.append(
                PromRule(
                    record: "slo:sli_error:ratio_rate\(w)", expr: "(\(errors))\n/\n(\(total))",
                    labels: base.merging(["sloth_window": w]) { $1 }))
        }
        let p = slo.periodText
        sli.append(
            PromRule(
                record: "slo:sli_error:ratio_rate\(p)",
                expr: "sum_over_time(slo:sli_error:ratio_rate5m\(f)[\(p)])\n/ ignoring (sloth_window)\n"
                    + "count_over_time(slo:sli_error:ratio_rate5m\(f)[\(p)])",
                labels: base.merging(["sloth_window": p]) { $1 }))
        let o = SLOMath.number(slo.objectiveRatio)
        let groupLeft = "/ on(sloth_id, sloth_slo, sloth_service) group_left\n"
        let meta: [PromRule] = [
            PromRule(record: "slo:objective:ratio", expr: "vector(\(o))", labels: base),
            PromRule(record: "slo:error_budget:ratio", expr: "vector(1-\(o))", labels: base),
            PromRule(record: "slo:time_period:days", expr: "vector(\(SLOMath.number(slo.periodDays)))", labels: base),
            PromRule(
                record: "slo:current_burn_rate:ratio",
                expr: "slo:sli_error:ratio_rate5m\(f)\n\(groupLeft)slo:error_budget:ratio\(f)", labels: base),
            PromRule(
                record: "slo:period_burn_rate:ratio",
                expr: "slo:sli_error:ratio_rate\(p)\(f)\n\(groupLeft)slo:error_budget:ratio\(f)", labels: base),
            PromRule(
                record: "slo:period_error_budget_remaining:ratio", expr: "1 - slo:period_burn_rate:ratio\(f)",
                labels: base),
            PromRule(
                record: "sloth_slo_info", expr: "vector(1)",
                labels: base.merging([
                    "sloth_mode": "llmdash", "sloth_objective": SLOMath.number(slo.objective),
                    "sloth_spec": YAMLSpecLoader.apiVersion, "sloth_version": "llmdash",
                ]) { $1 }),
        ]
        var result = [
            PromRuleGroup(name: "sloth-slo-sli-recordings-\(slo.id)", rules: sli),
            PromRuleGroup(name: "sloth-slo-meta-recordings-\(slo.id)", rules: meta),
        ]
        var alerts: [PromRule] = []
        for severity in SLOSeverity.allCases {
            if let rule = alertRule(slo, severity) { alerts.append(rule) }
        }
        if !alerts.isEmpty { result.append(PromRuleGroup(name: "sloth-slo-alerts-\(slo.id)", rules: alerts)) }
        return result
    }

    static func settings(_ slo: SLOSpec, _ severity: SLOSeverity) -> SLOAlert? {
        severity == .page ? slo.page : slo.ticket
    }

    static func alertRule(_ slo: SLOSpec, _ severity: SLOSeverity) -> PromRule? {
        guard let alert = settings(slo, severity) else { return nil }
        let pairs = slo.windows.filter { $0.severity == severity }
        if pairs.isEmpty { return nil }
        let f = filter(slo)
        let budget = SLOMath.number(slo.errorBudget)
        let clauses = pairs.map { pair -> String in
            let factor = SLOMath.number(slo.factor(pair))
            let side = { (ms: Int) in
                "max(slo:sli_error:ratio_rate\(SLODuration.format(ms))\(f) > (\(factor) * \(budget))) without (sloth_window)"
            }
            return "(\n  \(side(pair.shortMilliseconds))\n  and\n  \(side(pair.longMilliseconds))\n)"
        }
        return PromRule(
            alert: alert.name, expr: clauses.joined(separator: "\nor\n"),
            labels: alert.labels.merging(["sloth_severity": severity.rawValue]) { $1 },
            annotations: annotations(slo, severity, alert))
    }

    static func annotations(_ slo: SLOSpec, _ severity: SLOSeverity, _ alert: SLOAlert) -> [String: String] {
        let pairs = slo.windows.filter { $0.severity == severity }.map {
            "\(SLOMath.number(slo.factor($0)))x over \(SLODuration.format($0.longMilliseconds))"
                + " and \(SLODuration.format($0.shortMilliseconds))"
        }
        var out = [
            "title":
                "(\(severity.rawValue)) {{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is too fast.",
            "summary": "{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is over expected.",
            "description":
                "The \(slo.service) \(slo.name) SLO (\(SLOMath.number(slo.objective))% over \(slo.periodText))"
                + " burns its error budget too fast: " + pairs.joined(separator: ", or ") + ".",
        ]
        out.merge(slo.annotations) { $1 }
        out.merge(alert.annotations) { $1 }
        return out
    }

    // MARK: YAML

    static func yamlString(_ s: String) -> String {
        var out: [UInt8] = []
        JSONWriter.writeString(s, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func yamlKey(_ s: String) -> String {
        YAMLSpecLoader.isLabelName(s) ? s : yamlString(s)
    }

    /// A scalar after `key: `: a literal block for multi-line text, else a double-quoted string.
    static func yamlValue(_ s: String, indent: Int) -> String {
        let lines = s.split(separator: "\n", omittingEmptySubsequences: false)
        let blockSafe =
            lines.count > 1 && !s.hasSuffix("\n") && !(lines.first?.hasPrefix(" ") ?? true)
            && lines.allSatisfy { !$0.hasSuffix(" ") && !$0.contains("\t") && !$0.isEmpty }
        guard blockSafe else { return yamlString(s) }
        let pad = String(repeating: " ", count: indent)
        return "|-\n" + lines.map { pad + $0 }.joined(separator: "\n")
    }

    static func yamlMap(_ key: String, _ map: [String: String], indent: Int) -> String {
        if map.isEmpty { return "" }
        let pad = String(repeating: " ", count: indent)
        var out = pad + key + ":\n"
        for (k, v) in map.sorted(by: { $0.key < $1.key }) {
            out += pad + "  " + yamlKey(k) + ": " + yamlValue(v, indent: indent + 4) + "\n"
        }
        return out
    }

    static func ruleFile(_ groups: [PromRuleGroup], slo: SLOSpec) -> String {
        var out = "# Code generated by llmdash from the SLO \(slo.id). DO NOT EDIT.\ngroups:\n"
        for group in groups {
            out += "  - name: \(yamlString(group.name))\n    rules:\n"
            for rule in group.rules {
                if let record = rule.record { out += "      - record: \(yamlString(record))\n" }
                if let alert = rule.alert { out += "      - alert: \(yamlString(alert))\n" }
                out += "        expr: " + yamlValue(rule.expr, indent: 10) + "\n"
                out += yamlMap("labels", rule.labels, indent: 8)
                out += yamlMap("annotations", rule.annotations, indent: 8)
            }
        }
        return out
    }
}

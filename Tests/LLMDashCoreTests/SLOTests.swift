import Foundation
import LLMDashCore
import PromQL
import Testing
import Yams

/// SLO specs: the workbook's numbers, Sloth-compatible rules, and bad specs at file:line:column.
@Suite struct SLOTests {
    static func load(_ yaml: String) -> (slos: [SLOSpec], diagnostics: [LLMDashCore.Diagnostic]) {
        let (documents, diagnostics) = YAMLSpecLoader.load(SourceFile(path: "slo.yaml", text: yaml))
        var slos: [SLOSpec] = []
        for case .slo(let slo) in documents { slos.append(slo) }
        return (slos, diagnostics)
    }

    static func spec(objective: String = "99.9", period: String = "30d", sli: String? = nil, extra: String = "")
        -> String
    {
        """
        apiVersion: llmdash/v1
        kind: SLO
        metadata: {name: availability, service: chat}
        spec:
          objective: \(objective)
          period: \(period)
          labels: {team: llm}
          sli:
            \(sli ?? "errors: {backend: vllm}")
        \(extra)
        """
    }

    static func near(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(b)) }

    /// `line:column` of the first occurrence of `marker` in `text`.
    static func position(of marker: String, in text: String) -> String {
        guard let range = text.range(of: marker) else { return "?" }
        let before = text[..<range.lowerBound]
        let line = before.filter { $0 == "\n" }.count + 1
        let lineStart = before.lastIndex(of: "\n").map { text.index(after: $0) } ?? text.startIndex
        return "\(line):\(text.utf8.distance(from: lineStart, to: range.lowerBound) + 1)"
    }

    static func errors(_ diagnostics: [LLMDashCore.Diagnostic]) -> [String] {
        diagnostics.filter { $0.severity == .error }.map { d in
            d.location.map { "\($0.line):\($0.column)" } ?? "-"
        }
    }

    // MARK: Numbers

    @Test func workbookNumbersFor999Over30Days() throws {
        let (slos, diagnostics) = Self.load(Self.spec())
        #expect(diagnostics.isEmpty)
        let slo = try #require(slos.first)
        #expect(Self.near(slo.errorBudget, 0.001))
        #expect(Self.near(slo.objectiveRatio, 0.999))
        #expect(Self.near(slo.periodDays, 30))
        let factors = slo.windows.map(slo.factor)
        #expect(factors.count == 4)
        for (got, want) in zip(factors, [14.4, 6, 3, 1]) { #expect(Self.near(got, want), "\(got) vs \(want)") }
        let pairs = slo.windows.map {
            "\($0.severity.rawValue) \(SLODuration.format($0.longMilliseconds))/\(SLODuration.format($0.shortMilliseconds))"
        }
        #expect(pairs == ["page 1h/5m", "page 6h/30m", "ticket 1d/2h", "ticket 3d/6h"])
        #expect(slo.recordedWindows.map(SLODuration.format) == ["5m", "30m", "1h", "2h", "6h", "1d", "3d"])
        // Share of the budget spent when each alert fires: 2 %, 5 %, 10 %, 10 %.
        for (window, share) in zip(slo.windows, [0.02, 0.05, 0.1, 0.1]) {
            let spent = slo.factor(window) * Double(window.longMilliseconds) / Double(slo.periodMilliseconds)
            #expect(Self.near(spent, share))
        }
    }

    @Test func factorsScaleWithThePeriod() throws {
        let slo = try #require(Self.load(Self.spec(period: "28d")).slos.first)
        for (got, want) in zip(slo.windows.map(slo.factor), [13.44, 5.6, 2.8, 0.9333333333333333]) {
            #expect(Self.near(got, want), "\(got) vs \(want)")
        }
        #expect(slo.periodText == "4w")
        #expect(SLODuration.format(7 * SLODuration.day) == "1w")
        #expect(SLODuration.parse("1h30m") == 90 * SLODuration.minute)
        #expect(SLODuration.parse("30x") == nil)
    }

    // MARK: Rules

    static func rules(_ yaml: String) throws -> (SLOSpec, [String: Any], String) {
        let slo = try #require(Self.load(yaml).slos.first)
        let (diagnostics, files) = SLORules.compile(slo)
        #expect(!diagnostics.hasErrors)
        let ruleFile = try #require(files.first { $0.path == SLORules.rulePath(slo) })
        let text = String(decoding: ruleFile.contents, as: UTF8.self)
        let parsed = try #require(try Yams.load(yaml: text) as? [String: Any])
        return (slo, parsed, text)
    }

    @Test func slothRecordsLabelsAndAlerts() throws {
        let (slo, parsed, _) = try Self.rules(Self.spec())
        #expect(SLORules.rulePath(slo) == "rules/chat/availability.yaml")
        let groups = try #require(parsed["groups"] as? [[String: Any]])
        #expect(
            groups.map { $0["name"] as? String } == [
                "sloth-slo-sli-recordings-chat-availability", "sloth-slo-meta-recordings-chat-availability",
                "sloth-slo-alerts-chat-availability",
            ])
        let rules = groups.map { ($0["rules"] as? [[String: Any]]) ?? [] }
        #expect(
            rules[0].compactMap { $0["record"] as? String } == [
                "slo:sli_error:ratio_rate5m", "slo:sli_error:ratio_rate30m", "slo:sli_error:ratio_rate1h",
                "slo:sli_error:ratio_rate2h", "slo:sli_error:ratio_rate6h", "slo:sli_error:ratio_rate1d",
                "slo:sli_error:ratio_rate3d", "slo:sli_error:ratio_rate30d",
            ])
        #expect(
            rules[1].compactMap { $0["record"] as? String } == [
                "slo:objective:ratio", "slo:error_budget:ratio", "slo:time_period:days", "slo:current_burn_rate:ratio",
                "slo:period_burn_rate:ratio", "slo:period_error_budget_remaining:ratio", "sloth_slo_info",
            ])
        let first = try #require(rules[0].first?["labels"] as? [String: String])
        #expect(
            first == [
                "sloth_id": "chat-availability", "sloth_service": "chat", "sloth_slo": "availability",
                "sloth_window": "5m", "team": "llm",
            ])
        let meta = try #require(rules[1].first?["labels"] as? [String: String])
        #expect(meta["sloth_window"] == nil && meta["sloth_id"] == "chat-availability")
        for rule in rules.joined() {
            let expr = try #require(rule["expr"] as? String)
            #expect(PromQL.parse(expr).isValid, "\(expr)")
        }
        let alerts = rules[2]
        #expect(alerts.compactMap { $0["alert"] as? String } == ["ChatAvailabilityPage", "ChatAvailabilityTicket"])
        #expect(alerts.allSatisfy { $0["for"] == nil })
        // Thresholds "(factor * budget)" compared numerically: 14.4 and 6 for the page, 3 and 1 for the ticket.
        for (alert, want) in zip(alerts, [[14.4, 14.4, 6, 6], [3, 3, 1, 1]]) {
            let expr = try #require(alert["expr"] as? String)
            let pattern = /\(([0-9.e+-]+) \* ([0-9.e+-]+)\)/
            let found = expr.matches(of: pattern).map { (Double($0.1) ?? 0, Double($0.2) ?? 0) }
            #expect(found.count == want.count)
            for ((factor, budget), wanted) in zip(found, want) {
                #expect(Self.near(factor, wanted))
                #expect(Self.near(budget, 0.001))
            }
            let annotations = try #require(alert["annotations"] as? [String: String])
            #expect(annotations["summary"] != nil && annotations["description"] != nil)
        }
        #expect((alerts[0]["labels"] as? [String: String])?["sloth_severity"] == "page")
    }

    @Test func latencySLIUsesThePortableBucketMatcher() throws {
        let sli = "latency: {backend: vllm, signal: ttft, below: 1s}"
        let (_, _, text) = try Self.rules(Self.spec(objective: "99", sli: sli))
        #expect(text.contains(#"vllm:time_to_first_token_seconds_bucket{le=~"1(\\.0)?"}[5m]"#))
        #expect(text.contains("vllm:time_to_first_token_seconds_count[5m]"))
        let (_, _, quarter) = try Self.rules(Self.spec(sli: "latency: {backend: vllm, signal: ttft, below: 250ms}"))
        #expect(quarter.contains(#"le=~"0\\.25""#))
        #expect(SLOBuckets.leRegex(2.5) == #"2\\.5"#)
    }

    @Test func ratioSLIAndOverriddenWindows() throws {
        let sli = "ratio: {errors: 'sum(rate(x_errors_total[{{.window}}]))', total: 'sum(rate(x_total[{{.window}}]))'}"
        let extra = """
              alerting:
                page: {name: FastBurn, labels: {severity: critical}}
                ticket: {disable: true}
                windows:
                  - {severity: page, long: 1h, short: 5m, budget: 5}
            """
        let (slo, parsed, text) = try Self.rules(Self.spec(period: "7d", sli: sli, extra: extra))
        #expect(slo.ticket == nil)
        #expect(Self.near(slo.factor(slo.windows[0]), 8.4))
        #expect(text.contains("sum(rate(x_errors_total[1h]))"))
        #expect(text.contains("slo:sli_error:ratio_rate1w"))
        let groups = try #require(parsed["groups"] as? [[String: Any]])
        let alerts = (groups.last?["rules"] as? [[String: Any]]) ?? []
        #expect(alerts.compactMap { $0["alert"] as? String } == ["FastBurn"])
    }

    @Test func unknownBucketsOfOtherBackendsAreAWarning() throws {
        let (slos, diagnostics) = Self.load(Self.spec(sli: "latency: {backend: tgi, signal: e2e, below: 2s}"))
        #expect(slos.count == 1)
        #expect(diagnostics.map(\.id) == ["lint.slo-bucket"])
        #expect(diagnostics.allSatisfy { $0.severity == .warning })
    }

    // MARK: Bad specs

    @Test(arguments: ["100", "0", "-5", "100.5"])
    func objectiveOutOfRange(_ objective: String) {
        let yaml = Self.spec(objective: objective)
        let (slos, diagnostics) = Self.load(yaml)
        #expect(slos.isEmpty)
        #expect(Self.errors(diagnostics) == [Self.position(of: "\(objective)\n", in: yaml)])
    }

    @Test func thresholdThatIsNotABucket() {
        let yaml = Self.spec(sli: "latency: {backend: vllm, signal: ttft, below: 0.6s}")
        let (_, diagnostics) = Self.load(yaml)
        #expect(Self.errors(diagnostics) == [Self.position(of: "0.6s", in: yaml)])
        #expect(diagnostics.first?.notes.first == "nearest buckets: 0.5s, 0.75s")
    }

    @Test func windowLongerThanThePeriod() {
        let yaml = Self.spec(period: "1d")
        let (_, diagnostics) = Self.load(yaml)
        #expect(Self.errors(diagnostics) == [Self.position(of: "1d", in: yaml)])
        let own = Self.spec(
            period: "2d",
            extra: """
                  alerting:
                    windows:
                      - {severity: ticket, long: 3d, short: 6h, budget: 10}
                """)
        #expect(Self.errors(Self.load(own).diagnostics) == [Self.position(of: "3d", in: own)])
    }

    @Test func unknownSignalAndUnknownKeys() {
        let yaml = Self.spec(sli: "latency: {backend: vllm, signal: ttfb, below: 1s}")
        let (_, diagnostics) = Self.load(yaml)
        #expect(Self.errors(diagnostics) == [Self.position(of: "ttfb", in: yaml)])
        #expect(diagnostics.first?.notes.contains("did you mean 'ttft'?") == true)
        let keys = Self.spec(extra: "  budget: 3\n")
        #expect(Self.errors(Self.load(keys).diagnostics) == [Self.position(of: "budget", in: keys)])
        let sliKey = Self.spec(sli: "errors: {backend: vllm, job: x}")
        #expect(Self.errors(Self.load(sliKey).diagnostics) == [Self.position(of: "job", in: sliKey)])
        let notHistogram = Self.spec(sli: "latency: {backend: vllm, signal: running, below: 1s}")
        #expect(Self.errors(Self.load(notHistogram).diagnostics) == [Self.position(of: "running", in: notHistogram)])
    }

    @Test func ratioQueriesNeedTheWindowPlaceholder() {
        let yaml = Self.spec(sli: "ratio: {errors: 'sum(rate(e[5m]))', total: 'sum(rate(t[{{.window}}])'}")
        let (_, diagnostics) = Self.load(yaml)
        #expect(
            Self.errors(diagnostics) == [
                Self.position(of: "'sum(rate(e", in: yaml), Self.position(of: "'sum(rate(t", in: yaml),
            ])
    }

    @Test func duplicateSLOsAcrossFiles() {
        let yaml = Self.spec()
        let result = Compiler.build(files: [
            SourceFile(path: "a.yaml", text: yaml), SourceFile(path: "b.yaml", text: yaml),
        ])
        #expect(result.files.isEmpty)
        let duplicate = result.diagnostics.filter { $0.id == "spec.duplicate-slo" }
        #expect(duplicate.count == 1)
        #expect(duplicate.first?.location?.file == "b.yaml")
    }

    @Test func buildWritesRulesAndTests() {
        let result = Compiler.build(files: [SourceFile(path: "slo.yaml", text: Self.spec())])
        #expect(!result.diagnostics.hasErrors)
        #expect(
            result.files.map(\.path) == ["rules/chat/availability.test.yaml", "rules/chat/availability.yaml"])
    }

    @Test func labelAndAnnotationNames() {
        let yaml = Self.spec(
            extra: """
                  alerting:
                    annotations: {runbook-url: x}
                    page: {labels: {sloth_severity: x}}
                """
        ).replacing("labels: {team: llm}", with: "labels: {9team: llm}")
        #expect(
            Self.errors(Self.load(yaml).diagnostics) == [
                Self.position(of: "9team", in: yaml), Self.position(of: "runbook-url", in: yaml),
                Self.position(of: "sloth_severity", in: yaml),
            ])
    }
}

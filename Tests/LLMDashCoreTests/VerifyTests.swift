import LLMDashCore
import TestSupport
import Testing

/// The pure parts of `llmdash verify` and `llmdash synth`: variable interpolation, `label_values` parsing,
/// conditions, the query plan of the templates, and the synthetic fleet's coverage of the catalogue.
@Suite struct VerifyTests {
    static func values() -> VariableValues {
        var v = VariableValues(rateInterval: 60, interval: 15, range: 3600, timeMilliseconds: 1_796_040_000_000)
        v.set("model", ["llama-3.1-8b", "qwen2.5-7b"], regex: true)
        v.set("one", ["a.b"], regex: true)
        v.set("instance", ["vllm-0:8000"], regex: false)
        v.set("usd", ["2.50"], regex: false)
        return v
    }

    @Test(arguments: [
        (
            #"rate(x{model=~"$model"}[$__rate_interval])"#,
            #"rate(x{model=~"(llama-3\\.1-8b|qwen2\\.5-7b)"}[60s])"#
        ),
        (#"x{m=~"${one}"}"#, #"x{m=~"a\\.b"}"#),
        (#"x{instance="$instance"} * $usd"#, #"x{instance="vllm-0:8000"} * 2.50"#),
        (#"x{m=~"${model:pipe}"}"#, #"x{m=~"llama-3.1-8b|qwen2.5-7b"}"#),
        (#"x{m=~"[[model]]"}"#, #"x{m=~"(llama-3\\.1-8b|qwen2\\.5-7b)"}"#),
        ("increase(x[$__range]) / $__range_s", "increase(x[3600s]) / 3600"),
        (#"label_replace(x, "a", "$1", "b", "(.*)")"#, #"label_replace(x, "a", "$1", "b", "(.*)")"#),
    ])
    func interpolation(query: String, expected: String) {
        let (out, missing) = Interpolation.apply(query, Self.values())
        #expect(out == expected)
        #expect(missing.isEmpty)
    }

    @Test func undefinedVariablesAreNamed() {
        let (_, missing) = Interpolation.apply(#"x{a="$nope", b="$nope", c="$model"}"#, Self.values())
        #expect(missing == ["nope"])
    }

    @Test func regexEscapeDoublesForTheStringLiteral() {
        #expect(Interpolation.regexEscape("a.b(c)|d") == #"a\\.b\\(c\\)\\|d"#)
        #expect(Interpolation.regexEscape("plain-name_1") == "plain-name_1")
    }

    @Test(
        arguments: [
            ("label_values(instance)", nil, "instance"),
            ("label_values(vllm:num_requests_running, model_name)", "vllm:num_requests_running", "model_name"),
            (
                #" label_values(x{a=~"b,c", d="e"}, instance) "#, #"x{a=~"b,c", d="e"}"#, "instance"
            ),
        ] as [(String, String?, String)])
    func labelValuesQueries(query: String, selector: String?, label: String) {
        let parsed = Interpolation.labelValues(query)
        #expect(parsed == Interpolation.LabelValuesQuery(selector: selector, label: label))
    }

    @Test(arguments: ["query_result(up)", "label_values()", "label_values(x, )", "label_values(x, a-b)", "metrics(.*)"])
    func otherVariableQueriesAreNotLabelValues(query: String) {
        #expect(Interpolation.labelValues(query) == nil)
    }

    @Test(arguments: [
        ("changes(x[2m]) > 0", true),
        ("(a > b) or (a < c)", true),
        ("a and b", true),
        ("a > bool 1", false),
        ("sum(a) / (sum(b) > 0)", false),
        ("a or b", false),
    ])
    func conditions(query: String, isCondition: Bool) {
        #expect(VerifyQuery.isCondition(query) == isCondition)
    }

    @Test func theTemplatesPlan() {
        let plan = VerifyPlan.load(paths: [RepoPaths.templates.path])
        #expect(!plan.diagnostics.hasErrors)
        let built = Compiler.build(paths: [RepoPaths.templates.path]).files.filter { $0.path.hasPrefix("dashboards/") }
        #expect(plan.dashboards.count == built.count)
        #expect(
            plan.ruleFiles.map(\.path) == [
                "rules/chat/availability.yaml", "rules/chat/ttft.yaml", "rules/dashboard-vllm-serving.yaml",
            ])
        // Where the dashboard opted into recording rules, the plan runs the queries Grafana runs.
        let recordedQueries = plan.dashboards.first { $0.uid == "vllm-serving" }?.queries.filter {
            $0.expr.contains(":rate5m")
        }
        #expect(recordedQueries?.isEmpty == false)
        let alerts = plan.ruleFiles.flatMap(\.queries).filter { $0.kind == .alert }.map(\.title)
        #expect(alerts == ["ChatAvailabilityPage", "ChatAvailabilityTicket", "ChatTTFTPage", "ChatTTFTTicket"])
        let serving = plan.dashboards.first { $0.uid == "vllm-serving" }
        #expect(serving?.variables.map(\.name) == ["datasource", "model_name", "instance"])
        let panels = Set(
            plan.dashboards.flatMap { d in d.queries.filter { $0.kind == .panel }.map { d.uid + $0.group } })
        let logs = plan.dashboards.flatMap(\.queries).filter { $0.kind == .skipped }.count
        #expect(logs == 2)
        #expect(panels.count + logs == Self.builtPanelsWithTargets())
        #expect(plan.dashboards.flatMap(\.queries).allSatisfy { $0.location != nil })
    }

    /// Panels with a non-empty `targets` list in the dashboards a build of the templates writes.
    static func builtPanelsWithTargets() -> Int {
        let build = Compiler.build(paths: [RepoPaths.templates.path])
        let needle = Array("\"targets\": [\n".utf8)
        var count = 0
        for file in build.files where file.path.hasPrefix("dashboards/") {
            let bytes = file.contents
            var i = 0
            while i + needle.count <= bytes.count {
                if bytes[i] == needle[0] && Array(bytes[i..<(i + needle.count)]) == needle { count += 1 }
                i += 1
            }
        }
        return count
    }

    @Test func invalidSpecsStopThePlan() {
        let plan = VerifyPlan.load(paths: ["/no/such/folder"])
        #expect(plan.diagnostics.hasErrors)
        #expect(plan.dashboards.isEmpty)
    }
}

@Suite struct SyntheticFleetTests {
    static let options = SynthOptions(
        end: 1_796_040_000, history: 600, baselineOffset: 86400, baselineSpan: 120, burst: 300)

    @Test func everyCatalogueMetricOfTheFleetIsWritten() {
        let names = Set(SyntheticFleet.generate(Self.options).map(\.name))
        for backend in SynthOptions.templateBackends {
            let catalog = Catalog.backend(backend)
            for m in catalog.signals.flatMap(\.source.metrics) + catalog.otherMetrics {
                let name = m.type == .histogram ? m.name + "_bucket" : m.name
                #expect(names.contains(name), "\(backend.rawValue): \(name)")
            }
        }
    }

    @Test func sameOptionsSameBytes() {
        let a = SyntheticFleet.openMetrics(Self.options)
        #expect(a == SyntheticFleet.openMetrics(Self.options))
        var other = Self.options
        other.seed = 7
        #expect(a != SyntheticFleet.openMetrics(other))
        #expect(a.suffix(6) == Array("# EOF\n".utf8))
    }

    @Test func samplesAreOnStepsAndCountersNeverFall() {
        let series = SyntheticFleet.generate(Self.options)
        let times = SyntheticFleet.times(Self.options)
        let end: Int64 = 1_796_040_000
        #expect(times.first == end - 86400 - 120)
        #expect(times.last == end)
        #expect(times.count == 5 + 21)
        for s in series where s.name.hasSuffix("_total") || s.name.hasSuffix("_bucket") {
            #expect(zip(s.values, s.values.dropFirst()).allSatisfy { $0 <= $1 }, "\(s.name) falls")
        }
    }

    @Test func theBurstRaisesTheErrorRatio() {
        let series = SyntheticFleet.generate(
            SynthOptions(end: 1_796_040_000, history: 7200, burst: 1800, backends: [.vllm]))
        func total(_ reasons: Set<String>) -> (before: Double, during: Double) {
            let matching = series.filter {
                $0.name == "vllm:request_success_total"
                    && $0.labels.contains { $0.0 == "finished_reason" && reasons.contains($0.1) }
            }
            // Counter increase before the burst (the first 1.5 h) and during it (the last 30 min).
            let start = SyntheticFleet.times(SynthOptions(end: 1_796_040_000, history: 7200, burst: 1800))
            let split = start.firstIndex { $0 > 1_796_040_000 - 1800 }! - 1
            var before = 0.0
            var during = 0.0
            for s in matching {
                let firstRecent = start.firstIndex { $0 >= 1_796_040_000 - 7200 }!
                before += s.values[split] - s.values[firstRecent]
                during += s.values[s.values.count - 1] - s.values[split]
            }
            return (before, during)
        }
        let failed = total(["abort", "error"])
        let all = total(["abort", "error", "stop", "length"])
        #expect(failed.before / all.before < 0.01)
        #expect(failed.during / all.during > 0.15)
    }

    @Test(arguments: [
        (SynthOptions(end: 0, step: 0), "the step must be at least 1s"),
        (SynthOptions(end: 0, history: 3600, baselineOffset: 1800), "the baseline offset must be longer"),
        (SynthOptions(end: 0, history: 3600, burst: 7200), "the burst must start within the history"),
        (SynthOptions(end: 0, burstErrorRatio: 2), "the burst error ratio must be between 0 and 1"),
        (SynthOptions(end: 0, backends: []), "at least one backend is needed"),
    ])
    func badOptions(options: SynthOptions, message: String) {
        #expect(options.problems.contains { $0.hasPrefix(message) }, "\(options.problems)")
    }
}

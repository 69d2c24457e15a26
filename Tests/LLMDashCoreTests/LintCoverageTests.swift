import Foundation
import TestSupport
import Testing

@testable import LLMDashCore

/// The analyses behind the lints, and what llmdash itself writes: generated panels, shipped templates and
/// catalogue units must all be lint-clean.
@Suite struct LintCoverageTests {
    struct Labels: Sendable, CustomTestStringConvertible {
        var query: String
        /// Labels the result certainly lacks, and labels it may have.
        var absent: [String]
        var possible: [String]
        var testDescription: String { query }
    }

    static let labels: [Labels] = [
        Labels(query: "x", absent: [], possible: ["job", "le", "__name__"]),
        Labels(query: "sum(x)", absent: ["job"], possible: []),
        Labels(query: "sum by (job) (x)", absent: ["instance"], possible: ["job"]),
        Labels(query: "sum by (job) (sum by (instance) (x))", absent: ["job", "instance"], possible: []),
        Labels(query: "sum without (instance) (x)", absent: ["instance", "__name__"], possible: ["job"]),
        Labels(query: "histogram_quantile(0.9, rate(x_bucket[5m]))", absent: ["le"], possible: ["job"]),
        Labels(query: "histogram_quantile(0.9, sum by (le, job) (x))", absent: ["le", "pod"], possible: ["job"]),
        Labels(query: "topk(3, sum by (job) (x))", absent: ["pod"], possible: ["job"]),
        Labels(query: "topk by (job) (3, x)", absent: [], possible: ["pod"]),
        Labels(query: "count_values(\"value\", sum by (job) (x))", absent: ["job"], possible: ["value"]),
        Labels(query: "count_values by (job) (\"value\", x)", absent: ["pod"], possible: ["job", "value"]),
        Labels(query: "label_replace(sum(x), \"dst\", \"a\", \"\", \"\")", absent: ["job"], possible: ["dst"]),
        Labels(query: "sum by (job) (x) / on (job) group_left (version) info", absent: ["pod"], possible: ["version"]),
        Labels(query: "sum by (job) (x) / ignoring (job) sum(x)", absent: ["job"], possible: []),
        Labels(query: "sum by (job) (x) / sum by (pod) (y)", absent: ["job", "pod"], possible: []),
        Labels(query: "sum by (job) (x) or sum by (pod) (y)", absent: ["le"], possible: ["job", "pod"]),
        Labels(query: "sum by (job) (x) or y", absent: [], possible: ["le", "pod"]),
        Labels(query: "sum by (job) (x) and y", absent: ["pod"], possible: ["job"]),
        Labels(query: "sum by (job) (x) * 2", absent: ["pod"], possible: ["job"]),
        Labels(query: "abs(sum by (job) (x))", absent: ["pod"], possible: ["job"]),
        Labels(query: "vector(1)", absent: ["job"], possible: []),
        Labels(query: "absent(x{job=\"a\"})", absent: [], possible: ["job"]),
        Labels(query: "sum by ($group) (x)", absent: [], possible: ["job", "pod"]),
        Labels(query: "label_replace(sum(x), \"$dst\", \"a\", \"\", \"\")", absent: [], possible: ["job"]),
    ]

    @Test(arguments: labels) func labelsOfAResult(_ c: Labels) throws {
        let bound = try #require(LabelAnalysis.bound(ofQuery: c.query, variables: ["group", "dst"]))
        for label in c.absent { #expect(bound.absence(of: label) != nil, "\(label) must be absent") }
        for label in c.possible { #expect(bound.absence(of: label) == nil, "\(label) may be present") }
    }

    @Test func legendLabels() {
        #expect(LegendLabelLint.legendLabels("{{model_name}} p99") == ["model_name"])
        #expect(LegendLabelLint.legendLabels("{{ a }}/{{b}} {{a}}") == ["a", "b"])
        #expect(LegendLabelLint.legendLabels("{{gen_ai.system}} {{1x}} {{") == [])
        #expect(LegendLabelLint.legendLabels("__auto").isEmpty)
    }

    @Test func metricKinds() {
        #expect(MetricKnowledge.kind(of: "vllm:num_requests_running") == .gauge)
        #expect(MetricKnowledge.kind(of: "tgi_request_count") == .counter)
        #expect(MetricKnowledge.kind(of: "vllm:e2e_request_latency_seconds_bucket") == .counter)
        #expect(MetricKnowledge.kind(of: "nv_inference_pending_request_count") == .gauge)
        #expect(MetricKnowledge.kind(of: "llamacpp:n_tokens_max") == .gauge)
        #expect(MetricKnowledge.kind(of: "node_network_receive_bytes_total") == .counter)
        #expect(MetricKnowledge.kind(of: "process_resident_memory_bytes") == nil)
        #expect(MetricKnowledge.exported(by: .ray).contains("ray_vllm_prompt_tokens_cached_total"))
    }

    @Test(arguments: UnitCase.all) func unitsOfTheCatalogueAreValid(_ c: UnitCase) {
        #expect(UnknownUnitLint.problem(with: c.unit) == nil, "\(c.unit)")
    }

    struct UnitCase: Sendable, CustomTestStringConvertible {
        var unit: String
        var testDescription: String { unit }

        /// Units that panels take from the catalogue (raw metric units such as DCGM's `mJ` are not shown).
        static let all: [UnitCase] = {
            var units: [String] = []
            for catalog in Catalog.all {
                for unit in catalog.signals.map(\.unit) where !units.contains(unit) { units.append(unit) }
            }
            return units.map { UnitCase(unit: $0) }
        }()
    }

    @Test func unitProblems() {
        #expect(UnknownUnitLint.problem(with: "si:Mtok") != nil)
        #expect(UnknownUnitLint.problem(with: "si:tok/s") == nil)
        #expect(UnknownUnitLint.problem(with: "si:k") == nil)
        #expect(UnknownUnitLint.problem(with: "suffix:") != nil)
        #expect(UnknownUnitLint.problem(with: "bool:yes/no") == nil)
        #expect(UnknownUnitLint.problem(with: "conμgm3") == nil)
        #expect(GrafanaUnits.ids.count == 272)
        #expect(GrafanaUnits.ids == GrafanaUnits.ids.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }

    /// The generated unit list matches Grafana's schema (when the shared folder is there to compare with).
    @Test func unitListMatchesTheSchema() throws {
        let url = RepoPaths.shared.appendingPathComponent("grafana-schema/units.jsonschema.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        let definitions = try #require(json?["definitions"] as? [String: [String: Any]])
        let ids = Set(definitions.values.compactMap { $0["const"] as? String })
        #expect(ids == GrafanaUnits.known)
    }

    /// Every signal panel of every backend, as the expander writes it, passes every lint.
    @Test(arguments: Backend.allCases) func generatedPanelsAreLintClean(_ backend: Backend) {
        var variables: [VariableSpec] = []
        for name in SignalExpander.standardVariableNames {
            if let variable = SignalExpander.standardVariable(name, backend: backend) { variables.append(variable) }
        }
        var price = VariableSpec(kind: .constant, name: "gpu_hourly_usd")
        price.query = "2.5"
        variables.append(price)
        let context = SignalContext(backend: backend, variables: variables)
        var spec = DashboardSpec(uid: "generated-\(backend.rawValue)", title: "Generated")
        spec.backend = backend
        spec.variables = variables
        var requests: [SignalPanelRequest] = []
        for kind in SignalPanelRequest.Kind.allCases {
            for signal in [nil] + SignalID.allCases.map(Optional.some) {
                for by in [[], ["model"]] {
                    var request = SignalPanelRequest(kind, signal: signal)
                    request.by = by
                    requests.append(request)
                }
            }
        }
        for mode in ["ratio", "by-reason", "http", "per-token", "energy", "spend"] {
            for kind in [SignalPanelRequest.Kind.errors, .cost] {
                var request = SignalPanelRequest(kind)
                request.mode = mode
                requests.append(request)
            }
        }
        var count = 0
        for (i, request) in requests.enumerated() {
            var request = request
            request.key = "p\(i)"
            let (panels, _) = SignalExpander.expand(request, in: context)
            spec.panels += panels
            count += panels.count
        }
        #expect(count > 10)
        let (resolved, _) = Resolver.resolve(spec)
        let found = Linter.lint(spec, resolved: resolved, file: nil, options: BuildOptions())
        #expect(found.isEmpty, "\(found.map { "\($0.message) \($0.notes.first ?? "")" })")
    }

    /// The shipped templates and the full fixture pass every lint: `llmdash check --strict` accepts them.
    @Test func shippedSpecsAreLintClean() {
        let paths = [
            RepoPaths.templates.path,
            RepoPaths.root.appendingPathComponent("Tests/LLMDashTests/Fixtures/full-dashboard.yaml").path,
        ]
        let report = Compiler.build(paths: paths)
        let lints = report.diagnostics.filter { $0.id.hasPrefix("lint.") }
        #expect(lints.isEmpty, "\(lints)")
        #expect(report.dashboards.count > 1)
    }
}

import Foundation
import LLMDash
import TestSupport
import Testing

/// Exemplars, logs, alert lists and the rest of the monitoring library: YAML and DSL give identical bytes,
/// including the provisioning file, and the output passes the Grafana schemas.
@Suite struct ObservabilityPanelTests {
    static var dsl: DashboardSpec {
        Dashboard(uid: "observability", title: "Observability", folder: "LLM", tags: ["llm", "vllm"], backend: .vllm) {
            Datasource("loki", type: .loki, url: "http://loki:3100", name: "Loki")
            Datasource("tempo", type: .tempo, url: "http://tempo:3200", name: "Tempo")
            Exemplars(datasource: "tempo", label: "trace_id")
            StandardVariables("datasource", "model")
            DatasourceVariable("logs", label: "Logs", plugin: "loki")
            StandardVariables("quantile")
            Deploys(deployment: "vllm.*", namespace: "llm")
            VersionChanges(label: "version", window: "5m")
            Row("Latency") {
                Latency(.ttft, percentiles: [50, 99])
                Heatmap.signal(.e2e)
                Latency(.itl).quantile(variable: "quantile").by("model")
            }
            Row("Traffic and users") {
                Traffic(.endpoint)
                Traffic(.region, label: "region")
                Users(label: "tenant")
                Feedback(up: "chat_feedback_up_total", down: "chat_feedback_down_total", window: "6h").by("model")
                GPU(.gpuUtil).by("model")
                GPU(.gpuMemoryUsed).by("model").join("pod")
            }
            Row("Failures") {
                Logs("Failed requests", datasource: "loki") {
                    #"{namespace="llm", app="vllm"} |~ "(?i)error|traceback" | model=~"$model""#
                }
                .maxLines(200).wrap(false)
                Logs("Gateway errors", datasource: "${logs}") {
                    #"{app="litellm"} | json | status_code >= 500"#
                }
                .order(.ascending).dedup(.exact)
                AlertList("Firing LLM alerts", states: [.firing, .pending])
                    .labels(["category": "llm-sli"]).labels(["service": "chat|embed"], regex: true)
                    .folder(uid: "llm", title: "LLM").limit(10).sort(.timeDesc)
            }
        }
        .spec
    }

    static let fixture = RepoPaths.root.appendingPathComponent(
        "Tests/LLMDashTests/Fixtures/observability-dashboard.yaml")

    @Test func dslAndYAMLGiveIdenticalBytes() {
        let fromYAML = Compiler.build(paths: [Self.fixture.path])
        let fromDSL = Compiler.build(dashboards: [Self.dsl])
        #expect(fromYAML.diagnostics.isEmpty, "\(fromYAML.diagnostics)")
        #expect(fromDSL.diagnostics.isEmpty, "\(fromDSL.diagnostics)")
        #expect(fromYAML.files.map(\.path) == fromDSL.files.map(\.path))
        #expect(fromYAML.files.count == 3)
        for (a, b) in zip(fromYAML.files, fromDSL.files) {
            #expect(
                String(decoding: a.contents, as: UTF8.self) == String(decoding: b.contents, as: UTF8.self), "\(a.path)")
        }
    }

    @Test func theOutputPassesTheSchemasAndTheQueryChecks() throws {
        let out = try Run.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try Run.llmdash(["check", Self.fixture.path, "--strict", "--no-output"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let build = try Run.llmdash(["build", Self.fixture.path, "--out", out.path])
        #expect(build.status == 0, "\(build.stderr)")
        let validation = try Run.grafanaValidate([out.path + "/dashboards"])
        #expect(validation.status == 0, "\(validation.stdout)")
        let provisioning = try String(
            contentsOf: out.appendingPathComponent("provisioning/datasources/prometheus.yaml"), encoding: .utf8)
        #expect(provisioning.contains("exemplarTraceIdDestinations:\n        - name: \"trace_id\"\n"))
        #expect(provisioning.contains("  - name: \"Loki\"\n    type: loki\n"))
    }

    @Test func dslMistakesPointAtTheSwiftCall() {
        let line = #line
        let spec = Dashboard(uid: "bad", title: "Bad", backend: .tgi) {
            StandardVariables("datasource")
            VersionChanges(label: "bad label")
            Logs("On Prometheus", datasource: "${datasource}") { #"{app="tgi"}"# }
            Logs("Broken", datasource: "loki") { #"{app="tgi"} |= "oops"# }
            Users()
            GPU(.gpuUtil).by("model")
            Feedback(up: "fb_up_total", down: "fb down")
        }
        .spec
        let result = Compiler.build(dashboards: [spec])
        let found = result.diagnostics.sortedByLocation().map { "\(($0.location?.line ?? 0) - line) \($0.id)" }
        #expect(
            found == [
                "3 spec.invalid-value", "4 spec.logs-datasource", "5 spec.logs-datasource", "5 logql.syntax",
                "6 signal.no-dimension", "7 signal.no-model-label", "8 spec.invalid-value",
            ])
        #expect(result.files.isEmpty)
    }

    /// The README's Swift example of the library panels builds cleanly.
    @Test func theReadmeGatewayExampleBuilds() throws {
        let gateway = Dashboard(uid: "chat-gateway", title: "Chat gateway", folder: "LLM", backend: .litellm) {
            Datasource("loki", type: .loki, url: "http://loki:3100")
            Datasource("tempo", type: .tempo, url: "http://tempo:3200")
            Exemplars(datasource: "tempo")
            StandardVariables("datasource", "model", "quantile")
            Deploys(deployment: "litellm.*")
            VersionChanges(label: "version")
            Row("Users") {
                Users(.user)
                Traffic(.endpoint)
                Feedback(up: "chat_feedback_positive_total", down: "chat_feedback_negative_total").by("model")
                Latency(.e2e).quantile(variable: "quantile").by("model")
            }
            Row("Failures") {
                Logs("Failed requests", datasource: "loki") { #"{app="litellm"} | json | status_code >= 500"# }
                AlertList("Firing LLM alerts", states: [.firing, .pending]).labels(["team": "llm"])
            }
        }
        let result = Compiler.build(dashboards: [gateway.spec])
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let file = try #require(result.files.first { $0.path == "dashboards/LLM/chat-gateway.json" })
        let text = String(decoding: file.contents, as: UTF8.self)
        #expect(text.contains(#""exemplar": true"#))
        #expect(text.contains(#""type": "alertlist""#))
    }
}

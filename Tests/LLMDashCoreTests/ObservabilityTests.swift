import Foundation
import LLMDashCore
import TestSupport
import Testing

/// Datasource declarations, exemplars, logs panels and alert lists: what they emit, and bad input located.
@Suite struct ObservabilityTests {
    static let header = """
        apiVersion: llmdash/v1
        kind: Dashboard
        metadata: {uid: demo, title: Demo}
        spec:
          backend: vllm
          datasources:
            - {uid: loki, type: loki, url: "http://loki:3100"}
            - {uid: tempo, type: tempo, url: "http://tempo:3200", name: Tempo}
          variables:
            - datasource
            - datasource: {name: logs, query: loki}

        """

    static func build(_ yaml: String) -> BuildResult {
        Compiler.build(files: [SourceFile(path: "spec.yaml", text: yaml)])
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var body: String
        /// `(marker, "severity id")`: where each finding must point, in order.
        var expected: [(String, String)]
        var testDescription: String { name }
    }

    static let bad: [Case] = [
        Case(
            name: "logs on the Prometheus datasource",
            body: "  panels:\n    - logs: {title: A, datasource: prometheus, expr: '{app=\"x\"}'}\n",
            expected: [("prometheus,", "error spec.logs-datasource")]),
        Case(
            name: "logs on a Prometheus datasource variable",
            body: "  panels:\n    - logs: {title: A, datasource: \"${datasource}\", expr: '{app=\"x\"}'}\n",
            expected: [("\"${datasource}", "error spec.logs-datasource")]),
        Case(
            name: "logs on a Tempo datasource",
            body: "  panels:\n    - logs: {title: A, datasource: tempo, expr: '{app=\"x\"}'}\n",
            expected: [("tempo, expr", "error spec.logs-datasource")]),
        Case(
            name: "logs on an undeclared datasource",
            body: "  panels:\n    - logs: {title: A, datasource: lok, expr: '{app=\"x\"}'}\n",
            expected: [("lok,", "error spec.logs-datasource")]),
        Case(
            name: "logs without a datasource",
            body: "  panels:\n    - logs: {title: A, expr: '{app=\"x\"}'}\n",
            expected: [("A,", "error spec.logs-datasource")]),
        Case(
            name: "LogQL: unterminated string, in a block scalar",
            body:
                "  panels:\n    - logs:\n        title: A\n        datasource: loki\n        expr: |\n          {app=\"x\"} |= \"oops\n",
            expected: [("\"oops", "error logql.syntax")]),
        Case(
            name: "LogQL: no stream selector",
            body: "  panels:\n    - logs: {title: A, datasource: loki, expr: 'rate({app=\"x\"}[5m])'}\n",
            expected: [("rate(", "error logql.syntax")]),
        Case(
            name: "LogQL: empty stream selector and an undefined variable",
            body: "  panels:\n    - logs: {title: A, datasource: \"${logs}\", expr: '{} |= \"$who\"'}\n",
            expected: [("{} |=", "error logql.syntax"), ("$who", "error logql.syntax")]),
        Case(
            name: "LogQL: unbalanced brackets",
            body:
                "  panels:\n    - logs: {title: A, datasource: loki, expr: '{app=\"x\"} | json)'}\n    - logs: {title: B, datasource: loki, expr: '{app=\"x\"'}\n",
            expected: [(")'}", "error logql.syntax"), ("{app=\"x\"'", "error logql.syntax")]),
        Case(
            name: "exemplars to Loki, with a bad label",
            body: "  exemplars: {datasource: loki, label: trace-id}\n",
            expected: [("loki, label", "error spec.exemplars"), ("loki, label", "error spec.exemplars")]),
        Case(
            name: "alert list: unknown state, bad label name, no items",
            body: "  panels:\n    - alertlist: {title: A, states: [firing, fring], labels: {bad-name: x}, limit: 0}\n",
            expected: [
                ("A,", "error spec.alertlist"), ("fring", "error spec.invalid-value"),
                ("bad-name", "error spec.alertlist"),
            ]),
    ]

    @Test(arguments: bad)
    func badInputIsLocated(_ c: Case) {
        let yaml = Self.header + c.body
        let result = Self.build(yaml)
        let expected = c.expected.map { "\(markerPosition(of: $0.0, in: yaml)) \($0.1)" }
        #expect(diagnosticSummary(result.diagnostics.sortedByLocation()) == expected)
        #expect(result.files.isEmpty)
    }

    @Test func aDatasourceDeclaredTwiceDifferentlyIsAnError() {
        let other = Self.header.replacingOccurrences(of: "uid: demo, title: Demo", with: "uid: other, title: Other")
            .replacingOccurrences(of: "http://loki:3100", with: "http://loki.other:3100")
        let dashboards = [Self.header, other].enumerated().compactMap { i, text -> DashboardSpec? in
            let (documents, _) = YAMLSpecLoader.load(SourceFile(path: "\(i).yaml", text: text + "  panels: []\n"))
            guard case .dashboard(let spec)? = documents.first else { return nil }
            return spec
        }
        let merged = Compiler.build(dashboards: dashboards)
        #expect(merged.diagnostics.map(\.id) == ["spec.datasource-conflict"])
        #expect(merged.diagnostics.first?.location?.file == "1.yaml")
        #expect(merged.diagnostics.first?.location?.line == 7)
    }

    @Test func declaredDatasourcesAreChecked() {
        let yaml = """
            apiVersion: llmdash/v1
            kind: Dashboard
            metadata: {uid: demo, title: Demo}
            spec:
              datasources:
                - {uid: z, type: zipkin, url: "http://z"}
                - {uid: prometheus, type: loki, url: "http://loki"}
                - {uid: loki, type: loki, url: ""}
                - {uid: loki, type: loki, url: "http://loki"}
                - {uid: prom2, type: prometheus, url: "http://p"}
            """
        let result = Self.build(yaml)
        #expect(
            diagnosticSummary(result.diagnostics.sortedByLocation()) == [
                "\(markerPosition(of: "zipkin", in: yaml)) error spec.invalid-value",
                "\(markerPosition(of: "prometheus,", in: yaml)) error spec.datasource",
                "\(markerPosition(of: "loki, type", in: yaml)) error spec.datasource",
                "\(markerPosition(of: "loki, type", occurrence: 2, in: yaml)) error spec.datasource",
                "\(markerPosition(of: "prom2", in: yaml)) error spec.datasource",
            ])
    }

    @Test func provisioningCarriesExemplarDestinationsAndDeclaredDatasources() throws {
        var spec = DashboardSpec(uid: "x", title: "X")
        spec.datasources = [
            DatasourceDeclaration(uid: "tempo", type: .tempo, url: "http://tempo:3200", name: "Tempo"),
            DatasourceDeclaration(uid: "loki", type: .loki, url: "http://loki:3100"),
        ]
        spec.exemplars = ExemplarSpec(datasource: "tempo", label: "traceID", urlDisplayLabel: "Trace ${__value.raw}")
        let result = Compiler.build(dashboards: [spec])
        #expect(result.diagnostics.isEmpty)
        let file = try #require(result.files.first { $0.path == "provisioning/datasources/prometheus.yaml" })
        let text = String(decoding: file.contents, as: UTF8.self)
        #expect(
            text.hasSuffix(
                """
                      timeInterval: "15s"
                      exemplarTraceIdDestinations:
                        - name: "traceID"
                          datasourceUid: "tempo"
                          urlDisplayLabel: "Trace $${__value.raw}"
                  - name: "loki"
                    type: loki
                    uid: "loki"
                    access: proxy
                    url: "http://loki:3100"
                    editable: false
                  - name: "Tempo"
                    type: tempo
                    uid: "tempo"
                    access: proxy
                    url: "http://tempo:3200"
                    editable: false

                """))
    }

    @Test func withoutExemplarsTheDatasourceFileIsUnchanged() throws {
        let result = Compiler.build(dashboards: [DashboardSpec(uid: "x", title: "X")])
        let file = try #require(result.files.first { $0.path == "provisioning/datasources/prometheus.yaml" })
        let text = String(decoding: file.contents, as: UTF8.self)
        #expect(!text.contains("exemplar"))
        #expect(text.components(separatedBy: "- name:").count == 2)
    }

    @Test func latencyTargetsAskForExemplarsOnlyWhenTracesAreLinked() throws {
        let panel = "  rows:\n    - title: L\n      panels:\n        - latency: {signal: ttft, percentiles: [99]}\n"
        func exemplar(_ yaml: String) throws -> Any? {
            let result = Self.build(yaml)
            #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
            let file = try #require(result.files.first { $0.path.hasPrefix("dashboards/") })
            let json = try #require(try JSONSerialization.jsonObject(with: Data(file.contents)) as? [String: Any])
            let panels = try #require(json["panels"] as? [[String: Any]])
            let target = try #require((panels.last?["targets"] as? [[String: Any]])?.first)
            return target["exemplar"]
        }
        #expect(try exemplar(Self.header + "  exemplars: tempo\n" + panel) as? Bool == true)
        #expect(try exemplar(Self.header + panel) == nil)
    }

    /// Signal-level library panels and event annotations: `(backend, entries, marker → finding)`; an empty
    /// expectation means the spec must build cleanly, with no warning either.
    struct LibraryCase: Sendable, CustomTestStringConvertible {
        var name: String
        var backend: String
        var variables: String = "[datasource, model]"
        var entries: String
        var expected: [(String, String)] = []
        var testDescription: String { name }
    }

    static let library: [LibraryCase] = [
        LibraryCase(
            name: "users on litellm", backend: "litellm", entries: "panels: [users: {}, users: {dimension: team}]"),
        LibraryCase(
            name: "users on vllm: no user label", backend: "vllm", entries: "panels: [users: {dimension: user}]",
            expected: [("{dimension", "error signal.no-dimension")]),
        LibraryCase(name: "users on vllm with a label", backend: "vllm", entries: "panels: [users: {label: tenant}]"),
        LibraryCase(
            name: "endpoint traffic on sglang", backend: "sglang", entries: "panels: [traffic: {dimension: endpoint}]"),
        LibraryCase(
            name: "endpoint traffic on tgi", backend: "tgi", variables: "[datasource]",
            entries: "panels: [traffic: {dimension: endpoint}]", expected: [("{dimension", "error signal.no-dimension")]
        ),
        LibraryCase(
            name: "region traffic needs a label", backend: "litellm", entries: "panels: [traffic: {dimension: region}]",
            expected: [("{dimension", "error signal.no-dimension")]),
        LibraryCase(
            name: "traffic without a dimension", backend: "vllm", entries: "panels: [traffic: {title: T}]",
            expected: [("{title", "error spec.missing-key")]),
        LibraryCase(
            name: "feedback", backend: "vllm",
            entries: "panels: [feedback: {up: fb_up_total, down: fb_down_total, by: [model]}]"),
        LibraryCase(
            name: "feedback without down", backend: "vllm", entries: "panels: [feedback: {up: fb_up_total}]",
            expected: [("{up", "error spec.missing-key")]),
        LibraryCase(
            name: "feedback with a bad metric name", backend: "vllm",
            entries: "panels: [feedback: {up: fb-up, down: fb_down_total}]",
            expected: [("{up", "error spec.invalid-value")]),
        LibraryCase(
            name: "feedback from one counter with a label", backend: "vllm",
            entries: "panels: [feedback: {up: 'fb_total{rating=\"up\"}', down: 'fb_total{rating=\"down\"}'}]"),
        LibraryCase(
            name: "feedback selector that does not parse is a PromQL error", backend: "vllm",
            entries: "panels: [feedback: {up: 'fb_total{rating=}', down: fb_down_total}]",
            expected: [("{up", "error promql.syntax"), ("{up", "error promql.syntax"), ("{up", "error promql.syntax")]),
        LibraryCase(
            name: "GPU by model on vllm", backend: "vllm", entries: "panels: [gpu: {signal: gpu_util, by: [model]}]"),
        LibraryCase(
            name: "GPU by model on llama.cpp", backend: "llamacpp", variables: "[datasource]",
            entries: "panels: [gpu: {signal: gpu_util, by: [model]}]",
            expected: [("gpu_util", "error signal.no-model-label")]),
        LibraryCase(
            name: "quantile variable", backend: "vllm", variables: "[datasource, quantile]",
            entries: "panels: [latency: {signal: ttft, quantile: $quantile}]"),
        LibraryCase(
            name: "quantile variable missing", backend: "vllm",
            entries: "panels: [latency: {signal: ttft, quantile: $quantile}]",
            expected: [("ttft", "error signal.quantile-variable")]),
        LibraryCase(
            name: "quantile that is not a variable", backend: "vllm", variables: "[datasource, quantile]",
            entries: "panels: [latency: {signal: ttft, quantile: 0.9}]", expected: [("0.9", "error spec.invalid-value")]
        ),
        LibraryCase(
            name: "deploy and version annotations", backend: "vllm",
            entries: "annotations: [deploys: {deployment: vllm.*}, versions: {label: role}]"),
        LibraryCase(
            name: "deploy annotation with a bad regex is checked", backend: "vllm",
            entries: "annotations: [deploys: {deployment: \"vllm(\"}]", expected: [("deploys", "error promql.regex")]),
        LibraryCase(
            name: "version annotation needs a backend or a metric", backend: "vllm",
            entries: "annotations: [versions: {label: 'bad label'}]",
            expected: [("versions", "error spec.invalid-value")]),
    ]

    @Test(arguments: library)
    func libraryPanelsFireOnlyWhenTheyShould(_ c: LibraryCase) throws {
        let yaml = """
            apiVersion: llmdash/v1
            kind: Dashboard
            metadata: {uid: lib, title: Lib}
            spec:
              backend: \(c.backend)
              variables: \(c.variables)
              \(c.entries)
            """
        let result = Self.build(yaml)
        let expected = c.expected.map { "\(markerPosition(of: $0.0, in: yaml)) \($0.1)" }
        #expect(diagnosticSummary(result.diagnostics.sortedByLocation()) == expected)
        #expect(result.files.isEmpty == !expected.isEmpty)
    }

    @Test func versionAnnotationsWithoutABackendNeedAMetric() {
        let yaml = """
            apiVersion: llmdash/v1
            kind: Dashboard
            metadata: {uid: lib, title: Lib}
            spec:
              annotations:
                - versions: {}
                - versions: {metric: 'up{job="vllm"}', label: role}
            """
        #expect(
            diagnosticSummary(Self.build(yaml).diagnostics) == [
                "\(markerPosition(of: "versions", in: yaml)) error signal.no-backend"
            ])
    }
}

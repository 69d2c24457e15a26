import LLMDash
import LLMDashCore
import Testing

/// Recording rules asked for in Swift give the same dashboard and rule files as in YAML.
@Suite struct DSLRecordingRulesTests {
    static let yaml = """
        apiVersion: llmdash/v1
        kind: Dashboard
        metadata: {uid: recorded, title: Recorded, folder: LLM}
        spec:
          backend: vllm
          variables: [datasource, model]
          recordingRules: {window: 2m, interval: 1m}
          rows:
            - title: Latency
              panels:
                - latency: {signal: ttft, percentiles: [50, 99]}
                - latency: {signal: e2e, percentiles: [99], recordingRules: false}
                - timeseries:
                    title: Waiting
                    queries: ['sum by (model_name) (rate(vllm:num_preemptions_total{model_name=~"$model"}[$__rate_interval]))']
                - timeseries:
                    title: Kept
                    recordingRules: false
                    queries: ['sum(rate(vllm:prompt_tokens_total[$__rate_interval]))']
        """

    static var dsl: DashboardSpec {
        Dashboard(uid: "recorded", title: "Recorded", folder: "LLM", backend: .vllm) {
            StandardVariables("datasource", "model")
            Row("Latency") {
                Latency(.ttft, percentiles: [50, 99])
                Latency(.e2e, percentiles: [99]).recordingRules(false)
                TimeSeries("Waiting") {
                    #"sum by (model_name) (rate(vllm:num_preemptions_total{model_name=~"$model"}[$__rate_interval]))"#
                }
                TimeSeries("Kept") { "sum(rate(vllm:prompt_tokens_total[$__rate_interval]))" }
                    .recordingRules(false)
            }
        }
        .recordingRules(window: "2m", interval: "1m")
        .spec
    }

    @Test func dslAndYAMLGiveIdenticalBytes() {
        let fromYAML = Compiler.build(files: [SourceFile(path: "recorded.yaml", text: Self.yaml)])
        #expect(fromYAML.diagnostics.isEmpty, "\(fromYAML.diagnostics)")
        let fromDSL = Compiler.build(dashboards: [Self.dsl])
        #expect(fromDSL.diagnostics.isEmpty, "\(fromDSL.diagnostics)")
        let dslFiles = fromDSL.files.filter { !$0.path.hasPrefix("provisioning/") }
        let paths = fromYAML.files.map(\.path)
        #expect(paths.contains("rules/dashboard-recorded.yaml") && paths.contains("rules/dashboard-recorded.test.yaml"))
        #expect(paths == dslFiles.map(\.path))
        for (a, b) in zip(fromYAML.files, dslFiles) {
            let left = String(decoding: a.contents, as: UTF8.self)
            let right = String(decoding: b.contents, as: UTF8.self)
            #expect(left == right, "\(a.path) differs between YAML and DSL")
        }
        let rules = String(
            decoding: fromDSL.files.first { $0.path == "rules/dashboard-recorded.yaml" }!.contents, as: UTF8.self)
        #expect(rules.contains("model_name:vllm:num_preemptions_total:rate2m"))
        #expect(!rules.contains("e2e") && !rules.contains("prompt_tokens"))
    }
}

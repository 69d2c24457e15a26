import Foundation
import LLMDash
import LLMDashCore
import TestSupport
import Testing

/// The same dashboard written in YAML and in the DSL must compile to the same bytes.
@Suite struct DSLMatchesYAMLTests {
    static func dslDashboard(includeFleet: Bool = true, extraLatency: [String] = []) -> DashboardSpec {
        let selector = #"{model_name=~"$model_name"}"#
        return Dashboard(
            uid: "full-dashboard", title: "Every feature", folder: "LLM", tags: ["llm", "test"],
            description: "One of everything the spec format offers."
        ) {
            DatasourceVariable(label: "Data source")
            QueryVariable(
                "model_name", query: "label_values(vllm:num_requests_running, model_name)", label: "Model",
                multi: true, includeAll: true, sort: .natural)
            QueryVariable(
                "instance", query: "label_values(vllm:num_requests_running\(selector), instance)", refresh: .load,
                regex: "/.*:8000/", hide: .label)
            CustomVariable("quantile", values: ["0.5", "0.9", "0.99"], label: "Quantile", current: "0.99")
            IntervalVariable("window", values: ["1m", "5m", "15m"], current: "5m", auto: true)
            ConstantVariable("gpu_hourly_usd", value: "2.5")
            TextboxVariable("filter", value: ".*", label: "Filter")
            Annotation(
                "Deploys", expr: #"changes(kube_deployment_status_observed_generation{deployment=~"vllm.*"}[2m]) > 0"#,
                iconColor: "rgba(255, 96, 96, 1)", titleFormat: "rollout {{deployment}}",
                tagKeys: ["deployment", "namespace"], step: "1m")
            DashboardLink("Runbook", url: "https://runbooks.example.com/llm", icon: "doc", targetBlank: true)
            DashboardLink("LLM dashboards", tags: ["llm"], includeVars: true, keepTime: true)

            Stat("Requests/s") { "sum(rate(vllm:request_success_total[$__rate_interval]))" }
                .unit(.requestsPerSecond).decimals(2)
                .colorMode("background").graphMode("none").textMode("value").calcs(["mean"])

            Row("Latency") {
                TimeSeries("TTFT p99") {
                    Query(
                        """
                        histogram_quantile(0.99,
                          sum by (le) (rate(vllm:time_to_first_token_seconds_bucket\(selector)[$__rate_interval])))

                        """, legend: "p99", exemplar: true)
                    Query(
                        "histogram_quantile(0.5, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket[5m])))",
                        legend: "p50", refId: "P50", interval: "1m", hide: true)
                    for expr in extraLatency { Query(expr) }
                }
                .key("ttft").description("Time to first token.").size(width: 8, height: 9)
                .unit(.seconds).min(0).max(60)
                .thresholds(.base("green"), .step("orange", 0.5), .step("red", 1)).thresholdsStyle("dashed")
                .legend("table", placement: "right", calcs: ["mean", "max"]).tooltip("single", sort: "none")
                .drawStyle("line").lineWidth(2).fillOpacity(20).gradientMode("opacity").lineInterpolation("smooth")
                .showPoints("auto").pointSize(4).spanNulls().stacking("none")
                .axis(label: "seconds", placement: "left", softMin: 0, softMax: 2).logScale(2)
                .interval("30s").maxDataPoints(500)
                .links(DashboardLink("Traces", url: "/explore?left=tempo"))
                .dataLinks(DashboardLink("Model", url: "/d/vllm?var-model=${__field.labels.model_name}"))
                .overrides {
                    Override(.byName("p99"), .color("red"), .lineWidth(3), .lineStyle(.dashed))
                    Override(.byRegexp("p5.*"), .hidden())
                    Override(
                        .byNames(["a", "b"]), .displayName("AB"), .unit("ms"),
                        OverrideProperty(id: "custom.axisPlacement", value: "right"))
                }

                Heatmap("TTFT distribution") {
                    "sum by (le) (increase(vllm:time_to_first_token_seconds_bucket[$__rate_interval]))"
                }
                .unit(.seconds).colors(scheme: "Oranges", scale: "exponential", exponent: 0.5, steps: 64)
                .cellGap(1).rowsLayout("le").yHistogram().showLegend().tooltip("multi")

                Gauge("KV-cache usage") { "max(vllm:kv_cache_usage_perc)" }
                    .unit(.percentUnit).min(0).max(1)
                    .thresholds(.base("green"), .step("orange", 0.8), .step("red", 0.95))
                    .thresholdMarkers(true, labels: true).orientation("horizontal")
            }

            if includeFleet {
                Row("Fleet", collapsed: true) {
                    BarGauge("Waiting by model") {
                        Query(
                            "sum by (model_name) (vllm:num_requests_waiting)", legend: "{{model_name}}", instant: true)
                    }
                    .newLine().displayMode("lcd").valueMode("text").namePlacement("top").showUnfilled(false)
                    .legend("hidden").color("continuous-GrYlRd")

                    Table("Top models") {
                        Query("topk(5, sum by (model_name) (rate(vllm:generation_tokens_total[5m])))", format: .table)
                    }
                    .showHeader().cellHeight("md").align("left").sortBy("Value").footer(["sum"])
                    .transformation(
                        "organize", options: ["excludeByName": ["Time": true], "renameByName": ["Value": "Tokens/s"]]
                    )
                    .mappings(
                        .value(["0": MappingResult(text: "idle", color: "blue")]),
                        .range(from: 0, to: 10, MappingResult(text: "low", color: "green")),
                        .regex(pattern: "^err.*", MappingResult(text: "error")),
                        .special(match: .null, MappingResult(text: "-")))

                    StateTimeline("Engine state") {
                        Query(
                            #"max by (instance) (vllm:engine_sleep_state{sleep_state="awake"})"#, legend: "{{instance}}"
                        )
                    }
                    .showValue("never").rowHeight(0.8).mergeValues(false).alignValue("center")
                    .mappings(
                        .value([
                            "0": MappingResult(text: "asleep", color: "gray"),
                            "1": MappingResult(text: "awake", color: "green"),
                        ]))

                    Text("Notes", content: "a: 1\n", mode: "code", language: "yaml").size(width: 12, height: 3)
                }
            }
        }
        .time(from: "now-24h").refresh("1m").timezone("utc").weekStart("monday").graphTooltip(.tooltip)
        .editable().refreshIntervals(["30s", "1m", "5m"])
        .spec
    }

    static func yamlBuild() throws -> BuildResult {
        let path = RepoPaths.root.appendingPathComponent("Tests/LLMDashTests/Fixtures/full-dashboard.yaml").path
        return Compiler.build(paths: [path])
    }

    @Test func dslAndYAMLGiveIdenticalBytes() throws {
        let fromYAML = try Self.yamlBuild()
        #expect(fromYAML.diagnostics.isEmpty, "\(fromYAML.diagnostics)")
        let fromDSL = Compiler.build(dashboards: [Self.dslDashboard()])
        #expect(fromDSL.diagnostics.isEmpty, "\(fromDSL.diagnostics)")
        #expect(fromYAML.files.count == 3)
        #expect(fromYAML.files.map(\.path) == fromDSL.files.map(\.path))
        for (a, b) in zip(fromYAML.files, fromDSL.files) {
            let left = String(decoding: a.contents, as: UTF8.self)
            let right = String(decoding: b.contents, as: UTF8.self)
            #expect(left == right, "\(a.path) differs between YAML and DSL")
        }
    }

    @Test func controlFlowChangesTheDashboard() throws {
        let without = Compiler.build(dashboards: [Self.dslDashboard(includeFleet: false)])
        let with = Compiler.build(dashboards: [Self.dslDashboard(extraLatency: ["up", "vector(1)"])])
        let plain = Compiler.build(dashboards: [Self.dslDashboard()])
        let dashboard = { (r: BuildResult) in r.files.first { $0.path.hasPrefix("dashboards/") }!.contents }
        let json = { (r: BuildResult) in try JSONSerialization.jsonObject(with: Data(dashboard(r))) as! [String: Any] }
        #expect((try json(without)["panels"] as! [Any]).count == (try json(plain)["panels"] as! [Any]).count - 1)
        let latency = (try json(with)["panels"] as! [[String: Any]]).first { $0["title"] as? String == "TTFT p99" }!
        #expect((latency["targets"] as! [[String: Any]]).map { $0["refId"] as! String } == ["A", "P50", "C", "D"])
    }

    /// The README's YAML dashboard and its Swift twin (written out here as the README shows it) give the same bytes.
    @Test func theReadmeExamplesAgree() throws {
        let readme = try String(contentsOf: RepoPaths.root.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "## A dashboard in YAML\n\n```yaml\n"))
        let end = try #require(readme[start.upperBound...].range(of: "\n```\n"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("llmdash-readme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("latency.yaml")
        try (readme[start.upperBound..<end.lowerBound] + "\n").write(to: path, atomically: true, encoding: .utf8)
        let fromYAML = Compiler.build(paths: [path.path])
        #expect(fromYAML.diagnostics.isEmpty, "\(fromYAML.diagnostics)")

        let selector = #"model_name=~"$model_name""#
        let latency = Dashboard(uid: "vllm-latency", title: "vLLM — latency", folder: "LLM", tags: ["llm", "vllm"]) {
            DatasourceVariable()
            QueryVariable(
                "model_name", query: "label_values(vllm:num_requests_running, model_name)",
                multi: true, includeAll: true)
            Row("Latency") {
                TimeSeries("Time to first token") {
                    Query(
                        "histogram_quantile(0.99, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket{\(selector)}[$__rate_interval])))",
                        legend: "p99")
                }
                .unit(.seconds).min(0)
                .thresholds(.base("green"), .step("orange", 1), .step("red", 2)).thresholdsStyle("dashed")
                .legend("table", calcs: ["mean", "max"])
                Heatmap("TTFT distribution") {
                    "sum by (le) (increase(vllm:time_to_first_token_seconds_bucket{\(selector)}[$__rate_interval]))"
                }
                .unit(.seconds)
            }
        }
        let fromDSL = Compiler.build(dashboards: [latency.spec])
        #expect(fromDSL.diagnostics.isEmpty, "\(fromDSL.diagnostics)")
        #expect(fromYAML.files.map(\.path) == fromDSL.files.map(\.path))
        for (a, b) in zip(fromYAML.files, fromDSL.files) {
            #expect(a.contents == b.contents, "\(a.path) differs between the README's YAML and Swift")
        }
    }
}

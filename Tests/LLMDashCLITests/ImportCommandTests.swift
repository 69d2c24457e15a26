import Foundation
import TestSupport
import Testing

/// `llmdash import` on real public dashboards: import, build, and `llmdash diff` against the original.
@Suite struct ImportCommandTests {
    static func fixture(_ name: String) -> String {
        RepoPaths.root.appendingPathComponent("Tests/LLMDashCLITests/Fixtures/diff/\(name)/old.json").path
    }

    /// Imports `source`, builds the spec, and returns the import run and the built dashboard's path.
    static func importAndBuild(_ source: String, in dir: URL) throws -> (RunResult, String) {
        let imported = try Run.llmdash(["import", source, "-o", "spec.yaml"], in: dir)
        try #require(imported.status == 0, "\(imported.stderr)")
        let build = try Run.llmdash(["build", "spec.yaml", "--out", "out"], in: dir)
        try #require(build.status == 0, "\(build.stderr)")
        let dashboards = dir.appendingPathComponent("out/dashboards")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: dashboards.path).first)
        return (imported, dashboards.appendingPathComponent(name).path)
    }

    @Test(arguments: ["vllm", "tgi"])
    func roundTripGivesTheSameDashboard(_ name: String) throws {
        let dir = try Run.temporaryDirectory("llmdash-import")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (imported, built) = try Self.importAndBuild(Self.fixture(name), in: dir)
        #expect(imported.stderr.isEmpty, "\(imported.stderr)")
        let diff = try Run.llmdash(["diff", Self.fixture(name), built])
        #expect(diff.status == 0, "\(diff.stdout)")
        #expect(diff.stdout == "no differences\n")
        // Panels with queries are typed spec panels, so their PromQL is checked on every build.
        let spec = try String(contentsOf: dir.appendingPathComponent("spec.yaml"), encoding: .utf8)
        #expect(spec.contains("    - timeseries:\n"))
        #expect(spec.contains("queries:\n"))
    }

    @Test func queriesTheCatalogueGivesBecomeSignalPanels() throws {
        let dir = try Run.temporaryDirectory("llmdash-import")
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = RepoPaths.generated.appendingPathComponent("dashboards/LLM/tgi-serving.json").path
        let (imported, built) = try Self.importAndBuild(source, in: dir)
        #expect(imported.stderr.isEmpty, "\(imported.stderr)")
        let spec = try String(contentsOf: dir.appendingPathComponent("spec.yaml"), encoding: .utf8)
        #expect(spec.contains("  backend: tgi\n"))
        #expect(spec.contains("    - throughput:\n        signal: requests\n        title: \"Requests/s\"\n"))
        #expect(spec.contains("- latency:\n            signal: ttft\n            percentiles: [50, 90, 99]\n"))
        let kinds = ["latency:", "throughput:", "errors:", "saturation:", "heatmap:"]
        let signalPanels = spec.split(separator: "\n").filter { line in
            kinds.contains { line.hasSuffix("- " + $0) }
        }
        #expect(signalPanels.count >= 12, "\(spec)")
        let diff = try Run.llmdash(["diff", source, built])
        #expect(diff.stdout == "no differences\n", "\(diff.stdout)")
    }

    @Test func everyGeneratedDashboardRoundTripsAndStaysSchemaValid() throws {
        let dir = try Run.temporaryDirectory("llmdash-import")
        defer { try? FileManager.default.removeItem(at: dir) }
        let root = RepoPaths.generated.appendingPathComponent("dashboards")
        let files = try FileManager.default.subpathsOfDirectory(atPath: root.path)
            .filter { $0.hasSuffix(".json") }.sorted()
        #expect(files.count >= 10)
        for (i, file) in files.enumerated() {
            let source = root.appendingPathComponent(file).path
            let folder = file.split(separator: "/").dropLast().joined(separator: "/")
            let imported = try Run.llmdash(["import", source, "-o", "spec-\(i).yaml", "--folder", folder], in: dir)
            #expect(imported.status == 0, "\(file): \(imported.stderr)")
        }
        let build = try Run.llmdash(["build", ".", "--out", "out"], in: dir)
        try #require(build.status == 0, "\(build.stderr)")
        let diff = try Run.llmdash(["diff", root.path, dir.appendingPathComponent("out/dashboards").path])
        #expect(diff.status == 0, "\(diff.stdout)")
        let validation = try Run.grafanaValidate([dir.appendingPathComponent("out/dashboards").path])
        #expect(validation.status == 0, "\(validation.stdout)")
    }

    @Test func legacyGraphPanelsBecomeTimeseriesWithAWarning() throws {
        let dir = try Run.temporaryDirectory("llmdash-import")
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = Self.fixture("dcgm")
        let (imported, built) = try Self.importAndBuild(source, in: dir)
        #expect(
            imported.stderr.contains("\(source):110:15: warning: graph panel 'GPU Temperature' became a timeseries"))
        let original = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: source))) as? [String: Any])
        let graphs = Set(
            (original["panels"] as? [[String: Any]] ?? []).filter { $0["type"] as? String == "graph" }
                .compactMap { $0["title"] as? String })
        #expect(graphs.count == 6)
        let diff = try Run.llmdash(["diff", "--format", "json", source, built])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(diff.stdout.utf8)) as? [String: Any])
        let changes = (report["files"] as? [[String: Any]] ?? []).flatMap { $0["changes"] as? [[String: Any]] ?? [] }
        #expect(!changes.isEmpty)
        // The documented normalisation is the only difference: everything else (gauges, variables, settings) is equal.
        for change in changes {
            #expect(change["element"] as? String == "panel", "\(change)")
            #expect(graphs.contains(change["name"] as? String ?? ""), "\(change)")
        }
        let types = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: built))) as? [String: Any])
        #expect((types["panels"] as? [[String: Any]] ?? []).allSatisfy { $0["type"] as? String != "graph" })
    }

    static let oldSchema = """
        {
          "title": "Old serving",
          "schemaVersion": 14,
          "version": 7,
          "templating": {"list": [{"name": "job", "type": "query", "datasource": "Prometheus", "query": "label_values(up, job)"}]},
          "rows": [
            {"title": "Load", "height": "250px", "panels": [
              {"id": 1, "type": "graph", "title": "Requests", "span": 6, "datasource": "Prometheus",
               "targets": [{"expr": "sum(rate(http_requests_total{job=\\"$job\\"}[5m]))", "legendFormat": "rps", "refId": "A"}],
               "yaxes": [{"format": "reqps", "min": 0}, {"format": "short"}], "legend": {"show": true, "avg": true}},
              {"id": 2, "type": "singlestat", "title": "Up", "span": 6, "datasource": "Prometheus",
               "targets": [{"expr": "sum(up{job=\\"$job\\"})", "refId": "A"}],
               "format": "none", "valueName": "current", "thresholds": "1,2", "colors": ["red", "orange", "green"]}
            ]},
            {"title": "Notes", "collapse": true, "panels": [
              {"id": 3, "type": "text", "title": "About", "span": 12, "mode": "markdown", "content": "# Hi"}
            ]}
          ]
        }
        """

    @Test func oldRowsSinglestatAndNamedDatasourcesAreConverted() throws {
        let dir = try Run.temporaryDirectory("llmdash-import")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.oldSchema.write(to: dir.appendingPathComponent("old.json"), atomically: true, encoding: .utf8)
        let (imported, built) = try Self.importAndBuild("old.json", in: dir)
        #expect(imported.stderr.contains("old.json:6:11: warning: old-style rows became row panels"))
        #expect(imported.stderr.contains("warning: graph panel 'Requests' became a timeseries panel"))
        #expect(imported.stderr.contains("warning: singlestat panel 'Up' became a stat panel"))
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: built))) as? [String: Any])
        #expect(json["version"] == nil)
        let panels = json["panels"] as? [[String: Any]] ?? []
        #expect(panels.map { $0["type"] as? String } == ["row", "timeseries", "stat", "row"])
        #expect(panels.map { ($0["gridPos"] as? [String: Int])?["w"] } == [24, 12, 12, 24])
        #expect(panels[1]["datasource"] as? [String: String] == ["type": "prometheus", "uid": "Prometheus"])
        let defaults = (panels[1]["fieldConfig"] as? [String: Any])?["defaults"] as? [String: Any]
        #expect(defaults?["unit"] as? String == "reqps")
        let steps = ((panels[2]["fieldConfig"] as? [String: Any])?["defaults"] as? [String: Any])?["thresholds"]
        let described = ((steps as? [String: Any])?["steps"] as? [[String: Any]] ?? []).map { step in
            "\(step["color"] as? String ?? "?") \(step["value"] is NSNull ? "base" : "\(step["value"] as? Int ?? -1)")"
        }
        #expect(described == ["red base", "orange 1", "green 2"])
        let collapsed = panels[3]["panels"] as? [[String: Any]] ?? []
        #expect(collapsed.map { $0["title"] as? String } == ["About"])
    }

    static let oddDashboards = [
        #"{"panels": [1, "x", null, {"type": "row"}, {"type": "row", "panels": [2]}]}"#,
        #"{"rows": [{"height": 1e308, "panels": [{"span": 1e300, "id": 1e300}, {"span": "x"}, 3]}, "#
            + #"{"collapse": true, "panels": [{"type": "graph", "yaxes": "bad", "legend": 4}]}]}"#,
        #"{"panels": [{"type": "timeseries", "targets": [{"expr": 5}, {"expr": "rate(x[5m]"}], "#
            + #""gridPos": {"w": 1e300, "h": -3}}]}"#,
        #"{"schemaVersion": 30, "templating": {"list": [{"name": "a"}, {"type": "query"}, 5, "#
            + #"{"name": "a", "type": "custom", "query": "x, y"}]}}"#,
        #"{"dashboard": {"title": "", "uid": "../../etc", "panels": [{"type": "stat", "id": 1, "#
            + #""targets": [{"expr": "up"}]}, {"type": "stat", "id": 1, "title": "", "targets": [{"expr": "up"}]}]}}"#,
        #"{"panels": [{"type": "singlestat", "thresholds": "a,,1e999", "colors": [1, "red"], "valueName": 7, "#
            + #""targets": [{"expr": "up"}]}]}"#,
        #"{"title": "x\ny\u0000z", "tags": [1, "a"], "panels": [{"type": "text", "options": {"content": "\u0007"}, "#
            + #""title": "é\"'"}], "refresh": false, "time": {"from": 1}}"#,
    ]

    /// Odd but valid JSON: import never crashes, and what it writes builds.
    @Test(arguments: oddDashboards)
    func oddDashboardsImportIntoSpecsThatBuild(_ json: String) throws {
        let dir = try Run.temporaryDirectory("llmdash-import")
        defer { try? FileManager.default.removeItem(at: dir) }
        try json.write(to: dir.appendingPathComponent("odd.json"), atomically: true, encoding: .utf8)
        let imported = try Run.llmdash(["import", "odd.json", "-o", "spec.yaml"], in: dir)
        #expect(!imported.crashed)
        #expect(imported.status == 0, "\(imported.stderr)")
        let build = try Run.llmdash(["build", "spec.yaml", "--out", "out"], in: dir)
        #expect(!build.crashed)
        #expect(build.status == 0, "\(build.stderr)")
    }

    @Test func badJSONIsReportedAtItsPosition() throws {
        let dir = try Run.temporaryDirectory("llmdash-import")
        defer { try? FileManager.default.removeItem(at: dir) }
        try "{\n  \"title\": \"x\",\n  \"panels\": [1,]\n}\n".write(
            to: dir.appendingPathComponent("bad.json"), atomically: true, encoding: .utf8)
        let bad = try Run.llmdash(["import", "bad.json", "-o", "spec.yaml"], in: dir)
        #expect(bad.status == 1)
        #expect(bad.stderr.hasPrefix("bad.json:3:16: error:"), "\(bad.stderr)")
        try "[1, 2]".write(to: dir.appendingPathComponent("list.json"), atomically: true, encoding: .utf8)
        let notDashboard = try Run.llmdash(["import", "list.json"], in: dir)
        #expect(notDashboard.status == 1)
        #expect(notDashboard.stderr.contains("list.json:1:1: error: list.json is not a Grafana dashboard"))
        let missing = try Run.llmdash(["import", "missing.json"], in: dir)
        #expect(missing.status == 2)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("spec.yaml").path))
    }
}

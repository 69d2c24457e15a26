import Foundation
import LLMDash
import LLMDashCore
import Testing

/// The `grafana:` passthrough (dashboard and panel merge patches, raw panels) is the same in YAML and the DSL.
@Suite struct GrafanaPassthroughTests {
    static let yaml = """
        apiVersion: llmdash/v1
        kind: Dashboard
        metadata: {uid: passthrough, title: Passthrough}
        spec:
          grafana: {"graphTooltip": 2, "timepicker": {"hidden": true}, "liveNow": null}
          panels:
            - timeseries:
                title: Up
                queries: [{expr: "sum(up)"}]
                grafana: {"gridPos": {"x": 4}, "options": {"legend": {"showLegend": false}}, "maxPerRow": null}
            - grafana: {"type": "piechart", "title": "Pie", "gridPos": {"h": 5, "w": 6, "x": 0, "y": 9}, "options": {"a": [1, 2.5, "x\\"y"]}}
          rows:
            - title: More
              grafana: {"collapsed": true}
              panels: []

        """

    static var dsl: DashboardSpec {
        Dashboard(uid: "passthrough", title: "Passthrough") {
            TimeSeries("Up") { "sum(up)" }
                .grafana(["gridPos": ["x": 4], "options": ["legend": ["showLegend": false]], "maxPerRow": .null])
            GrafanaPanel(
                [
                    "type": "piechart", "title": "Pie", "gridPos": ["h": 5, "w": 6, "x": 0, "y": 9],
                    "options": ["a": [1, .double(2.5), "x\"y"]],
                ])
            Row("More") {}.grafana(["collapsed": true])
        }
        .grafana(["graphTooltip": 2, "timepicker": ["hidden": true], "liveNow": .null])
        .spec
    }

    @Test func yamlAndDSLGiveTheSameBytes() throws {
        let fromYAML = Compiler.build(files: [SourceFile(path: "passthrough.yaml", text: Self.yaml)])
        #expect(fromYAML.diagnostics.isEmpty, "\(fromYAML.diagnostics)")
        let fromDSL = Compiler.build(dashboards: [Self.dsl])
        #expect(fromDSL.diagnostics.isEmpty, "\(fromDSL.diagnostics)")
        let dashboard = try #require(fromYAML.files.first { $0.path == "dashboards/passthrough.json" })
        let fromCode = try #require(fromDSL.files.first { $0.path == "dashboards/passthrough.json" })
        #expect(dashboard.contents == fromCode.contents, "YAML and DSL differ")
        let json = try #require(JSONParser.parse(dashboard.contents, path: "d").value)
        #expect(json["graphTooltip"] == 2)
        #expect(json["liveNow"] == nil)
        #expect(json["timepicker"]?["hidden"] == true)
        let panels = try #require(json["panels"]?.arrayValue)
        #expect(panels[0]["gridPos"] == ["h": 8, "w": 12, "x": 4, "y": 0])
        #expect(panels[0]["options"]?["legend"]?["showLegend"] == false)
        #expect(panels[0]["options"]?["legend"]?["placement"] == "bottom", "members not in the patch stay")
        #expect(panels[1]["type"] == "piechart")
        #expect(panels[1]["options"]?["a"] == [1, .double(2.5), "x\"y"])
        #expect(panels[1]["id"]?.numberValue != nil)
        #expect(panels[2]["type"] == "row")
        #expect(panels[2]["collapsed"] == true)
    }

    @Test func aRawPanelNeedsAType() {
        let text = Self.yaml.replacingOccurrences(of: #"{"type": "piechart", "#, with: "{")
        let result = Compiler.build(files: [SourceFile(path: "p.yaml", text: text)])
        #expect(
            result.diagnostics.map(\.description).contains {
                $0.hasPrefix("p.yaml:11:16: error: a grafana panel needs 'type'")
            }, "\(result.diagnostics)")
    }
}

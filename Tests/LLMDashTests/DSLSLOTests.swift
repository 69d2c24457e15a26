import LLMDash
import LLMDashCore
import TestSupport
import Testing

/// SLOs and SLO panels written in Swift compile to the same bytes as templates/slo-vllm.yaml.
@Suite struct DSLSLOTests {
    static let annotations = ["dashboard": "https://grafana.example.com/d/vllm-serving"]

    static var slos: [SLOSpec] {
        [
            SLO(
                "availability", service: "chat", objective: 99.5, period: "30d",
                sli: .errors(backend: .vllm, matchers: []),
                description: "Requests that vLLM finishes without an abort or an error."
            )
            .labels(["team": "llm"])
            .annotations(
                annotations.merging(["runbook_url": "https://runbooks.example.com/llm/chat-availability"]) { $1 }
            )
            .page(name: "ChatAvailabilityPage", labels: ["severity": "page"])
            .ticket(name: "ChatAvailabilityTicket", labels: ["severity": "ticket"]).spec,
            SLO(
                "ttft", service: "chat", objective: 99,
                sli: .latency(backend: .vllm, signal: .ttft, below: 1, matchers: []),
                description: "Requests whose first token arrives within 1 s."
            )
            .labels(["team": "llm"])
            .annotations(annotations.merging(["runbook_url": "https://runbooks.example.com/llm/chat-ttft"]) { $1 })
            .page(name: "ChatTTFTPage", labels: ["severity": "page"])
            .ticket(name: "ChatTTFTTicket", labels: ["severity": "ticket"]).spec,
        ]
    }

    static var dashboard: DashboardSpec {
        Dashboard(uid: "chat-slos", title: "Chat — SLOs", folder: "LLM", tags: ["llm", "vllm", "slo"]) {
            StandardVariables("datasource")
            Row("Availability") {
                SLOPanel("availability", service: "chat", title: "Availability")
            }
            Row("Time to first token") {
                SLOPanel("ttft", service: "chat", title: "TTFT under 1 s")
            }
        }
        .time(from: "now-7d")
        .spec
    }

    @Test func dslAndYAMLGiveIdenticalBytes() {
        let fromYAML = Compiler.build(paths: [RepoPaths.templates.appendingPathComponent("slo-vllm.yaml").path])
        #expect(fromYAML.diagnostics.isEmpty, "\(fromYAML.diagnostics)")
        let fromDSL = Compiler.build(dashboards: [Self.dashboard], slos: Self.slos)
        #expect(fromDSL.diagnostics.isEmpty, "\(fromDSL.diagnostics)")
        #expect(
            fromYAML.files.map(\.path).filter { !$0.hasPrefix("provisioning/") } == [
                "dashboards/LLM/chat-slos.json", "rules/chat/availability.test.yaml", "rules/chat/availability.yaml",
                "rules/chat/ttft.test.yaml", "rules/chat/ttft.yaml",
            ])
        #expect(fromYAML.files.map(\.path) == fromDSL.files.map(\.path))
        for (a, b) in zip(fromYAML.files, fromDSL.files) {
            #expect(a.contents == b.contents, "\(a.path) differs between YAML and DSL")
        }
    }

    @Test func showAndKeyChooseThePanels() throws {
        let spec = Dashboard(uid: "one", title: "One") {
            SLOPanel("chat-ttft").show(.burn, .sli).key("ttft")
        }.spec
        let result = Compiler.build(dashboards: [spec], slos: Self.slos)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let json = String(
            decoding: try #require(result.files.first { $0.path == "dashboards/one.json" }).contents, as: UTF8.self)
        #expect(json.contains("chat ttft: burn rate") && json.contains("chat ttft: SLI over 30d"))
        #expect(!json.contains("error budget remaining") && !json.contains("ALERTS"))
        #expect(json.range(of: "burn rate")!.lowerBound < json.range(of: "SLI over")!.lowerBound)
    }

    @Test func badSLOsAndReferencesAreErrorsAtTheirSwiftLine() {
        let line = #line + 1
        let bad = SLO(
            "x", service: "chat", objective: 100, period: "a month", sli: .errors(backend: .vllm, matchers: [])
        )
        .labels(["sloth_id": "mine"]).spec
        let spec = Dashboard(uid: "refs", title: "Refs") {
            SLOPanel("availabilty", service: "chat")
        }.spec
        let result = Compiler.build(dashboards: [spec], slos: Self.slos + [bad])
        #expect(result.files.isEmpty)
        let messages = result.diagnostics.map(\.message)
        #expect(messages.contains("period 'a month' is not a duration"))
        #expect(messages.contains("invalid SLO name 'x'"))
        #expect(messages.contains("objective 100 is not between 0 and 100 (exclusive)"))
        #expect(messages.contains("the label 'sloth_id' is set by llmdash"))
        #expect(messages.contains("no SLO 'availabilty' of service 'chat' in this build"))
        #expect(result.diagnostics.filter { $0.location?.line == line }.count == 4)
        let unknown = result.diagnostics.first { $0.id == "spec.unknown-slo" }
        #expect(unknown?.notes.first == "did you mean 'availability'?")
    }
}

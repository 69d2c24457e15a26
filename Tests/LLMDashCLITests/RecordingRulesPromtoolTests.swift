import Foundation
import TestSupport
import Testing

/// templates/vllm-serving.yaml records its expensive rates: the built rule file passes `promtool check rules`,
/// its emitted tests pass `promtool test rules` (each record and each rewritten dashboard fragment equals what
/// it replaces on sample input), a wrong record fails them, and the dashboard passes the Grafana schemas.
@Suite struct RecordingRulesPromtoolTests {
    @Test func builtRecordingRulesPassPromtool() throws {
        guard let promtool = SLOPromtoolTests.promtool else { throw SLOPromtoolTests.PromtoolMissing() }
        let temp = try Run.temporaryDirectory("llmdash-recording")
        defer { try? FileManager.default.removeItem(at: temp) }
        let template = RepoPaths.templates.appendingPathComponent("vllm-serving.yaml").path
        let build = try Run.llmdash(["build", template, "--out", temp.path])
        #expect(build.status == 0, "\(build.stderr)")
        let rules = temp.appendingPathComponent("rules/dashboard-vllm-serving.yaml").path
        let tests = temp.appendingPathComponent("rules/dashboard-vllm-serving.test.yaml").path

        let check = try Run.process(promtool, ["check", "rules", rules])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let test = try Run.process(promtool, ["test", "rules", tests])
        #expect(test.status == 0, "\(test.stdout)\(test.stderr)")
        let names = try Run.llmdash(["rules", "check", "--lint", "all", "--strict", rules])
        #expect(names.status == 0, "\(names.stderr)")

        // Each record is compared with its definition and with the dashboard fragments it replaces.
        let testText = try String(contentsOfFile: tests, encoding: .utf8)
        let recordCount =
            try String(contentsOfFile: rules, encoding: .utf8).components(separatedBy: "- record:").count - 1
        #expect(testText.components(separatedBy: "- name:").count - 1 == recordCount)
        #expect(testText.components(separatedBy: "- expr:").count - 1 > recordCount)

        let dashboard = temp.appendingPathComponent("dashboards/LLM/vllm-serving.json").path
        let validate = try Run.grafanaValidate([dashboard])
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")

        // A record that no longer matches what the dashboard used to compute fails its test.
        let ruleText = try String(contentsOfFile: rules, encoding: .utf8)
        let broken = ruleText.replacingOccurrences(
            of: "(rate(vllm:time_to_first_token_seconds_bucket[5m]))",
            with: "(rate(vllm:time_to_first_token_seconds_bucket[10m]))")
        #expect(broken != ruleText)
        try broken.write(toFile: rules, atomically: true, encoding: .utf8)
        let failing = try Run.process(promtool, ["test", "rules", tests])
        #expect(failing.status != 0)
    }
}

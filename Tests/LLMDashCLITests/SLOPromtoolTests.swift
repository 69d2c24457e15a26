import Foundation
import TestSupport
import Testing

/// `llmdash build` on specs with SLOs, then the real `promtool check rules` and `promtool test rules`
/// (Debian's prometheus package, installed by scripts/test) on every rule and test file it wrote.
@Suite struct SLOPromtoolTests {
    static let promtool: String? = ["/usr/bin/promtool", "/usr/local/bin/promtool", "/bin/promtool"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    struct PromtoolMissing: Error, CustomStringConvertible {
        var description: String { "promtool is not installed (scripts/test installs Debian's prometheus package)" }
    }

    static let extraSpecs = """
        apiVersion: llmdash/v1
        kind: SLO
        metadata: {name: ttft-2s, service: sglang-chat}
        spec:
          objective: 99.9
          period: 28d
          sli:
            latency: {backend: sglang, signal: ttft, below: 2s, matchers: ['model_name="llama"']}
        ---
        apiVersion: llmdash/v1
        kind: SLO
        metadata: {name: gateway-availability, service: gateway}
        spec:
          objective: 99.95
          period: 7d
          labels: {tier: edge}
          sli:
            ratio:
              errors: 'sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))'
              total: 'sum(rate(http_requests_total[{{.window}}]))'
          alerting:
            page: {name: GatewayBurn, labels: {severity: critical}}
            ticket: {name: GatewayBurn, labels: {severity: warning}}
        ---
        apiVersion: llmdash/v1
        kind: SLO
        metadata: {name: errors, service: sglang-chat}
        spec:
          objective: 95
          period: 30d
          sli:
            errors: {backend: sglang}
          alerting:
            windows:
              - {severity: page, long: 1h, short: 5m, budget: 2}
              - {severity: ticket, long: 1d, short: 2h, budget: 10}
        """

    static func files(under folder: URL, suffix: String) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        var found: [String] = []
        while let next = enumerator?.nextObject() as? String {
            if next.hasSuffix(suffix) { found.append(folder.appendingPathComponent(next).path) }
        }
        return found.sorted()
    }

    @Test func builtRulesPassPromtoolCheckAndTest() throws {
        guard let promtool = Self.promtool else { throw PromtoolMissing() }
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("llmdash-slo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: temp) }
        let specs = temp.appendingPathComponent("specs")
        try FileManager.default.createDirectory(at: specs, withIntermediateDirectories: true)
        try Self.extraSpecs.write(to: specs.appendingPathComponent("more-slos.yaml"), atomically: true, encoding: .utf8)
        let template = RepoPaths.templates.appendingPathComponent("slo-vllm.yaml")
        try FileManager.default.copyItem(at: template, to: specs.appendingPathComponent("slo-vllm.yaml"))
        let out = temp.appendingPathComponent("out")
        let build = try Run.llmdash(["build", specs.path, "--out", out.path])
        #expect(build.status == 0, "\(build.stderr)")

        let rules = Self.files(under: out.appendingPathComponent("rules"), suffix: ".yaml").filter {
            !$0.hasSuffix(".test.yaml")
        }
        let tests = Self.files(under: out.appendingPathComponent("rules"), suffix: ".test.yaml")
        #expect(
            rules.map { String($0.dropFirst(out.path.count + 1)) } == [
                "rules/chat/availability.yaml", "rules/chat/ttft.yaml", "rules/gateway/gateway-availability.yaml",
                "rules/sglang-chat/errors.yaml", "rules/sglang-chat/ttft-2s.yaml",
            ])
        #expect(tests.count == rules.count)

        let check = try Run.process(promtool, ["check", "rules"] + rules)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.components(separatedBy: "SUCCESS").count == rules.count + 1, "\(check.stdout)")

        let test = try Run.process(promtool, ["test", "rules"] + tests)
        #expect(test.status == 0, "\(test.stdout)\(test.stderr)")
        #expect(!test.stdout.contains("FAILED"), "\(test.stdout)")

        // The tests really test: a wrong expected alert makes promtool fail.
        let broken = tests[0]
        let text = try String(contentsOfFile: broken, encoding: .utf8)
        try text.replacingOccurrences(of: "exp_alerts: []", with: "exp_alerts: [{exp_labels: {x: y}}]")
            .write(toFile: broken, atomically: true, encoding: .utf8)
        let failing = try Run.process(promtool, ["test", "rules", broken])
        #expect(failing.status != 0)
    }

    @Test func generatedRulesAreCurrentAndPass() throws {
        guard let promtool = Self.promtool else { throw PromtoolMissing() }
        let folder = RepoPaths.generated.appendingPathComponent("rules")
        let tests = Self.files(under: folder, suffix: ".test.yaml")
        #expect(tests.count == 3)
        let run = try Run.process(promtool, ["test", "rules"] + tests)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
    }
}

import Foundation
import TestSupport
import Testing

/// `llmdash build --target …` end to end: the layout each target writes, byte-identical rebuilds,
/// flag checks, and a dashboard too large for a ConfigMap failing the build with nothing written.
@Suite struct TargetCommandTests {
    static func files(in folder: URL) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        var found: [String] = []
        while let next = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(
                atPath: folder.appendingPathComponent(next).path, isDirectory: &isDirectory)
            if !isDirectory.boolValue { found.append(next) }
        }
        return found.sorted()
    }

    @Test func kubernetesTargetLayoutAndRebuild() throws {
        let temp = try Run.temporaryDirectory("llmdash-target")
        defer { try? FileManager.default.removeItem(at: temp) }
        let slo = RepoPaths.templates.appendingPathComponent("slo-vllm.yaml").path
        let args = ["build", slo, "--target", "kubernetes", "--namespace", "monitoring", "--out", temp.path]
        let first = try Run.llmdash(args)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(
            Self.files(in: temp) == [
                ".llmdash-manifest", "dashboards/grafana-dashboard-chat-slos.yaml",
                "rules/chat-availability.yaml",
                "rules/chat-ttft.yaml",
            ])
        let second = try Run.llmdash(args)
        #expect(second.stdout.contains("0 written, 3 unchanged, 0 removed"), "\(second.stdout)")
        let check = try Run.llmdash([
            "check", slo, "--target", "kubernetes", "--namespace", "monitoring", "--out", temp.path,
        ])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        // Switching targets in the same folder replaces the files the earlier build wrote.
        let mimir = try Run.llmdash(["build", slo, "--target", "mimir", "--out", temp.path])
        #expect(mimir.status == 0, "\(mimir.stderr)")
        #expect(
            Self.files(in: temp) == [
                ".llmdash-manifest", "dashboards/LLM/chat-slos.json", "rules/chat-availability.yaml",
                "rules/chat-ttft.yaml",
            ])
    }

    @Test func kubernetesFlagsNeedTheKubernetesTarget() throws {
        let run = try Run.llmdash(["build", "--namespace", "monitoring", "--out", "/nonexistent"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--namespace and --label apply to --target kubernetes only"))
        let bad = try Run.llmdash(["build", "--target", "helm"])
        #expect(bad.status == 2)
    }

    @Test func oversizedDashboardFailsTheKubernetesBuild() throws {
        let temp = try Run.temporaryDirectory("llmdash-big")
        defer { try? FileManager.default.removeItem(at: temp) }
        let spec = temp.appendingPathComponent("big.yaml")
        try SpecFixtures.oversizedDashboard.write(to: spec, atomically: true, encoding: .utf8)
        let out = temp.appendingPathComponent("out")
        let run = try Run.llmdash(["build", spec.path, "--target", "kubernetes", "--out", out.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("big.yaml:3:17: error: dashboard 'big' is"), "\(run.stderr)")
        #expect(run.stderr.contains("more than a ConfigMap holds (1 MiB, 1048576 bytes)"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}

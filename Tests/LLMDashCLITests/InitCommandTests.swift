import Foundation
import TestSupport
import Testing

/// `llmdash init` writes specs that validate strictly and build into schema-valid dashboards.
@Suite struct InitCommandTests {
    static let backends = [
        "vllm", "sglang", "tgi", "triton", "llamacpp", "otel-genai", "litellm", "nim", "ray", "dcgm",
    ]

    @Test func everyBackendsStarterBuildsCleanly() throws {
        let dir = try Run.temporaryDirectory("llmdash-init")
        defer { try? FileManager.default.removeItem(at: dir) }
        for backend in Self.backends {
            let result = try Run.llmdash(
                ["init", "--backend", backend, "--gpu", "-o", "specs/\(backend).yaml"], in: dir)
            #expect(result.status == 0, "\(backend): \(result.stderr)")
            #expect(
                result.stdout == "wrote specs/\(backend).yaml; build it with `llmdash build specs/\(backend).yaml`\n")
        }
        let vllm = try String(contentsOf: dir.appendingPathComponent("specs/vllm.yaml"), encoding: .utf8)
        #expect(vllm.contains("uid: vllm-serving\n"))
        #expect(vllm.contains("variables: [datasource, model, instance]"))
        #expect(vllm.contains("- latency: {signal: ttft, percentiles: [50, 90, 99]}"))
        #expect(vllm.contains("- gpu: {signal: gpu_util}"))
        let tgi = try String(contentsOf: dir.appendingPathComponent("specs/tgi.yaml"), encoding: .utf8)
        #expect(tgi.contains("variables: [datasource, instance]"), "TGI has no model label")
        let build = try Run.llmdash(["build", "specs", "--out", "out"], in: dir)
        #expect(build.status == 0, "\(build.stderr)")
        #expect(build.stderr.isEmpty, "the starters have no warnings: \(build.stderr)")
        let validation = try Run.grafanaValidate([dir.appendingPathComponent("out/dashboards").path])
        #expect(validation.status == 0, "\(validation.stdout)")
    }

    @Test func printsToStandardOutputAndNeverOverwritesWithoutForce() throws {
        let dir = try Run.temporaryDirectory("llmdash-init")
        defer { try? FileManager.default.removeItem(at: dir) }
        let printed = try Run.llmdash(
            ["init", "--backend", "sglang", "--uid", "chat", "--title", "Chat \"prod\"", "-o", "-"], in: dir)
        #expect(printed.status == 0)
        #expect(printed.stdout.contains("uid: chat\n  title: \"Chat \\\"prod\\\"\"\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
        #expect(try Run.llmdash(["init", "--backend", "sglang"], in: dir).status == 0)
        let again = try Run.llmdash(["init", "--backend", "sglang"], in: dir)
        #expect(again.status == 2)
        #expect(again.stderr.contains("sglang-serving.yaml exists; pass --force"))
        #expect(try Run.llmdash(["init", "--backend", "sglang", "--force"], in: dir).status == 0)
    }

    @Test(arguments: [["init", "--backend", "vlm"], ["init"], ["init", "--backend", "vllm", "--uid", "a/b"]])
    func badArgumentsAreUsageErrors(_ arguments: [String]) throws {
        let result = try Run.llmdash(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains("Error:") || result.stderr.contains("error:"), "\(result.stderr)")
    }
}

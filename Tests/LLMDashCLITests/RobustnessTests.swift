import Foundation
import TestSupport
import Testing

/// Hostile input never crashes or hangs the binary: it gets a located error, exit 1, and nothing is written.
@Suite struct RobustnessTests {
    struct Input: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: @Sendable () -> Data
        var testDescription: String { name }
    }

    static let header = "apiVersion: llmdash/v1\nkind: Dashboard\nmetadata: {uid: a, title: A}\n"

    static let inputs: [Input] = [
        Input(name: "binary junk") {
            var generator = SplitMix64(seed: 42)
            return Data((0..<4096).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        },
        Input(name: "invalid UTF-8 in a value") {
            Data((header + "spec: {refresh: \"").utf8) + Data([0xC3, 0x28, 0x22, 0x7D, 0x0A])
        },
        Input(name: "NUL bytes") { Data((header + "spec: {}\n").utf8) + Data([0, 0, 0]) },
        Input(name: "10,000 nested flow sequences") {
            Data(
                (header + "spec: {panels: " + String(repeating: "[", count: 10_000)
                    + String(repeating: "]", count: 10_000) + "}\n").utf8)
        },
        Input(name: "10,000 nested flow mappings") {
            Data(
                (header + "spec:\n  x: " + String(repeating: "{a: ", count: 10_000)
                    + String(repeating: "}", count: 10_000) + "\n").utf8)
        },
        Input(name: "5,000 nested block sequences") {
            Data(
                (header + "spec:\n  panels:\n"
                    + (0..<5_000).map { String(repeating: " ", count: 4 + $0) + "-\n" }.joined()).utf8)
        },
        Input(name: "deep block mappings") {
            Data(
                (header + "spec:\n" + (0..<3_000).map { String(repeating: " ", count: 2 + $0) + "k\($0):\n" }.joined())
                    .utf8)
        },
        Input(name: "alias bomb") {
            var yaml = header + "spec:\n  x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
            for i in 1..<12 {
                yaml += "  x\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ", ") + "]\n"
            }
            yaml +=
                "  panels:\n    - table:\n        title: T\n        queries: [up]\n        transformations:\n          - {id: organize, options: *a11}\n"
            return Data(yaml.utf8)
        },
        Input(name: "undefined alias") { Data((header + "spec: {refresh: *nowhere}\n").utf8) },
        Input(name: "unterminated quote") { Data((header + "spec: {refresh: \"30s}\n").utf8) },
        Input(name: "tabs for indentation") { Data((header + "spec:\n\trefresh: 30s\n").utf8) },
        Input(name: "a document that is a scalar") { Data("hello\n".utf8) },
        Input(name: "a document that is a list") { Data("- a\n- b\n".utf8) },
        Input(name: "many documents, one bad") {
            Data((header + "spec: {}\n---\n" + header + "spec: {refresh: [}\n").utf8)
        },
        Input(name: "huge number") {
            Data(
                (header + "spec:\n  panels:\n    - stat: {title: A, width: 99999999999999999999999999, queries: [up]}\n")
                    .utf8)
        },
    ]

    @Test(arguments: inputs) func badInputFailsCleanly(_ input: Input) throws {
        let dir = try Run.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = dir.appendingPathComponent("bad.yaml")
        try input.bytes().write(to: spec)
        let out = dir.appendingPathComponent("out")
        let result = try Run.llmdash(["build", spec.path, "--out", out.path])
        #expect(!result.crashed, "crashed: \(result.stderr)")
        #expect(result.status == 1, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("bad.yaml:"), "no location in: \(result.stderr.prefix(500))")
        #expect(result.stderr.contains("error:"))
        #expect(!FileManager.default.fileExists(atPath: out.path), "output written despite errors")
    }

    @Test func tenMegabyteFileIsHandled() throws {
        let dir = try Run.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // ~10 MB of valid panels with one error at the very end: all of it is read, and the error still found.
        var yaml = Self.header + "spec:\n  panels:\n"
        var i = 0
        while yaml.utf8.count < 10_000_000 {
            yaml +=
                "    - stat: {title: \"Panel \(i)\", queries: [\"sum(rate(vllm:request_success_total{model_name=~\\\"m\(i)\\\"}[5m]))\"]}\n"
            i += 1
        }
        yaml += "    - stat: {title: last, colour: red, queries: [up]}\n"
        let spec = dir.appendingPathComponent("big.yaml")
        try yaml.write(to: spec, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out")
        let result = try Run.llmdash(["build", spec.path, "--out", out.path])
        #expect(!result.crashed)
        #expect(result.status == 1)
        #expect(result.stderr.contains("unknown key 'colour'"))
        #expect(result.stderr.contains("did you mean 'color'?"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}

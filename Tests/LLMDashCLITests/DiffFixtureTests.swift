import Foundation
import TestSupport
import Testing

/// `llmdash diff` on real public dashboards (vLLM, TGI, NVIDIA DCGM exporter; see Fixtures/diff/NOTICE) and a
/// rule file, each against a hand-edited copy, checked against golden output in every format.
///
/// Regenerate the goldens after an intended change with `LLMDASH_RECORD_GOLDENS=1 swift test --filter
/// DiffFixtureTests`, then review them with `git diff`. Without the variable a missing golden fails.
@Suite struct DiffFixtureTests {
    static let root = RepoPaths.root.appendingPathComponent("Tests/LLMDashCLITests/Fixtures/diff")
    static let record = ProcessInfo.processInfo.environment["LLMDASH_RECORD_GOLDENS"] == "1"

    static let cases: [(name: String, old: String, new: String)] = [
        ("vllm", "old.json", "new.json"),
        ("tgi", "old.json", "new.json"),
        ("dcgm", "old.json", "new.json"),
        ("rules", "old.yaml", "new.yaml"),
    ]

    static let formats: [(format: String, golden: String)] = [
        ("text", "expected.txt"), ("markdown", "expected.md"), ("json", "expected.json"),
    ]

    @Test(arguments: cases.map(\.name), formats.map(\.format))
    func matchesGolden(name: String, format: String) throws {
        let c = try #require(Self.cases.first { $0.name == name })
        let golden = try #require(Self.formats.first { $0.format == format }).golden
        let dir = Self.root.appendingPathComponent(name)
        let result = try Run.llmdash(["diff", "--format", format, c.old, c.new], in: dir)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        let url = dir.appendingPathComponent(golden)
        if Self.record {
            try Data(result.stdout.utf8).write(to: url)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(result.stdout == expected, "golden \(name)/\(golden) differs; see the suite's doc comment")
    }

    @Test(arguments: ["vllm", "tgi", "dcgm"])
    func aReexportedDashboardIsNoChange(name: String) throws {
        // Keys sorted, indentation changed, the instance's id and version bumped, variables' selections changed,
        // `value: null` threshold steps dropped: Grafana's save noise, none of which may show.
        let dir = Self.root.appendingPathComponent(name)
        let data = try Data(contentsOf: dir.appendingPathComponent("old.json"))
        var dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        dashboard["id"] = 4242
        dashboard["version"] = 99
        if var templating = dashboard["templating"] as? [String: Any], var list = templating["list"] as? [[String: Any]]
        {
            for i in list.indices {
                list[i]["current"] = ["text": "changed", "value": "changed"]
                list[i]["options"] = [] as [Any]
            }
            templating["list"] = list
            dashboard["templating"] = templating
        }
        dashboard["panels"] = (dashboard["panels"] as? [[String: Any]] ?? []).map(Self.dropNullValues)
        let out = try Run.temporaryDirectory("llmdash-diff-reexport")
        let copy = out.appendingPathComponent("\(name).json")
        try JSONSerialization.data(withJSONObject: dashboard, options: [.sortedKeys]).write(to: copy)
        let result = try Run.llmdash(["diff", dir.appendingPathComponent("old.json").path, copy.path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout == "no differences\n")
    }

    static func dropNullValues(_ object: [String: Any]) -> [String: Any] {
        var out: [String: Any] = [:]
        for (k, v) in object {
            if v is NSNull { continue }
            if let o = v as? [String: Any] {
                out[k] = dropNullValues(o)
            } else if let a = v as? [Any] {
                out[k] = a.map { ($0 as? [String: Any]).map(dropNullValues) ?? $0 }
            } else {
                out[k] = v
            }
        }
        return out
    }

    @Test func theFixtureFoldersCompareAsTrees() throws {
        // Every case's old file against its new one, paired by relative path in two trees.
        let old = try Run.temporaryDirectory("llmdash-diff-old")
        let new = try Run.temporaryDirectory("llmdash-diff-new")
        for c in Self.cases {
            let dir = Self.root.appendingPathComponent(c.name)
            let ext = (c.old as NSString).pathExtension
            try FileManager.default.copyItem(
                at: dir.appendingPathComponent(c.old), to: old.appendingPathComponent("\(c.name).\(ext)"))
            try FileManager.default.copyItem(
                at: dir.appendingPathComponent(c.new), to: new.appendingPathComponent("\(c.name).\(ext)"))
        }
        let result = try Run.llmdash(["diff", "--format", "json", old.path, new.path])
        #expect(result.status == 1, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let files = try #require(json["files"] as? [[String: Any]])
        #expect(files.map { $0["path"] as? String } == ["dcgm.json", "rules.yaml", "tgi.json", "vllm.json"])
        #expect(files.map { $0["kind"] as? String } == ["dashboard", "rules", "dashboard", "dashboard"])
        #expect(files.allSatisfy { $0["status"] as? String == "modified" })
    }
}

import Foundation
import TestSupport
import Testing

/// `llmdash diff`, end to end with the built binary: exit codes, errors, folders and git revisions.
@Suite struct DiffCommandTests {
    static func write(_ files: [String: String]) throws -> URL {
        let dir = try Run.temporaryDirectory("llmdash-diff")
        for (name, text) in files {
            let url = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return dir
    }

    static let vllm = RepoPaths.generated.appendingPathComponent("dashboards/LLM/vllm-serving.json").path

    @Test func sameFileExitsZeroAndDifferentOneAsDiffDoes() throws {
        let same = try Run.llmdash(["diff", Self.vllm, Self.vllm])
        #expect(same.status == 0)
        #expect(same.stdout == "no differences\n")
        let tgi = RepoPaths.generated.appendingPathComponent("dashboards/LLM/tgi-serving.json").path
        let different = try Run.llmdash(["diff", Self.vllm, tgi])
        #expect(different.status == 1)
        #expect(different.stdout.contains("retitled dashboard \"TGI — serving\" from \"vLLM — serving\""))
        #expect(different.stderr.isEmpty)
    }

    @Test func invalidJSONIsAnErrorAtItsLineAndColumn() throws {
        let dir = try Self.write([
            "a.json": "{\"panels\": []}\n", "b.json": "{\n  \"panels\": [\n    {\"title\": \"x\",}\n  ]\n}\n",
        ])
        let result = try Run.llmdash(["diff", "a.json", "b.json"], in: dir)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr == """
                b.json:3:19: error: trailing comma before '}' [json.syntax]
                3 |     {"title": "x",}
                  |                   ^
                1 error, 0 warnings

                """)
    }

    @Test func usageAndReadErrorsExitTwo() throws {
        let missing = try Run.llmdash(["diff", "nope.json", Self.vllm])
        #expect(missing.status == 2)
        #expect(missing.stderr == "error: cannot read nope.json: no such file or folder\n")
        let one = try Run.llmdash(["diff", Self.vllm])
        #expect(one.status == 2)
        #expect(one.stderr.contains("name two files or folders to compare"))
        let mixed = try Run.llmdash(["diff", Self.vllm, RepoPaths.generated.path])
        #expect(mixed.status == 2)
        #expect(mixed.stderr.contains("cannot compare a file with a folder"))
    }

    @Test func foldersPairFilesByRelativePath() throws {
        let rules = """
            groups:
              - name: g
                rules:
                  - record: a:b:c
                    expr: sum(rate(x[5m]))
            """
        let old = try Self.write([
            "dashboards/x.json": #"{"title": "X", "panels": [{"id": 1, "title": "P", "type": "stat"}]}"#,
            "rules/r.yaml": rules,
            "gone.json": #"{"title": "Gone", "panels": []}"#,
        ])
        let new = try Self.write([
            "dashboards/x.json": #"{"panels": [{"type": "stat", "title": "P", "id": 1}], "title": "X", "version": 4}"#,
            "rules/r.yaml": rules.replacingOccurrences(of: "sum(rate(x[5m]))", with: "sum(rate(x[10m]))"),
            "new.json": #"{"title": "New", "panels": []}"#,
        ])
        let result = try Run.llmdash(["diff", old.path, new.path])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(
            result.stdout == """
                gone.json: dashboard "Gone" (removed file)
                new.json: dashboard "New" (new file)
                rules/r.yaml: rule file — 1 edited
                  edited   rule "g / a:b:c": expr
                      - sum(rate(x[5m]))
                      + sum(rate(x[10m]))
                        window 5m → 10m
                4 files compared: 1 changed, 1 added, 1 removed, 1 unchanged

                """)
    }

    @Test func gitRevisionAgainstTheWorkingTree() throws {
        let dir = try Self.write(["d/a.json": #"{"title": "A", "panels": [{"id": 1, "title": "P", "type": "stat"}]}"#])
        func git(_ args: String...) throws {
            let r = try Run.process(
                "/usr/bin/env", ["git", "-c", "user.name=t", "-c", "user.email=t@t"] + args, in: dir)
            #expect(r.status == 0, "\(r.stderr)")
        }
        try git("init", "-q")
        try git("add", ".")
        try git("commit", "-q", "-m", "first")
        let clean = try Run.llmdash(["diff", "--git", "HEAD", "d"], in: dir)
        #expect(clean.status == 0, "\(clean.stderr)")
        // Files git ignores are no part of the working tree's side.
        try Data("*.log\nbuild/\n".utf8).write(to: dir.appendingPathComponent(".gitignore"))
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("d/build"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: dir.appendingPathComponent("d/run.log"))
        try Data("{}".utf8).write(to: dir.appendingPathComponent("d/build/out.json"))
        let ignored = try Run.llmdash(["diff", "--git", "HEAD", "d"], in: dir)
        #expect(ignored.status == 0, "\(ignored.stdout)\(ignored.stderr)")
        for spelling in [".", "./d", "d/"] {
            let same = try Run.llmdash(["diff", "--git", "HEAD", spelling], in: dir)
            #expect(same.status == 0, "\(spelling): \(same.stdout)\(same.stderr)")
        }
        try Data("{}".utf8).write(to: dir.appendingPathComponent("d/new.json"))
        let added = try Run.llmdash(["diff", "--git", "HEAD", "d"], in: dir)
        #expect(added.status == 1)
        #expect(added.stdout.contains("new.json"), "\(added.stdout)")
        #expect(!added.stdout.contains("run.log") && !added.stdout.contains("out.json"), "\(added.stdout)")
        try FileManager.default.removeItem(at: dir.appendingPathComponent("d/new.json"))
        try Data(#"{"title": "A", "panels": [{"id": 1, "title": "P", "type": "gauge"}]}"#.utf8)
            .write(to: dir.appendingPathComponent("d/a.json"))
        let changed = try Run.llmdash(["diff", "--git", "HEAD", "--format", "json", "d"], in: dir)
        #expect(changed.status == 1, "\(changed.stderr)")
        #expect(changed.stdout.contains(#""old": "stat""#))
        let file = try Run.llmdash(["diff", "--git", "HEAD", "d/a.json"], in: dir)
        #expect(file.status == 1)
        #expect(file.stdout.contains("edited   panel \"P\": type stat → gauge"))
        try FileManager.default.removeItem(at: dir.appendingPathComponent("d"))
        let deleted = try Run.llmdash(["diff", "--git", "HEAD", "d"], in: dir)
        #expect(deleted.status == 1, "\(deleted.stderr)")
        #expect(deleted.stdout.hasPrefix("a.json: dashboard \"A\" (removed file)\n"))
        let deletedFile = try Run.llmdash(["diff", "--git", "HEAD", "d/a.json"], in: dir)
        #expect(deletedFile.status == 1, "\(deletedFile.stderr)")
        let nowhere = try Run.llmdash(["diff", "--git", "HEAD", "nowhere"], in: dir)
        #expect(nowhere.status == 2)
        #expect(nowhere.stderr == "error: cannot read nowhere: no such file or folder here or at HEAD\n")
        let bad = try Run.llmdash(["diff", "--git", "no-such-rev", "d"], in: dir)
        #expect(bad.status == 2)
        #expect(bad.stderr == "error: unknown git revision 'no-such-rev'\n")
    }

    static func hostile(_ name: String) -> Data {
        switch name {
        case "binary junk": return Data((0..<4096).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 7) })
        case "invalid UTF-8": return Data(#"{"title": "a"#.utf8) + Data([0xC3, 0x28]) + Data(#""}"#.utf8)
        case "NUL bytes": return Data(#"{"panels": []}"#.utf8) + Data([0, 0])
        case "100,000 nested arrays":
            return Data((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)
        case "100,000 nested objects":
            let open = String(repeating: #"{"a":"#, count: 100_000)
            return Data((open + "1" + String(repeating: "}", count: 100_000)).utf8)
        case "truncated": return Data(#"{"panels": [{"title": "x", "targets": [{"expr": "up"#.utf8)
        default: return Data()
        }
    }

    @Test(arguments: [
        "binary junk", "invalid UTF-8", "NUL bytes", "100,000 nested arrays", "100,000 nested objects", "truncated",
        "empty",
    ])
    func hostileJSONIsALocatedErrorNeverACrash(name: String) throws {
        let dir = try Self.write(["ok.json": #"{"title": "A", "panels": []}"#])
        try Self.hostile(name).write(to: dir.appendingPathComponent("bad.json"))
        for args in [["ok.json", "bad.json"], ["bad.json", "ok.json"]] {
            let result = try Run.llmdash(["diff"] + args, in: dir)
            #expect(!result.crashed)
            #expect(result.status == 2, "\(name): \(result.stdout)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.hasPrefix("bad.json:1:"), "\(name): \(result.stderr)")
        }
    }

    @Test func aLargeDashboardAgainstItselfIsNoDifference() throws {
        // 5,000 panels, 6 MB: parsed twice and compared, no difference.
        var panels: [String] = []
        for i in 0..<5_000 {
            panels.append(
                #"{"id": \#(i), "type": "timeseries", "title": "P\#(i)", "gridPos": {"x": 0, "y": \#(i * 8), "w": 12, "h": 8}, "#
                    + #""targets": [{"refId": "A", "expr": "sum by (le) (rate(m_\#(i)_bucket{job=~\"$job\"}[5m]))"}], "#
                    + #""fieldConfig": {"defaults": {"unit": "s", "thresholds": {"steps": [{"color": "green", "value": null}]}}}}"#
            )
        }
        let dir = try Self.write(["big.json": #"{"title": "Big", "panels": ["# + panels.joined(separator: ",\n") + "]}"]
        )
        let result = try Run.llmdash(["diff", "big.json", "big.json"], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "no differences\n")
    }

    @Test func colourOnlyWhenAskedOrOnATerminal() throws {
        let dir = try Self.write([
            "a.json": #"{"title": "A", "panels": [{"id": 1, "title": "P", "type": "stat"}]}"#,
            "b.json": #"{"title": "A", "panels": [{"id": 2, "title": "Q", "type": "stat"}]}"#,
        ])
        let plain = try Run.llmdash(["diff", "a.json", "b.json"], in: dir)
        #expect(!plain.stdout.contains("\u{1B}["))
        let coloured = try Run.llmdash(["diff", "--color", "always", "a.json", "b.json"], in: dir)
        #expect(coloured.stdout.contains("\u{1B}[32madded   \u{1B}[0m panel \"Q\""))
        #expect(coloured.stdout.contains("\u{1B}[31mremoved \u{1B}[0m panel \"P\""))
    }
}

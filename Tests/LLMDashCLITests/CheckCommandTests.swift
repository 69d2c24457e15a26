import Foundation
import TestSupport
import Testing

/// `llmdash check` in its three output formats, end to end.
@Suite struct CheckCommandTests {
    /// Two dashboards sharing a title in one folder (a warning) and one with a PromQL error when `broken`.
    static func project(broken: Bool = false) throws -> URL {
        let dir = try Run.temporaryDirectory("llmdash-check")
        let specs = dir.appendingPathComponent("specs")
        try FileManager.default.createDirectory(at: specs, withIntermediateDirectories: true)
        for uid in ["a", "b"] {
            let yaml = """
                apiVersion: llmdash/v1
                kind: Dashboard
                metadata: {uid: \(uid), title: Same, folder: F}
                spec:
                  panels:
                    - timeseries: {title: Up, queries: [{expr: "sum(up)"}]}

                """
            try yaml.write(to: specs.appendingPathComponent("\(uid).yaml"), atomically: true, encoding: .utf8)
        }
        if broken {
            let yaml = """
                apiVersion: llmdash/v1
                kind: Dashboard
                metadata: {uid: c, title: C, folder: F}
                spec:
                  panels:
                    - timeseries: {title: Up, queries: [{expr: "sum(up"}]}

                """
            try yaml.write(to: specs.appendingPathComponent("c.yaml"), atomically: true, encoding: .utf8)
        }
        return dir
    }

    @Test func currentOutputPassesAndStrictTurnsWarningsIntoErrors() throws {
        let dir = try Self.project()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try Run.llmdash(["build", "specs", "--out", "out"], in: dir).status == 0)
        let check = try Run.llmdash(["check", "specs", "--out", "out"], in: dir)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("out/ is current"))
        #expect(check.stderr.contains("specs/b.yaml:3:17: warning: another dashboard in folder 'F' is titled 'Same'"))
        let strict = try Run.llmdash(["check", "specs", "--out", "out", "--strict"], in: dir)
        #expect(strict.status == 1)
        #expect(strict.stderr.contains("specs/b.yaml:3:17: error:"))
    }

    @Test func githubFormatAnnotatesSpecLinesAndStaleFiles() throws {
        let dir = try Self.project()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try Run.llmdash(["build", "specs", "--out", "out"], in: dir).status == 0)
        let changed = try String(contentsOf: dir.appendingPathComponent("specs/a.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "sum(up)", with: "sum(up) by (job)")
        try changed.write(to: dir.appendingPathComponent("specs/a.yaml"), atomically: true, encoding: .utf8)
        try Data("x".utf8).write(to: dir.appendingPathComponent("out/dashboards/F/b.json"))
        let result = try Run.llmdash(["check", "specs", "--out", "out", "--format", "github"], in: dir)
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(
            lines.contains(
                "::warning file=specs/b.yaml,line=3,col=17,title=llmdash lint.duplicate-title::"
                    + "another dashboard in folder 'F' is titled 'Same'%0Athe other is at specs/a.yaml:3:17"))
        // The stale dashboard's annotation says what a build would change, compared as PromQL.
        #expect(
            lines.contains(
                "::error file=specs/a.yaml,line=3,col=17,title=llmdash stale output::"
                    + "out/dashboards/F/a.json is outdated; run `llmdash build` and commit the result"
                    + "%0A  edited   panel \"Up\": query A%0A      - sum(up)%0A      + sum by (job) (up)"
                    + "%0A        no grouping → by (job)"), "\(lines)")
        #expect(
            lines.contains {
                $0.hasPrefix("::error file=specs/b.yaml,line=3,col=17,")
                    && $0.hasSuffix(
                        "b.json is outdated; run `llmdash build` and commit the result"
                            + "%0A  edited   file \"dashboards/F/b.json\": content (not valid JSON) changed")
            }, "\(lines)")
        let text = try Run.llmdash(["check", "specs", "--out", "out"], in: dir)
        #expect(text.status == 1)
        #expect(text.stderr.contains("  outdated: dashboards/F/a.json\n"))
        #expect(text.stderr.contains("What a build would change:\nout/dashboards/F/a.json: dashboard \"Same\""))
        #expect(text.stderr.contains("      + sum by (job) (up)\n"))
        #expect(lines.last == "0 errors, 1 warning; out/ is stale: 2 files")
    }

    @Test func githubFormatEscapesAndReportsErrors() throws {
        let dir = try Self.project(broken: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try Run.llmdash(["check", "specs", "--no-output", "--format", "github"], in: dir)
        #expect(result.status == 1)
        let error = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("::error ") })
        #expect(error.hasPrefix("::error file=specs/c.yaml,line=6,col="))
        #expect(error.contains("title=llmdash promql."))
        #expect(!error.dropFirst(2).contains("\n"))
    }

    @Test func jsonFormatDescribesDiagnosticsAndStaleness() throws {
        let dir = try Self.project()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try Run.llmdash(["build", "specs", "--out", "out"], in: dir).status == 0)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("out/dashboards/F/a.json"))
        let result = try Run.llmdash(["check", "specs", "--out", "out", "--format", "json"], in: dir)
        #expect(result.status == 1)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["valid"] as? Bool == true)
        #expect(object["warnings"] as? Int == 1)
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.first?["id"] as? String == "lint.duplicate-title")
        #expect(diagnostics.first?["file"] as? String == "specs/b.yaml")
        #expect(diagnostics.first?["line"] as? Int == 3)
        let output = try #require(object["output"] as? [String: Any])
        #expect(output["current"] as? Bool == false)
        let stale = try #require(output["stale"] as? [[String: Any]])
        #expect(stale.count == 1)
        #expect(stale.first?["path"] as? String == "dashboards/F/a.json")
        #expect(stale.first?["status"] as? String == "missing")
        #expect(stale.first?["source"] as? String == "specs/a.yaml:3:17")
    }

    @Test func jsonFormatOnErrorsStillPrintsJSON() throws {
        let dir = try Self.project(broken: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try Run.llmdash(["check", "specs", "--format", "json"], in: dir)
        #expect(result.status == 1)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["valid"] as? Bool == false)
        #expect((object["errors"] as? Int ?? 0) >= 1)
        #expect(object["output"] is NSNull)
    }
}

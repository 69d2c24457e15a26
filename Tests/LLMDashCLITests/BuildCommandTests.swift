import Foundation
import TestSupport
import Testing

/// The built `llmdash` binary, end to end.
@Suite struct BuildCommandTests {
    static func files(in dir: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let fm = FileManager.default
        for relative in try fm.subpathsOfDirectory(atPath: dir.path).sorted() {
            var isDirectory: ObjCBool = false
            let path = dir.appendingPathComponent(relative).path
            if fm.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                out[relative] = fm.contents(atPath: path)
            }
        }
        return out
    }

    @Test func templatesBuildIntoValidDashboardsMatchingTheCommittedOutput() throws {
        let out = try Run.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try Run.llmdash(["build", "templates", "--out", out.path], in: RepoPaths.root)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        let built = try Self.files(in: out)
        #expect(built.keys.contains("dashboards/LLM/vllm-serving.json"))
        #expect(built.keys.contains("provisioning/dashboards/llmdash.yaml"))
        #expect(built.keys.contains("provisioning/datasources/prometheus.yaml"))
        let committed = try Self.files(in: RepoPaths.generated)
        #expect(Set(built.keys) == Set(committed.keys), "generated/ holds other files than a build writes")
        for (path, data) in built {
            #expect(committed[path] == data, "generated/\(path) is stale: run `swift run llmdash build` and commit")
        }
        let validation = try Run.grafanaValidate([out.appendingPathComponent("dashboards").path])
        #expect(validation.status == 0, "\(validation.stdout)\(validation.stderr)")
        #expect(validation.stdout.contains(" 0 problems"))
    }

    @Test func twoBuildsGiveIdenticalBytes() throws {
        let a = try Run.temporaryDirectory()
        let b = try Run.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(at: a)
            try? FileManager.default.removeItem(at: b)
        }
        let fixture = RepoPaths.root.appendingPathComponent("Tests/LLMDashTests/Fixtures/full-dashboard.yaml").path
        for dir in [a, b] {
            // The summary names the folder once, with or without a trailing slash on --out.
            let out = dir == a ? dir.path : dir.path + "/"
            let result = try Run.llmdash(["build", "templates", fixture, "--out", out], in: RepoPaths.root)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("built 13 dashboards into \(dir.path)/: "), "\(result.stdout)")
        }
        let left = try Self.files(in: a)
        #expect(left.keys.contains("dashboards/LLM/full-dashboard.json"))
        #expect(left.keys.contains("dashboards/LLM/vllm-serving.json"))
        #expect(left == (try Self.files(in: b)))
    }

    @Test func everyPanelTypeAndOptionPassesTheStrictSchemas() throws {
        let out = try Run.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let fixture = RepoPaths.root.appendingPathComponent("Tests/LLMDashTests/Fixtures/full-dashboard.yaml").path
        for version in ["42", "39"] {
            let result = try Run.llmdash(["build", fixture, "--out", out.path, "--schema-version", version])
            #expect(result.status == 0, "\(result.stderr)")
            let json = try #require(
                FileManager.default.contents(
                    atPath: out.appendingPathComponent("dashboards/LLM/full-dashboard.json").path))
            let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
            #expect(object["schemaVersion"] as? Int == Int(version))
            for noise in ["id", "version", "iteration", "__inputs", "__requires"] { #expect(object[noise] == nil) }
            #expect(!String(decoding: json, as: UTF8.self).contains("pluginVersion"))
            let validation = try Run.grafanaValidate([out.path + "/dashboards"])
            #expect(validation.status == 0, "\(validation.stdout)")
        }
    }

    @Test func errorsWriteNothingAndExitOne() throws {
        let dir = try Run.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = "apiVersion: llmdash/v1\nkind: Dashboard\nmetadata: {uid: good, title: Good}\nspec: {}\n"
        let bad = "apiVersion: llmdash/v1\nkind: Dashboard\nmetadata: {uid: bad, title: Bad}\nspec: {refesh: 1m}\n"
        try good.write(to: dir.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        try bad.write(to: dir.appendingPathComponent("b.yaml"), atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out")
        let result = try Run.llmdash(["build", dir.path, "--out", out.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("b.yaml:4:8: error: unknown key 'refesh' in spec [spec.unknown-key]"))
        #expect(result.stderr.contains("4 | spec: {refesh: 1m}\n  |        ^"))
        #expect(result.stderr.contains("did you mean 'refresh'?"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    /// Each file's problems are printed as soon as it is compiled, in file order; build-wide ones come last,
    /// and the count covers both.
    @Test func diagnosticsPrintFileByFileThenBuildWide() throws {
        let dir = try Run.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let names = (1...30).map { String(format: "f%02d", $0) }
        for (i, name) in names.enumerated() {
            let uid = i == names.count - 1 ? "f01" : name  // the last file reuses the first file's uid
            let yaml = """
                apiVersion: llmdash/v1
                kind: Dashboard
                metadata: {uid: \(uid), title: \(name)}
                spec:
                  panels:
                    - stat: {title: A, unit: 'suffix: tok/s', queries: [up]}

                """
            try yaml.write(to: dir.appendingPathComponent(name + ".yaml"), atomically: true, encoding: .utf8)
        }
        let out = dir.appendingPathComponent("out")
        let result = try Run.llmdash(["build", dir.path, "--out", out.path])
        #expect(result.status == 1)
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let headers = result.stderr.split(separator: "\n").filter { $0.hasPrefix(dir.path) }
        let expected =
            names.map { "\(dir.path)/\($0).yaml:6:30: warning: unit 'suffix: tok/s' renders with two spaces" }
            + ["\(dir.path)/f30.yaml:3:17: error: dashboard uid 'f01' is used by another dashboard"]
        #expect(headers.count == expected.count, "\(result.stderr)")
        for (line, prefix) in zip(headers, expected) { #expect(line.hasPrefix(prefix), "\(line)") }
        #expect(result.stderr.contains("6 |     - stat: {title: A, unit: 'suffix: tok/s', queries: [up]}\n"))
        #expect(result.stderr.hasSuffix("\n1 error, 30 warnings\n"), "\(result.stderr)")
    }

    @Test func usageAndIOErrorsExitTwo() throws {
        let usage = try Run.llmdash(["build", "--schema-version", "many"])
        #expect(usage.status == 2)
        let range = try Run.llmdash(["build", "--schema-version", "1000"])
        #expect(range.status == 2)
        let missing = try Run.llmdash(["build", "/nonexistent/specs"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no such file or folder"))
        let unknown = try Run.llmdash(["frobnicate"])
        #expect(unknown.status == 2)
    }

    @Test func versionAndHelp() throws {
        let version = try Run.llmdash(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
        let help = try Run.llmdash(["build", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("Examples:"))
    }

    @Test func checkReportsStaleOutput() throws {
        let dir = try Run.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = dir.appendingPathComponent("d.yaml")
        let yaml = "apiVersion: llmdash/v1\nkind: Dashboard\nmetadata: {uid: d, title: D}\nspec: {refresh: 1m}\n"
        try yaml.write(to: spec, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out").path
        #expect(try Run.llmdash(["build", spec.path, "--out", out]).status == 0)
        let fresh = try Run.llmdash(["check", spec.path, "--out", out])
        #expect(fresh.status == 0, "\(fresh.stderr)")
        try yaml.replacingOccurrences(of: "1m", with: "5m").write(to: spec, atomically: true, encoding: .utf8)
        let stale = try Run.llmdash(["check", spec.path, "--out", out])
        #expect(stale.status == 1)
        #expect(stale.stderr.contains("outdated: dashboards/d.json"))
    }

    @Test func provisioningFilesPointAtTheOutput() throws {
        let out = try Run.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try Run.llmdash(
            [
                "build", "templates", "--out", out.path, "--grafana-dashboards-path", "/srv/dash",
                "--prometheus-url", "http://prom:9090", "--scrape-interval", "30s",
            ], in: RepoPaths.root)
        #expect(result.status == 0)
        let provider = try String(
            contentsOf: out.appendingPathComponent("provisioning/dashboards/llmdash.yaml"), encoding: .utf8)
        #expect(provider.contains("path: \"/srv/dash\""))
        #expect(provider.contains("foldersFromFilesStructure: true"))
        let datasource = try String(
            contentsOf: out.appendingPathComponent("provisioning/datasources/prometheus.yaml"), encoding: .utf8)
        #expect(datasource.contains("url: \"http://prom:9090\""))
        #expect(datasource.contains("timeInterval: \"30s\""))
    }

    @Test func teamExecutableExposesTheCommandsOverItsDSLDashboards() throws {
        let out = try Run.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let team = Run.productsDirectory.appendingPathComponent("team-dashboards").path
        let result = try Run.process(team, ["build", "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("built 1 dashboard"))
        let json = out.appendingPathComponent("dashboards/Team/chat-api.json")
        #expect(FileManager.default.fileExists(atPath: json.path))
        #expect(try Run.grafanaValidate([json.path]).status == 0)
        let check = try Run.process(team, ["check", "--out", out.path])
        #expect(check.status == 0, "\(check.stderr)")
    }
}

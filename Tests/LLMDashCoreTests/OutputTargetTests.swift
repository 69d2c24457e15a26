import Foundation
import LLMDashCore
import TestSupport
import Testing
import Yams

/// Every output target, on the shipped templates: the YAML parses, dashboards inside ConfigMaps pass the
/// Grafana schemas, rule groups inside PrometheusRules and Mimir namespace files pass `promtool check rules`,
/// and each target carries the same dashboards and rule groups as the default one.
@Suite struct OutputTargetTests {
    static let promtool: String? = ["/usr/bin/promtool", "/usr/local/bin/promtool", "/bin/promtool"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    struct PromtoolMissing: Error, CustomStringConvertible {
        var description: String { "promtool is not installed (scripts/test installs Debian's prometheus package)" }
    }

    static func build(_ target: OutputTarget, kubernetes: KubernetesOptions = KubernetesOptions()) -> BuildResult {
        var options = BuildOptions()
        options.target = target
        options.kubernetes = kubernetes
        return Compiler.build(paths: [RepoPaths.templates.path], options: options)
    }

    static func text(_ file: OutputFile) -> String { String(decoding: file.contents, as: UTF8.self) }

    /// The default target's dashboards by uid and rule groups by rule-file namespace.
    static func reference() throws -> (dashboards: [String: String], groups: [String: [[String: Any]]]) {
        let grafana = build(.grafana)
        #expect(grafana.diagnostics.filter { $0.severity == .error }.isEmpty)
        var dashboards: [String: String] = [:]
        var groups: [String: [[String: Any]]] = [:]
        for file in grafana.files {
            let name = String(file.path.split(separator: "/").last ?? "")
            if file.path.hasPrefix("dashboards/") {
                dashboards[String(name.dropLast(".json".count))] = text(file)
            } else if file.path.hasPrefix("rules/"), !file.path.hasSuffix(".test.yaml") {
                let yaml = try Yams.load(yaml: text(file)) as? [String: Any]
                let parts = file.path.dropFirst("rules/".count).dropLast(".yaml".count).split(separator: "/")
                groups[parts.joined(separator: "-")] = yaml?["groups"] as? [[String: Any]]
            }
        }
        return (dashboards, groups)
    }

    /// Writes `groups` as a plain rule file and runs `promtool check rules` on it.
    static func promtoolCheck(_ groups: [[String: Any]], in folder: URL, name: String) throws {
        guard let promtool else { throw PromtoolMissing() }
        let path = folder.appendingPathComponent(name + ".yaml")
        try Yams.dump(object: ["groups": groups]).write(to: path, atomically: true, encoding: .utf8)
        let run = try Run.process(promtool, ["check", "rules", path.path])
        #expect(run.status == 0, "\(name): \(run.stdout)\(run.stderr)")
    }

    static func same(_ a: [[String: Any]]?, _ b: [[String: Any]]?) -> Bool {
        guard let a, let b else { return false }
        return NSArray(array: a).isEqual(to: b)
    }

    @Test func kubernetesConfigMapsAndPrometheusRules() throws {
        let (dashboards, groups) = try Self.reference()
        #expect(!Self.same(groups["chat-ttft"], groups["chat-availability"]), "the comparison must tell groups apart")
        let result = Self.build(
            .kubernetes, kubernetes: KubernetesOptions(namespace: "monitoring", labels: ["release": "kps"]))
        #expect(result.diagnostics.filter { $0.severity == .error }.isEmpty)
        let temp = try Run.temporaryDirectory("llmdash-k8s")
        defer { try? FileManager.default.removeItem(at: temp) }
        var jsonPaths: [String] = []
        var seenRules: [String] = []
        for file in result.files {
            let object = try #require(try Yams.load(yaml: Self.text(file)) as? [String: Any], "\(file.path)")
            let metadata = object["metadata"] as? [String: Any]
            let labels = metadata?["labels"] as? [String: String]
            #expect(metadata?["namespace"] as? String == "monitoring")
            #expect(labels?["release"] == "kps" && labels?["app.kubernetes.io/managed-by"] == "llmdash")
            switch object["kind"] as? String {
            case "ConfigMap":
                #expect(object["apiVersion"] as? String == "v1")
                #expect(labels?["grafana_dashboard"] == "1")
                #expect((metadata?["annotations"] as? [String: String])?["grafana_folder"] == "LLM")
                let data = try #require(object["data"] as? [String: String])
                #expect(data.count == 1)
                let (key, json) = try #require(data.first)
                let uid = String(key.dropLast(".json".count))
                #expect(json == dashboards[uid], "\(uid): the ConfigMap holds other JSON than the dashboard")
                let path = temp.appendingPathComponent(key)
                try json.write(to: path, atomically: true, encoding: .utf8)
                jsonPaths.append(path.path)
            case "PrometheusRule":
                #expect(object["apiVersion"] as? String == "monitoring.coreos.com/v1")
                let name = try #require(metadata?["name"] as? String)
                let ruleGroups = (object["spec"] as? [String: Any])?["groups"] as? [[String: Any]]
                let namespace = String(name.dropFirst("llmdash-".count))
                #expect(Self.same(ruleGroups, groups[namespace]), "\(name) differs from the rule file")
                try Self.promtoolCheck(ruleGroups ?? [], in: temp, name: name)
                seenRules.append(namespace)
            default:
                Issue.record("unexpected object in \(file.path)")
            }
        }
        #expect(jsonPaths.count == dashboards.count)
        #expect(seenRules.sorted() == groups.keys.sorted())
        let validate = try Run.grafanaValidate(jsonPaths)
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
    }

    @Test func mimirNamespaceFiles() throws {
        let (dashboards, groups) = try Self.reference()
        let result = Self.build(.mimir)
        let temp = try Run.temporaryDirectory("llmdash-mimir")
        defer { try? FileManager.default.removeItem(at: temp) }
        var namespaces: [String] = []
        for file in result.files where file.path.hasPrefix("rules/") {
            let object = try #require(try Yams.load(yaml: Self.text(file)) as? [String: Any])
            // mimirtool decodes strictly: only these two keys, one namespace per file and across files.
            #expect(Set(object.keys) == ["namespace", "groups"], "\(file.path)")
            let namespace = try #require(object["namespace"] as? String)
            #expect(file.path == "rules/\(namespace).yaml")
            #expect(Self.same(object["groups"] as? [[String: Any]], groups[namespace]))
            try Self.promtoolCheck(object["groups"] as? [[String: Any]] ?? [], in: temp, name: namespace)
            namespaces.append(namespace)
        }
        #expect(namespaces.sorted() == groups.keys.sorted())
        #expect(Set(namespaces).count == namespaces.count)
        #expect(result.files.filter { $0.path.hasPrefix("dashboards/") }.count == dashboards.count)
        #expect(!result.files.contains { $0.path.hasPrefix("provisioning/") || $0.path.hasSuffix(".test.yaml") })
    }

    @Test func plainFilesAreTheDefaultWithoutProvisioning() {
        let grafana = Self.build(.grafana).files
        let files = Self.build(.files).files
        #expect(files == grafana.filter { !$0.path.hasPrefix("provisioning/") })
        #expect(files.contains { $0.path.hasSuffix(".test.yaml") })
    }

    @Test func dashboardTooLargeForAConfigMapIsAnErrorNamingTheLimit() {
        let text = SpecFixtures.oversizedDashboard
        var options = BuildOptions()
        options.target = .kubernetes
        let result = Compiler.build(files: [SourceFile(path: "big.yaml", text: text)], options: options)
        #expect(result.files.isEmpty)
        let error = result.diagnostics.first { $0.id == "target.kubernetes" }
        #expect(error?.message.contains("more than a ConfigMap holds (1 MiB, 1048576 bytes)") == true)
        #expect(error?.location.map { "\($0.line):\($0.column)" } == markerPosition(of: "big, title", in: text))
        // The same dashboard is fine as a file.
        let asFile = Compiler.build(files: [SourceFile(path: "big.yaml", text: text)])
        #expect(asFile.diagnostics.isEmpty && asFile.files.contains { $0.path == "dashboards/big.json" })
    }

    @Test func configMapNamesMustNotCollide() {
        let text = """
            apiVersion: llmdash/v1
            kind: Dashboard
            metadata: {uid: llm_serving, title: One}
            spec: {}
            ---
            apiVersion: llmdash/v1
            kind: Dashboard
            metadata: {uid: llm-serving, title: Two}
            spec: {}
            """
        var options = BuildOptions()
        options.target = .kubernetes
        let result = Compiler.build(files: [SourceFile(path: "two.yaml", text: text)], options: options)
        #expect(
            result.diagnostics.map(\.message) == [
                "dashboards 'llm-serving' and 'llm_serving' both become the ConfigMap 'grafana-dashboard-llm-serving'"
            ])
        #expect(Compiler.build(files: [SourceFile(path: "two.yaml", text: text)]).diagnostics.isEmpty)
    }
}

extension OutputTargetTests {
    @Test func ruleNamespacesMustNotCollide() {
        let text = """
            apiVersion: llmdash/v1
            kind: Dashboard
            metadata: {uid: gateway, title: Gateway}
            spec:
              recordingRules: true
              panels:
                - timeseries: {title: Rate, queries: ['sum(rate(http_requests_total[5m]))']}
            ---
            apiVersion: llmdash/v1
            kind: SLO
            metadata: {name: gateway, service: dashboard}
            spec: {objective: 99, sli: {errors: {backend: vllm}}}
            """
        for target in [OutputTarget.kubernetes, .mimir] {
            var options = BuildOptions()
            options.target = target
            let result = Compiler.build(files: [SourceFile(path: "clash.yaml", text: text)], options: options)
            #expect(result.files.isEmpty)
            let kind =
                target == .kubernetes
                ? "the PrometheusRule 'llmdash-dashboard-gateway'" : "the Mimir namespace 'dashboard-gateway'"
            #expect(
                result.diagnostics.map(\.message) == [
                    "the recording rules of dashboard 'gateway' and the SLO 'dashboard-gateway' both become \(kind)"
                ], "\(target)")
        }
        // As plain rule files they live apart: rules/dashboard-gateway.yaml and rules/dashboard/gateway.yaml.
        #expect(Compiler.build(files: [SourceFile(path: "clash.yaml", text: text)]).diagnostics.isEmpty)
    }
}

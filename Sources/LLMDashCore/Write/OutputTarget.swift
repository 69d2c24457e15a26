/// Where a build's output goes, which decides its layout and file formats.
public enum OutputTarget: String, Sendable, Hashable, CaseIterable {
    /// Grafana file provisioning: `dashboards/<folder>/<uid>.json`, `provisioning/…`, and Prometheus
    /// `rule_files` with their promtool tests under `rules/`.
    case grafana
    /// Kubernetes objects: a ConfigMap per dashboard for the Grafana sidecar, a PrometheusRule
    /// (Prometheus Operator) per rule file.
    case kubernetes
    /// The Mimir or Cortex ruler: `rules/<namespace>.yaml` files of `namespace` and `groups` for
    /// `mimirtool rules load|sync` (and `cortextool`), dashboards as plain JSON.
    case mimir
    /// Plain files: dashboards as JSON and rule files with their tests, without provisioning.
    case files
}

/// Settings of the Kubernetes target.
public struct KubernetesOptions: Sendable, Hashable {
    /// `metadata.namespace` of every object (nil: the namespace `kubectl apply` targets).
    public var namespace: String?
    /// Labels added to every object, e.g. `release: kube-prometheus-stack` for the operator's rule selector.
    public var labels: [String: String]

    public init(namespace: String? = nil, labels: [String: String] = [:]) {
        self.namespace = namespace
        self.labels = labels
    }
}

/// What a build file is, so a target knows how to deliver it.
enum OutputKind: Sendable, Hashable {
    case dashboard(uid: String, folder: String)
    /// A Prometheus rule file; `namespace` names it for the Mimir ruler and in Kubernetes.
    case rules(namespace: String)
    /// A `promtool test rules` file for the rule file beside it.
    case ruleTest
    /// Grafana's provisioning documents.
    case provisioning
}

/// Turns the files of a build into the files of a target.
enum OutputTargets {
    /// Kubernetes refuses a ConfigMap whose data exceed 1 MiB.
    static let configMapLimit = 1_048_576
    /// The Prometheus Operator rejects a PrometheusRule whose rendered rules exceed 512 KiB.
    static let prometheusRuleLimit = 524_288
    static let managedBy = ("app.kubernetes.io/managed-by", "llmdash")

    /// The files a target writes for one build file, or why it cannot take it.
    static func deliver(_ file: OutputFile, _ kind: OutputKind, options: BuildOptions) -> Result<
        [OutputFile], DeliveryProblem
    > {
        switch (options.target, kind) {
        case (.grafana, _): return .success([file])
        case (.files, .provisioning): return .success([])
        case (.files, _): return .success([file])
        case (.mimir, .rules(let namespace)):
            return .success([OutputFile(path: "rules/\(namespace).yaml", text: mimirFile(file, namespace: namespace))])
        case (.mimir, .dashboard): return .success([file])
        case (.mimir, .ruleTest), (.mimir, .provisioning): return .success([])
        case (.kubernetes, .dashboard(let uid, let folder)):
            guard file.contents.count <= configMapLimit else {
                return .failure(
                    DeliveryProblem(
                        message:
                            "dashboard '\(uid)' is \(file.contents.count) bytes of JSON, more than a ConfigMap holds "
                            + "(1 MiB, \(configMapLimit) bytes)",
                        notes: ["split it into several dashboards, or deliver it with --target grafana"]))
            }
            let path = "dashboards/\(configMapName(uid)).yaml"
            return .success([
                OutputFile(path: path, text: configMap(file, uid: uid, folder: folder, options: options.kubernetes))
            ])
        case (.kubernetes, .rules(let namespace)):
            let text = prometheusRule(file, namespace: namespace, options: options.kubernetes)
            guard text.utf8.count <= prometheusRuleLimit else {
                return .failure(
                    DeliveryProblem(
                        message:
                            "the rules of '\(namespace)' are \(text.utf8.count) bytes, more than the Prometheus "
                            + "Operator accepts in a PrometheusRule (512 KiB, \(prometheusRuleLimit) bytes)",
                        notes: []))
            }
            return .success([OutputFile(path: "rules/\(objectName(namespace)).yaml", text: text)])
        case (.kubernetes, .ruleTest), (.kubernetes, .provisioning): return .success([])
        }
    }

    /// Rule files that would land in one Mimir namespace or one PrometheusRule: an SLO whose id is
    /// `dashboard-<uid>` of a recorded dashboard, or names that differ only in case, `_` or `.`.
    static func crossChecks(_ dashboards: [DashboardSummary], _ slos: [SLOSummary], target: OutputTarget)
        -> [Diagnostic]
    {
        guard target == .kubernetes || target == .mimir else { return [] }
        let namespaces =
            slos.map { ($0.id, "the SLO '\($0.id)'", $0.location) }
            + dashboards.filter(\.recordsRates).map {
                ("dashboard-" + $0.uid, "the recording rules of dashboard '\($0.uid)'", $0.location)
            }
        var seen: [String: String] = [:]
        var out: [Diagnostic] = []
        for (namespace, what, location) in namespaces {
            let key = target == .kubernetes ? objectName("llmdash-" + namespace) : namespace
            if let other = seen[key] {
                let kind = target == .kubernetes ? "the PrometheusRule" : "the Mimir namespace"
                out.append(
                    .error(
                        "target.\(target.rawValue)", "\(what) and \(other) both become \(kind) '\(key)'", at: location))
            } else {
                seen[key] = what
            }
        }
        return out
    }

    struct DeliveryProblem: Error, Sendable {
        var message: String
        var notes: [String]
    }

    /// A Kubernetes object name: lower case, `_` and other characters as `-`, starting and ending alphanumeric.
    static func objectName(_ text: String) -> String {
        var out = ""
        for ch in text.lowercased() {
            out.append(ch.isASCII && (ch.isLetter || ch.isNumber || ch == "." || ch == "-") ? ch : "-")
        }
        while out.hasSuffix("-") || out.hasSuffix(".") { out.removeLast() }
        while out.hasPrefix("-") || out.hasPrefix(".") { out.removeFirst() }
        return String(out.prefix(253))
    }

    static func configMapName(_ uid: String) -> String { objectName("grafana-dashboard-" + uid) }

    static func metadata(name: String, labels: [String: String], annotations: [String: String], _ k: KubernetesOptions)
        -> String
    {
        var out = "metadata:\n  name: \(SLORules.yamlString(name))\n"
        if let namespace = k.namespace { out += "  namespace: \(SLORules.yamlString(namespace))\n" }
        let all = k.labels.merging(labels) { _, own in own }.merging([managedBy.0: managedBy.1]) { _, own in own }
        out += map("labels", all)
        out += map("annotations", annotations)
        return out
    }

    static func map(_ key: String, _ values: [String: String]) -> String {
        guard !values.isEmpty else { return "" }
        var out = "  \(key):\n"
        for (k, v) in values.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            out += "    \(SLORules.yamlString(k)): \(SLORules.yamlString(v))\n"
        }
        return out
    }

    /// Indents every non-empty line.
    static func indent(_ text: Substring, by n: Int) -> String {
        let pad = String(repeating: " ", count: n)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : pad + $0 }
            .joined(separator: "\n")
    }

    /// The dashboard JSON in a ConfigMap that the Grafana sidecar picks up by its `grafana_dashboard` label,
    /// into the folder its `grafana_folder` annotation names.
    static func configMap(_ file: OutputFile, uid: String, folder: String, options: KubernetesOptions) -> String {
        var json = String(decoding: file.contents, as: UTF8.self)
        if json.hasSuffix("\n") { json.removeLast() }
        var out = "# Code generated by llmdash from the dashboard \(uid). DO NOT EDIT.\n"
        out += "apiVersion: v1\nkind: ConfigMap\n"
        out += metadata(
            name: configMapName(uid), labels: ["grafana_dashboard": "1"],
            annotations: folder.isEmpty ? [:] : ["grafana_folder": folder], options)
        out += "data:\n  \(SLORules.yamlString(uid + ".json")): |\n" + indent(json[...], by: 4) + "\n"
        return out
    }

    /// The `groups:` list of a rule file llmdash wrote (which always starts its groups on a line `groups:`).
    static func groups(_ file: OutputFile) -> Substring {
        let text = String(decoding: file.contents, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(of: "groups:") else { return "" }
        return Substring(lines[(start + 1)...].joined(separator: "\n"))
    }

    static func header(_ file: OutputFile) -> String {
        let text = String(decoding: file.contents, as: UTF8.self)
        return text.split(separator: "\n").prefix { $0.hasPrefix("#") }.map { $0 + "\n" }.joined()
    }

    /// The rule groups in a Prometheus Operator `PrometheusRule`.
    static func prometheusRule(_ file: OutputFile, namespace: String, options: KubernetesOptions) -> String {
        var out = header(file)
        out += "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\n"
        out += metadata(name: objectName("llmdash-" + namespace), labels: [:], annotations: [:], options)
        out += "spec:\n  groups:\n" + indent(groups(file), by: 2)
        return out.hasSuffix("\n") ? out : out + "\n"
    }

    /// The rule groups as a `mimirtool rules load|sync` namespace file.
    static func mimirFile(_ file: OutputFile, namespace: String) -> String {
        header(file) + "namespace: \(SLORules.yamlString(namespace))\ngroups:\n" + groups(file)
    }
}

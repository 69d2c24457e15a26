import Foundation

/// Settings of one build that are not part of any spec.
public struct BuildOptions: Sendable, Hashable {
    public var schemaVersion: Int
    /// Where Grafana finds the `dashboards/` folder (the provider's path).
    public var grafanaDashboardsPath: String
    public var prometheusURL: String
    public var datasourceUID: String
    public var scrapeInterval: String

    public init(
        schemaVersion: Int = GrafanaEmitter.defaultSchemaVersion,
        grafanaDashboardsPath: String = "/var/lib/grafana/dashboards/llmdash",
        prometheusURL: String = "http://prometheus:9090",
        datasourceUID: String = "prometheus",
        scrapeInterval: String = "15s"
    ) {
        self.schemaVersion = schemaVersion
        self.grafanaDashboardsPath = grafanaDashboardsPath
        self.prometheusURL = prometheusURL
        self.datasourceUID = datasourceUID
        self.scrapeInterval = scrapeInterval
    }
}

/// A file to write, relative to the output folder.
public struct OutputFile: Sendable, Hashable {
    public var path: String
    public var contents: [UInt8]

    public init(path: String, contents: [UInt8]) {
        self.path = path
        self.contents = contents
    }

    public init(path: String, text: String) {
        self.init(path: path, contents: Array(text.utf8))
    }
}

public struct BuildResult: Sendable {
    public var files: [OutputFile]
    public var diagnostics: [Diagnostic]
    /// Source texts by path, for quoting lines in diagnostics.
    public var sources: [String: String]
    public var dashboards: [ResolvedDashboard]
}

/// The pipeline: spec files → specs → resolve → validate → emit, all in memory.
public enum Compiler {
    /// Spec files named by paths: files as given, folders searched for `*.yaml`/`*.yml` in sorted order.
    public static func specFiles(in paths: [String]) -> ([String], [Diagnostic]) {
        var files: [String] = []
        var diagnostics: [Diagnostic] = []
        let fm = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
                diagnostics.append(.error("io.missing", "no such file or folder: \(path)", at: nil))
                continue
            }
            if !isDirectory.boolValue {
                files.append(path)
                continue
            }
            guard let enumerator = fm.enumerator(atPath: path) else { continue }
            var found: [String] = []
            while let relative = enumerator.nextObject() as? String {
                let name = (relative as NSString).lastPathComponent
                if name.hasPrefix(".") {
                    enumerator.skipDescendants()
                    continue
                }
                if name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
                    found.append(path.hasSuffix("/") ? path + relative : path + "/" + relative)
                }
            }
            files += found.sorted(by: JSONWriter.utf8Less)
        }
        return (files, diagnostics)
    }

    /// Loads spec files; dashboards come back in file order.
    public static func load(paths: [String]) -> (
        dashboards: [DashboardSpec], diagnostics: [Diagnostic], sources: [String: String]
    ) {
        let (files, fileDiagnostics) = specFiles(in: paths)
        var diagnostics = fileDiagnostics
        var dashboards: [DashboardSpec] = []
        var sources: [String: String] = [:]
        for path in files {
            switch SourceFile.read(path: path) {
            case .failure(let diagnostic):
                diagnostics.append(diagnostic)
            case .success(let file):
                sources[path] = file.text
                let (documents, found) = YAMLSpecLoader.load(file)
                diagnostics += found
                for document in documents {
                    switch document {
                    case .dashboard(let dashboard): dashboards.append(dashboard)
                    }
                }
            }
        }
        return (dashboards, diagnostics, sources)
    }

    public static func build(paths: [String], options: BuildOptions = BuildOptions()) -> BuildResult {
        let (dashboards, diagnostics, sources) = load(paths: paths)
        var result = build(dashboards: dashboards, options: options)
        result.diagnostics = diagnostics + result.diagnostics
        result.sources = sources
        if result.diagnostics.hasErrors { result.files = [] }
        return result
    }

    /// Compiles dashboards from any front end into the output tree.
    public static func build(dashboards: [DashboardSpec], options: BuildOptions = BuildOptions()) -> BuildResult {
        var diagnostics: [Diagnostic] = []
        var files: [OutputFile] = []
        var resolvedDashboards: [ResolvedDashboard] = []
        var uids: [String: SourceLocation?] = [:]
        var titles: [String: SourceLocation?] = [:]
        for spec in dashboards {
            if let first = uids[spec.uid] {
                diagnostics.append(
                    .error(
                        "spec.duplicate-uid", "dashboard uid '\(spec.uid)' is used by another dashboard",
                        at: spec.location, notes: first.map { ["first used at \($0)"] } ?? []))
                continue
            }
            uids[spec.uid] = spec.location
            let titleKey = spec.folder + "\u{0}" + spec.title
            if let first = titles[titleKey] {
                diagnostics.append(
                    .warning(
                        "lint.duplicate-title",
                        "another dashboard in folder '\(spec.folder.isEmpty ? "General" : spec.folder)' is titled '\(spec.title)'",
                        at: spec.location, notes: first.map { ["the other is at \($0)"] } ?? []))
            }
            titles[titleKey] = spec.location
            let (resolved, found) = Resolver.resolve(spec)
            diagnostics += found
            resolvedDashboards.append(resolved)
            if found.hasErrors { continue }
            let json = GrafanaEmitter.dashboard(resolved, schemaVersion: options.schemaVersion)
            files.append(OutputFile(path: dashboardPath(spec), contents: JSONWriter.pretty(json)))
        }
        if !(1...99).contains(options.schemaVersion) {
            diagnostics.append(
                .error(
                    "options.schema-version", "schema version \(options.schemaVersion) is not a Grafana schema version",
                    at: nil))
        }
        files.append(
            OutputFile(
                path: "provisioning/dashboards/llmdash.yaml",
                text: Provisioning.dashboardProvider(path: options.grafanaDashboardsPath)))
        files.append(
            OutputFile(
                path: "provisioning/datasources/prometheus.yaml",
                text: Provisioning.prometheusDatasource(
                    url: options.prometheusURL, uid: options.datasourceUID, scrapeInterval: options.scrapeInterval)))
        files.sort { JSONWriter.utf8Less($0.path, $1.path) }
        if diagnostics.hasErrors { files = [] }
        return BuildResult(files: files, diagnostics: diagnostics, sources: [:], dashboards: resolvedDashboards)
    }

    public static func dashboardPath(_ spec: DashboardSpec) -> String {
        spec.folder.isEmpty ? "dashboards/\(spec.uid).json" : "dashboards/\(spec.folder)/\(spec.uid).json"
    }
}

/// What `llmdash import` produced: the spec text, or the errors that stopped it, and warnings either way.
public struct ImportResult: Sendable {
    /// The spec YAML; nil when the input could not be imported.
    public var yaml: String?
    public var diagnostics: [Diagnostic]
}

extension DashboardImporter {
    /// Panels whose queries are exactly what the catalogue of the dashboard's backend gives become signal-level.
    static func findSignalPanels(_ writer: inout SpecWriter) {
        var typed: [JSON] = []
        func collect(_ list: [JSON]) {
            for p in list {
                if p["type"] == "row" {
                    collect(p["panels"]?.arrayValue ?? [])
                } else if writer.isTyped(p) {
                    typed.append(p)
                }
            }
        }
        collect(writer.panels)
        let exprs = typed.flatMap { ($0["targets"]?.arrayValue ?? []).compactMap { $0["expr"]?.stringValue } }
        guard let backend = SignalMatcher.backend(of: exprs) else { return }
        let matcher = SignalMatcher(catalog: Catalog.backend(backend), variableLines: writer.variablesSection())
        for p in typed where p["type"] != "text" {
            if let entry = matcher.match(p) { writer.signalEntries[writer.id(p)] = entry }
        }
        if !writer.signalEntries.isEmpty { writer.backend = backend }
    }
}

/// Turns an existing Grafana dashboard (JSON, schema versions from about 14 to 42) into a spec.
///
/// What the spec model expresses becomes spec keys (metadata, time settings, variables, panels with their
/// queries, rows); everything else is carried through in `grafana:` merge patches computed against what
/// llmdash would emit, so that building the spec gives the dashboard back. Normalisations (documented in
/// docs/spec-reference.md): instance noise (`id`, `version`, `iteration`, `__inputs`, `__requires`,
/// `pluginVersion`) is dropped, old-style `rows` become row panels on the grid, `graph` panels become
/// `timeseries` and `singlestat` panels `stat` (with a warning), a datasource given by name becomes
/// `{type, uid}`, `null` members are left out, and panels without a unique id get one.
public enum DashboardImporter {
    /// Panel types written as typed spec panels; others are carried through as `grafana:` panels.
    static let typedPanels: Set<String> = ["timeseries", "stat", "gauge", "bargauge", "table", "heatmap", "text"]

    /// Imports the dashboard JSON in `bytes`; `path` names it in diagnostics.
    public static func importDashboard(_ bytes: [UInt8], path: String, folder: String = "") -> ImportResult {
        let parsed = JSONParser.parse(bytes, path: path, locations: true)
        var diagnostics = parsed.diagnostics
        guard let value = parsed.value else { return ImportResult(yaml: nil, diagnostics: diagnostics) }
        guard DashboardDiff.isDashboard(value), case .object = DashboardDiff.unwrap(value) else {
            diagnostics.append(
                .error(
                    "import.not-a-dashboard", "\(path) is not a Grafana dashboard (no panels, rows or schemaVersion)",
                    at: SourceLocation(file: path, line: 1, column: 1)))
            return ImportResult(yaml: nil, diagnostics: diagnostics)
        }
        var normaliser = Normaliser(path: path, locations: parsed.locations)
        let dashboard = normaliser.dashboard(DashboardDiff.unwrap(value))
        diagnostics += normaliser.diagnostics
        var writer = SpecWriter(dashboard: dashboard, folder: folder, path: path)
        findSignalPanels(&writer)
        // First the typed spec alone; what it does not reproduce becomes merge patches.
        var yaml = writer.yaml(patches: [:])
        for _ in 0..<3 {
            let build = Compiler.build(files: [SourceFile(path: path + ".yaml", text: yaml)])
            let errors = build.diagnostics.filter { $0.severity == .error }
            if !errors.isEmpty {
                // Panels whose queries llmdash rejects are carried through whole instead.
                let lines = Set(errors.compactMap { $0.location?.line })
                let demoted = writer.demote(lines: lines)
                if demoted.isEmpty {
                    diagnostics += errors.map {
                        var d = $0
                        d.severity = .warning
                        d.message = "the imported spec does not build: " + d.message
                        return d
                    }
                    return ImportResult(yaml: yaml, diagnostics: diagnostics)
                }
                yaml = writer.yaml(patches: [:])
                continue
            }
            guard let file = build.files.first(where: { $0.path.hasPrefix("dashboards/") }),
                let emitted = JSONParser.parse(file.contents, path: file.path).value
            else { break }
            yaml = writer.yaml(patches: writer.patches(emitted: emitted))
            break
        }
        return ImportResult(yaml: yaml, diagnostics: diagnostics)
    }
}

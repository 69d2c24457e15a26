import Dispatch
import PromQL
import Synchronization

/// Settings of one build that are not part of any spec.
public struct BuildOptions: Sendable, Hashable {
    public var schemaVersion: Int
    /// Where Grafana finds the `dashboards/` folder (the provider's path).
    public var grafanaDashboardsPath: String
    public var prometheusURL: String
    public var datasourceUID: String
    public var scrapeInterval: String
    /// The PromQL features queries may use (Prometheus's `--enable-feature` switches).
    public var promql: ParserOptions
    /// Where the output goes: the layout and formats of the files.
    public var target: OutputTarget = .grafana
    /// Namespace and labels of the Kubernetes target's objects.
    public var kubernetes = KubernetesOptions()

    public init(
        schemaVersion: Int = GrafanaEmitter.defaultSchemaVersion,
        grafanaDashboardsPath: String = "/var/lib/grafana/dashboards/llmdash",
        prometheusURL: String = "http://prometheus:9090",
        datasourceUID: String = "prometheus",
        scrapeInterval: String = "15s",
        promql: ParserOptions = .default
    ) {
        self.promql = promql
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

/// What a build learnt about one dashboard, kept after its output has gone to the sink.
public struct DashboardSummary: Sendable, Hashable {
    public var uid: String
    public var title: String
    public var folder: String
    public var path: String
    public var location: SourceLocation?
    /// Datasources the dashboard declares and its exemplar trace link, for the provisioning file.
    public var datasources: [DatasourceDeclaration] = []
    public var exemplars: ExemplarSpec?
    /// Whether the dashboard records its rates (and so writes a rule file).
    public var recordsRates = false
}

/// Receives each output file as soon as it exists, possibly from several threads at once.
public typealias OutputSink = @Sendable (OutputFile) -> Void

/// Everything a build reports except the files themselves, which went to the sink.
public struct BuildReport: Sendable {
    public var diagnostics: [Diagnostic]
    /// Source texts of files with diagnostics, to quote their lines.
    public var sources: [String: String]
    public var dashboards: [DashboardSummary]
    /// What went to the build's diagnostic consumer instead of `diagnostics`, counted.
    public var streamed = StreamedDiagnostics()

    /// Whether the build found an error, among `diagnostics` or those streamed.
    public var hasErrors: Bool { streamed.errors > 0 || diagnostics.hasErrors }
}

/// Receives a build's diagnostics file by file, in the order of the files, with the file whose lines they quote
/// (nil for dashboards and SLOs from Swift code).
public typealias DiagnosticConsumer = @Sendable (_ diagnostics: [Diagnostic], _ file: SourceFile?) -> Void

/// Counts of the diagnostics a build handed to its consumer.
public struct StreamedDiagnostics: Sendable, Hashable {
    public var errors = 0
    public var warnings = 0
    /// Whether an error was about reading a file (an `io.` diagnostic).
    public var ioError = false

    public init() {}

    mutating func count(_ diagnostics: [Diagnostic]) {
        for diagnostic in diagnostics {
            switch diagnostic.severity {
            case .error:
                errors += 1
                if diagnostic.id.hasPrefix("io.") { ioError = true }
            case .warning: warnings += 1
            case .note: break
            }
        }
    }
}

/// Hands each file's diagnostics to a consumer as soon as that file and every file before it are compiled, so a
/// build of thousands of files never holds all their diagnostics, and the consumer still sees them in file order.
final class OrderedDiagnostics: Sendable {
    private let consumer: DiagnosticConsumer
    private let state: Mutex<(next: Int, pending: [Int: ([Diagnostic], SourceFile?)], counts: StreamedDiagnostics)>

    init(_ consumer: @escaping DiagnosticConsumer) {
        self.consumer = consumer
        state = Mutex((0, [:], StreamedDiagnostics()))
    }

    /// Slot `index` (numbered from 0 in the order the consumer should see them) is complete.
    func deliver(_ index: Int, _ diagnostics: [Diagnostic], file: SourceFile?) {
        state.withLock { state in
            state.pending[index] = (diagnostics, diagnostics.isEmpty ? nil : file)
            while let (found, quoted) = state.pending.removeValue(forKey: state.next) {
                state.counts.count(found)
                if !found.isEmpty { consumer(found, quoted) }
                state.next += 1
            }
        }
    }

    var counts: StreamedDiagnostics { state.withLock { $0.counts } }
}

/// A build whose files were collected in memory.
public struct BuildResult: Sendable {
    public var files: [OutputFile]
    public var diagnostics: [Diagnostic]
    public var sources: [String: String]
    public var dashboards: [DashboardSummary]
}

/// The pipeline: spec files → specs → resolve → validate → emit. Files are compiled in parallel and
/// each dashboard's JSON goes to the sink at once, so memory stays flat however many specs there are.
public enum Compiler {
    public static func isSpecFile(_ name: String) -> Bool { name.hasSuffix(".yaml") || name.hasSuffix(".yml") }

    /// Spec files named by paths: files as given, folders searched for `*.yaml`/`*.yml` in sorted order.
    public static func specFiles(in paths: [String]) -> ([String], [Diagnostic]) {
        var files: [String] = []
        var diagnostics: [Diagnostic] = []
        for path in paths {
            switch FileSystem.isDirectory(path) {
            case nil:
                diagnostics.append(.error("io.missing", "no such file or folder: \(path)", at: nil))
            case false?:
                files.append(path)
            case true?:
                let base = path.hasSuffix("/") ? String(path.dropLast()) : path
                files += FileSystem.files(under: base, where: isSpecFile).map { base + "/" + $0 }
            }
        }
        return (files, diagnostics)
    }

    /// Compiles spec files (and dashboards and SLOs from Swift code, which come first), streaming outputs to `sink`.
    /// With a `consumer`, each file's diagnostics go to it in file order as soon as they are known (the dashboards
    /// and SLOs from Swift code first) and the report keeps only the build-wide ones and the counts.
    public static func build(
        paths: [String], dashboards extra: [DashboardSpec] = [], slos extraSLOs: [SLOSpec] = [],
        options: BuildOptions = BuildOptions(), sink: OutputSink, diagnostics consumer: DiagnosticConsumer? = nil
    ) -> BuildReport {
        let (files, fileDiagnostics) = specFiles(in: paths)
        // Slot 0 is the Swift front end's input, slot i + 1 the file files[i].
        let stream = consumer.map(OrderedDiagnostics.init)
        // With a consumer, a file's diagnostics go to it as soon as the file is compiled, quoting the file itself.
        @Sendable func compileFile(_ slot: Int, _ loaded: LoadedFile, slos: [SLOSpec]) -> FileOutcome {
            guard let stream else { return FileOutcome(loaded, slos: slos, options: options, sink: sink) }
            var outcome = FileOutcome(loaded, slos: slos, options: options, sink: sink, excerpt: false)
            stream.deliver(slot, outcome.diagnostics, file: loaded.file)
            outcome.diagnostics = []
            return outcome
        }
        if extra.isEmpty, extraSLOs.isEmpty { stream?.deliver(0, [], file: nil) }
        // A dashboard may show an SLO from any file of the build, so the dashboards that show one wait until
        // every file has been read. Every other file is compiled as soon as it is read and only its outcome
        // is kept, so memory stays flat however many files there are.
        let extraInput = LoadedFile(dashboards: extra, slos: extraSLOs)
        let read = Mutex<(outcomes: [Int: FileOutcome], waiting: [Int: LoadedFile], slos: [Int: [SLOSpec]])>(
            ([:], [:], [:]))
        DispatchQueue.concurrentPerform(iterations: files.count) { i in
            let loaded = LoadedFile(path: files[i])
            if loaded.showsSLOs {
                read.withLock {
                    $0.waiting[i] = loaded
                    $0.slos[i] = loaded.slos
                }
            } else {
                let outcome = compileFile(i + 1, loaded, slos: [])
                read.withLock {
                    $0.outcomes[i] = outcome
                    $0.slos[i] = loaded.slos
                }
            }
        }
        let (early, waiting, slosByFile) = read.withLock { ($0.outcomes, $0.waiting, $0.slos) }
        var outcomes = early
        let slos = extraInput.slos + files.indices.flatMap { slosByFile[$0] ?? [] }
        let late = Array(waiting.keys)
        let compiled = Mutex<[Int: FileOutcome]>([:])
        DispatchQueue.concurrentPerform(iterations: late.count) { k in
            guard let loaded = waiting[late[k]] else { return }
            let outcome = compileFile(late[k] + 1, loaded, slos: slos)
            compiled.withLock { $0[late[k]] = outcome }
        }
        compiled.withLock { outcomes.merge($0) { $1 } }
        let extraOutcome =
            extra.isEmpty && extraSLOs.isEmpty
            ? FileOutcome(extraInput, slos: slos, options: options, sink: sink) : compileFile(0, extraInput, slos: slos)
        var report = assemble([extraOutcome] + files.indices.map { outcomes[$0] ?? FileOutcome() }, options: options)
        report.diagnostics = fileDiagnostics + report.diagnostics
        if let stream { report.streamed = stream.counts }
        let (datasources, exemplars, found) = DatasourceValidator.provisioned(report.dashboards)
        report.diagnostics += found
        let provisioning = [
            OutputFile(
                path: "provisioning/dashboards/llmdash.yaml",
                text: Provisioning.dashboardProvider(path: options.grafanaDashboardsPath)),
            OutputFile(
                path: "provisioning/datasources/prometheus.yaml",
                text: Provisioning.prometheusDatasource(
                    url: options.prometheusURL, uid: options.datasourceUID, scrapeInterval: options.scrapeInterval,
                    exemplars: exemplars, datasources: datasources)),
        ]
        for file in provisioning {
            report.diagnostics += deliver(file, .provisioning, options: options, at: nil, sink: sink)
        }
        return report
    }

    /// Compiles loaded files in parallel, each dashboard seeing every SLO of the build.
    static func compile(_ inputs: [LoadedFile], options: BuildOptions, sink: OutputSink) -> BuildReport {
        let slos = inputs.flatMap(\.slos)
        let slots = Mutex<[Int: FileOutcome]>([:])
        DispatchQueue.concurrentPerform(iterations: inputs.count) { i in
            let outcome = FileOutcome(inputs[i], slos: slos, options: options, sink: sink)
            slots.withLock { $0[i] = outcome }
        }
        let outcomes = slots.withLock { done in inputs.indices.map { done[$0] ?? FileOutcome() } }
        return assemble(outcomes, options: options)
    }

    /// One report from the files' outcomes, in input order, with the checks that span files.
    static func assemble(_ outcomes: [FileOutcome], options: BuildOptions) -> BuildReport {
        var report = BuildReport(diagnostics: [], sources: [:], dashboards: [])
        var summaries: [SLOSummary] = []
        for outcome in outcomes {
            report.diagnostics += outcome.diagnostics
            report.dashboards += outcome.dashboards
            summaries += outcome.slos
            if let (path, text) = outcome.source { report.sources[path] = text }
        }
        report.diagnostics += crossChecks(report.dashboards, options: options)
        report.diagnostics += SLORules.crossChecks(summaries)
        report.diagnostics += OutputTargets.crossChecks(report.dashboards, summaries, target: options.target)
        return report
    }

    /// Compiles into memory; `files` is empty when there are errors.
    public static func build(paths: [String], options: BuildOptions = BuildOptions()) -> BuildResult {
        collect { build(paths: paths, options: options, sink: $0) }
    }

    /// Compiles spec files already in memory (tests, editors).
    public static func build(files: [SourceFile], options: BuildOptions = BuildOptions()) -> BuildResult {
        collect { sink in compile(files.map(LoadedFile.init(file:)), options: options, sink: sink) }
    }

    /// Compiles dashboards and SLOs from any front end into memory.
    public static func build(
        dashboards: [DashboardSpec], slos: [SLOSpec] = [], options: BuildOptions = BuildOptions()
    ) -> BuildResult {
        collect { build(paths: [], dashboards: dashboards, slos: slos, options: options, sink: $0) }
    }

    static func collect(_ run: (@escaping OutputSink) -> BuildReport) -> BuildResult {
        let files = Mutex<[OutputFile]>([])
        let report = run { file in files.withLock { $0.append(file) } }
        var collected = files.withLock { $0 }
        collected.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        if report.diagnostics.hasErrors { collected = [] }
        return BuildResult(
            files: collected, diagnostics: report.diagnostics, sources: report.sources, dashboards: report.dashboards)
    }

    /// Checks that span dashboards: unique uids, distinct titles per folder, a sensible schema version.
    static func crossChecks(_ dashboards: [DashboardSummary], options: BuildOptions) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var uids: [String: SourceLocation?] = [:]
        var titles: [String: SourceLocation?] = [:]
        var paths: [String: String] = [:]
        for d in dashboards {
            if let first = uids[d.uid] {
                diagnostics.append(
                    .error(
                        "spec.duplicate-uid", "dashboard uid '\(d.uid)' is used by another dashboard", at: d.location,
                        notes: first.map { ["first used at \($0)"] } ?? []))
                continue
            }
            uids[d.uid] = d.location
            if let other = paths[d.path.lowercased()], other != d.uid {
                diagnostics.append(
                    .error(
                        "spec.path-clash", "dashboard '\(d.uid)' and '\(other)' differ only in letter case",
                        at: d.location, notes: ["their files would clash on case-insensitive file systems"]))
            }
            paths[d.path.lowercased()] = d.uid
            let titleKey = d.folder + "\u{0}" + d.title
            if let first = titles[titleKey] {
                let folder = d.folder.isEmpty ? "General" : d.folder
                diagnostics.append(
                    .warning(
                        "lint.duplicate-title", "another dashboard in folder '\(folder)' is titled '\(d.title)'",
                        at: d.location, notes: first.map { ["the other is at \($0)"] } ?? []))
            }
            titles[titleKey] = d.location
        }
        if options.target == .kubernetes {
            var names: [String: String] = [:]
            for d in dashboards {
                let name = OutputTargets.configMapName(d.uid)
                if let other = names[name], other != d.uid {
                    diagnostics.append(
                        .error(
                            "target.kubernetes",
                            "dashboards '\(d.uid)' and '\(other)' both become the ConfigMap '\(name)'",
                            at: d.location, notes: ["Kubernetes names are lower case, with '-' for '_'"]))
                }
                names[name] = d.uid
            }
        }
        if !(1...99).contains(options.schemaVersion) {
            diagnostics.append(
                .error(
                    "options.schema-version", "schema version \(options.schemaVersion) is not a Grafana schema version",
                    at: nil))
        }
        return diagnostics
    }

    /// Resolves and emits one dashboard; its JSON goes to the sink unless it has errors.
    static func compile(
        _ written: DashboardSpec, file: SourceFile? = nil, slos: [SLOSpec] = [], options: BuildOptions,
        sink: OutputSink
    ) -> ([Diagnostic], DashboardSummary) {
        let (spec, expansion) = SLOPanels.expand(written, slos: slos)
        var (resolved, diagnostics) = Resolver.resolve(spec)
        diagnostics = spec.diagnostics + expansion + diagnostics
        let queries = CheckedQuery.all(in: spec, options: options.promql)
        diagnostics += QueryValidator.check(queries, file: file)
        diagnostics += DatasourceValidator.check(spec, file: file, options: options)
        diagnostics += Linter.lint(spec, queries: queries, resolved: resolved, file: file, options: options)
        let path = dashboardPath(spec)
        var summary = DashboardSummary(
            uid: spec.uid, title: spec.title, folder: spec.folder, path: path, location: spec.location)
        summary.datasources = spec.datasources
        summary.exemplars = spec.exemplars
        if !diagnostics.hasErrors {
            // Queries are checked as written; the dashboard then reads recorded series where it opted in.
            let (recorded, ruleFiles) = DashboardRecordingRules.apply(spec, options: options.promql)
            if !ruleFiles.isEmpty { resolved = Resolver.resolve(recorded).0 }
            summary.recordsRates = !ruleFiles.isEmpty
            let json = GrafanaEmitter.prettyDashboard(consume resolved, schemaVersion: options.schemaVersion)
            let dashboard = OutputFile(path: path, contents: json)
            diagnostics += deliver(
                dashboard, .dashboard(uid: spec.uid, folder: spec.folder), options: options, at: spec.location,
                sink: sink)
            diagnostics += deliver(ruleFiles, namespace: "dashboard-" + spec.uid, options, spec.location, sink)
        }
        return (diagnostics, summary)
    }

    /// Hands a file to the sink in the build's target format; a file the target cannot take is an error.
    static func deliver(
        _ file: OutputFile, _ kind: OutputKind, options: BuildOptions, at location: SourceLocation?, sink: OutputSink
    ) -> [Diagnostic] {
        switch OutputTargets.deliver(file, kind, options: options) {
        case .success(let files):
            files.forEach(sink)
            return []
        case .failure(let problem):
            return [.error("target.\(options.target.rawValue)", problem.message, at: location, notes: problem.notes)]
        }
    }

    /// Delivers a rule file and its promtool test.
    static func deliver(
        _ files: [OutputFile], namespace: String, _ options: BuildOptions, _ location: SourceLocation?,
        _ sink: OutputSink
    ) -> [Diagnostic] {
        files.flatMap { file in
            let kind: OutputKind = file.path.hasSuffix(".test.yaml") ? .ruleTest : .rules(namespace: namespace)
            return deliver(file, kind, options: options, at: location, sink: sink)
        }
    }

    public static func dashboardPath(_ spec: DashboardSpec) -> String {
        spec.folder.isEmpty ? "dashboards/\(spec.uid).json" : "dashboards/\(spec.folder)/\(spec.uid).json"
    }
}

/// One spec file read and loaded (or the specs of a Swift front end), not yet compiled.
struct LoadedFile: Sendable {
    var file: SourceFile?
    var dashboards: [DashboardSpec] = []
    var slos: [SLOSpec] = []
    var diagnostics: [Diagnostic] = []

    /// Whether a dashboard of the file shows an SLO, which may come from any file of the build.
    var showsSLOs: Bool {
        dashboards.contains { spec in
            spec.panels.contains { $0.sloPanel != nil }
                || spec.rows.contains { $0.panels.contains { $0.sloPanel != nil } }
        }
    }

    init() {}

    init(dashboards: [DashboardSpec], slos: [SLOSpec]) {
        self.dashboards = dashboards
        self.slos = slos
        self.diagnostics = slos.flatMap { $0.diagnostics + SLOChecks.check($0) }
    }

    init(path: String) {
        switch SourceFile.read(path: path) {
        case .failure(let diagnostic):
            self.init()
            diagnostics = [diagnostic]
        case .success(let read): self.init(file: read)
        }
    }

    init(file: SourceFile) {
        self.file = file
        let (documents, found) = YAMLSpecLoader.load(file)
        diagnostics = found
        for document in documents {
            switch document {
            case .dashboard(let spec): dashboards.append(spec)
            case .slo(let slo): slos.append(slo)
            }
        }
    }
}

/// The result of compiling one spec file.
struct FileOutcome: Sendable {
    var diagnostics: [Diagnostic] = []
    var dashboards: [DashboardSummary] = []
    var slos: [SLOSummary] = []
    var source: (String, String)?

    init() {}

    /// Compiles the file's dashboards and SLOs; with `excerpt`, keeps the source lines its diagnostics quote.
    init(_ loaded: LoadedFile, slos all: [SLOSpec], options: BuildOptions, sink: OutputSink, excerpt: Bool = true) {
        diagnostics = loaded.diagnostics
        for spec in loaded.dashboards {
            let (more, summary) = Compiler.compile(spec, file: loaded.file, slos: all, options: options, sink: sink)
            diagnostics += more
            dashboards.append(summary)
        }
        for slo in loaded.slos {
            let (more, outputs) = SLORules.compile(slo)
            diagnostics += more
            slos.append(SLOSummary(id: slo.id, path: SLORules.rulePath(slo), location: slo.location))
            if !loaded.diagnostics.hasErrors {
                diagnostics += Compiler.deliver(outputs, namespace: slo.id, options, slo.location, sink)
            }
        }
        if excerpt, let file = loaded.file, !diagnostics.isEmpty {
            source = (file.path, Self.excerpt(file, for: diagnostics))
        }
    }

    /// The source with only the lines diagnostics quote: line numbers stay valid, memory stays small.
    static func excerpt(_ file: SourceFile, for diagnostics: [Diagnostic]) -> String {
        let needed = Set(diagnostics.compactMap { $0.location?.file == file.path ? $0.location?.line : nil })
        guard let last = needed.max() else { return "" }
        var out = ""
        for line in 1...min(last, file.lineCount) {
            if needed.contains(line) { out += file.line(line) }
            out += "\n"
        }
        return out
    }
}

import ArgumentParser
import LLMDashCore
import Synchronization

extension OutputTarget: ExpressibleByArgument {}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The `llmdash` command line, as a library: a team's own executable can expose the same commands
/// over dashboards written with the Swift DSL (see `LLMDashCommand.main(dashboards:)`).
public struct LLMDashCommand: ParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "llmdash",
        abstract: "Dashboards-as-code for LLM serving: specs in, Grafana dashboards and provisioning out.",
        discussion: """
            Exit codes: 0 success, 1 findings (errors in specs, stale output), 2 usage or I/O error.

            Examples:
              llmdash init --backend vllm              # a starting spec, vllm-serving.yaml
              llmdash build vllm-serving.yaml --out grafana/
              llmdash check --strict --format github   # in CI: specs valid, generated/ current
              llmdash metrics --backend sglang
              llmdash verify --prometheus http://localhost:9090   # every query against a live server

            Shell completions: llmdash --generate-completion-script bash|zsh|fish
            """,
        version: version,
        subcommands: [
            Build.self, Check.self, Diff.self, Import.self, Init.self, Metrics.self, PromQLCommand.self, Rules.self,
            Synth.self, Verify.self,
        ]
    )

    public init() {}

    /// Dashboards built from Swift code, compiled alongside any spec files.
    static let registered = Mutex<[DashboardSpec]>([])
    /// SLOs built from Swift code, compiled alongside any spec files.
    static let registeredSLOs = Mutex<[SLOSpec]>([])

    /// Runs the command line with `dashboards` and `slos` (from the Swift DSL) registered as if they were spec files.
    public static func main(dashboards: [DashboardSpec], slos: [SLOSpec] = [], arguments: [String]? = nil) -> Never {
        registered.withLock { $0 = dashboards }
        registeredSLOs.withLock { $0 = slos }
        run(arguments)
    }

    /// Parses and runs; usage and I/O errors exit with 2, findings with 1.
    public static func run(_ arguments: [String]? = nil) -> Never {
        MallocSettings.keepFreedMemory()
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Glibc.exit(0)
        } catch let code as ExitCode {
            Glibc.exit(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                print(message)
                Glibc.exit(0)
            }
            Terminal.error(message)
            Glibc.exit(2)
        }
    }
}

/// Standard streams, colour and diagnostic printing.
enum Terminal {
    static func error(_ text: String) { put(text.hasSuffix("\n") ? text : text + "\n", fd: 2) }

    static func out(_ text: String) { put(text, fd: 1) }

    private static func put(_ text: String, fd: Int32) {
        var text = text
        text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                let n = write(fd, base + offset, bytes.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }

    static var noColor: Bool { getenv("NO_COLOR") != nil }
    static var stderrIsTerminal: Bool { isatty(2) == 1 && !noColor }
    static var stdoutIsTerminal: Bool { isatty(1) == 1 && !noColor }

    /// Prints one file's diagnostics (sorted by location) to stderr as a build streams them.
    static let printFileDiagnostics: DiagnosticConsumer = { diagnostics, file in
        let renderer = DiagnosticRenderer(files: file.map { [$0] } ?? [], useColor: stderrIsTerminal)
        put(diagnostics.locationOrder().map { renderer.render(diagnostics[$0]) }.joined(), fd: 2)
    }

    /// Prints a build's diagnostics: those it kept, sorted by location, after the ones it streamed to
    /// `printFileDiagnostics`, then the count of all of them.
    static func report(_ report: BuildReport) {
        self.report(report.diagnostics, sources: report.sources, streamed: report.streamed)
    }

    /// Prints diagnostics sorted by location to stderr, with source lines and carets, then how many there were
    /// (with `streamed`, those already printed, included).
    static func report(
        _ diagnostics: [Diagnostic], sources: [String: String], streamed: StreamedDiagnostics = StreamedDiagnostics()
    ) {
        guard !diagnostics.isEmpty || streamed.errors + streamed.warnings > 0 else { return }
        let renderer = DiagnosticRenderer(sources: sources, useColor: stderrIsTerminal)
        // Written in pieces, so thousands of diagnostics never sit in memory as one text.
        var text = ""
        var errors = streamed.errors
        var warnings = streamed.warnings
        for i in diagnostics.locationOrder() {
            let diagnostic = diagnostics[i]
            if diagnostic.severity == .error { errors += 1 }
            if diagnostic.severity == .warning { warnings += 1 }
            text += renderer.render(diagnostic)
            if text.utf8.count >= 1 << 16 {
                put(text, fd: 2)
                text = ""
            }
        }
        text += "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")\n"
        put(text, fd: 2)
    }
}

/// Options shared by every command that compiles specs.
struct SpecOptions: ParsableArguments {
    @Argument(help: "Spec files or folders of them (default: templates/).")
    var paths: [String] = []

    @Option(name: .long, help: "Grafana dashboard schemaVersion to emit.")
    var schemaVersion: Int = GrafanaEmitter.defaultSchemaVersion

    @Option(name: .long, help: "Path of the dashboards folder inside Grafana, for the provisioning provider.")
    var grafanaDashboardsPath: String = "/var/lib/grafana/dashboards/llmdash"

    @Option(name: .long, help: "URL of Prometheus in the provisioned datasource.")
    var prometheusURL: String = "http://prometheus:9090"

    @Option(name: .long, help: "Prometheus scrape interval (the datasource's timeInterval).")
    var scrapeInterval: String = "15s"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Output target: grafana (file provisioning), kubernetes (ConfigMaps and PrometheusRules), "
                + "mimir (ruler namespace files) or files (plain dashboards and rule files).",
            valueName: "target"))
    var target: OutputTarget = .grafana

    @Option(name: .long, help: "Kubernetes target: metadata.namespace of every object.")
    var namespace: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Kubernetes target: a label on every object, e.g. release=kube-prometheus-stack (repeatable).",
            valueName: "key=value"))
    var label: [String] = []

    func validate() throws {
        guard (1...99).contains(schemaVersion) else {
            throw ValidationError("--schema-version must be a Grafana schema version (e.g. 39, 41, 42)")
        }
        if target != .kubernetes, namespace != nil || !label.isEmpty {
            throw ValidationError("--namespace and --label apply to --target kubernetes only")
        }
        for pair in label {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ValidationError("--label takes key=value, not '\(pair)'")
            }
        }
    }

    var buildOptions: BuildOptions {
        var options = BuildOptions(
            schemaVersion: schemaVersion, grafanaDashboardsPath: grafanaDashboardsPath, prometheusURL: prometheusURL,
            scrapeInterval: scrapeInterval)
        options.target = target
        var labels: [String: String] = [:]
        for pair in label {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            labels[String(parts[0])] = String(parts[1])
        }
        options.kubernetes = KubernetesOptions(namespace: namespace, labels: labels)
        return options
    }

    /// Compiles the named specs plus any dashboards registered from Swift code, streaming files to `sink` and,
    /// with a `consumer`, each file's diagnostics to it.
    func compile(sink: @escaping OutputSink, diagnostics consumer: DiagnosticConsumer? = nil) -> BuildReport {
        let registered = LLMDashCommand.registered.withLock { $0 }
        let slos = LLMDashCommand.registeredSLOs.withLock { $0 }
        let specPaths = paths.isEmpty && registered.isEmpty && slos.isEmpty ? ["templates"] : paths
        return Compiler.build(
            paths: specPaths, dashboards: registered, slos: slos, options: buildOptions, sink: sink,
            diagnostics: consumer)
    }
}

extension BuildReport {
    /// Exit code for a failed compile: 2 when a named file or folder could not be read, else 1.
    var failureCode: ExitCode {
        streamed.ioError || diagnostics.contains { $0.severity == .error && $0.id.hasPrefix("io.") }
            ? ExitCode(2) : .failure
    }

    /// Warnings become errors.
    mutating func makeStrict() {
        for i in diagnostics.indices where diagnostics[i].severity == .warning { diagnostics[i].severity = .error }
    }
}

/// How the C library's allocator treats freed memory in this short-lived, multi-threaded process.
///
/// By default glibc hands the top of a heap back to the kernel as soon as 128 KiB are free there, and gives
/// every allocation from 128 KiB up its own mapping, unmapped again when freed. A build frees and allocates
/// the same few hundred KiB per spec file on every core, so each file paid for unmapping (which stops the
/// other cores to flush their TLBs) and for faulting the memory back in. Keeping up to 32 MiB makes a build
/// of 1,000 files spend about half as much time in the kernel, for a few hundred KiB more at its peak.
enum MallocSettings {
    static func keepFreedMemory() {
        #if canImport(Glibc)
            // `mallopt` and its constants are in <malloc.h>, which the Glibc module does not include.
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "mallopt") else { return }
            let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
            let trimThreshold: Int32 = -1  // M_TRIM_THRESHOLD
            let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD
            _ = mallopt(trimThreshold, 32 << 20)
            _ = mallopt(mmapThreshold, 32 << 20)
        #endif
    }
}

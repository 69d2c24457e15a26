import ArgumentParser
import Foundation
import LLMDashCore
import Synchronization

/// The `llmdash` command line, as a library: a team's own executable can expose the same commands
/// over dashboards written with the Swift DSL (see `LLMDashCommand.main(dashboards:)`).
public struct LLMDashCommand: ParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "llmdash",
        abstract: "Dashboards-as-code for LLM serving: specs in, Grafana dashboards and provisioning out.",
        discussion: """
            Exit codes: 0 success, 1 findings (errors in specs, stale output), 2 usage or I/O error.
            """,
        version: version,
        subcommands: [Build.self, Check.self]
    )

    public init() {}

    /// Dashboards built from Swift code, compiled alongside any spec files.
    static let registered = Mutex<[DashboardSpec]>([])

    /// Runs the command line with `dashboards` (from the Swift DSL) registered as if they were spec files.
    public static func main(dashboards: [DashboardSpec], arguments: [String]? = nil) -> Never {
        registered.withLock { $0 = dashboards }
        run(arguments)
    }

    /// Parses and runs; usage and I/O errors exit with 2, findings with 1.
    public static func run(_ arguments: [String]? = nil) -> Never {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Foundation.exit(0)
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                print(message)
                Foundation.exit(0)
            }
            Terminal.error(message)
            Foundation.exit(2)
        }
    }
}

/// Standard streams, colour and diagnostic printing.
enum Terminal {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static var stderrIsTerminal: Bool { isatty(2) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil }
    static var stdoutIsTerminal: Bool { isatty(1) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil }

    /// Prints diagnostics sorted by location to stderr, with source lines and carets.
    static func report(_ diagnostics: [Diagnostic], sources: [String: String]) {
        guard !diagnostics.isEmpty else { return }
        let renderer = DiagnosticRenderer(sources: sources, useColor: stderrIsTerminal)
        var text = renderer.render(diagnostics.sortedByLocation())
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.filter { $0.severity == .warning }.count
        text += "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")\n"
        error(text)
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

    func validate() throws {
        guard (1...99).contains(schemaVersion) else {
            throw ValidationError("--schema-version must be a Grafana schema version (e.g. 39, 41, 42)")
        }
    }

    var buildOptions: BuildOptions {
        BuildOptions(
            schemaVersion: schemaVersion, grafanaDashboardsPath: grafanaDashboardsPath, prometheusURL: prometheusURL,
            scrapeInterval: scrapeInterval)
    }

    /// Compiles the named specs plus any dashboards registered from Swift code.
    func compile() -> BuildResult {
        let registered = LLMDashCommand.registered.withLock { $0 }
        let specPaths = paths.isEmpty && registered.isEmpty ? ["templates"] : paths
        let (loaded, loadDiagnostics, sources) = Compiler.load(paths: specPaths)
        var result = Compiler.build(dashboards: registered + loaded, options: buildOptions)
        result.diagnostics = loadDiagnostics + result.diagnostics
        result.sources = sources
        if result.diagnostics.hasErrors { result.files = [] }
        return result
    }
}

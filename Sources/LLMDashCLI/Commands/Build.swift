import ArgumentParser
import LLMDashCore

extension LLMDashCommand {
    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "build",
            abstract: "Compile specs into Grafana dashboards and provisioning files.",
            discussion: """
                Writes dashboards/<folder>/<uid>.json, provisioning/dashboards/llmdash.yaml and \
                provisioning/datasources/prometheus.yaml under the output folder, and rules/ with the SLO and \
                recording rules and their promtool tests (other layouts with --target). Nothing is written when \
                any spec has an error. A rebuild removes only files that an earlier build wrote.

                Examples:
                  llmdash build                         # templates/ → generated/
                  llmdash build specs/ --out /etc/grafana/llmdash
                  llmdash build serving.yaml --schema-version 41
                  llmdash build --target kubernetes --namespace monitoring --label release=kube-prometheus-stack
                  llmdash build --target mimir --out ruler/   # then: mimirtool rules sync ruler/rules/*.yaml
                """
        )

        @OptionGroup var specs: SpecOptions

        @Option(name: .shortAndLong, help: "Output folder.")
        var out: String = "generated"

        @Flag(help: "Overwrite files in the output folder that llmdash did not write.")
        var force = false

        @Flag(name: .shortAndLong, help: "Print nothing but problems.")
        var quiet = false

        func run() throws {
            let output = StagedOutput(directory: out, force: force)
            // Each file's problems are printed as soon as it is compiled, build-wide ones at the end.
            let report = specs.compile(sink: output.receive, diagnostics: Terminal.printFileDiagnostics)
            Terminal.report(report)
            if report.hasErrors {
                output.abort()
                throw report.failureCode
            }
            let summary: OutputWriter.Summary
            do {
                summary = try output.commit()
            } catch {
                Terminal.error("error: \(error)")
                throw ExitCode(2)
            }
            if !quiet {
                let n = report.dashboards.count
                let folder = out.hasSuffix("/") ? out : out + "/"
                Terminal.out(
                    "built \(n) dashboard\(n == 1 ? "" : "s") into \(folder): \(summary.written.count) written, "
                        + "\(summary.unchanged.count) unchanged, \(summary.removed.count) removed\n")
            }
        }
    }
}

import ArgumentParser
import Foundation
import LLMDashCore

extension LLMDashCommand {
    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compile specs into Grafana dashboards and provisioning files.",
            discussion: """
                Writes dashboards/<folder>/<uid>.json, provisioning/dashboards/llmdash.yaml and
                provisioning/datasources/prometheus.yaml under the output folder. Nothing is written when
                any spec has an error. A rebuild removes only files that an earlier build wrote.

                Examples:
                  llmdash build                         # templates/ → generated/
                  llmdash build specs/ --out /etc/grafana/llmdash
                  llmdash build serving.yaml --schema-version 41
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
            let result = specs.compile()
            Terminal.report(result.diagnostics, sources: result.sources)
            if result.diagnostics.hasErrors { throw result.failureCode }
            let summary: OutputWriter.Summary
            do {
                summary = try OutputWriter.write(result.files, to: out, force: force)
            } catch {
                Terminal.error("error: \(error)")
                throw ExitCode(2)
            }
            if !quiet {
                let dashboards = result.files.filter { $0.path.hasPrefix("dashboards/") }.count
                Terminal.out(
                    "built \(dashboards) dashboard\(dashboards == 1 ? "" : "s") into \(out)/: "
                        + "\(summary.written.count) written, \(summary.unchanged.count) unchanged, \(summary.removed.count) removed\n"
                )
            }
        }
    }
}

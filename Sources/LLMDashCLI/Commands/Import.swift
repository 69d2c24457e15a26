import ArgumentParser
import LLMDashCore

extension LLMDashCommand {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Turn an existing Grafana dashboard JSON into a spec.",
            discussion: """
                Reads a dashboard (schema versions from about 14 to 42, or an API export with a "dashboard" \
                member) and writes a spec: metadata, time settings, variables, rows and panels with their \
                queries as spec keys; what the spec model does not express is carried through in `grafana:` \
                keys, so that `llmdash build` gives the dashboard back (`llmdash diff` shows no difference, up \
                to the normalisations in docs/spec-reference.md). Old-style rows become row panels, graph panels \
                timeseries and singlestat panels stat, each with a warning. Panels whose queries llmdash rejects, \
                and panel types it does not model, are carried through whole.

                Exit 0 when the spec was written (warnings on standard error), 1 when the input is not valid \
                JSON or not a dashboard (errors at file:line:column), 2 when a file cannot be read or written.

                Examples:
                  llmdash import vllm.json                       # prints the spec
                  llmdash import vllm.json -o templates/vllm.yaml --folder LLM
                  curl -s $GRAFANA/api/dashboards/uid/abc | llmdash import - -o abc.yaml
                """
        )

        @Argument(help: "Dashboard JSON file; - reads standard input.")
        var file: String

        @Option(name: .shortAndLong, help: "Spec file to write (default: standard output).")
        var output: String?

        @Option(help: "Grafana folder to put in the spec's metadata.")
        var folder: String = ""

        @Flag(help: "Overwrite the output file if it exists.")
        var force = false

        func run() throws {
            let name = file == "-" ? "<stdin>" : file
            let bytes: [UInt8]
            do {
                bytes = try FileSystem.read(file == "-" ? "/dev/stdin" : file)
            } catch {
                Terminal.error("error: cannot read \(name): \(error.message)")
                throw ExitCode(2)
            }
            let result = DashboardImporter.importDashboard(bytes, path: name, folder: folder)
            Terminal.report(result.diagnostics, sources: [name: String(decoding: bytes, as: UTF8.self)])
            guard let yaml = result.yaml else { throw ExitCode.failure }
            guard let output, output != "-" else {
                Terminal.out(yaml)
                return
            }
            if !force, FileSystem.exists(output) {
                Terminal.error("error: \(output) exists; pass --force to overwrite it")
                throw ExitCode(2)
            }
            do {
                try FileSystem.writeAtomically(Array(yaml.utf8), to: output)
            } catch {
                Terminal.error("error: cannot write \(output): \(error.message)")
                throw ExitCode(2)
            }
        }
    }
}

import ArgumentParser
import Foundation
import LLMDashCore

extension LLMDashCommand {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate specs and check that the committed output is current.",
            discussion: """
                Compiles in memory and compares the result with the output folder, byte for byte.
                Exit 0 when everything is valid and current, 1 on errors, warnings under --strict,
                or stale output.

                Examples:
                  llmdash check
                  llmdash check templates/ --out generated --strict
                """
        )

        @OptionGroup var specs: SpecOptions

        @Option(name: .shortAndLong, help: "The output folder to compare with.")
        var out: String = "generated"

        @Flag(help: "Treat warnings as errors.")
        var strict = false

        @Flag(help: "Only validate; do not compare with the output folder.")
        var noOutput = false

        func run() throws {
            var result = specs.compile()
            if strict {
                result.diagnostics = result.diagnostics.map { d in
                    var d = d
                    if d.severity == .warning { d.severity = .error }
                    return d
                }
            }
            Terminal.report(result.diagnostics, sources: result.sources)
            if result.diagnostics.hasErrors { throw result.failureCode }
            if noOutput { return }
            let stale = Staleness.compare(result.files, with: out)
            if stale.isEmpty {
                Terminal.out("\(out)/ is current\n")
                return
            }
            var text = "\(out)/ is stale; run `llmdash build` and commit the result:\n"
            for item in stale { text += "  \(item)\n" }
            Terminal.error(text)
            throw ExitCode.failure
        }
    }
}

/// Differences between an in-memory build and an output folder.
enum Staleness {
    static func compare(_ files: [OutputFile], with directory: String) -> [String] {
        var problems: [String] = []
        let fm = FileManager.default
        for file in files {
            guard let data = fm.contents(atPath: directory + "/" + file.path) else {
                problems.append("missing: \(file.path)")
                continue
            }
            if [UInt8](data) != file.contents { problems.append("outdated: \(file.path)") }
        }
        let produced = Set(files.map(\.path))
        for path in OutputWriter.manifest(in: directory) where !produced.contains(path) {
            if fm.fileExists(atPath: directory + "/" + path) { problems.append("no longer built: \(path)") }
        }
        let manifest = Set(OutputWriter.manifest(in: directory))
        if manifest != produced, problems.isEmpty { problems.append("outdated: \(OutputWriter.manifestName)") }
        return problems
    }
}

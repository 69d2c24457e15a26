import ArgumentParser
import LLMDashCore
import Synchronization

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
            let comparison = Staleness(directory: out)
            var report = specs.compile(sink: comparison.receive)
            if strict { report.makeStrict() }
            Terminal.report(report.diagnostics, sources: report.sources)
            if report.diagnostics.hasErrors { throw report.failureCode }
            if noOutput { return }
            let stale = comparison.problems()
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

/// Compares a build, file by file as it is produced, with an output folder.
final class Staleness: Sendable {
    let directory: String
    private let state = Mutex<(seen: [String], problems: [String])>(([], []))

    init(directory: String) { self.directory = directory }

    func receive(_ file: OutputFile) {
        let target = directory + "/" + file.path
        let problem: String? =
            if !FileSystem.exists(target) {
                "missing: \(file.path)"
            } else if !FileSystem.contentEquals(target, file.contents) {
                "outdated: \(file.path)"
            } else {
                nil
            }
        state.withLock {
            $0.seen.append(file.path)
            if let problem { $0.problems.append(problem) }
        }
    }

    func problems() -> [String] {
        let (seen, found) = state.withLock { ($0.seen, $0.problems) }
        var problems = found.sorted()
        let produced = Set(seen)
        let manifest = OutputWriter.manifest(in: directory)
        for path in manifest where !produced.contains(path) && FileSystem.exists(directory + "/" + path) {
            problems.append("no longer built: \(path)")
        }
        if Set(manifest) != produced, problems.isEmpty { problems.append("outdated: \(OutputWriter.manifestName)") }
        return problems
    }
}

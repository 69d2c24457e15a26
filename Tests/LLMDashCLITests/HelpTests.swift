import Foundation
import TestSupport
import Testing

/// Every command explains itself with examples; completions and the version come from the same parser.
@Suite struct HelpTests {
    /// Subcommand names listed under SUBCOMMANDS in a help text.
    static func subcommands(in help: String) -> [String] {
        guard let section = help.range(of: "SUBCOMMANDS:\n") else { return [] }
        return help[section.upperBound...].split(separator: "\n").compactMap { line in
            guard line.hasPrefix("  "), !line.hasPrefix("   ") else { return nil }
            return line.split(separator: " ").first.map(String.init)
        }.filter { $0 != "See" }
    }

    @Test func everyCommandHasExamples() throws {
        var pending: [[String]] = [[]]
        var seen: [String] = []
        while let command = pending.popLast() {
            let help = try Run.llmdash(command + ["--help"])
            #expect(help.status == 0, "\(command): \(help.stderr)")
            #expect(help.stdout.contains("Examples:\n  llmdash "), "`llmdash \(command.joined(separator: " ")) --help`")
            seen.append(command.joined(separator: " "))
            for sub in Self.subcommands(in: help.stdout) where sub != "help" { pending.append(command + [sub]) }
        }
        for expected in ["build", "check", "init", "metrics", "promql check", "promql fmt", "rules check"] {
            #expect(seen.contains(expected), "\(seen)")
        }
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScriptsKnowTheCommands(_ shell: String) throws {
        let result = try Run.llmdash(["--generate-completion-script", shell])
        #expect(result.status == 0)
        for word in ["build", "check", "init", "backend", "strict"] {
            #expect(result.stdout.contains(word), "\(shell) completions lack \(word)")
        }
    }
}

import Foundation
import TestSupport
import Testing

/// The README and the spec reference describe the program as it is: every command in the table, every spec
/// example valid, every internal link resolving.
@Suite struct ReadmeTests {
    static let documents = ["README.md", "docs/spec-reference.md"]

    static func text(_ relativePath: String) throws -> String {
        try String(contentsOf: RepoPaths.root.appendingPathComponent(relativePath), encoding: .utf8)
    }

    /// The fenced code blocks of a Markdown text with the given info string.
    static func codeBlocks(_ language: String, in markdown: String) -> [String] {
        var blocks: [String] = []
        var current: [Substring]?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if var lines = current {
                if line == "```" {
                    blocks.append(lines.joined(separator: "\n") + "\n")
                    current = nil
                } else {
                    lines.append(line)
                    current = lines
                }
            } else if line == "```\(language)" {
                current = []
            }
        }
        return blocks
    }

    /// GitHub's anchor for a heading: lower case, punctuation other than `-` and `_` dropped, spaces as `-`.
    static func anchor(_ heading: String) -> String {
        String(
            heading.lowercased().compactMap { c -> Character? in
                if c == " " { return "-" }
                if c.isLetter || c.isNumber || c == "-" || c == "_" { return c }
                return nil
            })
    }

    static func anchors(in markdown: String) -> Set<String> {
        var out: Set<String> = []
        var inCode = false
        for line in markdown.split(separator: "\n") {
            if line.hasPrefix("```") { inCode.toggle() }
            guard !inCode, line.hasPrefix("#") else { continue }
            out.insert(anchor(String(line.drop { $0 == "#" }.drop { $0 == " " })))
        }
        return out
    }

    /// `[text](target)` links outside code.
    static func links(in markdown: String) -> [String] {
        var out: [String] = []
        var inCode = false
        for line in markdown.split(separator: "\n") {
            if line.hasPrefix("```") { inCode.toggle() }
            guard !inCode else { continue }
            var rest = line[...]
            while let open = rest.range(of: "](") {
                let after = rest[open.upperBound...]
                guard let close = after.firstIndex(of: ")") else { break }
                out.append(String(after[..<close]))
                rest = after[close...]
            }
        }
        return out
    }

    @Test func theCommandTableListsEveryCommandAndEachHasAnAbstract() throws {
        let help = try Run.llmdash(["--help"])
        #expect(help.status == 0)
        guard let section = help.stdout.range(of: "SUBCOMMANDS:\n") else {
            Issue.record("no SUBCOMMANDS in `llmdash --help`")
            return
        }
        var commands: [String] = []
        for line in help.stdout[section.upperBound...].split(separator: "\n") {
            guard line.hasPrefix("  "), !line.hasPrefix("   ") else { continue }
            let words = line.split(separator: " ", maxSplits: 1)
            guard let name = words.first, name != "See" else { continue }
            commands.append(String(name))
            #expect(
                words.count == 2 && !words[1].trimmingCharacters(in: .whitespaces).isEmpty, "\(name) has no abstract")
        }
        #expect(commands.count >= 10, "\(commands)")
        let readme = try Self.text("README.md")
        let table = readme.split(separator: "\n").filter { $0.hasPrefix("| `llmdash ") }
        for command in commands where command != "help" {
            #expect(
                table.contains { $0.hasPrefix("| `llmdash \(command) ") }, "README's command table lacks \(command)")
        }
    }

    @Test func everyCompleteSpecInTheReadmeIsValid() throws {
        let dir = try Run.temporaryDirectory("llmdash-readme")
        defer { try? FileManager.default.removeItem(at: dir) }
        let specs = Self.codeBlocks("yaml", in: try Self.text("README.md")).filter {
            $0.hasPrefix("apiVersion: llmdash/v1")
        }
        #expect(specs.count >= 3)
        for (index, spec) in specs.enumerated() {
            let path = dir.appendingPathComponent("readme-\(index).yaml")
            try spec.write(to: path, atomically: true, encoding: .utf8)
            let result = try Run.llmdash(["check", "--strict", "--no-output", path.path])
            #expect(result.status == 0, "README spec \(index + 1):\n\(result.stdout)\(result.stderr)")
        }
    }

    @Test(arguments: documents)
    func internalLinksResolve(_ document: String) throws {
        let markdown = try Self.text(document)
        let base = document.split(separator: "/").dropLast().joined(separator: "/")
        for link in Self.links(in: markdown) where !link.contains("://") {
            let parts = link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
            let file = String(parts[0])
            let target = file.isEmpty ? document : (base.isEmpty ? file : "\(base)/\(file)")
            #expect(
                FileManager.default.fileExists(atPath: RepoPaths.root.appendingPathComponent(target).path),
                "\(document): link \(link) points at a missing file")
            if parts.count == 2, target.hasSuffix(".md") {
                let anchors = Self.anchors(in: try Self.text(target))
                #expect(anchors.contains(String(parts[1])), "\(document): link \(link) has no such heading")
            }
        }
    }
}

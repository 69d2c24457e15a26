import ArgumentParser
import LLMDashCore
import Synchronization

extension LLMDashCommand {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Validate specs and check that the committed output is current.",
            discussion: """
                Validates and lints every spec, compiles in memory and compares the result with the output \
                folder. Exit 0 when everything is valid and current; 1 on errors, on warnings under --strict, or \
                when the output folder is stale (a file missing, outdated, or no longer built); 2 on usage or \
                I/O errors.

                --format text (the default) prints located diagnostics with source lines; --format github \
                prints GitHub Actions annotations (::error file=…,line=…,col=…::message) so problems show on \
                the pull request's lines; --format json prints one JSON document for other tools.

                Examples:
                  llmdash check
                  llmdash check templates/ --out generated --strict
                  llmdash check --format github          # in a GitHub Actions job
                  llmdash check specs/ --format json --no-output
                """
        )

        @OptionGroup var specs: SpecOptions

        @Option(name: .shortAndLong, help: "The output folder to compare with.")
        var out: String = "generated"

        @Flag(help: "Treat warnings as errors.")
        var strict = false

        @Flag(help: "Only validate; do not compare with the output folder.")
        var noOutput = false

        @Option(help: "Output format: text, github (Actions annotations) or json.")
        var format: CheckFormat = .text

        func run() throws {
            let comparison = Staleness(directory: out)
            var report = specs.compile(sink: comparison.receive)
            if strict { report.makeStrict() }
            let compared = !noOutput && !report.diagnostics.hasErrors
            let stale = compared ? comparison.problems() : []
            let result = CheckResult(
                report: report, directory: out, compared: compared, stale: stale, strict: strict)
            switch format {
            case .text: result.printText()
            case .github: result.printGitHub()
            case .json: Terminal.out(JSONWriter.prettyString(result.json))
            }
            if report.diagnostics.hasErrors { throw report.failureCode }
            if !stale.isEmpty { throw ExitCode.failure }
        }
    }

    enum CheckFormat: String, ExpressibleByArgument, CaseIterable {
        case text, github, json
    }
}

/// One output file that does not match a fresh build.
struct StaleFile: Sendable, Hashable {
    enum Kind: String, Sendable, Hashable {
        case missing, outdated
        case noLongerBuilt = "no longer built"
    }

    var kind: Kind
    var path: String
    /// What a build writes now, for outdated files (to show what changed).
    var fresh: [UInt8]? = nil
}

/// Compares a build, file by file as it is produced, with an output folder.
final class Staleness: Sendable {
    let directory: String
    private let state = Mutex<(seen: [String], problems: [StaleFile])>(([], []))

    init(directory: String) { self.directory = directory }

    func receive(_ file: OutputFile) {
        let target = directory + "/" + file.path
        let problem: StaleFile? =
            if !FileSystem.exists(target) {
                StaleFile(kind: .missing, path: file.path)
            } else if !FileSystem.contentEquals(target, file.contents) {
                StaleFile(kind: .outdated, path: file.path, fresh: file.contents)
            } else {
                nil
            }
        state.withLock {
            $0.seen.append(file.path)
            if let problem { $0.problems.append(problem) }
        }
    }

    /// What differs, sorted by path.
    func problems() -> [StaleFile] {
        let (seen, found) = state.withLock { ($0.seen, $0.problems) }
        var problems = found
        let produced = Set(seen)
        let manifest = OutputWriter.manifest(in: directory)
        for path in manifest where !produced.contains(path) && FileSystem.exists(directory + "/" + path) {
            problems.append(StaleFile(kind: .noLongerBuilt, path: path))
        }
        if Set(manifest) != produced, problems.isEmpty {
            problems.append(StaleFile(kind: .outdated, path: OutputWriter.manifestName))
        }
        return problems.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }
}

/// What `llmdash check` found, printable in each output format.
struct CheckResult {
    var report: BuildReport
    var directory: String
    var compared: Bool
    var stale: [StaleFile]
    var strict: Bool

    var errors: Int { report.diagnostics.filter { $0.severity == .error }.count }
    var warnings: Int { report.diagnostics.filter { $0.severity == .warning }.count }

    /// What changed in the outdated files, compared by meaning (dashboards panel by panel, queries as PromQL):
    /// the committed file is the old side, a fresh build the new.
    var semanticDiff: DiffReport {
        var files: [FileDiff] = []
        for item in stale {
            let name = SemanticDiff.joinedName(directory, item.path)
            switch item.kind {
            case .outdated:
                guard let fresh = item.fresh, let committed = try? FileSystem.read(name) else { continue }
                let (diff, diagnostics) = SemanticDiff.file(
                    path: name, old: committed, oldName: name, new: fresh, newName: "build of the specs")
                // A committed file that does not parse cannot be compared by meaning.
                files.append(
                    diagnostics.isEmpty
                        ? diff
                        : FileDiff(
                            path: name, kind: diff.kind, status: .modified,
                            changes: [DiffChange(.edited, .file, item.path, field: "content (not valid JSON)")]))
            case .missing, .noLongerBuilt:
                continue
            }
        }
        return DiffReport(oldName: directory, newName: "build of the specs", files: files)
    }

    /// One line per change of an outdated file, for annotations.
    func changeLines(of item: StaleFile, in report: DiffReport) -> [String] {
        let name = SemanticDiff.joinedName(directory, item.path)
        guard let file = report.files.first(where: { $0.path == name }) else { return [] }
        if file.changes.isEmpty, item.kind == .outdated {
            return ["the bytes differ, nothing a reviewer would see (formatting or ignored fields)"]
        }
        let single = DiffReport(oldName: report.oldName, newName: report.newName, files: [file])
        // The rendering without its heading (the annotation names the file) and its summary line.
        return Array(DiffRenderer.text(single).split(separator: "\n").dropFirst().dropLast().map(String.init))
    }

    /// The spec that produces an output file, for pointing a stale-file annotation at it.
    func source(of stale: StaleFile) -> SourceLocation? {
        report.dashboards.first { $0.path == stale.path }?.location
    }

    func printText() {
        Terminal.report(report.diagnostics, sources: report.sources)
        guard compared else {
            if errors == 0 {
                let n = report.dashboards.count
                Terminal.out("\(n) dashboard\(n == 1 ? "" : "s") valid\n")
            }
            return
        }
        if stale.isEmpty {
            Terminal.out("\(directory)/ is current\n")
            return
        }
        var text = "\(directory)/ is stale; run `llmdash build` and commit the result:\n"
        for item in stale { text += "  \(item.kind.rawValue): \(item.path)\n" }
        let diff = semanticDiff
        if diff.files.contains(where: { !$0.changes.isEmpty }) {
            text += "\nWhat a build would change:\n"
            text += DiffRenderer.text(diff, color: Terminal.stderrIsTerminal)
        }
        Terminal.error(text)
    }

    /// GitHub Actions workflow commands; the runner turns them into annotations on the changed lines.
    func printGitHub() {
        var text = ""
        for d in report.diagnostics.sortedByLocation() {
            let level = d.severity == .error ? "error" : d.severity == .warning ? "warning" : "notice"
            let message = ([d.message] + d.notes).joined(separator: "\n")
            text +=
                GitHubAnnotation(level: level, location: d.location, title: "llmdash \(d.id)", message: message)
                .line
        }
        let diff = semanticDiff
        for item in stale {
            let message =
                (["\(directory)/\(item.path) is \(item.kind.rawValue); run `llmdash build` and commit the result"]
                + changeLines(of: item, in: diff)).joined(separator: "\n")
            let location = source(of: item) ?? SourceLocation(file: directory + "/" + item.path, line: 1, column: 1)
            text +=
                GitHubAnnotation(level: "error", location: location, title: "llmdash stale output", message: message)
                .line
        }
        let summary =
            compared
            ? (stale.isEmpty
                ? "\(directory)/ is current"
                : "\(directory)/ is stale: \(stale.count) file\(stale.count == 1 ? "" : "s")") : ""
        text += "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
        text += summary.isEmpty ? "\n" : "; \(summary)\n"
        Terminal.out(text)
    }

    var json: JSON {
        var members: [String: JSON] = [
            "valid": .bool(errors == 0),
            "errors": .int(errors),
            "warnings": .int(warnings),
            "strict": .bool(strict),
            "diagnostics": .array(report.diagnostics.sortedByLocation().map(\.json)),
            "dashboards": .array(
                report.dashboards.map { d in
                    [
                        "uid": .string(d.uid), "title": .string(d.title), "path": .string(d.path),
                        "source": d.location.map { .string($0.description) } ?? .null,
                    ]
                }),
        ]
        if compared {
            members["output"] = [
                "directory": .string(directory),
                "current": .bool(stale.isEmpty),
                "stale": .array(
                    stale.map { item in
                        [
                            "path": .string(item.path), "status": .string(item.kind.rawValue),
                            "source": source(of: item).map { .string($0.description) } ?? .null,
                        ]
                    }),
                "diff": stale.isEmpty ? .null : DiffRenderer.json(semanticDiff),
            ]
        } else {
            members["output"] = .null
        }
        return .object(JSONMembers(members))
    }
}

/// One `::error file=…,line=…,col=…,title=…::message` line, escaped as the Actions runner expects.
struct GitHubAnnotation {
    var level: String
    var location: SourceLocation?
    var title: String
    var message: String

    var line: String {
        var properties: [String] = []
        if let location {
            properties.append("file=" + Self.escapeProperty(location.file))
            properties.append("line=\(location.line)")
            properties.append("col=\(location.column)")
        }
        properties.append("title=" + Self.escapeProperty(title))
        return "::\(level) \(properties.joined(separator: ","))::\(Self.escapeData(message))\n"
    }

    static func escapeData(_ text: String) -> String {
        var out = ""
        for c in text.unicodeScalars {
            switch c {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func escapeProperty(_ text: String) -> String {
        var out = ""
        for c in escapeData(text).unicodeScalars {
            switch c {
            case ":": out += "%3A"
            case ",": out += "%2C"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}

extension Diagnostic {
    /// The machine-readable form used by every `--format json`.
    var json: JSON {
        [
            "file": location.map { .string($0.file) } ?? .null,
            "line": location.map { .int($0.line) } ?? .null,
            "column": location.map { .int($0.column) } ?? .null,
            "severity": .string(severity.rawValue),
            "id": .string(id),
            "message": .string(message),
            "notes": .array(notes.map { .string($0) }),
        ]
    }
}

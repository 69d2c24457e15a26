import ArgumentParser
import LLMDashCore

extension LLMDashCommand {
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff",
            abstract: "Show what a change does to dashboards and rule files: panels, queries, rules — not JSON lines.",
            discussion: """
                Compares two Grafana dashboard JSON files (llmdash's or anyone's), two Prometheus rule files, two \
                folders of them (files paired by relative path), or what is committed at a git revision against \
                the working tree (--git REV [PATH], PATH defaulting to the current folder; hidden files and files git \
                ignores are left out).

                Panels are matched by identity (llmdash's stable ids; for other dashboards id, then title within \
                its row, then the closest queries), so inserting a panel shows one panel added and the others \
                moved. Changes are added, removed, moved, retitled or edited (naming the field: unit, thresholds, \
                legend, an option, a query). Queries and rule expressions are compared as PromQL: formatting is \
                no change, and a real change says what differs (quantile, grouping, window, matchers, function). \
                Ids, versions, pluginVersion, variables' current values and options, null members, key order and \
                datasource name-versus-reference never show.

                Exit 0 when nothing differs, 1 when something does, 2 on a usage or read error.

                Examples:
                  llmdash diff old.json new.json
                  llmdash diff --format markdown old-generated/ generated/ > comment.md
                  llmdash diff --git HEAD generated/
                  llmdash diff --git origin/main --format json rules/
                """
        )

        enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
            case text, markdown, json
        }

        enum ColorMode: String, ExpressibleByArgument, CaseIterable {
            case auto, always, never
        }

        @Argument(help: "OLD and NEW: files or folders. With --git, at most one PATH (default: .).")
        var paths: [String] = []

        @Option(
            help: ArgumentHelp("Compare what is committed at this revision with the working tree.", valueName: "rev"))
        var git: String?

        @Option(help: "Output format: text, markdown or json.")
        var format: OutputFormat = .text

        @Option(
            help: "Colour text output: auto (when standard output is a terminal and NO_COLOR is unset), always, never.")
        var color: ColorMode = .auto

        func validate() throws {
            if git != nil {
                if paths.count > 1 {
                    throw ValidationError("with --git, name at most one path (the working-tree side)")
                }
            } else if paths.count != 2 {
                throw ValidationError(
                    "name two files or folders to compare: llmdash diff OLD NEW (or --git REV [PATH])")
            }
        }

        func run() throws {
            let old: Side
            let new: Side
            do {
                if let git {
                    let path = paths.first ?? "."
                    if FileSystem.exists(path) {
                        var disk = try Side.disk(path)
                        if disk.isFolder { try disk.dropIgnoredByGit() }
                        new = disk
                        old = try Side.git(revision: git, path: path, isFolder: new.isFolder)
                    } else {
                        // Deleted from the working tree: what was committed is all removed.
                        old = try Side.git(revision: git, path: path, isFolder: nil)
                        new = Side(name: path, isFolder: old.isFolder, files: [:])
                    }
                } else {
                    old = try Side.disk(paths[0])
                    new = try Side.disk(paths[1])
                    if old.isFolder != new.isFolder {
                        throw ValidationError("cannot compare a file with a folder: name two files or two folders")
                    }
                }
            } catch let failure as SideFailure {
                Terminal.error("error: " + failure.message)
                throw ExitCode(2)
            }

            let report: DiffReport
            let diagnostics: [Diagnostic]
            if new.isFolder {
                (report, diagnostics) = SemanticDiff.trees(
                    old: old.files, new: new.files, oldName: old.name, newName: new.name)
            } else {
                let path = new.name
                let (file, errors) = SemanticDiff.file(
                    path: path, old: old.files[""], oldName: old.name, new: new.files[""], newName: new.name)
                report = DiffReport(oldName: old.name, newName: new.name, files: [file])
                diagnostics = errors
            }
            if !diagnostics.isEmpty {
                var sources: [String: String] = [:]
                for side in [old, new] {
                    for (path, bytes) in side.files {
                        let name = side.isFolder ? SemanticDiff.joinedName(side.name, path) : side.name
                        if diagnostics.contains(where: { $0.location?.file == name }) {
                            sources[name] = String(decoding: bytes, as: UTF8.self)
                        }
                    }
                }
                Terminal.report(diagnostics, sources: sources)
                throw ExitCode(2)
            }
            switch format {
            case .text:
                let useColor = color == .always || (color == .auto && Terminal.stdoutIsTerminal)
                Terminal.out(DiffRenderer.text(report, color: useColor))
            case .markdown:
                Terminal.out(DiffRenderer.markdown(report))
            case .json:
                Terminal.out(JSONWriter.prettyString(DiffRenderer.json(report)))
            }
            if report.hasDifferences { throw ExitCode.failure }
        }
    }
}

struct SideFailure: Error {
    var message: String
}

/// One side of a diff: a file (under the key "") or a folder's files by relative path.
struct Side {
    var name: String
    var isFolder: Bool
    var files: [String: [UInt8]]

    /// What is on disk at `path`.
    static func disk(_ path: String) throws(SideFailure) -> Side {
        switch FileSystem.isDirectory(path) {
        case nil:
            throw SideFailure(message: "cannot read \(path): no such file or folder")
        case false?:
            do {
                return Side(name: path, isFolder: false, files: ["": try FileSystem.read(path)])
            } catch {
                throw SideFailure(message: "cannot read \(path): \(error.message)")
            }
        case true?:
            var files: [String: [UInt8]] = [:]
            let root = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
            for relative in FileSystem.files(under: root, where: { _ in true }) {
                do {
                    files[relative] = try FileSystem.read(root + "/" + relative)
                } catch {
                    throw SideFailure(message: "cannot read \(root)/\(relative): \(error.message)")
                }
            }
            return Side(name: root, isFolder: true, files: files)
        }
    }

    /// What is committed at `revision` under `path` (relative to the current folder); `isFolder` nil asks git.
    static func git(revision: String, path: String, isFolder known: Bool?) throws(SideFailure) -> Side {
        func git(_ arguments: [String]) throws(SideFailure) -> Subprocess.Output {
            do {
                return try Subprocess.run(["git"] + arguments)
            } catch {
                throw SideFailure(message: error.message)
            }
        }
        let verify = try git(["rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}"])
        if verify.status != 0 {
            let inside = try git(["rev-parse", "--is-inside-work-tree"])
            if inside.status != 0 { throw SideFailure(message: "--git needs a git repository: \(stderrLine(inside))") }
            throw SideFailure(message: "unknown git revision '\(revision)'")
        }
        let commit = String(decoding: verify.stdout, as: UTF8.self).trimmingNewlines
        let root = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        let name = "\(revision):\(root)"
        var isFolder = known ?? false
        if known == nil {
            let type = try git(["cat-file", "-t", "\(commit):./\(root)"])
            guard type.status == 0 else {
                throw SideFailure(message: "cannot read \(root): no such file or folder here or at \(revision)")
            }
            isFolder = String(decoding: type.stdout, as: UTF8.self).trimmingNewlines == "tree"
        }
        if !isFolder {
            let shown = try git(["cat-file", "blob", "\(commit):./\(root)"])
            // A file that is new in the working tree has no committed side.
            return Side(name: name, isFolder: false, files: shown.status == 0 ? ["": shown.stdout] : [:])
        }
        let listing = try git(["ls-tree", "-r", "-z", "--name-only", commit, "--", root == "." ? "." : root + "/"])
        if listing.status != 0 { throw SideFailure(message: "git ls-tree failed: \(stderrLine(listing))") }
        var files: [String: [UInt8]] = [:]
        let prefix = shownPrefix(root)
        for entry in listing.stdout.split(separator: 0) {
            let shown = String(decoding: entry, as: UTF8.self)
            guard shown.hasPrefix(prefix) else { continue }
            let relative = String(shown.dropFirst(prefix.count))
            // Hidden files are skipped on both sides, as in the working-tree walk.
            if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            let blob = try git(["cat-file", "blob", "\(commit):./\(shown)"])
            if blob.status != 0 { throw SideFailure(message: "cannot read \(name)/\(relative): \(stderrLine(blob))") }
            files[relative] = blob.stdout
        }
        return Side(name: name, isFolder: true, files: files)
    }

    /// Leaves out the files git ignores (build products, local settings): they are not part of the working tree
    /// that a revision is compared with.
    mutating func dropIgnoredByGit() throws(SideFailure) {
        let listing: Subprocess.Output
        do {
            listing = try Subprocess.run([
                "git", "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory", "--",
                name == "." ? "." : name + "/",
            ])
        } catch {
            throw SideFailure(message: error.message)
        }
        if listing.status != 0 { throw SideFailure(message: "git ls-files failed: \(Self.stderrLine(listing))") }
        let prefix = Self.shownPrefix(name)
        var ignoredFiles: Set<String> = []
        var ignoredFolders: [String] = []
        for entry in listing.stdout.split(separator: 0) {
            let shown = String(decoding: entry, as: UTF8.self)
            guard shown.hasPrefix(prefix) else { continue }
            let relative = String(shown.dropFirst(prefix.count))
            if relative.hasSuffix("/") { ignoredFolders.append(relative) } else { ignoredFiles.insert(relative) }
        }
        if ignoredFiles.isEmpty && ignoredFolders.isEmpty { return }
        files = files.filter { path, _ in
            !ignoredFiles.contains(path) && !ignoredFolders.contains { path.hasPrefix($0) }
        }
    }

    /// How git prints the paths under the folder `root`: relative to the current folder, without a leading "./".
    private static func shownPrefix(_ root: String) -> String {
        var shown = Substring(root)
        while shown.hasPrefix("./") { shown = shown.dropFirst(2) }
        return shown.isEmpty || shown == "." ? "" : shown + "/"
    }

    private static func stderrLine(_ output: Subprocess.Output) -> String {
        String(decoding: output.stderr, as: UTF8.self).trimmingNewlines
    }
}

extension String {
    fileprivate var trimmingNewlines: String {
        var s = Substring(self)
        while s.last == "\n" || s.last == "\r" || s.last == " " { s.removeLast() }
        return String(s)
    }
}

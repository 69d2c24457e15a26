import Synchronization

/// Writes an output tree safely. Files are staged beside the output folder while a build runs; only
/// when the whole build succeeded does the new tree replace the old one, in one atomic step (see
/// `StagedOutput`). A manifest lists what llmdash wrote, so a rebuild removes only files it wrote before.
public enum OutputWriter {
    public static let manifestName = ".llmdash-manifest"

    public struct Summary: Sendable, Hashable {
        public var written: [String] = []
        public var unchanged: [String] = []
        public var removed: [String] = []
    }

    public enum WriteError: Error, CustomStringConvertible, Sendable, Hashable {
        case unsafePath(String)
        case foreignFile(String)
        case io(String, String)

        public var description: String {
            switch self {
            case .unsafePath(let p): "refusing to write '\(p)': the path leaves the output folder"
            case .foreignFile(let p):
                "refusing to overwrite '\(p)': llmdash did not write it (it is not in \(OutputWriter.manifestName)); "
                    + "move it away or pass --force"
            case .io(let p, let message): "cannot write '\(p)': \(message)"
            }
        }
    }

    /// True when `relative` stays inside the output folder whatever the folder is.
    public static func isSafe(_ relative: String) -> Bool {
        if relative.isEmpty || relative.hasPrefix("/") || relative.contains("\\") || relative.contains("\u{0}") {
            return false
        }
        let parts = relative.split(separator: "/", omittingEmptySubsequences: false)
        return !parts.contains { $0.isEmpty || $0 == "." || $0 == ".." } && relative != manifestName
    }

    /// Paths listed in the folder's manifest (empty when there is none).
    public static func manifest(in directory: String) -> [String] {
        guard let bytes = try? FileSystem.read(directory + "/" + manifestName) else { return [] }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
            .filter { !$0.hasPrefix("#") && isSafe($0) }
    }

    static func manifestText(_ paths: some Sequence<String>) -> [UInt8] {
        let sorted = paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return Array(
            ("# Files written by llmdash build; a rebuild removes only these.\n" + sorted.map { $0 + "\n" }.joined())
                .utf8)
    }

    /// Writes a complete set of files (the whole output of a build).
    public static func write(_ files: [OutputFile], to directory: String, force: Bool = false) throws(WriteError)
        -> Summary
    {
        let staged = StagedOutput(directory: directory, force: force)
        for file in files { staged.receive(file) }
        return try staged.commit()
    }
}

/// An output folder being written by one build. `receive` may be called from several threads.
///
/// Files are staged in a hidden sibling of the output folder (`.<name>.llmdash-<pid>`). On commit the
/// sibling is completed into the whole new tree — every other file of the output folder, foreign files
/// included, is carried over as a hard link — and the two folders are exchanged in one atomic rename.
/// A build killed at any moment therefore leaves the output folder as it was or complete. Where the
/// folder cannot be exchanged (the file system or system lacks it, the folder is a mount point or `.`),
/// staged files are renamed into place one by one: each file is then whole, but not the set.
public final class StagedOutput: Sendable {
    public let directory: String
    let staging: String
    let force: Bool
    let previous: Set<String>
    let createdDirectory: Bool
    /// True when the staging folder is a sibling that can become the output folder.
    let swappable: Bool
    /// The output folder with links resolved: what is exchanged.
    let target: String

    private struct State {
        var staged: [String] = []
        var unchanged: [String] = []
        var errors: [OutputWriter.WriteError] = []
    }

    private let state = Mutex(State())

    public init(directory: String, force: Bool = false) {
        var trimmed = directory
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        // Exchanging a symbolic link would replace the link, not the folder it names.
        let real = FileSystem.entryKind(trimmed) == .symlink ? FileSystem.resolvedPath(trimmed) ?? trimmed : trimmed
        let name = FileSystem.lastComponent(real)
        let parent = FileSystem.parentPath(real)
        self.directory = directory
        self.force = force
        self.previous = Set(OutputWriter.manifest(in: directory))
        self.createdDirectory = !FileSystem.exists(directory)
        self.swappable = !name.isEmpty && name != "." && name != ".." && real != "/"
        let prefix = "." + name + ".llmdash-"
        if swappable {
            let folder = parent.isEmpty ? "." : parent
            self.staging = (parent.isEmpty ? "" : parent + "/") + prefix + "\(ProcessID.current)"
            StagedOutput.removeAbandoned(in: folder, prefix: prefix)
        } else {
            self.staging = directory + "/.llmdash-staging-\(ProcessID.current)"
        }
        self.target = real
    }

    /// Staging folders of builds that were killed before they could clean up.
    static func removeAbandoned(in folder: String, prefix: String) {
        for name in FileSystem.list(folder) ?? [] where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count)), pid != ProcessID.current,
                !FileSystem.processExists(pid)
            else { continue }
            FileSystem.removeTree(folder + "/" + name)
        }
    }

    /// Stages one file, or notes that the output already holds it byte for byte.
    public func receive(_ file: OutputFile) {
        guard OutputWriter.isSafe(file.path) else {
            state.withLock { $0.errors.append(.unsafePath(file.path)) }
            return
        }
        let target = directory + "/" + file.path
        if FileSystem.contentEquals(target, file.contents) {
            state.withLock { $0.unchanged.append(file.path) }
            return
        }
        if !force, FileSystem.isDirectory(target) == false, !previous.contains(file.path) {
            state.withLock { $0.errors.append(.foreignFile(file.path)) }
            return
        }
        do {
            try FileSystem.createDirectories(FileSystem.parentPath(staging + "/" + file.path))
            try FileSystem.write(file.contents, to: staging + "/" + file.path)
            state.withLock { $0.staged.append(file.path) }
        } catch {
            state.withLock { $0.errors.append(.io(file.path, error.message)) }
        }
    }

    /// Leaves the output folder as it was.
    public func abort() {
        FileSystem.removeTree(staging)
        if createdDirectory { FileSystem.removeEmptyDirectory(directory) }
    }

    /// Puts the staged files in place and removes what earlier builds wrote and this one did not.
    public func commit() throws(OutputWriter.WriteError) -> OutputWriter.Summary {
        let (staged, unchanged, errors) = state.withLock { ($0.staged, $0.unchanged, $0.errors) }
        if let first = errors.sorted(by: { "\($0)" < "\($1)" }).first {
            abort()
            throw first
        }
        let current = Set(staged).union(unchanged)
        let stale = previous.subtracting(current).filter { FileSystem.isDirectory(directory + "/" + $0) == false }
        let sort: ([String]) -> [String] = { $0.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }
        let summary = OutputWriter.Summary(
            written: sort(staged), unchanged: sort(unchanged), removed: sort(Array(stale)))
        let manifest = OutputWriter.manifestText(current)
        let manifestPath = directory + "/" + OutputWriter.manifestName
        if staged.isEmpty, stale.isEmpty, !createdDirectory, FileSystem.contentEquals(manifestPath, manifest) {
            FileSystem.removeTree(staging)
            return summary
        }
        if swappable {
            do {
                if try exchange(staged: staged, stale: stale, manifest: manifest) { return summary }
            } catch {
                abort()
                throw .io(error.path, error.message)
            }
        }
        try commitFileByFile(staged: staged, stale: stale, current: current)
        return summary
    }

    /// Completes the staging folder into the new output tree and exchanges the two; false (with the
    /// staged files still in place) when the system cannot exchange this folder.
    private func exchange(staged: [String], stale: Set<String>, manifest: [UInt8]) throws(FileSystem.Failure) -> Bool {
        try FileSystem.createDirectories(staging)
        let exists = FileSystem.isDirectory(target) == true
        if exists {
            var skip = Set(staged).union(stale)
            skip.insert(OutputWriter.manifestName)
            try FileSystem.mirror(target, into: staging, skip: skip)
            FileSystem.copyMode(from: target, to: staging)
            for path in stale.sorted() {
                var parent = FileSystem.parentPath(path)
                while !parent.isEmpty, FileSystem.removeEmptyDirectory(staging + "/" + parent) {
                    parent = FileSystem.parentPath(parent)
                }
            }
        }
        try FileSystem.write(manifest, to: staging + "/" + OutputWriter.manifestName)
        if exists {
            do {
                try FileSystem.exchange(staging, target)
            } catch {
                // Keep only the staged files, as the file-by-file commit expects.
                FileSystem.removeTree(staging + "/" + OutputWriter.manifestName)
                return try keepOnly(staged)
            }
            // The sibling now holds the old tree; the new one is in place.
            FileSystem.removeTree(staging)
        } else {
            let parent = FileSystem.parentPath(target)
            if !parent.isEmpty { try FileSystem.createDirectories(parent) }
            try FileSystem.move(staging, to: target)
        }
        return true
    }

    /// Rebuilds a staging folder that holds only the staged files, after a failed exchange.
    private func keepOnly(_ staged: [String]) throws(FileSystem.Failure) -> Bool {
        let kept = staging + ".kept"
        FileSystem.removeTree(kept)
        for path in staged {
            try FileSystem.createDirectories(FileSystem.parentPath(kept + "/" + path))
            try FileSystem.move(staging + "/" + path, to: kept + "/" + path)
        }
        FileSystem.removeTree(staging)
        if staged.isEmpty { try FileSystem.createDirectories(kept) }
        try FileSystem.move(kept, to: staging)
        return false
    }

    /// Moves staged files into place one at a time, for folders that cannot be exchanged.
    private func commitFileByFile(staged: [String], stale: Set<String>, current: Set<String>)
        throws(OutputWriter.WriteError)
    {
        do {
            // While files move, the manifest lists old and new, so an interrupted build can always clean up.
            try FileSystem.createDirectories(directory)
            try FileSystem.writeAtomically(
                OutputWriter.manifestText(previous.union(current)), to: directory + "/" + OutputWriter.manifestName)
            for path in staged {
                try FileSystem.createDirectories(FileSystem.parentPath(directory + "/" + path))
                try FileSystem.move(staging + "/" + path, to: directory + "/" + path)
            }
        } catch {
            abort()
            throw .io(error.path, error.message)
        }
        for path in stale.sorted() {
            FileSystem.removeFile(directory + "/" + path)
            var parent = FileSystem.parentPath(path)
            while !parent.isEmpty, FileSystem.removeEmptyDirectory(directory + "/" + parent) {
                parent = FileSystem.parentPath(parent)
            }
        }
        FileSystem.removeTree(staging)
        do {
            try FileSystem.writeAtomically(
                OutputWriter.manifestText(current), to: directory + "/" + OutputWriter.manifestName)
        } catch {
            throw .io(error.path, error.message)
        }
    }
}

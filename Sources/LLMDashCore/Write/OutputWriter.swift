import Synchronization

/// Writes an output tree safely. Files are staged in a hidden folder inside the output folder while a
/// build runs; only when the whole build succeeded are they renamed into place (each rename atomic).
/// A manifest lists what llmdash wrote, so a rebuild removes only files it wrote before.
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
public final class StagedOutput: Sendable {
    public let directory: String
    let staging: String
    let force: Bool
    let previous: Set<String>
    let createdDirectory: Bool

    private struct State {
        var staged: [String] = []
        var unchanged: [String] = []
        var errors: [OutputWriter.WriteError] = []
    }

    private let state = Mutex(State())

    public init(directory: String, force: Bool = false) {
        self.directory = directory
        self.force = force
        self.staging = directory + "/.llmdash-staging-\(ProcessID.current)"
        self.previous = Set(OutputWriter.manifest(in: directory))
        self.createdDirectory = !FileSystem.exists(directory)
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

    /// Moves the staged files into place, removes what earlier builds wrote and this one did not.
    public func commit() throws(OutputWriter.WriteError) -> OutputWriter.Summary {
        let (staged, unchanged, errors) = state.withLock { ($0.staged, $0.unchanged, $0.errors) }
        if let first = errors.sorted(by: { "\($0)" < "\($1)" }).first {
            abort()
            throw first
        }
        let current = Set(staged).union(unchanged)
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
        var removed: [String] = []
        for stale in previous.subtracting(current).sorted()
        where FileSystem.isDirectory(directory + "/" + stale) == false {
            FileSystem.removeFile(directory + "/" + stale)
            removed.append(stale)
            var parent = FileSystem.parentPath(stale)
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
        let sort: ([String]) -> [String] = { $0.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }
        return OutputWriter.Summary(written: sort(staged), unchanged: sort(unchanged), removed: removed)
    }
}

import Foundation

/// Writes an output tree safely: each file through a temporary sibling and a rename, a manifest of what
/// llmdash wrote, and removal of only those files a previous build wrote and this one no longer does.
public enum OutputWriter {
    public static let manifestName = ".llmdash-manifest"

    public struct Summary: Sendable, Hashable {
        public var written: [String] = []
        public var unchanged: [String] = []
        public var removed: [String] = []
    }

    public enum WriteError: Error, CustomStringConvertible, Sendable {
        case unsafePath(String)
        case foreignFile(String)
        case io(String, String)

        public var description: String {
            switch self {
            case .unsafePath(let p): "refusing to write '\(p)': the path leaves the output folder"
            case .foreignFile(let p):
                "refusing to overwrite '\(p)': llmdash did not write it (it is not in \(OutputWriter.manifestName)); move it away or pass --force"
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
        return !parts.contains { $0.isEmpty || $0 == "." || $0 == ".." }
    }

    /// Paths listed in the folder's manifest (empty when there is none).
    public static func manifest(in directory: String) -> [String] {
        guard let text = try? String(contentsOfFile: directory + "/" + manifestName, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") && isSafe($0) }
    }

    static func manifestText(_ paths: [String]) -> String {
        "# Files written by llmdash build; a rebuild removes only these.\n"
            + paths.sorted(by: JSONWriter.utf8Less)
            .map { $0 + "\n" }.joined()
    }

    public static func write(_ files: [OutputFile], to directory: String, force: Bool = false) throws(WriteError)
        -> Summary
    {
        for file in files where !isSafe(file.path) || file.path == manifestName {
            throw .unsafePath(file.path)
        }
        let fm = FileManager.default
        let previous = Set(manifest(in: directory))
        var summary = Summary()

        // Refuse before touching anything if a file we would replace is not ours.
        var pending: [OutputFile] = []
        for file in files {
            let target = directory + "/" + file.path
            if let existing = fm.contents(atPath: target) {
                if [UInt8](existing) == file.contents {
                    summary.unchanged.append(file.path)
                    continue
                }
                if !previous.contains(file.path), !force { throw .foreignFile(file.path) }
            }
            pending.append(file)
        }

        do {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .io(directory, error.localizedDescription)
        }
        let current = Set(files.map(\.path))
        // While files change, the manifest lists old and new, so an interrupted build can always clean up.
        try atomicWrite(Array(manifestText(Array(previous.union(current))).utf8), to: directory + "/" + manifestName)
        for file in pending {
            try atomicWrite(file.contents, to: directory + "/" + file.path)
            summary.written.append(file.path)
        }
        for stale in previous.subtracting(current).sorted() {
            let target = directory + "/" + stale
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: target, isDirectory: &isDirectory), !isDirectory.boolValue {
                try? fm.removeItem(atPath: target)
                summary.removed.append(stale)
                removeEmptyParents(of: stale, in: directory)
            }
        }
        try atomicWrite(Array(manifestText(Array(current)).utf8), to: directory + "/" + manifestName)
        return summary
    }

    private static func removeEmptyParents(of relative: String, in directory: String) {
        var parts = relative.split(separator: "/").dropLast()
        let fm = FileManager.default
        while !parts.isEmpty {
            let path = directory + "/" + parts.joined(separator: "/")
            guard let items = try? fm.contentsOfDirectory(atPath: path), items.isEmpty else { return }
            try? fm.removeItem(atPath: path)
            parts = parts.dropLast()
        }
    }

    /// Writes to `.name.tmp-PID` next to the target, flushes, then renames over it.
    static func atomicWrite(_ bytes: [UInt8], to path: String) throws(WriteError) {
        let url = URL(fileURLWithPath: path)
        let parent = url.deletingLastPathComponent().path
        let temp = parent + "/." + url.lastPathComponent + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { throw WriteError.io(path, String(cString: strerror(errno))) }
            var offset = 0
            let ok = bytes.withUnsafeBytes { raw -> Bool in
                while offset < raw.count {
                    let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if n <= 0 { return false }
                    offset += n
                }
                return true
            }
            fsync(fd)
            close(fd)
            guard ok else {
                unlink(temp)
                throw WriteError.io(path, String(cString: strerror(errno)))
            }
            guard rename(temp, path) == 0 else {
                let message = String(cString: strerror(errno))
                unlink(temp)
                throw WriteError.io(path, message)
            }
        } catch let error as WriteError {
            throw error
        } catch {
            throw .io(path, error.localizedDescription)
        }
    }
}

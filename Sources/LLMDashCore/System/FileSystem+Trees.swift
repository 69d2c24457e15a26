#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Folder-level operations for replacing an output tree in one step.
extension FileSystem {
    /// What a path names, without following a final symbolic link.
    public enum EntryKind: Sendable, Hashable {
        case file, directory, symlink, other
    }

    public static func entryKind(_ path: String) -> EntryKind? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    /// Permission bits of a file or folder (following links); nil when it does not exist.
    static func mode(_ path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o7777
    }

    /// Gives `path` the permission bits of `source`.
    static func copyMode(from source: String, to path: String) {
        if let bits = mode(source) { chmod(path, bits) }
    }

    /// The absolute path with every symbolic link resolved; nil when it does not exist.
    static func resolvedPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Recreates the tree at `source` inside `target` without copying file contents: files become hard
    /// links (copies where links are not possible), links are recreated, folders keep their permissions.
    /// Relative paths in `skip` are left out.
    static func mirror(_ source: String, into target: String, skip: Set<String>, relative: String = "")
        throws(Failure)
    {
        let folder = relative.isEmpty ? source : source + "/" + relative
        guard let names = list(folder) else { throw failure(folder) }
        for name in names.sorted() {
            let child = relative.isEmpty ? name : relative + "/" + name
            if skip.contains(child) { continue }
            let from = source + "/" + child
            let to = target + "/" + child
            switch entryKind(from) {
            case .directory?:
                if isDirectory(to) != true, mkdir(to, mode(from) ?? 0o755) != 0 { throw failure(to) }
                try mirror(source, into: target, skip: skip, relative: child)
            case .symlink?:
                var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let n = readlink(from, &buffer, buffer.count - 1)
                guard n >= 0 else { throw failure(from) }
                buffer[n] = 0
                guard symlink(buffer, to) == 0 else { throw failure(to) }
            case .file?:
                if link(from, to) != 0 {
                    try write(try read(from), to: to)
                    chmod(to, mode(from) ?? 0o644)
                }
            case .other?, nil:
                // Sockets, fifos and devices have no place in an output folder; they are not carried over.
                continue
            }
        }
    }

    /// Swaps two folders in one atomic step (renameat2's RENAME_EXCHANGE on Linux, RENAME_SWAP on
    /// macOS). Throws when the system or the file system cannot.
    static func exchange(_ a: String, _ b: String) throws(Failure) {
        #if canImport(Darwin)
            guard renamex_np(a, b, UInt32(RENAME_SWAP)) == 0 else { throw failure(b) }
        #else
            guard let exchange = Exchange.function else {
                throw Failure(path: b, message: "atomic exchange is not available on this system")
            }
            guard exchange(AT_FDCWD, a, AT_FDCWD, b, 2 /* RENAME_EXCHANGE */) == 0 else { throw failure(b) }
        #endif
    }

    /// True while a process with this id exists.
    static func processExists(_ pid: Int32) -> Bool {
        pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
    }
}

#if !canImport(Darwin)
    /// glibc has had renameat2 since 2.28, but its header declares it only for _GNU_SOURCE, which the
    /// Swift module does not see; it is looked up once at run time instead.
    private enum Exchange {
        typealias Function =
            @convention(c) (
                Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32
            ) -> Int32

        static let function: Function? = {
            guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "renameat2") else { return nil }
            return unsafeBitCast(symbol, to: Function.self)
        }()
    }
#endif

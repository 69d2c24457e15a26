#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few file operations llmdash needs, straight on the C library: fast, and free of Foundation.
public enum FileSystem {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "\(path): \(message)" }
    }

    static func failure(_ path: String) -> Failure {
        Failure(path: path, message: String(cString: strerror(errno)))
    }

    /// Whole file contents.
    public static func read(_ path: String) throws(Failure) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(path) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure(path) }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw Failure(path: path, message: "is a folder") }
        // One byte more than the size, so that a file read whole is known to have ended; files that grow
        // meanwhile and pipes (size 0) go on in 64 KiB pieces.
        let first = max(Int(info.st_size), 0) + 1
        var bytes = try readFull(fd, capacity: first, path)
        guard bytes.count == first else { return bytes }
        while true {
            let more = try readFull(fd, capacity: 65_536, path)
            bytes += more
            if more.count < 65_536 { return bytes }
        }
    }

    /// Reads into new storage until `capacity` bytes have arrived or the file ends, without zeroing the storage
    /// first; fewer than `capacity` bytes means the end of the file.
    private static func readFull(_ fd: Int32, capacity: Int, _ path: String) throws(Failure) -> [UInt8] {
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            count = 0
            while count < capacity {
                let n = Glibc_read(fd, buffer.baseAddress! + count, capacity - count)
                if n < 0 {
                    if errno == EINTR { continue }
                    failed = true
                    return
                }
                if n == 0 { return }
                count += n
            }
        }
        if failed { throw failure(path) }
        return bytes
    }

    /// nil when nothing exists at `path`.
    public static func isDirectory(_ path: String) -> Bool? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (info.st_mode & S_IFMT) == S_IFDIR
    }

    public static func exists(_ path: String) -> Bool { isDirectory(path) != nil }

    /// Names in a folder (without `.` and `..`), unsorted; nil if it cannot be read.
    public static func list(_ path: String) -> [String]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Regular files below `root` (relative paths, byte-wise sorted), skipping hidden names.
    public static func files(under root: String, where include: (String) -> Bool) -> [String] {
        var out: [String] = []
        var pending = [""]
        while let relative = pending.popLast() {
            let folder = relative.isEmpty ? root : root + "/" + relative
            for name in list(folder) ?? [] where !name.hasPrefix(".") {
                let child = relative.isEmpty ? name : relative + "/" + name
                switch isDirectory(root + "/" + child) {
                case true?: pending.append(child)
                case false?: if include(name) { out.append(child) }
                case nil: break
                }
            }
        }
        return out.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    public static func createDirectories(_ path: String) throws(Failure) {
        if isDirectory(path) == true { return }
        let parent = parentPath(path)
        if !parent.isEmpty, parent != path { try createDirectories(parent) }
        if mkdir(path, 0o755) != 0, errno != EEXIST { throw failure(path) }
    }

    public static func parentPath(_ path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        if slash == path.utf8.startIndex { return "/" }
        return String(path[..<slash])
    }

    public static func lastComponent(_ path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
        return String(path[path.utf8.index(after: slash)...])
    }

    public static func removeFile(_ path: String) { unlink(path) }

    /// Removes a folder if it is empty; true when it is gone.
    @discardableResult
    public static func removeEmptyDirectory(_ path: String) -> Bool { rmdir(path) == 0 }

    /// Removes a folder and everything in it; symbolic links are removed, never followed.
    public static func removeTree(_ path: String) {
        guard entryKind(path) == .directory else {
            unlink(path)
            return
        }
        for name in list(path) ?? [] { removeTree(path + "/" + name) }
        rmdir(path)
    }

    public static func move(_ from: String, to: String) throws(Failure) {
        guard rename(from, to) == 0 else { throw failure(from) }
    }

    /// Writes through a temporary sibling, flushed, then renamed over the target.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws(Failure) {
        let parent = parentPath(path)
        if !parent.isEmpty { try createDirectories(parent) }
        let temp = (parent.isEmpty ? "" : parent + "/") + "." + lastComponent(path) + ".tmp-\(getpid())"
        try write(bytes, to: temp, sync: true)
        guard rename(temp, path) == 0 else {
            let error = failure(path)
            unlink(temp)
            throw error
        }
    }

    /// Writes a file in place (creating or truncating it).
    public static func write(_ bytes: [UInt8], to path: String, sync: Bool = false) throws(Failure) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure(path) }
        var offset = 0
        let ok = bytes.withUnsafeBytes { raw -> Bool in
            while offset < raw.count {
                let n = Glibc_write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += n
            }
            return true
        }
        let error = ok ? nil : failure(path)
        if ok, sync { fsync(fd) }
        close(fd)
        if let error {
            unlink(path)
            throw error
        }
    }

    /// True when the file at `path` holds exactly `bytes`.
    public static func contentEquals(_ path: String, _ bytes: [UInt8]) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, Int(info.st_size) == bytes.count else { return false }
        guard let existing = try? read(path) else { return false }
        return existing == bytes
    }
}

// The C functions are shadowed by members named `read`/`write`; these reach the originals.
@inline(__always) private func Glibc_read(_ fd: Int32, _ buf: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buf, count)
}
@inline(__always) private func Glibc_write(_ fd: Int32, _ buf: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buf, count)
}

extension String {
    /// True when the string holds nothing but spaces, tabs and line breaks.
    var isBlank: Bool {
        utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
    }
}

enum ProcessID {
    static var current: Int32 { getpid() }
}

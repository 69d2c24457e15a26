/// The semantic diff of files and trees: each file read by kind (dashboard JSON, rule file, anything else),
/// files paired by relative path.
public enum SemanticDiff {
    /// Compares two versions of one file; either may be missing (added or removed file).
    ///
    /// - Parameters:
    ///   - path: the path shown for the file.
    ///   - old: the old contents, nil when the file is new; `oldName` names it in diagnostics.
    ///   - new: the new contents, nil when the file was removed; `newName` names it in diagnostics.
    /// - Returns: the file's differences, and the errors of a side that could not be read (then the file
    ///   diff has no changes).
    public static func file(path: String, old: [UInt8]?, oldName: String, new: [UInt8]?, newName: String)
        -> (diff: FileDiff, diagnostics: [Diagnostic])
    {
        let kind = kind(of: path, old ?? new ?? [])
        switch (old, new) {
        case (nil, nil):
            return (FileDiff(path: path, kind: kind, status: .unchanged), [])
        case (nil, let b?):
            let title = kind == .dashboard ? dashboardTitle(b) : nil
            return (FileDiff(path: path, kind: kind, status: .added, title: title), [])
        case (let a?, nil):
            let title = kind == .dashboard ? dashboardTitle(a) : nil
            return (FileDiff(path: path, kind: kind, status: .removed, title: title), [])
        case (let a?, let b?):
            switch kind {
            case .dashboard:
                let x = JSONParser.parse(a, path: oldName)
                let y = JSONParser.parse(b, path: newName)
                let errors = (x.diagnostics + y.diagnostics).filter { $0.severity == .error }
                guard let u = x.value, let v = y.value, errors.isEmpty else {
                    return (FileDiff(path: path, kind: kind, status: .modified), errors)
                }
                let changes = DashboardDiff.compare(old: u, new: v)
                let title = DashboardDiff.title(of: v) ?? DashboardDiff.title(of: u)
                return (FileDiff(path: path, kind: kind, status: status(changes), title: title, changes: changes), [])
            case .rules:
                switch (SourceFile.decode(path: oldName, bytes: a), SourceFile.decode(path: newName, bytes: b)) {
                case (.success(let s), .success(let t)):
                    let (changes, diagnostics) = RuleFileDiff.compare(old: s, new: t)
                    let errors = diagnostics.filter { $0.severity == .error }
                    if !errors.isEmpty { return (FileDiff(path: path, kind: kind, status: .modified), errors) }
                    return (FileDiff(path: path, kind: kind, status: status(changes), changes: changes), [])
                case (.failure(let d), .success), (.success, .failure(let d)):
                    return (FileDiff(path: path, kind: kind, status: .modified), [d])
                case (.failure(let d), .failure(let e)):
                    return (FileDiff(path: path, kind: kind, status: .modified), [d, e])
                }
            case .other:
                if a == b { return (FileDiff(path: path, kind: kind, status: .unchanged), []) }
                return (
                    FileDiff(
                        path: path, kind: kind, status: .modified,
                        changes: [DiffChange(.edited, .file, path, field: "content")]), []
                )
            }
        }
    }

    /// Compares two trees of files given by relative path: files on one side only are added or removed.
    public static func trees(
        old: [String: [UInt8]], new: [String: [UInt8]], oldName: String, newName: String
    ) -> (report: DiffReport, diagnostics: [Diagnostic]) {
        var files: [FileDiff] = []
        var diagnostics: [Diagnostic] = []
        let paths = Set(old.keys).union(new.keys).sorted { JSONMembers.compare($0, $1) < 0 }
        for path in paths {
            let (diff, errors) = file(
                path: path, old: old[path], oldName: joinedName(oldName, path), new: new[path],
                newName: joinedName(newName, path))
            files.append(diff)
            diagnostics.append(contentsOf: errors)
        }
        return (DiffReport(oldName: oldName, newName: newName, files: files), diagnostics)
    }

    /// The name of a file inside a side named `root` (a folder, or `REV:folder`), as used in diagnostics.
    public static func joinedName(_ root: String, _ path: String) -> String {
        if root.isEmpty || root == "." { return path }
        return root.hasSuffix("/") || root.hasSuffix(":") ? root + path : root + "/" + path
    }

    private static func status(_ changes: [DiffChange]) -> FileDiff.Status {
        changes.isEmpty ? .unchanged : .modified
    }

    /// Which kind of file this is: JSON that looks like a dashboard, YAML with rule groups, or other.
    public static func kind(of path: String, _ bytes: [UInt8]) -> FileDiff.Kind {
        let lower = path.lowercased()
        if lower.hasSuffix(".json") { return .dashboard }
        if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") {
            // A rule file's top level is a mapping with `groups`.
            let text = String(decoding: bytes, as: UTF8.self)
            for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
                if line.hasPrefix("groups:") { return .rules }
            }
        }
        return .other
    }

    private static func dashboardTitle(_ bytes: [UInt8]) -> String? {
        JSONParser.parse(bytes, path: "").value.flatMap(DashboardDiff.title(of:))
    }
}

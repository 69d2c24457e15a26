import Foundation

/// Locations tests need: the repository root and the shared folder beside it.
public enum RepoPaths {
    public static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("repository root not found above \(#filePath)")
    }()

    public static var shared: URL { root.deletingLastPathComponent().appendingPathComponent("shared") }
    public static var templates: URL { root.appendingPathComponent("templates") }
    public static var generated: URL { root.appendingPathComponent("generated") }
}

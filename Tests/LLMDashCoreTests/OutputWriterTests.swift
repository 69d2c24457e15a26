import Foundation
import LLMDashCore
import Testing

@Suite struct OutputWriterTests {
    static func temp() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("llmdash-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    static func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func removesOnlyFilesItWroteBefore() throws {
        let dir = try Self.temp()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try OutputWriter.write(
            [
                OutputFile(path: "dashboards/LLM/a.json", text: "a"),
                OutputFile(path: "dashboards/LLM/b.json", text: "b"),
            ],
            to: dir)
        try "mine".write(toFile: dir + "/dashboards/LLM/user.json", atomically: true, encoding: .utf8)
        let summary = try OutputWriter.write([OutputFile(path: "dashboards/LLM/a.json", text: "a2")], to: dir)
        #expect(summary.written == ["dashboards/LLM/a.json"])
        #expect(summary.removed == ["dashboards/LLM/b.json"])
        #expect(Self.read(dir + "/dashboards/LLM/a.json") == "a2")
        #expect(Self.read(dir + "/dashboards/LLM/b.json") == nil)
        #expect(Self.read(dir + "/dashboards/LLM/user.json") == "mine")
        #expect(OutputWriter.manifest(in: dir) == ["dashboards/LLM/a.json"])
    }

    @Test func removesFoldersItEmptied() throws {
        let dir = try Self.temp()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try OutputWriter.write([OutputFile(path: "dashboards/Old/a.json", text: "a")], to: dir)
        _ = try OutputWriter.write([OutputFile(path: "dashboards/New/a.json", text: "a")], to: dir)
        #expect(!FileManager.default.fileExists(atPath: dir + "/dashboards/Old"))
        #expect(FileManager.default.fileExists(atPath: dir + "/dashboards/New/a.json"))
    }

    @Test func refusesToOverwriteForeignFiles() throws {
        let dir = try Self.temp()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/dashboards", withIntermediateDirectories: true)
        try "theirs".write(toFile: dir + "/dashboards/a.json", atomically: true, encoding: .utf8)
        #expect(throws: OutputWriter.WriteError.self) {
            try OutputWriter.write(
                [OutputFile(path: "dashboards/b.json", text: "b"), OutputFile(path: "dashboards/a.json", text: "a")],
                to: dir)
        }
        #expect(Self.read(dir + "/dashboards/a.json") == "theirs")
        #expect(Self.read(dir + "/dashboards/b.json") == nil, "nothing is written when one file is refused")
        _ = try OutputWriter.write([OutputFile(path: "dashboards/a.json", text: "a")], to: dir, force: true)
        #expect(Self.read(dir + "/dashboards/a.json") == "a")
    }

    @Test(arguments: ["../x.json", "/etc/passwd", "a/../../x", "a//b", "./a", "", "a\\b", ".llmdash-manifest"])
    func rejectsPathsLeavingTheFolder(_ path: String) throws {
        let dir = try Self.temp()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: OutputWriter.WriteError.self) {
            try OutputWriter.write([OutputFile(path: path, text: "x")], to: dir)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    @Test func leavesNoTemporaryFiles() throws {
        let dir = try Self.temp()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try OutputWriter.write((0..<20).map { OutputFile(path: "d/\($0).json", text: "\($0)") }, to: dir)
        let all = try FileManager.default.subpathsOfDirectory(atPath: dir)
        #expect(!all.contains { $0.contains(".tmp-") })
        #expect(all.filter { $0.hasSuffix(".json") }.count == 20)
    }

    @Test func unchangedFilesAreNotRewritten() throws {
        let dir = try Self.temp()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files = [OutputFile(path: "a.json", text: "a")]
        _ = try OutputWriter.write(files, to: dir)
        let summary = try OutputWriter.write(files, to: dir)
        #expect(summary.written.isEmpty)
        #expect(summary.unchanged == ["a.json"])
    }
}

extension OutputWriterTests {
    @Test func replacesTheFolderKeepingForeignFilesAndLeavingNothingBeside() throws {
        let parent = try Self.temp()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let dir = parent + "/out"
        _ = try OutputWriter.write(
            [OutputFile(path: "d/a.json", text: "a"), OutputFile(path: "d/b.json", text: "b")], to: dir)
        try FileManager.default.createDirectory(atPath: dir + "/d/mine", withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir + "/d/mine/notes.txt"))
        try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: "d/mine")
        let summary = try OutputWriter.write([OutputFile(path: "d/a.json", text: "a2")], to: dir)
        #expect(summary.written == ["d/a.json"])
        #expect(summary.removed == ["d/b.json"])
        #expect(Self.read(dir + "/d/a.json") == "a2")
        #expect(!FileManager.default.fileExists(atPath: dir + "/d/b.json"))
        #expect(Self.read(dir + "/d/mine/notes.txt") == "x")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/link") == "d/mine")
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent) == ["out"])
    }

    @Test func anOutputFolderReachedThroughALinkStaysALink() throws {
        let parent = try Self.temp()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        try FileManager.default.createDirectory(atPath: parent + "/real", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: parent + "/out", withDestinationPath: "real")
        _ = try OutputWriter.write([OutputFile(path: "a.json", text: "a")], to: parent + "/out/")
        _ = try OutputWriter.write([OutputFile(path: "a.json", text: "a2")], to: parent + "/out")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: parent + "/out") == "real")
        #expect(Self.read(parent + "/real/a.json") == "a2")
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent).sorted() == ["out", "real"])
    }

    @Test func stagingLeftByAKilledBuildIsRemovedByTheNext() throws {
        let parent = try Self.temp()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        // No process can have id 2^22 + 1: Linux's pid_max is at most 2^22.
        let abandoned = parent + "/.out.llmdash-4194305"
        try FileManager.default.createDirectory(atPath: abandoned + "/d", withIntermediateDirectories: true)
        _ = try OutputWriter.write([OutputFile(path: "a.json", text: "a")], to: parent + "/out")
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent) == ["out"])
    }
}

import Foundation
import TestSupport
import Testing

/// `kill -9` at any moment of a build leaves the output folder as it was or complete, and never
/// touches files llmdash did not write.
@Suite struct InterruptedBuildTests {
    /// A folder's files and sub-folders, relative to it.
    struct Tree: Equatable {
        var files: [String: Data] = [:]
        var folders: Set<String> = []

        init(_ dir: URL) throws {
            let fm = FileManager.default
            for relative in try fm.subpathsOfDirectory(atPath: dir.path) {
                var isDirectory: ObjCBool = false
                _ = fm.fileExists(atPath: dir.appendingPathComponent(relative).path, isDirectory: &isDirectory)
                if isDirectory.boolValue {
                    folders.insert(relative)
                } else {
                    files[relative] = fm.contents(atPath: dir.appendingPathComponent(relative).path)
                }
            }
        }

        /// Recreates exactly this tree at `dir`.
        func restore(at dir: URL) throws {
            let fm = FileManager.default
            try? fm.removeItem(at: dir)
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
            for folder in folders.sorted() {
                try fm.createDirectory(at: dir.appendingPathComponent(folder), withIntermediateDirectories: true)
            }
            for (path, data) in files { try data.write(to: dir.appendingPathComponent(path)) }
        }
    }

    static func spec(_ i: Int) -> String {
        """
        apiVersion: llmdash/v1
        kind: Dashboard
        metadata: {uid: d\(i), title: "Dashboard \(i)", folder: F\(i % 10)}
        spec:
          rows:
            - title: Load
              panels:
                - timeseries: {title: Requests, unit: reqps, queries: [{expr: "sum(rate(up{job=\\"j\(i)\\"}[5m]))"}]}

        """
    }

    @Test func killedBuildLeavesTheOutputAsBeforeOrComplete() throws {
        let root = try Run.temporaryDirectory("llmdash-kill")
        defer { try? FileManager.default.removeItem(at: root) }
        let specs = root.appendingPathComponent("specs")
        try FileManager.default.createDirectory(at: specs, withIntermediateDirectories: true)
        for i in 0..<400 {
            try Self.spec(i).write(to: specs.appendingPathComponent("d\(i).yaml"), atomically: false, encoding: .utf8)
        }
        let retired = root.appendingPathComponent("retired.yaml")
        try Self.spec(9999).write(to: retired, atomically: false, encoding: .utf8)
        let out = root.appendingPathComponent("out")

        // Before: an older build (other schema version, one more dashboard) and files llmdash did not write.
        let first = try Run.llmdash(["build", specs.path, retired.path, "--out", out.path, "--schema-version", "41"])
        try #require(first.status == 0, "\(first.stderr)")
        try Data("mine\n".utf8).write(to: out.appendingPathComponent("README.local"))
        try FileManager.default.createDirectory(
            at: out.appendingPathComponent("dashboards/F1/notes"), withIntermediateDirectories: true)
        try Data("keep\n".utf8).write(to: out.appendingPathComponent("dashboards/F1/notes/keep.txt"))
        let before = try Tree(out)

        // Complete: the same build run to its end.
        let started = Date()
        let full = try Run.llmdash(["build", specs.path, "--out", out.path])
        let duration = Date().timeIntervalSince(started)
        try #require(full.status == 0, "\(full.stderr)")
        let complete = try Tree(out)
        #expect(complete != before)
        #expect(complete.files["dashboards/F9/d9999.json"] == nil)
        #expect(complete.files["README.local"] == Data("mine\n".utf8))
        #expect(complete.files["dashboards/F1/notes/keep.txt"] == Data("keep\n".utf8))

        let seed = UInt64(ProcessInfo.processInfo.environment["LLMDASH_KILL_SEED"] ?? "") ?? 20_261_130
        var random = SplitMix64(seed: seed)
        var outcomes: [String] = []
        for attempt in 0..<6 {
            try before.restore(at: out)
            // Half the kills anywhere in the run, half near its end, where files are put in place.
            let earliest = attempt % 2 == 0 ? 0.05 : duration * 0.7
            let delay = Double.random(in: earliest...(duration * 1.15), using: &random)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Run.llmdash)
            process.arguments = ["build", specs.path, "--out", out.path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let after = try Tree(out)
            let outcome = after == before ? "before" : after == complete ? "complete" : "torn"
            outcomes.append(String(format: "%.2fs: %@", delay, outcome))
            #expect(outcome != "torn", "seed \(seed): killed after \(delay)s, the output folder is half-written")
            #expect(after.files["README.local"] == Data("mine\n".utf8))
            #expect(after.files["dashboards/F1/notes/keep.txt"] == Data("keep\n".utf8))
        }
        print("seed \(seed), a full build took \(String(format: "%.2f", duration))s; kills: \(outcomes)")

        // The next build completes the work and clears what the killed ones left beside the folder.
        let rerun = try Run.llmdash(["build", specs.path, "--out", out.path])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(try Tree(out) == complete)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.path).filter {
            $0.contains("llmdash-")
        }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }
}

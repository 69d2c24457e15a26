import Foundation
import TestSupport
import Testing

/// The emitted dashboard JSON of a spec using every option the model has (Fixtures/emit), checked byte for byte
/// against golden files: the emitter streams each object's keys in sorted order by hand, so a key out of place or
/// a changed default shows here.
///
/// Regenerate the goldens after an intended change with `LLMDASH_RECORD_GOLDENS=1 swift test --filter
/// EmitFixtureTests`, then review them with `git diff`. Without the variable a missing golden fails.
@Suite struct EmitFixtureTests {
    static let root = RepoPaths.root.appendingPathComponent("Tests/LLMDashCLITests/Fixtures/emit")
    static let record = ProcessInfo.processInfo.environment["LLMDASH_RECORD_GOLDENS"] == "1"

    @Test func everyOptionMatchesTheGoldenFiles() throws {
        let out = try Run.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try Run.llmdash(["build", "every-option.yaml", "--out", out.path], in: Self.root)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        let dashboards = out.appendingPathComponent("dashboards")
        let built = try BuildCommandTests.files(in: dashboards)
        #expect(
            built.keys.sorted() == ["dashboard-patch.json", "datasource-variable.json", "team/every-option.json"])
        let expected = Self.root.appendingPathComponent("expected")
        for (path, data) in built {
            let golden = expected.appendingPathComponent(path)
            if Self.record {
                try FileManager.default.createDirectory(
                    at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
                try data.write(to: golden)
                continue
            }
            let want = try Data(contentsOf: golden)
            #expect(data == want, "golden expected/\(path) differs; see the suite's doc comment")
        }
    }
}

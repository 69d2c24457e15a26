import Foundation
import LLMDashCore
import TestSupport
import Testing

/// Bad specs: every problem reported at its file:line:column, all in one run.
@Suite struct SpecErrorTests {
    static func load(_ yaml: String, file: String = "spec.yaml") -> [Diagnostic] {
        let source = SourceFile(path: file, text: yaml)
        let (documents, diagnostics) = YAMLSpecLoader.load(source)
        var all = diagnostics
        for case .dashboard(let dashboard) in documents {
            all += Compiler.build(dashboards: [dashboard]).diagnostics
        }
        return all
    }

    static func summary(_ diagnostics: [Diagnostic]) -> [String] {
        diagnostics.sortedByLocation().map { d in
            "\(d.location.map { "\($0.line):\($0.column)" } ?? "-") \(d.severity.rawValue) \(d.id)"
        }
    }

    /// `line:column` of the n-th occurrence (1-based) of `marker` in `text`; records an issue when it is missing.
    static func position(of marker: String, occurrence: Int = 1, in text: String) -> String {
        let found = markerPosition(of: marker, occurrence: occurrence, in: text)
        if found == "?" { Issue.record("marker '\(marker)' not found") }
        return found
    }

    static let header = """
        apiVersion: llmdash/v1
        kind: Dashboard
        metadata: {uid: demo, title: Demo}

        """

    /// A bad spec and where each finding must point: `(marker, "severity id")`, the marker's first occurrence
    /// (or `marker#n` for the n-th).
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var yaml: String
        var expected: [(String, String)]
        var testDescription: String { name }

        func expectedSummary() -> [String] {
            expected.map { marker, what in
                let parts = marker.split(separator: "#", maxSplits: 1)
                let n = parts.count == 2 ? Int(parts[1]) ?? 1 : 1
                return "\(SpecErrorTests.position(of: String(parts[0]), occurrence: n, in: yaml)) \(what)"
            }
        }
    }

    static let cases: [Case] = [
        Case(
            name: "unknown key and then a missing one",
            yaml: header + "spec:\n  rows:\n    - titel: Latency\n",
            expected: [("titel", "error spec.unknown-key"), ("titel", "error spec.missing-key")]),
        Case(
            name: "wrong type for a number",
            yaml: header + "spec:\n  panels:\n    - stat: {title: A, width: wide, queries: [up]}\n",
            expected: [("wide", "error spec.type")]),
        Case(
            name: "list where a mapping belongs",
            yaml: header + "spec:\n  time: [now-1h]\n",
            expected: [("[now", "error spec.type")]),
        Case(
            name: "missing queries and title",
            yaml: header + "spec:\n  panels:\n    - timeseries: {unit: s}\n",
            expected: [("{unit", "error spec.missing-key"), ("{unit", "error spec.missing-key")]),
        Case(
            name: "invalid enum value",
            yaml: header + "spec:\n  panels:\n    - timeseries: {title: A, stacking: stacked, queries: [up]}\n",
            expected: [("stacked", "error spec.invalid-value")]),
        Case(
            name: "duplicate YAML key",
            yaml: header + "spec:\n  refresh: 1m\n  refresh: 5m\n",
            expected: [("refresh#2", "error spec.duplicate-key")]),
        Case(
            name: "duplicate key longer than sixteen bytes",
            yaml: header
                + "spec:\n  panels:\n    - gauge:\n        title: G\n        showThresholdMarkers: true\n"
                + "        showThresholdMarkers: false\n        showThresholdMarkerz: true\n        queries: [up]\n",
            expected: [
                ("showThresholdMarkers#2", "error spec.duplicate-key"),
                ("showThresholdMarkerz", "error spec.unknown-key"),
            ]),
        Case(
            // U+212B ANGSTROM SIGN and A + U+030A are the same string in three UTF-8 bytes each, so the second
            // repeats the first; U+212A KELVIN SIGN is `K` as a string but two bytes longer, so that key is unknown.
            name: "keys of non-ASCII text compare as strings of equal length",
            yaml: header + "spec:\n  \u{212B}: 1\n  A\u{30A}: 2\n  \u{212A}: 3\n",
            expected: [
                ("\u{212B}: 1", "error spec.unknown-key"), ("A\u{30A}: 2", "error spec.duplicate-key"),
                ("\u{212A}: 3", "error spec.unknown-key"),
            ]),
        Case(
            name: "a key spelled like a known one in other bytes is unknown",
            yaml: header + "spec:\n  annotations:\n    - {name: a, expr: up, tag\u{212A}eys: [x]}\n",
            expected: [("tag\u{212A}eys", "error spec.unknown-key")]),
        Case(
            name: "duplicate key in a flow mapping",
            yaml: header + "spec:\n  panels:\n    - stat: {title: A, unit: s, queries: [up], unit: ms}\n",
            expected: [("unit#2", "error spec.duplicate-key")]),
        Case(
            name: "duplicate panel keys",
            yaml: header
                + "spec:\n  panels:\n    - stat: {title: A, queries: [up]}\n    - gauge: {title: A, queries: [up]}\n",
            expected: [("A#2", "error spec.duplicate-key")]),
        Case(
            name: "unknown panel kind",
            yaml: header + "spec:\n  panels:\n    - graph: {title: A}\n",
            expected: [("graph", "error spec.invalid-value")]),
        Case(
            name: "wrong apiVersion",
            yaml: "apiVersion: llmdash/v2\nkind: Dashboard\nmetadata: {uid: a, title: A}\nspec: {}\n",
            expected: [("llmdash/v2", "error spec.api-version")]),
        Case(
            name: "uid that would leave the output folder",
            yaml: "apiVersion: llmdash/v1\nkind: Dashboard\nmetadata: {uid: ../../etc, title: A}\nspec: {}\n",
            expected: [("../..", "error spec.uid")]),
        Case(
            name: "folder that would leave the output folder",
            yaml: "apiVersion: llmdash/v1\nkind: Dashboard\nmetadata: {uid: a, title: A, folder: ../x}\nspec: {}\n",
            expected: [("a,", "error spec.folder")]),
        Case(
            name: "threshold base with a value",
            yaml: header + "spec:\n  panels:\n    - stat: {title: A, thresholds: [{red: 1}], queries: [up]}\n",
            expected: [("{red", "error spec.thresholds")]),
        Case(
            name: "thresholds out of order is a warning",
            yaml: header
                + "spec:\n  panels:\n    - stat: {title: A, thresholds: [green, {red: 2}, {orange: 1}], queries: [up]}\n",
            expected: [("[green", "warning lint.thresholds-order")]),
        Case(
            name: "duplicate variable and refId",
            yaml: header
                + "spec:\n  variables:\n    - textbox: {name: a}\n    - textbox: {name: a}\n  panels:\n    - stat: {title: A, queries: [{expr: up, refId: X}, {expr: up, refId: X}]}\n",
            expected: [("a}#2", "error spec.duplicate-variable"), ("up, refId: X}]", "error spec.duplicate-refid")]),
        Case(
            name: "custom variable current not among values",
            yaml: header + "spec:\n  variables:\n    - custom: {name: q, values: [a, b], current: c}\n",
            expected: [("q,", "error spec.variable-current")]),
        Case(
            name: "unclosed flow sequence, reported at its bracket",
            yaml: header + "spec:\n  panels: [\n",
            expected: [("[\n", "error yaml.syntax")]),
        Case(
            name: "an option of another panel type is unknown, and still checked",
            yaml: header + "spec:\n  panels:\n    - stat: {title: A, legend: {mode: tabel}, queries: [up]}\n",
            expected: [("legend", "error spec.unknown-key"), ("tabel", "error spec.invalid-value")]),
        Case(
            name: "keys merged into a panel are read like written ones",
            yaml: header + "spec:\n  panels:\n    - stat: {<<: {title: A, decimals: x}, queries: [up]}\n",
            expected: [("x}", "error spec.type")]),
        Case(
            name: "written keys win over merged ones, and the first merge over later ones",
            yaml: header
                + "spec:\n  panels:\n    - timeseries:\n        title: A\n        queries: [up]\n"
                + "        <<: [{unit: s, title: B}, {unit: ms, min: low}]\n",
            expected: [("low", "error spec.type")]),
        Case(
            name: "a null value is no value, but a null 'queries' is given",
            yaml: header
                + "spec:\n  panels:\n    - stat: {title: A, queries: ~}\n    - stat: {title: ~, queries: [up]}\n",
            expected: [("title: ~", "error spec.missing-key")]),
        Case(
            name: "an empty file is only a warning",
            yaml: "",
            expected: [("", "warning spec.empty")]),
    ]

    @Test(arguments: cases) func reportsAtTheRightPlace(_ c: Case) {
        let expected = c.name.hasPrefix("an empty") ? ["1:1 warning spec.empty"] : c.expectedSummary()
        #expect(Self.summary(Self.load(c.yaml)) == expected)
    }

    @Test func allErrorsOfAFileAtOnce() {
        let yaml =
            Self.header + """
                spec:
                  refreshh: 1m
                  rows:
                    - title: A
                      panels:
                        - stat: {title: S, width: 0, queries: [up]}
                        - timeseries: {title: T, legend: {mode: tabel}, queries: [up]}
                """
        let expected = [
            "\(Self.position(of: "refreshh", in: yaml)) error spec.unknown-key",
            "\(Self.position(of: "S,", in: yaml)) error spec.width",
            "\(Self.position(of: "tabel", in: yaml)) error spec.invalid-value",
        ]
        #expect(Self.summary(Self.load(yaml)) == expected)
    }

    @Test func didYouMeanNamesTheKnownKey() {
        let diagnostics = Self.load(Self.header + "spec:\n  refrsh: 1m\n")
        #expect(diagnostics.first?.notes == ["did you mean 'refresh'?"])
    }

    @Test func renderedDiagnosticQuotesTheLineWithACaret() {
        let yaml = Self.header + "spec:\n  panels:\n    - stat: {title: A, colorMode: loud, queries: [up]}\n"
        let diagnostics = Self.load(yaml)
        let text = DiagnosticRenderer(sources: ["spec.yaml": yaml]).render(diagnostics)
        #expect(
            text == """
                spec.yaml:6:35: error: invalid 'colorMode' 'loud' [spec.invalid-value]
                6 |     - stat: {title: A, colorMode: loud, queries: [up]}
                  |                                   ^
                  note: expected one of: value, background, background_solid, none

                """)
    }

    /// Quoting from a read source file gives the same text as quoting from its text: CRLF line ends dropped,
    /// long lines cut, nothing quoted past the last line.
    @Test func quotingFromTheSourceFileMatchesQuotingFromItsText() {
        let long = String(repeating: "x", count: 450)
        let yaml = Self.header + "spec:\r\n  refrsh: 1m\r\n  title: \(long)\n"
        let file = SourceFile(path: "spec.yaml", text: yaml)
        let diagnostics = [
            Diagnostic.warning("test.a", "first", at: file.location(ofByte: yaml.utf8.count - 20)),
            .warning("test.b", "second", at: SourceLocation(file: "spec.yaml", line: 5, column: 3)),
            .warning("test.c", "past the end", at: SourceLocation(file: "spec.yaml", line: 99, column: 1)),
        ]
        let fromText = DiagnosticRenderer(sources: ["spec.yaml": yaml]).render(diagnostics)
        let fromFile = DiagnosticRenderer(files: [file]).render(diagnostics)
        #expect(fromFile == fromText)
        #expect(fromFile.contains("5 |   refrsh: 1m\n"))
        #expect(fromFile.contains("6 |   title: " + String(long.prefix(391)) + "\n"))
        #expect(!fromFile.contains("99 |"))
    }

    @Test func columnsCountUTF8Bytes() {
        let yaml = "apiVersion: llmdash/v1\nkind: Dashboard\nmetadata: {title: \"é—\", uid: a, bogus: 1}\nspec: {}\n"
        let found = Self.summary(Self.load(yaml))
        // `é` is 2 bytes and `—` 3, so the key starts 3 bytes later than its character count says.
        #expect(found == ["3:36 error spec.unknown-key"])
    }

    @Test func duplicateUIDsAcrossFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("llmdash-dup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["a.yaml", "b.yaml"] {
            try (Self.header + "spec: {}\n").write(
                to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let result = Compiler.build(paths: [dir.path])
        let errors = result.diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.id) == ["spec.duplicate-uid"])
        #expect(errors.first?.location?.file.hasSuffix("b.yaml") == true)
        #expect(errors.first?.notes.first?.contains("a.yaml:3:17") == true)
        #expect(result.files.isEmpty)
    }
}

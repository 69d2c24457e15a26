import LLMDashCore
import Testing

@Suite struct JSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let result = JSONParser.parse(
            #"{"b": [1, -2.5, 3e2, true, false, null], "a": "x\n\u00e9\ud83d\ude00\/", "c": {}, "d": [], "e": 0}"#,
            path: "t.json")
        #expect(result.diagnostics.isEmpty)
        let value = try #require(result.value)
        #expect(value["a"] == .string("x\né😀/"))
        #expect(value["b"] == [1, -2.5, 300, true, false, nil])
        #expect(value["c"] == .object(JSONMembers()))
        #expect(value["d"] == .array([]))
        #expect(value["e"] == .int(0))
    }

    @Test func roundTripsWhatTheWriterWrites() throws {
        let value: JSON = [
            "title": "vLLM — serving", "panels": [["id": 7, "gridPos": ["x": 0, "y": 1.5]]], "q": "a\"b\\c\t",
        ]
        let parsed = JSONParser.parse(JSONWriter.pretty(value), path: "t.json")
        #expect(parsed.value == value)
    }

    @Test(arguments: [
        ("{\"a\": 1,}", 1, 9, "trailing comma before '}'"),
        ("[1, 2,]", 1, 7, "trailing comma before ']'"),
        ("{\n  \"a\": tru\n}", 2, 8, "unexpected 't': expected a value"),
        ("{\"a\" 1}", 1, 6, "unexpected '1': expected ':' after the key"),
        ("{\"a\": \"x}", 1, 7, "unterminated string"),
        ("{\"a\": 01}", 1, 7, "invalid number: leading zeros are not allowed"),
        ("{\"a\": 1.}", 1, 9, "invalid number: expected a digit after '.'"),
        ("{\"a\": \"\\q\"}", 1, 8, "invalid escape '\\q' in a string"),
        ("{\"a\": 'x'}", 1, 7, "strings must be in double quotes"),
        ("// c\n{}", 1, 1, "comments are not allowed in JSON"),
        ("{} {}", 1, 4, "unexpected '{' after the JSON value"),
        ("", 1, 1, "the file is empty: expected a JSON value"),
        ("  \n [1,", 2, 5, "unexpected end of file: expected a value"),
        ("{\"a\": \"tab\there\"}", 1, 11, "control character 0x9 in a string must be escaped"),
    ])
    func syntaxErrorsArePointedAt(text: String, line: Int, column: Int, message: String) {
        let result = JSONParser.parse(text, path: "bad.json")
        #expect(result.value == nil)
        #expect(result.diagnostics.count == 1)
        let d = result.diagnostics.first
        #expect(d?.message == message)
        #expect(d?.location == SourceLocation(file: "bad.json", line: line, column: column))
        #expect(d?.severity == .error)
    }

    @Test func invalidUTF8IsADiagnosticAtItsByte() {
        let bytes: [UInt8] = Array("{\"title\": \"ok ".utf8) + [0xFF, 0xFE] + Array("\"}".utf8)
        let result = JSONParser.parse(bytes, path: "enc.json")
        #expect(result.value == nil)
        #expect(result.diagnostics.map(\.id) == ["json.encoding"])
        #expect(result.diagnostics.first?.location == SourceLocation(file: "enc.json", line: 1, column: 15))
        // Outside strings, a stray byte is named as such.
        let stray = JSONParser.parse([0x5B, 0xC3, 0x5D], path: "s.json")
        #expect(stray.diagnostics.first?.message == "unexpected byte 0xC3 (not UTF-8): expected a value")
    }

    @Test func deepNestingIsRefusedNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let result = JSONParser.parse(deep, path: "deep.json")
        #expect(result.value == nil)
        #expect(result.diagnostics.map(\.id) == ["json.depth"])
        #expect(result.diagnostics.first?.location?.column == JSONParser.maxDepth + 1)
        let fine = String(repeating: "{\"a\":", count: 500) + "1" + String(repeating: "}", count: 500)
        #expect(JSONParser.parse(fine, path: "ok.json").value != nil)
    }

    @Test func junkNeverCrashes() {
        // Every prefix of a real document, and a few byte soups, give a value or a located error.
        let text = #"{"panels": [{"title": "a\u00e9", "targets": [{"expr": "up"}], "x": -1.5e-3}], "n": null}"#
        let bytes = Array(text.utf8)
        for end in 0..<bytes.count {
            let result = JSONParser.parse(Array(bytes[0..<end]), path: "p.json")
            #expect(result.value == nil)
            #expect(result.diagnostics.first?.location != nil)
        }
        let alphabet = Array("{}[]\",:0123-eE.tfn\\u \n\u{7F}".utf8)
        var seed: UInt64 = 42
        for _ in 0..<200 {
            var soup: [UInt8] = []
            for _ in 0..<64 {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                soup.append(alphabet[Int(seed >> 33) % alphabet.count])
            }
            let result = JSONParser.parse(soup, path: "soup.json")
            #expect(result.value != nil || result.diagnostics.hasErrors)
        }
    }

    @Test func duplicateKeysWarnAndTheLastWins() throws {
        let result = JSONParser.parse("{\"a\": 1,\n \"a\": 2}", path: "d.json")
        #expect(try #require(result.value)["a"] == .int(2))
        #expect(result.diagnostics.map(\.id) == ["json.duplicate-key"])
        #expect(result.diagnostics.first?.location == SourceLocation(file: "d.json", line: 2, column: 2))
        #expect(result.diagnostics.first?.severity == .warning)
    }

    @Test func locationsByPath() throws {
        let text = "{\n  \"panels\": [\n    {\"title\": \"TTFT\", \"odd key\": 1}\n  ]\n}"
        let result = JSONParser.parse(text, path: "l.json", locations: true)
        let locations = try #require(result.locations)
        #expect(locations.location(of: "panels[0].title") == SourceLocation(file: "l.json", line: 3, column: 15))
        #expect(locations.location(of: #"panels[0]["odd key"]"#)?.column == 34)
        #expect(locations.location(of: "") == SourceLocation(file: "l.json", line: 1, column: 1))
    }

    @Test func numbersKeepTheirKind() throws {
        let value = try #require(
            JSONParser.parse("[9223372036854775807, 9223372036854775808, 1e400, -0]", path: "n").value)
        #expect(value.arrayValue?[0] == .int(Int.max))
        #expect(value.arrayValue?[1] == .double(9_223_372_036_854_775_808))
        #expect(value.arrayValue?[2] == .double(.infinity))
        #expect(value.arrayValue?[3] == .int(0))
    }
}

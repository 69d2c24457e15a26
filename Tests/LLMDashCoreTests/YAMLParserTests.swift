import Foundation
import Testing
import Yams

#if canImport(LLMDashYAML)
    @testable import LLMDashYAML
#else
    @testable import LLMDashCore
#endif

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The byte-level YAML parser, checked against Yams (libyaml) on real files and on tricky snippets.
@Suite struct YAMLParserTests {

    // MARK: Differential harness

    /// A comparable view of a YAML tree: values, structure and explicit tags, nothing else.
    indirect enum Tree: Equatable, CustomStringConvertible {
        case scalar(String, tag: String?)
        case mapping([Tree], tag: String?)  // key, value, key, value, ...
        case sequence([Tree], tag: String?)

        var description: String {
            func t(_ tag: String?) -> String { tag.map { "<\($0)>" } ?? "" }
            switch self {
            case .scalar(let s, let tag): return t(tag) + s.debugDescription
            case .sequence(let items, let tag):
                return t(tag) + "[" + items.map(\.description).joined(separator: ", ") + "]"
            case .mapping(let kv, let tag):
                let pairs = stride(from: 0, to: kv.count, by: 2).map { "\(kv[$0]): \(kv[$0 + 1])" }
                return t(tag) + "{" + pairs.joined(separator: ", ") + "}"
            }
        }
    }

    enum Outcome: Equatable {
        case documents([Tree])
        case error
        /// Yams refuses duplicate keys; that check belongs to the reader, so such inputs are skipped.
        case duplicateKeys
    }

    /// A tag as a full name, or nil for none and for the default tag of the node's kind.
    static func normalizedTag(_ name: String?, kind: String) -> String? {
        guard var name, !name.isEmpty, name != "!" else { return nil }
        if name.hasPrefix("!!") { name = "tag:yaml.org,2002:" + name.dropFirst(2) }
        if name.hasPrefix("!<"), name.hasSuffix(">") { name = String(name.dropFirst(2).dropLast()) }
        return name == "tag:yaml.org,2002:" + kind ? nil : name
    }

    static func tree(_ node: Yams.Node) -> Tree {
        switch node {
        case .scalar(let s): return .scalar(s.string, tag: normalizedTag(s.tag.description, kind: "str"))
        case .mapping(let m):
            return .mapping(
                m.flatMap { [tree($0.key), tree($0.value)] }, tag: normalizedTag(m.tag.description, kind: "map"))
        case .sequence(let s): return .sequence(s.map(tree), tag: normalizedTag(s.tag.description, kind: "seq"))
        case .alias(let a): return .scalar("*\(a)", tag: "unresolved-alias")
        }
    }

    static func tree(_ node: YAMLNode) -> Tree {
        switch node {
        case .scalar(let s): return .scalar(s.value, tag: normalizedTag(s.tag, kind: "str"))
        case .mapping(let m):
            return .mapping(m.pairs.flatMap { [tree($0.key), tree($0.value)] }, tag: normalizedTag(m.tag, kind: "map"))
        case .sequence(let s): return .sequence(s.items.map(tree), tag: normalizedTag(s.tag, kind: "seq"))
        }
    }

    static func yams(_ text: String) -> Outcome {
        do {
            let parser = try Yams.Parser(yaml: text, resolver: .basic)
            var documents: [Tree] = []
            while let node = try parser.nextRoot() { documents.append(tree(node)) }
            return .documents(documents)
        } catch YamlError.duplicatedKeysInMapping {
            return .duplicateKeys
        } catch {
            return .error
        }
    }

    static func ours(_ text: String) -> Outcome {
        switch YAMLParser.parse(Array(text.utf8)) {
        case .success(let documents): .documents(documents.map(tree))
        case .failure: .error
        }
    }

    static func parse(_ text: String) -> [YAMLNode] {
        switch YAMLParser.parse(Array(text.utf8)) {
        case .success(let documents): return documents
        case .failure(let error):
            Issue.record("unexpected error at \(position(error.offset, in: text)): \(error.message)")
            return []
        }
    }

    static func failure(_ text: String) -> YAMLError? {
        if case .failure(let error) = YAMLParser.parse(Array(text.utf8)) { return error }
        return nil
    }

    /// `line:column` (1-based, columns in UTF-8 bytes) of a byte offset.
    static func position(_ offset: Int, in text: String) -> String {
        let bytes = Array(text.utf8).prefix(offset)
        let line = bytes.count(where: { $0 == 10 }) + 1
        let lineStart = (bytes.lastIndex(of: 10) ?? -1) + 1
        return "\(line):\(offset - lineStart + 1)"
    }

    /// Asserts that both parsers agree; returns false when the input was skipped.
    @discardableResult
    static func expectSameAsYams(
        _ text: String, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    )
        -> Bool
    {
        let theirs = yams(text)
        if theirs == .duplicateKeys { return false }
        let mine = ours(text)
        #expect(mine == theirs, "\(name)", sourceLocation: sourceLocation)
        if mine != theirs, case .failure(let error) = YAMLParser.parse(Array(text.utf8)) {
            Issue.record("\(name): ours failed at \(position(error.offset, in: text)): \(error.message)")
        }
        return true
    }

    // MARK: Real files

    static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: "/")
    }()

    static func yamlFiles(in folder: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
            .map { folder.appendingPathComponent($0) }
    }

    static let corpusFolders = [
        "../shared/prometheus-rule-files", "templates", "Tests/LLMDashTests/Fixtures", "Benchmarks/reference",
    ]

    @Test(arguments: corpusFolders)
    func realFilesMatchYams(folder: String) throws {
        let files = Self.yamlFiles(in: Self.repositoryRoot.appendingPathComponent(folder))
        #expect(!files.isEmpty, "no YAML files in \(folder)")
        var compared = 0
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            if Self.expectSameAsYams(text, file.lastPathComponent) { compared += 1 }
        }
        #expect(compared > 0)
    }

    /// Every node's offset points at its first character: the quote, `|`/`>`, `[`/`{`, `-`, or the first key.
    @Test func offsetsPointAtFirstCharacters() throws {
        let file = Self.repositoryRoot.appendingPathComponent("Benchmarks/reference/llm-serving-overview.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        let bytes = Array(text.utf8)
        var checked = 0
        func check(_ node: YAMLNode) {
            checked += 1
            switch node {
            case .scalar(let s):
                let expected: UInt8? =
                    switch s.style {
                    case .doubleQuoted: UInt8(ascii: "\"")
                    case .singleQuoted: UInt8(ascii: "'")
                    case .literal: UInt8(ascii: "|")
                    case .folded: UInt8(ascii: ">")
                    case .plain: s.value.utf8.first
                    }
                if let expected { #expect(bytes[s.offset] == expected, "scalar \(s.value.debugDescription)") }
            case .mapping(let m):
                if bytes[m.offset] != UInt8(ascii: "{") { #expect(m.offset == m.pairs.first?.key.offset) }
                for pair in m.pairs {
                    check(pair.key)
                    check(pair.value)
                }
            case .sequence(let s):
                #expect(bytes[s.offset] == UInt8(ascii: "-") || bytes[s.offset] == UInt8(ascii: "["))
                s.items.forEach(check)
            }
        }
        Self.parse(text).forEach(check)
        #expect(checked > 500)
    }

    // MARK: Snippets Yams accepts

    static let goodSnippets: [String] = [
        // Streams and documents
        "",
        "# only a comment\n",
        "\n\n# comments\n  # indented\n",
        "---\n",
        "---",
        "--- a\n--- b\n",
        "a: 1\n---\nb: 2\n",
        "--- |\n  text\n",
        "--- >-\n  folded\n  text\n",
        "--- \"quoted\"\n",
        "--- [a, b]\n",
        "%YAML 1.2\n---\nk: v\n",
        "%YAML 1.1 # old\n--- x\n",
        "%TAG !e! tag:example.com,2000:\n---\nk: v\n",
        "--- a\n...\n--- b\n...\n",
        "a: 1\n...\n",
        "a\n...\n...\n",
        "---\n# comment\n---\n",
        "\u{FEFF}a: 1\n",
        "a: 1\r\nb:\r\n  - x\r\n  - \"y\r\n  z\"\r\n",
        "a: 1\n%YAML 1.2\n--- b\n",
        "--- \"a\"\n%TAG !e! tag:example.com,2000:\n--- !!str b\n",
        "a: 1\n---\n\u{FEFF}b: 2\n",
        "a: |\r\n  x\r\n  y\r\n",
        "a: 1\rb: 2\r",
        // Block mappings
        "a: 1\nb: two\nc: 3.5\n",
        "a:\n  b:\n    c: d\n  e: f\ng: h\n",
        "\"quoted key\": v\n'single': w\n",
        "a:\nb:\nc: 1\n",
        "a: [1, 2]\nb: {c: d}\n",
        "key:value\n",
        "url: http://example.com:8080/path?q=1#frag\n",
        "a: b#c\n",
        "  indented: mapping\n  second: 2\n",
        "a: 1 # comment\n# full line\nb: 2\n",
        "k:    value with   inner spaces   \n",
        "k: -1\nl: -x\nm: ?x\nn: :x\no: x:y\n",
        "&a : b\nc: *a\n",
        "!!str : b\n",
        "a: 1\n&x : 2\n",
        "[a, b]: c\n",
        "{a: b}: c\n",
        "a: &k key\n*k : v\n",
        "a:\tvalue\n",
        "a: 'x'  # c\nb: \"y\"# c\n",
        "ключ: значение\n名前: 値\nemoji: \"😀\"\n",
        "a: null\nb: ~\nc: true\nd: 0x1F\n",
        "a :  spaced colon\n",
        // Block sequences
        "- a\n- b\n",
        "- a: 1\n  b: 2\n- c: 3\n",
        "- - x\n  - y\n- - z\n",
        "key:\n- a\n- b\nnext: 1\n",
        "-\n  a: 1\n-\n- x\n",
        "- # comment\n  value\n",
        "a:\n  - b\n  -\n  - c\n",
        "- - - deep\n    - deeper\n  - back\n",
        "- a\n  - b\n",
        "-   wide: 1\n    next: 2\n",
        "- [a, b]\n- {c: d}\n-   - e\n",
        "outer:\n  - name: x\n    items:\n    - 1\n    - 2\n  - name: y\n",
        // Flow collections
        "[a, b, c]\n",
        "{a: 1, b: 2}\n",
        "[a, [b, [c, d]], {e: f}]\n",
        "[\n  a,\n  b,\n]\n",
        "{a: 1,\n b: 2,}\n",
        "[a: b, c: d]\n",
        "{a, b: c}\n",
        "a: {}\nb: []\n",
        "{\"a\": 1, 'b': 2}\n",
        "{\"a\":1}\n",
        "[a b, c  d]\n",
        "[a\n  b, c]\n",
        "[a, # comment\n b]\n",
        "k: [a, b,\n  c]\n",
        "k: [a,\nb]\n",
        "[-1, -a, a-b, a:b, -]\n",
        "{a: [1, 2], b: {c: [d]}}\n",
        "[a: ]\n",
        "{a: }\n",
        "{a:b}\n",
        "[&x a, *x]\n",
        "[a, \"b\", 'c', !!str d]\n",
        "{a: b\n, c: d}\n",
        "[[a]: b]\n",
        "[a, {b: c, d: [e]}, [f]]: g\n",
        // Plain scalars
        "a: multi\n  line\n  plain\n",
        "a: para one\n\n  para two\n\n\n  three\n",
        "a: trailing  \n  spaces\n",
        "top level\nplain scalar\n",
        "a: b\n  \tc\n",
        "a: b\n  \t\nc: d\n",
        "- a\n  # comment ends it\n- b\n",
        // Quoted scalars
        "a: 'it''s'\n",
        "a: 'multi\n  line\n\n  single'\n",
        "a: \"tab\\tnewline\\nquote\\\"backslash\\\\\"\n",
        "a: \"\\x41\\u00e9\\U0001F600\"\n",
        "a: \"\\0\\a\\b\\v\\f\\r\\e\\ \\/\\N\\_\\L\\P\\\t\"\n",
        "a: \"folded\n  line\n\n  para\"\n",
        "a: \"escaped \\\n  break\"\n",
        "a: \"escaped\\\n\n  blank\"\n",
        "a: \"  leading and trailing  \"\n",
        "a: \" a \n  b \"\n",
        "a: \"\"\nb: ''\n",
        "a: 'x\n...'\n",
        // Block scalars
        "a: |\n  line1\n  line2\n",
        "a: |-\n  strip\n\n",
        "a: |+\n  keep\n\n\nb: 1\n",
        "a: >\n  folded\n  text\n\n  para\n   more indented\n  back\n",
        "a: |2\n    two extra\n  base\n",
        "a: |2-\n   x\n  y",
        "a: >-  # comment\n  x\n",
        "a: |\n\n  leading blank\n",
        "- |\n  in seq\n- >\n  folded in seq\n",
        "a: |\n  keep   trailing   \n  \ttab inside\n",
        "a: >+\n  x\n\n",
        "a: |-\n",
        "a: |\n  x\n # less indented comment\nb: 2\n",
        "a: >\n  a\n  b\n\n\n",
        "a: >\n\n  x\n   y\n\n  z\n",
        "a: |\n  x\n\n",
        "- a: |1\n    x\n   y\n",
        "key:\n- |\n x\n- y\n",
        "a:\n|\n x\nb:\n>-\n y\n",
        "-\n|\n x\n- y\n",
        "- a:\n  |\n   x\n",
        // Anchors and aliases
        "a: &x 1\nb: *x\n",
        "a: &m\n  k: v\nb: *m\n",
        "- &s [1, 2]\n- *s\n",
        "a: &x 1\nb: &x 2\nc: *x\n",
        "&root\nk: v\n",
        "a: &e\nb: *e\n",
        "&k key: value\nother: *k\n",
        "- &a x\n- *a : b\n",
        "defaults: &d\n  a: 1\nuse:\n  <<: *d\n  b: 2\n",
        "a: &x\n- 1\n- 2\nb: *x\n",
        "&a x\n--- *a\n",
        // Tags
        "a: !!str 123\nb: !!int 7\nc: !!float 1.5\nd: !!bool true\ne: !!null\n",
        "a: !!map {x: 1}\nb: !!seq [1]\nc: !local v\n",
        "--- !!map\nk: v\n",
        "- !!str\n- ! x\n",
        "a: !!str &x 1\nb: &y !!str 2\nc: [*x, *y]\n",
        "!<tag:yaml.org,2002:str> x\n",
        "a: !!str |\n  text\n",
        // Comments in odd places
        "# head\na: # after key\n  # before value\n  b  # after value\n# between\nc: [1, # in flow\n  2] # after flow\n",
        "a: 1    # spaced comment\n    # indented comment line\nb: 2\n",
        "- a #c\n#d\n- b\n",
        "a: [1, 2]#c\n",
        "--- # doc comment\na: 1\n... # end comment\n",
    ]

    @Test func snippetCount() {
        #expect(Self.goodSnippets.count >= 80)
        #expect(Self.badSnippets.count >= 30)
    }

    @Test(arguments: goodSnippets)
    func snippetMatchesYams(yaml: String) {
        #expect(Self.yams(yaml) != .error, "Yams should accept this snippet")
        #expect(Self.expectSameAsYams(yaml, yaml.debugDescription))
    }

    // MARK: Snippets both parsers reject

    struct Bad: CustomTestStringConvertible, Sendable {
        var yaml: String
        var position: String
        var message: String
        var testDescription: String { yaml.debugDescription }
    }

    static let badSnippets: [Bad] = [
        Bad(yaml: "a:\n\tb: 1\n", position: "2:1", message: "tabs are not allowed for indentation"),
        Bad(yaml: "-\tx\n", position: "1:2", message: "tabs are not allowed for indentation"),
        Bad(yaml: "a: |\n  x\n\ty\n", position: "3:1", message: "tabs are not allowed for indentation"),
        Bad(yaml: "x: \"abc\n", position: "1:4", message: "unterminated double-quoted string"),
        Bad(yaml: "a: 'x\n", position: "1:4", message: "unterminated single-quoted string"),
        Bad(yaml: "a: \"x\n---\ny\"\n", position: "1:4", message: "unterminated double-quoted string"),
        Bad(yaml: "a: [1, 2\n", position: "1:4", message: "unclosed flow sequence; expected ']'"),
        Bad(yaml: "a: {b: 1\n", position: "1:4", message: "unclosed flow mapping; expected '}'"),
        Bad(yaml: "[a,\n--- ]\n", position: "1:1", message: "unclosed flow sequence"),
        Bad(yaml: "a:\n    b: 1\n  c: 2\n", position: "3:3", message: "bad indentation of a mapping entry"),
        Bad(yaml: "a:\n  - 1\n - 2\n", position: "3:2", message: "bad indentation of a mapping entry"),
        Bad(yaml: "- [a]\n  - b\n", position: "2:3", message: "bad indentation of a sequence entry"),
        Bad(yaml: "a: 1\nb\nc: 2\n", position: "2:1", message: "did not find expected ':' after the key"),
        Bad(yaml: "a: b: c\n", position: "1:5", message: "mapping values are not allowed here"),
        Bad(yaml: "a: 1\n  b: 2\n", position: "2:4", message: "mapping values are not allowed here"),
        Bad(yaml: "\"a\nb\": c\n", position: "2:3", message: "mapping values are not allowed here"),
        Bad(yaml: "--- a: b\n", position: "1:6", message: "mapping values are not allowed here"),
        Bad(yaml: "a: *x\n", position: "1:4", message: "undefined alias 'x'"),
        Bad(yaml: "a: [*x]\n", position: "1:5", message: "undefined alias 'x'"),
        Bad(yaml: "a: @x\n", position: "1:4", message: "found character that cannot start a token"),
        Bad(yaml: "a: `x`\n", position: "1:4", message: "found character that cannot start a token"),
        Bad(yaml: "a: [|]\n", position: "1:5", message: "found character that cannot start a token"),
        Bad(yaml: "a: b\u{7}\n", position: "1:5", message: "control characters are not allowed"),
        Bad(yaml: "a: 1\u{7F}\n", position: "1:5", message: "control characters are not allowed"),
        Bad(yaml: "a: \"\u{0}\"\n", position: "1:5", message: "control characters are not allowed"),
        Bad(yaml: "a: \"\\q\"\n", position: "1:5", message: "unknown escape sequence '\\q'"),
        Bad(yaml: "a: \"\\x4\"\n", position: "1:5", message: "invalid escape sequence"),
        Bad(yaml: "a: \"\\uD800\"\n", position: "1:5", message: "invalid Unicode code point"),
        Bad(yaml: "a: |0\n  x\n", position: "1:5", message: "the indentation indicator of a block scalar"),
        Bad(yaml: "a: |x\n", position: "1:5", message: "expected a comment or a line break after the block scalar"),
        Bad(yaml: "a: - b\n", position: "1:4", message: "block sequence entries are not allowed here"),
        Bad(yaml: "--- - a\n", position: "1:5", message: "block sequence entries are not allowed here"),
        Bad(yaml: "a: 1\n- b\n", position: "2:1", message: "expected a mapping key"),
        Bad(yaml: "- a\nb: 1\n", position: "2:1", message: "expected the end of the document"),
        Bad(yaml: "[a, b]]\n", position: "1:7", message: "unexpected text after the value"),
        Bad(yaml: "key: \"v\" trailing\n", position: "1:10", message: "unexpected text after the value"),
        Bad(yaml: "%FOO x\n--- a\n", position: "1:1", message: "unknown directive '%FOO'"),
        Bad(yaml: "%YAML 2.0\n--- a\n", position: "1:1", message: "unsupported YAML version 2.0"),
        Bad(yaml: "%YAML 1.2\n%YAML 1.2\n--- a\n", position: "2:1", message: "duplicate %YAML directive"),
        Bad(yaml: "%YAML 1.2\na: 1\n", position: "1:1", message: "directives must be followed by a document start"),
        Bad(yaml: "a: 1\n...\nb: 2\n", position: "3:1", message: "a document after '...' must start with '---'"),
        Bad(yaml: "--- a\n... x\n", position: "2:5", message: "unexpected content after the document end marker"),
        Bad(yaml: "...\n", position: "1:1", message: "document end marker '...' without a document"),
        Bad(yaml: "--- !e!x a\n", position: "1:5", message: "undefined tag handle '!e!'"),
        Bad(yaml: "a: !!str, b\n", position: "1:9", message: "expected a blank or a line break after the tag"),
        Bad(yaml: "a: &x.y 1\n", position: "1:4", message: "invalid anchor name"),
        Bad(yaml: "&a *b\n", position: "1:1", message: "an alias cannot have an anchor or a tag"),
        Bad(yaml: "a: &x &y 1\n", position: "1:7", message: "a node can have only one anchor"),
        Bad(yaml: "[a, , b]\n", position: "1:5", message: "did not find expected node content"),
        Bad(yaml: "{a: 1 b: 2}\n", position: "1:8", message: "expected ',' or '}'"),
        Bad(yaml: "a: [x:]\n", position: "1:6", message: "found unexpected ':'"),
        Bad(yaml: "[a\n: b]\n", position: "2:1", message: "implicit keys must be on a single line"),
        Bad(yaml: "a: [- b]\n", position: "1:5", message: "block sequence entries are not allowed in a flow"),
        Bad(yaml: "]\n", position: "1:1", message: "unexpected ']' outside a flow collection"),
    ]

    @Test(arguments: badSnippets)
    func badSnippetIsRejected(bad: Bad) throws {
        #expect(Self.yams(bad.yaml) == .error, "Yams accepts this snippet")
        let error = try #require(Self.failure(bad.yaml))
        #expect(Self.position(error.offset, in: bad.yaml) == bad.position, "\(error.message)")
        #expect(error.message.hasPrefix(bad.message), "got: \(error.message)")
    }

    /// Refused on purpose although libyaml takes them: explicit `? ` keys.
    @Test(arguments: ["? a\n: b\n", "- ? a\n", "{? a: b}\n", "[? a]\n"])
    func complexKeysAreRefused(yaml: String) throws {
        let error = try #require(Self.failure(yaml))
        #expect(error.message == "complex mapping keys are not supported")
        #expect(Array(yaml.utf8)[error.offset] == UInt8(ascii: "?"))
    }

    // MARK: Values, styles, tags and offsets

    static func scalar(_ node: YAMLNode?) -> YAMLScalar? {
        if case .scalar(let s) = node { return s }
        return nil
    }

    static func value(_ node: YAMLNode?, _ key: String) -> YAMLNode? {
        guard case .mapping(let m) = node else { return nil }
        return m.pairs.first { scalar($0.key)?.value == key }?.value
    }

    @Test func scalarValuesAndStyles() {
        let text = """
            plain: multi
              line

              para
            single: 'it''s'
            double: "tab\\tnl\\nbs\\\\u\\u00e9"
            literal: |-
              a
               b
            folded: >
              a
              b

              c
            empty:
            """
        let root = Self.parse(text).first
        let expected: [(String, String, ScalarSource.Style)] = [
            ("plain", "multi line\npara", .plain),
            ("single", "it's", .singleQuoted),
            ("double", "tab\tnl\nbs\\u\u{e9}", .doubleQuoted),
            ("literal", "a\n b", .literal),
            ("folded", "a b\nc\n", .folded),
            ("empty", "", .plain),
        ]
        for (key, value, style) in expected {
            let s = Self.scalar(Self.value(root, key))
            #expect(s?.value == value, "\(key)")
            #expect(s?.style == style, "\(key)")
        }
    }

    @Test func tagsAreRecordedAsWritten() {
        let root = Self.parse("a: !!str 1\nb: !!int 2\nc: !local x\nd: !!null\ne: !!map {}\nf: !!seq []\ng: h\n").first
        #expect(Self.scalar(Self.value(root, "a"))?.tag == "!!str")
        #expect(Self.scalar(Self.value(root, "b"))?.tag == "!!int")
        #expect(Self.scalar(Self.value(root, "c"))?.tag == "!local")
        #expect(Self.scalar(Self.value(root, "d"))?.tag == "!!null")
        if case .mapping(let m) = Self.value(root, "e") { #expect(m.tag == "!!map") } else { Issue.record("e") }
        if case .sequence(let s) = Self.value(root, "f") { #expect(s.tag == "!!seq") } else { Issue.record("f") }
        #expect(Self.scalar(Self.value(root, "g"))?.tag == nil)
    }

    @Test func mergeKeysAndDuplicatesAreLeftToTheReader() {
        let root = Self.parse("base: &b {x: 1}\nd:\n  <<: *b\n  y: 2\n  y: 3\n").first
        guard case .mapping(let m) = Self.value(root, "d") else {
            Issue.record("d is not a mapping")
            return
        }
        #expect(m.pairs.map { Self.scalar($0.key)?.value } == ["<<", "y", "y"])
        #expect(Self.scalar(m.pairs[0].key)?.style == .plain)
        guard case .mapping(let merged) = m.pairs[0].value else {
            Issue.record("alias is not the anchored mapping")
            return
        }
        #expect(merged.pairs.count == 1)
    }

    /// `marker` names the text the node must start at (its first occurrence after `after`).
    @Test func offsets() throws {
        let text = "a:\n  b: \"x\"\n  c: |\n    lit\n  d:\n  e: [1, {f: g}]\n  h: &k 'q'\n  i: *k\nl:\n- \n- m\n"
        let bytes = Array(text.utf8)
        func at(_ marker: String, after: String = "") -> Int {
            let from = after.isEmpty ? 0 : (find(after) ?? 0)
            return find(marker, from: from) ?? -1
        }
        func find(_ marker: String, from: Int = 0) -> Int? {
            let needle = Array(marker.utf8)
            var i = from
            while i + needle.count <= bytes.count {
                if Array(bytes[i..<(i + needle.count)]) == needle { return i }
                i += 1
            }
            return nil
        }
        let root = try #require(Self.parse(text).first)
        #expect(root.offset == 0)
        let inner = try #require(Self.value(root, "a"))
        #expect(inner.offset == at("b:"))
        #expect(Self.value(inner, "b")?.offset == at("\"x\""))
        #expect(Self.value(inner, "c")?.offset == at("|"))
        #expect(Self.value(inner, "d")?.offset == at("d:") + 2)
        let flow = try #require(Self.value(inner, "e"))
        #expect(flow.offset == at("["))
        if case .sequence(let s) = flow {
            #expect(s.items.map(\.offset) == [at("1,"), at("{f")])
        } else {
            Issue.record("e is not a sequence")
        }
        #expect(Self.value(inner, "h")?.offset == at("'q'"))
        #expect(Self.value(inner, "i")?.offset == at("'q'"), "an alias keeps the anchored node's offset")
        let list = try #require(Self.value(root, "l"))
        #expect(list.offset == at("- \n"))
        if case .sequence(let s) = list {
            #expect(s.items.map(\.offset) == [at("- \n") + 1, at("m\n")])
        } else {
            Issue.record("l is not a sequence")
        }
        let pairs = try #require(Self.parse("{a, b: c}").first)
        if case .mapping(let m) = pairs { #expect(m.pairs.map(\.value.offset) == [2, 7]) }
        let pair = try #require(Self.parse("[a: b]").first)
        if case .sequence(let s) = pair { #expect(s.items.first?.offset == 1) }
    }

    @Test func documents() {
        #expect(Self.parse("").isEmpty)
        #expect(Self.parse("# nothing\n").isEmpty)
        let docs = Self.parse("---\n--- a\n---\nb: 1\n...\n")
        #expect(docs.count == 3)
        #expect(Self.scalar(docs.first)?.value == "")
        #expect(Self.scalar(docs.dropFirst().first)?.value == "a")
    }

    @Test func anchorsCanBeRedefined() {
        let root = Self.parse("a: &x 1\nb: *x\nc: &x 2\nd: *x\n").first
        #expect(Self.scalar(Self.value(root, "b"))?.value == "1")
        #expect(Self.scalar(Self.value(root, "d"))?.value == "2")
    }

    // MARK: Depth, size and hostile input

    static func nestedFlow(_ depth: Int) -> String {
        String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    }

    static func nestedBlock(_ depth: Int) -> String { String(repeating: "- ", count: depth) + "x\n" }

    static func nestedMappings(_ depth: Int) -> String {
        (0..<depth).map { String(repeating: " ", count: $0) + "k:\n" }.joined()
    }

    /// Block mappings nested `blocks` deep whose innermost value is a flow sequence nested `flows` deep.
    static func mixed(blocks: Int, flows: Int) -> String {
        (0..<(blocks - 1)).map { String(repeating: " ", count: $0) + "k:\n" }.joined()
            + String(repeating: " ", count: blocks - 1) + "k: " + nestedFlow(flows) + "\n"
    }

    @Test func nestingUpToTheLimitIsAccepted() {
        let limit = YAMLParser.maxDepth
        #expect(Self.failure(Self.nestedFlow(limit)) == nil)
        #expect(Self.failure(Self.nestedBlock(limit)) == nil)
        #expect(Self.failure(Self.nestedMappings(limit)) == nil)
        #expect(Self.failure("a: " + Self.nestedFlow(limit - 1)) == nil)
        #expect(Self.failure(Self.mixed(blocks: 40, flows: limit - 40)) == nil)
        #expect(Self.failure(Self.mixed(blocks: 40, flows: limit - 39))?.message == "nesting deeper than 64 levels")
    }

    @Test(arguments: [65, 1000, 100_000])
    func deeperNestingIsRefused(depth: Int) throws {
        for text in [Self.nestedFlow(depth), Self.nestedBlock(depth), "a:\n- " + Self.nestedFlow(depth)] {
            let error = try #require(Self.failure(text))
            #expect(error.message == "nesting deeper than 64 levels")
        }
        let flow = try #require(Self.failure(Self.nestedFlow(depth)))
        #expect(flow.offset == 64)
        let block = try #require(Self.failure(Self.nestedBlock(depth)))
        #expect(block.offset == 128)
        if depth <= 1000 {
            let mappings = try #require(Self.failure(Self.nestedMappings(depth)))
            #expect(Self.position(mappings.offset, in: Self.nestedMappings(depth)) == "65:65")
        }
    }

    /// Runs `body` on a thread with a small stack, so unbounded recursion would crash the test run.
    static func onSmallStack(_ size: Int, _ body: @escaping @Sendable () -> Void) {
        final class Box {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, size)
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        #if os(Linux)
            var thread = pthread_t()
            let created = pthread_create(
                &thread, &attributes,
                { raw in
                    guard let raw else { return nil }
                    Unmanaged<Box>.fromOpaque(raw).takeRetainedValue().body()
                    return nil
                }, box)
            #expect(created == 0)
            if created == 0 { pthread_join(thread, nil) }
        #else
            var thread: pthread_t?
            let created = pthread_create(
                &thread, &attributes,
                { raw in
                    Unmanaged<Box>.fromOpaque(raw).takeRetainedValue().body()
                    return nil
                }, box)
            #expect(created == 0)
            if created == 0, let thread { pthread_join(thread, nil) }
        #endif
    }

    @Test func deepInputOnASmallStack() {
        final class Verdicts: @unchecked Sendable {
            var messages: [String] = []
        }
        let verdicts = Verdicts()
        let inputs = [
            Self.nestedFlow(100_000), Self.nestedBlock(100_000), Self.nestedMappings(2000),
            String(repeating: "{a: ", count: 100_000), Self.mixed(blocks: 32, flows: 100_000),
            Self.nestedFlow(YAMLParser.maxDepth), Self.nestedBlock(YAMLParser.maxDepth),
            Self.nestedMappings(YAMLParser.maxDepth), Self.mixed(blocks: 32, flows: 32),
        ]
        Self.onSmallStack(512 * 1024) {
            for text in inputs {
                switch YAMLParser.parse(Array(text.utf8)) {
                case .success: verdicts.messages.append("ok")
                case .failure(let error): verdicts.messages.append(error.message)
                }
            }
        }
        let tooDeep = "nesting deeper than 64 levels"
        #expect(verdicts.messages == Array(repeating: tooDeep, count: 5) + ["ok", "ok", "ok", "ok"])
    }

    @Test func aliasesAreSharedNotExpanded() throws {
        // Each level doubles the logical size; the parser must still finish at once.
        var text = "a0: &a0 [x, x]\n"
        for i in 1...40 { text += "a\(i): &a\(i) [*a\(i - 1), *a\(i - 1)]\n" }
        let documents = try YAMLParser.parse(Array(text.utf8)).get()
        #expect(documents.count == 1)
    }

    /// Bytes that are not UTF-8 never reach the parser in the product, but must not make it trap.
    @Test func invalidUTF8NeverTraps() {
        let samples: [[UInt8]] = [
            [0xFF], [0xC2], [0xE2, 0x82], [0x61, 0x3A, 0x20, 0xC3], [0x22, 0xF0, 0x9F, 0x22], [0x27, 0xC0, 0x80, 0x27],
            [0x2D, 0x20, 0xED, 0xA0, 0x80], [0x7B, 0x61, 0x3A, 0x20, 0xFE, 0x7D], [0x7C, 0x0A, 0x20, 0x80, 0x81],
            Array("key: ".utf8) + [0xEF, 0xBF], Array("\"\\".utf8) + [0xC3], Array("&".utf8) + [0xE9, 0x20, 0x61],
        ]
        for bytes in samples { _ = YAMLParser.parse(bytes) }
        var seed: UInt64 = 42
        for _ in 0..<2000 {
            var bytes: [UInt8] = []
            for _ in 0..<(1 + Int(seed % 40)) {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                bytes.append(UInt8(truncatingIfNeeded: seed >> 56))
            }
            _ = YAMLParser.parse(bytes)
        }
        let repaired = try? YAMLParser.parse(Array("k: ".utf8) + [0xFF, 0x61]).get().first
        #expect(Self.scalar(Self.value(repaired, "k"))?.value == "\u{FFFD}a")
    }

    /// Truncations and byte edits of a real spec: never a crash, and the same verdict as Yams.
    @Test func mutatedInputsNeverCrashAndAgreeWithYams() throws {
        let file = Self.repositoryRoot.appendingPathComponent("Tests/LLMDashTests/Fixtures/full-dashboard.yaml")
        let original = Array(try String(contentsOf: file, encoding: .utf8).utf8)
        let alphabet = Array(" \t\n-:#[]{},&*!|>'\"\\?%@`x1.".utf8)
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        var disagreements: [String] = []
        for round in 0..<400 {
            var bytes = original
            if round % 4 == 0 {
                bytes = Array(bytes.prefix(next(bytes.count)))
            } else {
                for _ in 0..<(1 + next(3)) {
                    let i = next(bytes.count)
                    switch next(3) {
                    case 0: bytes[i] = alphabet[next(alphabet.count)]
                    case 1: bytes.insert(alphabet[next(alphabet.count)], at: i)
                    default: bytes.remove(at: i)
                    }
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let theirs = Self.yams(text)
            if theirs == .duplicateKeys || text.contains("? ") || text.contains("?\t") { continue }
            if Self.ours(text) != theirs { disagreements.append(text) }
        }
        #expect(disagreements.isEmpty, "\(disagreements.first?.debugDescription ?? "")")
    }
}

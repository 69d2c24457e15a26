import Testing

@testable import PromQL

struct LexerTests {
    static func kinds(_ query: String) -> [TokenKind] {
        Lexer.tokenize(Array(query.utf8)).tokens.map(\.kind)
    }

    static func lexError(_ query: String) -> String? {
        Lexer.tokenize(Array(query.utf8)).error
    }

    @Test(arguments: [
        (
            "sum(rate(x[5m]))",
            [
                TokenKind.sum, .leftParen, .identifier, .leftParen, .identifier, .leftBracket, .duration,
                .rightBracket, .rightParen, .rightParen, .eof,
            ]
        ),
        ("a:b:c{x=~'y'}", [.metricIdentifier, .leftBrace, .identifier, .eqlRegex, .string, .rightBrace, .eof]),
        ("a </ b >/ c", [.identifier, .trimUpper, .identifier, .trimLower, .identifier, .eof]),
        ("x == bool 1", [.identifier, .eqlc, .bool, .number, .eof]),
        ("fill + fill (1)", [.identifier, .add, .fill, .leftParen, .number, .rightParen, .eof]),
        ("SUM BY (OFFSET)", [.sum, .by, .leftParen, .offset, .rightParen, .eof]),
        ("x[step()]", [.identifier, .leftBracket, .step, .leftParen, .rightParen, .rightBracket, .eof]),
        ("x @ start()", [.identifier, .at, .start, .leftParen, .rightParen, .eof]),
        ("1 # comment\n+ 2", [.number, .comment, .add, .number, .eof]),
        ("{on=\"x\"}", [.leftBrace, .identifier, .assign, .string, .rightBrace, .eof]),
        ("Inf NaN inf", [.number, .number, .number, .eof]),
        ("x[5m:1m]", [.identifier, .leftBracket, .duration, .colon, .duration, .rightBracket, .eof]),
    ])
    func tokenKinds(query: String, expected: [TokenKind]) {
        #expect(Self.kinds(query) == expected)
    }

    @Test(arguments: [
        ("1", true), (".5", true), ("5.", true), ("1e5", true), ("1E-5", true), ("0x1F", true), ("0X_1f", true),
        ("0755", true), ("1_000", true), ("1.5e+3", true), ("5m", false), ("1h30m", false), ("54s321ms", false),
        ("1y2w3d4h5m6s7ms", false),
    ])
    func numbersAndDurations(text: String, isNumber: Bool) {
        let tokens = Lexer.tokenize(Array(text.utf8)).tokens
        #expect(tokens.count == 2)
        #expect(tokens[0].kind == (isNumber ? .number : .duration))
        #expect(tokens[0].end == text.utf8.count)
    }

    @Test(arguments: [
        ("100..4", "bad number or duration syntax: \"100..\""),
        ("0deadbeef", "bad number or duration syntax: \"0de\""),
        ("5mm", "bad number or duration syntax: \"5mm\""),
        ("1e", "bad number or duration syntax: \"1e\""),
        (".", "unexpected character: '.'"),
        ("}", "unexpected character: '}'"),
        ("1 =~ 1", "unexpected character after '=': '~'"),
        ("1 !~ 1", "unexpected character after '!': '~'"),
        ("(1))", "unexpected right parenthesis ')'"),
        ("((1)", "unclosed left parenthesis"),
        ("{", "unexpected end of input inside braces"),
        ("foo{a*\"b\"}", "unexpected character inside braces: '*'"),
        ("\"abc", "unterminated quoted string"),
        ("\"a\nb\"", "unterminated quoted string"),
        ("`abc", "unterminated raw string"),
        ("\"\\c\"", "unknown escape sequence U+0063 'c'"),
        ("\"\\x.\"", "illegal character U+002E '.' in escape sequence"),
        ("\"\\", "escape sequence not terminated"),
        ("\"\\uD800\"", "escape sequence is an invalid Unicode code point"),
        ("'\\\"'", "unknown escape sequence U+0022 '\"'"),
        ("x[", "unexpected end of input in duration expression"),
        ("x[5s x 5s]", "unexpected character: 'x', expected ':'"),
        ("x[:5m]", "unexpected colon before duration in duration expression"),
        ("x[5m::]", "unexpected colon ':'"),
        ("x[5m[", "unexpected left bracket '['"),
        ("]", "unexpected right bracket ']'"),
        ("\"\u{FFFD}\"", "invalid UTF-8 rune"),
    ])
    func lexicalErrors(query: String, message: String) {
        #expect(Self.lexError(query) == message)
    }

    @Test func invalidUTF8InStringIsRejected() {
        let bytes: [UInt8] = Array("x{a=\"".utf8) + [0xFF] + Array("\"}".utf8)
        #expect(Lexer.tokenize(bytes).error == "invalid UTF-8 rune")
    }

    @Test(
        arguments: [
            ("\"a\\tb\"", [0x61, 0x09, 0x62]),
            ("'it\\'s'", Array("it's".utf8)),
            ("`a\\nb`", Array("a\\nb".utf8)),
            ("\"\\xFF\\377\"", [0xFF, 0xFF]),
            ("\"\\u00e9\\U0001F600\"", Array("é😀".utf8)),
            ("\"\\a\\b\\f\\v\\\\\"", [0x07, 0x08, 0x0C, 0x0B, 0x5C]),
        ] as [(String, [UInt8])])
    func unquote(literal: String, bytes: [UInt8]) {
        #expect(GoQuote.unquote(Array(literal.utf8)[...]) == bytes)
    }

    @Test(arguments: [
        ("1", 1.0), ("0x1F", 31), ("0755", 493), ("0789", 789), ("1_000", 1000), ("1e3", 1000), (".5", 0.5),
        ("5.", 5), ("0x_53_AB", 0x53AB), ("9223372036854775808", 9_223_372_036_854_775_808.0),
    ])
    func numberValues(text: String, value: Double) throws {
        #expect(try NumberParsing.parseNumber(Substring(text)).get() == value)
    }

    @Test func numberSpecials() throws {
        #expect(try NumberParsing.parseNumber("Inf").get() == .infinity)
        #expect(try NumberParsing.parseNumber("NaN").get().isNaN)
        #expect((try? NumberParsing.parseNumber("1_").get()) == nil)
        #expect((try? NumberParsing.parseNumber(Substring(String(repeating: "9", count: 400))).get()) == nil)
    }

    @Test(arguments: [
        ("5m", Int64(300_000_000_000)), ("1h30m", 5_400_000_000_000), ("1y", 31_536_000_000_000_000),
        ("54s321ms", 54_321_000_000), ("0", 0), ("2w", 1_209_600_000_000_000),
    ])
    func durationValues(text: String, nanoseconds: Int64) throws {
        #expect(try NumberParsing.parseDuration(Substring(text)).get() == nanoseconds)
    }

    @Test(arguments: [
        ("5m1h", "not a valid duration string: \"5m1h\""),
        ("5m1m", "not a valid duration string: \"5m1m\""),
        ("5y1hs", "unknown unit \"hs\" in duration \"5y1hs\""),
        ("1.5h", "unknown unit \".\" in duration \"1.5h\""),
        ("300y", "duration out of range"),
    ])
    func durationErrors(text: String, message: String) {
        #expect(throws: NumberParsing.NumberError.self) { try NumberParsing.parseDuration(Substring(text)).get() }
        if case .failure(let e) = NumberParsing.parseDuration(Substring(text)) {
            #expect(e.message == message)
        }
    }

    @Test(arguments: [
        (Int64(0), "0s"), (90_000, "1m30s"), (86_400_000, "1d"), (604_800_000, "1w"), (31_536_000_000, "1y"),
        (1500, "1s500ms"), (-420_000, "-7m"), (777_600_000, "9d"),
    ])
    func durationFormatting(milliseconds: Int64, text: String) {
        #expect(NumberParsing.formatDuration(milliseconds: milliseconds) == text)
    }
}

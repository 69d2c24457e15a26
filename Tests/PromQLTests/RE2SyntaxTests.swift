import Testing

@testable import PromQL

struct RE2SyntaxTests {
    static func check(_ pattern: String) -> String? {
        RE2Syntax.validate(Array(pattern.utf8))
    }

    @Test(arguments: [
        "", "abc", "a|b|", "(a)(b)", "(?:a)", "(?i)abc", "(?i:a)b", "(?-i)a", "(?im-s:a)", "(?U)a*", "(?P<name>a)",
        "(?<name>a)", "a*?", "a+?", "a??", "a{2}", "a{2,}", "a{2,5}", "a{,5}", "a{x}", "{", "}", "a{1000}", "[abc]",
        "[^abc]", "[a-z0-9_]", "[]a]", "[^]a]", "[a-]", "[-a]", "[[:alpha:]]", "[[:^digit:]x]", "[\\d\\s]",
        "\\d+\\.\\w*",
        "\\pL", "\\p{Greek}", "\\PN", "\\p{^Han}", "[\\p{Lu}]", "\\x41", "\\x{1F600}", "\\101", "\\0",
        "\\a\\f\\t\\n\\r\\v",
        "\\Qa.b\\E+", "\\Qabc", "^a$", "\\Aa\\z", "\\bword\\B", "\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\^\\$\\\\\\/\\-\\_",
        ".*foo.*", "(a|b)*c", "(a*)*", "^*", "a{2}b{3}", "()", "()*", "(|a)", "[[]", "[a\\]]", "é+",
        "(a){0}",
    ])
    func validPatterns(pattern: String) {
        #expect(Self.check(pattern) == nil, "\(pattern): \(Self.check(pattern) ?? "")")
    }

    @Test(arguments: [
        ("(", "missing closing ): `(`"),
        ("a(b", "missing closing ): `a(b`"),
        (")", "unexpected ): `)`"),
        ("a)", "unexpected ): `a)`"),
        ("[a", "missing closing ]: `[a`"),
        ("[]", "missing closing ]: `[]`"),
        ("*", "missing argument to repetition operator: `*`"),
        ("a|*", "missing argument to repetition operator: `*`"),
        ("(+)", "missing argument to repetition operator: `+`"),
        ("a**", "invalid nested repetition operator: `**`"),
        ("a*??", "invalid nested repetition operator: `*??`"),
        ("a{2}{3}", "invalid nested repetition operator: `{2}{3}`"),
        ("a{1001}", "invalid repeat count: `{1001}`"),
        ("a{3,2}", "invalid repeat count: `{3,2}`"),
        ("(a{100}){100}", "invalid repeat count: `{100}`"),
        ("\\1", "invalid escape sequence: `\\1`"),
        ("(a)\\1", "invalid escape sequence: `\\1`"),
        ("\\k", "invalid escape sequence: `\\k`"),
        ("\\Z", "invalid escape sequence: `\\Z`"),
        ("\\C", "invalid escape sequence: `\\C`"),
        ("\\x4", "invalid escape sequence: `\\x4`"),
        ("\\x{}", "invalid escape sequence: `\\x{}`"),
        ("[\\b]", "invalid escape sequence: `\\b`"),
        ("a\\", "trailing backslash at end of expression: ``"),
        ("(?=a)", "invalid or unsupported Perl syntax: `(?=`"),
        ("(?!a)", "invalid or unsupported Perl syntax: `(?!`"),
        ("(?<=a)", "invalid named capture: `(?<=a)`"),
        ("(?P<1a-b>x)", "invalid named capture: `(?P<1a-b>`"),
        ("(?x)", "invalid or unsupported Perl syntax: `(?x`"),
        ("(?i-)", "invalid or unsupported Perl syntax: `(?i-)`"),
        ("[z-a]", "invalid character class range: `z-a`"),
        ("[[:foo:]]", "invalid character class range: `[:foo:]`"),
        ("\\p{Klingon}", "invalid character class range: `\\p{Klingon}`"),
        ("\\p{Greek", "invalid character class range: `\\p{Greek`"),
    ])
    func invalidPatterns(pattern: String, message: String) {
        #expect(Self.check(pattern) == message)
    }

    @Test func invalidUTF8() {
        #expect(RE2Syntax.validate([0x61, 0xFF]) != nil)
    }

    @Test(arguments: [
        ("", true), (".*", true), (".+", false), ("a*", true), ("a?", true), ("a+", false), ("a|", true),
        ("(a|b)", false),
        ("^$", true), ("\\b", false), ("\\B", true), ("(a*)+", true), ("a{0}", true), ("a{0,3}", true),
        ("a{1,3}", false),
        ("[^a]*", true), ("(?i)", true), ("x|y*", true), ("\\Q\\E", true), ("\\Qa\\E", false), ("()", true),
    ])
    func matchesEmptyString(pattern: String, nullable: Bool) {
        #expect(RE2Syntax.matchesEmpty(Array(pattern.utf8)) == nullable)
    }

    @Test func deepNestingIsRejectedCleanly() {
        let deep = String(repeating: "(", count: 1001) + String(repeating: ")", count: 1001)
        #expect(Self.check(deep)?.hasPrefix("expression nests too deeply") == true)
        let fine = String(repeating: "(", count: 500) + "a" + String(repeating: ")", count: 500)
        #expect(Self.check(fine) == nil)
    }

    @Test func regexErrorsSurfaceInSelectors() {
        let result = parseAll(#"x{a=~"a**", b!~"(?=x)"}"#)
        #expect(
            result.errors.map(\.message) == [
                "error parsing regexp: invalid nested repetition operator: `**`",
                "error parsing regexp: invalid or unsupported Perl syntax: `(?=`",
            ])
        #expect(result.errors.allSatisfy { $0.id == .regex })
    }
}

import Testing
import Yams

@testable import LLMDashCore

/// The double-quoted scalars llmdash writes into YAML files read back as the text they quote.
@Suite struct QuotingTests {
    static let samples = [
        "plain", "", "say \"hi\"", "back\\slash", "two\nlines", "tab\there", "carriage\rreturn", "crlf\r\n",
        "bell\u{07}", "escape\u{1B}[0m", "delete\u{7F}", "café — ünïcode ✓", "  spaces  ", "#not a comment",
    ]

    @Test(arguments: samples)
    func yamlQuotedReadsBackAsTheSameText(_ text: String) throws {
        let loaded = try Yams.load(yaml: "value: " + yamlQuoted(text) + "\n") as? [String: Any]
        #expect(loaded?["value"] as? String == text)
    }

    @Test func controlCharactersAreEscapedNotWritten() {
        #expect(yamlQuoted("a\rb\u{7F}c\u{01}") == #""a\rb\x7fc\x01""#)
    }
}

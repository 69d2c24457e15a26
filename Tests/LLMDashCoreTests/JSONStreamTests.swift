import TestSupport
import Testing

@testable import LLMDashCore

@Suite struct JSONStreamTests {
    /// A value written member by member gives the bytes `JSONWriter.pretty` gives for the same value as a tree.
    @Test func streamsTheBytesTheWriterWrites() {
        let tree: JSON = [
            "a": [], "b": [:], "c": ["x": 1, "y": [1, 2.5, -3, .null]],
            "d": .string("q\"\\\n\t\u{1}é"), "e": [["k": true], [:], []], "f": .int(Int.min), "g": 1e20,
        ]
        var w = JSONStream(capacity: 16)
        w.object { w in
            w.array("a") { _ in }
            w.object("b") { _ in }
            w.object("c") { w in
                w.member("x", 1)
                w.array("y", [JSON.int(1), 2.5, -3, .null]) { $0.value($1) }
            }
            w.member("d", "q\"\\\n\t\u{1}é")
            w.key("e")
            w.array { w in
                w.element()
                w.value(["k": true])
                w.element()
                w.object { _ in }
                w.element()
                w.strings([])
            }
            w.member("f", Int.min)
            w.member("g", 1e20)
            w.member("h", nil as String?)
        }
        #expect(String(decoding: w.finish(), as: UTF8.self) == JSONWriter.prettyString(tree))
    }

    /// Bytes written into an array's own memory are those a stream of its own gives, whether they fit the
    /// memory lent or outgrow it.
    @Test(arguments: [1, 40, 4_096])
    func writesIntoAnArraysMemory(capacity: Int) {
        func body(_ w: inout JSONStream) {
            w.object { w in
                w.member("a", "first")
                w.array("b", Array(0..<20)) { $0.int($1) }
                w.member("c", String(repeating: "long text ", count: 30))
            }
        }
        var own = JSONStream()
        body(&own)
        let expected = own.finish()
        #expect(JSONStream.bytes(capacity: capacity, body) == expected)
    }

    /// Deep nesting (indentation of more than 32 spaces), names and strings of every length up to past two words,
    /// and strings to escape, written into an array's memory that runs out at every point: the bytes are those of
    /// a stream of its own.
    @Test func outgrowsAnArraysMemoryAnywhere() {
        func nest(_ w: inout JSONStream, _ depth: Int) {
            w.object { w in
                let names: [StaticString] = [
                    "a", "aa", "aaa", "aaaa", "aaaaa", "aaaaaa", "aaaaaaa", "aaaaaaaa", "aaaaaaaaa", "aaaaaaaaaa",
                    "aaaaaaaaaaa", "aaaaaaaaaaaa", "aaaaaaaaaaaaa", "aaaaaaaaaaaaaa", "aaaaaaaaaaaaaaa",
                    "aaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaaaaa",
                    "aaaaaaaaaaaaaaaaaaaa",
                ]
                for (length, name) in names.enumerated() {
                    w.key(name)
                    w.string(String(repeating: length % 3 == 0 ? "\"é" : "x", count: length))
                }
                if depth > 0 {
                    w.key("n")
                    nest(&w, depth - 1)
                }
                w.key("o")
                w.array { w in
                    w.element()
                    w.null()
                    w.element()
                    w.array { _ in }
                }
            }
        }
        let body: (inout JSONStream) -> Void = { nest(&$0, 24) }
        var own = JSONStream()
        body(&own)
        let expected = own.finish()
        var mismatches: [Int] = []
        for capacity in stride(from: 1, through: expected.count + 64, by: 37) {
            if JSONStream.bytes(capacity: capacity, body) != expected { mismatches.append(capacity) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test(arguments: [0, 7, -7, 10, -10, 1_000_000, Int.max, Int.min])
    func writesIntegersAsSwiftSpellsThem(_ value: Int) {
        #expect(String(decoding: JSONWriter.compact(.int(value)), as: UTF8.self) == String(value))
    }

    @Test(arguments: [0.5, 3.0, -0.0, 1e15, 1e-9, 123_456_789_012_345.0, .infinity, .nan])
    func writesNumbersAsJSONNumberDoes(_ value: Double) {
        var w = JSONStream()
        w.number(value)
        #expect(w.finish() == JSONWriter.pretty(.number(value)))
    }

    /// The escaping scan reads eight bytes at a time: strings with characters to escape at every offset and
    /// length around that width are written as a byte-at-a-time escaper writes them.
    @Test func escapesAtEveryPosition() {
        let alphabet: [Character] = [
            "a", "Z", " ", "\"", "\\", "\n", "\r", "\t", "\u{1}", "\u{1F}", "é", "✓", "/", "~", "\u{7F}",
        ]
        var random = TestSupport.SplitMix64(seed: 7)
        for length in 0..<40 {
            for _ in 0..<25 {
                let s = String((0..<length).map { _ in alphabet.randomElement(using: &random)! })
                #expect(String(decoding: JSONWriter.compact(.string(s)), as: UTF8.self) == Self.escaped(s))
            }
        }
    }

    /// Strings that need no escaping but for at most two characters, at every position, read from every offset
    /// from a word boundary: the writer checks and copies a word at a time, and goes from a word to the first byte
    /// in it to escape. Control characters, quotes and backslashes are escaped; DEL, non-ASCII text and the line
    /// separator U+2028 are not.
    @Test func escapesAtEveryAlignment() {
        let specials: [String] = ["\"", "\\", "\n", "\u{0}", "\u{1F}", "\t", "\u{7F}", "\u{2028}", "é"]
        let filler = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789 -/~{}:,")
        var mismatches: [String] = []
        var round = 0
        for length in 0..<36 {
            for first in -1..<length {
                for second in [-1, (first + 5) % max(length, 1), length - 1]
                where second == -1 || (first < second && second < length) {
                    var characters = (0..<length).map { String(filler[($0 * 7 + length) % filler.count]) }
                    if first >= 0 { characters[first] = specials[round % specials.count] }
                    if second >= 0 { characters[second] = specials[(round + 3) % specials.count] }
                    round += 1
                    let text = characters.joined()
                    let expected = Array(Self.escaped(text).utf8)
                    for offset in 0..<8 {
                        let bytes = Array(repeating: UInt8(ascii: "x"), count: offset) + Array(text.utf8)
                        let written = bytes.withUnsafeBufferPointer { all in
                            var out = ByteBuffer(capacity: 4)
                            JSONWriter.writeString(utf8: UnsafeBufferPointer(rebasing: all[offset...]), into: &out)
                            return out.bytes()
                        }
                        if written != expected { mismatches.append("\(text.debugDescription) at offset \(offset)") }
                    }
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    /// JSON string escaping, one byte at a time.
    static func escaped(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{8}": out += "\\b"
            case "\u{C}": out += "\\f"
            case _ where scalar.value < 0x20:
                out += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

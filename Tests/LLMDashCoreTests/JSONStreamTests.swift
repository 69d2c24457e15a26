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

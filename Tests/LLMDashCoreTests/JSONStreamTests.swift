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
}

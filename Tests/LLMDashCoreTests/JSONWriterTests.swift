import LLMDashCore
import Testing

@Suite struct JSONWriterTests {
    @Test func sortsKeysAndIndents() {
        let value: JSON = ["b": 1, "a": ["y": true, "x": .null], "c": [], "d": [:]]
        #expect(
            JSONWriter.prettyString(value) == """
                {
                  "a": {
                    "x": null,
                    "y": true
                  },
                  "b": 1,
                  "c": [],
                  "d": {}
                }

                """)
    }

    @Test(arguments: [
        (0.5, "0.5"), (1.0, "1"), (-3.0, "-3"), (0.005, "0.005"), (14.4, "14.4"), (1e-9, "1e-09"),
        (Double.nan, "null"), (1e20, "1e+20"),
    ])
    func formatsNumbers(_ value: Double, _ expected: String) {
        #expect(JSONWriter.formatDouble(value) == expected)
    }

    @Test func escapesStrings() {
        let text = JSONWriter.prettyString(.string("q\"\\\n\t\u{1}é/"))
        #expect(text == "\"q\\\"\\\\\\n\\t\\u0001é/\"\n")
    }

    @Test func keyOrderIsBytewiseNotLocaleAware() {
        let text = String(decoding: JSONWriter.compact(["b": 1, "B": 2, "é": 3, "a": 4]), as: UTF8.self)
        #expect(text == #"{"B":2,"a":4,"b":1,"é":3}"#)
    }
}

import PromQL
import Testing

struct DiagnosticTests {
    /// Marks where a diagnostic must start with 1️⃣ in the query text (the marker is removed before parsing).
    static func marked(_ text: String) -> (query: String, offset: Int) {
        let marker = "1️⃣"
        let parts = text.components(separatedBy: marker)
        precondition(parts.count == 2, "exactly one marker expected")
        return (parts[0] + parts[1], parts[0].utf8.count)
    }

    @Test(arguments: [
        ("rate(1️⃣some_metric)", Diagnostic.ID.typeMismatch, 11),
        ("1️⃣floor(x, y)", .arity, 11),
        ("sum(x) + 1️⃣nope(y)", .unknownFunction, 4),
        ("foo{a=1️⃣b}", .syntax, 1),
        ("1 1️⃣== 1", .binaryOperator, 2),
        ("x[1️⃣0m]", .duration, 2),
        ("x{1️⃣a=~\"[\"}", .regex, 6),
        ("foo 1️⃣bar", .syntax, 3),
        ("sum(x) by 1️⃣test", .syntax, 4),
        ("1+1️⃣", .syntax, 0),
        ("1️⃣{}", .selector, 2),
        ("1️⃣\"abc", .lexical, 4),
        ("foo[5m] OFFSET 1️⃣1mm", .lexical, 3),
    ])
    func errorRange(marked text: String, id: Diagnostic.ID, length: Int) throws {
        let (query, offset) = Self.marked(text)
        let result = parseAll(query)
        let first = try #require(result.errors.first, "\(query) should fail")
        #expect(first.id == id, "\(first)")
        #expect(first.range == offset..<(offset + length), "\(first.message)")
    }

    @Test func unexpectedTokenMessages() {
        #expect(firstError("1+") == "unexpected end of input")
        #expect(firstError("*1") == "unexpected <op:*>")
        #expect(firstError("sum some_metric by (test)") == "unexpected identifier \"some_metric\"")
        #expect(firstError("foo + group_left(baz) bar") == "unexpected <group_left>")
        #expect(firstError("sum without(,)(x)") == "unexpected \",\" in grouping opts, expected label")
        #expect(
            firstError("foo{__name__=\"bar\" lol}")
                == "unexpected identifier \"lol\" in label matching, expected \",\" or \"}\"")
        #expect(
            firstError("foo[]")
                == "unexpected \"]\" in subquery or range selector, expected number, duration, step(), or range()")
        #expect(
            firstError("x offset") == "unexpected end of input in offset, expected number, duration, step(), or range()"
        )
        #expect(firstError("x @") == "unexpected end of input in @, expected timestamp")
        #expect(firstError("") == "no expression found in input")
        #expect(firstError("# only a comment\n") == "no expression found in input")
    }

    @Test func severalErrorsAreReportedAtOnce() {
        let matchers = parseAll("foo{a=b, c=d, e=\"f\"}")
        #expect(matchers.errors.count == 2, "\(matchers.errors.map(\.message))")
        #expect(matchers.errors.map(\.range.lowerBound) == [6, 11])

        let args = parseAll("f(1 2, 3 4) + g(,)")
        #expect(args.errors.filter { $0.id == .syntax }.count == 3, "\(args.errors.map(\.message))")

        let semantic = parseAll("foo[0s] + bar[5s/0] + nope(x)")
        #expect(semantic.errors.count >= 3, "\(semantic.errors.map(\.message))")
    }

    @Test func everyDiagnosticLiesInsideTheQuery() {
        let queries = [
            "", "(", ")", "((1)", "foo{", "foo{a", "foo{a=", "\"abc", "x[", "x[5m", "x[5m:", "x @", "x offset",
            "sum(", "sum by", "sum by (", "a + on(", "a + on(b) group_left(", "x{a=~\"(\"}", "f(,)", "1 +", "x[5m]]",
            "sum(x) by (a) by (b)", "\u{1F600}", "é{", "a # c\n)", "x[step()", "x offset max_of(1",
        ]
        for q in queries {
            let result = parseAll(q)
            #expect(!result.isValid, "\(q)")
            #expect(!result.errors.isEmpty, "\(q)")
            for d in result.diagnostics {
                #expect(d.range.lowerBound >= 0 && d.range.upperBound <= q.utf8.count, "\(q): \(d)")
            }
        }
    }

    @Test func lineAndColumnAreOneBasedUTF8() {
        let text = "sum(\n  rate(x{a=\"é\"}[5m])\n) + nope()"
        let index = LineIndex(text)
        #expect(index.lineCount == 3)
        #expect(index.location(ofByteOffset: 0) == SourceLocation(line: 1, column: 1, offset: 0))
        #expect(index.location(ofByteOffset: 5) == SourceLocation(line: 2, column: 1, offset: 5))
        // "é" is two bytes, so the "[" after it is at column 17 of line 2.
        let bracket = Array(text.utf8).firstIndex(of: UInt8(ascii: "["))!
        #expect(index.location(ofByteOffset: bracket).column == 17)
        #expect(index.location(ofByteOffset: 1000) == SourceLocation(line: 3, column: 11, offset: text.utf8.count))
        #expect(index.startOffset(ofLine: 3) == 27)

        let result = parseAll(text)
        let unknown = result.errors.first { $0.id == .unknownFunction }
        #expect(unknown?.location(in: text).description == "3:5")
        #expect(PromQL.location(ofByteOffset: 5, in: text).line == 2)
    }

    @Test func renderedWithCaret() throws {
        let query = "sum(\n  rate(some_metric)\n)"
        let d = try #require(parseAll(query).errors.first)
        #expect(
            d.rendered(in: query, path: "rules.yml") == """
                rules.yml:2:8: error: expected type range vector in call to function "rate", got instant vector
                2 |   rate(some_metric)
                  |        ^~~~~~~~~~~
                """)
        let text = "x{a=\"é\"} + "
        let atEnd = try #require(parseAll(text).errors.first)
        #expect(atEnd.rendered(in: text).hasSuffix("1 | x{a=\"é\"} + \n  |            ^"))
    }

    @Test func diagnosticDescription() {
        let d = Diagnostic(id: .syntax, message: "unexpected end of input", range: 2..<2)
        #expect(d.description == "error: unexpected end of input")
        #expect(d.severity == .error)
        #expect(Diagnostic.Severity.error < .warning)
    }
}

import Foundation
import PromQL
import Testing

/// No crash, no hang, and a clean verdict on hostile input.
struct RobustnessTests {
    static let nested10k = String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000)

    /// Every diagnostic lies inside the input, and a valid result prints and re-parses consistently.
    static func problems(_ bytes: [UInt8], options: ParserOptions = .all) -> [String] {
        let result = PromQL.parse(utf8: bytes, options: options)
        var out: [String] = []
        for d in result.diagnostics where d.range.lowerBound < 0 || d.range.upperBound > bytes.count {
            out.append("diagnostic outside the input: \(d)")
        }
        if result.isValid != (result.expr != nil && result.errors.isEmpty) {
            out.append("inconsistent verdict")
        }
        if !result.isValid && result.errors.isEmpty {
            out.append("invalid without an error")
        }
        if result.isValid, let expr = result.expr {
            let text = String(decoding: bytes, as: UTF8.self)
            if Array(text.utf8) == bytes, let problem = roundTripProblem(text, options: options) {
                out.append(problem)
            }
            _ = expr.hashValue
        }
        return out
    }

    @Test func tenThousandNestedParentheses() {
        let result = parseAll(Self.nested10k)
        #expect(!result.isValid)
        #expect(result.errors.first?.id == .nesting)
        #expect(result.errors.count == 1)
    }

    @Test(arguments: [256 * 1024, 512 * 1024])
    func nestingOnSmallStacks(stackSize: Int) {
        let inputs = [
            Self.nested10k,
            String(repeating: "sum(", count: 5000) + "x" + String(repeating: ")", count: 5000),
            String(repeating: "-", count: 10_000) + "1",
            Array(repeating: "2", count: 10_000).joined(separator: "^"),
            Array(repeating: "a", count: 10_000).joined(separator: " + "),
            "x" + String(repeating: "[1m:]", count: 5000),
            "x[" + String(repeating: "(", count: 5000) + "1m" + String(repeating: ")", count: 5000) + "]",
            "x{a=~\"" + String(repeating: "(", count: 5000) + "\"}",
        ]
        let verdicts = onThread(stackSize: stackSize) {
            inputs.map { q -> Bool in
                let r = PromQL.parse(q, options: .all)
                if let e = r.expr { _ = (e.formatted, e == e, e.hashValue) }
                return r.isValid
            }
        }
        #expect(verdicts == Array(repeating: false, count: inputs.count))
        // Moderate nesting still works on a small stack.
        let levels = stackSize / (16 * 1024)
        let moderate =
            String(repeating: "(", count: levels) + "sum(rate(x[5m]))" + String(repeating: ")", count: levels)
        let ok = onThread(stackSize: stackSize) { () -> Bool in
            let r = PromQL.parse(moderate, options: .all)
            guard let e = r.expr, r.isValid else { return false }
            return PromQL.parse(e.formatted, options: .all).expr == e
        }
        #expect(ok)
    }

    @Test func deepButReasonableQueriesParseOnALargeStack() {
        let results = onThread(stackSize: 16 << 20) { () -> [Bool] in
            [
                String(repeating: "(", count: 200) + "1" + String(repeating: ")", count: 200),
                Array(repeating: "a", count: 200).joined(separator: " or "),
                String(repeating: "abs(", count: 200) + "x" + String(repeating: ")", count: 200),
            ].map { q in
                let r = PromQL.parse(q, options: .all)
                return r.isValid && roundTripProblem(q, options: .all) == nil
            }
        }
        #expect(results == [true, true, true])
    }

    @Test func hugeLiterals() {
        let digits = String(repeating: "9", count: 100_000)
        #expect(parseAll(digits).errors.first?.id == .number)
        #expect(parseAll("0x" + String(repeating: "F", count: 1000)).errors.first?.id == .number)
        #expect(parseAll("1e99999999999").errors.first?.message.hasSuffix("value out of range") == true)
        #expect(parseAll("0." + String(repeating: "0", count: 10_000) + "1").isValid)
        #expect(parseAll("x[99999999999999999999d]").errors.first?.id == .duration)
        #expect(parseAll("x @ 1e30").errors.first?.message.hasPrefix("timestamp out of bounds") == true)
        let bigString = "\"" + String(repeating: "a\\n", count: 300_000) + "\""
        let result = parseAll(bigString)
        #expect(result.isValid)
        if case .string(let s) = result.expr {
            #expect(s.value.utf8.count == 600_000)
        }
        let manyMatchers = "x{" + (0..<5000).map { "l\($0)=\"v\"" }.joined(separator: ",") + "}"
        #expect(parseAll(manyMatchers).isValid)
    }

    @Test func invalidUTF8IsRejectedOrReplaced() {
        let pieces: [[UInt8]] = [[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]]
        let templates = ["%%", "x{a=\"%%\"}", "`%%`", "%%x", "x + %%", "sum by (%%) (x)", "x # comment %%"]
        for piece in pieces {
            for template in templates {
                let parts = template.components(separatedBy: "%%")
                let bytes = Array(parts[0].utf8) + piece + Array(parts[1].utf8)
                #expect(Self.problems(bytes).isEmpty, "\(bytes)")
                let result = PromQL.parse(utf8: bytes, options: .all)
                let inComment = template.hasPrefix("x # comment")
                #expect(result.isValid == inComment, "\(template) with \(piece)")
                // The same bytes decoded lossily (invalid bytes become U+FFFD) are also handled.
                let lossy = String(decoding: bytes, as: UTF8.self)
                #expect(Self.problems(Array(lossy.utf8)).isEmpty)
            }
        }
    }

    @Test func truncationAtEveryPosition() {
        let queries = [
            #"sum by (job) (rate(http_requests_total{job=~"api|web", code!="5\u00e9\x41"}[5m] offset -1h @ 10))"#,
            #"label_replace(x, 'dst', '\'q\'', `src`, "(.*)\\d+") > bool on(a) group_left(b) fill(0) y"#,
            #"rate(x[5m:step()*2]) + rate(y[5m] anchored) + {"utf8.name", "l"="\U0001F600"}"#,
        ]
        for q in queries {
            let bytes = Array(q.utf8)
            #expect(PromQL.parse(utf8: bytes, options: .all).isValid, "\(q)")
            for end in 0...bytes.count {
                #expect(Self.problems(Array(bytes[0..<end])).isEmpty, "prefix \(end) of \(q)")
                #expect(Self.problems(Array(bytes[end...])).isEmpty, "suffix \(end) of \(q)")
            }
        }
    }

    static let fuzzCorpus = [
        "1 + 2 * 3 ^ -4", "sum by (job) (rate(x{a=\"b\"}[5m]))", "topk(5, x) or on(a) bottomk(3, y)",
        "histogram_quantile(0.99, sum by (le) (rate(h_bucket[1m])))", "x[5m:30s] offset -1h @ end()",
        "count_values(\"v\", x) unless ignoring(v) y", "{\"utf8.metric\", \"l.x\"=~\"a|b\"}",
        "label_replace(up, \"d\", \"$1\", \"s\", \"(.*)\")", "x > bool 1 and y", "max_over_time(x[1h:5m] anchored)",
        "a / on(x) group_left(y) b", "a + fill_left(1) fill_right(2) b", "x offset (5m + step())",
        "foo[step() * 2 : min_of(1m, range())]", "-x ^ 2 % 3 atan2 y", "absent(nonexistent{job=\"x\"})",
        "sort_by_label(x, \"a\", \"b\")", "limitk(2, x) by (a)", "quantile(0.5, x) without (b)", "'str' # c\n",
        "x </ 1 >/ 2", "time() - 0x1F + 0755 + 1_000 + .5e-3 + Inf - NaN", "vector(1)[5m:]",
        "rate(x[5m] smoothed)", "sum(x) by (a,) * on() group_right() y", "x @ 1603774568 offset 1d [10m:1m]",
    ]

    static let fragments = [
        "(", ")", "[", "]", "{", "}", ",", ":", "\"", "'", "`", "\\", "#", "@", "=", "!", "~", "<", ">", "/", "+",
        "-", "*", "^", "%", " ", "\n", "by", "on", "offset", "bool", "sum", "5m", "1", "0x", "e", ".", "$", "é",
        "step()", "anchored", "fill(", "group_left", "inf",
    ]

    @Test func seededMutationFuzz() {
        var rng = SplitMix64(seed: 0x5EED_0F_F00D)
        var valid = 0
        var total = 0
        var failures: [String] = []
        for _ in 0..<6000 {
            var bytes = Array(Self.fuzzCorpus.randomElement(using: &rng)!.utf8)
            let edits = Int.random(in: 1...3, using: &rng)
            for _ in 0..<edits {
                let at = Int.random(in: 0...bytes.count, using: &rng)
                switch Int.random(in: 0..<5, using: &rng) {
                case 0:
                    bytes.insert(contentsOf: Self.fragments.randomElement(using: &rng)!.utf8, at: at)
                case 1 where !bytes.isEmpty:
                    let end = Swift.min(bytes.count, at + Int.random(in: 1...4, using: &rng))
                    bytes.removeSubrange(Swift.min(at, bytes.count - 1)..<end)
                case 2 where at < bytes.count:
                    bytes[at] = UInt8.random(in: 0...255, using: &rng)
                case 3 where !bytes.isEmpty:
                    let start = Int.random(in: 0..<bytes.count, using: &rng)
                    let end = Swift.min(bytes.count, start + Int.random(in: 1...8, using: &rng))
                    bytes.insert(contentsOf: bytes[start..<end], at: at)
                default:
                    bytes.insert(UInt8.random(in: 0x20...0x7E, using: &rng), at: at)
                }
            }
            total += 1
            let found = Self.problems(bytes)
            if !found.isEmpty {
                failures.append("\(String(decoding: bytes, as: UTF8.self)): \(found)")
            }
            if PromQL.parse(utf8: bytes, options: .all).isValid { valid += 1 }
            let text = String(decoding: bytes, as: UTF8.self)
            _ = GrafanaQuery.check(text, variables: ["x"], options: .all)
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
        // The mutations must exercise both outcomes.
        #expect(valid > total / 20 && valid < total * 19 / 20, "\(valid) of \(total) valid")
    }

    @Test func manyQueriesParseQuickly() {
        let queries = (0..<2_000).map { i in
            #"sum by (job, instance) (rate(http_requests_total{job="j\#(i)", code=~"5.."}[5m])) / ignoring(code) sum by (job, instance) (rate(http_requests_total[5m])) > \#(i)"#
        }
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for q in queries { precondition(PromQL.parse(q).isValid) }
        }
        #expect(elapsed < .seconds(10), "\(elapsed)")
    }
}

import PromQL
import Testing

struct PrinterTests {
    @Test(arguments: [
        ("sum by(code) (x{job=\"s\"})", "sum by (code) (x{job=\"s\"})"),
        ("sum(x) by (a,b)", "sum by (a, b) (x)"),
        ("sum without(instance) (x)", "sum without (instance) (x)"),
        ("sum by() (x)", "sum by () (x)"),
        ("sum by(\"foo.bar\") (x)", "sum by (\"foo.bar\") (x)"),
        ("topk(5,x)", "topk(5, x)"),
        ("a - on(b) group_left(x, y) c", "a - on (b) group_left (x, y) c"),
        ("a - on(b) group_right c", "a - on (b) group_right () c"),
        ("a - ignoring(b) c", "a - ignoring (b) c"),
        ("a==bool b", "a == bool b"),
        ("a and b", "a and b"),
        ("a+fill(0)b", "a + fill (0) b"),
        ("a + fill_left(1) fill_right(-2) b", "a + fill_left (1) fill_right (-2) b"),
        ("a + fill_left(1) fill_right(1) b", "a + fill (1) b"),
        ("x{a='b',c=~\"d\"}", "x{a=\"b\",c=~\"d\"}"),
        ("{\"foo.bar\"}", "{__name__=\"foo.bar\"}"),
        ("{\"foo.bar\", \"x.y\"=\"1\"}", "{__name__=\"foo.bar\",\"x.y\"=\"1\"}"),
        ("x[300s]", "x[5m]"),
        ("x[4.18]", "x[4s180ms]"),
        ("x[90m]", "x[1h30m]"),
        ("x[1d:7d]", "x[1d:1w]"),
        ("x[5m:]", "x[5m:]"),
        ("x offset -7m", "x offset -7m"),
        ("x OFFSET 1h30m", "x offset 1h30m"),
        ("x @ 1603774568", "x @ 1603774568.000"),
        ("x @ .3", "x @ 0.300"),
        ("x @ start()", "x @ start()"),
        ("x[5m] @ end() offset 1m", "x[5m] @ end() offset 1m"),
        ("x offset 1m @ 2", "x @ 2.000 offset 1m"),
        ("x[5m] anchored", "x[5m] anchored"),
        ("x[5m+step()]", "x[5m + step()]"),
        ("x[(5m+1m)*2]", "x[(5m + 1m) * 2]"),
        ("x offset -(5)", "x offset -(5)"),
        ("x offset max_of(step(),5s)", "x offset max_of(step(), 5s)"),
        ("x offset (5s-8)", "x offset (5s - 8)"),
        ("0x1F", "31"),
        ("0755", "493"),
        ("1e3", "1000"),
        ("1e100", "1e+100"),
        ("+Inf", "Inf"),
        ("-inf", "-Inf"),
        ("nan", "NaN"),
        ("5m", "5m"),
        ("-5m", "-5m"),
        ("'single'", "\"single\""),
        ("`raw\"q`", "\"raw\\\"q\""),
        ("\"\\xFF\"", "\"\\ufffd\""),
        ("-1^2", "-1 ^ 2"),
        ("(-1)^2", "(-1) ^ 2"),
        ("- - -x", "---x"),
        ("1+2*3", "1 + 2 * 3"),
        ("(1+2)*3", "(1 + 2) * 3"),
        ("x atan2 y", "x atan2 y"),
        ("sum(x) # c", "sum(x)"),
        ("rate(x[5m])[30m:1m]", "rate(x[5m])[30m:1m]"),
    ])
    func canonicalForm(query: String, expected: String) throws {
        let e = try #require(tree(query), "\(query) should parse")
        #expect(e.formatted == expected)
        #expect(PromQL.format(query, options: .all) == expected)
    }

    @Test func sortedMatchersOption() throws {
        let e = try #require(tree("x{b=\"2\",a=\"1\"}"))
        #expect(Printer().print(e) == "x{b=\"2\",a=\"1\"}")
        #expect(Printer(sortMatchers: true).print(e) == "x{a=\"1\",b=\"2\"}")
    }

    @Test func formatRejectsInvalidQueries() {
        #expect(PromQL.format("sum(") == nil)
        #expect(PromQL.format("rate(x)") == nil)
    }

    /// Trees built in code (without parentheses nodes) still print so that they parse back the same.
    @Test func constructedTreesGetParenthesesWhereNeeded() {
        let a = Expr.vectorSelector(VectorSelector(metricName: "a"))
        let b = Expr.vectorSelector(VectorSelector(metricName: "b"))
        let c = Expr.vectorSelector(VectorSelector(metricName: "c"))
        let sum = Expr.binary(BinaryExpr(op: .add, lhs: a, rhs: b))
        let product = Expr.binary(BinaryExpr(op: .mul, lhs: sum, rhs: c))
        #expect(product.formatted == "(a + b) * c")
        let rightNested = Expr.binary(BinaryExpr(op: .sub, lhs: a, rhs: .binary(BinaryExpr(op: .sub, lhs: b, rhs: c))))
        #expect(rightNested.formatted == "a - (b - c)")
        let power = Expr.binary(BinaryExpr(op: .pow, lhs: .binary(BinaryExpr(op: .pow, lhs: a, rhs: b)), rhs: c))
        #expect(power.formatted == "(a ^ b) ^ c")
        let negated = Expr.unary(UnaryExpr(op: .minus, expr: sum))
        #expect(negated.formatted == "-(a + b)")
        let sub = Expr.subquery(SubqueryExpr(expr: sum, window: .literal(nanoseconds: 60_000_000_000)))
        #expect(sub.formatted == "(a + b)[1m:]")
        for e in [product, rightNested, power, negated, sub] {
            #expect(tree(e.formatted)?.formatted == e.formatted)
        }
    }

    @Test(arguments: [
        "x offset (1m) + 5", "x offset - -5 + 3", "x offset + -step() + 1", "x offset --step()",
        "x offset (1m) * 2 ^ 3", "x offset -(2) ^ 2", "x offset + -(1) ^ 2", "x[--5m]", "x[-(5m)]", "x[(5m)]",
        "x[5m:(1m)]", "x[min_of(1m, 2m) ^ 2]", "foo offset -1^1",
    ])
    func durationExpressionsRoundTrip(query: String) {
        #expect(tree(query) != nil || parseAll(query).expr != nil, "\(query) should parse")
        #expect(roundTripProblem(query, options: .all) == nil, "\(query)")
    }

    @Test func printingIsAFixedPointOnAVarietyOfQueries() {
        let queries = [
            #"histogram_quantile(0.99, sum by (le, model_name) (rate(vllm:e2e_request_latency_seconds_bucket{model_name=~"m.*"}[5m])))"#,
            #"sum(rate(a[5m])) / on(job) group_left(team) sum by (job, team) (b) > bool 0.5"#,
            #"label_replace(up{job="api"}, "dst", "$1", "instance", "(.*):\\d+")"#,
            #"count_values("version", build_info) unless on(version) (x or y)"#,
            #"-(x) ^ 2 * -y % 3 atan2 4"#,
            #"max_over_time(deriv(rate(x[1m])[5m:30s])[1h:] @ start())"#,
            #"{"weird name\n\"quoted\"", "la bel"=~"v\\.x"}"#,
        ]
        for q in queries {
            #expect(roundTripProblem(q, options: .all) == nil, "\(q)")
        }
    }
}

import PromQL
import Testing

struct ParserTests {
    // MARK: - Precedence and associativity, shown by full parenthesisation

    /// Writes a tree with every binary and unary operation in parentheses.
    static func shape(_ e: Expr) -> String {
        switch e {
        case .binary(let b): "(\(shape(b.lhs)) \(b.op.rawValue) \(shape(b.rhs)))"
        case .unary(let u): "(\(u.op.rawValue)\(shape(u.expr)))"
        case .paren(let p): shape(p.expr)
        default: e.formatted
        }
    }

    @Test(arguments: [
        ("1 + 2 * 3", "(1 + (2 * 3))"),
        ("1 * 2 + 3", "((1 * 2) + 3)"),
        ("a - b - c", "((a - b) - c)"),
        ("a / b * c % d", "(((a / b) * c) % d)"),
        ("2 ^ 3 ^ 2", "(2 ^ (3 ^ 2))"),
        ("-1 ^ 2", "(-(1 ^ 2))"),
        ("-a * b", "((-a) * b)"),
        ("-a + b", "((-a) + b)"),
        ("a * -b ^ c", "(a * (-(b ^ c)))"),
        ("a ^ -b * c", "((a ^ (-b)) * c)"),
        ("a or b and c unless d", "(a or ((b and c) unless d))"),
        ("a == b or c > d", "((a == b) or (c > d))"),
        ("a + b > c * d", "((a + b) > (c * d))"),
        ("a atan2 b + c", "((a atan2 b) + c)"),
        ("a </ b + c", "(a </ (b + c))"),
        ("a + b >/ c", "((a + b) >/ c)"),
        ("1 < bool 2 - 1 * 2", "(1 < (2 - (1 * 2)))"),
        ("-2^---1*3", "((-(2 ^ -1)) * 3)"),
        ("a + b offset 5m", "(a + b offset 5m)"),
        ("foo offset -1^1", "(foo offset -1s ^ 1)"),
        ("foo offset 5m * 2", "(foo offset 5m * 2)"),
        ("foo offset -(5) * 2", "(foo offset -(5) * 2)"),
    ])
    func precedence(query: String, expected: String) throws {
        let e = try #require(tree(query), "\(query) should parse")
        #expect(Self.shape(e) == expected)
    }

    @Test func unarySignsFoldIntoNumbers() throws {
        let e = try #require(tree("- - -1.5"))
        guard case .number(let n) = e else {
            Issue.record("expected a number, got \(e)")
            return
        }
        #expect(n.value == -1.5)
        #expect(n.sourceRange == 0..<8)
    }

    // MARK: - Literals

    @Test(arguments: [
        ("0x1F", 31.0), ("0755", 493), ("-0755", -493), ("1e3", 1000), ("+5.5e-3", 0.0055), (".5", 0.5), ("5m", 300),
        ("1h30m", 5400), ("1_000_000", 1_000_000), ("0x_53_AB", 21419), ("Inf", .infinity), ("-inf", -.infinity),
    ])
    func numbers(query: String, value: Double) throws {
        guard case .number(let n) = try #require(tree(query)) else {
            Issue.record("not a number literal")
            return
        }
        #expect(n.value == value)
    }

    @Test func nanAndDurationFlag() throws {
        guard case .number(let nan) = try #require(tree("NaN")) else { return }
        #expect(nan.value.isNaN)
        guard case .number(let d) = try #require(tree("5m")) else { return }
        #expect(d.isDuration)
        #expect(tree("NaN") == tree("nan"))
    }

    @Test(arguments: [
        (#""double""#, "double"), ("'single'", "single"), ("`raw\\n`", "raw\\n"), (#""tab\there""#, "tab\there"),
        (#""\u00e9\U0001F600""#, "é😀"), (#"'it\'s'"#, "it's"), ("\"日本\"", "日本"),
    ])
    func strings(query: String, value: String) throws {
        guard case .string(let s) = try #require(tree(query)) else {
            Issue.record("not a string")
            return
        }
        #expect(s.value == value)
    }

    // MARK: - Selectors

    @Test func selectorParts() throws {
        guard case .vectorSelector(let vs) = try #require(tree(#"foo:bar{a="b", c!="d", e=~"f.*", g!~"h",}"#)) else {
            Issue.record("not a selector")
            return
        }
        #expect(vs.metricName == "foo:bar")
        #expect(vs.name == "foo:bar")
        #expect(vs.matchers.map(\.name) == ["a", "c", "e", "g"])
        #expect(vs.matchers.map(\.op) == [.equal, .notEqual, .regexMatch, .regexNoMatch])
        #expect(vs.matchers.map(\.value) == ["b", "d", "f.*", "h"])
        #expect(vs.matchers[0].valueRange == 10..<13)
    }

    @Test(arguments: [
        #"{"foo.bar"}"#, #"{"foo.bar", "service.name"="api"}"#, #"{__name__="foo.bar"}"#,
        #"{"service.name"="api", "foo.bar"}"#,
    ])
    func quotedUTF8Names(query: String) throws {
        let e = try #require(tree(query))
        #expect(e.metricNames == ["foo.bar"])
    }

    @Test(arguments: [
        "sum", "avg", "offset", "by", "without", "and", "start", "end", "step", "range", "anchored", "smoothed", "fill",
        "limitk", "max_of", "group", "count_values",
    ])
    func keywordsAsMetricNames(name: String) throws {
        let e = try #require(tree("\(name) + \(name){x=\"y\"}"))
        #expect(e.metricNames == [name, name])
    }

    @Test(arguments: ["bool", "on", "ignoring", "group_left", "group_right", "atan2"])
    func keywordsThatAreNotMetricNames(name: String) {
        #expect(tree(name) == nil)
    }

    @Test func keywordsAsLabelNames() throws {
        let e = try #require(
            tree(#"sum without(and, by, avg, count, alert, on, group_left) (x{offset="1", bool="2"})"#))
        guard case .aggregation(let a) = e else { return }
        #expect(a.groupingLabels == ["and", "by", "avg", "count", "alert", "on", "group_left"])
        #expect(a.isWithout)
        #expect(a.expr.vectorSelectors.first?.matchers.map(\.name) == ["offset", "bool"])
    }

    // MARK: - Ranges, subqueries and modifiers

    @Test func rangeSelector() throws {
        guard case .matrixSelector(let m) = try #require(tree(#"rate_total{a="b"}[5m30s] offset -1h @ 100.5"#)) else {
            Issue.record("not a range selector")
            return
        }
        #expect(m.window.seconds == 330)
        #expect(m.selector.offset?.value == .literal(nanoseconds: -3_600_000_000_000))
        #expect(m.selector.at?.kind == .timestamp(milliseconds: 100_500))
        #expect(m.windowRange == 18..<23)
    }

    @Test(arguments: [("foo[5]", 5.0), ("foo[4.18]", 4.18), ("foo[1000ms]", 1), ("foo[1y]", 31_536_000)])
    func numbersWorkAsDurations(query: String, seconds: Double) throws {
        let m = try #require(tree(query)?.matrixSelectors.first)
        #expect(m.window.seconds == seconds)
    }

    @Test func subqueryParts() throws {
        guard case .subquery(let s) = try #require(tree("max_over_time(rate(x[1m])[1h:5m] offset 1d)[2h:] @ end()"))
        else {
            Issue.record("not a subquery")
            return
        }
        #expect(s.window.seconds == 7200)
        #expect(s.step == nil)
        #expect(s.at?.kind == .end)
        let inner = try #require(s.expr.subqueries.first)
        #expect(inner.step?.seconds == 300)
        #expect(inner.offset?.value.seconds == 86400)
    }

    @Test(arguments: [
        "foo[5m:]", "foo[5m:1m]", "foo @ 1603774568", "foo @ -100", "foo @ .3", "foo @ 0xA", "foo @ 1m",
        "foo offset 3600", "foo @ 123 offset 1m[10m:5s]", "(foo + bar)[5m:] offset 10m @ start()",
        "foo offset 1s @ 2", "foo @ 2 offset 1s", "x[5m] anchored", "x[5m] smoothed offset 1m", "x smoothed",
        "foo offset 0 [5m]", "foo anchored [5m]",
    ])
    func validModifiers(query: String) {
        #expect(tree(query) != nil, "\(query) should parse")
    }

    @Test func durationExpressions() throws {
        let m = try #require(tree("foo[5m + step() * 2]")?.matrixSelectors.first)
        #expect(
            m.window
                == .expression(
                    .binary(
                        .add, .number(NumberLiteral(value: 300, isDuration: true)),
                        .binary(.mul, .step, .number(NumberLiteral(value: 2)))))
        )
        let o = try #require(tree("foo offset -max_of(step(), 5s)")?.vectorSelectors.first?.offset)
        #expect(
            o.value == .expression(.unary(.minus, .maxOf(.step, .number(NumberLiteral(value: 5, isDuration: true))))))
        #expect(tree("foo offset (5s - 8)")?.vectorSelectors.first?.offset?.value.seconds == nil)
    }

    @Test func offsetTakesOneTermUnlessParenthesised() throws {
        // A leading parenthesis makes the whole arithmetic part of the offset.
        let a = try #require(tree("foo offset (1m) * 2"))
        #expect(a.vectorSelectors.count == 1)
        guard case .vectorSelector = a else {
            Issue.record("expected the multiplication inside the offset")
            return
        }
        // Otherwise the arithmetic applies to the selector.
        guard case .binary(let b) = try #require(tree("foo offset 1m * 2")) else {
            Issue.record("expected a multiplication")
            return
        }
        #expect(b.op == .mul)
    }

    // MARK: - Aggregations

    @Test(arguments: [
        ("sum by (job) (x)", false, ["job"]), ("sum(x) by (job)", false, ["job"]),
        ("sum without (a, b,) (x)", true, ["a", "b"]), ("sum(x) without ()", true, []),
        (#"sum by ("foo.bar") (x)"#, false, ["foo.bar"]), ("SUM BY (Job) (x)", false, ["Job"]),
    ])
    func grouping(query: String, without: Bool, labels: [String]) throws {
        guard case .aggregation(let a) = try #require(tree(query)) else { return }
        #expect(a.op == .sum)
        #expect(a.isWithout == without)
        #expect(a.groupingLabels == labels)
    }

    @Test(arguments: [
        ("topk(5, x)", AggregationOp.topk), ("bottomk(5, x)", .bottomk), ("quantile(0.9, x)", .quantile),
        (#"count_values("v", x)"#, .countValues), ("limitk(2, x)", .limitk), ("limit_ratio(0.5, x)", .limitRatio),
    ])
    func parameters(query: String, op: AggregationOp) throws {
        guard case .aggregation(let a) = try #require(tree(query)) else { return }
        #expect(a.op == op)
        #expect(a.param != nil)
        #expect(op.takesParameter)
    }

    @Test(arguments: AggregationOp.allCases)
    func everyAggregationOperator(op: AggregationOp) {
        let query = op.takesParameter ? "\(op.rawValue)(\(op == .countValues ? "\"v\"" : "1"), x)" : "\(op.rawValue)(x)"
        #expect(tree(query) != nil, "\(query)")
    }

    // MARK: - Binary operators

    @Test func vectorMatching() throws {
        guard case .binary(let b) = try #require(tree("a / on(job, instance) group_left(team) b")) else { return }
        #expect(b.matching.clause == .on(["job", "instance"]))
        #expect(b.matching.group == .left(["team"]))
        #expect(b.cardinality == .manyToOne)
        guard case .binary(let c) = try #require(tree("a and ignoring(x) b")) else { return }
        #expect(c.cardinality == .manyToMany)
        guard case .binary(let d) = try #require(tree("a > bool b")) else { return }
        #expect(d.returnBool)
        guard case .binary(let e) = try #require(tree("a + on(x) group_right b")) else { return }
        #expect(e.matching.group == .right([]))
    }

    @Test(
        arguments: [
            ("a + fill(0) b", 0.0, 0.0), ("a + fill_left(1) b", 1, nil), ("a + fill_right(-2) b", nil, -2),
            ("a + fill_left(1) fill_right(2) b", 1, 2), ("a + fill_right(2) fill_left(1) b", 1, 2),
            ("a + on(x) group_left fill(5m) b", 300, 300),
        ] as [(String, Double?, Double?)])
    func fillModifiers(query: String, lhs: Double?, rhs: Double?) throws {
        guard case .binary(let b) = try #require(tree(query)) else { return }
        #expect(b.matching.fill == FillModifier(lhs: lhs, rhs: rhs))
    }

    @Test(arguments: BinaryOp.allCases)
    func everyBinaryOperator(op: BinaryOp) {
        let modifier = op.isComparison ? " bool" : ""
        #expect(tree("a \(op.rawValue)\(modifier) b") != nil)
        #expect(tree("1 \(op.rawValue)\(modifier) 2") != nil || op.isSetOperator)
    }

    // MARK: - Functions

    @Test(arguments: FunctionSignature.all)
    func everyFunctionWithMinimalArguments(function: FunctionSignature) {
        let args = (0..<function.minArgs).map { i -> String in
            switch function.argTypes[Swift.min(i, function.argTypes.count - 1)] {
            case .scalar: "1"
            case .string: "\"s\""
            case .instantVector: "x"
            case .rangeVector: "x[5m]"
            }
        }
        let query = "\(function.name)(\(args.joined(separator: ", ")))"
        let result = parseAll(query)
        #expect(result.isValid, "\(query): \(result.errors.map(\.message))")
        #expect(result.type == function.returnType)
    }

    @Test func functionTable() {
        #expect(FunctionSignature.all.count == 90)
        #expect(FunctionSignature.all.filter(\.isExperimental).count == 17)
        #expect(FunctionSignature.named("label_join")?.maxArgs == nil)
        #expect(FunctionSignature.named("histogram_quantiles")?.maxArgs == 12)
        #expect(FunctionSignature.named("round")?.minArgs == 1)
        #expect(FunctionSignature.named("Rate") == nil)
    }

    @Test func functionNamesAreCaseSensitiveButKeywordsAreNot() {
        #expect(firstError("Rate(x[5m])") == "unknown function with name \"Rate\"")
        #expect(tree("SUM(x) BY (a)") != nil)
        #expect(firstError("STEP()") == "unknown function with name \"STEP\"")
    }

    // MARK: - Walking

    @Test func walkAndAccessors() throws {
        let e = try #require(tree(#"sum by (job) (rate(a{x="1"}[5m])) / on(job) sum(b offset 1h) > 0"#))
        var kinds: [String] = []
        e.walk { node in
            switch node {
            case .binary: kinds.append("binary")
            case .aggregation: kinds.append("aggregation")
            case .call: kinds.append("call")
            case .matrixSelector: kinds.append("range")
            case .vectorSelector: kinds.append("selector")
            case .number: kinds.append("number")
            default: kinds.append("other")
            }
        }
        #expect(kinds == ["binary", "binary", "aggregation", "call", "range", "aggregation", "selector", "number"])
        #expect(e.metricNames == ["a", "b"])
        #expect(e.functionCalls.map(\.name) == ["rate"])
        #expect(e.aggregations.map(\.groupingLabels) == [["job"], []])
        #expect(e.matrixSelectors.first?.window.seconds == 300)
        #expect(e.children.count == 2)

        var depthOfRate = -1
        e.walk(withAncestors: { node, ancestors in
            if case .call(let c) = node, c.name == "rate" { depthOfRate = ancestors.count }
            return true
        })
        #expect(depthOfRate == 3)
    }

    @Test func sourceRangesCoverTheText() throws {
        let query = #"sum(rate(x{a="b"}[5m])) by (a)"#
        let e = try #require(tree(query))
        #expect(e.sourceRange == 0..<query.utf8.count)
        let call = try #require(e.functionCalls.first)
        #expect(call.sourceRange == 4..<22)
        #expect(call.nameRange == 4..<8)
        let m = try #require(e.matrixSelectors.first)
        #expect(m.sourceRange == 9..<21)
    }

    @Test func equalityIgnoresPositionsAndFormatting() {
        #expect(tree("sum by(a)(rate(x[5m]))") == tree("sum(\n  rate( x [ 5m ] )\n) by (a)"))
        #expect(tree("x offset 1m") != tree("x offset 2m"))
        #expect(tree("foo[300s]") == tree("foo[5m]"))
        #expect(tree("a + b") != tree("b + a"))
    }

    @Test func resultTypes() {
        #expect(parseAll("1 + 1").type == .scalar)
        #expect(parseAll("\"s\"").type == .string)
        #expect(parseAll("x").type == .instantVector)
        #expect(parseAll("x[5m]").type == .rangeVector)
        #expect(parseAll("x[5m:]").type == .rangeVector)
        #expect(parseAll("scalar(x) * 2").type == .scalar)
        #expect(parseAll("x * 2").type == .instantVector)
        #expect(parseAll("-(x)").type == .instantVector)
        #expect(ValueType.rangeVector.prometheusName == "matrix")
        #expect(ValueType.instantVector.description == "instant vector")
    }

    @Test func commentsAreIgnored() {
        #expect(tree("sum(x) # total\n  by (job) # per job") == tree("sum by (job) (x)"))
    }
}

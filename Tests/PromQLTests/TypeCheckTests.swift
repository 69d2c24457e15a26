import PromQL
import Testing

/// Prometheus's semantic rules, with its messages.
struct TypeCheckTests {
    @Test(arguments: [
        ("rate(some_metric)", "expected type range vector in call to function \"rate\", got instant vector"),
        ("floor(1)", "expected type instant vector in call to function \"floor\", got scalar"),
        ("floor()", "expected 1 argument(s) in call to \"floor\", got 0"),
        ("floor(x, 1)", "expected 1 argument(s) in call to \"floor\", got 2"),
        ("hour(x, x, x)", "expected at most 1 argument(s) in call to \"hour\", got 3"),
        ("label_join(x)", "expected at least 3 argument(s) in call to \"label_join\", got 1"),
        ("time(x)", "expected 0 argument(s) in call to \"time\", got 1"),
        (
            "histogram_quantile(x, y)",
            "expected type scalar in call to function \"histogram_quantile\", got instant vector"
        ),
        (
            "label_replace(x, 1, \"a\", \"b\", \"c\")",
            "expected type string in call to function \"label_replace\", got scalar"
        ),
        ("vector(x)", "expected type scalar in call to function \"vector\", got instant vector"),
        ("nope(x)", "unknown function with name \"nope\""),
        ("sum(x[5m])", "expected type instant vector in aggregation expression, got range vector"),
        ("topk(x, y)", "expected type scalar in aggregation parameter, got instant vector"),
        ("count_values(5, x)", "expected type string in aggregation parameter, got scalar"),
        ("quantile(\"a\", x)", "expected type scalar in aggregation parameter, got string"),
        ("topk(x)", "wrong number of arguments for aggregate expression provided, expected 2, got 1"),
        ("sum(x, y)", "wrong number of arguments for aggregate expression provided, expected 1, got 2"),
        ("sum()", "no arguments for aggregate expression provided"),
        ("1 == 1", "comparisons between scalars must use BOOL modifier"),
        ("x + bool y", "bool modifier can only be used on comparison operators"),
        ("1 and 1", "set operator \"and\" not allowed in binary scalar expression"),
        ("x or 1", "set operator \"or\" not allowed in binary scalar expression"),
        ("x and on(a) group_left(b) y", "no grouping allowed for \"and\" operation"),
        ("x == on(a) 1", "vector matching only allowed between instant vectors"),
        ("x + on(a) group_left(a) y", "label \"a\" must not occur in ON and GROUP clause at once"),
        ("x[5m] + 1", "binary expression must contain only scalar and instant vector types"),
        ("\"a\" + 1", "binary expression must contain only scalar and instant vector types"),
        ("x + fill(0) 1", "filling in missing series only allowed between instant vectors"),
        ("x or fill(0) y", "filling in missing series not allowed for set operators"),
        ("-\"s\"", "unary expression only allowed on expressions of type scalar or instant vector, got \"string\""),
        (
            "-x[5m]",
            "unary expression only allowed on expressions of type scalar or instant vector, got \"range vector\""
        ),
        ("x[5m][1h:]", "subquery is only allowed on instant vector, got matrix instead"),
        ("(1)[5m:]", "subquery is only allowed on instant vector, got scalar instead"),
        ("{}", "vector selector must contain at least one non-empty matcher"),
        ("{x=\"\"}", "vector selector must contain at least one non-empty matcher"),
        ("{x=~\".*\"}", "vector selector must contain at least one non-empty matcher"),
        ("{x!~\".+\"}", "vector selector must contain at least one non-empty matcher"),
        ("{x!=\"a\"}", "vector selector must contain at least one non-empty matcher"),
        ("{x=~\"a|\"}", "vector selector must contain at least one non-empty matcher"),
        ("foo{__name__=\"bar\"}", "metric name must not be set twice: \"foo\" or \"bar\""),
        ("foo{\"bar\"}", "metric name must not be set twice: \"foo\" or \"bar\""),
        ("info(x, y{a=\"b\"})", "expected label selectors only, got vector selector instead"),
        ("info(x, {a=\"b\"} == 1)", "expected label selectors only"),
        ("(x + y)[5m]", "ranges only allowed for vector selectors"),
        ("x offset 1m [5m]", "no offset modifiers allowed before range"),
        ("x @ 1 [5m]", "no @ modifiers allowed before range"),
        (
            "sum(x) offset 1m",
            "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery"
        ),
        (
            "rate(x[5m]) @ 1",
            "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery"
        ),
        ("x offset 1s offset 2s", "offset may not be set multiple times"),
        ("x @ 1 @ 2", "@ <timestamp> may not be set multiple times"),
        ("x @ +Inf", "timestamp out of bounds for @ modifier: +Inf"),
        ("x @ NaN", "timestamp out of bounds for @ modifier: NaN"),
        ("x[0m]", "duration must be greater than 0"),
        ("x[-1]", "duration must be greater than 0"),
        ("x[5m:0s]", "duration must be greater than 0"),
        ("x[5s/0d]", "division by zero"),
        ("x[5s%0]", "modulo by zero"),
        ("x[9.5e10]", "duration out of range"),
        ("x offset 9.5e10", "duration out of range"),
        ("x[5m1h]", "not a valid duration string: \"5m1h\""),
        ("x anchored smoothed", "anchored and smoothed modifiers cannot be used together"),
        ("x[5m:] anchored", "anchored modifier is not supported for subqueries"),
        ("sum(x) smoothed", "smoothed modifier not implemented"),
        ("sum by (\"\") (x)", "invalid label name for grouping: \"\""),
        ("topk(5, x,)", "trailing commas not allowed in function call args"),
        ("x{a=~\"(\"}", "error parsing regexp: missing closing ): `(`"),
        (
            String(repeating: "9", count: 400),
            "error parsing number: strconv.ParseFloat: parsing \"" + String(repeating: "9", count: 400)
                + "\": value out of range"
        ),
    ])
    func semanticErrors(query: String, message: String) {
        let result = parseAll(query)
        #expect(!result.isValid)
        #expect(result.errors.map(\.message).contains(message), "\(query): \(result.errors.map(\.message))")
    }

    @Test(arguments: [
        "x and on() y", "1 or on() x" as String,
    ])
    func onWithoutLabelsIsAllowedWithScalarsButSetOperatorsAreNot(query: String) {
        let result = parseAll(query)
        #expect(result.isValid == !query.hasPrefix("1"))
    }

    @Test(arguments: [
        "info(x, {a=\"\"})", "info(x)", "x + on() 1", "x > bool 1", "1 > bool 1", "{a=~\".+\"}", "{a!~\".*\"}",
        "{a!=\"\", b=\"c\"}", "{__name__=~\"foo.*\"}", "foo{}", "x < 1", "time() - timestamp(x)", "\"just a string\"",
        "x[5m] offset 1m", "scalar(x) * vector(1)", "x </ 1", "x >/ y", "label_join(x, \"a\", \",\", \"b\", \"c\")",
        "histogram_quantiles(x, \"q\", 0.5, 0.9, 0.99)", "sort_by_label(x, \"a\", \"b\")", "round(x, 5)",
        "abs(-x)", "(x)", "((x))[5m:1m]", "x unless on(a) y", "foo offset 0 offset 1m",
    ])
    func validQueries(query: String) {
        let result = parseAll(query)
        #expect(result.isValid, "\(query): \(result.errors.map(\.message))")
    }

    @Test func typeErrorsAreCollectedTogether() {
        let result = parseAll("floor(1) + rate(x) + sum(x[5m])")
        let messages = result.errors.map(\.message)
        #expect(messages.count == 3, "\(messages)")
        #expect(messages.contains("expected type instant vector in call to function \"floor\", got scalar"))
        #expect(messages.contains("expected type range vector in call to function \"rate\", got instant vector"))
        #expect(messages.contains("expected type instant vector in aggregation expression, got range vector"))
    }

    @Test func unknownFunctionsDoNotCascade() {
        let result = parseAll("nope(x) + 1 > 2")
        #expect(result.errors.map(\.message) == ["unknown function with name \"nope\""])
    }

    @Test func infoSecondArgumentSkipsTheEmptyMatcherCheck() {
        #expect(parseAll("info(rate(x[5m]), {k=~\".*\"})").isValid)
        #expect(!parseAll("rate(x[5m]) + on() {k=~\".*\"}").isValid)
    }
}

import PromQL
import Testing

/// Each of Prometheus's four parser switches gates its syntax, with Prometheus's messages.
struct FeatureSwitchTests {
    enum Switch: String, CaseIterable, Sendable {
        case experimentalFunctions, durationExpressions, extendedRangeSelectors, binopFillModifiers

        func enabled(in base: ParserOptions, _ on: Bool) -> ParserOptions {
            var o = base
            switch self {
            case .experimentalFunctions: o.experimentalFunctions = on
            case .durationExpressions: o.durationExpressions = on
            case .extendedRangeSelectors: o.extendedRangeSelectors = on
            case .binopFillModifiers: o.binopFillModifiers = on
            }
            return o
        }
    }

    @Test(arguments: [
        ("sort_by_label(x, \"a\")", Switch.experimentalFunctions, "function \"sort_by_label\" is not enabled"),
        ("mad_over_time(x[5m])", .experimentalFunctions, "function \"mad_over_time\" is not enabled"),
        ("step()", .experimentalFunctions, "function \"step\" is not enabled"),
        (
            "limitk(2, x)", .experimentalFunctions,
            "limitk() is experimental and must be enabled with --enable-feature=promql-experimental-functions"
        ),
        (
            "limit_ratio(0.5, x)", .experimentalFunctions,
            "limit_ratio() is experimental and must be enabled with --enable-feature=promql-experimental-functions"
        ),
        ("x[5m + 1m]", .durationExpressions, "experimental duration expression is not enabled"),
        ("x[step()]", .durationExpressions, "experimental duration expression is not enabled"),
        ("x offset (1m)", .durationExpressions, "experimental duration expression is not enabled"),
        ("x[5m:max_of(1m, step())]", .durationExpressions, "experimental duration expression is not enabled"),
        ("x[5m] anchored", .extendedRangeSelectors, "anchored modifier is experimental and not enabled"),
        ("x[5m] smoothed", .extendedRangeSelectors, "smoothed modifier is experimental and not enabled"),
        ("a + fill(0) b", .binopFillModifiers, "binop fill modifiers are experimental and not enabled"),
        ("a * on(x) fill_left(1) b", .binopFillModifiers, "binop fill modifiers are experimental and not enabled"),
    ])
    func switchGatesSyntax(query: String, feature: Switch, message: String) {
        let on = PromQL.parse(query, options: feature.enabled(in: .all, true))
        #expect(on.isValid, "\(query): \(on.errors.map(\.message))")
        let off = PromQL.parse(query, options: feature.enabled(in: .all, false))
        #expect(!off.isValid)
        #expect(off.errors.map(\.message).contains(message), "\(off.errors.map(\.message))")
        #expect(off.errors.contains { $0.id == .featureDisabled })
    }

    @Test func presets() {
        #expect(ParserOptions.default.durationExpressions)
        #expect(!ParserOptions.default.experimentalFunctions)
        #expect(!ParserOptions.default.extendedRangeSelectors)
        #expect(!ParserOptions.default.binopFillModifiers)
        #expect(ParserOptions.all.experimentalFunctions && ParserOptions.all.binopFillModifiers)
        #expect(!ParserOptions.minimal.durationExpressions)
        #expect(PromQL.parse("x[5m]", options: .minimal).isValid)
        #expect(PromQL.parse("x offset -5m", options: .minimal).isValid)
        #expect(PromQL.parse("rate(x[5m])").isValid)
    }

    /// A sign before a number is not a duration expression, and neither is Prometheus's `-(…)` after offset.
    @Test func signsAreNotGated() {
        #expect(PromQL.parse("x offset -5m", options: .minimal).isValid)
        #expect(PromQL.parse("x offset -(5m)", options: .minimal).isValid)
        #expect(!PromQL.parse("x offset (5m)", options: .minimal).isValid)
    }

    @Test func fillWordsAreMetricNamesWithoutParentheses() {
        #expect(PromQL.parse("fill + fill_left", options: .minimal).isValid)
        #expect(!PromQL.parse("a + fill (1) b", options: .minimal).isValid)
    }

    @Test func nestingLimitIsAnOption() {
        var options = ParserOptions.all
        options.maxNestingDepth = 10
        let deep = String(repeating: "(", count: 20) + "1" + String(repeating: ")", count: 20)
        let result = PromQL.parse(deep, options: options)
        #expect(!result.isValid)
        #expect(result.errors.first?.id == .nesting)
        #expect(result.errors.first?.message == "expression nests too deeply (the limit is 10 levels)")
        #expect(PromQL.parse("((1))", options: options).isValid)
    }
}

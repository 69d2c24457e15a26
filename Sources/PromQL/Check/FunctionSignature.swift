/// The signature of a PromQL function, as Prometheus's parser declares it.
public struct FunctionSignature: Hashable, Sendable {
    /// The function name.
    public let name: String
    /// The argument types; extra arguments of variadic functions take the last type.
    public let argTypes: [ValueType]
    /// 0: exactly `argTypes.count` arguments; n > 0: the last argument is optional and may repeat up to
    /// n times; -1: the last argument is optional and may repeat without limit.
    public let variadic: Int
    /// The result type.
    public let returnType: ValueType
    /// Whether the function is behind the experimental-functions switch.
    public let isExperimental: Bool

    /// The fewest arguments accepted.
    public var minArgs: Int { variadic == 0 ? argTypes.count : argTypes.count - 1 }
    /// The most arguments accepted (nil: unbounded).
    public var maxArgs: Int? {
        if variadic == 0 { return argTypes.count }
        if variadic < 0 { return nil }
        return argTypes.count - 1 + variadic
    }

    /// The type expected for the argument at `index`, or nil beyond the last accepted argument.
    public func argType(at index: Int) -> ValueType? {
        if index < argTypes.count { return argTypes[index] }
        return variadic == 0 ? nil : argTypes.last
    }

    /// Looks a function up by its exact (case-sensitive) name.
    public static func named(_ name: String) -> FunctionSignature? { byName[name] }

    /// All functions, sorted by name.
    public static let all: [FunctionSignature] = [
        sig("abs", [.instantVector], .instantVector),
        sig("absent", [.instantVector], .instantVector),
        sig("absent_over_time", [.rangeVector], .instantVector),
        sig("acos", [.instantVector], .instantVector),
        sig("acosh", [.instantVector], .instantVector),
        sig("asin", [.instantVector], .instantVector),
        sig("asinh", [.instantVector], .instantVector),
        sig("atan", [.instantVector], .instantVector),
        sig("atanh", [.instantVector], .instantVector),
        sig("avg_over_time", [.rangeVector], .instantVector),
        sig("ceil", [.instantVector], .instantVector),
        sig("changes", [.rangeVector], .instantVector),
        sig("clamp", [.instantVector, .scalar, .scalar], .instantVector),
        sig("clamp_max", [.instantVector, .scalar], .instantVector),
        sig("clamp_min", [.instantVector, .scalar], .instantVector),
        sig("cos", [.instantVector], .instantVector),
        sig("cosh", [.instantVector], .instantVector),
        sig("count_over_time", [.rangeVector], .instantVector),
        sig("day_of_month", [.instantVector], .instantVector, variadic: 1),
        sig("day_of_week", [.instantVector], .instantVector, variadic: 1),
        sig("day_of_year", [.instantVector], .instantVector, variadic: 1),
        sig("days_in_month", [.instantVector], .instantVector, variadic: 1),
        sig("deg", [.instantVector], .instantVector),
        sig("delta", [.rangeVector], .instantVector),
        sig("deriv", [.rangeVector], .instantVector),
        sig("double_exponential_smoothing", [.rangeVector, .scalar, .scalar], .instantVector, experimental: true),
        sig("end", [], .scalar, experimental: true),
        sig("exp", [.instantVector], .instantVector),
        sig("first_over_time", [.rangeVector], .instantVector),
        sig("floor", [.instantVector], .instantVector),
        sig("histogram_avg", [.instantVector], .instantVector),
        sig("histogram_count", [.instantVector], .instantVector),
        sig("histogram_fraction", [.scalar, .scalar, .instantVector], .instantVector),
        sig("histogram_quantile", [.scalar, .instantVector], .instantVector),
        sig(
            "histogram_quantiles", [.instantVector, .string, .scalar, .scalar], .instantVector, variadic: 9,
            experimental: true),
        sig("histogram_stddev", [.instantVector], .instantVector),
        sig("histogram_stdvar", [.instantVector], .instantVector),
        sig("histogram_sum", [.instantVector], .instantVector),
        sig("hour", [.instantVector], .instantVector, variadic: 1),
        sig("idelta", [.rangeVector], .instantVector),
        sig("increase", [.rangeVector], .instantVector),
        sig("info", [.instantVector, .instantVector], .instantVector, variadic: 1, experimental: true),
        sig("irate", [.rangeVector], .instantVector),
        sig("label_join", [.instantVector, .string, .string, .string], .instantVector, variadic: -1),
        sig("label_replace", [.instantVector, .string, .string, .string, .string], .instantVector),
        sig("last_over_time", [.rangeVector], .instantVector),
        sig("ln", [.instantVector], .instantVector),
        sig("log10", [.instantVector], .instantVector),
        sig("log2", [.instantVector], .instantVector),
        sig("mad_over_time", [.rangeVector], .instantVector, experimental: true),
        sig("max_of", [.scalar, .scalar], .scalar, experimental: true),
        sig("max_over_time", [.rangeVector], .instantVector),
        sig("min_of", [.scalar, .scalar], .scalar, experimental: true),
        sig("min_over_time", [.rangeVector], .instantVector),
        sig("minute", [.instantVector], .instantVector, variadic: 1),
        sig("month", [.instantVector], .instantVector, variadic: 1),
        sig("pi", [], .scalar),
        sig("predict_linear", [.rangeVector, .scalar], .instantVector),
        sig("present_over_time", [.rangeVector], .instantVector),
        sig("quantile_over_time", [.scalar, .rangeVector], .instantVector),
        sig("rad", [.instantVector], .instantVector),
        sig("range", [], .scalar, experimental: true),
        sig("rate", [.rangeVector], .instantVector),
        sig("resets", [.rangeVector], .instantVector),
        sig("round", [.instantVector, .scalar], .instantVector, variadic: 1),
        sig("scalar", [.instantVector], .scalar),
        sig("sgn", [.instantVector], .instantVector),
        sig("sin", [.instantVector], .instantVector),
        sig("sinh", [.instantVector], .instantVector),
        sig("sort", [.instantVector], .instantVector),
        sig("sort_by_label", [.instantVector, .string], .instantVector, variadic: -1, experimental: true),
        sig("sort_by_label_desc", [.instantVector, .string], .instantVector, variadic: -1, experimental: true),
        sig("sort_desc", [.instantVector], .instantVector),
        sig("sqrt", [.instantVector], .instantVector),
        sig("start", [], .scalar, experimental: true),
        sig("start_timestamp", [.instantVector], .instantVector, experimental: true),
        sig("stddev_over_time", [.rangeVector], .instantVector),
        sig("stdvar_over_time", [.rangeVector], .instantVector),
        sig("step", [], .scalar, experimental: true),
        sig("sum_over_time", [.rangeVector], .instantVector),
        sig("tan", [.instantVector], .instantVector),
        sig("tanh", [.instantVector], .instantVector),
        sig("time", [], .scalar),
        sig("timestamp", [.instantVector], .instantVector),
        sig("ts_of_first_over_time", [.rangeVector], .instantVector, experimental: true),
        sig("ts_of_last_over_time", [.rangeVector], .instantVector, experimental: true),
        sig("ts_of_max_over_time", [.rangeVector], .instantVector, experimental: true),
        sig("ts_of_min_over_time", [.rangeVector], .instantVector, experimental: true),
        sig("vector", [.scalar], .instantVector),
        sig("year", [.instantVector], .instantVector, variadic: 1),
    ]

    private static func sig(
        _ name: String, _ argTypes: [ValueType], _ returnType: ValueType, variadic: Int = 0, experimental: Bool = false
    ) -> FunctionSignature {
        FunctionSignature(
            name: name, argTypes: argTypes, variadic: variadic, returnType: returnType, isExperimental: experimental)
    }

    private static let byName: [String: FunctionSignature] = Dictionary(
        uniqueKeysWithValues: all.map { ($0.name, $0) })
}

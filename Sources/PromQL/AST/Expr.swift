/// A PromQL expression.
///
/// Every node carries `sourceRange`, its UTF-8 byte range in the parsed query. Equality and hashing
/// ignore source ranges, so two parses of differently formatted but equivalent text compare equal.
public indirect enum Expr: Hashable, Sendable {
    /// A number literal, such as `1`, `0x1F`, `Inf` or `5m` used as a scalar.
    case number(NumberLiteral)
    /// A string literal.
    case string(StringLiteral)
    /// An instant vector selector: `foo{job="api"}`.
    case vectorSelector(VectorSelector)
    /// A range vector selector: `foo[5m]`.
    case matrixSelector(MatrixSelector)
    /// A subquery: `rate(foo[1m])[1h:5m]`.
    case subquery(SubqueryExpr)
    /// A function call: `rate(foo[5m])`.
    case call(FunctionCall)
    /// An aggregation: `sum by (job) (foo)`.
    case aggregation(Aggregation)
    /// A binary operation: `a / on(job) b`.
    case binary(BinaryExpr)
    /// A unary sign: `-foo`.
    case unary(UnaryExpr)
    /// A parenthesised expression.
    case paren(ParenExpr)

    // Equality and hashing are written out so that each recursion level keeps a small stack frame
    // (the synthesized versions bind every case's payload in one frame).
    public static func == (a: Expr, b: Expr) -> Bool {
        switch a {
        case .number: return equalNumber(a, b)
        case .string: return equalString(a, b)
        case .vectorSelector: return equalVectorSelector(a, b)
        case .matrixSelector: return equalMatrixSelector(a, b)
        case .subquery: return equalSubquery(a, b)
        case .call: return equalCall(a, b)
        case .aggregation: return equalAggregation(a, b)
        case .binary: return equalBinary(a, b)
        case .unary: return equalUnary(a, b)
        case .paren: return equalParen(a, b)
        }
    }

    @inline(never) private static func equalNumber(_ a: Expr, _ b: Expr) -> Bool {
        guard case .number(let x) = a, case .number(let y) = b else { return false }
        return x == y
    }
    @inline(never) private static func equalString(_ a: Expr, _ b: Expr) -> Bool {
        guard case .string(let x) = a, case .string(let y) = b else { return false }
        return x == y
    }
    @inline(never) private static func equalVectorSelector(_ a: Expr, _ b: Expr) -> Bool {
        guard case .vectorSelector(let x) = a, case .vectorSelector(let y) = b else { return false }
        return x == y
    }
    @inline(never) private static func equalMatrixSelector(_ a: Expr, _ b: Expr) -> Bool {
        guard case .matrixSelector(let x) = a, case .matrixSelector(let y) = b else { return false }
        return x == y
    }
    @inline(never) private static func equalSubquery(_ a: Expr, _ b: Expr) -> Bool {
        guard case .subquery(let x) = a, case .subquery(let y) = b else { return false }
        return x == y
    }
    @inline(never) private static func equalCall(_ a: Expr, _ b: Expr) -> Bool {
        guard case .call(let x) = a, case .call(let y) = b else { return false }
        return x == y
    }
    @inline(never) private static func equalAggregation(_ a: Expr, _ b: Expr) -> Bool {
        guard case .aggregation(let x) = a, case .aggregation(let y) = b else { return false }
        return x == y
    }
    @inline(never) private static func equalBinary(_ a: Expr, _ b: Expr) -> Bool {
        guard case .binary(let x) = a, case .binary(let y) = b else { return false }
        return x == y
    }
    @inline(never) private static func equalUnary(_ a: Expr, _ b: Expr) -> Bool {
        guard case .unary(let x) = a, case .unary(let y) = b else { return false }
        return x == y
    }
    @inline(never) private static func equalParen(_ a: Expr, _ b: Expr) -> Bool {
        guard case .paren(let x) = a, case .paren(let y) = b else { return false }
        return x == y
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .number: hashNumber(into: &hasher)
        case .string: hashString(into: &hasher)
        case .vectorSelector: hashVectorSelector(into: &hasher)
        case .matrixSelector: hashMatrixSelector(into: &hasher)
        case .subquery: hashSubquery(into: &hasher)
        case .call: hashCall(into: &hasher)
        case .aggregation: hashAggregation(into: &hasher)
        case .binary: hashBinary(into: &hasher)
        case .unary: hashUnary(into: &hasher)
        case .paren: hashParen(into: &hasher)
        }
    }

    @inline(never) private func hashNumber(into h: inout Hasher) {
        if case .number(let x) = self { h.combine(0); h.combine(x) }
    }
    @inline(never) private func hashString(into h: inout Hasher) {
        if case .string(let x) = self { h.combine(1); h.combine(x) }
    }
    @inline(never) private func hashVectorSelector(into h: inout Hasher) {
        if case .vectorSelector(let x) = self { h.combine(2); h.combine(x) }
    }
    @inline(never) private func hashMatrixSelector(into h: inout Hasher) {
        if case .matrixSelector(let x) = self { h.combine(3); h.combine(x) }
    }
    @inline(never) private func hashSubquery(into h: inout Hasher) {
        if case .subquery(let x) = self { h.combine(4); h.combine(x) }
    }
    @inline(never) private func hashCall(into h: inout Hasher) {
        if case .call(let x) = self { h.combine(5); h.combine(x) }
    }
    @inline(never) private func hashAggregation(into h: inout Hasher) {
        if case .aggregation(let x) = self { h.combine(6); h.combine(x) }
    }
    @inline(never) private func hashBinary(into h: inout Hasher) {
        if case .binary(let x) = self { h.combine(7); h.combine(x) }
    }
    @inline(never) private func hashUnary(into h: inout Hasher) {
        if case .unary(let x) = self { h.combine(8); h.combine(x) }
    }
    @inline(never) private func hashParen(into h: inout Hasher) {
        if case .paren(let x) = self { h.combine(9); h.combine(x) }
    }

    /// The UTF-8 byte range of the expression in the query.
    public var sourceRange: Range<Int> {
        switch self {
        case .number(let n): n.sourceRange
        case .string(let s): s.sourceRange
        case .vectorSelector(let v): v.sourceRange
        case .matrixSelector(let m): m.sourceRange
        case .subquery(let s): s.sourceRange
        case .call(let c): c.sourceRange
        case .aggregation(let a): a.sourceRange
        case .binary(let b): b.sourceRange
        case .unary(let u): u.sourceRange
        case .paren(let p): p.sourceRange
        }
    }
}

/// The type a PromQL expression evaluates to.
public enum ValueType: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case scalar
    case string
    case instantVector
    case rangeVector

    /// The name used in Prometheus's documentation and error messages ("instant vector").
    public var description: String {
        switch self {
        case .scalar: "scalar"
        case .string: "string"
        case .instantVector: "instant vector"
        case .rangeVector: "range vector"
        }
    }

    /// The name used in Prometheus's API (`resultType`): scalar, string, vector, matrix.
    public var prometheusName: String {
        switch self {
        case .scalar: "scalar"
        case .string: "string"
        case .instantVector: "vector"
        case .rangeVector: "matrix"
        }
    }
}

// MARK: - Leaves

/// A number literal.
public struct NumberLiteral: Hashable, Sendable {
    /// The value.
    public var value: Double
    /// Whether it was written as a duration (`5m`), which the printer preserves.
    public var isDuration: Bool
    /// The UTF-8 byte range in the query.
    public var sourceRange: Range<Int>

    public init(value: Double, isDuration: Bool = false, sourceRange: Range<Int> = 0..<0) {
        self.value = value
        self.isDuration = isDuration
        self.sourceRange = sourceRange
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.isDuration == b.isDuration && sameNumber(a.value, b.value)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(isDuration)
        hasher.combine(value.isNaN ? Double.nan.bitPattern : value.bitPattern)
    }
}

/// Number equality for the AST: NaNs are equal, and 0 differs from -0.
func sameNumber(_ a: Double, _ b: Double) -> Bool {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    return a.bitPattern == b.bitPattern
}

/// A string literal (its unquoted value).
public struct StringLiteral: Hashable, Sendable {
    /// The unquoted value. Invalid UTF-8 produced by escapes is replaced by U+FFFD.
    public var value: String
    /// The UTF-8 byte range in the query, quotes included.
    public var sourceRange: Range<Int>

    public init(value: String, sourceRange: Range<Int> = 0..<0) {
        self.value = value
        self.sourceRange = sourceRange
    }

    public static func == (a: Self, b: Self) -> Bool { a.value == b.value }
    public func hash(into hasher: inout Hasher) { hasher.combine(value) }
}

// MARK: - Selectors

/// A label matching operator.
public enum MatchOp: String, Hashable, Sendable, CaseIterable {
    case equal = "="
    case notEqual = "!="
    case regexMatch = "=~"
    case regexNoMatch = "!~"

    /// Whether the operator takes a regular expression.
    public var isRegex: Bool { self == .regexMatch || self == .regexNoMatch }
}

/// A label matcher inside a selector's braces.
public struct LabelMatcher: Hashable, Sendable {
    /// The label name (`__name__` for a quoted metric name written alone, as in `{"foo.bar"}`).
    public var name: String
    /// The operator.
    public var op: MatchOp
    /// The unquoted value.
    public var value: String
    /// The byte range of the whole matcher.
    public var sourceRange: Range<Int>
    /// The byte range of the value's string literal (quotes included).
    public var valueRange: Range<Int>

    public init(
        name: String, op: MatchOp, value: String, sourceRange: Range<Int> = 0..<0, valueRange: Range<Int> = 0..<0
    ) {
        self.name = name
        self.op = op
        self.value = value
        self.sourceRange = sourceRange
        self.valueRange = valueRange
    }

    public static func == (a: Self, b: Self) -> Bool { a.name == b.name && a.op == b.op && a.value == b.value }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(op)
        hasher.combine(value)
    }
}

/// A duration: a literal (numbers and durations are interchangeable) or a duration expression.
public enum DurationValue: Hashable, Sendable {
    /// A literal duration, in nanoseconds (negative for negative offsets).
    case literal(nanoseconds: Int64)
    /// A duration expression such as `5m + step()` (needs the duration-expression switch).
    case expression(DurationExpr)

    /// The duration in seconds when it is a literal.
    public var seconds: Double? {
        if case .literal(let ns) = self { return Double(ns) / 1e9 }
        return nil
    }
}

/// The operator of a binary duration expression.
public enum DurationOp: String, Hashable, Sendable {
    case add = "+"
    case sub = "-"
    case mul = "*"
    case div = "/"
    case mod = "%"
    case pow = "^"
}

/// A duration expression (inside `[...]`, a subquery step, or after `offset`).
public indirect enum DurationExpr: Hashable, Sendable {
    /// A number or duration literal, in seconds.
    case number(NumberLiteral)
    /// A unary minus or plus.
    case unary(UnaryOp, DurationExpr)
    /// A binary operation.
    case binary(DurationOp, DurationExpr, DurationExpr)
    /// A parenthesised duration expression.
    case paren(DurationExpr)
    /// `step()`: the query step.
    case step
    /// `range()`: the query range.
    case range
    /// `min_of(a, b)`.
    case minOf(DurationExpr, DurationExpr)
    /// `max_of(a, b)`.
    case maxOf(DurationExpr, DurationExpr)
}

/// An `offset` modifier.
public struct Offset: Hashable, Sendable {
    /// The offset (negative values look forward in time).
    public var value: DurationValue
    /// The byte range of `offset ...`.
    public var sourceRange: Range<Int>

    public init(value: DurationValue, sourceRange: Range<Int> = 0..<0) {
        self.value = value
        self.sourceRange = sourceRange
    }

    public static func == (a: Self, b: Self) -> Bool { a.value == b.value }
    public func hash(into hasher: inout Hasher) { hasher.combine(value) }

    /// Whether the offset counts as set (Prometheus treats a zero literal offset as unset).
    var isEffectivelySet: Bool {
        if case .literal(let ns) = value { return ns != 0 }
        return true
    }
}

/// An `@` modifier.
public struct AtModifier: Hashable, Sendable {
    /// What the modifier pins evaluation to.
    public enum Kind: Hashable, Sendable {
        /// A Unix timestamp, in milliseconds.
        case timestamp(milliseconds: Int64)
        /// `@ start()`.
        case start
        /// `@ end()`.
        case end
    }

    /// What the modifier pins evaluation to.
    public var kind: Kind
    /// The byte range of `@ ...`.
    public var sourceRange: Range<Int>

    public init(kind: Kind, sourceRange: Range<Int> = 0..<0) {
        self.kind = kind
        self.sourceRange = sourceRange
    }

    public static func == (a: Self, b: Self) -> Bool { a.kind == b.kind }
    public func hash(into hasher: inout Hasher) { hasher.combine(kind) }
}

/// The extended range selector modifiers (`anchored`, `smoothed`).
public enum RangeModifier: String, Hashable, Sendable {
    case anchored
    case smoothed
}

/// An instant vector selector.
public struct VectorSelector: Hashable, Sendable {
    /// The metric name written before the braces, if any.
    public var metricName: String?
    /// The matchers inside the braces, in the order written.
    public var matchers: [LabelMatcher]
    /// The `offset` modifier (for a range selector, the one written after the range).
    public var offset: Offset?
    /// The `@` modifier.
    public var at: AtModifier?
    /// `anchored` or `smoothed`.
    public var rangeModifier: RangeModifier?
    /// The byte range of the name and braces.
    public var sourceRange: Range<Int>

    public init(
        metricName: String? = nil, matchers: [LabelMatcher] = [], offset: Offset? = nil, at: AtModifier? = nil,
        rangeModifier: RangeModifier? = nil, sourceRange: Range<Int> = 0..<0
    ) {
        self.metricName = metricName
        self.matchers = matchers
        self.offset = offset
        self.at = at
        self.rangeModifier = rangeModifier
        self.sourceRange = sourceRange
    }

    /// The metric name, whether written before the braces or as an equality matcher on `__name__`.
    public var name: String? {
        if let metricName { return metricName }
        return matchers.first { $0.name == "__name__" && $0.op == .equal }?.value
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.metricName == b.metricName && a.matchers == b.matchers && a.offset == b.offset && a.at == b.at
            && a.rangeModifier == b.rangeModifier
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(metricName)
        hasher.combine(matchers)
        hasher.combine(offset)
        hasher.combine(at)
        hasher.combine(rangeModifier)
    }
}

/// A range vector selector: a vector selector with a range window.
public struct MatrixSelector: Hashable, Sendable {
    /// The selector; its `offset`, `at` and `rangeModifier` are the ones written after the window.
    public var selector: VectorSelector
    /// The range window.
    public var window: DurationValue
    /// The byte range of the window text between the brackets.
    public var windowRange: Range<Int>
    /// The byte range of the whole range selector, modifiers included.
    public var sourceRange: Range<Int>

    public init(
        selector: VectorSelector, window: DurationValue, windowRange: Range<Int> = 0..<0,
        sourceRange: Range<Int> = 0..<0
    ) {
        self.selector = selector
        self.window = window
        self.windowRange = windowRange
        self.sourceRange = sourceRange
    }

    public static func == (a: Self, b: Self) -> Bool { a.selector == b.selector && a.window == b.window }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(selector)
        hasher.combine(window)
    }
}

/// A subquery: `expr[range:step]`.
public struct SubqueryExpr: Hashable, Sendable {
    /// The inner expression (must be an instant vector).
    public var expr: Expr
    /// The range.
    public var window: DurationValue
    /// The resolution step, if given.
    public var step: DurationValue?
    /// The `offset` modifier.
    public var offset: Offset?
    /// The `@` modifier.
    public var at: AtModifier?
    /// The byte range of the window text between `[` and `:`.
    public var windowRange: Range<Int>
    /// The byte range of the whole subquery, modifiers included.
    public var sourceRange: Range<Int>

    public init(
        expr: Expr, window: DurationValue, step: DurationValue? = nil, offset: Offset? = nil, at: AtModifier? = nil,
        windowRange: Range<Int> = 0..<0, sourceRange: Range<Int> = 0..<0
    ) {
        self.expr = expr
        self.window = window
        self.step = step
        self.offset = offset
        self.at = at
        self.windowRange = windowRange
        self.sourceRange = sourceRange
    }

    public static func == (a: Self, b: Self) -> Bool { sameModifiers(a, b) && a.expr == b.expr }

    @inline(never) private static func sameModifiers(_ a: Self, _ b: Self) -> Bool {
        a.window == b.window && a.step == b.step && a.offset == b.offset && a.at == b.at
    }

    public func hash(into hasher: inout Hasher) {
        hashModifiers(into: &hasher)
        hasher.combine(expr)
    }

    @inline(never) private func hashModifiers(into hasher: inout Hasher) {
        hasher.combine(window)
        hasher.combine(step)
        hasher.combine(offset)
        hasher.combine(at)
    }
}

// MARK: - Calls and operators

/// A function call.
public struct FunctionCall: Hashable, Sendable {
    /// The function name as written.
    public var name: String
    /// The arguments.
    public var args: [Expr]
    /// The byte range of the function name.
    public var nameRange: Range<Int>
    /// The byte range of the whole call.
    public var sourceRange: Range<Int>

    public init(name: String, args: [Expr], nameRange: Range<Int> = 0..<0, sourceRange: Range<Int> = 0..<0) {
        self.name = name
        self.args = args
        self.nameRange = nameRange
        self.sourceRange = sourceRange
    }

    /// The function's signature, or nil for an unknown function.
    public var function: FunctionSignature? { FunctionSignature.named(name) }

    public static func == (a: Self, b: Self) -> Bool { a.name == b.name && a.args == b.args }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(args)
    }
}

/// An aggregation operator.
public enum AggregationOp: String, Hashable, Sendable, CaseIterable {
    case sum, avg, count, min, max, group, stddev, stdvar, topk, bottomk, quantile
    case countValues = "count_values"
    case limitk
    case limitRatio = "limit_ratio"

    /// Whether the operator takes a parameter before the vector (`topk(5, x)`).
    public var takesParameter: Bool {
        switch self {
        case .topk, .bottomk, .quantile, .countValues, .limitk, .limitRatio: true
        default: false
        }
    }

    /// The parameter's required type, for operators that take one.
    public var parameterType: ValueType? {
        switch self {
        case .topk, .bottomk, .quantile, .limitk, .limitRatio: .scalar
        case .countValues: .string
        default: nil
        }
    }

    /// Whether the operator is behind the experimental-functions switch.
    public var isExperimental: Bool { self == .limitk || self == .limitRatio }
}

/// A `by (...)` or `without (...)` clause.
public struct Grouping: Hashable, Sendable {
    /// True for `without`, false for `by`.
    public var without: Bool
    /// The label names, in order.
    public var labels: [String]
    /// The byte range of the clause.
    public var sourceRange: Range<Int>

    public init(without: Bool, labels: [String], sourceRange: Range<Int> = 0..<0) {
        self.without = without
        self.labels = labels
        self.sourceRange = sourceRange
    }

    public static func == (a: Self, b: Self) -> Bool { a.without == b.without && a.labels == b.labels }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(without)
        hasher.combine(labels)
    }
}

/// An aggregation such as `sum by (job) (x)` or `topk(5, x)`.
public struct Aggregation: Hashable, Sendable {
    /// The operator.
    public var op: AggregationOp
    /// The parameter of `topk`, `quantile`, `count_values`, ….
    public var param: Expr?
    /// The aggregated expression.
    public var expr: Expr
    /// The grouping clause, if written.
    public var grouping: Grouping?
    /// The byte range.
    public var sourceRange: Range<Int>

    public init(
        op: AggregationOp, param: Expr? = nil, expr: Expr, grouping: Grouping? = nil, sourceRange: Range<Int> = 0..<0
    ) {
        self.op = op
        self.param = param
        self.expr = expr
        self.grouping = grouping
        self.sourceRange = sourceRange
    }

    /// Whether the clause is `without`.
    public var isWithout: Bool { grouping?.without ?? false }
    /// The grouping labels (empty without a clause).
    public var groupingLabels: [String] { grouping?.labels ?? [] }

    public static func == (a: Self, b: Self) -> Bool {
        sameShape(a, b) && a.param == b.param && a.expr == b.expr
    }

    @inline(never) private static func sameShape(_ a: Self, _ b: Self) -> Bool {
        a.op == b.op && a.grouping == b.grouping
    }

    public func hash(into hasher: inout Hasher) {
        hashShape(into: &hasher)
        hasher.combine(param)
        hasher.combine(expr)
    }

    @inline(never) private func hashShape(into hasher: inout Hasher) {
        hasher.combine(op)
        hasher.combine(grouping)
    }
}

/// A binary operator.
public enum BinaryOp: String, Hashable, Sendable, CaseIterable {
    case add = "+"
    case sub = "-"
    case mul = "*"
    case div = "/"
    case mod = "%"
    case pow = "^"
    case atan2
    case eql = "=="
    case neq = "!="
    case gtr = ">"
    case lss = "<"
    case gte = ">="
    case lte = "<="
    case trimUpper = "</"
    case trimLower = ">/"
    case and
    case or
    case unless

    /// Whether this is a comparison operator (which may take `bool`).
    public var isComparison: Bool {
        switch self {
        case .eql, .neq, .gtr, .lss, .gte, .lte: true
        default: false
        }
    }

    /// Whether this is a set operator (`and`, `or`, `unless`).
    public var isSetOperator: Bool { self == .and || self == .or || self == .unless }

    /// Binding strength, 1 (`or`) to 6 (`^`).
    public var precedence: Int {
        switch self {
        case .or: 1
        case .and, .unless: 2
        case .eql, .neq, .gtr, .lss, .gte, .lte, .trimUpper, .trimLower: 3
        case .add, .sub: 4
        case .mul, .div, .mod, .atan2: 5
        case .pow: 6
        }
    }

    /// Whether the operator groups to the right (only `^`).
    public var isRightAssociative: Bool { self == .pow }
}

/// `on (...)` or `ignoring (...)`.
public enum MatchingClause: Hashable, Sendable {
    case on([String])
    case ignoring([String])

    /// The listed labels.
    public var labels: [String] {
        switch self {
        case .on(let l), .ignoring(let l): l
        }
    }
}

/// `group_left (...)` or `group_right (...)`.
public enum GroupModifier: Hashable, Sendable {
    case left([String])
    case right([String])

    /// The extra labels to copy from the "one" side.
    public var labels: [String] {
        switch self {
        case .left(let l), .right(let l): l
        }
    }
}

/// The fill values of `fill`, `fill_left`, `fill_right`.
public struct FillModifier: Hashable, Sendable {
    /// The value used for a missing left-hand series.
    public var lhs: Double?
    /// The value used for a missing right-hand series.
    public var rhs: Double?

    public init(lhs: Double? = nil, rhs: Double? = nil) {
        self.lhs = lhs
        self.rhs = rhs
    }

    public static func == (a: Self, b: Self) -> Bool {
        func same(_ x: Double?, _ y: Double?) -> Bool {
            switch (x, y) {
            case (nil, nil): true
            case (let x?, let y?): sameNumber(x, y)
            default: false
            }
        }
        return same(a.lhs, b.lhs) && same(a.rhs, b.rhs)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(lhs.map { $0.isNaN ? Double.nan.bitPattern : $0.bitPattern })
        hasher.combine(rhs.map { $0.isNaN ? Double.nan.bitPattern : $0.bitPattern })
    }
}

/// Vector matching modifiers of a binary operation.
public struct VectorMatching: Hashable, Sendable {
    /// `on (...)` or `ignoring (...)`, if written.
    public var clause: MatchingClause?
    /// `group_left` / `group_right`, if written.
    public var group: GroupModifier?
    /// Fill values, if written.
    public var fill: FillModifier?

    public init(clause: MatchingClause? = nil, group: GroupModifier? = nil, fill: FillModifier? = nil) {
        self.clause = clause
        self.group = group
        self.fill = fill
    }

    /// Whether no modifier was written.
    public var isEmpty: Bool { clause == nil && group == nil && fill == nil }
}

/// The cardinality of vector matching.
public enum MatchCardinality: String, Hashable, Sendable {
    case oneToOne = "one-to-one"
    case manyToOne = "many-to-one"
    case oneToMany = "one-to-many"
    case manyToMany = "many-to-many"
}

/// A binary operation.
public struct BinaryExpr: Hashable, Sendable {
    /// The operator.
    public var op: BinaryOp
    /// The left operand.
    public var lhs: Expr
    /// The right operand.
    public var rhs: Expr
    /// Whether `bool` was given.
    public var returnBool: Bool
    /// `on`/`ignoring`, `group_left`/`group_right` and fill modifiers.
    public var matching: VectorMatching
    /// The byte range of the operator and its modifiers.
    public var operatorRange: Range<Int>
    /// The byte range of the whole operation.
    public var sourceRange: Range<Int>

    public init(
        op: BinaryOp, lhs: Expr, rhs: Expr, returnBool: Bool = false, matching: VectorMatching = VectorMatching(),
        operatorRange: Range<Int> = 0..<0, sourceRange: Range<Int> = 0..<0
    ) {
        self.op = op
        self.lhs = lhs
        self.rhs = rhs
        self.returnBool = returnBool
        self.matching = matching
        self.operatorRange = operatorRange
        self.sourceRange = sourceRange
    }

    /// The matching cardinality.
    public var cardinality: MatchCardinality {
        if op.isSetOperator && matching.group == nil { return .manyToMany }
        switch matching.group {
        case .left: return .manyToOne
        case .right: return .oneToMany
        case nil: return .oneToOne
        }
    }

    public static func == (a: Self, b: Self) -> Bool {
        sameOperator(a, b) && a.lhs == b.lhs && a.rhs == b.rhs
    }

    @inline(never) private static func sameOperator(_ a: Self, _ b: Self) -> Bool {
        a.op == b.op && a.returnBool == b.returnBool && a.matching == b.matching
    }

    public func hash(into hasher: inout Hasher) {
        hashOperator(into: &hasher)
        hasher.combine(lhs)
        hasher.combine(rhs)
    }

    @inline(never) private func hashOperator(into hasher: inout Hasher) {
        hasher.combine(op)
        hasher.combine(returnBool)
        hasher.combine(matching)
    }
}

/// A unary operator.
public enum UnaryOp: String, Hashable, Sendable {
    case plus = "+"
    case minus = "-"
}

/// A unary sign applied to an expression.
public struct UnaryExpr: Hashable, Sendable {
    /// The sign.
    public var op: UnaryOp
    /// The operand.
    public var expr: Expr
    /// The byte range.
    public var sourceRange: Range<Int>

    public init(op: UnaryOp, expr: Expr, sourceRange: Range<Int> = 0..<0) {
        self.op = op
        self.expr = expr
        self.sourceRange = sourceRange
    }

    public static func == (a: Self, b: Self) -> Bool { a.op == b.op && a.expr == b.expr }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(op)
        hasher.combine(expr)
    }
}

/// A parenthesised expression.
public struct ParenExpr: Hashable, Sendable {
    /// The inner expression.
    public var expr: Expr
    /// The byte range, parentheses included.
    public var sourceRange: Range<Int>

    public init(expr: Expr, sourceRange: Range<Int> = 0..<0) {
        self.expr = expr
        self.sourceRange = sourceRange
    }

    public static func == (a: Self, b: Self) -> Bool { a.expr == b.expr }
    public func hash(into hasher: inout Hasher) { hasher.combine(expr) }
}

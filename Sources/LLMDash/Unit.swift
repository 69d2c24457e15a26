/// A Grafana unit id, with names for the ones LLM dashboards use.
public struct Unit: Sendable, Hashable, ExpressibleByStringLiteral {
    public var id: String

    public init(_ id: String) { self.id = id }
    public init(stringLiteral value: String) { self.id = value }

    public static let seconds = Unit("s")
    public static let milliseconds = Unit("ms")
    public static let microseconds = Unit("µs")
    public static let percent = Unit("percent")
    /// A 0–1 ratio shown as a percentage.
    public static let percentUnit = Unit("percentunit")
    public static let requestsPerSecond = Unit("reqps")
    public static let short = Unit("short")
    public static let none = Unit("none")
    public static let bytes = Unit("bytes")
    public static let mebibytes = Unit("mbytes")
    public static let watt = Unit("watt")
    public static let joule = Unit("joule")
    public static let celsius = Unit("celsius")
    public static let usd = Unit("currencyUSD")
    /// Tokens per second, e.g. `1532 tok/s`.
    public static let tokensPerSecond = Unit("suffix:tok/s")
    /// Token counts, scaled: `1.2 M tok`.
    public static let tokens = Unit("count:tok")

    public static func suffix(_ text: String) -> Unit { Unit("suffix:" + text) }
    public static func prefix(_ text: String) -> Unit { Unit("prefix:" + text) }
}

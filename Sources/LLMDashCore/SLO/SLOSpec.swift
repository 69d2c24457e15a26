/// A service-level objective: what counts as an error, the target, the period and its burn-rate alerts.
public struct SLOSpec: Sendable, Hashable {
    public var name: String
    public var service: String
    public var description: String?
    /// The objective in percent, 0 < objective < 100.
    public var objective: Double
    /// The period in milliseconds (a Prometheus duration).
    public var periodMilliseconds: Int
    /// Labels added to every recording rule (and so to every alert).
    public var labels: [String: String] = [:]
    public var sli: SLI
    public var page: SLOAlert?
    public var ticket: SLOAlert?
    /// Multiwindow pairs, page pairs before ticket pairs.
    public var windows: [BurnWindow]
    /// Annotations common to both alerts (before each alert's own).
    public var annotations: [String: String] = [:]
    /// Problems a front end found while building this SLO (the Swift DSL checks as it lowers).
    public var diagnostics: [Diagnostic] = []
    public var location: SourceLocation?

    public init(
        name: String, service: String, objective: Double, periodMilliseconds: Int = 30 * SLODuration.day,
        sli: SLI, windows: [BurnWindow]? = nil
    ) {
        self.name = name
        self.service = service
        self.objective = objective
        self.periodMilliseconds = periodMilliseconds
        self.sli = sli
        self.windows = windows ?? BurnWindow.defaults
        self.page = SLOAlert(name: SLOSpec.camel(service + "-" + name) + "Page")
        self.ticket = SLOAlert(name: SLOSpec.camel(service + "-" + name) + "Ticket")
    }

    /// `sloth_id`: `<service>-<name>`.
    public var id: String { service + "-" + name }
    /// The objective as a ratio, rounded to hide binary noise (99.9 → 0.999).
    public var objectiveRatio: Double { SLOMath.tidy(objective / 100) }
    /// The error budget as a ratio (99.9 → 0.001).
    public var errorBudget: Double { SLOMath.tidy((100 - objective) / 100) }
    public var periodDays: Double { Double(periodMilliseconds) / Double(SLODuration.day) }
    public var periodText: String { SLODuration.format(periodMilliseconds) }

    /// The burn-rate factor of a pair: alerts when `budgetPercent` of the budget burns within the long window.
    public func factor(_ window: BurnWindow) -> Double {
        SLOMath.tidy(window.budgetPercent / 100 * Double(periodMilliseconds) / Double(window.longMilliseconds))
    }

    /// Every window the alerts read, plus 5m, ascending and distinct.
    public var recordedWindows: [Int] {
        var all = Set([5 * SLODuration.minute])
        for w in windows {
            all.insert(w.longMilliseconds)
            all.insert(w.shortMilliseconds)
        }
        return all.sorted()
    }

    static func camel(_ text: String) -> String {
        var out = ""
        var upper = true
        for ch in text {
            if ch.isLetter || ch.isNumber {
                out += upper ? ch.uppercased() : String(ch)
                upper = false
            } else {
                upper = true
            }
        }
        return out
    }
}

/// How the error ratio is measured.
public enum SLI: Sendable, Hashable {
    /// Raw PromQL for bad and total events with a `{{.window}}` placeholder.
    case ratio(errors: String, total: String)
    /// A catalogue backend's failed requests over its requests.
    case errors(backend: Backend, matchers: [String])
    /// Requests slower than a histogram bucket over all requests.
    case latency(backend: Backend, signal: SignalID, below: Double, matchers: [String])
}

/// Alert settings for one severity.
public struct SLOAlert: Sendable, Hashable {
    public var name: String
    public var labels: [String: String] = [:]
    public var annotations: [String: String] = [:]

    public init(name: String, labels: [String: String] = [:], annotations: [String: String] = [:]) {
        self.name = name
        self.labels = labels
        self.annotations = annotations
    }
}

public enum SLOSeverity: String, Sendable, Hashable, CaseIterable {
    case page, ticket
}

/// One multiwindow multi-burn-rate pair.
public struct BurnWindow: Sendable, Hashable {
    public var severity: SLOSeverity
    public var longMilliseconds: Int
    public var shortMilliseconds: Int
    /// Share of the budget (percent) that may burn within the long window before the alert fires.
    public var budgetPercent: Double

    public init(_ severity: SLOSeverity, long: Int, short: Int, budgetPercent: Double) {
        self.severity = severity
        self.longMilliseconds = long
        self.shortMilliseconds = short
        self.budgetPercent = budgetPercent
    }

    /// The Google SRE workbook pairs (Sloth's `google-30d`): 14.4, 6, 3 and 1 over 30 days.
    public static let defaults: [BurnWindow] = [
        BurnWindow(.page, long: SLODuration.hour, short: 5 * SLODuration.minute, budgetPercent: 2),
        BurnWindow(.page, long: 6 * SLODuration.hour, short: 30 * SLODuration.minute, budgetPercent: 5),
        BurnWindow(.ticket, long: SLODuration.day, short: 2 * SLODuration.hour, budgetPercent: 10),
        BurnWindow(.ticket, long: 3 * SLODuration.day, short: 6 * SLODuration.hour, budgetPercent: 10),
    ]
}

public enum SLOMath {
    /// Rounds to 12 significant digits so that 1 − 0.999 prints as 0.001.
    public static func tidy(_ x: Double) -> Double {
        guard x != 0, x.isFinite else { return x }
        var scale = 1.0
        var magnitude = abs(x)
        while magnitude >= 1 {
            magnitude /= 10
            scale /= 10
        }
        while magnitude < 0.1 {
            magnitude *= 10
            scale *= 10
        }
        return (x * scale * 1e12).rounded() / (scale * 1e12)
    }

    /// Rounds to `digits` significant digits.
    public static func round(_ x: Double, digits: Int) -> Double {
        guard x != 0, x.isFinite else { return x }
        var scale = 1.0
        while abs(x) * scale < 1 { scale *= 10 }
        while abs(x) * scale >= 10 { scale /= 10 }
        for _ in 1..<max(1, digits) { scale *= 10 }
        return tidy((x * scale).rounded() / scale)
    }

    public static func number(_ x: Double) -> String { JSONWriter.formatDouble(x) }
}

/// Prometheus durations (`5m`, `1h30m`, `30d`) in milliseconds.
public enum SLODuration {
    public static let second = 1000
    public static let minute = 60 * second
    public static let hour = 60 * minute
    public static let day = 24 * hour
    public static let week = 7 * day
    public static let year = 365 * day

    public static func parse(_ text: String) -> Int? {
        var total = 0
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        let units: [(String, Int)] = [
            ("ms", 1), ("y", year), ("w", week), ("d", day), ("h", hour), ("m", minute), ("s", second),
        ]
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let value = Int(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let (unit, size) = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            rest = rest.dropFirst(unit.count)
            let (product, overflow) = value.multipliedReportingOverflow(by: size)
            guard !overflow else { return nil }
            total += product
        }
        return total > 0 ? total : nil
    }

    /// Prometheus's canonical spelling: years and weeks only when exact (`28d` → `4w`, `30d` stays).
    public static func format(_ ms: Int) -> String {
        if ms == 0 { return "0s" }
        var rest = ms
        var out = ""
        for (unit, size, exact) in [
            ("y", year, true), ("w", week, true), ("d", day, false), ("h", hour, false), ("m", minute, false),
            ("s", second, false), ("ms", 1, false),
        ] {
            if exact && rest % size != 0 { continue }
            let v = rest / size
            if v > 0 {
                out += "\(v)\(unit)"
                rest -= v * size
            }
        }
        return out
    }
}

/// Histogram bucket boundaries (seconds) of exporters whose defaults are known (llm-metrics.md §2, §3).
public enum SLOBuckets {
    static let vllmRequestLatency: [Double] = [
        0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680,
    ]

    public static func known(_ backend: Backend, _ signal: SignalID) -> [Double]? {
        switch (backend, signal) {
        case (.vllm, .ttft):
            [
                0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160,
                640, 2560,
            ]
        case (.vllm, .itl):
            [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80]
        case (.vllm, .e2e), (.vllm, .queue), (.vllm, .prefill), (.vllm, .decode):
            vllmRequestLatency
        case (.sglang, .ttft):
            [0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 4, 6, 8, 10, 20, 40, 60, 80, 100, 200, 400]
        default:
            nil
        }
    }

    /// A matcher value for `le` that matches both `1` and Prometheus 3's `1.0`, with `\\.` escapes.
    public static func leRegex(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int(value)) + #"(\\.0)?"#
        }
        return String(value).map { $0 == "." ? #"\\."# : String($0) }.joined()
    }

    /// How Python exporters and Prometheus 3 spell the bucket (`1.0`, `0.25`).
    public static func leLiteral(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) + ".0" }
        return String(value)
    }
}

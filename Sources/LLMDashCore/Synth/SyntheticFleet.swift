#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What to synthesise: which backends, which stretch of time, how dense.
public struct SynthOptions: Sendable, Hashable {
    /// The last sample's time, in Unix seconds (rounded down to `step`).
    public var end: Int64
    /// How far back the recent history reaches, in seconds.
    public var history: Int
    /// Seconds between samples.
    public var step: Int
    /// A second, short stretch this many seconds before `end`, for `offset` baselines (0: none).
    public var baselineOffset: Int
    /// How long that stretch lasts, in seconds.
    public var baselineSpan: Int
    /// How long before `end` the error burst starts, in seconds (0: no burst).
    public var burst: Int
    /// The share of requests that fail during the burst.
    public var burstErrorRatio: Double
    /// Seeds the pseudo-random generator: the same options give the same bytes.
    public var seed: UInt64
    /// The serving stacks of the fleet; their catalogues decide the metrics.
    public var backends: [Backend]

    /// The backends the shipped templates use.
    public static let templateBackends: [Backend] = [
        .vllm, .sglang, .tgi, .triton, .llamacpp, .otelGenAI, .litellm, .dcgm,
    ]

    public init(
        end: Int64, history: Int = 3 * 3600, step: Int = 30, baselineOffset: Int = 7 * 86400,
        baselineSpan: Int = 40 * 60, burst: Int = 40 * 60, burstErrorRatio: Double = 0.2, seed: UInt64 = 1,
        backends: [Backend] = SynthOptions.templateBackends
    ) {
        self.end = end
        self.history = history
        self.step = step
        self.baselineOffset = baselineOffset
        self.baselineSpan = baselineSpan
        self.burst = burst
        self.burstErrorRatio = burstErrorRatio
        self.seed = seed
        self.backends = backends
    }

    /// Problems with the options, as messages.
    public var problems: [String] {
        var out: [String] = []
        if step < 1 { out.append("the step must be at least 1s") }
        if history < step { out.append("the history must be at least one step long") }
        if history > 7 * 86400 { out.append("the history must be at most 7d") }
        if baselineOffset != 0 && baselineOffset <= history {
            out.append("the baseline offset must be longer than the history (or 0 for none)")
        }
        if baselineSpan < 0 || baselineSpan > 86400 { out.append("the baseline span must be between 0s and 1d") }
        if burst < 0 || burst > history { out.append("the burst must start within the history") }
        if !(0...1).contains(burstErrorRatio) { out.append("the burst error ratio must be between 0 and 1") }
        if backends.isEmpty { out.append("at least one backend is needed") }
        return out
    }
}

/// A synthetic LLM serving fleet, written as OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`.
///
/// The metrics come from the catalogue of each backend (every signal's metrics and the further counters and
/// gauges it lists), so a dashboard built from signals finds its series. Requests are simulated one by one
/// (prompt and output lengths, queue, prefill and decode times from log-normal distributions), so histograms,
/// token counters and means agree with one another. The fleet has:
/// - two vLLM model versions on the same model (`version="stable"` and `"canary"`, the canary slower by 15 %);
/// - an error burst at the end of the history (`burstErrorRatio` of requests fail), which burns error budget;
/// - a drift shift: prompts are longer and outputs shorter than at the baseline a week earlier, and the
///   evaluator's quality score drops in the last hour while hallucinations and embedding drift rise;
/// - DCGM GPUs on two hosts, a LiteLLM gateway with users, API keys, teams and routes, evaluator gauges, chat
///   feedback counters, and a canary rollout as a deployment generation change.
public enum SyntheticFleet {
    /// The OpenMetrics text (ending in `# EOF`).
    public static func openMetrics(_ options: SynthOptions) -> [UInt8] {
        let series = generate(options)
        var out: [UInt8] = []
        out.reserveCapacity(series.count * (series.first?.values.count ?? 0) * 64)
        var lastName = ""
        for s in series {
            let family = s.family
            if family.name != lastName {
                out.append(contentsOf: Array("# TYPE \(family.name) \(family.type)\n".utf8))
                lastName = family.name
            }
            var prefix = Array(s.name.utf8)
            if !s.labels.isEmpty {
                prefix.append(UInt8(ascii: "{"))
                for (i, (k, v)) in s.labels.enumerated() {
                    if i > 0 { prefix.append(UInt8(ascii: ",")) }
                    prefix.append(contentsOf: Array("\(k)=\(labelValueQuoted(v))".utf8))
                }
                prefix.append(UInt8(ascii: "}"))
            }
            prefix.append(UInt8(ascii: " "))
            for i in 0..<s.times.count {
                out.append(contentsOf: prefix)
                appendValue(s.values[i], to: &out)
                out.append(UInt8(ascii: " "))
                appendInteger(s.times[i], to: &out)
                out.append(UInt8(ascii: "\n"))
            }
        }
        out.append(contentsOf: Array("# EOF\n".utf8))
        return out
    }

    /// One generated series: name, sorted labels, and its samples.
    public struct Series: Sendable {
        public var name: String
        public var labels: [(String, String)]
        public var times: [Int64]
        public var values: [Double]
        /// The family it belongs to in OpenMetrics terms (histogram series share their base name).
        var family: (name: String, type: String)

    }

    /// The sample times: the baseline stretch (if any), then the recent history, both ending on a step.
    public static func times(_ o: SynthOptions) -> [Int64] {
        let step = Int64(o.step)
        let end = o.end - o.end % step
        var out: [Int64] = []
        if o.baselineOffset > 0 && o.baselineSpan > 0 {
            let bEnd = end - Int64(o.baselineOffset)
            var t = bEnd - Int64(o.baselineSpan)
            while t <= bEnd {
                out.append(t)
                t += step
            }
        }
        var t = end - Int64(o.history)
        while t <= end {
            out.append(t)
            t += step
        }
        return out
    }

    /// Every series of the fleet, in output order (by family, then labels).
    public static func generate(_ options: SynthOptions) -> [Series] {
        let times = times(options)
        var rng = SplitMix64(seed: options.seed)
        var all: [Series] = []
        for backend in options.backends {
            let plan = FleetPlan(catalog: Catalog.backend(backend))
            all += plan.simulate(times: times, options: options, rng: &rng)
        }
        all += Evaluator.series(times: times, options: options, rng: &rng)
        // Stable order: by family name, then series name, then labels.
        all.sort { a, b in
            if a.family.name != b.family.name {
                return a.family.name.utf8.lexicographicallyPrecedes(b.family.name.utf8)
            }
            if a.name != b.name { return a.name.utf8.lexicographicallyPrecedes(b.name.utf8) }
            return labelKey(a.labels).utf8.lexicographicallyPrecedes(labelKey(b.labels).utf8)
        }
        // Two backends may share a name (`http_requests_total`): keep both only when their labels differ.
        var unique: [Series] = []
        for s in all {
            if let last = unique.last, last.name == s.name, last.labels.elementsEqual(s.labels, by: ==) { continue }
            unique.append(s)
        }
        return unique
    }

    static func labelKey(_ labels: [(String, String)]) -> String {
        labels.map { $0.0 + "=" + $0.1 }.joined(separator: ",")
    }

    static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 {
            out.append(UInt8(ascii: "-"))
            appendInteger(-value, to: &out)
            return
        }
        var divisor: Int64 = 1
        while value / divisor >= 10 { divisor *= 10 }
        var n = value
        while divisor > 0 {
            out.append(UInt8(48 + n / divisor))
            n %= divisor
            divisor /= 10
        }
    }

    /// Appends `format(v)` without building a string for the common case of a whole number.
    static func appendValue(_ v: Double, to out: inout [UInt8]) {
        if v == v.rounded(), abs(v) < 1e15 {
            appendInteger(Int64(v), to: &out)
        } else {
            out.append(contentsOf: format(v).utf8)
        }
    }

    /// Values with at most four decimals, without exponents: compact and the same on every machine.
    static func format(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        let scaled = (abs(v) * 10_000).rounded()
        guard scaled < 9e17 else { return String(v) }
        let n = Int64(scaled)
        let whole = n / 10_000
        var frac = n % 10_000
        var text = (v < 0 && n != 0 ? "-" : "") + String(whole)
        if frac != 0 {
            var digits = 4
            while frac % 10 == 0 {
                frac /= 10
                digits -= 1
            }
            let f = String(frac)
            text += "." + String(repeating: "0", count: digits - f.count) + f
        }
        return text
    }
}

/// A small, fast, seedable pseudo-random generator (SplitMix64): the same seed, the same numbers.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Standard normal (Box–Muller).
    mutating func normal() -> Double {
        let u = max(uniform(), 1e-12)
        let v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    /// Log-normal with the given median and spread.
    mutating func logNormal(median: Double, sigma: Double) -> Double { median * exp(sigma * normal()) }

    /// Poisson-distributed count (normal approximation above 30).
    mutating func poisson(_ mean: Double) -> Int {
        if mean > 30 { return max(0, Int((mean + mean.squareRoot() * normal()).rounded())) }
        let limit = exp(-mean)
        var k = 0
        var p = uniform()
        while p > limit {
            k += 1
            p *= uniform()
        }
        return k
    }
}

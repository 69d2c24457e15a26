#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A per-request measurement that histograms observe and counters sum.
enum Quantity: Sendable, Hashable {
    case ttft, itl, tpot, e2e, queue, prefill, decode, promptLength, outputLength

    var isTokens: Bool { self == .promptLength || self == .outputLength }

    init?(_ signal: SignalID) {
        switch signal {
        case .ttft: self = .ttft
        case .itl: self = .itl
        case .tpot: self = .tpot
        case .e2e: self = .e2e
        case .queue: self = .queue
        case .prefill: self = .prefill
        case .decode: self = .decode
        case .promptLength, .promptTokens: self = .promptLength
        case .outputLength, .outputTokens: self = .outputLength
        default: return nil
        }
    }

    /// A guess from a metric name, for metrics no signal describes.
    init(name: String, matchers: [String]) {
        let n = name.lowercased()
        if matchers.contains(#"method="prefill""#) {
            self = .prefill
        } else if matchers.contains(#"method="decode""#) {
            self = .decode
        } else if n.contains("queue") {
            self = .queue
        } else if n.contains("first") {
            self = .ttft
        } else if n.contains("prompt") || n.contains("input") {
            self = .promptLength
        } else if n.contains("token") || n.contains("length") || n.contains("size") || n.hasSuffix("_n") {
            self = .outputLength
        } else if n.contains("forward") || n.contains("decode") || n.contains("filter") || n.contains("concat") {
            self = .itl
        } else {
            self = .e2e
        }
    }
}

/// One simulated request.
struct Request {
    var ttft, itl, tpot, e2e, queue, prefill, decode, promptLength, outputLength: Double
    var failed: Bool

    func value(_ q: Quantity) -> Double {
        switch q {
        case .ttft: ttft
        case .itl: itl
        case .tpot: tpot
        case .e2e: e2e
        case .queue: queue
        case .prefill: prefill
        case .decode: decode
        case .promptLength: promptLength
        case .outputLength: outputLength
        }
    }
}

/// Which requests a labelled series counts, and its share among its siblings.
enum Outcome: Sendable, Hashable {
    case ok, failed
}

/// A label value set splitting requests by outcome (`finished_reason="stop"` for some successes, …).
struct Split: Sendable {
    var labels: [(String, String)]
    var outcome: Outcome
    var share: Double
}

/// The label values synthesised for labels that split requests by outcome.
enum OutcomeLabels {
    static func splits(for labels: [String]) -> [Split]? {
        switch labels {
        case ["finished_reason"]:
            [
                Split(labels: [("finished_reason", "stop")], outcome: .ok, share: 0.85),
                Split(labels: [("finished_reason", "length")], outcome: .ok, share: 0.15),
                Split(labels: [("finished_reason", "abort")], outcome: .failed, share: 0.6),
                Split(labels: [("finished_reason", "error")], outcome: .failed, share: 0.4),
            ]
        case ["handler", "method", "status"]:
            [
                Split(
                    labels: [("handler", "/v1/chat/completions"), ("method", "POST"), ("status", "2xx")], outcome: .ok,
                    share: 1),
                Split(
                    labels: [("handler", "/v1/chat/completions"), ("method", "POST"), ("status", "5xx")],
                    outcome: .failed, share: 0.7),
                Split(
                    labels: [("handler", "/v1/chat/completions"), ("method", "POST"), ("status", "4xx")],
                    outcome: .failed, share: 0.3),
            ]
        case ["endpoint", "method", "status_code"]:
            [
                Split(
                    labels: [("endpoint", "/v1/chat/completions"), ("method", "POST"), ("status_code", "200")],
                    outcome: .ok, share: 1),
                Split(
                    labels: [("endpoint", "/v1/chat/completions"), ("method", "POST"), ("status_code", "500")],
                    outcome: .failed, share: 1),
            ]
        case ["err"]:
            [
                Split(labels: [("err", "validation")], outcome: .failed, share: 0.3),
                Split(labels: [("err", "generation")], outcome: .failed, share: 0.7),
            ]
        case ["reason"]:
            [
                Split(labels: [("reason", "REJECTED")], outcome: .failed, share: 0.5),
                Split(labels: [("reason", "BACKEND")], outcome: .failed, share: 0.5),
            ]
        case ["error_type"]:
            [
                Split(labels: [], outcome: .ok, share: 1),
                Split(labels: [("error_type", "timeout")], outcome: .failed, share: 0.5),
                Split(labels: [("error_type", "500")], outcome: .failed, share: 0.5),
            ]
        case ["exception_status", "exception_class"]:
            [
                Split(
                    labels: [("exception_status", "500"), ("exception_class", "InternalServerError")],
                    outcome: .failed, share: 0.6),
                Split(
                    labels: [("exception_status", "429"), ("exception_class", "RateLimitError")], outcome: .failed,
                    share: 0.4),
            ]
        default: nil
        }
    }
}

/// What a counter counts.
enum CounterRole: Sendable {
    case requests, failed, tokens(Quantity)
    /// The sum of a quantity in the metric's own unit (`scale` converts back); `perToken` weighs per-token times
    /// by output tokens (busy decode seconds).
    case sum(Quantity, scale: Double, perToken: Bool)
    /// A GPU's energy counter, in millijoules.
    case energy
    case preemptions, prefixHits, prefixQueries, spend, generic
}

/// What a gauge shows.
enum GaugeRole: Sendable {
    case running, waiting, kvFraction, reservedTokens, budgetTokens, retracted
    case gpuUtil, gpuMemoryUsed, gpuMemoryFree, gpuPower, gpuTemperature
    case generic(unit: String)
}

struct HistogramPlan {
    var name: String
    var fixed: [(String, String)]
    var quantity: Quantity
    var scale: Double
    var splits: [Split]
    /// Label sets each request is observed under once, each with its own quantity.
    var perQuantity: [(labels: [(String, String)], quantity: Quantity)]
}

struct CounterPlan {
    var name: String
    var fixed: [(String, String)]
    var role: CounterRole
    var splits: [Split]
    var signal: SignalID?
    /// Per-request labels (users, API keys, teams, endpoints) the catalogue puts on this counter.
    var dimensions: [String] = []
}

/// Values for the per-request dimension labels; requests spread evenly over `count` combinations.
enum DimensionValues {
    static let count = 4

    static func value(_ label: String, _ index: Int) -> String {
        let options: [String] =
            switch label {
            case "user": ["alice", "bob", "carol"]
            case "hashed_api_key": ["8f3a2c", "b71e09"]
            case "team": ["search", "support"]
            case "route", "handler", "endpoint": ["/chat/completions", "/completions"]
            case "end_user": ["customer-17", "customer-42", "customer-93"]
            case "region": ["eu-west", "us-east"]
            default: ["a", "b"]
            }
        return options[index % options.count]
    }
}

struct GaugePlan {
    var name: String
    var fixed: [(String, String)]
    var role: GaugeRole
}

/// A serving process (or a GPU) of the fleet: its labels and how it behaves.
struct Target {
    var labels: [(String, String)]
    var traffic: Double
    var latency: Double
}

/// The metrics of one backend, read from its catalogue, and their simulation.
struct FleetPlan {
    let catalog: BackendCatalog
    var histograms: [HistogramPlan] = []
    var counters: [CounterPlan] = []
    var gauges: [GaugePlan] = []

    init(catalog: BackendCatalog) {
        self.catalog = catalog
        var taken = Set<String>()
        func key(_ name: String, _ fixed: [(String, String)]) -> String {
            name + "{" + fixed.map { $0.0 + "=" + $0.1 }.joined(separator: ",") + "}"
        }
        // Histograms first: a counter named like a histogram's `_sum` or `_count` is that histogram's series.
        var histogramRefs: [(MetricRef, Quantity)] = []
        for d in catalog.signals {
            switch d.source {
            case .histogram(let m):
                histogramRefs.append((m, Quantity(d.signal) ?? Quantity(name: m.name, matchers: m.matchers)))
            case .quantileSum(let ms):
                for m in ms { histogramRefs.append((m, Quantity(name: m.name, matchers: m.matchers))) }
            default: break
            }
        }
        for m in catalog.otherMetrics where m.type == .histogram {
            histogramRefs.append((m, Quantity(name: m.name, matchers: m.matchers)))
        }
        var histogramNames = Set<String>()
        for (m, quantity) in histogramRefs {
            let fixed = Self.fixedLabels(m.matchers)
            guard taken.insert(key(m.name, fixed)).inserted else { continue }
            var plan = HistogramPlan(
                name: m.name, fixed: fixed, quantity: quantity, scale: m.scale ?? 1, splits: [], perQuantity: [])
            // Counters reading this histogram's `_count`/`_sum` with labels or fixed matchers shape its series.
            for d in catalog.signals {
                guard case .counter(let c) = d.source, c.name == m.name + "_count" || c.name == m.name + "_sum"
                else { continue }
                if !c.labels.isEmpty, plan.splits.isEmpty, let splits = OutcomeLabels.splits(for: c.labels) {
                    plan.splits = splits
                }
                let cFixed = Self.fixedLabels(c.matchers)
                if !cFixed.isEmpty, let q = Quantity(d.signal) { plan.perQuantity.append((cFixed, q)) }
            }
            histograms.append(plan)
            histogramNames.formUnion([m.name + "_count", m.name + "_sum", m.name + "_bucket"])
        }
        func addCounter(_ m: MetricRef, _ role: CounterRole, signal: SignalID? = nil) {
            guard !histogramNames.contains(m.name) else { return }
            let fixed = Self.fixedLabels(m.matchers)
            guard taken.insert(key(m.name, fixed)).inserted else { return }
            let splits = OutcomeLabels.splits(for: m.labels) ?? []
            let split = Set(splits.flatMap { $0.labels.map(\.0) })
            let dimensions = catalog.dimensions.filter { $0.signal == signal && !split.contains($0.label) }.map(\.label)
            counters.append(
                CounterPlan(
                    name: m.name, fixed: fixed, role: role, splits: splits, signal: signal, dimensions: dimensions))
        }
        func addGauge(_ m: MetricRef, _ role: GaugeRole) {
            let fixed = Self.fixedLabels(m.matchers)
            guard taken.insert(key(m.name, fixed)).inserted else { return }
            gauges.append(GaugePlan(name: m.name, fixed: fixed, role: role))
        }
        for d in catalog.signals {
            switch d.source {
            case .counter(let m): addCounter(m, Self.counterRole(d.signal), signal: d.signal)
            case .gauge(let m, _): addGauge(m, Self.gaugeRole(d.signal, unit: m.unit))
            case .mean(let total, let count):
                let countRole = Self.countRole(count.name)
                let quantity = Quantity(d.signal) ?? .e2e
                let perToken =
                    (quantity == .itl || quantity == .tpot) && { if case .tokens = countRole { true } else { false } }()
                addCounter(total, .sum(quantity, scale: total.scale ?? 1, perToken: perToken))
                addCounter(count, countRole)
            case .gaugeRatio(let a, let b):
                addGauge(a, .reservedTokens)
                addGauge(b, .budgetTokens)
            case .histogram, .quantileSum: break
            }
        }
        for m in catalog.otherMetrics {
            switch m.type {
            case .counter: addCounter(m, .generic)
            case .gauge: addGauge(m, .generic(unit: m.unit))
            case .histogram: break
            }
        }
    }

    /// `label="value"` matchers become labels every series of the metric carries.
    static func fixedLabels(_ matchers: [String]) -> [(String, String)] {
        matchers.compactMap { m in
            guard let eq = m.firstIndex(of: "="), m[m.index(after: eq)...].hasPrefix("\""),
                eq > m.startIndex, m[m.index(before: eq)] != "!", m.hasSuffix("\"")
            else { return nil }
            let name = String(m[..<eq])
            let value = String(m[m.index(eq, offsetBy: 2)..<m.index(before: m.endIndex)])
            return (name, value)
        }
    }

    static func counterRole(_ s: SignalID) -> CounterRole {
        switch s {
        case .requests, .httpResponses: .requests
        case .failedRequests: .failed
        case .promptTokens: .tokens(.promptLength)
        case .outputTokens: .tokens(.outputLength)
        case .preemptions: .preemptions
        case .prefixCacheHits: .prefixHits
        case .prefixCacheQueries: .prefixQueries
        case .spend: .spend
        case .gpuEnergy: .energy
        default: .generic
        }
    }

    static func countRole(_ name: String) -> CounterRole {
        if name.contains("prompt") { return .tokens(.promptLength) }
        if name.contains("token") { return .tokens(.outputLength) }
        return .requests
    }

    static func gaugeRole(_ s: SignalID, unit: String) -> GaugeRole {
        switch s {
        case .running, .batchSize: .running
        case .waiting: .waiting
        case .kvCache: .kvFraction
        case .preemptions: .retracted
        case .gpuUtil: .gpuUtil
        case .gpuMemoryUsed: .gpuMemoryUsed
        case .gpuMemoryFree: .gpuMemoryFree
        case .gpuPower: .gpuPower
        case .gpuTemperature: .gpuTemperature
        default: .generic(unit: unit)
        }
    }

    /// The serving processes (or GPUs) of this backend in the fleet.
    var targets: [Target] {
        let job = ("job", catalog.backend.rawValue)
        let host = catalog.instanceLabel
        if catalog.backend == .dcgm {
            // The exporter's Kubernetes mapping names the pod using each GPU: three vLLM pods and an SGLang one.
            let pods = ["vllm-0", "vllm-1", "vllm-2", "sglang-0"]
            var out: [Target] = []
            for node in 0..<2 {
                for gpu in 0..<2 {
                    let index = node * 2 + gpu
                    out.append(
                        Target(
                            labels: [
                                ("Hostname", "gpu-node-\(node)"),
                                ("UUID", "GPU-5f2c9e0\(index)-8d41-4b7e-9a11-3c6d2f0e7b1\(index)"),
                                ("device", "nvidia\(gpu)"), ("gpu", "\(gpu)"), job,
                                ("modelName", "NVIDIA H100 80GB HBM3"),
                                ("namespace", "llm"), ("pod", pods[index]),
                            ], traffic: 1 + 0.2 * Double(index), latency: 1))
                }
            }
            return out
        }
        let prefix = catalog.backend.rawValue
        func labels(_ model: String?, _ n: Int, _ extra: [(String, String)] = []) -> [(String, String)] {
            var l = [(host, "\(prefix)-\(n):8000"), job, ("namespace", "llm"), ("pod", "\(prefix)-\(n)")] + extra
            if let label = catalog.modelLabel, let model { l.append((label, model)) }
            return l
        }
        if catalog.backend == .vllm {
            return [
                Target(
                    labels: labels("llama-3.1-8b-instruct", 0, [("version", "stable"), ("engine", "0")]), traffic: 1,
                    latency: 1),
                Target(
                    labels: labels("llama-3.1-8b-instruct", 1, [("version", "canary"), ("engine", "0")]),
                    traffic: 0.25, latency: 1.15),
                Target(
                    labels: labels("qwen2.5-7b-instruct", 2, [("version", "stable"), ("engine", "0")]), traffic: 0.6,
                    latency: 0.9),
            ]
        }
        return [
            Target(labels: labels("llama-3.1-8b-instruct", 0), traffic: 1, latency: 1),
            Target(labels: labels("qwen2.5-7b-instruct", 1), traffic: 0.6, latency: 0.9),
        ]
    }

    static let secondsBuckets: [Double] = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]
    static let tokenBuckets: [Double] = [16, 64, 128, 256, 512, 1024, 2048, 4096, 8192]

    /// A histogram's series for one label set, during simulation.
    struct HistogramState {
        var plan: Int
        var labels: [(String, String)]
        var quantity: Quantity
        var outcome: Outcome?
        var share: Double
        /// Where its buckets start in the flat bucket arrays, and how many there are.
        var firstBucket: Int
        var bounds: [Double]
    }

    /// A counter's series for one label set, during simulation.
    struct CounterState {
        var plan: Int
        var labels: [(String, String)]
        var outcome: Outcome?
        var share: Double
    }

    /// Simulates every target over `times` and returns its series.
    func simulate(times: [Int64], options: SynthOptions, rng: inout SplitMix64) -> [Series] {
        var out: [SyntheticFleet.Series] = []
        let end = times.last ?? 0
        let historyStart = end - Int64(options.history)
        let burstStart = options.burst > 0 ? end - Int64(options.burst) : Int64.max
        let steps = times.count
        for target in targets {
            let base = target.labels
            func labels(_ extra: [(String, String)]...) -> [(String, String)] {
                (base + extra.flatMap { $0 }).sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
            }
            // Flat buffers: running values, and every step's value at [series * steps + step].
            var hs: [HistogramState] = []
            var bucketCount = 0
            for (p, plan) in histograms.enumerated() {
                let bounds = (plan.quantity.isTokens ? Self.tokenBuckets : Self.secondsBuckets).map { $0 / plan.scale }
                let splits = plan.splits.isEmpty ? [Split(labels: [], outcome: .ok, share: 1)] : plan.splits
                let perQ = plan.perQuantity.isEmpty ? [([(String, String)](), plan.quantity)] : plan.perQuantity
                for (ql, q) in perQ {
                    for split in splits {
                        hs.append(
                            HistogramState(
                                plan: p, labels: labels(plan.fixed, ql, split.labels), quantity: q,
                                outcome: plan.splits.isEmpty ? nil : split.outcome, share: split.share,
                                firstBucket: bucketCount, bounds: bounds))
                        bucketCount += bounds.count
                    }
                }
            }
            var buckets = [Double](repeating: 0, count: bucketCount)
            var sums = [Double](repeating: 0, count: hs.count)
            var counts = [Double](repeating: 0, count: hs.count)
            var bucketOut = [Double](repeating: 0, count: bucketCount * steps)
            var sumOut = [Double](repeating: 0, count: hs.count * steps)
            var countOut = [Double](repeating: 0, count: hs.count * steps)

            var cs: [CounterState] = []
            for (p, plan) in counters.enumerated() {
                let combinations: [[(String, String)]] =
                    plan.dimensions.isEmpty
                    ? [[]]
                    : (0..<DimensionValues.count).map { i in
                        plan.dimensions.map { ($0, DimensionValues.value($0, i)) }
                    }
                let share = 1 / Double(combinations.count)
                for dimension in combinations {
                    if plan.splits.isEmpty {
                        cs.append(
                            CounterState(plan: p, labels: labels(plan.fixed, dimension), outcome: nil, share: share))
                        continue
                    }
                    let failedOnly: Bool = if case .failed = plan.role { true } else { false }
                    for split in plan.splits where !failedOnly || split.outcome == .failed {
                        cs.append(
                            CounterState(
                                plan: p, labels: labels(plan.fixed, dimension, split.labels), outcome: split.outcome,
                                share: split.share * share))
                    }
                }
            }
            var counterValues = [Double](repeating: 0, count: cs.count)
            var counterOut = [Double](repeating: 0, count: cs.count * steps)
            var gaugeOut = [Double](repeating: 0, count: gauges.count * steps)
            var power = 300.0
            var requests: [Request] = []

            for (i, t) in times.enumerated() {
                let dt = i == 0 || times[i] - times[i - 1] > Int64(options.step) ? 0 : Double(options.step)
                let baseline = t < historyStart
                let burst = t > burstStart
                let diurnal = 1 + 0.2 * sin(Double(t % 86400) / 86400 * 2 * Double.pi)
                let rate = 2.0 * target.traffic * diurnal
                let n = dt > 0 ? rng.poisson(rate * dt) : 0
                requests.removeAll(keepingCapacity: true)
                for _ in 0..<n {
                    let prompt = max(1, min(32000, rng.logNormal(median: baseline ? 450 : 600, sigma: 0.8)).rounded())
                    let output = max(1, min(8000, rng.logNormal(median: baseline ? 260 : 200, sigma: 0.7)).rounded())
                    let queue = rng.logNormal(median: 0.02 * (burst ? 2 : 1), sigma: 1)
                    let prefill = (0.015 + prompt / 20000) * target.latency * rng.logNormal(median: 1, sigma: 0.2)
                    let itl = rng.logNormal(median: 0.025 * target.latency, sigma: 0.25)
                    let decode = itl * output
                    let ttft = queue + prefill
                    let failed = rng.uniform() < (burst ? options.burstErrorRatio : 0.003)
                    requests.append(
                        Request(
                            ttft: ttft, itl: itl, tpot: decode / max(output - 1, 1), e2e: ttft + decode, queue: queue,
                            prefill: prefill, decode: decode, promptLength: prompt, outputLength: output,
                            failed: failed))
                }
                // Histograms.
                for h in 0..<hs.count {
                    let state = hs[h]
                    let scale = histograms[state.plan].scale
                    let bounds = state.bounds
                    for r in requests {
                        if let outcome = state.outcome {
                            guard (outcome == .failed) == r.failed else { continue }
                            if state.share < 1 && rng.uniform() >= state.share { continue }
                        }
                        let v = r.value(state.quantity) / scale
                        sums[h] += v
                        counts[h] += 1
                        // Buckets are cumulative: every bound at or above the value counts it.
                        var b = bounds.count - 1
                        while b >= 0 && v <= bounds[b] {
                            buckets[state.firstBucket + b] += 1
                            b -= 1
                        }
                    }
                    for b in 0..<state.bounds.count {
                        bucketOut[(state.firstBucket + b) * steps + i] = buckets[state.firstBucket + b]
                    }
                    sumOut[h * steps + i] = sums[h].rounded(toPlaces: 4)
                    countOut[h * steps + i] = counts[h]
                }
                // Counters.
                var failedCount = 0.0
                var promptTokens = 0.0
                var outputTokens = 0.0
                var e2eTotal = 0.0
                var queueTotal = 0.0
                for r in requests {
                    if r.failed { failedCount += 1 }
                    promptTokens += r.promptLength
                    outputTokens += r.outputLength
                    e2eTotal += r.e2e
                    queueTotal += r.queue
                }
                let total = Double(requests.count)
                let meanE2E = total > 0 ? e2eTotal / total : 4
                let meanQueue = total > 0 ? queueTotal / total : 0.02
                let running = rate * meanE2E * (0.9 + 0.2 * rng.uniform())
                let util = min(99, max(5, 35 + 6 * running * target.traffic + 5 * rng.normal()))
                power = 120 + 5.5 * util + 10 * rng.normal()
                for c in 0..<cs.count {
                    let state = cs[c]
                    let share = state.share
                    let increment: Double
                    switch (counters[state.plan].role, state.outcome) {
                    case (.requests, nil): increment = total * share
                    case (.requests, .ok?): increment = (total - failedCount) * share
                    case (.requests, .failed?), (.failed, .failed?): increment = failedCount * share
                    case (.failed, _): increment = failedCount * share
                    case (.tokens(let q), _): increment = (q == .promptLength ? promptTokens : outputTokens) * share
                    case (.energy, _): increment = power * dt * 1000
                    case (.sum(let q, let scale, let perToken), _):
                        var raw = 0.0
                        for r in requests { raw += perToken ? r.decode : r.value(q) }
                        increment = raw / scale
                    case (.preemptions, _): increment = Double(rng.poisson(0.01 * dt * (burst ? 5 : 1)))
                    case (.prefixHits, _): increment = (promptTokens * 0.4).rounded()
                    case (.prefixQueries, _): increment = promptTokens
                    case (.spend, _): increment = (promptTokens * 0.15 + outputTokens * 0.6) / 1e6 * share
                    case (.generic, _): increment = total * share
                    }
                    counterValues[c] += increment
                    counterOut[c * steps + i] = counterValues[c].rounded(toPlaces: 4)
                }
                // Gauges.
                for g in 0..<gauges.count {
                    let plan = gauges[g]
                    let v: Double
                    switch plan.role {
                    case .running: v = running.rounded()
                    case .waiting: v = max(0, (rate * meanQueue * 3 + rng.normal()).rounded())
                    case .kvFraction: v = min(0.97, 0.12 + 0.035 * running + 0.02 * rng.normal())
                    case .budgetTokens: v = 65536
                    case .reservedTokens: v = min(65536, (running * 900 + 500 * rng.normal()).rounded())
                    case .retracted: v = burst ? Double(rng.poisson(2)) : 0
                    case .gpuUtil: v = util.rounded()
                    case .gpuMemoryUsed: v = (62000 + 120 * running).rounded()
                    case .gpuMemoryFree: v = (81559 - 62000 - 120 * running).rounded()
                    case .gpuPower: v = power
                    case .gpuTemperature: v = (38 + 0.35 * util + rng.normal()).rounded()
                    case .generic(let unit):
                        switch unit {
                        case "percentunit": v = 0.5 + 0.2 * rng.uniform()
                        case "percent": v = (50 + 20 * rng.uniform()).rounded()
                        case "bytes": v = 4e10
                        case "mbytes": v = 1024
                        case "watt": v = power
                        case "celsius": v = 60
                        case "hertz": v = 1_980_000_000
                        default: v = (running * rng.uniform()).rounded()
                        }
                    }
                    gaugeOut[g * steps + i] = v.rounded(toPlaces: 4)
                }
            }
            // Emit.
            func slice(_ buffer: [Double], _ index: Int) -> [Double] {
                Array(buffer[(index * steps)..<((index + 1) * steps)])
            }
            for (h, state) in hs.enumerated() {
                let name = histograms[state.plan].name
                for (b, bound) in state.bounds.enumerated() {
                    out.append(
                        Series(
                            name: name + "_bucket",
                            labels: (state.labels + [("le", SyntheticFleet.format(bound))]).sorted {
                                $0.0.utf8.lexicographicallyPrecedes($1.0.utf8)
                            }, times: times, values: slice(bucketOut, state.firstBucket + b),
                            family: (name, "histogram")))
                }
                out.append(
                    Series(
                        name: name + "_bucket",
                        labels: (state.labels + [("le", "+Inf")]).sorted {
                            $0.0.utf8.lexicographicallyPrecedes($1.0.utf8)
                        }, times: times, values: slice(countOut, h), family: (name, "histogram")))
                out.append(
                    Series(
                        name: name + "_sum", labels: state.labels, times: times, values: slice(sumOut, h),
                        family: (name, "histogram")))
                out.append(
                    Series(
                        name: name + "_count", labels: state.labels, times: times, values: slice(countOut, h),
                        family: (name, "histogram")))
            }
            for (c, state) in cs.enumerated() {
                let name = counters[state.plan].name
                out.append(
                    Series(
                        name: name, labels: state.labels, times: times, values: slice(counterOut, c),
                        family: (name, "unknown")))
            }
            for (g, plan) in gauges.enumerated() {
                out.append(
                    Series(
                        name: plan.name, labels: labels(plan.fixed), times: times, values: slice(gaugeOut, g),
                        family: (plan.name, "gauge")))
            }
        }
        return out
    }
}

typealias Series = SyntheticFleet.Series

extension Double {
    func rounded(toPlaces places: Int) -> Double {
        let f = pow(10, Double(places))
        return (self * f).rounded() / f
    }
}

/// Series from outside any serving stack that the shipped templates read: an evaluation job's scores (drift and
/// quality) and the canary deployment's generation (rollout annotations).
enum Evaluator {
    static func series(times: [Int64], options: SynthOptions, rng: inout SplitMix64) -> [Series] {
        let end = times.last ?? 0
        let lastHour = end - 3600
        var out: [Series] = []
        for model in ["llama-3.1-8b-instruct", "qwen2.5-7b-instruct"] {
            var quality: [Double] = []
            var golden: [Double] = []
            var hallucination: [Double] = []
            var drift: [Double] = []
            for t in times {
                let shifted = t > lastHour
                quality.append((shifted ? 0.78 : 0.86) + 0.01 * rng.normal())
                golden.append(0.88)
                hallucination.append(max(0, (shifted ? 0.07 : 0.04) + 0.004 * rng.normal()))
                drift.append(max(0, (shifted ? 0.21 : 0.12) + 0.01 * rng.normal()))
            }
            let labels = [("job", "llm-eval"), ("model_name", model)]
            for (name, values) in [
                ("llm_eval_embedding_drift", drift), ("llm_eval_golden_quality_score", golden),
                ("llm_eval_hallucination_rate", hallucination), ("llm_eval_quality_score", quality),
            ] {
                out.append(
                    Series(
                        name: name, labels: labels, times: times, values: values.map { $0.rounded(toPlaces: 4) },
                        family: (name, "gauge")))
            }
        }
        // Thumbs up and down from a chat front end, by the gateway's model label; fewer thumbs up after the shift.
        for model in ["llama-3.1-8b-instruct", "qwen2.5-7b-instruct"] {
            var up = 0.0
            var down = 0.0
            var ups: [Double] = []
            var downs: [Double] = []
            for (i, t) in times.enumerated() {
                let dt = i == 0 || times[i] - times[i - 1] > Int64(options.step) ? 0 : Double(options.step)
                let positive = t > lastHour ? 0.7 : 0.85
                let votes = Double(rng.poisson(0.1 * dt))
                let good = (votes * positive).rounded()
                up += good
                down += votes - good
                ups.append(up)
                downs.append(down)
            }
            for (name, values) in [("chat_feedback_negative_total", downs), ("chat_feedback_positive_total", ups)] {
                out.append(
                    Series(
                        name: name, labels: [("job", "chat-frontend"), ("model", model)], times: times, values: values,
                        family: (name, "unknown")))
            }
        }
        let generation = times.map { $0 > lastHour ? 42.0 : 41.0 }
        out.append(
            Series(
                name: "kube_deployment_status_observed_generation",
                labels: [("deployment", "vllm-canary"), ("job", "kube-state-metrics"), ("namespace", "llm")],
                times: times, values: generation, family: ("kube_deployment_status_observed_generation", "gauge")))
        return out
    }
}

import ArgumentParser
import LLMDashCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension LLMDashCommand {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Run every dashboard query and SLO rule against a live Prometheus.",
            discussion: """
                Compiles the specs, then for each dashboard resolves its variables with the server's label values \
                (All selects every value), replaces $__rate_interval (four scrape intervals; the scrape interval \
                is read from the server's configuration unless given), $__interval and $__range, and evaluates \
                every panel query, annotation, recording rule and alert at one instant. Each panel is reported as \
                ok, no data, all-NaN (every value is NaN, e.g. 0/0) or error (with the server's message); alerts \
                as firing or inactive. Exit 0 when every panel and recording rule has data, 1 on any problem, \
                2 when the server cannot be reached or an option is wrong.

                TLS: https:// URLs use the system's OpenSSL (libssl 3 or 1.1, loaded when needed), verify the \
                certificate against the system's authorities or --ca-file and check the host name; \
                --insecure-skip-verify turns both checks off.

                Examples:
                  llmdash verify --prometheus http://localhost:9090
                  llmdash verify templates/vllm-serving.yaml --prometheus https://prom.example.com \\
                      --bearer-token-env PROM_TOKEN --ca-file ca.pem --time 2026-11-30T12:00:00Z
                """
        )

        @Argument(help: "Spec files or folders of them (default: templates/).")
        var paths: [String] = []

        @Option(help: "The Prometheus base URL (http:// or https://, with any path prefix).")
        var prometheus: String

        @Option(help: "When to evaluate: now, Unix seconds, or RFC 3339 (2026-11-30T12:00:00Z).")
        var time: String = "now"

        @Option(help: "The scrape interval behind $__rate_interval (default: the server's global scrape_interval).")
        var scrapeInterval: String?

        @Option(help: "The dashboard time range: $__range, and the window label values are read from.")
        var range: String = "1h"

        @Option(help: "Seconds to wait for each answer (and for each connection).")
        var timeout: Double = 10

        @Option(help: "How often to retry a request that failed on the way (refused, timed out, 502/503/504).")
        var retries: Int = 2

        @Option(help: "The environment variable holding a bearer token to send.")
        var bearerTokenEnv: String?

        @Option(help: "PEM file of certificate authorities to trust (https://).")
        var caFile: String?

        @Option(help: "Client certificate (PEM) for servers that ask for one (https://).")
        var certFile: String?

        @Option(help: "Private key (PEM) of --cert-file (default: the same file).")
        var keyFile: String?

        @Option(help: "The name the server's certificate must carry, when it is not the URL's host (https://).")
        var serverName: String?

        @Flag(help: "Accept any server certificate (https://): for tests only.")
        var insecureSkipVerify = false

        func validate() throws {
            guard HTTPURL(prometheus) != nil else {
                throw ValidationError("--prometheus must be an http:// or https:// URL, e.g. http://localhost:9090")
            }
            guard Self.parseTime(time) != nil else {
                throw ValidationError("--time must be now, Unix seconds or RFC 3339 (2026-11-30T12:00:00Z)")
            }
            if let scrapeInterval, (PrometheusDuration.parseSeconds(scrapeInterval) ?? 0) < 1 {
                throw ValidationError("--scrape-interval must be a duration of at least 1s, e.g. 15s")
            }
            guard (PrometheusDuration.parseSeconds(range) ?? 0) >= 1 else {
                throw ValidationError("--range must be a duration of at least 1s, e.g. 1h")
            }
            guard timeout > 0, timeout <= 600 else { throw ValidationError("--timeout must be between 0 and 600") }
            guard (0...10).contains(retries) else { throw ValidationError("--retries must be between 0 and 10") }
            if let name = bearerTokenEnv, getenv(name) == nil {
                throw ValidationError("--bearer-token-env names \(name), which is not set")
            }
            if (keyFile != nil) && certFile == nil { throw ValidationError("--key-file needs --cert-file") }
            for file in [caFile, certFile, keyFile].compactMap({ $0 }) where !FileSystem.exists(file) {
                throw ValidationError("no such file: \(file)")
            }
        }

        func run() throws {
            let registered = LLMDashCommand.registered.withLock { $0 }
            let specPaths = paths.isEmpty && registered.isEmpty ? ["templates"] : paths
            let plan = VerifyPlan.load(paths: specPaths, dashboards: registered)
            Terminal.report(plan.diagnostics, sources: plan.sources)
            if plan.diagnostics.hasErrors {
                throw plan.diagnostics.contains { $0.id.hasPrefix("io.") } ? ExitCode(2) : ExitCode.failure
            }
            var headers: [(String, String)] = []
            if let name = bearerTokenEnv, let token = getenv(name) {
                headers.append(("Authorization", "Bearer " + String(cString: token)))
            }
            let tls = TLSOptions(
                caFile: caFile, certFile: certFile, keyFile: keyFile, insecureSkipVerify: insecureSkipVerify,
                serverName: serverName)
            let client = PrometheusClient(
                http: HTTPClient(url: HTTPURL(prometheus)!, timeout: timeout, tls: tls, headers: headers),
                retries: retries)
            let at = Self.parseTime(time)!
            var runner = VerifyRun(client: client, time: at, range: PrometheusDuration.parseSeconds(range)!)
            do throws(HTTPError) {
                let scrape: Int
                var scrapeSource = "--scrape-interval"
                if let given = scrapeInterval {
                    scrape = PrometheusDuration.parseSeconds(given)!
                } else if let fromServer = try client.scrapeInterval() {
                    scrape = fromServer
                    scrapeSource = "the server's configuration"
                } else {
                    scrape = 15
                    scrapeSource = "a default (the server's configuration was not readable)"
                }
                runner.scrape = scrape
                Terminal.out(
                    "Prometheus \(prometheus) at \(Self.formatTime(at)); $__rate_interval = "
                        + "\(Self.duration(runner.rateInterval)) (scrape interval \(Self.duration(scrape)) from "
                        + "\(scrapeSource))\n")
                for dashboard in plan.dashboards { try runner.verify(dashboard) }
                for file in plan.ruleFiles { try runner.verify(file) }
            } catch {
                Terminal.error("error: \(prometheus): \(error.description)")
                throw ExitCode(2)
            }
            Terminal.out("\n" + runner.summary.text + "\n")
            if runner.summary.problems > 0 { throw ExitCode.failure }
        }

        /// Unix seconds from `now`, a number, or RFC 3339 in UTC or with an offset.
        static func parseTime(_ text: String) -> Double? {
            if text == "now" {
                var ts = timespec()
                clock_gettime(CLOCK_REALTIME, &ts)
                return Double(ts.tv_sec)
            }
            if let seconds = Double(text), seconds.isFinite, seconds >= 0 { return seconds }
            let chars = Array(text.utf8)
            func number(_ r: Range<Int>) -> Int? {
                guard r.upperBound <= chars.count else { return nil }
                return Int(String(decoding: chars[r], as: UTF8.self))
            }
            guard chars.count >= 20, chars[4] == UInt8(ascii: "-"), chars[7] == UInt8(ascii: "-"),
                chars[10] == UInt8(ascii: "T") || chars[10] == UInt8(ascii: "t"), chars[13] == UInt8(ascii: ":"),
                chars[16] == UInt8(ascii: ":"), let y = number(0..<4), let mo = number(5..<7), let d = number(8..<10),
                let h = number(11..<13), let mi = number(14..<16), let s = number(17..<19),
                (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61
            else { return nil }
            var i = 19
            var fraction = 0.0
            if chars[i] == UInt8(ascii: ".") {
                let start = i
                i += 1
                while i < chars.count, chars[i] >= 0x30, chars[i] <= 0x39 { i += 1 }
                fraction = Double(String(decoding: chars[start..<i], as: UTF8.self)) ?? 0
            }
            var offset = 0
            let rest = String(decoding: chars[i...], as: UTF8.self)
            if rest == "Z" || rest == "z" {
                offset = 0
            } else if rest.utf8.count == 6, let sign = rest.first, sign == "+" || sign == "-",
                let oh = Int(rest.dropFirst().prefix(2)), let om = Int(rest.suffix(2))
            {
                offset = (sign == "+" ? 1 : -1) * (oh * 3600 + om * 60)
            } else {
                return nil
            }
            var t = tm()
            t.tm_year = Int32(y - 1900)
            t.tm_mon = Int32(mo - 1)
            t.tm_mday = Int32(d)
            t.tm_hour = Int32(h)
            t.tm_min = Int32(mi)
            t.tm_sec = Int32(s)
            return Double(timegm(&t) - offset) + fraction
        }

        static func formatTime(_ seconds: Double) -> String {
            var t = time_t(seconds.rounded(.down))
            var parts = tm()
            gmtime_r(&t, &parts)
            func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
            return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
                + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
        }

        /// `90` → `1m30s`.
        static func duration(_ seconds: Int) -> String {
            if seconds == 0 { return "0s" }
            var out = ""
            var rest = seconds
            for (unit, size) in [("d", 86400), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
                out += "\(rest / size)\(unit)"
                rest %= size
            }
            return out
        }
    }
}

/// How one panel, variable or rule fared.
enum VerifyStatus: Equatable {
    case ok(series: Int)
    /// A condition (`x > y`) that no series meets at the moment: not a problem.
    case noMatches
    case noData
    case allNaN(series: Int)
    case error(String)
    case firing(series: Int)
    case inactive
    /// Not a PromQL query (Loki logs).
    case skipped

    var word: String {
        switch self {
        case .ok: "ok"
        case .noMatches: "no matches"
        case .noData: "no data"
        case .allNaN: "all-NaN"
        case .error: "error"
        case .firing: "firing"
        case .inactive: "inactive"
        case .skipped: "skipped"
        }
    }

    /// Worse statuses win when a panel's queries disagree.
    var rank: Int {
        switch self {
        case .ok, .noMatches, .firing, .inactive, .skipped: 0
        case .allNaN: 1
        case .noData: 2
        case .error: 3
        }
    }

    var isProblem: Bool { rank > 0 }
}

/// Counts for the closing line.
struct VerifySummary {
    var dashboards = 0
    var panels: [String: Int] = [:]
    var variables = 0
    var variableProblems = 0
    var records: [String: Int] = [:]
    var firing: [String] = []
    var inactive = 0
    var annotations = 0
    var annotationErrors = 0
    var skipped = 0
    var ruleFiles = 0

    var problems: Int {
        panels.filter { $0.key != "ok" }.values.reduce(0, +) + records.filter { $0.key != "ok" }.values.reduce(0, +)
            + variableProblems + annotationErrors
    }

    var text: String {
        func counts(_ d: [String: Int]) -> String {
            var words = ["ok", "no data", "all-NaN", "error"]
            if d["no matches"] != nil { words.insert("no matches", at: 1) }
            return words.map { "\(d[$0] ?? 0) \($0)" }.joined(separator: ", ")
        }
        func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
        let panelTotal = panels.values.reduce(0, +)
        let recordTotal = records.values.reduce(0, +)
        var text = "\(count(dashboards, "dashboard")), \(count(panelTotal, "panel")): \(counts(panels))"
        if skipped > 0 { text += "; \(count(skipped, "logs panel")) not run" }
        text += "; \(count(variables, "variable")) (\(variableProblems) without values)"
        if annotations > 0 { text += "; \(count(annotations, "annotation")) (\(count(annotationErrors, "error")))" }
        text += "\n\(count(ruleFiles, "rule file")), \(count(recordTotal, "recording rule")): \(counts(records))"
        text += "; alerts: \(firing.count) firing"
        if !firing.isEmpty { text += " (\(firing.joined(separator: ", ")))" }
        text += ", \(inactive) inactive"
        return text
    }
}

/// Runs a plan's queries and prints the report as it goes.
struct VerifyRun {
    var client: PrometheusClient
    var time: Double
    var range: Int
    var scrape = 15
    var summary = VerifySummary()

    init(client: PrometheusClient, time: Double, range: Int) {
        self.client = client
        self.time = time
        self.range = range
    }

    var rateInterval: Int { VariableValues.rateInterval(scrapeInterval: scrape, step: scrape) }

    mutating func verify(_ dashboard: VerifyDashboard) throws(HTTPError) {
        summary.dashboards += 1
        var out = "\n\(dashboard.uid)  \(dashboard.title)"
        if let location = dashboard.location { out += "  (\(location))" }
        out += "\n"
        var values = initialValues
        for variable in dashboard.variables {
            let line = try resolve(variable, into: &values)
            if let line { out += line }
        }
        out += try run(dashboard.queries, values: values)
        Terminal.out(out)
    }

    mutating func verify(_ file: VerifyRuleFile) throws(HTTPError) {
        summary.ruleFiles += 1
        var out = "\n\(file.path)"
        if let location = file.location { out += "  (from \(location))" }
        out += "\n"
        out += try run(file.queries, values: initialValues)
        Terminal.out(out)
    }

    /// The built-in values before any variable is resolved.
    var initialValues: VariableValues {
        VariableValues(
            rateInterval: rateInterval, interval: scrape, range: range, timeMilliseconds: Int64(time * 1000))
    }

    /// Picks a variable's values; returns its report line.
    mutating func resolve(_ v: VariableSpec, into values: inout VariableValues) throws(HTTPError) -> String? {
        let regex = v.multi || v.includeAll
        func select(_ options: [String]) -> [String] {
            let all = v.current == nil || v.current == "All" || v.current == "$__all"
            if v.includeAll && all { return v.allValue.map { [$0] } ?? options }
            if let current = v.current, options.contains(current) || options.isEmpty { return [current] }
            return Array(options.prefix(1))
        }
        switch v.kind {
        case .datasource:
            values.set(v.name, [v.current ?? "prometheus"], regex: false)
            return nil
        case .constant, .textbox:
            values.set(v.name, [v.current ?? v.query], regex: false)
            return nil
        case .custom, .interval:
            let options = v.values.isEmpty ? v.query.split(separator: ",").map { $0.trimmingCharactersSpace } : v.values
            let chosen = select(options)
            values.set(v.name, chosen, regex: regex && v.allValue == nil)
            return nil
        case .query:
            summary.variables += 1
            let (query, missing) = Interpolation.apply(v.query, values)
            let head = "  variable \(v.name)"
            if !missing.isEmpty {
                summary.variableProblems += 1
                return "\(head): error: uses \(missing.map { "$" + $0 }.joined(separator: ", ")), which has no value\n"
            }
            guard let lv = Interpolation.labelValues(query) else {
                summary.variableProblems += 1
                return "\(head): error: only label_values(…) queries can be resolved: \(query)\n"
            }
            let found = try client.labelValues(
                lv.label, selector: lv.selector, start: time - Double(range), end: time)
            switch found {
            case .failed(let message):
                summary.variableProblems += 1
                return "\(head): error: \(message)\n    \(query)\n"
            case .values(let options) where options.isEmpty:
                summary.variableProblems += 1
                return "\(head): no values: \(query)\n"
            case .values(let options):
                let chosen = select(options)
                values.set(
                    v.name, chosen, regex: regex && !(v.includeAll && v.allValue != nil && chosen == [v.allValue!]))
                return "\(head) = \(chosen.joined(separator: ", "))\n"
            }
        }
    }

    /// Runs queries, grouped by panel (or rule), and returns their report lines.
    mutating func run(_ queries: [VerifyQuery], values: VariableValues) throws(HTTPError) -> String {
        var out = ""
        var index = 0
        while index < queries.count {
            let group = queries[index].group
            var members: [VerifyQuery] = []
            while index < queries.count, queries[index].group == group {
                members.append(queries[index])
                index += 1
            }
            var worst: VerifyStatus?
            var details: [String] = []
            var seriesCount = 0
            for q in members {
                let status = try evaluate(q, values: values)
                switch status {
                case .ok(let n), .firing(let n), .allNaN(let n): seriesCount += n
                default: break
                }
                let counts = !(q.hidden && status.isProblem)
                if counts, status.rank > (worst?.rank ?? -1) { worst = status }
                if worst == nil { worst = status }
                if status.isProblem {
                    let (expr, _) = Interpolation.apply(q.expr, values)
                    var line = "      "
                    if let ref = q.refId { line += "\(ref): " }
                    if let location = q.location { line += "\(location): " }
                    if case .error(let message) = status { line += message + "\n        " }
                    line += (q.hidden ? "(hidden) " : "") + expr
                    details.append(line)
                }
            }
            let status = worst ?? .noData
            let first = members[0]
            switch first.kind {
            case .panel: summary.panels[status.word, default: 0] += 1
            case .record: summary.records[status.word, default: 0] += 1
            case .alert:
                if case .firing = status {
                    summary.firing.append(first.title)
                } else if !status.isProblem {
                    summary.inactive += 1
                }
                if case .error = status { summary.records["error", default: 0] += 1 }
            case .annotation:
                summary.annotations += 1
                if case .error = status { summary.annotationErrors += 1 }
            case .skipped: summary.skipped += 1
            }
            var word = status.word
            if first.kind == .annotation && (status == .noData || status == .noMatches) { word = "no events" }
            var line = "  " + word.padding(9) + first.title
            if first.kind == .annotation { line = "  " + word.padding(9) + "annotation " + first.title }
            if first.kind == .skipped { line += "  (Loki logs, not PromQL)" }
            if case .ok = status, seriesCount > 0 { line += "  (\(seriesCount) series)" }
            out += line + "\n"
            for detail in details where first.kind != .annotation || status.rank == 3 { out += detail + "\n" }
        }
        return out
    }

    func evaluate(_ q: VerifyQuery, values: VariableValues) throws(HTTPError) -> VerifyStatus {
        if q.kind == .skipped { return .skipped }
        let (expr, missing) = Interpolation.apply(q.expr, values)
        if !missing.isEmpty {
            return .error("uses \(missing.map { "$" + $0 }.joined(separator: ", ")), which has no value")
        }
        switch try client.query(expr, time: time) {
        case .failed(let message): return .error(message)
        case .values(let samples, _):
            if q.kind == .alert { return samples.isEmpty ? .inactive : .firing(series: samples.count) }
            if samples.isEmpty { return VerifyQuery.isCondition(expr) ? .noMatches : .noData }
            if samples.allSatisfy(\.isNaN) { return .allNaN(series: samples.count) }
            return .ok(series: samples.count)
        }
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}

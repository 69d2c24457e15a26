import PromQL

extension YAMLSpecLoader {
    static let sloNamePattern = "names start and end with a letter or digit and hold letters, digits, '-', '_' or '.'"

    static func isSLOName(_ name: String) -> Bool {
        let chars = Array(name.unicodeScalars)
        guard chars.count >= 2, let first = chars.first, let last = chars.last else { return false }
        func alnum(_ c: Unicode.Scalar) -> Bool { c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c)) }
        return alnum(first) && alnum(last) && chars.allSatisfy { alnum($0) || "-_.".unicodeScalars.contains($0) }
    }

    static func readSLO(_ top: MappingReader, _ ctx: ReadContext) -> SLOSpec? {
        guard let metaNode = top.required("metadata"), let meta = MappingReader(metaNode, ctx, what: "metadata")
        else { return nil }
        meta.allow(["name", "service", "description"])
        let name = meta.requiredString("name") ?? ""
        let service = meta.requiredString("service") ?? ""
        for (key, value) in [("name", name), ("service", service)] where !value.isEmpty && !isSLOName(value) {
            ctx.error(
                "spec.invalid-value", "invalid SLO \(key) '\(value)'", at: meta.value(key), notes: [sloNamePattern])
        }
        guard let specNode = top.required("spec"), let spec = MappingReader(specNode, ctx, what: "spec") else {
            return nil
        }
        spec.allow(["objective", "period", "labels", "sli", "alerting"])
        var objective = 99.0
        if let node = spec.required("objective"), let value = ctx.double(node, what: "'objective'") {
            if value <= 0 || value >= 100 {
                ctx.error(
                    "spec.invalid-value", "objective \(SLOMath.number(value)) is not between 0 and 100 (exclusive)",
                    at: node, notes: ["the objective is a percentage such as 99.9"])
            }
            objective = value
        }
        var period = 30 * SLODuration.day
        if let node = spec.value("period"), let ms = readDuration(node, ctx, what: "'period'") { period = ms }
        guard let sliNode = spec.required("sli"), let sli = readSLI(sliNode, ctx) else { return nil }
        var slo = SLOSpec(name: name, service: service, objective: objective, periodMilliseconds: period, sli: sli)
        slo.description = meta.string("description")
        slo.location = meta.location("name") ?? top.location
        if let node = spec.value("labels") {
            slo.labels = readLabels(node, ctx, what: "labels")
            checkLabelNames(node, ctx, slo.labels)
        }
        var ownWindows = false
        if let node = spec.value("alerting") { ownWindows = readAlerting(node, ctx, into: &slo) }
        if !ownWindows {
            for w in slo.windows where w.longMilliseconds > slo.periodMilliseconds {
                ctx.error(
                    "spec.invalid-value",
                    "the \(w.severity.rawValue) window \(SLODuration.format(w.longMilliseconds)) is longer than the period \(slo.periodText)",
                    at: spec.value("period") ?? specNode, notes: ["set alerting.windows for short periods"])
            }
        }
        if slo.objective <= 0 || slo.objective >= 100 { return nil }
        return slo
    }

    static func readDuration(_ node: YAMLNode, _ ctx: ReadContext, what: String) -> Int? {
        guard let text = ctx.string(node, what: what) else { return nil }
        guard let ms = SLODuration.parse(text) else {
            ctx.error(
                "spec.invalid-value", "\(what) '\(text)' is not a duration", at: node,
                notes: ["durations look like 5m, 1h, 30d or 4w"])
            return nil
        }
        return ms
    }

    static func readLabels(_ node: YAMLNode, _ ctx: ReadContext, what: String) -> [String: String] {
        guard let map = MappingReader(node, ctx, what: what) else { return [:] }
        var out: [String: String] = [:]
        for entry in map.entries {
            guard let value = ctx.string(entry.value, what: "'\(entry.key)'") else { continue }
            out[entry.key] = value
        }
        return out
    }

    static func isLabelName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_")
        }
    }

    static func checkLabelNames(
        _ node: YAMLNode, _ ctx: ReadContext, _ labels: [String: String], annotations: Bool = false
    ) {
        guard case .mapping(let mapping) = node else { return }
        for pair in mapping.pairs {
            guard case .scalar(let key) = pair.key, labels[key.value] != nil else { continue }
            if !isLabelName(key.value) {
                let what = annotations ? "an annotation" : "a label"
                ctx.error("spec.invalid-value", "'\(key.value)' is not a valid \(what) name", at: pair.key)
            } else if !annotations && (key.value.hasPrefix("sloth_") || key.value == "alertname") {
                ctx.error("spec.invalid-value", "the label '\(key.value)' is set by llmdash", at: pair.key)
            }
        }
    }

    static func readSLI(_ node: YAMLNode, _ ctx: ReadContext) -> SLI? {
        let kinds = ["errors", "ratio", "latency"]
        guard let (kind, body) = singleKey(node, ctx, what: "an SLI", kinds: kinds),
            let map = MappingReader(body, ctx, what: "a \(kind) SLI")
        else { return nil }
        switch kind {
        case "ratio":
            map.allow(["errors", "total"])
            let errorsNode = map.required("errors")
            let totalNode = map.required("total")
            guard let errors = map.requiredString("errors"), let total = map.requiredString("total") else { return nil }
            var ok = true
            for (text, node) in [(errors, errorsNode), (total, totalNode)] {
                guard text.contains("{{.window}}") else {
                    ctx.error(
                        "spec.invalid-value", "the query has no {{.window}} placeholder", at: node,
                        notes: ["write the range as [{{.window}}], e.g. rate(x_total[{{.window}}])"])
                    ok = false
                    continue
                }
                let sample = text.replacing("{{.window}}", with: "5m")
                let result = PromQL.parse(sample)
                if let first = result.diagnostics.first(where: { $0.severity == .error }) {
                    ctx.error("promql.parse", "the query does not parse: \(first.message)", at: node)
                    ok = false
                }
            }
            return ok ? .ratio(errors: errors, total: total) : nil
        case "errors":
            map.allow(["backend", "matchers"])
            guard let backend = map.required("backend").flatMap({ _ in map.choice("backend", as: Backend.self) })
            else { return nil }
            let matchers = map.strings("matchers") ?? []
            let catalog = Catalog.backend(backend)
            guard case .counter = catalog.signal(.failedRequests)?.source,
                case .counter = catalog.signal(.requests)?.source
            else {
                ctx.error(
                    "spec.invalid-value", "\(catalog.title) has no failed_requests and requests counters",
                    at: map.value("backend"), notes: ["use a ratio SLI with your own queries"])
                return nil
            }
            return .errors(backend: backend, matchers: matchers)
        default:
            map.allow(["backend", "signal", "below", "matchers"])
            guard let backend = map.required("backend").flatMap({ _ in map.choice("backend", as: Backend.self) })
            else { return nil }
            let matchers = map.strings("matchers") ?? []
            guard let signalNode = map.required("signal"), let belowNode = map.required("below") else { return nil }
            guard let signal = map.choice("signal", as: SignalID.self) else { return nil }
            let catalog = Catalog.backend(backend)
            guard case .histogram(let metric) = catalog.signal(signal)?.source else {
                let histograms = catalog.signals.compactMap { def -> String? in
                    if case .histogram = def.source, def.unit == "s" { return def.signal.rawValue }
                    return nil
                }
                ctx.error(
                    "spec.invalid-value", "\(catalog.title) has no '\(signal.rawValue)' histogram", at: signalNode,
                    notes: ["latency signals of \(catalog.title): " + histograms.joined(separator: ", ")])
                return nil
            }
            guard metric.unit == "s" || metric.unit == "ms" else {
                ctx.error("spec.invalid-value", "'\(signal.rawValue)' is not a latency", at: signalNode)
                return nil
            }
            var seconds: Double?
            if let plain = ReadContext.plainValue(belowNode), let number = ReadContext.parseNumber(plain) {
                seconds = number
            } else if let text = ReadContext.plainValue(belowNode), let value = fractionalSeconds(text) {
                seconds = value
            } else if let ms = readDuration(belowNode, ctx, what: "'below'") {
                seconds = Double(ms) / 1000
            }
            guard let below = seconds else { return nil }
            if let buckets = SLOBuckets.known(backend, signal) {
                if !buckets.contains(where: { abs($0 - below) < 1e-9 }) {
                    let near = [buckets.last { $0 < below }, buckets.first { $0 > below }].compactMap { $0 }
                    ctx.error(
                        "spec.invalid-value",
                        "\(SLOMath.number(below))s is not a bucket boundary of \(metric.name)", at: belowNode,
                        notes: [
                            "nearest buckets: " + near.map { SLOMath.number($0) + "s" }.joined(separator: ", "),
                            "buckets: " + buckets.map(SLOMath.number).joined(separator: " "),
                        ])
                    return nil
                }
            } else {
                ctx.warning(
                    "lint.slo-bucket", "the buckets of \(metric.name) are not known to llmdash", at: belowNode,
                    notes: ["make sure \(SLOMath.number(below))s is one of the exporter's bucket boundaries"])
            }
            return .latency(backend: backend, signal: signal, below: below, matchers: matchers)
        }
    }

    /// `0.25s`, `250ms`: a threshold in seconds (fractions allowed, unlike Prometheus durations).
    static func fractionalSeconds(_ text: String) -> Double? {
        if text.hasSuffix("ms"), let value = Double(text.dropLast(2)), value.isFinite { return value / 1000 }
        if text.hasSuffix("s"), let value = Double(text.dropLast()), value.isFinite { return value }
        return nil
    }

    /// Reads `alerting`; true when it sets its own windows.
    static func readAlerting(_ node: YAMLNode, _ ctx: ReadContext, into slo: inout SLOSpec) -> Bool {
        guard let map = MappingReader(node, ctx, what: "alerting") else { return false }
        map.allow(["page", "ticket", "windows", "annotations"])
        if let node = map.value("annotations") {
            slo.annotations = readLabels(node, ctx, what: "annotations")
            checkLabelNames(node, ctx, slo.annotations, annotations: true)
        }
        for severity in SLOSeverity.allCases {
            guard map.has(severity.rawValue) else { continue }
            guard let body = map.value(severity.rawValue) else {
                continue
            }
            guard let alert = MappingReader(body, ctx, what: "the \(severity.rawValue) alert") else { continue }
            alert.allow(["name", "labels", "annotations", "disable"])
            if alert.bool("disable") == true {
                if severity == .page { slo.page = nil } else { slo.ticket = nil }
                continue
            }
            var settings = (severity == .page ? slo.page : slo.ticket) ?? SLOAlert(name: "")
            if let name = alert.string("name") {
                if !isLabelValueSafeAlertName(name) {
                    ctx.error(
                        "spec.invalid-value", "invalid alert name '\(name)'", at: alert.value("name"),
                        notes: ["alert names are metric-like: letters, digits and '_'"])
                }
                settings.name = name
            }
            if let node = alert.value("labels") {
                settings.labels = readLabels(node, ctx, what: "labels")
                checkLabelNames(node, ctx, settings.labels)
            }
            if let node = alert.value("annotations") {
                settings.annotations = readLabels(node, ctx, what: "annotations")
                checkLabelNames(node, ctx, settings.annotations, annotations: true)
            }
            if severity == .page { slo.page = settings } else { slo.ticket = settings }
        }
        if let items = map.list("windows") {
            var windows: [BurnWindow] = []
            for item in items {
                guard let w = MappingReader(item, ctx, what: "a window pair") else { continue }
                w.allow(["severity", "long", "short", "budget"])
                guard
                    let severity = w.required("severity").flatMap({ _ in w.choice("severity", as: SLOSeverity.self) }),
                    let longNode = w.required("long"), let long = readDuration(longNode, ctx, what: "'long'"),
                    let shortNode = w.required("short"), let short = readDuration(shortNode, ctx, what: "'short'"),
                    let budgetNode = w.required("budget"), let budget = ctx.double(budgetNode, what: "'budget'")
                else { continue }
                if short >= long {
                    ctx.error("spec.invalid-value", "the short window must be shorter than the long one", at: shortNode)
                }
                if budget <= 0 || budget > 100 {
                    ctx.error(
                        "spec.invalid-value", "budget \(SLOMath.number(budget)) is not a percentage of the budget",
                        at: budgetNode, notes: ["the share of the error budget that burns within the long window"])
                }
                if long > slo.periodMilliseconds {
                    ctx.error(
                        "spec.invalid-value",
                        "the window \(SLODuration.format(long)) is longer than the period \(slo.periodText)",
                        at: longNode)
                }
                windows.append(BurnWindow(severity, long: long, short: short, budgetPercent: budget))
            }
            slo.windows = windows.filter { $0.severity == .page } + windows.filter { $0.severity == .ticket }
            return true
        }
        return false
    }

    static func isLabelValueSafeAlertName(_ name: String) -> Bool {
        isLabelName(name)
    }
}

extension YAMLSpecLoader {
    /// `slo: {name: availability, service: chat, show: [sli, budget, burn, alerts]}`, or `slo: chat-availability`.
    static func readSLOPanel(_ node: YAMLNode, _ ctx: ReadContext) -> SLOPanelRequest? {
        if case .scalar = node {
            guard let name = ctx.string(node, what: "an SLO panel") else { return nil }
            var request = SLOPanelRequest(name)
            request.location = ctx.location(node)
            return request
        }
        guard let map = MappingReader(node, ctx, what: "an slo panel") else { return nil }
        map.allow(["name", "service", "title", "key", "show"])
        guard let name = map.requiredString("name") else { return nil }
        var request = SLOPanelRequest(name, service: map.string("service"))
        request.location = map.location("name") ?? ctx.location(node)
        request.title = map.string("title")
        request.key = map.string("key")
        if let showNode = map.value("show"), let items = ctx.list(showNode, what: "'show'") {
            let parts = SLOPanelPart.allCases.map(\.rawValue)
            request.show = items.compactMap { item in
                ctx.choice(item, what: "an SLO panel part", from: parts).flatMap(SLOPanelPart.init(rawValue:))
            }
            if items.isEmpty {
                ctx.error(
                    "spec.invalid-value", "'show' lists no panels", at: showNode,
                    notes: ["parts: " + parts.joined(separator: ", ")])
            }
        }
        return request
    }
}

/// Expands signal-level panel requests into complete panels: queries, units, legends, thresholds and
/// descriptions as an SRE would set them, for the dashboard's backend.
public enum SignalExpander {
    public static func expand(_ request: SignalPanelRequest, in context: SignalContext) -> ([PanelSpec], [Diagnostic]) {
        var expander = Expansion(request: request, context: context)
        var panels = expander.run()
        if let patch = request.grafana {
            if panels.count == 1 {
                panels[0].grafana = patch
            } else if !panels.isEmpty {
                expander.diagnostics.append(
                    .error(
                        "spec.invalid-value",
                        "'grafana' applies to a signal panel that gives one panel; this one gives \(panels.count)",
                        at: request.location))
            }
        }
        return (panels, expander.diagnostics)
    }

    /// The standard variables a backend's dashboards use, by short name.
    public static func standardVariable(_ name: String, backend: Backend?) -> VariableSpec? {
        let catalog = backend.map(Catalog.backend)
        switch name {
        case "datasource":
            var v = VariableSpec(kind: .datasource, name: "datasource")
            v.label = "Data source"
            return v
        case "model":
            guard let catalog, let label = catalog.modelLabel else { return nil }
            var v = VariableSpec(kind: .query, name: "model")
            v.label = "Model"
            v.query = "label_values(\(catalog.presenceMetric), \(label))"
            v.multi = true
            v.includeAll = true
            return v
        case "instance":
            guard let catalog else { return nil }
            var v = VariableSpec(kind: .query, name: "instance")
            v.label = "Instance"
            let filter = catalog.modelLabel.map { "{\($0)=~\"$model\"}" } ?? ""
            v.query = "label_values(\(catalog.presenceMetric)\(filter), \(catalog.instanceLabel))"
            v.multi = true
            v.includeAll = true
            return v
        case "version":
            guard let catalog else { return nil }
            var v = VariableSpec(kind: .query, name: "version")
            v.label = "Version"
            v.query = "label_values(\(catalog.presenceMetric), version)"
            v.multi = true
            v.includeAll = true
            return v
        case "quantile":
            var v = VariableSpec(kind: .custom, name: "quantile")
            v.label = "Quantile"
            v.values = ["0.5", "0.9", "0.99"]
            v.current = "0.99"
            return v
        case "hostname":
            var v = VariableSpec(kind: .query, name: "hostname")
            v.label = "Host"
            v.query = "label_values(DCGM_FI_DEV_GPU_UTIL, Hostname)"
            v.multi = true
            v.includeAll = true
            return v
        default:
            return nil
        }
    }

    public static let standardVariableNames = ["datasource", "model", "instance", "version", "hostname", "quantile"]
}

private struct Expansion {
    let request: SignalPanelRequest
    let context: SignalContext
    var diagnostics: [Diagnostic] = []

    init(request: SignalPanelRequest, context: SignalContext) {
        self.request = request
        self.context = context
    }

    mutating func fail(_ id: String, _ message: String, notes: [String] = []) -> [PanelSpec] {
        diagnostics.append(.error(id, message, at: request.location, notes: notes))
        return []
    }

    var backend: Backend? {
        if let b = request.backend { return b }
        if request.kind == .gpu { return .dcgm }
        return context.backend
    }

    /// The dashboard's matchers for a backend's series.
    func selector(_ catalog: BackendCatalog) -> [String] {
        guard catalog.backend != .dcgm else {
            return context.has("hostname") ? [#"Hostname=~"$hostname""#] : []
        }
        var out: [String] = []
        if let model = catalog.modelLabel, context.has("model") { out.append("\(model)=~\"$model\"") }
        if context.has("instance") { out.append("\(catalog.instanceLabel)=~\"$instance\"") }
        return out
    }

    mutating func labels(_ catalog: BackendCatalog) -> [String]? {
        var out: [String] = []
        for label in request.by {
            if label == "model" {
                guard let model = catalog.modelLabel else {
                    diagnostics.append(
                        .error(
                            "signal.no-model-label", "\(catalog.title) metrics carry no model label",
                            at: request.location,
                            notes: ["group by the scrape's labels instead, e.g. by: [job] or [pod]"]))
                    return nil
                }
                out.append(model)
            } else if label == "instance" {
                out.append(catalog.instanceLabel)
            } else {
                out.append(label)
            }
        }
        return out
    }

    /// The catalogue entry of a signal, or an error naming the backends that have it.
    mutating func definition(_ signal: SignalID, _ catalog: BackendCatalog) -> SignalDefinition? {
        if let d = catalog.signal(signal) { return d }
        let others = Catalog.backends(providing: signal).map(\.rawValue)
        diagnostics.append(
            .error(
                "signal.unavailable", "signal '\(signal.rawValue)' is not available on \(catalog.backend.rawValue)",
                at: request.location,
                notes: others.isEmpty ? [] : ["backends that have it: " + others.joined(separator: ", ")]))
        return nil
    }

    static func legend(_ labels: [String], suffix: String? = nil) -> String {
        let parts = labels.map { "{{\($0)}}" } + (suffix.map { [$0] } ?? [])
        return parts.joined(separator: " ")
    }

    static func percentileName(_ p: Double) -> String {
        "p" + JSONWriter.formatDouble(p)
    }

    /// " by model, version" when the request groups, else nothing: the end of a grouped panel's title.
    var groupSuffix: String { request.by.isEmpty ? "" : " by " + request.by.joined(separator: ", ") }

    /// Series of a grouped rate stack up, with a fill that shows each one's share.
    func stack(_ panel: inout PanelSpec) {
        panel.options.stacking = "normal"
        panel.options.fillOpacity = 30
    }

    func base(_ type: PanelType, title: String) -> PanelSpec {
        var panel = PanelSpec(type: type, title: request.title ?? title)
        panel.key = request.key
        panel.description = request.description
        panel.width = request.width
        panel.height = request.height
        panel.newLine = request.newLine
        panel.location = request.location
        return panel
    }

    func describe(_ d: SignalDefinition, _ catalog: BackendCatalog, _ what: String) -> String {
        let metrics = d.source.metrics.map(\.name)
        var text = "\(what) from \(catalog.title) (\(metrics.joined(separator: ", ")))."
        if let approximation = d.approximation { text += " Approximation: \(approximation)." }
        return request.description ?? text
    }

    mutating func run() -> [PanelSpec] {
        if request.kind == .drift || request.kind == .spc, request.metric != nil {
            // A metric given by name needs no catalogue.
            return request.kind == .drift ? drift(nil) : spc(nil)
        }
        if request.kind == .feedback { return feedback() }
        if request.kind == .users || request.kind == .traffic, request.metric != nil { return audience(nil) }
        guard let backend else {
            return fail(
                "signal.no-backend", "\(request.kind.rawValue) panels need the dashboard's 'backend'",
                notes: ["backends: " + Backend.allCases.map(\.rawValue).joined(separator: ", ")])
        }
        let catalog = Catalog.backend(backend)
        switch request.kind {
        case .latency: return latency(catalog)
        case .heatmap: return heatmap(catalog)
        case .throughput: return throughput(catalog)
        case .errors: return errors(catalog)
        case .saturation: return saturation(catalog)
        case .gpu: return gpu(catalog)
        case .cost: return cost(catalog)
        case .top: return top(catalog)
        case .compare: return compare(catalog)
        case .drift: return drift(catalog)
        case .spc: return spc(catalog)
        case .feedback: return feedback()
        case .users, .traffic: return audience(catalog)
        }
    }

    mutating func requireSignal(_ allowed: Set<SignalCategory>, _ what: String) -> SignalID? {
        guard let signal = request.signal else {
            diagnostics.append(.error("spec.missing-key", "\(what) panels need a 'signal'", at: request.location))
            return nil
        }
        guard allowed.contains(signal.category) else {
            let fitting = SignalID.allCases.filter { allowed.contains($0.category) }.map(\.rawValue)
            diagnostics.append(
                .error(
                    "signal.wrong-kind", "'\(signal.rawValue)' is not a signal for \(what) panels",
                    at: request.location, notes: ["signals that fit: " + fitting.joined(separator: ", ")]))
            return nil
        }
        return signal
    }

    // MARK: Latency

    mutating func latency(_ catalog: BackendCatalog) -> [PanelSpec] {
        guard let signal = requireSignal([.latency, .size], "latency"), let d = definition(signal, catalog),
            let by = labels(catalog)
        else { return [] }
        let q = SignalQuery(d, selector: selector(catalog))
        var panel = base(
            .timeseries, title: signal.title + groupSuffix)
        let percentiles = request.percentiles.isEmpty ? [50, 90, 99] : request.percentiles
        if let variable = request.quantileVariable {
            guard context.has(variable) else {
                return fail(
                    "signal.quantile-variable", "no variable '\(variable)' holds the quantile",
                    notes: ["add the standard variable 'quantile' (0.5, 0.9, 0.99) or a custom one"])
            }
            guard let expr = q.quantile("$" + variable, by: by) else {
                return fail("signal.no-histogram", "\(catalog.title) has no histogram for '\(signal.rawValue)'")
            }
            var query = QuerySpec(expr, legend: Self.legend(by, suffix: "q$" + variable))
            if context.exemplars { query.exemplar = true }
            panel.queries.append(query)
        }
        for p in percentiles where request.quantileVariable == nil {
            guard p > 0, p < 100 else {
                return fail("signal.percentile", "percentile \(JSONWriter.formatDouble(p)) is not between 0 and 100")
            }
            guard let expr = q.quantile(p / 100, by: by) else { break }
            var query = QuerySpec(expr, legend: Self.legend(by, suffix: Self.percentileName(p)))
            if context.exemplars { query.exemplar = true }
            panel.queries.append(query)
        }
        if panel.queries.isEmpty || request.mean, let expr = q.mean(by: by) {
            panel.queries.append(QuerySpec(expr, legend: Self.legend(by, suffix: "mean")))
        }
        guard !panel.queries.isEmpty else {
            return fail("signal.unavailable", "\(catalog.title) has no percentiles or mean for '\(signal.rawValue)'")
        }
        panel.description = describe(d, catalog, signal.title)
        panel.field.unit = d.unit
        panel.field.min = 0
        panel.options.legend = LegendOptions(mode: "table", placement: "bottom", calcs: ["mean", "max"])
        panel.options.tooltip = TooltipOptions(mode: "multi", sort: "desc")
        if let slo = request.slo {
            panel.field.thresholds = [ThresholdStep("green"), ThresholdStep("red", slo)]
            panel.options.thresholdsStyle = "dashed"
        }
        return [panel]
    }

    mutating func heatmap(_ catalog: BackendCatalog) -> [PanelSpec] {
        guard let signal = requireSignal([.latency, .size], "heatmap"), let d = definition(signal, catalog) else {
            return []
        }
        guard let expr = SignalQuery(d, selector: selector(catalog)).heatmap() else {
            return fail("signal.no-histogram", "\(catalog.title) has no histogram for '\(signal.rawValue)'")
        }
        var panel = base(.heatmap, title: signal.title + " distribution")
        panel.queries = [QuerySpec(expr, legend: "{{le}}")]
        if context.exemplars { panel.queries[0].exemplar = true }
        panel.description = describe(d, catalog, "Distribution of " + signal.title.lowercased())
        panel.options.yAxisUnit = d.unit
        panel.options.colorScheme = "Oranges"
        panel.options.rowsLayout = "le"
        panel.options.yHistogram = true
        return [panel]
    }

    // MARK: Throughput and errors

    mutating func throughput(_ catalog: BackendCatalog) -> [PanelSpec] {
        guard let signal = requireSignal([.throughput, .errors], "throughput"), let d = definition(signal, catalog),
            let by = labels(catalog), let expr = SignalQuery(d, selector: selector(catalog)).rate(by: by)
        else { return [] }
        var panel = base(
            .timeseries, title: signal.title + groupSuffix)
        panel.queries = [QuerySpec(expr, legend: by.isEmpty ? signal.title : Self.legend(by))]
        panel.description = describe(d, catalog, signal.title)
        panel.field.unit = d.unit
        panel.field.min = 0
        if !by.isEmpty {
            stack(&panel)
        }
        return [panel]
    }

    mutating func errorRatio(_ catalog: BackendCatalog, by: [String], extra: [String] = []) -> String? {
        guard let failed = definition(.failedRequests, catalog), let all = definition(.requests, catalog) else {
            return nil
        }
        let sel = selector(catalog)
        guard let numerator = SignalQuery(failed, selector: sel).rate(by: by, extra: extra),
            let denominator = SignalQuery(all, selector: sel).rate(by: by, extra: extra)
        else { return nil }
        return "\(numerator) / (\(denominator) > 0)"
    }

    mutating func errors(_ catalog: BackendCatalog) -> [PanelSpec] {
        guard let by = labels(catalog) else { return [] }
        switch request.mode ?? "ratio" {
        case "ratio":
            guard let expr = errorRatio(catalog, by: by) else { return [] }
            var panel = base(
                .timeseries, title: "Error ratio" + groupSuffix)
            panel.queries = [QuerySpec(expr, legend: by.isEmpty ? "errors" : Self.legend(by))]
            panel.description =
                request.description
                ?? "Failed requests among all finished requests (\(catalog.title)). A failure is what the backend counts as one: "
                + (catalog.signal(.failedRequests)?.source.metrics.map { m in
                    m.name + (m.matchers.isEmpty ? "" : "{" + m.matchers.joined(separator: ", ") + "}")
                }.joined(separator: ", ") ?? "")
                + "."
            panel.field.unit = "percentunit"
            panel.field.min = 0
            panel.field.decimals = 2
            panel.field.thresholds = [
                ThresholdStep("green"), ThresholdStep("orange", 0.01), ThresholdStep("red", 0.05),
            ]
            panel.options.thresholdsStyle = "dashed"
            return [panel]
        case "by-reason":
            guard let d = definition(.failedRequests, catalog) else { return [] }
            let reason = d.source.metrics.first?.labels.first
            let group = by + (reason.map { [$0] } ?? [])
            guard let expr = SignalQuery(d, selector: selector(catalog)).rate(by: group) else { return [] }
            var panel = base(.timeseries, title: "Failed requests/s by reason")
            panel.queries = [QuerySpec(expr, legend: group.isEmpty ? "failed" : Self.legend(group))]
            panel.description = describe(d, catalog, "Failed requests per second by reason")
            panel.field.unit = "reqps"
            panel.field.min = 0
            stack(&panel)
            return [panel]
        case "http":
            guard let d = definition(.httpResponses, catalog),
                let status = d.source.metrics.first?.labels.last,
                let expr = SignalQuery(d, selector: []).rate(by: [status])
            else { return [] }
            var panel = base(.timeseries, title: "HTTP responses/s by status")
            panel.queries = [QuerySpec(expr, legend: "{{\(status)}}")]
            panel.description = describe(d, catalog, "HTTP responses per second by status")
            panel.field.unit = "reqps"
            panel.field.min = 0
            stack(&panel)
            panel.overrides = [
                OverrideSpec(.byRegexp("5.*"), [.color("red")]), OverrideSpec(.byRegexp("4.*"), [.color("orange")]),
            ]
            return [panel]
        default:
            return fail(
                "spec.invalid-value", "invalid errors mode '\(request.mode ?? "")'",
                notes: ["expected one of: ratio, by-reason, http"])
        }
    }

    // MARK: Saturation and GPUs

    mutating func saturation(_ catalog: BackendCatalog) -> [PanelSpec] {
        guard let signal = requireSignal([.saturation], "saturation"), let by = labels(catalog) else { return [] }
        let sel = selector(catalog)
        var panel = base(
            .timeseries, title: signal.title + groupSuffix)
        let legend = by.isEmpty ? signal.title : Self.legend(by)
        switch signal {
        case .prefixCacheHits, .prefixCacheQueries:
            guard let hits = definition(.prefixCacheHits, catalog),
                let lookups = definition(.prefixCacheQueries, catalog),
                let h = SignalQuery(hits, selector: sel).rate(by: by),
                let l = SignalQuery(lookups, selector: sel).rate(by: by)
            else { return [] }
            panel.title = request.title ?? "Prefix-cache hit rate"
            panel.queries = [QuerySpec("\(h) / (\(l) > 0)", legend: by.isEmpty ? "hit rate" : legend)]
            panel.description = describe(hits, catalog, "Share of prompt tokens served from the prefix cache")
            panel.field.unit = "percentunit"
            panel.field.min = 0
            panel.field.max = 1
            return [panel]
        default:
            guard let d = definition(signal, catalog), let expr = SignalQuery(d, selector: sel).level(by: by) else {
                return []
            }
            panel.queries = [QuerySpec(expr, legend: legend)]
            panel.description = describe(d, catalog, signal.title)
            panel.field.unit = d.unit
            panel.field.min = 0
            if signal == .kvCache {
                panel.field.max = 1
                panel.field.thresholds = [
                    ThresholdStep("green"), ThresholdStep("orange", 0.8), ThresholdStep("red", 0.95),
                ]
                panel.options.thresholdsStyle = "dashed"
            }
            if signal == .running || signal == .waiting { panel.field.decimals = 0 }
            return [panel]
        }
    }

    mutating func gpu(_ catalog: BackendCatalog) -> [PanelSpec] {
        guard let signal = requireSignal([.gpu], "gpu"), let d = definition(signal, catalog) else { return [] }
        if request.by.contains("model") { return gpuByModel(signal, d, catalog) }
        let by = request.by.isEmpty ? ["Hostname", "gpu"] : request.by
        guard let expr = SignalQuery(d, selector: selector(catalog)).level(by: by) else { return [] }
        var panel = base(.timeseries, title: signal.title)
        panel.queries = [
            QuerySpec(expr, legend: by == ["Hostname", "gpu"] ? "{{Hostname}} GPU {{gpu}}" : Self.legend(by))
        ]
        panel.description = describe(d, catalog, signal.title)
        panel.field.unit = d.unit
        panel.field.min = 0
        if signal == .gpuUtil { panel.field.max = 100 }
        if signal == .gpuTemperature {
            panel.field.thresholds = [ThresholdStep("green"), ThresholdStep("orange", 80), ThresholdStep("red", 90)]
            panel.options.thresholdsStyle = "line"
        }
        return [panel]
    }

    /// GPU series per served model: DCGM's pod labels joined to a series of the serving backend that
    /// carries the model label (its presence metric), as DCGM itself knows only the GPU product.
    mutating func gpuByModel(_ signal: SignalID, _ d: SignalDefinition, _ catalog: BackendCatalog) -> [PanelSpec] {
        guard let serving = context.backend.map(Catalog.backend), let model = serving.modelLabel else {
            let withModel = Backend.allCases.filter { Catalog.backend($0).modelLabel != nil && $0 != .dcgm }
            return fail(
                "signal.no-model-label",
                "GPU panels by model join DCGM to the serving backend's model label, and "
                    + (context.backend.map { "\($0.rawValue) has none" } ?? "the dashboard has no 'backend'"),
                notes: ["backends with a model label: " + withModel.map(\.rawValue).joined(separator: ", ")])
        }
        let others = request.by.filter { $0 != "model" }
        guard let metric = d.source.metrics.first, case .gauge(_, let aggregate) = d.source else {
            return fail("signal.unavailable", "GPU panels by model take a gauge signal, not '\(signal.rawValue)'")
        }
        let join = request.join.joined(separator: ", ")
        let sel = selector(catalog)
        let gpu = metric.name + (sel.isEmpty ? "" : "{" + sel.joined(separator: ", ") + "}")
        let servingSel = selector(serving)
        let presence =
            serving.presenceMetric + (servingSel.isEmpty ? "" : "{" + servingSel.joined(separator: ", ") + "}")
        let groups = [model] + others
        let expr =
            "\(aggregate) by (\(groups.joined(separator: ", "))) (\(gpu) * on (\(join)) group_left (\(model)) "
            + "max by (\(join), \(model)) (\(presence)))"
        var panel = base(.timeseries, title: signal.title + " by model")
        panel.queries = [QuerySpec(expr, legend: Self.legend(groups))]
        panel.description =
            request.description
            ?? "\(signal.title) (\(metric.name)) per served model: GPUs are matched to \(serving.title) pods on "
            + "\(join), taking the model from \(serving.presenceMetric). DCGM must run with its Kubernetes pod "
            + "mapping; when pod labels arrive as exported_pod, relabel them or set 'join'."
        panel.field.unit = d.unit
        panel.field.min = 0
        if signal == .gpuUtil { panel.field.max = 100 }
        return [panel]
    }

    // MARK: Feedback and audience

    /// Thumbs up and down per minute, and the positive share over a longer window.
    mutating func feedback() -> [PanelSpec] {
        guard let up = request.up, let down = request.down else {
            return fail(
                "spec.missing-key", "feedback panels need the counters 'up' and 'down'",
                notes: ["e.g. feedback: {up: chat_feedback_positive_total, down: chat_feedback_negative_total}"])
        }
        for series in [up, down] {
            let name = String(series.prefix { $0 != "{" })
            guard NameValidationScheme.legacy.isValidMetricName(name) else {
                return fail(
                    "spec.invalid-value", "'\(series)' is not a counter name (with an optional {selector})",
                    notes: ["e.g. chat_feedback_total{rating=\"up\"}"])
            }
        }
        var by: [String] = []
        for label in request.by {
            if label == "model" {
                guard let model = context.backend.map(Catalog.backend)?.modelLabel else {
                    return fail(
                        "signal.no-model-label", "'model' needs a dashboard backend with a model label",
                        notes: ["name the feedback counters' label instead, e.g. by: [model_name]"])
                }
                by.append(model)
            } else {
                by.append(label)
            }
        }
        let g = SignalQuery.by(by)
        func rate(_ metric: String, _ window: String) -> String { "sum\(g)(rate(\(metric)[\(window)]))" }
        var rates = base(.timeseries, title: "User feedback" + groupSuffix)
        rates.key = request.key.map { $0 + "/rate" }
        let suffix: (String) -> String = { by.isEmpty ? $0 : Self.legend(by, suffix: $0) }
        rates.queries = [
            QuerySpec(rate(up, "$__rate_interval") + " * 60", legend: suffix("thumbs up")),
            QuerySpec(rate(down, "$__rate_interval") + " * 60", legend: suffix("thumbs down")),
        ]
        rates.description = request.description ?? "Feedback per minute: \(up) (up) and \(down) (down)."
        rates.field.unit = "suffix:/min"
        rates.field.min = 0
        rates.overrides = [
            OverrideSpec(.byRegexp(".*thumbs up$"), [.color("green")]),
            OverrideSpec(.byRegexp(".*thumbs down$"), [.color("red")]),
        ]
        var share = base(.timeseries, title: "")
        share.title = "Positive feedback share" + groupSuffix
        share.key = request.key.map { $0 + "/share" }
        let w = request.feedbackWindow
        share.queries = [
            QuerySpec(
                "\(rate(up, w)) / ((\(rate(up, w)) + \(rate(down, w))) > 0)",
                legend: by.isEmpty ? "positive" : Self.legend(by))
        ]
        share.description =
            "Thumbs up among all feedback over \(w). Red below 70 %, orange below 85 %. Sparse feedback makes short windows noisy."
        share.field.unit = "percentunit"
        share.field.min = 0
        share.field.max = 1
        share.field.thresholds = [ThresholdStep("red"), ThresholdStep("orange", 0.7), ThresholdStep("green", 0.85)]
        share.options.thresholdsStyle = "dashed"
        return [rates, share]
    }

    /// The label a `users` or `traffic` panel counts or groups by, and the series carrying it.
    mutating func dimensionSource(_ catalog: BackendCatalog?) -> (label: String, name: String, series: SignalQuery?)? {
        let dimension = request.dimension ?? (request.kind == .users ? .user : nil)
        if let catalog, request.metric == nil {
            if let label = request.dimensionLabel {
                let signal: SignalID = catalog.signal(.requests) != nil ? .requests : .httpResponses
                guard let d = definition(signal, catalog) else { return nil }
                let sel = signal == .httpResponses ? [] : selector(catalog)
                return (label, dimension?.title ?? label, SignalQuery(d, selector: sel))
            }
            guard let dimension else {
                diagnostics.append(
                    .error(
                        "spec.missing-key", "traffic panels need a 'dimension' or a 'label'", at: request.location,
                        notes: ["dimensions: " + Dimension.allCases.map(\.rawValue).joined(separator: ", ")]))
                return nil
            }
            guard let source = catalog.dimension(dimension), let d = definition(source.signal, catalog) else {
                let have = Catalog.backends(with: dimension).map(\.rawValue)
                diagnostics.append(
                    .error(
                        "signal.no-dimension",
                        "\(catalog.title) metrics carry no \(dimension.title) label", at: request.location,
                        notes: (have.isEmpty
                            ? [] : ["backends whose metrics carry one: " + have.joined(separator: ", ")])
                            + ["or name a label your scrape adds, e.g. label: \(dimension.rawValue)"]))
                return nil
            }
            let sel = source.signal == .httpResponses ? [] : selector(catalog)
            return (source.label, dimension.title, SignalQuery(d, selector: sel))
        }
        guard let label = request.dimensionLabel ?? dimension.map({ $0.rawValue }) else {
            diagnostics.append(
                .error("spec.missing-key", "name the 'label' to group the metric by", at: request.location))
            return nil
        }
        return (label, dimension?.title ?? label, nil)
    }

    /// Users: active and unique counts of a dimension. Traffic: request volume by a dimension.
    mutating func audience(_ catalog: BackendCatalog?) -> [PanelSpec] {
        guard let (label, name, series) = dimensionSource(catalog) else { return [] }
        let perSecond: String?
        let increase: String?
        if let metric = request.metric {
            perSecond = "sum by (\(label)) (rate(\(metric)[$__rate_interval]))"
            increase = "sum by (\(label)) (increase(\(metric)[$__range]))"
        } else if let series {
            perSecond = series.rate(by: [label])
            increase = series.increase(over: "$__range", by: [label])
        } else {
            perSecond = nil
            increase = nil
        }
        guard let perSecond else { return fail("signal.unavailable", "cannot count requests by \(label)") }
        let from = request.metric ?? series?.definition.source.metrics.first?.name ?? ""
        if request.kind == .traffic {
            var panel = base(.timeseries, title: "Requests/s by \(name)")
            panel.queries = [QuerySpec(perSecond, legend: "{{\(label)}}")]
            panel.description = request.description ?? "Request volume by \(name) (\(from), label \(label))."
            panel.field.unit = "reqps"
            panel.field.min = 0
            stack(&panel)
            return [panel]
        }
        var active = base(.timeseries, title: "Active \(name)s")
        active.key = request.key.map { $0 + "/active" }
        active.queries = [QuerySpec("count(\(perSecond) > 0)", legend: "active \(name)s")]
        active.description =
            request.description ?? "Distinct values of \(label) with requests in each interval (\(from))."
        active.field.unit = "short"
        active.field.min = 0
        active.field.decimals = 0
        guard let total = increase else { return [active] }
        var unique = base(.stat, title: "")
        unique.title = "Unique \(name)s"
        unique.key = request.key.map { $0 + "/unique" }
        unique.width = request.width ?? 6
        unique.queries = [QuerySpec("count(\(total) > 0)", legend: "\(name)s")]
        unique.queries[0].instant = true
        unique.description = "Distinct values of \(label) with requests in the dashboard's time range."
        unique.field.unit = "short"
        unique.field.decimals = 0
        unique.options.graphMode = "none"
        return [active, unique]
    }

    // MARK: Cost

    mutating func cost(_ catalog: BackendCatalog) -> [PanelSpec] {
        let sel = selector(catalog)
        switch request.mode ?? "per-token" {
        case "per-token":
            guard context.has(request.priceVariable) else {
                return fail(
                    "signal.cost-price",
                    "cost panels need a variable '\(request.priceVariable)' with the GPU hourly price",
                    notes: ["add e.g. - constant: {name: \(request.priceVariable), value: \"2.50\"}"])
            }
            guard let out = definition(.outputTokens, catalog), let tokens = SignalQuery(out, selector: sel).rate()
            else { return [] }
            var panel = base(.timeseries, title: "Cost per 1M output tokens")
            panel.queries = [
                QuerySpec(
                    "(count(DCGM_FI_DEV_GPU_UTIL) * $\(request.priceVariable) / 3600) / (\(tokens) > 0) * 1e6",
                    legend: "USD per 1M tokens")
            ]
            panel.description =
                request.description
                ?? "GPU cost per million output tokens: the fleet's GPUs (DCGM) times the hourly price in $\(request.priceVariable), over the output token rate."
            panel.field.unit = "currencyUSD"
            panel.field.min = 0
            panel.field.decimals = 2
            return [panel]
        case "energy":
            guard let out = definition(.outputTokens, catalog), let tokens = SignalQuery(out, selector: sel).rate()
            else { return [] }
            var panel = base(.timeseries, title: "Energy per output token")
            panel.queries = [
                QuerySpec(
                    "sum(rate(DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION[$__rate_interval])) / 1000 / (\(tokens) > 0)",
                    legend: "J per token")
            ]
            panel.description =
                request.description
                ?? "GPU energy (DCGM, millijoules converted to joules) per output token of \(catalog.title)."
            panel.field.unit = "suffix:J/tok"
            panel.field.min = 0
            return [panel]
        case "spend":
            guard let d = definition(.spend, catalog), let by = labels(catalog),
                let rate = SignalQuery(d, selector: sel).rate(by: by)
            else { return [] }
            var panel = base(.timeseries, title: "Spend per hour")
            panel.queries = [QuerySpec("\(rate) * 3600", legend: by.isEmpty ? "USD/h" : Self.legend(by))]
            panel.description = describe(d, catalog, "Spend reported by the gateway, in USD per hour")
            panel.field.unit = "currencyUSD"
            panel.field.min = 0
            if !by.isEmpty {
                stack(&panel)
            }
            return [panel]
        default:
            return fail(
                "spec.invalid-value", "invalid cost mode '\(request.mode ?? "")'",
                notes: ["expected one of: per-token, energy, spend"])
        }
    }

    // MARK: Cohorts

    mutating func top(_ catalog: BackendCatalog) -> [PanelSpec] {
        guard let signal = request.signal, let d = definition(signal, catalog) else {
            return fail("spec.missing-key", "top panels need a 'signal'")
        }
        let groups = request.by.isEmpty ? ["model"] : request.by
        var scoped = request
        scoped.by = groups
        var expansion = Expansion(request: scoped, context: context)
        guard let by = expansion.labels(catalog) else {
            diagnostics += expansion.diagnostics
            return []
        }
        guard let level = SignalQuery(d, selector: selector(catalog)).level(by: by) else { return [] }
        var panel = base(.table, title: "Top \(request.limit) by \(signal.title.lowercased())")
        panel.queries = [QuerySpec("topk(\(request.limit), \(level))", legend: "")]
        panel.queries[0].instant = true
        panel.queries[0].format = .table
        var rename: [(String, JSON)] = [("Value", .string(signal.title))]
        for (label, name) in zip(by, groups) { rename.append((label, .string(name == "model" ? "Model" : name))) }
        panel.transformations = [
            TransformationSpec(
                id: "organize",
                options: ["excludeByName": ["Time": true], "renameByName": .object(JSONMembers(unsorted: rename))])
        ]
        panel.overrides = [OverrideSpec(.byName(signal.title), [.unit(d.unit), .cellType("gauge")])]
        panel.options.sortBy = [TableSort(signal.title)]
        panel.description = describe(d, catalog, signal.title)
        return [panel]
    }

    // MARK: Canary

    mutating func compare(_ catalog: BackendCatalog) -> [PanelSpec] {
        guard let signal = requireSignal([.latency, .throughput, .saturation, .size], "compare"),
            let d = definition(signal, catalog)
        else { return [] }
        let sel = selector(catalog)
        let q = SignalQuery(d, selector: sel)
        let cand = "\(request.label)=\"\(request.candidate)\""
        let base = "\(request.label)=\"\(request.baseline)\""
        let p = request.percentile
        let isLatency = signal.category == .latency || signal.category == .size
        let measure: (String) -> String? = { matcher in
            isLatency ? (q.quantile(p / 100, extra: [matcher]) ?? q.mean(extra: [matcher])) : q.level(extra: [matcher])
        }
        guard let candidate = measure(cand), let baseline = measure(base) else {
            return fail("signal.unavailable", "cannot compare '\(signal.rawValue)' on \(catalog.title)")
        }
        let what = isLatency ? "\(signal.title) \(Self.percentileName(p))" : signal.title
        let pair = "\(request.candidate) vs \(request.baseline)"
        var panels: [PanelSpec] = []

        var side = self.base(.timeseries, title: "\(what): \(pair)")
        side.key = request.key.map { $0 + "/side-by-side" }
        side.queries = [
            QuerySpec(candidate, legend: request.candidate), QuerySpec(baseline, legend: request.baseline),
        ]
        side.description =
            "\(what) of the \(request.candidate) and \(request.baseline) \(request.label)s, each aggregated on its own."
        side.field.unit = d.unit
        side.field.min = 0
        side.options.lineWidth = 2
        side.overrides = [
            OverrideSpec(.byName(request.candidate), [.color("orange")]),
            OverrideSpec(.byName(request.baseline), [.color("green")]),
        ]
        panels.append(side)

        var ratio = self.base(.timeseries, title: "")
        ratio.title = "\(what) ratio \(request.candidate)/\(request.baseline)"
        ratio.key = request.key.map { $0 + "/ratio" }
        ratio.queries = [
            QuerySpec("(\(candidate)) / ((\(baseline)) > 0)", legend: "\(request.candidate)/\(request.baseline)")
        ]
        ratio.description =
            isLatency
            ? "Above 1 the \(request.candidate) is slower. Orange from 10 % worse, red from 25 %."
            : "The \(request.candidate)'s value over the \(request.baseline)'s."
        ratio.field.unit = "none"
        ratio.field.decimals = 2
        if isLatency {
            ratio.field.thresholds = [ThresholdStep("green"), ThresholdStep("orange", 1.1), ThresholdStep("red", 1.25)]
            ratio.options.thresholdsStyle = "dashed"
        }
        panels.append(ratio)

        if let candidateErrors = errorRatio(catalog, by: [], extra: [cand]),
            let baselineErrors = errorRatio(catalog, by: [], extra: [base])
        {
            var delta = self.base(.timeseries, title: "")
            delta.title = "Error ratio delta \(request.candidate) − \(request.baseline)"
            delta.key = request.key.map { $0 + "/errors" }
            delta.queries = [QuerySpec("(\(candidateErrors)) - (\(baselineErrors))", legend: "delta")]
            delta.description =
                "Above 0 the \(request.candidate) fails more often. Orange from +0.5 points, red from +1."
            delta.field.unit = "percentunit"
            delta.field.decimals = 2
            delta.field.thresholds = [
                ThresholdStep("green"), ThresholdStep("orange", 0.005), ThresholdStep("red", 0.01),
            ]
            delta.options.thresholdsStyle = "dashed"
            panels.append(delta)
        }
        if let requests = catalog.signal(.requests),
            let share = SignalQuery(requests, selector: sel).rate(extra: [cand]),
            let total = SignalQuery(requests, selector: sel).rate(
                extra: ["\(request.label)=~\"\(request.candidate)|\(request.baseline)\""])
        {
            var traffic = self.base(.timeseries, title: "")
            traffic.title = "Traffic share of \(request.candidate)"
            traffic.key = request.key.map { $0 + "/traffic" }
            traffic.queries = [QuerySpec("\(share) / (\(total) > 0)", legend: request.candidate)]
            traffic.description = "The \(request.candidate)'s share of requests across both \(request.label)s."
            traffic.field.unit = "percentunit"
            traffic.field.min = 0
            traffic.field.max = 1
            panels.append(traffic)
        }
        return panels
    }

    // MARK: Drift and quality

    /// The series a drift or SPC panel follows: a named metric (averaged), or a signal's natural level,
    /// optionally shifted into the past.
    mutating func followed(_ catalog: BackendCatalog?, quantile: Double?, offset: String? = nil) -> (
        expr: String, unit: String, name: String
    )? {
        let off = offset.map { " offset \($0)" } ?? ""
        if let metric = request.metric {
            return ("avg(\(metric)\(off))", "short", metric)
        }
        guard let catalog, let signal = request.signal, let d = definition(signal, catalog) else {
            if request.signal == nil {
                diagnostics.append(
                    .error(
                        "spec.missing-key", "\(request.kind.rawValue) panels need a 'signal' or a 'metric'",
                        at: request.location))
            }
            return nil
        }
        let q = SignalQuery(d, selector: selector(catalog), offset: offset)
        if let quantile, let expr = q.quantile(quantile) {
            return (expr, d.unit, "\(signal.title) \(Self.percentileName(quantile * 100))")
        }
        guard let expr = q.level() else { return nil }
        return (expr, d.unit, signal.title)
    }

    mutating func drift(_ catalog: BackendCatalog?) -> [PanelSpec] {
        var hasQuantiles = false
        if request.metric == nil, let catalog, let signal = request.signal, let d = catalog.signal(signal) {
            switch d.source {
            case .histogram, .quantileSum: hasQuantiles = true
            default: break
            }
        }
        let quantiles: [Double?] = hasQuantiles ? request.percentiles.map { $0 / 100 } : [nil]
        var current = base(.timeseries, title: "")
        var ratioQueries: [QuerySpec] = []
        var name = request.metric ?? request.signal?.title ?? "value"
        var unit = "short"
        for quantile in quantiles {
            guard let (expr, u, label) = followed(catalog, quantile: quantile) else { return [] }
            unit = u
            if request.metric == nil, let signal = request.signal { name = signal.title }
            let baseline: String
            let baselineLegend: String
            if let golden = request.golden {
                baseline = "avg(\(golden))"
                baselineLegend = "\(label) golden"
            } else {
                guard let (past, _, _) = followed(catalog, quantile: quantile, offset: request.baselineWindow) else {
                    return []
                }
                baseline = past
                baselineLegend = "\(label) \(request.baselineWindow) ago"
            }
            current.queries.append(QuerySpec(expr, legend: label))
            current.queries.append(QuerySpec(baseline, legend: baselineLegend))
            ratioQueries.append(QuerySpec("(\(expr)) / ((\(baseline)) > 0)", legend: label))
        }
        let against = request.golden.map { "the golden series \($0)" } ?? "\(request.baselineWindow) earlier"
        let versus = request.golden == nil ? request.baselineWindow + " ago" : "golden"
        current.title = request.title ?? "\(name): now vs \(versus)"
        current.description = request.description ?? "\(name) now, against \(against). Dashed: the baseline."
        current.field.unit = unit
        current.overrides = [OverrideSpec(.byRegexp(".*(ago|golden)$"), [.lineStyle(.dashed)])]
        var ratio = base(.timeseries, title: "")
        ratio.key = request.key.map { $0 + "/ratio" }
        ratio.title = "\(name) drift ratio"
        ratio.queries = ratioQueries
        ratio.description =
            "Now over the baseline (\(against)): 1 means no drift. Orange beyond ±20 %, red beyond ±50 %."
        ratio.field.unit = "none"
        ratio.field.decimals = 2
        ratio.field.thresholds = [
            ThresholdStep("red"), ThresholdStep("orange", 0.5), ThresholdStep("green", 0.8),
            ThresholdStep("orange", 1.2),
            ThresholdStep("red", 1.5),
        ]
        ratio.options.thresholdsStyle = "line+area"
        return [current, ratio]
    }

    mutating func spc(_ catalog: BackendCatalog?) -> [PanelSpec] {
        let p = request.metric == nil ? request.percentile / 100 : nil
        guard let (expr, unit, name) = followed(catalog, quantile: p) else { return [] }
        let w = request.window
        let mean = "avg_over_time((\(expr))[\(w):5m])"
        let sigma = "stddev_over_time((\(expr))[\(w):5m])"
        var panel = base(.timeseries, title: "\(name) control chart")
        panel.queries = [
            QuerySpec(expr, legend: name),
            QuerySpec(mean, legend: "mean (\(w))"),
            QuerySpec("\(mean) + 3 * \(sigma)", legend: "UCL +3σ"),
            QuerySpec("clamp_min(\(mean) - 3 * \(sigma), 0)", legend: "LCL −3σ"),
            QuerySpec(
                "(\(expr)) > (\(mean) + 3 * \(sigma)) or (\(expr)) < (\(mean) - 3 * \(sigma))",
                legend: "out of control"),
        ]
        panel.description =
            request.description
            ?? "Statistical process control: the centre line is the mean over \(w); the control limits are ±3σ over the same window. Red points are out of control."
        panel.field.unit = unit
        panel.overrides = [
            OverrideSpec(.byRegexp("^(UCL|LCL).*"), [.lineStyle(.dashed), .color("orange")]),
            OverrideSpec(.byRegexp("^mean.*"), [.lineStyle(.dashed), .color("blue")]),
            OverrideSpec(
                .byName("out of control"),
                [
                    .color("red"), OverrideProperty(id: "custom.drawStyle", value: "points"),
                    OverrideProperty(id: "custom.pointSize", value: 8),
                ]),
        ]
        return [panel]
    }
}

/// A spec document of any kind that a file may hold.
public enum SpecDocument: Sendable, Hashable {
    case dashboard(DashboardSpec)
    case slo(SLOSpec)
}

/// Turns YAML spec files into spec values, reporting every problem at its file:line:column.
public enum YAMLSpecLoader {
    public static let apiVersion = "llmdash/v1"
    public static let kinds = ["Dashboard", "SLO"]

    public static func load(_ file: SourceFile) -> (documents: [SpecDocument], diagnostics: [Diagnostic]) {
        let (nodes, parseDiagnostics) = YAMLDocuments.parse(file)
        if !parseDiagnostics.isEmpty { return ([], parseDiagnostics) }
        let ctx = ReadContext(file: file)
        var documents: [SpecDocument] = []
        if nodes.isEmpty {
            ctx.warning("spec.empty", "file holds no YAML documents", at: nil)
        }
        for node in nodes {
            if ctx.isNullNode(node) { continue }
            if let document = readDocument(node, ctx) { documents.append(document) }
        }
        return (documents, ctx.diagnostics)
    }

    static func readDocument(_ node: YAMLNode, _ ctx: ReadContext) -> SpecDocument? {
        guard let top = KeyedMappingReader<DocumentKey>(node, ctx, what: "a spec document") else { return nil }
        top.allow(DocumentKey.allowed)
        if let version = top.requiredString(.apiVersion), version != apiVersion {
            ctx.error(
                "spec.api-version", "unsupported apiVersion '\(version)'", at: top.value(.apiVersion),
                notes: ["this llmdash reads apiVersion \(apiVersion)"])
        }
        guard let kindNode = top.required(.kind), let kind = ctx.choice(kindNode, what: "kind", from: kinds) else {
            return nil
        }
        switch kind {
        case "SLO":
            return readSLO(top.mapping, ctx).map(SpecDocument.slo)
        default:
            return readDashboard(top, ctx).map(SpecDocument.dashboard)
        }
    }

    // MARK: Dashboard

    static func readDashboard(_ top: KeyedMappingReader<DocumentKey>, _ ctx: ReadContext) -> DashboardSpec? {
        guard let metaNode = top.required(.metadata),
            let meta = KeyedMappingReader<MetadataKey>(metaNode, ctx, what: "metadata")
        else { return nil }
        meta.allow(MetadataKey.allowed)
        let uid = meta.requiredString(.uid) ?? ""
        let title = meta.requiredString(.title) ?? ""
        var dashboard = DashboardSpec(uid: uid, title: title)
        dashboard.location = meta.location(.uid) ?? top.location
        dashboard.folder = meta.string(.folder) ?? ""
        dashboard.tags = meta.strings(.tags) ?? []
        dashboard.description = meta.string(.description)

        guard let specNode = top.required(.spec),
            let spec = KeyedMappingReader<DashboardKey>(specNode, ctx, what: "spec")
        else {
            return dashboard
        }
        spec.allow(DashboardKey.allowed)
        dashboard.backend = spec.choice(.backend, as: Backend.self)
        if let node = spec.value(.recordingRules) { dashboard.recordingRules = readRecordingRules(node, ctx) }
        dashboard.datasource = spec.string(.datasource)
        if let timeNode = spec.value(.time), let time = KeyedMappingReader<TimeKey>(timeNode, ctx, what: "time") {
            time.allow(TimeKey.allowed)
            dashboard.time = TimeRange(from: time.string(.from) ?? "now-6h", to: time.string(.to) ?? "now")
        }
        if spec.has(.refresh) { dashboard.refresh = spec.string(.refresh) ?? "" }
        dashboard.timezone = spec.string(.timezone) ?? dashboard.timezone
        dashboard.weekStart = spec.choice(.weekStart, ["monday", "saturday", "sunday"])
        dashboard.graphTooltip = spec.choice(.graphTooltip, as: GraphTooltip.self) ?? dashboard.graphTooltip
        dashboard.editable = spec.bool(.editable) ?? dashboard.editable
        dashboard.liveNow = spec.bool(.liveNow) ?? false
        dashboard.refreshIntervals = spec.strings(.refreshIntervals)
        dashboard.grafana = readGrafanaPassthrough(spec.value(.grafana), ctx)
        for item in spec.list(.variables) ?? [] {
            if let variable = readVariable(item, ctx, backend: dashboard.backend) {
                dashboard.variables.append(variable)
            }
        }
        for item in spec.list(.datasources) ?? [] {
            if let datasource = readDatasource(item, ctx) { dashboard.datasources.append(datasource) }
        }
        if let node = spec.value(.exemplars) { dashboard.exemplars = readExemplars(node, ctx) }
        var signals = SignalContext(backend: dashboard.backend, variables: dashboard.variables)
        signals.exemplars = dashboard.exemplars != nil
        for item in spec.list(.annotations) ?? [] {
            if let request = readEventAnnotation(item, ctx) {
                let (annotations, found) = EventAnnotations.expand(request, in: signals)
                ctx.record(found)
                dashboard.annotations += annotations
            } else if let annotation = readAnnotation(item, ctx) {
                dashboard.annotations.append(annotation)
            }
        }
        for item in spec.list(.links) ?? [] {
            if let link = readLink(item, ctx, dashboardLink: true) { dashboard.links.append(link) }
        }
        for item in spec.list(.panels) ?? [] {
            readPanels(item, ctx, signals, into: &dashboard.panels)
        }
        for item in spec.list(.rows) ?? [] {
            if let row = readRow(item, ctx, signals) { dashboard.rows.append(row) }
        }
        return dashboard
    }

    static func readRow(_ node: YAMLNode, _ ctx: ReadContext, _ signals: SignalContext) -> RowSpec? {
        guard let map = KeyedMappingReader<RowKey>(node, ctx, what: "a row") else { return nil }
        map.allow(RowKey.allowed)
        var row = RowSpec(title: map.requiredString(.title) ?? "", collapsed: map.bool(.collapsed) ?? false)
        row.key = map.string(.key)
        row.id = map.int(.id)
        row.repeatVariable = map.string(.repeat)
        row.grafana = readGrafanaPassthrough(map.value(.grafana), ctx)
        row.location = map.location(.title) ?? ctx.location(node)
        for item in map.list(.panels) ?? [] {
            readPanels(item, ctx, signals, into: &row.panels)
        }
        return row
    }

    // MARK: Variables

    static func singleKey(_ node: YAMLNode, _ ctx: ReadContext, what: String, kinds: [String]) -> (String, YAMLNode)? {
        guard case .mapping(let mapping) = node, mapping.pairs.count == 1, let pair = mapping.pairs.first else {
            ctx.error(
                "spec.type", "\(what) must be a mapping with one key naming its kind",
                at: node, notes: ["kinds: " + kinds.joined(separator: ", ")])
            return nil
        }
        guard let kind = ctx.choice(pair.key, what: "\(what) kind", from: kinds) else { return nil }
        return (kind, pair.value)
    }

    static func readVariable(_ node: YAMLNode, _ ctx: ReadContext, backend: Backend?) -> VariableSpec? {
        if case .scalar = node, let name = ctx.string(node, what: "a variable") {
            // A standard variable by name: the backend decides its query.
            guard SignalExpander.standardVariableNames.contains(name) else {
                var notes = ["standard variables: " + SignalExpander.standardVariableNames.joined(separator: ", ")]
                if let guess = Suggestions.closest(to: name, in: SignalExpander.standardVariableNames) {
                    notes.insert("did you mean '\(guess)'?", at: 0)
                }
                ctx.error("spec.invalid-value", "unknown standard variable '\(name)'", at: node, notes: notes)
                return nil
            }
            guard var variable = SignalExpander.standardVariable(name, backend: backend) else {
                let why = backend == nil ? "set the dashboard's 'backend'" : "\(backend!.rawValue) has no such label"
                ctx.error(
                    "spec.invalid-value", "the standard variable '\(name)' needs a backend", at: node, notes: [why])
                return nil
            }
            variable.location = ctx.location(node)
            return variable
        }
        let kinds = VariableSpec.Kind.allCases.map(\.rawValue)
        guard let (kindName, body) = singleKey(node, ctx, what: "a variable", kinds: kinds),
            let kind = VariableSpec.Kind(rawValue: kindName),
            let map = KeyedMappingReader<VariableKey>(body, ctx, what: "a \(kindName) variable")
        else { return nil }
        map.allow(VariableKey.allowed(for: kind))
        var variable = VariableSpec(kind: kind, name: map.requiredString(.name) ?? "")
        variable.location = map.location(.name) ?? ctx.location(node)
        variable.label = map.string(.label)
        variable.description = map.string(.description)
        variable.hide = map.choice(.hide, as: VariableSpec.Hide.self) ?? variable.hide
        variable.current = map.string(.current)
        switch kind {
        case .datasource:
            variable.query = map.string(.query) ?? "prometheus"
            variable.regex = map.string(.regex)
        case .query:
            variable.query = map.requiredString(.query) ?? ""
            variable.querySource = map.source(.query)
            variable.datasource = map.string(.datasource)
            variable.multi = map.bool(.multi) ?? false
            variable.includeAll = map.bool(.includeAll) ?? false
            variable.allValue = map.string(.allValue)
            variable.refresh = map.choice(.refresh, as: VariableSpec.Refresh.self) ?? .time
            variable.sort = map.choice(.sort, as: VariableSpec.Sort.self) ?? .alpha
            variable.regex = map.string(.regex)
        case .custom:
            variable.values = map.required(.values).flatMap { ctx.strings($0, what: "'values'") } ?? []
            variable.multi = map.bool(.multi) ?? false
            variable.includeAll = map.bool(.includeAll) ?? false
            variable.allValue = map.string(.allValue)
        case .interval:
            variable.values = map.required(.values).flatMap { ctx.strings($0, what: "'values'") } ?? []
            variable.auto = map.bool(.auto) ?? false
        case .constant:
            variable.query = map.requiredString(.value) ?? ""
        case .textbox:
            variable.query = map.string(.value) ?? ""
        }
        return variable
    }

    // MARK: Annotations and links

    static func readAnnotation(_ node: YAMLNode, _ ctx: ReadContext) -> AnnotationSpec? {
        guard let map = KeyedMappingReader<AnnotationKey>(node, ctx, what: "an annotation") else { return nil }
        map.allow(AnnotationKey.allowed)
        var annotation = AnnotationSpec(name: map.requiredString(.name) ?? "", expr: map.requiredString(.expr) ?? "")
        annotation.location = map.location(.name) ?? ctx.location(node)
        annotation.exprSource = map.source(.expr)
        annotation.datasource = map.string(.datasource)
        annotation.iconColor = map.string(.iconColor) ?? annotation.iconColor
        annotation.enable = map.bool(.enable) ?? true
        annotation.hide = map.bool(.hide) ?? false
        annotation.step = map.string(.step)
        annotation.titleFormat = map.string(.titleFormat)
        annotation.textFormat = map.string(.textFormat)
        annotation.tagKeys = map.strings(.tagKeys) ?? []
        annotation.useValueForTime = map.bool(.useValueForTime) ?? false
        return annotation
    }

    static func readLink(_ node: YAMLNode, _ ctx: ReadContext, dashboardLink: Bool) -> LinkSpec? {
        guard let map = KeyedMappingReader<LinkKey>(node, ctx, what: "a link") else { return nil }
        map.allow(dashboardLink ? LinkKey.dashboardLink : LinkKey.panelLink)
        var link = LinkSpec(title: map.requiredString(.title) ?? "")
        link.location = map.location(.title) ?? ctx.location(node)
        link.url = map.string(.url)
        link.tags = map.strings(.tags) ?? []
        if link.url == nil, link.tags.isEmpty {
            ctx.error(
                "spec.missing-key", dashboardLink ? "a link needs 'url' or 'tags'" : "a link needs 'url'", at: node)
        }
        if link.url != nil, !link.tags.isEmpty {
            ctx.error("spec.conflict", "a link takes either 'url' or 'tags', not both", at: map.keyNode(.tags))
        }
        link.tooltip = map.string(.tooltip) ?? ""
        link.icon = map.choice(.icon, ["external link", "dashboard", "question", "info", "bolt", "doc", "cloud"])
        link.asDropdown = map.bool(.asDropdown) ?? false
        link.targetBlank = map.bool(.targetBlank) ?? false
        link.includeVars = map.bool(.includeVars) ?? false
        link.keepTime = map.bool(.keepTime) ?? false
        return link
    }

    // MARK: Panels

    static let commonPanelKeys = [
        "key", "id", "title", "description", "width", "height", "newLine", "datasource", "queries", "transformations",
        "interval", "maxDataPoints", "timeFrom", "timeShift", "hideTimeOverride", "transparent", "repeat",
        "repeatDirection", "maxPerRow", "links", "recordingRules", "grafana",
    ]
    static let fieldKeys = [
        "unit", "decimals", "min", "max", "displayName", "noValue", "color", "thresholds", "thresholdsMode",
        "mappings", "overrides", "dataLinks",
    ]

    /// The keys a panel of one type accepts, and the panel as messages name it.
    struct PanelSchema: Sendable {
        let allowed: AllowedKeys<PanelKey>
        let what: String

        init(_ type: PanelType) {
            var keys = commonPanelKeys + fieldKeys + PanelOptions.keys(for: type)
            if type == .text { keys.removeAll { $0 == "queries" } }
            allowed = AllowedKeys(keys)
            what = "a \(type.rawValue) panel"
        }
    }

    /// The schema of each panel type, in the order of `PanelType.allCases`.
    static let panelSchemas = PanelType.allCases.map(PanelSchema.init)

    static func schema(of type: PanelType) -> PanelSchema {
        let index: Int =
            switch type {
            case .timeseries: 0
            case .stat: 1
            case .gauge: 2
            case .bargauge: 3
            case .table: 4
            case .heatmap: 5
            case .stateTimeline: 6
            case .text: 7
            case .logs: 8
            case .alertlist: 9
            }
        return panelSchemas[index]
    }

    static let panelKinds: [String] = {
        var kinds = PanelType.allCases.map(\.rawValue)
        for kind in SignalPanelRequest.Kind.allCases where !kinds.contains(kind.rawValue) {
            kinds.append(kind.rawValue)
        }
        return kinds + ["slo", "grafana"]
    }()

    /// Appends the panels of a panel entry: a plain panel, or a signal-level one that expands into one or
    /// more panels. A plain panel is moved into place rather than copied out of an array of one.
    static func readPanels(
        _ node: YAMLNode, _ ctx: ReadContext, _ signals: SignalContext, into panels: inout [PanelSpec]
    ) {
        if let panel = readPanelEntry(node, ctx, signals, into: &panels) { panels.append(panel) }
    }

    /// A raw Grafana, SLO, logs or alert-list panel, for the caller to append; panels of the other types and
    /// signal-level panels are appended here.
    private static func readPanelEntry(
        _ node: YAMLNode, _ ctx: ReadContext, _ signals: SignalContext, into panels: inout [PanelSpec]
    ) -> PanelSpec? {
        guard let (kindName, body) = singleKey(node, ctx, what: "a panel", kinds: panelKinds) else { return nil }
        if kindName == "slo" { return readSLOPanel(body, ctx).map { .slo($0) } }
        if kindName == "grafana" { return readRawGrafanaPanel(body, ctx) }
        let type = PanelType(rawValue: kindName)
        let isSignal: Bool
        if kindName == "heatmap", case .mapping(let m) = body {
            isSignal = m.pairs.contains { if case .scalar(let k) = $0.key { k.value == "signal" } else { false } }
        } else {
            isSignal = type == nil
        }
        if kindName == "logs" { return readLogsPanel(body, ctx) }
        if kindName == "alertlist" { return readAlertListPanel(body, ctx) }
        if isSignal, let kind = SignalPanelRequest.Kind(rawValue: kindName) {
            guard let request = readSignalPanel(kind, body, ctx) else { return nil }
            var (expanded, found) = SignalExpander.expand(request, in: signals)
            ctx.record(found)
            if let recording = request.recordingRules {
                for i in expanded.indices { expanded[i].recordingRules = recording }
            }
            panels += expanded
            return nil
        }
        if let type {
            readPanel(type, body, node, ctx, into: &panels)
        } else {
            readPanel(node, ctx, into: &panels)
        }
        return nil
    }

    static let signalPanelKeys: [SignalPanelRequest.Kind: KeyList] = {
        let common = [
            "signal", "title", "key", "description", "width", "height", "newLine", "by", "backend", "recordingRules",
            "grafana",
        ]
        let keys: [SignalPanelRequest.Kind: [String]] = [
            .latency: common + ["percentiles", "mean", "slo", "quantile"],
            .heatmap: common,
            .throughput: common,
            .errors: common + ["mode"],
            .saturation: common,
            .gpu: common + ["join"],
            .cost: common + ["mode", "price"],
            .top: common + ["limit"],
            .compare: common + ["label", "baseline", "candidate", "percentile"],
            .drift: common + ["metric", "percentiles", "baseline", "golden"],
            .spc: common + ["metric", "percentile", "window"],
            .feedback: ["title", "key", "description", "width", "height", "newLine", "by", "up", "down", "window"],
            .users: common + ["dimension", "label", "metric"],
            .traffic: common + ["dimension", "label", "metric"],
        ]
        return keys.mapValues(KeyList.init)
    }()

    static func readSignalPanel(_ kind: SignalPanelRequest.Kind, _ body: YAMLNode, _ ctx: ReadContext)
        -> SignalPanelRequest?
    {
        guard let map = MappingReader(body, ctx, what: "a \(kind.rawValue) panel") else { return nil }
        map.allow(signalPanelKeys[kind] ?? KeyList([]))
        var request = SignalPanelRequest(kind, signal: map.choice("signal", as: SignalID.self))
        if map.has("signal"), request.signal == nil { return nil }
        request.location = map.location("signal") ?? ctx.location(body)
        request.title = map.string("title")
        request.key = map.string("key")
        request.description = map.string("description")
        request.width = map.int("width")
        request.height = map.int("height")
        request.newLine = map.bool("newLine") ?? false
        request.recordingRules = map.bool("recordingRules")
        request.grafana = readGrafanaPassthrough(map.value("grafana"), ctx)
        request.by = map.strings("by") ?? []
        request.backend = map.choice("backend", as: Backend.self)
        if let values = map.list("percentiles") {
            request.percentiles = values.compactMap { ctx.double($0, what: "a percentile") }
        }
        request.mean = map.bool("mean") ?? false
        if let node = map.value("slo") { request.slo = readDurationOrNumber(node, ctx, what: "'slo'") }
        request.mode = map.string("mode")
        request.priceVariable = map.string("price") ?? request.priceVariable
        request.limit = map.int("limit") ?? request.limit
        if kind == .users || kind == .traffic {
            request.dimension = map.choice("dimension", as: Dimension.self)
            request.dimensionLabel = map.string("label")
        } else {
            request.label = map.string("label") ?? request.label
        }
        if let node = map.value("quantile"), let text = ctx.string(node, what: "'quantile'") {
            if let name = DatasourceValidator.variableName(text), !name.isEmpty {
                request.quantileVariable = name
            } else {
                ctx.error(
                    "spec.invalid-value", "'quantile' names a variable, e.g. $quantile", at: node,
                    notes: ["for fixed quantiles use 'percentiles: [50, 99]'"])
            }
        }
        request.up = map.string("up")
        request.down = map.string("down")
        if kind == .feedback { request.feedbackWindow = map.string("window") ?? request.feedbackWindow }
        request.join = map.strings("join") ?? request.join
        if kind == .drift {
            request.baselineWindow = map.string("baseline") ?? request.baselineWindow
            request.golden = map.string("golden")
        } else {
            request.baseline = map.string("baseline") ?? request.baseline
        }
        request.metric = map.string("metric")
        request.window = map.string("window") ?? request.window
        request.candidate = map.string("candidate") ?? request.candidate
        request.percentile = map.double("percentile") ?? request.percentile
        return request
    }

    /// A number, or a duration such as `500ms`, `1s`, `2m` in seconds.
    static func readDurationOrNumber(_ node: YAMLNode, _ ctx: ReadContext, what: String) -> Double? {
        guard let text = ctx.string(node, what: what) else { return nil }
        if let value = ReadContext.parseNumber(text) { return value }
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            if let value = Double(text.dropLast(suffix.count)), value.isFinite { return value * factor }
        }
        ctx.error("spec.type", "\(what) must be a number or a duration like 500ms or 1s", at: node)
        return nil
    }

    static let panelTypeNames = PanelType.allCases.map(\.rawValue)

    /// Appends the panel of a `- <type>: body` entry.
    static func readPanel(_ node: YAMLNode, _ ctx: ReadContext, into panels: inout [PanelSpec]) {
        guard let (kindName, body) = singleKey(node, ctx, what: "a panel", kinds: panelTypeNames),
            let type = PanelType(rawValue: kindName)
        else { return }
        readPanel(type, body, node, ctx, into: &panels)
    }

    /// Appends a panel of a known type: `node` is the `- <type>: body` entry. The panel is read in place, in
    /// the array: a panel is large, and copying one costs more than reading a small one.
    static func readPanel(
        _ type: PanelType, _ body: YAMLNode, _ node: YAMLNode, _ ctx: ReadContext, into panels: inout [PanelSpec]
    ) {
        let schema = schema(of: type)
        guard let map = KeyedMappingReader<PanelKey>(body, ctx, what: schema.what) else { return }
        map.allow(schema.allowed)
        panels.append(PanelSpec(type: type, title: map.requiredString(.title) ?? ""))
        readPanel(map, type, body, node, ctx, into: &panels[panels.count - 1])
    }

    /// The rest of a panel whose reader is made and whose title is read.
    private static func readPanel(
        _ map: KeyedMappingReader<PanelKey>, _ type: PanelType, _ body: YAMLNode, _ node: YAMLNode,
        _ ctx: ReadContext, into panel: inout PanelSpec
    ) {
        panel.location = map.location(.title) ?? ctx.location(node)
        panel.key = map.string(.key)
        panel.id = map.int(.id)
        panel.description = map.string(.description)
        panel.width = map.int(.width)
        panel.height = map.int(.height)
        panel.newLine = map.bool(.newLine) ?? false
        panel.recordingRules = map.bool(.recordingRules)
        panel.datasource = map.string(.datasource)
        for item in map.list(.queries) ?? [] {
            if let query = readQuery(item, ctx) { panel.queries.append(query) }
        }
        for item in map.list(.transformations) ?? [] {
            guard let t = KeyedMappingReader<TransformationKey>(item, ctx, what: "a transformation") else { continue }
            t.allow(TransformationKey.allowed)
            let options = t.value(.options).flatMap { ctx.json($0) } ?? .object([:])
            panel.transformations.append(TransformationSpec(id: t.requiredString(.id) ?? "", options: options))
        }
        panel.interval = map.string(.interval)
        panel.maxDataPoints = map.int(.maxDataPoints)
        panel.timeFrom = map.string(.timeFrom)
        panel.timeShift = map.string(.timeShift)
        panel.hideTimeOverride = map.bool(.hideTimeOverride)
        panel.transparent = map.bool(.transparent)
        panel.repeatVariable = map.string(.repeat)
        panel.repeatDirection = map.choice(.repeatDirection)
        panel.maxPerRow = map.int(.maxPerRow)
        for item in map.list(.links) ?? [] {
            if let link = readLink(item, ctx, dashboardLink: false) { panel.links.append(link) }
        }
        readFieldOptions(map, ctx, into: &panel.field)
        for item in map.list(.overrides) ?? [] {
            if let override = readOverride(item, ctx) { panel.overrides.append(override) }
        }
        readOptions(map, ctx, into: &panel.options)
        panel.grafana = readGrafanaPassthrough(map.value(.grafana), ctx)
        if type == .text, panel.options.content == nil {
            ctx.error("spec.missing-key", "a text panel needs 'content'", at: map.keyNode(.title) ?? body)
        }
        if type != .text, panel.queries.isEmpty, map.has(.queries) == false {
            ctx.error("spec.missing-key", "a \(type.rawValue) panel needs 'queries'", at: map.keyNode(.title) ?? body)
        }
    }

    static func readQuery(_ node: YAMLNode, _ ctx: ReadContext) -> QuerySpec? {
        if case .scalar = node {
            guard let expr = ctx.string(node, what: "a query") else { return nil }
            var query = QuerySpec(expr)
            query.location = ctx.location(node)
            query.exprSource = ctx.source(of: node)
            return query
        }
        guard let map = KeyedMappingReader<QueryKey>(node, ctx, what: "a query") else { return nil }
        map.allow(QueryKey.allowed)
        var query = QuerySpec(map.requiredString(.expr) ?? "", legend: map.string(.legend))
        query.location = map.location(.expr) ?? ctx.location(node)
        query.exprSource = map.source(.expr)
        query.refId = map.string(.refId)
        query.instant = map.bool(.instant)
        query.format = map.choice(.format, as: QuerySpec.Format.self)
        query.interval = map.string(.interval)
        query.exemplar = map.bool(.exemplar)
        query.hide = map.bool(.hide)
        query.datasource = map.string(.datasource)
        return query
    }

    // MARK: Field options

    /// Reads a panel's field options into `field`, which holds the defaults.
    static func readFieldOptions(
        _ map: KeyedMappingReader<PanelKey>, _ ctx: ReadContext, into field: inout FieldOptions
    ) {
        field.unit = map.string(.unit)
        field.unitLocation = map.location(.unit)
        field.decimals = map.int(.decimals)
        field.min = map.double(.min)
        field.max = map.double(.max)
        field.displayName = map.string(.displayName)
        field.noValue = map.string(.noValue)
        if let colorNode = map.value(.color) { field.color = readColor(colorNode, ctx) }
        if let node = map.value(.thresholds) {
            field.thresholds = readThresholds(node, ctx)
            field.thresholdsLocation = ctx.location(node)
        }
        field.thresholdsMode = map.choice(.thresholdsMode, as: ThresholdsMode.self) ?? .absolute
        for item in map.list(.mappings) ?? [] {
            if let mapping = readMapping(item, ctx) { field.mappings.append(mapping) }
        }
        for item in map.list(.dataLinks) ?? [] {
            if let link = readLink(item, ctx, dashboardLink: false) { field.links.append(link) }
        }
    }

    /// `color: palette-classic`, `color: {fixed: orange}`, or `color: {mode: …, fixedColor: …, seriesBy: …}`.
    static func readColor(_ node: YAMLNode, _ ctx: ReadContext) -> ColorSpec? {
        if case .scalar = node {
            return ctx.choice(node, what: "color mode", from: ColorSpec.modes).map { ColorSpec(mode: $0) }
        }
        guard let map = KeyedMappingReader<ColorKey>(node, ctx, what: "color") else { return nil }
        map.allow(ColorKey.allowed)
        if let fixed = map.string(.fixed) { return .fixed(fixed) }
        let mode = map.choice(.mode, ColorSpec.modes) ?? "palette-classic"
        return ColorSpec(
            mode: mode, fixedColor: map.string(.fixedColor), seriesBy: map.choice(.seriesBy, ["min", "max", "last"]))
    }

    /// A list whose first step is a bare colour (the base), then `{orange: 0.5}` or `{color: orange, value: 0.5}`.
    static func readThresholds(_ node: YAMLNode, _ ctx: ReadContext) -> [ThresholdStep]? {
        guard let items = ctx.list(node, what: "'thresholds'") else { return nil }
        var steps: [ThresholdStep] = []
        for (i, item) in items.enumerated() {
            switch item {
            case .scalar:
                guard let color = ctx.string(item, what: "a threshold colour") else { continue }
                if i > 0 {
                    ctx.error(
                        "spec.thresholds", "only the first threshold step may omit its value", at: item,
                        notes: ["write {\(color): <value>}"])
                }
                steps.append(ThresholdStep(color))
            case .mapping(let m):
                if m.pairs.count == 1, let pair = m.pairs.first, case .scalar(let ks) = pair.key, ks.value != "color",
                    ks.value != "value"
                {
                    let v = pair.value
                    let value = ctx.isNullNode(v) ? nil : ctx.double(v, what: "the value of threshold '\(ks.value)'")
                    steps.append(ThresholdStep(ks.value, value))
                } else if let map = KeyedMappingReader<ThresholdStepKey>(item, ctx, what: "a threshold step") {
                    map.allow(ThresholdStepKey.allowed)
                    steps.append(ThresholdStep(map.requiredString(.color) ?? "", map.double(.value)))
                }
            default:
                ctx.error("spec.type", "a threshold step must be a colour or a mapping", at: item)
            }
        }
        if let first = steps.first, first.value != nil {
            ctx.error(
                "spec.thresholds", "the first threshold step is the base and takes no value", at: items.first,
                notes: ["start the list with a bare colour, e.g. 'green'"])
        }
        return steps
    }

    static func readMappingResult(_ map: MappingReader) -> MappingResult {
        MappingResult(text: map.string("text"), color: map.string("color"), index: map.int("index"))
    }

    static func readMapping(_ node: YAMLNode, _ ctx: ReadContext) -> ValueMappingSpec? {
        guard
            let (kind, body) = singleKey(
                node, ctx, what: "a value mapping", kinds: ["value", "range", "regex", "special"])
        else { return nil }
        guard let map = MappingReader(body, ctx, what: "a \(kind) mapping") else { return nil }
        switch kind {
        case "value":
            var values: [String: MappingResult] = [:]
            for entry in map.entries {
                guard let result = MappingReader(entry.value, ctx, what: "the mapping of '\(entry.key)'") else {
                    continue
                }
                result.allow(["text", "color", "index"])
                values[entry.key] = readMappingResult(result)
            }
            return .value(values)
        case "range":
            map.allow(["from", "to", "text", "color", "index"])
            return .range(from: map.double("from"), to: map.double("to"), readMappingResult(map))
        case "regex":
            map.allow(["pattern", "text", "color", "index"])
            return .regex(pattern: map.requiredString("pattern") ?? "", readMappingResult(map))
        default:
            map.allow(["match", "text", "color", "index"])
            let match = map.required("match").flatMap {
                ctx.choice($0, what: "'match'", from: ValueMappingSpec.SpecialMatch.allCases.map(\.rawValue))
            }
            return .special(
                match: ValueMappingSpec.SpecialMatch(rawValue: match ?? "null") ?? .null, readMappingResult(map))
        }
    }

    static let overrideShorthands = [
        "color", "unit", "decimals", "displayName", "min", "max", "lineWidth", "fillOpacity", "lineStyle",
        "axisPlacement", "cellType", "hidden", "thresholds",
    ]

    static func readOverride(_ node: YAMLNode, _ ctx: ReadContext) -> OverrideSpec? {
        guard let map = KeyedMappingReader<OverrideKey>(node, ctx, what: "an override") else { return nil }
        map.allow(OverrideKey.allowed)
        guard let matchNode = map.required(.match),
            let (kind, value) = singleKey(
                matchNode, ctx, what: "an override matcher",
                kinds: ["byName", "byRegexp", "byFrameRefID", "byType", "byNames"])
        else { return nil }
        let matcher: OverrideSpec.Matcher
        switch kind {
        case "byNames": matcher = .byNames(ctx.strings(value, what: "'byNames'") ?? [])
        case "byRegexp": matcher = .byRegexp(ctx.string(value, what: "'byRegexp'") ?? "")
        case "byFrameRefID": matcher = .byFrameRefID(ctx.string(value, what: "'byFrameRefID'") ?? "")
        case "byType": matcher = .byType(ctx.string(value, what: "'byType'") ?? "")
        default: matcher = .byName(ctx.string(value, what: "'byName'") ?? "")
        }
        guard let setNode = map.required(.set), let set = MappingReader(setNode, ctx, what: "an override's 'set'")
        else { return nil }
        var properties: [OverrideProperty] = []
        for entry in set.entries {
            let v = entry.value
            let name = "'\(entry.key)'"
            switch entry.key {
            case "color": if let c = ctx.string(v, what: name) { properties.append(.color(c)) }
            case "unit": if let u = ctx.string(v, what: name) { properties.append(.unit(u)) }
            case "decimals": if let n = ctx.int(v, what: name) { properties.append(.decimals(n)) }
            case "displayName": if let s = ctx.string(v, what: name) { properties.append(.displayName(s)) }
            case "min": if let d = ctx.double(v, what: name) { properties.append(.min(d)) }
            case "max": if let d = ctx.double(v, what: name) { properties.append(.max(d)) }
            case "lineWidth": if let n = ctx.int(v, what: name) { properties.append(.lineWidth(n)) }
            case "fillOpacity": if let n = ctx.int(v, what: name) { properties.append(.fillOpacity(n)) }
            case "lineStyle":
                if let s = ctx.choice(v, what: name, from: LineStyle.allCases.map(\.rawValue)),
                    let style = LineStyle(rawValue: s)
                {
                    properties.append(.lineStyle(style))
                }
            case "axisPlacement":
                if let s = ctx.choice(v, what: name, from: OptionVocabulary.choices["axisPlacement"]!) {
                    properties.append(.axisPlacement(s))
                }
            case "cellType":
                if let s = ctx.choice(v, what: name, from: OptionVocabulary.choices["cellType"]!) {
                    properties.append(.cellType(s))
                }
            case "hidden": if let b = ctx.bool(v, what: name) { properties.append(.hidden(b)) }
            case "thresholds":
                if let steps = readThresholds(v, ctx) { properties.append(.thresholds(steps)) }
            default:
                if entry.key.contains(".") {
                    if let json = ctx.json(v) { properties.append(OverrideProperty(id: entry.key, value: json)) }
                } else {
                    var notes = ["a dotted property id (e.g. custom.lineWidth) sets any Grafana property"]
                    if let guess = Suggestions.closest(to: entry.key, in: overrideShorthands) {
                        notes.insert("did you mean '\(guess)'?", at: 0)
                    }
                    ctx.error(
                        "spec.unknown-key", "unknown override property '\(entry.key)'", at: entry.keyNode, notes: notes)
                }
            }
        }
        var override = OverrideSpec(matcher, properties)
        override.location = ctx.location(node)
        return override
    }

    // MARK: Per-type options

    static func reducers(_ node: YAMLNode, _ ctx: ReadContext, what: String) -> [String]? {
        guard let names = ctx.strings(node, what: what) else { return nil }
        for name in names where !OptionVocabulary.reducers.contains(name) {
            var notes: [String] = []
            if let guess = Suggestions.closest(to: name, in: OptionVocabulary.reducers) {
                notes.append("did you mean '\(guess)'?")
            }
            ctx.error("spec.invalid-value", "unknown reducer '\(name)' in \(what)", at: node, notes: notes)
        }
        return names
    }

    static let legendModes = OptionVocabulary.choices["legend.mode"]!
    static let legendPlacements = OptionVocabulary.choices["legend.placement"]!
    static let tooltipModes = OptionVocabulary.choices["tooltip.mode"]!
    static let tooltipSorts = OptionVocabulary.choices["tooltip.sort"]!

    /// Reads a panel's options into `o`, which holds the defaults.
    static func readOptions(_ map: KeyedMappingReader<PanelKey>, _ ctx: ReadContext, into o: inout PanelOptions) {
        if let node = map.value(.legend) {
            if case .scalar = node {
                if let mode = ctx.choice(node, what: "'legend'", from: legendModes) {
                    o.legend = LegendOptions(mode: mode)
                }
            } else if let legend = KeyedMappingReader<LegendKey>(node, ctx, what: "legend") {
                legend.allow(LegendKey.allowed)
                o.legend = LegendOptions(
                    mode: legend.choice(.mode, legendModes) ?? "list",
                    placement: legend.choice(.placement, legendPlacements) ?? "bottom",
                    calcs: legend.value(.calcs).flatMap { reducers($0, ctx, what: "legend calcs") } ?? [])
            }
        }
        if let node = map.value(.tooltip) {
            if case .scalar = node {
                if let mode = ctx.choice(node, what: "'tooltip'", from: tooltipModes) {
                    o.tooltip = TooltipOptions(mode: mode)
                }
            } else if let tooltip = KeyedMappingReader<TooltipKey>(node, ctx, what: "tooltip") {
                tooltip.allow(TooltipKey.allowed)
                o.tooltip = TooltipOptions(
                    mode: tooltip.choice(.mode, tooltipModes) ?? "multi",
                    sort: tooltip.choice(.sort, tooltipSorts) ?? "desc")
            }
        }
        o.calcs = map.value(.calcs).flatMap { reducers($0, ctx, what: "'calcs'") }
        o.fields = map.string(.fields)
        o.allValues = map.bool(.allValues)
        o.limit = map.int(.limit)
        o.orientation = map.choice(.orientation)
        o.drawStyle = map.choice(.drawStyle)
        o.lineWidth = map.int(.lineWidth)
        o.fillOpacity = map.int(.fillOpacity)
        o.gradientMode = map.choice(.gradientMode)
        o.lineInterpolation = map.choice(.lineInterpolation)
        o.showPoints = map.choice(.showPoints)
        o.pointSize = map.int(.pointSize)
        o.spanNulls = map.bool(.spanNulls)
        o.stacking = map.choice(.stacking)
        o.axisLabel = map.string(.axisLabel)
        o.axisPlacement = map.choice(.axisPlacement)
        o.axisSoftMin = map.double(.axisSoftMin)
        o.axisSoftMax = map.double(.axisSoftMax)
        o.logScale = map.value(.logScale).flatMap { ctx.choice($0, what: "'logScale'", from: ["2", "10"]) }.flatMap {
            Int($0)
        }
        o.thresholdsStyle = map.choice(.thresholdsStyle)
        o.colorMode = map.choice(.colorMode)
        o.graphMode = map.choice(.graphMode)
        o.textMode = map.choice(.textMode)
        o.justifyMode = map.choice(.justifyMode)
        o.wideLayout = map.bool(.wideLayout)
        o.showPercentChange = map.bool(.showPercentChange)
        o.showThresholdMarkers = map.bool(.showThresholdMarkers)
        o.showThresholdLabels = map.bool(.showThresholdLabels)
        o.displayMode = map.choice(.displayMode)
        o.valueMode = map.choice(.valueMode)
        o.namePlacement = map.choice(.namePlacement)
        o.showUnfilled = map.bool(.showUnfilled)
        o.showHeader = map.bool(.showHeader)
        o.cellHeight = map.choice(.cellHeight)
        o.cellType = map.choice(.cellType)
        o.align = map.choice(.align)
        if let items = map.list(.sortBy) {
            o.sortBy = items.compactMap { item in
                guard let s = KeyedMappingReader<SortByKey>(item, ctx, what: "a sortBy entry") else { return nil }
                s.allow(SortByKey.allowed)
                return TableSort(s.requiredString(.field) ?? "", descending: s.bool(.desc) ?? true)
            }
        }
        o.footer = map.value(.footer).flatMap { reducers($0, ctx, what: "'footer'") }
        o.calculate = map.bool(.calculate)
        o.colorScheme = map.choice(.colorScheme)
        o.colorScale = map.choice(.colorScale)
        o.colorExponent = map.double(.colorExponent)
        o.colorSteps = map.int(.colorSteps)
        o.cellGap = map.int(.cellGap)
        o.rowsLayout = map.choice(.rowsLayout)
        o.yAxisUnit = map.string(.yAxisUnit)
        o.yHistogram = map.bool(.yHistogram)
        o.showLegend = map.bool(.showLegend)
        o.exemplarColor = map.string(.exemplarColor)
        o.showValue = map.choice(.showValue)
        o.rowHeight = map.double(.rowHeight)
        o.mergeValues = map.bool(.mergeValues)
        o.alignValue = map.choice(.alignValue)
        o.mode = map.choice(.mode)
        o.content = map.string(.content)
        o.codeLanguage = map.string(.codeLanguage)
    }
}

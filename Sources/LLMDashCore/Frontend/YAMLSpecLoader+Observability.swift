/// Datasource declarations, exemplars, logs panels and alert lists.
extension YAMLSpecLoader {
    /// `{uid: loki, type: loki, url: http://loki:3100, name: Loki}`.
    static func readDatasource(_ node: YAMLNode, _ ctx: ReadContext) -> DatasourceDeclaration? {
        guard let map = MappingReader(node, ctx, what: "a datasource") else { return nil }
        map.allow(["uid", "type", "url", "name"])
        let uid = map.requiredString("uid")
        let type = map.required("type").flatMap {
            ctx.choice($0, what: "datasource type", from: DatasourceType.allCases.map(\.rawValue))
        }
        let url = map.requiredString("url")
        guard let uid, let type, let url, let kind = DatasourceType(rawValue: type) else { return nil }
        var declaration = DatasourceDeclaration(uid: uid, type: kind, url: url, name: map.string("name"))
        declaration.location = map.location("uid") ?? ctx.location(node)
        return declaration
    }

    /// `exemplars: tempo` or `{datasource: tempo, label: trace_id, urlDisplayLabel: …}`.
    static func readExemplars(_ node: YAMLNode, _ ctx: ReadContext) -> ExemplarSpec? {
        if case .scalar = node {
            guard let uid = ctx.string(node, what: "'exemplars'") else { return nil }
            var spec = ExemplarSpec(datasource: uid)
            spec.location = ctx.location(node)
            return spec
        }
        guard let map = MappingReader(node, ctx, what: "exemplars") else { return nil }
        map.allow(["datasource", "label", "urlDisplayLabel"])
        guard let uid = map.requiredString("datasource") else { return nil }
        var spec = ExemplarSpec(
            datasource: uid, label: map.string("label") ?? "trace_id", urlDisplayLabel: map.string("urlDisplayLabel"))
        spec.location = map.location("datasource") ?? ctx.location(node)
        return spec
    }

    static let layoutKeys = ["key", "id", "title", "description", "width", "height", "newLine", "links", "transparent"]

    static func readLayout(_ map: MappingReader, _ ctx: ReadContext, into panel: inout PanelSpec) {
        panel.key = map.string("key")
        panel.id = map.int("id")
        panel.description = map.string("description")
        panel.width = map.int("width")
        panel.height = map.int("height")
        panel.newLine = map.bool("newLine") ?? false
        panel.transparent = map.bool("transparent")
        for item in map.list("links") ?? [] {
            if let link = readLink(item, ctx, dashboardLink: false) { panel.links.append(link) }
        }
    }

    /// A logs panel: `expr` (or `queries`) in LogQL on a Loki `datasource`.
    static func readLogsPanel(_ body: YAMLNode, _ ctx: ReadContext) -> PanelSpec? {
        guard let map = MappingReader(body, ctx, what: "a logs panel") else { return nil }
        map.allow(
            layoutKeys + [
                "datasource", "expr", "queries", "maxLines", "showTime", "showLabels", "showCommonLabels", "wrap",
                "prettify", "details", "order", "dedup",
            ])
        var panel = PanelSpec(type: .logs, title: map.requiredString("title") ?? "")
        panel.location = map.location("title") ?? ctx.location(body)
        readLayout(map, ctx, into: &panel)
        panel.datasource = map.string("datasource")
        var logs = LogsPanelSpec()
        logs.datasourceLocation = map.location("datasource")
        if let node = map.value("expr"), let expr = ctx.string(node, what: "'expr'") {
            var query = QuerySpec(expr)
            query.location = ctx.location(node)
            query.exprSource = ctx.source(of: node)
            logs.queries.append(query)
        }
        for item in map.list("queries") ?? [] {
            if let query = readQuery(item, ctx) { logs.queries.append(query) }
        }
        if map.has("expr"), map.has("queries") {
            ctx.error("spec.conflict", "a logs panel takes 'expr' or 'queries', not both", at: map.keyNode("queries"))
        } else if logs.queries.isEmpty, !map.has("expr"), !map.has("queries") {
            ctx.error("spec.missing-key", "a logs panel needs 'expr'", at: map.keyNode("title") ?? body)
        }
        panel.maxDataPoints = map.int("maxLines")
        logs.showTime = map.bool("showTime") ?? logs.showTime
        logs.showLabels = map.bool("showLabels") ?? logs.showLabels
        logs.showCommonLabels = map.bool("showCommonLabels") ?? logs.showCommonLabels
        logs.wrapLines = map.bool("wrap") ?? logs.wrapLines
        logs.prettify = map.bool("prettify") ?? logs.prettify
        logs.details = map.bool("details") ?? logs.details
        if let order = map.choice("order", ["descending", "ascending"]) {
            logs.order = order == "ascending" ? .ascending : .descending
        }
        logs.dedup = map.choice("dedup", as: LogsPanelSpec.Dedup.self) ?? logs.dedup
        panel.logs = logs
        return panel
    }

    /// An alert list: `labels: {slo: chat}` (a value `~regex` matches by regex), `folder`, `states`, `limit`, `sort`.
    static func readAlertListPanel(_ body: YAMLNode, _ ctx: ReadContext) -> PanelSpec? {
        guard let map = MappingReader(body, ctx, what: "an alertlist panel") else { return nil }
        map.allow(layoutKeys + ["labels", "folder", "states", "name", "limit", "sort", "groupBy", "showInstances"])
        var panel = PanelSpec(type: .alertlist, title: map.requiredString("title") ?? "")
        panel.location = map.location("title") ?? ctx.location(body)
        readLayout(map, ctx, into: &panel)
        var list = AlertListSpec()
        if let node = map.value("labels"), let labels = MappingReader(node, ctx, what: "'labels'") {
            for entry in labels.entries {
                guard let value = ctx.string(entry.value, what: "the value of label '\(entry.key)'") else { continue }
                var matcher =
                    value.hasPrefix("~")
                    ? LabelMatcher(entry.key, String(value.dropFirst()), regex: true) : LabelMatcher(entry.key, value)
                matcher.location = ctx.location(entry.keyNode)
                list.labels.append(matcher)
            }
        }
        if let node = map.value("folder") {
            if case .scalar = node {
                list.folderUID = ctx.string(node, what: "'folder'")
            } else if let folder = MappingReader(node, ctx, what: "'folder'") {
                folder.allow(["uid", "title"])
                list.folderUID = folder.requiredString("uid")
                list.folderTitle = folder.string("title")
            }
        }
        if let items = map.list("states") {
            let allowed = AlertListSpec.State.allCases.map(\.rawValue)
            list.states = []
            for node in items {
                guard let name = ctx.string(node, what: "an alert state") else { continue }
                if let state = AlertListSpec.State(rawValue: name) {
                    list.states.append(state)
                } else {
                    var notes = ["states: " + allowed.joined(separator: ", ")]
                    if let guess = Suggestions.closest(to: name, in: allowed) {
                        notes.insert("did you mean '\(guess)'?", at: 0)
                    }
                    ctx.error("spec.invalid-value", "unknown alert state '\(name)'", at: node, notes: notes)
                }
            }
        }
        list.alertName = map.string("name") ?? ""
        list.limit = map.int("limit") ?? list.limit
        list.sort = map.choice("sort", as: AlertListSpec.Sort.self) ?? list.sort
        list.groupBy = map.strings("groupBy") ?? []
        list.showInstances = map.bool("showInstances") ?? list.showInstances
        panel.alertList = list
        return panel
    }

    /// `- deploys: {deployment, namespace, metric, window}` or `- versions: {label, metric, window}`; nil
    /// for a plain annotation.
    static func readEventAnnotation(_ node: YAMLNode, _ ctx: ReadContext) -> EventAnnotationRequest? {
        guard case .mapping(let m) = node, m.pairs.count == 1, let pair = m.pairs.first,
            case .scalar(let key) = pair.key, let kind = EventAnnotationRequest.Kind(rawValue: key.value)
        else { return nil }
        var request = EventAnnotationRequest(kind)
        request.location = ctx.location(pair.key)
        if ctx.isNullNode(pair.value) { return request }
        guard let map = MappingReader(pair.value, ctx, what: "a \(kind.rawValue) annotation") else { return request }
        let specific = kind == .deploys ? ["deployment", "namespace"] : ["label"]
        map.allow(["name", "metric", "window", "iconColor"] + specific)
        request.name = map.string("name")
        request.metric = map.string("metric")
        request.window = map.string("window") ?? request.window
        request.iconColor = map.string("iconColor")
        request.deployment = map.string("deployment")
        request.namespace = map.string("namespace")
        request.label = map.string("label") ?? request.label
        return request
    }
}

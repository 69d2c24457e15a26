extension YAMLSpecLoader {
    /// The value of a `grafana:` key: a mapping of Grafana JSON, merged over what llmdash emits.
    static func readGrafanaPassthrough(_ node: YAMLNode?, _ ctx: ReadContext) -> JSON? {
        guard let node else { return nil }
        guard case .mapping = node else {
            ctx.error("spec.type", "'grafana' must be a mapping of Grafana JSON", at: node)
            return nil
        }
        return ctx.json(node)
    }

    /// A `- grafana: {...}` panel: a Grafana panel llmdash does not model, emitted as written.
    static func readRawGrafanaPanel(_ body: YAMLNode, _ ctx: ReadContext) -> PanelSpec? {
        guard case .mapping = body, let json = ctx.json(body) else {
            ctx.error("spec.type", "a grafana panel must be a mapping of Grafana panel JSON", at: body)
            return nil
        }
        guard let type = json["type"]?.stringValue, !type.isEmpty else {
            ctx.error("spec.missing-key", "a grafana panel needs 'type' (the Grafana panel plugin id)", at: body)
            return nil
        }
        if type == "row" {
            ctx.error("spec.invalid-value", "a grafana panel cannot be a row; use 'rows'", at: body)
            return nil
        }
        var panel = PanelSpec(type: .text, title: json["title"]?.stringValue ?? "")
        panel.isRawGrafana = true
        panel.grafana = json
        panel.location = ctx.location(body)
        if let key = json["title"]?.stringValue, key.isEmpty, let id = json["id"] {
            panel.key = "grafana-\(JSONWriter.prettyString(id).dropLast())"
        }
        panel.width = json.gridSize("w")
        panel.height = json.gridSize("h")
        return panel
    }
}

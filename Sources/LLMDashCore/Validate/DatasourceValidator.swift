/// Checks what is not PromQL: declared datasources, exemplar trace links, logs panels (their Loki
/// datasource and a sanity check of their LogQL) and alert-list filters.
enum DatasourceValidator {
    static func check(_ spec: DashboardSpec, file: SourceFile?, options: BuildOptions) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var declared: [String: DatasourceDeclaration] = [:]
        for d in spec.datasources {
            if d.uid.isBlank {
                diagnostics.append(.error("spec.datasource", "a datasource needs a 'uid'", at: d.location))
            } else if d.uid == options.datasourceUID {
                diagnostics.append(
                    .error(
                        "spec.datasource", "uid '\(d.uid)' is the Prometheus datasource's", at: d.location,
                        notes: ["the build provisions Prometheus itself; declare Loki, Tempo or Jaeger here"]))
            } else if declared[d.uid] != nil {
                diagnostics.append(
                    .error("spec.datasource", "datasource uid '\(d.uid)' is declared twice", at: d.location))
            }
            if d.type == .prometheus {
                diagnostics.append(
                    .error(
                        "spec.datasource", "declare Loki, Tempo or Jaeger datasources here, not Prometheus",
                        at: d.location,
                        notes: [
                            "the build provisions the Prometheus datasource itself, with uid '\(options.datasourceUID)'"
                        ]))
            }
            if d.url.isBlank {
                diagnostics.append(.error("spec.datasource", "datasource '\(d.uid)' needs a 'url'", at: d.location))
            }
            declared[d.uid] = declared[d.uid] ?? d
        }
        if let exemplars = spec.exemplars {
            if !NameValidationScheme.legacy.isValidLabelName(exemplars.label) {
                diagnostics.append(
                    .error(
                        "spec.exemplars", "'\(exemplars.label)' is not a label name", at: exemplars.location,
                        notes: ["the exemplar label holding the trace id, e.g. trace_id or traceID"]))
            }
            if exemplars.datasource == options.datasourceUID {
                diagnostics.append(
                    .error(
                        "spec.exemplars",
                        "exemplars link to a trace store, not to Prometheus ('\(exemplars.datasource)')",
                        at: exemplars.location, notes: ["name the uid of a Tempo or Jaeger datasource"]))
            } else if let target = declared[exemplars.datasource], !target.type.holdsTraces {
                diagnostics.append(
                    .error(
                        "spec.exemplars",
                        "exemplars link to '\(exemplars.datasource)', a \(target.type.rawValue) datasource",
                        at: exemplars.location, notes: ["name the uid of a Tempo or Jaeger datasource"]))
            }
        }
        // Only logs and alert-list panels have anything to check here; most dashboards have none.
        lazy var variables = Set(spec.variables.map(\.name))
        func visit(_ panel: PanelSpec) {
            switch panel.type {
            case .logs:
                diagnostics += checkLogs(panel, spec: spec, declared: declared, file: file, options: options)
                for query in panel.logs?.queries ?? [] {
                    let locator = QueryLocator(
                        query.expr, source: query.exprSource, fallback: query.location ?? panel.location, file: file)
                    for problem in LogQLCheck.problems(query.expr, variables: variables) {
                        diagnostics.append(locator.diagnostic(.error, id: "logql.syntax", problem.0, at: problem.1))
                    }
                }
            case .alertlist:
                let list = panel.alertList ?? AlertListSpec()
                for matcher in list.labels where !NameValidationScheme.legacy.isValidLabelName(matcher.name) {
                    diagnostics.append(
                        .error(
                            "spec.alertlist", "'\(matcher.name)' is not a label name in the alert-list filter",
                            at: matcher.location ?? panel.location))
                }
                if list.limit < 1 {
                    diagnostics.append(
                        .error("spec.alertlist", "an alert list shows at least 1 item", at: panel.location))
                }
                if list.states.isEmpty {
                    diagnostics.append(
                        .error(
                            "spec.alertlist", "an alert list needs at least one state", at: panel.location,
                            notes: ["states: " + AlertListSpec.State.allCases.map(\.rawValue).joined(separator: ", ")])
                    )
                }
            default:
                break
            }
        }
        // Row by row rather than over one joined array: no panel is copied.
        for panel in spec.panels { visit(panel) }
        for row in spec.rows {
            for panel in row.panels { visit(panel) }
        }
        return diagnostics
    }

    /// A logs panel reads Loki: a declared Loki datasource, or a datasource variable of type loki.
    static func checkLogs(
        _ panel: PanelSpec, spec: DashboardSpec, declared: [String: DatasourceDeclaration], file: SourceFile?,
        options: BuildOptions
    ) -> [Diagnostic] {
        let at = panel.logs?.datasourceLocation ?? panel.location
        let lokis =
            spec.datasources.filter { $0.type == .loki }.map(\.uid)
            + spec.variables.filter { $0.kind == .datasource && $0.query == "loki" }.map { "${\($0.name)}" }
        let hint =
            lokis.isEmpty
            ? "declare one under 'datasources' with type loki"
            : "Loki datasources here: "
                + lokis.joined(separator: ", ")
        guard let ds = panel.datasource else {
            return [.error("spec.logs-datasource", "a logs panel needs a Loki 'datasource'", at: at, notes: [hint])]
        }
        if let name = variableName(ds) {
            guard let variable = spec.variables.first(where: { $0.name == name }) else {
                return [.error("spec.logs-datasource", "undefined variable '$\(name)'", at: at, notes: [hint])]
            }
            guard variable.kind == .datasource else {
                return [
                    .error(
                        "spec.logs-datasource", "'$\(name)' is a \(variable.kind.rawValue) variable, not a datasource",
                        at: at, notes: [hint])
                ]
            }
            guard variable.query == "loki" else {
                return [
                    .error(
                        "spec.logs-datasource",
                        "'$\(name)' picks a \(variable.query) datasource; a logs panel needs Loki", at: at,
                        notes: [hint])
                ]
            }
            return []
        }
        if ds == options.datasourceUID {
            return [
                .error(
                    "spec.logs-datasource", "'\(ds)' is the Prometheus datasource; a logs panel needs Loki", at: at,
                    notes: [hint])
            ]
        }
        guard let declaration = declared[ds] else {
            return [
                .error("spec.logs-datasource", "'\(ds)' is not a declared Loki datasource", at: at, notes: [hint])
            ]
        }
        guard declaration.type == .loki else {
            return [
                .error(
                    "spec.logs-datasource",
                    "'\(ds)' is a \(declaration.type.rawValue) datasource; a logs panel needs Loki",
                    at: at, notes: [hint])
            ]
        }
        return []
    }

    /// `name` of `$name`, `${name}` or `[[name]]`, else nil.
    static func variableName(_ text: String) -> String? {
        if text.hasPrefix("${"), text.hasSuffix("}") {
            return String(text.dropFirst(2).dropLast().prefix { $0 != ":" })
        }
        if text.hasPrefix("[["), text.hasSuffix("]]") { return String(text.dropFirst(2).dropLast(2)) }
        if text.hasPrefix("$") { return String(text.dropFirst()) }
        return nil
    }

    /// The datasources and exemplar links of every dashboard of a build, merged for the provisioning file:
    /// a uid declared twice must be declared alike.
    static func provisioned(_ dashboards: [DashboardSummary]) -> (
        [DatasourceDeclaration], [ExemplarSpec], [Diagnostic]
    ) {
        var byUID: [String: DatasourceDeclaration] = [:]
        var exemplars: [ExemplarSpec] = []
        var diagnostics: [Diagnostic] = []
        for dashboard in dashboards {
            for d in dashboard.datasources where !d.uid.isBlank {
                if let first = byUID[d.uid] {
                    if first.type != d.type || first.url != d.url || first.name != d.name {
                        diagnostics.append(
                            .error(
                                "spec.datasource-conflict", "datasource '\(d.uid)' is declared differently elsewhere",
                                at: d.location, notes: first.location.map { ["first declared at \($0)"] } ?? []))
                    }
                } else {
                    byUID[d.uid] = d
                }
            }
            if var exemplar = dashboard.exemplars {
                exemplar.location = nil
                if !exemplars.contains(exemplar) { exemplars.append(exemplar) }
            }
        }
        let datasources = byUID.values.sorted { $0.uid.utf8.lexicographicallyPrecedes($1.uid.utf8) }
        exemplars.sort {
            ($0.label, $0.datasource, $0.urlDisplayLabel ?? "") < ($1.label, $1.datasource, $1.urlDisplayLabel ?? "")
        }
        return (datasources, exemplars, diagnostics)
    }
}

/// A sanity check of LogQL, which llmdash passes to Loki unchanged: balanced brackets and quotes, a stream
/// selector first with at least one matcher, defined variables.
enum LogQLCheck {
    /// Problems with the byte range each one is at.
    static func problems(_ query: String, variables: Set<String>) -> [(String, Range<Int>)] {
        let b = Array(query.utf8)
        var out: [(String, Range<Int>)] = []
        var stack: [(UInt8, Int)] = []
        var i = 0
        var start = 0
        while start < b.count, isSpace(b[start]) { start += 1 }
        if start == b.count { return [("the LogQL query is empty", 0..<0)] }
        while i < b.count {
            let c = b[i]
            switch c {
            case UInt8(ascii: "\""), UInt8(ascii: "`"):
                let open = i
                i += 1
                while i < b.count, b[i] != c {
                    if c == UInt8(ascii: "\"") && b[i] == UInt8(ascii: "\\") {
                        i += 1
                    } else if b[i] == UInt8(ascii: "$"), let (name, end) = variable(b, at: i), !name.hasPrefix("__"),
                        !variables.contains(name)
                    {
                        // Grafana replaces variables inside strings too.
                        out.append(("undefined variable '$\(name)'", i..<end))
                    }
                    i += 1
                }
                if i >= b.count {
                    out.append(("unterminated string", open..<(open + 1)))
                    return out
                }
            case UInt8(ascii: "{"), UInt8(ascii: "("), UInt8(ascii: "["):
                stack.append((c, i))
            case UInt8(ascii: "}"), UInt8(ascii: ")"), UInt8(ascii: "]"):
                let want: UInt8 =
                    c == UInt8(ascii: "}")
                    ? UInt8(ascii: "{") : c == UInt8(ascii: ")") ? UInt8(ascii: "(") : UInt8(ascii: "[")
                guard let last = stack.last, last.0 == want else {
                    out.append(("unexpected '\(Character(UnicodeScalar(c)))'", i..<(i + 1)))
                    return out
                }
                stack.removeLast()
            case UInt8(ascii: "$"):
                if let (name, end) = variable(b, at: i), !name.hasPrefix("__"), !variables.contains(name) {
                    out.append(("undefined variable '$\(name)'", i..<end))
                }
            default:
                break
            }
            i += 1
        }
        if let open = stack.last {
            out.append(("unclosed '\(Character(UnicodeScalar(open.0)))'", open.1..<(open.1 + 1)))
            return out
        }
        guard b[start] == UInt8(ascii: "{") else {
            out.append(
                (
                    "a logs panel query starts with a stream selector such as {app=\"vllm\"}",
                    start..<(start + 1)
                ))
            return out
        }
        out += selectorProblems(b, from: start)
        return out
    }

    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

    static func isNameByte(_ c: UInt8, first: Bool) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == UInt8(ascii: "_")
            || (!first && c >= 0x30 && c <= 0x39)
    }

    /// `$name`, `${name…}` or `[[name]]` at `i`: the name and the end of the reference.
    static func variable(_ b: [UInt8], at i: Int) -> (String, Int)? {
        var j = i + 1
        let braced = j < b.count && b[j] == UInt8(ascii: "{")
        if braced { j += 1 }
        let nameStart = j
        while j < b.count, isNameByte(b[j], first: j == nameStart) { j += 1 }
        guard j > nameStart else { return nil }
        let name = String(decoding: b[nameStart..<j], as: UTF8.self)
        if braced {
            while j < b.count, b[j] != UInt8(ascii: "}") { j += 1 }
            j = min(j + 1, b.count)
        }
        return (name, j)
    }

    /// The stream selector's matchers: `name op "value"`, comma-separated, at least one.
    static func selectorProblems(_ b: [UInt8], from open: Int) -> [(String, Range<Int>)] {
        var i = open + 1
        func skip() { while i < b.count, isSpace(b[i]) { i += 1 } }
        var matchers = 0
        while true {
            skip()
            guard i < b.count else { return [] }
            if b[i] == UInt8(ascii: "}") {
                return matchers == 0
                    ? [("the stream selector needs at least one label matcher, e.g. {app=\"vllm\"}", open..<(i + 1))]
                    : []
            }
            let nameStart = i
            while i < b.count, isNameByte(b[i], first: i == nameStart) { i += 1 }
            guard i > nameStart else { return [("expected a label name in the stream selector", i..<(i + 1))] }
            skip()
            let opStart = i
            while i < b.count, [UInt8(ascii: "="), UInt8(ascii: "!"), UInt8(ascii: "~")].contains(b[i]) { i += 1 }
            let op = String(decoding: b[opStart..<i], as: UTF8.self)
            guard ["=", "!=", "=~", "!~"].contains(op) else {
                return [("expected =, !=, =~ or !~ after the label name", opStart..<(opStart + 1))]
            }
            skip()
            guard i < b.count, b[i] == UInt8(ascii: "\"") || b[i] == UInt8(ascii: "`") else {
                return [("expected a quoted label value", i..<(i + 1))]
            }
            let quote = b[i]
            i += 1
            while i < b.count, b[i] != quote {
                if quote == UInt8(ascii: "\"") && b[i] == UInt8(ascii: "\\") { i += 1 }
                i += 1
            }
            i += 1
            matchers += 1
            skip()
            if i < b.count, b[i] == UInt8(ascii: ",") { i += 1 }
        }
    }
}

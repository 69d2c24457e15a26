import PromQL

/// One query `llmdash verify` runs against a live Prometheus.
public struct VerifyQuery: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case panel, annotation, record, alert
        /// A panel whose queries are not PromQL (Loki logs): listed, not run.
        case skipped
    }

    public var kind: Kind
    /// The panel's stable key (queries of one panel share it); the annotation or rule name otherwise.
    public var group: String
    /// The panel title, annotation name or rule name.
    public var title: String
    /// The query's `refId` within its panel (panels only).
    public var refId: String?
    /// The query as the dashboard or rule file has it, Grafana variables included.
    public var expr: String
    /// Where the query (or its panel, for generated queries) is written.
    public var location: SourceLocation?
    /// Hidden panel queries still run, but their lack of data is not a problem.
    public var hidden: Bool

    public init(
        kind: Kind, group: String, title: String, refId: String? = nil, expr: String, location: SourceLocation?,
        hidden: Bool = false
    ) {
        self.kind = kind
        self.group = group
        self.title = title
        self.refId = refId
        self.expr = expr
        self.location = location
        self.hidden = hidden
    }
}

extension VerifyQuery {
    /// Whether a query is a condition: a comparison without `bool` (or a set operation of them) at the top,
    /// which filters series and is legitimately empty while nothing meets it (out-of-control points, rollouts).
    public static func isCondition(_ query: String) -> Bool {
        guard let expr = PromQL.parse(query).expr else { return false }
        return isCondition(expr)
    }

    static func isCondition(_ expr: Expr) -> Bool {
        switch expr {
        case .paren(let p): isCondition(p.expr)
        case .binary(let b) where b.op.isComparison: !b.returnBool
        case .binary(let b) where b.op == .or: isCondition(b.lhs) && isCondition(b.rhs)
        case .binary(let b) where b.op == .and || b.op == .unless: true
        default: false
        }
    }
}

/// A dashboard to verify: its variables (resolved first, in order) and its panel and annotation queries.
public struct VerifyDashboard: Sendable, Hashable {
    public var uid: String
    public var title: String
    public var location: SourceLocation?
    public var variables: [VariableSpec]
    public var queries: [VerifyQuery]
}

/// A rule file built from an SLO: its recording rules and alerts.
public struct VerifyRuleFile: Sendable, Hashable {
    /// The path the build writes it to (`rules/<service>/<name>.yaml`).
    public var path: String
    public var location: SourceLocation?
    public var queries: [VerifyQuery]
}

/// Everything `llmdash verify` runs, read from spec files and dashboards given in Swift.
public struct VerifyPlan: Sendable {
    public var dashboards: [VerifyDashboard]
    public var ruleFiles: [VerifyRuleFile]
    /// Problems in the specs (a plan with errors should not be run).
    public var diagnostics: [Diagnostic]
    /// Source texts of files with diagnostics, to quote their lines.
    public var sources: [String: String]

    /// Compiles the specs (reporting what `llmdash check` would) and collects their queries in file order.
    public static func load(
        paths: [String], dashboards extra: [DashboardSpec] = [], options: BuildOptions = BuildOptions()
    ) -> VerifyPlan {
        let report = Compiler.build(paths: paths, dashboards: extra, options: options) { _ in }
        var plan = VerifyPlan(dashboards: [], ruleFiles: [], diagnostics: report.diagnostics, sources: report.sources)
        if report.diagnostics.hasErrors { return plan }
        let (files, _) = Compiler.specFiles(in: paths)
        var specs = extra
        var slos: [SLOSpec] = []
        for path in files {
            guard case .success(let file) = SourceFile.read(path: path) else { continue }
            let (documents, _) = YAMLSpecLoader.load(file)
            for document in documents {
                switch document {
                case .dashboard(let spec): specs.append(spec)
                case .slo(let slo): slos.append(slo)
                }
            }
        }
        // SLO panels become their queries only once every SLO of the build is known, as in a build.
        // Where a dashboard opted into recording rules, Grafana runs the rewritten queries: verify those, and the
        // rules that record what they read.
        var dashboardRules: [VerifyRuleFile] = []
        for spec in specs {
            let (recorded, files) = DashboardRecordingRules.apply(SLOPanels.expand(spec, slos: slos).0)
            plan.dashboards.append(dashboard(recorded))
            for file in files where !file.path.hasSuffix(".test.yaml") {
                dashboardRules.append(ruleFile(file, location: spec.location))
            }
        }
        plan.ruleFiles = slos.map(ruleFile) + dashboardRules
        return plan
    }

    static func dashboard(_ spec: DashboardSpec) -> VerifyDashboard {
        let (resolved, _) = Resolver.resolve(spec)
        var queries: [VerifyQuery] = []
        for panel in resolved.allPanels {
            if let logs = panel.spec.logs, !logs.queries.isEmpty {
                queries.append(
                    VerifyQuery(
                        kind: .skipped, group: panel.key, title: panel.spec.title, expr: logs.queries[0].expr,
                        location: logs.queries[0].location ?? panel.spec.location))
                continue
            }
            for (index, q) in panel.spec.queries.enumerated() {
                queries.append(
                    VerifyQuery(
                        kind: .panel, group: panel.key, title: panel.spec.title, refId: q.refId ?? RefID.make(index),
                        expr: q.expr,
                        location: q.location ?? panel.spec.location, hidden: q.hide ?? false))
            }
        }
        for annotation in spec.annotations {
            queries.append(
                VerifyQuery(
                    kind: .annotation, group: "annotation:" + annotation.name, title: annotation.name,
                    expr: annotation.expr, location: annotation.location))
        }
        return VerifyDashboard(
            uid: spec.uid, title: spec.title, location: spec.location, variables: spec.variables, queries: queries)
    }

    static func ruleFile(_ file: OutputFile, location: SourceLocation?) -> VerifyRuleFile {
        let result = RuleFileChecker.check(bytes: file.contents, path: file.path)
        var queries: [VerifyQuery] = []
        for (index, rule) in result.file.groups.flatMap(\.rules).enumerated() {
            queries.append(
                VerifyQuery(
                    kind: rule.isAlert ? .alert : .record, group: "rule:\(index)", title: rule.name, expr: rule.expr,
                    location: location))
        }
        return VerifyRuleFile(path: file.path, location: location, queries: queries)
    }

    static func ruleFile(_ slo: SLOSpec) -> VerifyRuleFile {
        var queries: [VerifyQuery] = []
        for (index, rule) in SLORules.groups(slo).flatMap(\.rules).enumerated() {
            queries.append(
                VerifyQuery(
                    kind: rule.alert != nil ? .alert : .record, group: "rule:\(index)",
                    title: rule.alert ?? rule.record ?? "",
                    expr: rule.expr, location: slo.location))
        }
        return VerifyRuleFile(path: SLORules.rulePath(slo), location: slo.location, queries: queries)
    }
}

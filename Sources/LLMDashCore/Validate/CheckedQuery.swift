import PromQL

/// A PromQL query of a dashboard with its check result: worked out once, then read by the validator and the
/// linter alike.
struct CheckedQuery {
    var text: String
    var use: LintedQuery.Use
    var source: ScalarSource?
    var fallback: SourceLocation?
    /// Where `text` starts inside the YAML value `container` (a variable query's PromQL inside its call).
    var valueOffset = 0
    var container: String?
    /// The check result, shared with every other use of the same query.
    var entry: QueryCache.Entry

    /// Every query of a dashboard in the order the checks report on them: panels' queries (top-level panels,
    /// then rows'), annotations, then the PromQL inside variables' queries.
    static func all(in spec: DashboardSpec, options: ParserOptions) -> [CheckedQuery] {
        let keys = QueryKeys.of(spec.variables, options: options)
        var queries: [CheckedQuery] = []
        // Panels and queries are read in place: no panel or query is copied.
        func visit(_ panel: UnsafePointer<PanelSpec>) {
            let location = panel.pointee.location
            panel.pointee.queries.forEachInPlace { query in
                let text = query.pointee.expr
                queries.append(
                    CheckedQuery(
                        text: text, use: .panel(legend: query.pointee.legend, format: query.pointee.format),
                        source: query.pointee.exprSource, fallback: query.pointee.location ?? location,
                        entry: QueryCache.entry(keys.key(text))))
            }
        }
        spec.panels.forEachInPlace(visit)
        for row in spec.rows { row.panels.forEachInPlace(visit) }
        for annotation in spec.annotations {
            queries.append(
                CheckedQuery(
                    text: annotation.expr, use: .annotation, source: annotation.exprSource,
                    fallback: annotation.location, entry: QueryCache.entry(keys.key(annotation.expr))))
        }
        for variable in spec.variables where variable.kind == .query {
            guard let (inner, start) = VariableQuery.promQL(in: variable.query) else { continue }
            // A variable may refer to the variables before it, as Grafana resolves them in order.
            queries.append(
                CheckedQuery(
                    text: inner, use: .variable, source: variable.querySource, fallback: variable.location,
                    valueOffset: start, container: variable.query,
                    entry: QueryCache.entry(keys.key(inner, excluding: variable.name))))
        }
        return queries
    }

    /// Maps byte ranges of the query to the user's text in `file`.
    func locator(in file: SourceFile?) -> QueryLocator {
        QueryLocator(
            text, source: source, fallback: fallback, file: file, valueOffset: valueOffset, container: container)
    }
}

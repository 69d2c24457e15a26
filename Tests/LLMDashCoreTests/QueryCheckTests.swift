import LLMDashCore
import Testing

/// PromQL problems in specs point at the query text in the file, whatever the YAML scalar style.
@Suite struct QueryCheckTests {
    static let header = """
        apiVersion: llmdash/v1
        kind: Dashboard
        metadata: {uid: q, title: Q}
        spec:
          variables:
            - custom: {name: quantile, values: ["0.5", "0.99"]}
            - query: {name: model, query: 'label_values(vllm:num_requests_running, model_name)'}
          panels:

        """

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var panel: String
        /// The text the finding must point at (first occurrence in the whole file), and the finding's id.
        var marker: String
        var id: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "plain scalar", panel: "    - stat: {title: A, queries: [rate(up)]}\n", marker: "up)",
            id: "promql.type-mismatch"),
        Case(
            name: "double-quoted with escapes before the error",
            panel: "    - stat:\n        title: A\n        queries: [\"sum(x{a=\\\"v\\u00e9\\\"}) + on() rate(y)\"]\n",
            marker: "y)", id: "promql.type-mismatch"),
        Case(
            name: "single-quoted with a doubled quote",
            panel: "    - stat:\n        title: A\n        queries: ['sum(x{a=''b''}) by (le) == bool']\n",
            marker: "']", id: "promql.syntax"),
        Case(
            name: "literal block, error on the third line",
            panel: """
                    - stat:
                        title: A
                        queries:
                          - expr: |
                              histogram_quantile($quantile,
                                sum by (le) (rate(x_bucket[5m]))
                                + rate(z[5m] offset)
                              )

                """, marker: ")\n              )", id: "promql.syntax"),
        Case(
            name: "folded block",
            panel: """
                    - stat:
                        title: A
                        queries:
                          - expr: >
                              sum(rate(x[5m]))
                              / sum(rate(y[5m])) by (model_name) bool

                """, marker: "bool", id: "promql.syntax"),
        Case(
            name: "undefined variable",
            panel: "    - stat: {title: A, queries: ['sum(x{model=~\"$modle\"})']}\n", marker: "$modle",
            id: "grafana.undefined-variable"),
        Case(
            name: "variable used as a number and a range",
            panel:
                "    - stat: {title: A, queries: ['histogram_quantile($quantile, rate(x_bucket[$__rate_interval]))']}\n",
            marker: "", id: ""),
        Case(
            name: "end of input in a block scalar",
            panel: "    - stat:\n        title: A\n        queries:\n          - expr: |\n              sum(x) >\n\n",
            marker: ">\n", id: "promql.syntax"),
    ]

    @Test(arguments: cases) func pointsAtTheQueryText(_ c: Case) {
        let yaml = Self.header + c.panel
        let source = SourceFile(path: "q.yaml", text: yaml)
        let built = CompilerProbe.diagnostics(of: source)
        if c.id.isEmpty {
            #expect(built.isEmpty, "\(built)")
            return
        }
        #expect(built.map(\.id) == [c.id], "\(built)")
        let at = Array(yaml.utf8).firstRange(of: Array(c.marker.utf8))?.lowerBound ?? -1
        let expected = source.location(ofByte: c.marker == ">\n" ? at + 1 : at)
        #expect(built.first?.location == expected, "\(String(describing: built.first))")
    }

    @Test func variableQueriesAreChecked() {
        let yaml = """
            apiVersion: llmdash/v1
            kind: Dashboard
            metadata: {uid: q, title: Q}
            spec:
              variables:
                - query: {name: a, query: 'label_values(up{job=~"$b"}, instance)'}
                - query: {name: c, query: "query_result(topk(5, sum by (x) (rate(y[5m]))))"}
                - query: {name: d, query: "label_values(rate(up), job)"}
                - query: {name: e, query: "label_names()"}
            """
        let built = CompilerProbe.diagnostics(of: SourceFile(path: "v.yaml", text: yaml))
        #expect(built.map(\.id) == ["grafana.undefined-variable", "promql.type-mismatch"])
        #expect(built.map { "\($0.location!.line):\($0.location!.column)" } == ["6:54", "8:50"])
    }

    @Test func annotationQueriesAreChecked() {
        let yaml = """
            apiVersion: llmdash/v1
            kind: Dashboard
            metadata: {uid: q, title: Q}
            spec:
              annotations:
                - {name: Deploys, expr: 'changes(kube_deployment_status_observed_generation[2m]) >'}
            """
        let built = CompilerProbe.diagnostics(of: SourceFile(path: "a.yaml", text: yaml))
        #expect(built.map(\.id) == ["promql.syntax"])
        #expect(built.first?.location?.line == 6)
    }
}

/// Builds one in-memory spec file the way `llmdash build` does.
enum CompilerProbe {
    static func diagnostics(of file: SourceFile) -> [Diagnostic] {
        Compiler.build(files: [file]).diagnostics.sortedByLocation()
    }
}

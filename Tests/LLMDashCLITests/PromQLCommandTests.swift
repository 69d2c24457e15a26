import Foundation
import TestSupport
import Testing

/// `llmdash promql check` and `llmdash promql fmt`, end to end with the built binary.
@Suite struct PromQLCommandTests {
    @Test(arguments: [
        ("sum by (job) (rate(http_requests_total[5m]))", "ok: instant vector"),
        ("http_requests_total[5m]", "ok: range vector"),
        ("1 + 2 * 3", "ok: scalar"),
        ("\"text\"", "ok: string"),
        ("rate(x[1m * 2])", "ok: instant vector"),
    ])
    func validQueriesPrintTheirType(_ query: String, _ expected: String) throws {
        let result = try Run.llmdash(["promql", "check", query])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == expected + "\n")
        #expect(result.stderr.isEmpty)
    }

    @Test func invalidQueryPrintsLocatedDiagnosticsWithACaret() throws {
        let result = try Run.llmdash(["promql", "check", "rate(some_metric)"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr == """
                <query>:1:6: error: expected type range vector in call to function "rate", got instant vector
                1 | rate(some_metric)
                  |      ^~~~~~~~~~~

                """)
    }

    @Test func standardInputAndErrorsOnLaterLines() throws {
        let query = "sum(\n  rate(x[5m])\n) by (job) + foo(1)\n"
        let result = try Run.llmdash(["promql", "check", "-"], input: query)
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("<query>:3:14: error: unknown function with name \"foo\""))
        #expect(result.stderr.contains("3 | ) by (job) + foo(1)\n  |              ^"))
        let ok = try Run.llmdash(["promql", "check", "-"], input: "up\n")
        #expect(ok.status == 0 && ok.stdout == "ok: instant vector\n")
    }

    @Test func featureSwitchesUsePrometheusNames() throws {
        let query = "sort_by_label(up, \"job\") + on(job) fill(0) rate(x[5m] anchored)"
        let off = try Run.llmdash(["promql", "check", query])
        #expect(off.status == 1)
        #expect(off.stderr.contains("[promql.feature-disabled]") || off.stderr.contains("not enabled"))
        let commaSeparated = try Run.llmdash([
            "promql", "check",
            "--enable-feature=promql-experimental-functions,promql-binop-fill-modifiers,promql-extended-range-selectors",
            query,
        ])
        #expect(commaSeparated.status == 0, "\(commaSeparated.stderr)")
        let repeated = try Run.llmdash([
            "promql", "check", "--enable-feature", "promql-experimental-functions", "--enable-feature",
            "promql-binop-fill-modifiers", "--enable-feature=promql-extended-range-selectors", query,
        ])
        #expect(repeated.status == 0 && repeated.stdout == "ok: instant vector\n")
        // Duration expressions are on by default (Prometheus 3); naming them is accepted.
        let duration = try Run.llmdash(["promql", "check", "--enable-feature=promql-duration-expr", "x[1m * 2]"])
        #expect(duration.status == 0 && duration.stdout == "ok: range vector\n")
    }

    @Test(arguments: [
        ["promql", "check", "--enable-feature=promql-at-modifier", "up"],
        ["promql", "check", "--enable-feature=experimental-functions", "up"],
        ["promql", "fmt", "--enable-feature=nope", "up"],
        ["promql", "check", "--var", "x", "up"],
        ["promql", "check"],
        ["promql", "lint", "up"],
    ])
    func usageErrorsExitWith2(_ arguments: [String]) throws {
        let result = try Run.llmdash(arguments)
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func grafanaVariables() throws {
        let query = "sum(rate(vllm:e2e_request_latency_seconds_count{model_name=~\"$model\"}[$__rate_interval]))"
        let defined = try Run.llmdash(["promql", "check", "--grafana", "--var", "model", query])
        #expect(defined.status == 0, "\(defined.stderr)")
        #expect(defined.stdout == "ok: instant vector\n")
        let undefined = try Run.llmdash(["promql", "check", "--grafana", query])
        #expect(undefined.status == 1)
        #expect(undefined.stderr.hasPrefix("<query>:1:62: error: undefined variable \"model\""))
        let plain = try Run.llmdash(["promql", "check", query])
        #expect(plain.status == 1)
        let several = try Run.llmdash([
            "promql", "check", "--grafana", "--var", "job", "--var", "q",
            "histogram_quantile($q, sum by (le) (rate(x_bucket{job=\"$job\"}[$__interval])))",
        ])
        #expect(several.status == 0, "\(several.stderr)")
    }

    @Test(arguments: [
        ("sum(rate(x[5m]))by(job)", "sum by (job) (rate(x[5m]))"),
        ("x{b=\"1\",a=\"2\"}", "x{a=\"2\",b=\"1\"}"),
        ("rate(x[90m])  +   1", "rate(x[1h30m]) + 1"),
        ("sum without(instance)(up)", "sum without (instance) (up)"),
    ])
    func formatPrintsTheCanonicalForm(_ query: String, _ expected: String) throws {
        let result = try Run.llmdash(["promql", "fmt", query])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == expected + "\n")
        // Formatting is idempotent.
        let again = try Run.llmdash(["promql", "fmt", expected])
        #expect(again.stdout == expected + "\n")
    }

    @Test func formatReadsStandardInputAndRejectsInvalidQueries() throws {
        let piped = try Run.llmdash(["promql", "fmt", "-"], input: "sum(\n  up\n)by(job)\n")
        #expect(piped.status == 0 && piped.stdout == "sum by (job) (up)\n")
        let bad = try Run.llmdash(["promql", "fmt", "sum(up"])
        #expect(bad.status == 1)
        #expect(bad.stdout.isEmpty)
        #expect(bad.stderr.hasPrefix("<query>:1:7: error: unclosed left parenthesis"))
        let gated = try Run.llmdash(["promql", "fmt", "sort_by_label(up, \"a\")"])
        #expect(gated.status == 1)
        let enabled = try Run.llmdash([
            "promql", "fmt", "--enable-feature=promql-experimental-functions", "sort_by_label(up,\"a\")",
        ])
        #expect(enabled.stdout == "sort_by_label(up, \"a\")\n")
    }
}

import Foundation
import PromQL
import Testing

struct GrafanaTests {
    static let variables: Set<String> = ["model", "instance", "quantile", "metric", "group", "interval", "k", "job"]

    static func check(_ query: String, _ variables: Set<String> = variables) -> GrafanaCheckResult {
        GrafanaQuery.check(query, variables: variables, options: .all)
    }

    @Test(arguments: [
        #"histogram_quantile($quantile, sum by (le, model_name) (rate(vllm:e2e_request_latency_seconds_bucket{model_name=~"$model", instance=~"$instance"}[$__rate_interval])))"#,
        #"sum by (model_name) (vllm:num_requests_waiting{model_name=~"${model:regex}"})"#,
        #"sum(rate(x{job=~"${job:pipe}|${job:csv}|[[job]]|[[job:raw]]"}[$__interval]))"#,
        #"rate(${metric}_total[5m])"#,
        #"rate($metric[$interval])"#,
        #"$metric{instance="$instance"}"#,
        #"sum by ($group) (x)"#,
        #"sum by (${group:csv}, instance) (x)"#,
        #"topk($k, sum by (model) (rate(x[5m])))"#,
        #"x > $k"#,
        #"x[$__range] offset $interval"#,
        #"avg_over_time(x[$__interval:$__interval])"#,
        #"x @ ${__to:date:seconds}"#,
        #"increase(x[$__range_s])"#,
        #"x / $__interval_ms * 1000"#,
        #"sum(x) / $__range_s"#,
        #"label_replace(up{job="$job"}, "dst", "$1-$name", "src", "(?P<name>.*)")"#,
        #"rate(x[5m]) # per $interval"#,
        #"sum($metric)"#,
        #"$k + 1"#,
    ])
    func validDashboardQueries(query: String) {
        let result = Self.check(query)
        #expect(result.isValid, "\(query): \(result.diagnostics.map(\.message)) -> \(result.substitutedQuery)")
        #expect(result.substitutedQuery.utf8.count == query.utf8.count)
    }

    /// The reference dashboard's 24 queries (shared/peers/queries.txt) check cleanly with its variables, and
    /// fail on an undefined one.
    @Test func referenceDashboardQueries() throws {
        let url = sharedDirectory().appendingPathComponent("peers/queries.txt")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
        let queries = lines.compactMap { $0.split(separator: "\t", maxSplits: 2).last.map(String.init) }
        #expect(queries.count == 24)
        let defined: Set<String> = ["datasource", "model_name", "instance", "quantile"]
        for q in queries {
            let result = GrafanaQuery.check(q, variables: defined)
            #expect(result.isValid, "\(q): \(result.diagnostics.map(\.message))")
            #expect(result.diagnostics.isEmpty)
        }
        let missing = queries.filter { q in
            !GrafanaQuery.check(q, variables: ["model_name", "instance"]).isValid
        }
        #expect(missing.count == 2)  // the two canary panels use $quantile
    }

    @Test func standInsFitTheirPlace() throws {
        let query = #"histogram_quantile($quantile, rate(${metric}_bucket{model=~"$model"}[$__rate_interval]))"#
        let result = Self.check(query)
        #expect(result.isValid)
        let roles = Dictionary(uniqueKeysWithValues: result.substitutions.map { ($0.reference.name, $0.role) })
        #expect(roles == ["quantile": .number, "metric": .identifier, "model": .text, "__rate_interval": .duration])
        for s in result.substitutions {
            #expect(s.replacement.utf8.count == s.reference.range.count)
        }
        let window = try #require(result.expr?.matrixSelectors.first)
        let substitution = try #require(result.substitution(at: window.windowRange.lowerBound))
        #expect(substitution.reference.name == "__rate_interval")
        #expect(result.type == .instantVector)
    }

    @Test func ambiguousReferencesBecomeNamesWhenNumbersDoNotFit() {
        let result = Self.check("sum($metric) > $k")
        #expect(result.isValid)
        #expect(result.substitutions.map(\.role) == [.identifier, .number])
        let both = Self.check("$metric > $k")
        #expect(both.isValid, "\(both.diagnostics.map(\.message))")
    }

    @Test func undefinedVariablesAreErrorsAtTheirPosition() throws {
        let query = #"rate(x{a="$model", b="$nope"}[$__rate_interval]) * $missing"#
        let result = Self.check(query)
        #expect(!result.isValid)
        let undefined = result.diagnostics.filter { $0.id == .undefinedVariable }
        #expect(undefined.map(\.message) == ["undefined variable \"nope\"", "undefined variable \"missing\""])
        let bytes = Array(query.utf8)
        #expect(String(decoding: bytes[undefined[0].range], as: UTF8.self) == "$nope")
        #expect(String(decoding: bytes[undefined[1].range], as: UTF8.self) == "$missing")
    }

    @Test func globalsAreAlwaysDefined() {
        for name in [
            "__interval", "__interval_ms", "__rate_interval", "__range", "__range_s", "__range_ms", "__from", "__to",
        ] {
            let result = GrafanaQuery.check("vector($\(name))", variables: [])
            #expect(result.isValid, "\(name): \(result.diagnostics.map(\.message))")
        }
        let unknown = GrafanaQuery.check("vector($__nonsense)", variables: [])
        #expect(unknown.isValid)
        #expect(unknown.diagnostics.first?.severity == .warning)
    }

    @Test func promqlErrorsPointAtTheOriginalText() throws {
        // Multi-byte characters and long variable references before the error must not shift it.
        let query = #"sum(rate(x{a="ünïcödé", b=~"${instance:regex}"}[$__rate_interval])) by (${group:csv}) + rate(y)"#
        let result = Self.check(query)
        let error = try #require(result.diagnostics.first { $0.id == .typeMismatch })
        let bytes = Array(query.utf8)
        #expect(String(decoding: bytes[error.range], as: UTF8.self) == "y")
        #expect(error.message == "expected type range vector in call to function \"rate\", got instant vector")
        #expect(error.location(in: query).column == bytes.count - 1)
    }

    @Test func messagesShowTheVariableNotItsStandIn() throws {
        let result = Self.check("foo $metric")
        let error = try #require(result.diagnostics.first { $0.severity == .error })
        #expect(error.message.contains("\"$metric\""), "\(error.message)")
    }

    @Test func oldBracketSyntaxInsideRanges() throws {
        let result = Self.check("rate(x[[[interval]]]) + sum by ([[group]]) (y{a=~\"[[job]]\"})")
        #expect(result.isValid, "\(result.diagnostics.map(\.message))")
        #expect(result.substitutions.map(\.role) == [.duration, .identifier, .text])
    }

    @Test func labelNamesInsideBraces() {
        let result = Self.check(#"x{$group="a", ${group}_suffix!=""}"#)
        #expect(result.isValid, "\(result.diagnostics.map(\.message))")
        #expect(result.substitutions.map(\.role) == [.identifier, .identifier])
    }

    @Test func misplacedVariablesAreReported() {
        // A bare variable as a label value is not a string.
        #expect(!Self.check("x{a=$job}").isValid)
        #expect(!Self.check("x[5m] offset").isValid)
        // Unquoted in a string argument: Grafana pastes raw text, which is not a string literal.
        #expect(!Self.check(#"label_join(x, "dst", ",", $group)"#).isValid)
    }

    @Test func referencesAreFoundLikeGrafanaDoes() {
        let refs = VariableReference.find(in: #"a$x ${y} ${z:csv} ${w.key:json} [[v]] [[u:raw]] $ $$ ${} [[]] $1"#)
        #expect(refs.map(\.name) == ["x", "y", "z", "w", "v", "u", "1"])
        #expect(refs.map(\.syntax) == [.dollar, .braces, .braces, .braces, .brackets, .brackets, .dollar])
        #expect(refs[2].format == "csv")
        #expect(refs[3].fieldPath == "key")
        #expect(refs[3].format == "json")
        #expect(refs[5].format == "raw")
        #expect(refs[6].isCaptureGroupReference)
        #expect(refs[0].range == 1..<3)
    }

    @Test func unknownFormatsAreWarnings() {
        let result = Self.check(#"x{a=~"${model:bogus}"}"#)
        #expect(result.isValid)
        #expect(result.diagnostics.map(\.severity) == [.warning])
        #expect(Self.check(#"x{a=~"${model:regex}", b="${__from:date:iso}"}"#).diagnostics.isEmpty)
    }

    @Test func theTreeKeepsOriginalOffsets() throws {
        let query = #"sum by (${group:csv}) (rate($metric{job="$job"}[$__rate_interval]))"#
        let result = Self.check(query)
        let expr = try #require(result.expr)
        #expect(expr.sourceRange == 0..<query.utf8.count)
        let selector = try #require(expr.vectorSelectors.first)
        let bytes = Array(query.utf8)
        #expect(String(decoding: bytes[selector.sourceRange], as: UTF8.self) == #"$metric{job="$job"}"#)
    }
}

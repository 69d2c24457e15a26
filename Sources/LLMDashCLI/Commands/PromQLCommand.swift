import ArgumentParser
import LLMDashCore
import PromQL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `--enable-feature`, with Prometheus's own flag names, shared by the commands that parse PromQL.
struct PromQLFeatureOptions: ParsableArguments {
    /// Prometheus's feature names and the parser switch each one turns on.
    static let features: [(name: String, enable: @Sendable (inout ParserOptions) -> Void)] = [
        ("promql-experimental-functions", { $0.experimentalFunctions = true }),
        ("promql-duration-expr", { $0.durationExpressions = true }),
        ("promql-extended-range-selectors", { $0.extendedRangeSelectors = true }),
        ("promql-binop-fill-modifiers", { $0.binopFillModifiers = true }),
    ]

    @Option(
        name: .customLong("enable-feature"),
        help: ArgumentHelp(
            "PromQL features to enable, comma-separated or repeated: "
                + features.map(\.name).joined(separator: ", ") + ".",
            discussion: """
                Without it, queries are checked as a Prometheus 3 server checks them by default (duration \
                expressions on, the rest off). promtool 2.42 has every one of these off.
                """,
            valueName: "feature"))
    var enableFeature: [String] = []

    func validate() throws {
        _ = try parserOptions()
    }

    /// The parser options the flags ask for; unknown names are a usage error.
    func parserOptions() throws -> ParserOptions {
        var options = ParserOptions.default
        for value in enableFeature {
            for name in value.split(separator: ",", omittingEmptySubsequences: true) {
                let name = name.trimmingWhitespace()
                guard let feature = Self.features.first(where: { $0.name == name }) else {
                    var message = "unknown feature '\(name)' in --enable-feature"
                    if let guess = Suggestions.closest(to: name, in: Self.features.map(\.name)) {
                        message += "; did you mean '\(guess)'?"
                    }
                    message += " (known: " + Self.features.map(\.name).joined(separator: ", ") + ")"
                    throw ValidationError(message)
                }
                feature.enable(&options)
            }
        }
        return options
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

/// Reads the query argument, or standard input for `-`.
func readQueryArgument(_ argument: String) throws -> String {
    guard argument == "-" else { return argument }
    do {
        var text = String(decoding: try FileSystem.read("/dev/stdin"), as: UTF8.self)
        // A query piped from `echo` ends with a line break that is not part of it.
        while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
        return text
    } catch {
        Terminal.error("error: cannot read standard input: \(error.message)")
        throw ExitCode(2)
    }
}

extension LLMDashCommand {
    struct PromQLCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "promql",
            abstract: "Check or format a PromQL query on its own.",
            discussion: """
                Examples:
                  llmdash promql check 'histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))'
                  llmdash promql fmt 'sum(rate(x[5m]))by(job)'
                  echo 'rate(x[5m])' | llmdash promql check -
                """,
            subcommands: [Check.self, Format.self]
        )
    }
}

extension LLMDashCommand.PromQLCommand {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Parse and type-check a query; print its type.",
            discussion: """
                Prints `ok: <type>` (instant vector, range vector, scalar, string) and exits 0 when the query \
                is valid; prints each problem as `<query>:line:column: error: …` with the query line and a caret \
                and exits 1 when it is not.

                With --grafana, the query may use Grafana's template variables ($var, ${var}, ${var:csv}, \
                [[var]], $__rate_interval, $__interval, $__range, …); each --var names a dashboard variable, \
                and any other non-global variable is an error.

                Examples:
                  llmdash promql check 'sum by (job) (rate(http_requests_total[5m]))'
                  echo 'rate(x[5m])' | llmdash promql check -
                  llmdash promql check --grafana --var model 'rate(x{model=~"$model"}[$__rate_interval])'
                  llmdash promql check --enable-feature=promql-experimental-functions 'sort_by_label(up, "job")'
                """
        )

        @Argument(help: "The query, or - to read it from standard input.")
        var query: String

        @OptionGroup var features: PromQLFeatureOptions

        @Flag(help: "Allow Grafana template variables in the query.")
        var grafana = false

        @Option(name: .customLong("var"), help: "A dashboard variable's name (with --grafana; repeatable).")
        var variables: [String] = []

        func validate() throws {
            if !variables.isEmpty, !grafana { throw ValidationError("--var needs --grafana") }
        }

        func run() throws {
            let text = try readQueryArgument(query)
            let options = try features.parserOptions()
            var report = ""
            let valid: Bool
            let type: ValueType?
            if grafana {
                let result = GrafanaQuery.check(text, variables: Set(variables), options: options)
                for d in result.diagnostics { report += d.rendered(in: text, path: "<query>") + "\n" }
                (valid, type) = (result.isValid, result.type)
            } else {
                let result = PromQL.parse(text, options: options)
                for d in result.diagnostics { report += d.rendered(in: text, path: "<query>") + "\n" }
                (valid, type) = (result.isValid, result.type)
            }
            if !report.isEmpty { Terminal.error(report) }
            guard valid else { throw ExitCode.failure }
            Terminal.out("ok: \(type.map { "\($0)" } ?? "valid")\n")
        }
    }

    struct Format: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fmt",
            abstract: "Print a query in Prometheus's canonical form.",
            discussion: """
                The same form as Prometheus's /api/v1/format_query: `sum(rate(x[5m]))by(job)` becomes \
                `sum by (job) (rate(x[5m]))`. An invalid query prints its problems and exits 1.

                Examples:
                  llmdash promql fmt 'sum(rate(x[5m]))by(job)'
                  llmdash promql fmt - < query.promql
                """
        )

        @Argument(help: "The query, or - to read it from standard input.")
        var query: String

        @OptionGroup var features: PromQLFeatureOptions

        func run() throws {
            let text = try readQueryArgument(query)
            let options = try features.parserOptions()
            let result = PromQL.parse(text, options: options)
            guard result.isValid, let expr = result.expr else {
                var report = ""
                for d in result.diagnostics { report += d.rendered(in: text, path: "<query>") + "\n" }
                Terminal.error(report)
                throw ExitCode.failure
            }
            Terminal.out(Printer(sortMatchers: true).print(expr) + "\n")
        }
    }
}

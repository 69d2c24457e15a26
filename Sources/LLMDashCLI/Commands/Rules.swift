import ArgumentParser
import LLMDashCore

extension NameValidationScheme: ExpressibleByArgument {}

extension LLMDashCommand {
    struct Rules: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rules",
            abstract: "Check Prometheus rule files.",
            discussion: """
                Examples:
                  llmdash rules check rules/*.yml
                  llmdash rules check --strict --format json alerts.yml
                """,
            subcommands: [Check.self]
        )
    }
}

extension LLMDashCommand.Rules {
    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    enum Lint: String, ExpressibleByArgument, CaseIterable {
        case all
        case duplicateRules = "duplicate-rules"
        /// Recording rule names outside the `level:metric:operations` convention.
        case recordNames = "record-names"
        case none
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Check Prometheus rule files, like `promtool check rules`, with located errors.",
            discussion: """
                Checks what Prometheus checks when it loads a rule file: the structure (unknown keys are errors), \
                unique non-empty group names, one of record/alert per rule, every expression parsed and \
                type-checked, record, label and annotation names, durations, and the Go templates of alert \
                labels and annotations. Every problem is reported, at file:line:column (inside the expression \
                for PromQL errors). Rules with the same name and labels are warnings, as in promtool.

                Output follows promtool: "Checking FILE", then "SUCCESS: N rules found", or "FAILED:" and the \
                problems (on standard error). Exit 0 when every file passes, 1 when any has errors (or \
                warnings, with --strict), 2 when a file cannot be read.

                Names are checked with the legacy scheme by default (what every Prometheus and promtool 2.x \
                accept); Prometheus 3 accepts any UTF-8 name: use --name-validation-scheme=utf8 to check for it.

                Examples:
                  llmdash rules check rules/*.yml
                  llmdash rules check --format json alerts.yml
                  llmdash rules check --enable-feature=promql-experimental-functions rules.yml
                  kubectl get prometheusrule x -o jsonpath='{.spec}' | llmdash rules check -
                """
        )

        @Argument(help: "Rule files; - reads standard input.")
        var files: [String]

        @OptionGroup var features: PromQLFeatureOptions

        @Option(help: "Which names are valid: legacy ([a-zA-Z_:][a-zA-Z0-9_:]*) or utf8 (Prometheus 3).")
        var nameValidationScheme: NameValidationScheme = .legacy

        @Flag(help: "Accept keys Prometheus does not know (promtool's --ignore-unknown-fields).")
        var ignoreUnknownFields = false

        @Option(help: "Lint checks: all, duplicate-rules, record-names (level:metric:operations) or none.")
        var lint: Lint = .duplicateRules

        @Flag(help: "Treat warnings as errors.")
        var strict = false

        @Option(help: "Output format: text or json.")
        var format: OutputFormat = .text

        func validate() throws {
            if files.isEmpty { throw ValidationError("name at least one rule file (or - for standard input)") }
        }

        func run() throws {
            let options = RuleCheckOptions(
                parser: try features.parserOptions(), nameValidation: nameValidationScheme,
                ignoreUnknownFields: ignoreUnknownFields, lintDuplicateRules: lint == .all || lint == .duplicateRules,
                lintRecordNames: lint == .all || lint == .recordNames)
            var results: [(name: String, result: RuleCheckResult, text: String?)] = []
            for path in files {
                let (name, text, checked) = Self.check(path, options: options)
                var result = checked
                if strict {
                    for i in result.diagnostics.indices where result.diagnostics[i].severity == .warning {
                        result.diagnostics[i].severity = .error
                    }
                }
                if format == .text { Self.printText(name: name, result: result, source: text) }
                results.append((name, result, text))
            }
            let all = results.flatMap(\.result.diagnostics)
            switch format {
            case .text:
                let errors = all.filter { $0.severity == .error }.count
                let warnings = all.filter { $0.severity == .warning }.count
                if errors + warnings > 0 {
                    Terminal.error(
                        "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
                }
            case .json:
                Terminal.out(JSONWriter.prettyString(Self.json(results.map { ($0.name, $0.result) })))
            }
            if results.contains(where: \.result.isIOError) { throw ExitCode(2) }
            if all.hasErrors { throw ExitCode.failure }
        }

        /// Checks one named file (or standard input), returning the name shown and the text (to quote lines).
        static func check(_ path: String, options: RuleCheckOptions) -> (String, String?, RuleCheckResult) {
            let name = path == "-" ? "<stdin>" : path
            let bytes: [UInt8]
            do {
                bytes = try FileSystem.read(path == "-" ? "/dev/stdin" : path)
            } catch {
                let result = RuleCheckResult(
                    file: RuleFile(path: name),
                    diagnostics: [.error("io.read", "cannot read \(name): \(error.message)", at: nil)])
                return (name, nil, result)
            }
            let result = RuleFileChecker.check(bytes: bytes, path: name, options: options)
            let located = result.diagnostics.contains { $0.location != nil }
            return (name, located ? String(decoding: bytes, as: UTF8.self) : nil, result)
        }

        /// promtool's layout: the header and verdict on standard output, the problems on standard error.
        static func printText(name: String, result: RuleCheckResult, source: String?) {
            Terminal.out("Checking \(name)\n")
            let renderer = DiagnosticRenderer(
                sources: source.map { [name: $0] } ?? [:], useColor: Terminal.stderrIsTerminal)
            if result.isValid {
                Terminal.out("  SUCCESS: \(result.ruleCount) rules found\n")
                if !result.diagnostics.isEmpty { Terminal.error(renderer.render(result.diagnostics)) }
            } else {
                Terminal.error("  FAILED:\n" + renderer.render(result.diagnostics))
            }
            Terminal.out("\n")
        }

        static func json(_ results: [(String, RuleCheckResult)]) -> JSON {
            var files: [JSON] = []
            var errors = 0
            var warnings = 0
            for (name, result) in results {
                var diagnostics: [JSON] = []
                for d in result.diagnostics {
                    if d.severity == .error { errors += 1 }
                    if d.severity == .warning { warnings += 1 }
                    diagnostics.append(
                        [
                            "file": .string(d.location?.file ?? name),
                            "line": d.location.map { .int($0.line) } ?? .null,
                            "column": d.location.map { .int($0.column) } ?? .null,
                            "severity": .string(d.severity.rawValue),
                            "id": .string(d.id),
                            "message": .string(d.message),
                            "notes": .array(d.notes.map { .string($0) }),
                        ])
                }
                let status = result.isIOError ? "unreadable" : result.isValid ? "success" : "failed"
                files.append(
                    [
                        "path": .string(name),
                        "status": .string(status),
                        "groups": .int(result.file.groups.count),
                        "rules": .int(result.ruleCount),
                        "diagnostics": .array(diagnostics),
                    ])
            }
            return [
                "files": .array(files),
                "errors": .int(errors),
                "warnings": .int(warnings),
                "valid": .bool(errors == 0 && !results.contains { $0.1.isIOError }),
            ]
        }
    }
}

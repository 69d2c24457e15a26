import ArgumentParser
import LLMDashCore

extension LLMDashCommand {
    struct Synth: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "synth",
            abstract: "Write OpenMetrics text for a synthetic LLM fleet, to backfill into Prometheus.",
            discussion: """
                The fleet serves two models on vLLM (a stable and a canary version of one of them), SGLang, TGI, \
                Triton, llama.cpp, an OpenTelemetry GenAI gateway and a LiteLLM gateway, on GPUs seen by the DCGM \
                exporter; every metric of those backends' catalogues (`llmdash metrics`) is written, with \
                histograms filled by simulated requests, plus an evaluator's scores and chat feedback counters. \
                The last --burst of the history has an error burst that burns error budget; prompts are longer \
                and outputs shorter than at the baseline --baseline-offset earlier, and the evaluator's quality \
                score drops in the last hour. The same options give the same bytes.

                Examples:
                  llmdash synth --end 2026-11-30T12:00:00Z --out fleet.om
                  promtool tsdb create-blocks-from openmetrics --max-block-duration=200h fleet.om data/
                """
        )

        @Option(name: .shortAndLong, help: "The file to write (- for standard output).")
        var out: String = "-"

        @Option(help: "The last sample's time: now, Unix seconds, or RFC 3339.")
        var end: String = "now"

        @Option(help: "How much recent history to write.")
        var history: String = "3h"

        @Option(help: "Time between samples.")
        var step: String = "30s"

        @Option(help: "Also write a short stretch this long before --end, for offset baselines (0s: none).")
        var baselineOffset: String = "7d"

        @Option(help: "How long that stretch lasts.")
        var baselineSpan: String = "40m"

        @Option(help: "How long before --end the error burst starts (0s: no burst).")
        var burst: String = "40m"

        @Option(help: "Share of requests that fail during the burst (0 to 1).")
        var burstErrorRatio: Double = 0.2

        @Option(help: "Seed of the pseudo-random generator.")
        var seed: UInt64 = 1

        @Option(
            name: .customLong("backend"),
            help: ArgumentHelp(
                "A backend of the fleet; repeat for several (default: the templates' "
                    + SynthOptions.templateBackends.map(\.rawValue).joined(separator: ", ") + ").")
        )
        var backends: [String] = []

        func options() throws -> SynthOptions {
            func seconds(_ text: String, _ flag: String) throws -> Int {
                guard let s = PrometheusDuration.parseSeconds(text) else {
                    throw ValidationError("--\(flag) must be a duration such as 30s, 3h or 7d")
                }
                return s
            }
            guard let endTime = Verify.parseTime(end) else {
                throw ValidationError("--end must be now, Unix seconds or RFC 3339 (2026-11-30T12:00:00Z)")
            }
            var chosen: [Backend] = []
            for name in backends {
                guard let b = Backend(rawValue: name) else {
                    throw ValidationError(
                        "unknown backend '\(name)'; known: \(Backend.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                if !chosen.contains(b) { chosen.append(b) }
            }
            let o = SynthOptions(
                end: Int64(endTime), history: try seconds(history, "history"), step: try seconds(step, "step"),
                baselineOffset: try seconds(baselineOffset, "baseline-offset"),
                baselineSpan: try seconds(baselineSpan, "baseline-span"), burst: try seconds(burst, "burst"),
                burstErrorRatio: burstErrorRatio, seed: seed,
                backends: chosen.isEmpty ? SynthOptions.templateBackends : chosen)
            if let problem = o.problems.first { throw ValidationError(problem) }
            return o
        }

        func validate() throws { _ = try options() }

        func run() throws {
            let text = SyntheticFleet.openMetrics(try options())
            if out == "-" {
                Terminal.out(String(decoding: text, as: UTF8.self))
                return
            }
            do {
                try FileSystem.writeAtomically(text, to: out)
            } catch {
                Terminal.error("error: cannot write \(out): \(error.message)")
                throw ExitCode(2)
            }
        }
    }
}

import ArgumentParser
import LLMDashCore

extension LLMDashCommand {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Write a starting spec for a serving backend.",
            discussion: """
                Writes a dashboard spec with signal-level panels for every signal the backend's metric \
                catalogue provides: latency percentiles and a heatmap, throughput and errors, scheduler and \
                KV-cache saturation (and GPUs with --gpu, from the DCGM exporter). The spec validates and builds \
                as written; edit it from there. An existing file is never overwritten without --force.

                Backends: \(Backend.allCases.map(\.rawValue).joined(separator: ", ")).

                Examples:
                  llmdash init --backend vllm                    # writes vllm-serving.yaml
                  llmdash init --backend sglang --gpu -o templates/sglang.yaml
                  llmdash init --backend tgi --uid chat-tgi --title "Chat — TGI" -o -
                """
        )

        @Option(help: "The serving stack whose metric catalogue the panels use.")
        var backend: String

        @Option(help: "Dashboard uid (default: <backend>-serving).")
        var uid: String?

        @Option(help: "Dashboard title (default: \"<backend> — serving\").")
        var title: String?

        @Option(help: "Grafana folder.")
        var folder: String = "LLM"

        @Flag(help: "Add a GPU row (DCGM exporter metrics).")
        var gpu = false

        @Option(name: .shortAndLong, help: "File to write (default: <uid>.yaml); - prints to standard output.")
        var output: String?

        @Flag(help: "Overwrite the file if it exists.")
        var force = false

        func validate() throws {
            guard Backend(rawValue: backend) != nil else {
                throw ValidationError(
                    "unknown backend '\(backend)'; known: \(Backend.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let uid, uid.isEmpty || !uid.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
                throw ValidationError("--uid may hold only letters, digits, '-' and '_'")
            }
        }

        func run() throws {
            let backend = Backend(rawValue: backend)!
            let catalog = Catalog.backend(backend)
            let uid = uid ?? "\(backend.rawValue)-serving"
            let text = StarterSpec(
                catalog: catalog, uid: uid, title: title ?? "\(catalog.title) — serving", folder: folder, gpu: gpu
            ).yaml
            let path = output ?? "\(uid).yaml"
            if path == "-" {
                Terminal.out(text)
                return
            }
            if !force, FileSystem.exists(path) {
                Terminal.error("error: \(path) exists; pass --force to overwrite it")
                throw ExitCode(2)
            }
            do {
                let parent = FileSystem.parentPath(path)
                if !parent.isEmpty { try FileSystem.createDirectories(parent) }
                try FileSystem.writeAtomically(Array(text.utf8), to: path)
            } catch {
                Terminal.error("error: cannot write \(path): \(error.message)")
                throw ExitCode(2)
            }
            Terminal.out("wrote \(path); build it with `llmdash build \(path)`\n")
        }
    }
}

/// A starting dashboard for one backend: each signal its catalogue provides, grouped into rows.
struct StarterSpec {
    var catalog: BackendCatalog
    var uid: String
    var title: String
    var folder: String
    var gpu: Bool

    func has(_ signal: SignalID) -> Bool { catalog.signal(signal) != nil }

    var rows: [(title: String, panels: [String])] {
        var latency: [String] = []
        for signal in [SignalID.ttft, .itl, .tpot, .e2e, .queue] where has(signal) {
            let percentiles = signal == .ttft || signal == .e2e ? "[50, 90, 99]" : "[50, 99]"
            latency.append("latency: {signal: \(signal.rawValue), percentiles: \(percentiles)}")
        }
        if case .histogram? = catalog.signal(.e2e)?.source { latency.append("heatmap: {signal: e2e}") }
        var load: [String] = []
        for signal in [SignalID.requests, .promptTokens, .outputTokens] where has(signal) {
            load.append("throughput: {signal: \(signal.rawValue)}")
        }
        if has(.failedRequests), has(.requests) { load.append("errors: {}") }
        if has(.httpResponses) { load.append("errors: {mode: http}") }
        var saturation: [String] = []
        for signal in [SignalID.running, .waiting, .kvCache, .batchSize, .preemptions] where has(signal) {
            saturation.append("saturation: {signal: \(signal.rawValue)}")
        }
        if has(.prefixCacheHits), has(.prefixCacheQueries) {
            saturation.append("saturation: {signal: prefix_cache_hits}")
        }
        var gpus: [String] = []
        if gpu || catalog.backend == .dcgm {
            for signal in [SignalID.gpuUtil, .gpuMemoryUsed, .gpuPower, .gpuTemperature] {
                gpus.append("gpu: {signal: \(signal.rawValue)}")
            }
        }
        return [("Latency", latency), ("Throughput and errors", load), ("Saturation", saturation), ("GPUs", gpus)]
            .filter { !$0.panels.isEmpty }
    }

    var yaml: String {
        var variables = ["datasource"]
        if catalog.modelLabel != nil { variables.append("model") }
        variables.append("instance")
        var text = """
            # \(catalog.title): a starting dashboard written by `llmdash init --backend \(catalog.backend.rawValue)`.
            # Panels name signals; the \(catalog.backend.rawValue) catalogue picks metrics, labels and units
            # (`llmdash metrics --backend \(catalog.backend.rawValue)` lists them). The format is in docs/spec-reference.md.
            apiVersion: llmdash/v1
            kind: Dashboard
            metadata:
              uid: \(uid)
              title: \(yamlQuoted(title))
              folder: \(yamlQuoted(folder))
              tags: [llm, \(catalog.backend.rawValue)]
            spec:
              backend: \(catalog.backend.rawValue)
              variables: [\(variables.joined(separator: ", "))]
              rows:

            """
        for row in rows {
            text += "    - title: \(yamlQuoted(row.title))\n      panels:\n"
            for panel in row.panels { text += "        - \(panel)\n" }
        }
        return text
    }
}

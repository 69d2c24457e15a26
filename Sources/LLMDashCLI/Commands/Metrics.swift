import ArgumentParser
import LLMDashCore

extension LLMDashCommand {
    struct Metrics: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "metrics",
            abstract: "Print the metric catalogue that signal-level panels and lints use.",
            discussion: """
                For each backend: the model and instance labels, the labels aggregated away, and for each \
                signal the metric (type, unit, fixed matchers, older names it falls back to) and any \
                documented approximation.

                Examples:
                  llmdash metrics --backend vllm
                  llmdash metrics --format json | jq '.[] | .backend'
                """
        )

        @Option(help: "Only this backend (\(Backend.allCases.map(\.rawValue).joined(separator: ", "))).")
        var backend: String?

        @Option(help: "text or json.")
        var format: String = "text"

        func validate() throws {
            if let backend, Backend(rawValue: backend) == nil {
                throw ValidationError(
                    "unknown backend '\(backend)'; known: \(Backend.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard ["text", "json"].contains(format) else { throw ValidationError("--format must be text or json") }
        }

        func run() throws {
            let catalogs = backend.flatMap(Backend.init(rawValue:)).map { [Catalog.backend($0)] } ?? Catalog.all
            if format == "json" {
                Terminal.out(String(decoding: JSONWriter.pretty(.array(catalogs.map(Self.json))), as: UTF8.self))
            } else {
                Terminal.out(catalogs.map(Self.text).joined(separator: "\n"))
            }
        }

        static func describe(_ m: MetricRef) -> String {
            var text = m.name + (m.matchers.isEmpty ? "" : "{" + m.matchers.joined(separator: ", ") + "}")
            text += " (\(m.type.rawValue), \(m.unit)"
            if let scale = m.scale { text += ", ×\(JSONWriter.formatDouble(scale))" }
            text += ")"
            if !m.fallbacks.isEmpty { text += " or " + m.fallbacks.joined(separator: " or ") }
            return text
        }

        static func source(_ s: SignalSource) -> (String, [MetricRef]) {
            switch s {
            case .histogram(let m): ("histogram", [m])
            case .counter(let m): ("counter", [m])
            case .gauge(let m, let aggregate): ("gauge, \(aggregate) across series", [m])
            case .mean(let total, let count): ("mean of total / count", [total, count])
            case .gaugeRatio(let a, let b): ("ratio of gauges", [a, b])
            case .quantileSum(let ms): ("sum of quantiles", ms)
            }
        }

        static func text(_ c: BackendCatalog) -> String {
            var out = "\(c.backend.rawValue) — \(c.title)\n"
            out += "  model label: \(c.modelLabel ?? "none"); instance label: \(c.instanceLabel)\n"
            out += "  aggregated away: \(c.aggregateAway.joined(separator: ", "))\n"
            out += "  source: \(c.source)\n"
            for d in c.signals {
                let (kind, metrics) = source(d.source)
                out +=
                    "  \(d.signal.rawValue) [\(d.unit)] \(kind): " + metrics.map(describe).joined(separator: "; ")
                    + "\n"
                if let approximation = d.approximation { out += "      approximation: \(approximation)\n" }
            }
            if !c.dimensions.isEmpty {
                out +=
                    "  dimensions: "
                    + c.dimensions.map { "\($0.dimension.rawValue) = \($0.label) (on \($0.signal.rawValue))" }
                    .joined(separator: ", ") + "\n"
            }
            if !c.removedMetrics.isEmpty {
                out += "  removed names:\n"
                for (old, new) in c.removedMetrics.sorted(by: { $0.key < $1.key }) { out += "    \(old) → \(new)\n" }
            }
            return out
        }

        static func metricJSON(_ m: MetricRef) -> JSON {
            var o = JSONObject()
            o["name"] = .string(m.name)
            o["type"] = .string(m.type.rawValue)
            o["unit"] = .string(m.unit)
            o["matchers"] = .array(m.matchers.map(JSON.string))
            o.set("scale", m.scale)
            o["fallbacks"] = .array(m.fallbacks.map(JSON.string))
            o["labels"] = .array(m.labels.map(JSON.string))
            return o.json
        }

        static func json(_ c: BackendCatalog) -> JSON {
            var o = JSONObject()
            o["backend"] = .string(c.backend.rawValue)
            o["title"] = .string(c.title)
            o["modelLabel"] = c.modelLabel.map(JSON.string) ?? .null
            o["instanceLabel"] = .string(c.instanceLabel)
            o["aggregateAway"] = .array(c.aggregateAway.map(JSON.string))
            o["source"] = .string(c.source)
            o["signals"] = .array(
                c.signals.map { d in
                    let (kind, metrics) = source(d.source)
                    var s = JSONObject()
                    s["signal"] = .string(d.signal.rawValue)
                    s["category"] = .string(d.signal.category.rawValue)
                    s["unit"] = .string(d.unit)
                    s["kind"] = .string(kind)
                    s["metrics"] = .array(metrics.map(metricJSON))
                    s.set("approximation", d.approximation)
                    return s.json
                })
            o["dimensions"] = .array(
                c.dimensions.map {
                    [
                        "dimension": .string($0.dimension.rawValue), "label": .string($0.label),
                        "signal": .string($0.signal.rawValue),
                    ]
                })
            o["otherMetrics"] = .array(c.otherMetrics.map(metricJSON))
            o["removedMetrics"] = .object(JSONMembers(c.removedMetrics.mapValues(JSON.string)))
            return o.json
        }
    }
}

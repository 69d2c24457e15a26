import LLMDashCore
import PromQL
import Testing

@Suite struct CatalogTests {
    @Test(arguments: Backend.allCases) func everyGeneratedQueryIsValidPromQL(_ backend: Backend) {
        let catalog = Catalog.backend(backend)
        #expect(!catalog.signals.isEmpty)
        var checked = 0
        for d in catalog.signals {
            let q = SignalQuery(d, selector: [#"x=~"$model""#])
            let forms: [String?] = [
                q.quantile(0.99), q.quantile(0.5, by: ["a"]), q.mean(), q.mean(by: ["a", "b"]), q.rate(),
                q.rate(by: ["a"]),
                q.value(), q.value(by: ["a"]), q.heatmap(), q.level(), q.increase(over: "30d"),
            ]
            for expr in forms.compactMap({ $0 }) {
                let result = GrafanaQuery.check(expr, variables: ["model"])
                #expect(result.isValid, "\(backend.rawValue) \(d.signal.rawValue): \(expr) → \(result.diagnostics)")
                checked += 1
            }
            // Every signal can be shown somehow.
            #expect(q.level() != nil || q.quantile(0.5) != nil, "\(backend.rawValue) \(d.signal.rawValue)")
        }
        #expect(checked >= catalog.signals.count)
    }

    @Test(arguments: Backend.allCases) func signalsAreUniqueAndUnitsKnown(_ backend: Backend) {
        let catalog = Catalog.backend(backend)
        let ids = catalog.signals.map(\.signal)
        #expect(Set(ids).count == ids.count, "duplicate signals in \(backend.rawValue)")
        let units: Set<String> = [
            "s", "ms", "µs", "short", "reqps", "percentunit", "percent", "mbytes", "bytes", "watt", "celsius",
            "currencyUSD", "suffix:tok/s", "mJ", "hertz", "Bps",
        ]
        for d in catalog.signals { #expect(units.contains(d.unit), "\(d.signal.rawValue): \(d.unit)") }
        #expect(catalog.exposedNames.contains(catalog.presenceMetric) || catalog.presenceMetric.hasSuffix("_count"))
    }

    @Test func vllmFallsBackToRenamedMetrics() throws {
        let kv = try #require(Catalog.backend(.vllm).signal(.kvCache))
        #expect(
            SignalQuery(kv).value(by: ["model_name"])
                == "max by (model_name) (vllm:kv_cache_usage_perc or vllm:gpu_cache_usage_perc)")
        #expect(Catalog.backend(.vllm).removedMetrics["vllm:gpu_cache_usage_perc"] != nil)
    }

    @Test func tritonConvertsMillisecondsToSeconds() throws {
        let ttft = try #require(Catalog.backend(.triton).signal(.ttft))
        #expect(
            SignalQuery(ttft).quantile(0.99)
                == "histogram_quantile(0.99, sum by (le) (rate(nv_inference_first_response_histogram_ms_bucket[$__rate_interval]))) * 0.001"
        )
    }

    @Test func backendsProvidingASignal() {
        #expect(Catalog.backends(providing: .ttft).contains(.vllm))
        #expect(!Catalog.backends(providing: .ttft).contains(.llamacpp))
        #expect(Catalog.backends(providing: .gpuUtil) == [.dcgm])
    }
}

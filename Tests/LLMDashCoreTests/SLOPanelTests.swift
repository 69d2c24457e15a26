import LLMDashCore
import TestSupport
import Testing

/// `slo:` panels: an SLO named from another file of the build expands into panels over its Sloth records;
/// a wrong reference is an error at the name.
@Suite struct SLOPanelTests {
    static let slos = """
        apiVersion: llmdash/v1
        kind: SLO
        metadata: {name: availability, service: chat}
        spec: {objective: 99.9, sli: {errors: {backend: vllm}}, alerting: {ticket: {disable: true}}}
        ---
        apiVersion: llmdash/v1
        kind: SLO
        metadata: {name: availability, service: search}
        spec: {objective: 99, period: 28d, sli: {errors: {backend: vllm}}}
        """

    static func build(_ dashboard: String) -> BuildResult {
        Compiler.build(files: [
            SourceFile(path: "slos.yaml", text: slos), SourceFile(path: "dash.yaml", text: dashboard),
        ])
    }

    static func dashboard(_ panels: String) -> String {
        """
        apiVersion: llmdash/v1
        kind: Dashboard
        metadata: {uid: slo-board, title: SLOs}
        spec:
          rows:
            - title: SLOs
              panels:
        \(panels)
        """
    }

    @Test func expandsIntoPanelsOverTheSlothRecords() throws {
        let result = Self.build(Self.dashboard("        - slo: {name: availability, service: search}"))
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let file = try #require(result.files.first { $0.path == "dashboards/slo-board.json" })
        let json = String(decoding: file.contents, as: UTF8.self)
        let filter = #"{sloth_id=\"search-availability\", sloth_service=\"search\", sloth_slo=\"availability\"}"#
        // 28 days prints as Prometheus does, 4w; the period record is the one the SLI and budget panels read.
        #expect(json.contains("1 - slo:sli_error:ratio_rate4w" + filter))
        #expect(json.contains("slo:period_error_budget_remaining:ratio" + filter))
        for window in ["5m", "30m", "1h", "2h", "6h", "1d", "3d"] {
            #expect(json.contains("slo:sli_error:ratio_rate\(window)" + filter), "window \(window)")
        }
        #expect(json.contains(#"ALERTS{alertname=\"SearchAvailabilityTicket\""#))
    }

    @Test func burnThresholdsAreTheAlertFactors() throws {
        let (documents, _) = YAMLSpecLoader.load(SourceFile(path: "slos.yaml", text: Self.slos))
        var slos: [SLOSpec] = []
        for case .slo(let slo) in documents { slos.append(slo) }
        // chat: ticket alerts disabled, so only the page factors (14.4, 6) are drawn.
        let chat = SLOPanels.thresholds(slos[0])
        #expect(chat.map(\.value) == [nil, 6, 14.4])
        #expect(chat.map(\.color) == ["green", "red", "red"])
        // search over 28 days: budget share × period / long window, ascending: 0.933 and 2.8 ticket, 5.6 and 13.44 page.
        let search = SLOPanels.thresholds(slos[1])
        #expect(search.map(\.color) == ["green", "orange", "orange", "red", "red"])
        let values = search.compactMap(\.value)
        let hours: Double = 28 * 24
        let expected: [Double] = [0.1 * hours / 72, 0.1 * hours / 24, 0.05 * hours / 6, 0.02 * hours]
        #expect(zip(values, expected).allSatisfy { abs($0 - $1) < 1e-9 }, "\(values)")
        #expect(values.count == 4)
    }

    @Test func badReferencesAreErrorsAtTheName() {
        let text = Self.dashboard(
            """
                    - slo: {name: availabilty, service: chat}
                    - slo: availability
                    - slo: {name: availability, service: chat, show: [sli, burnrate]}
                    - slo: {service: chat}
            """)
        let result = Self.build(text)
        #expect(result.files.isEmpty)
        let found = diagnosticSummary(result.diagnostics.filter { $0.location?.file == "dash.yaml" }).sorted()
        let expected = [
            "\(markerPosition(of: "availabilty", in: text)) error spec.unknown-slo",
            "\(markerPosition(of: "availability", occurrence: 1, in: text)) error spec.ambiguous-slo",
            "\(markerPosition(of: "burnrate", in: text)) error spec.invalid-value",
            "\(markerPosition(of: "{service: chat}", in: text)) error spec.missing-key",
        ]
        #expect(found == expected.sorted())
        let unknown = result.diagnostics.first { $0.id == "spec.unknown-slo" }
        #expect(unknown?.message == "no SLO 'availabilty' of service 'chat' in this build")
        #expect(unknown?.notes.first == "did you mean 'availability'?")
    }
}

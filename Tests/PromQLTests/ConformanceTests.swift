import Foundation
import PromQL
import Testing

/// Measures the parser against the verdicts Prometheus gives on its own test expressions.
struct ConformanceTests {
    struct Record: Decodable {
        var input: String
        var valid: Bool
        var err: String?
        var source: String
        var line: Int?
    }

    static func options(forSource source: String) -> ParserOptions {
        source == "parse_test.go" ? parseTestOptions : .all
    }

    static func loadRecords() throws -> [Record] {
        let url = sharedDirectory().appendingPathComponent("conformance/promql/public.jsonl")
        let text = try String(contentsOf: url, encoding: .utf8)
        let decoder = JSONDecoder()
        return try text.split(separator: "\n").map { try decoder.decode(Record.self, from: Data($0.utf8)) }
    }

    @Test func verdictsAgreeWithPrometheus() throws {
        let records = try Self.loadRecords()
        #expect(records.count == 1086)
        var agree = 0
        var disagreements: [String] = []
        for record in records {
            let result = PromQL.parse(record.input, options: Self.options(forSource: record.source))
            if result.isValid == record.valid {
                agree += 1
            } else {
                let ours = result.errors.first?.message ?? "valid"
                disagreements.append(
                    "\(record.source):\(record.line ?? 0) expected \(record.valid ? "valid" : "invalid") "
                        + "(\(record.err ?? "")), got \(ours): \(record.input.prefix(160))")
            }
        }
        print("PromQL conformance: \(agree)/\(records.count) agree with Prometheus")
        for line in disagreements { print("  disagreement: \(line)") }
        #expect(Double(agree) >= 0.99 * Double(records.count))
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements")
    }

    @Test func invalidRecordsReportErrorsInsideTheQuery() throws {
        for record in try Self.loadRecords() where !record.valid {
            let result = PromQL.parse(record.input, options: Self.options(forSource: record.source))
            let count = record.input.utf8.count
            for d in result.diagnostics {
                #expect(d.range.lowerBound >= 0 && d.range.upperBound <= count, "\(d) in \(record.input.prefix(80))")
            }
        }
    }

    @Test func validRecordsRoundTripThroughThePrinter() throws {
        var checked = 0
        for record in try Self.loadRecords() where record.valid {
            let options = Self.options(forSource: record.source)
            if let problem = roundTripProblem(record.input, options: options) {
                Issue.record("\(problem) (from \(record.input))")
            }
            checked += 1
        }
        #expect(checked > 1000)
    }

    @Test func firstErrorMatchesPrometheusWordingForMostInvalidRecords() throws {
        var same = 0
        var total = 0
        for record in try Self.loadRecords() where !record.valid {
            guard let expected = record.err, !expected.isEmpty else { continue }
            total += 1
            let ours = PromQL.parse(record.input, options: Self.options(forSource: record.source)).errors
            if ours.contains(where: { $0.message == expected }) { same += 1 }
        }
        print("PromQL conformance: \(same)/\(total) invalid records report Prometheus's first error verbatim")
        #expect(Double(same) >= 0.9 * Double(total))
    }
}

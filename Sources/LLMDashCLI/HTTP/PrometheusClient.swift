import FoundationEssentials
import LLMDashCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What an instant query returned.
enum QueryOutcome: Sendable, Equatable {
    /// Series (or a scalar) with their values; NaN values included.
    case values([Double], labels: [[String: String]])
    /// The server refused or failed the query: its error type and message.
    case failed(String)
}

/// What a label-values request returned.
enum LabelValuesOutcome: Sendable, Equatable {
    case values([String])
    case failed(String)
}

/// The Prometheus HTTP API (`/api/v1/…`), with bounded retries of transient failures.
struct PrometheusClient: Sendable {
    var http: HTTPClient
    /// How many times to retry a request that failed on the way (connection refused, timeout, 502/503/504).
    var retries: Int

    /// Evaluates `expr` at `time` (Unix seconds).
    func query(_ expr: String, time: Double) throws(HTTPError) -> QueryOutcome {
        let form = "query=\(Self.encode(expr))&time=\(Self.formatTime(time))"
        let response = try send("/api/v1/query", form: form)
        let decoded: APIResponse<QueryData>
        do {
            decoded = try JSONDecoder().decode(APIResponse<QueryData>.self, from: Data(response.body))
        } catch {
            throw HTTPError(description: "HTTP \(response.status): not a Prometheus API response", transient: false)
        }
        if decoded.status != "success" || response.status != 200 {
            let type = decoded.errorType.map { "\($0): " } ?? ""
            return .failed(type + (decoded.error ?? "HTTP \(response.status)"))
        }
        guard let data = decoded.data else { return .values([], labels: []) }
        return .values(data.values, labels: data.labels)
    }

    /// The values of `label` on series matching `selector` (all series when nil) between `start` and `end`.
    func labelValues(_ label: String, selector: String?, start: Double, end: Double) throws(HTTPError)
        -> LabelValuesOutcome
    {
        var path =
            "/api/v1/label/\(Self.encode(label))/values?start=\(Self.formatTime(start))&end=\(Self.formatTime(end))"
        if let selector { path += "&match%5B%5D=\(Self.encode(selector))" }
        let response = try send(path, form: nil)
        guard let decoded = try? JSONDecoder().decode(APIResponse<[String]>.self, from: Data(response.body)) else {
            throw HTTPError(description: "HTTP \(response.status): not a Prometheus API response", transient: false)
        }
        if decoded.status != "success" {
            return .failed((decoded.errorType.map { "\($0): " } ?? "") + (decoded.error ?? "HTTP \(response.status)"))
        }
        return .values((decoded.data ?? []).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }

    /// The global scrape interval from the server's configuration, in seconds (nil when not readable).
    func scrapeInterval() throws(HTTPError) -> Int? {
        let response = try send("/api/v1/status/config", form: nil)
        guard response.status == 200,
            let decoded = try? JSONDecoder().decode(APIResponse<ConfigData>.self, from: Data(response.body)),
            let yaml = decoded.data?.yaml
        else { return nil }
        var inGlobal = false
        for line in yaml.split(separator: "\n") {
            if !line.hasPrefix(" ") { inGlobal = line.hasPrefix("global:") }
            let trimmed = line.trimmingCharactersSpace
            if inGlobal, trimmed.hasPrefix("scrape_interval:") {
                return PrometheusDuration.parseSeconds(String(trimmed.dropFirst("scrape_interval:".count)))
            }
        }
        return nil
    }

    private func send(_ path: String, form: String?) throws(HTTPError) -> HTTPResponse {
        var attempt = 0
        while true {
            do throws(HTTPError) {
                let response = try http.request(path, form: form)
                if [502, 503, 504].contains(response.status) && attempt < retries {
                    attempt += 1
                    Self.pause(attempt)
                    continue
                }
                if response.status == 401 || response.status == 403 {
                    throw HTTPError(
                        description: "HTTP \(response.status): the server wants credentials (--bearer-token-env)",
                        transient: false)
                }
                return response
            } catch {
                if !error.transient || attempt >= retries { throw error }
                attempt += 1
                Self.pause(attempt)
            }
        }
    }

    private static func pause(_ attempt: Int) {
        usleep(UInt32(min(4.0, 0.25 * Double(1 << min(attempt, 5))) * 1_000_000))
    }

    static func formatTime(_ t: Double) -> String {
        t == t.rounded() ? String(Int64(t)) : String(t)
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters.
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(UnicodeScalar(byte))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 15)])
            }
        }
        return out
    }
}

struct APIResponse<T: Decodable>: Decodable {
    var status: String
    var data: T?
    var errorType: String?
    var error: String?
}

struct ConfigData: Decodable {
    var yaml: String
}

/// The `data` of a query response: a vector, matrix, scalar or string.
struct QueryData: Decodable {
    var values: [Double] = []
    var labels: [[String: String]] = []

    private enum Keys: String, CodingKey { case resultType, result }
    private enum SeriesKeys: String, CodingKey { case metric, value, values }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let type = try c.decode(String.self, forKey: .resultType)
        switch type {
        case "vector":
            var list = try c.nestedUnkeyedContainer(forKey: .result)
            while !list.isAtEnd {
                let s = try list.nestedContainer(keyedBy: SeriesKeys.self)
                labels.append(try s.decodeIfPresent([String: String].self, forKey: .metric) ?? [:])
                values.append(try Self.sample(try s.nestedUnkeyedContainer(forKey: .value)))
            }
        case "matrix":
            var list = try c.nestedUnkeyedContainer(forKey: .result)
            while !list.isAtEnd {
                let s = try list.nestedContainer(keyedBy: SeriesKeys.self)
                labels.append(try s.decodeIfPresent([String: String].self, forKey: .metric) ?? [:])
                var points = try s.nestedUnkeyedContainer(forKey: .values)
                var last = Double.nan
                while !points.isAtEnd { last = try Self.sample(try points.nestedUnkeyedContainer()) }
                values.append(last)
            }
        case "scalar":
            values = [try Self.sample(try c.nestedUnkeyedContainer(forKey: .result))]
            labels = [[:]]
        default:
            values = []
        }
    }

    /// `[time, "value"]`, where the value may be `NaN`, `+Inf` or `-Inf`.
    static func sample(_ container: UnkeyedDecodingContainer) throws -> Double {
        var c = container
        _ = try c.decode(Double.self)
        let text = try c.decode(String.self)
        switch text {
        case "NaN": return .nan
        case "+Inf": return .infinity
        case "-Inf": return -.infinity
        default: return Double(text) ?? .nan
        }
    }
}

extension PrometheusDuration {
    /// Whole seconds of a Prometheus duration such as `15s`, `1m30s` or `2h` (quotes allowed); nil when not one.
    static func parseSeconds(_ text: String) -> Int? {
        var t = text.trimmingCharactersSpace
        if t.count >= 2, t.hasPrefix("\""), t.hasSuffix("\"") { t = String(t.dropFirst().dropLast()) }
        guard case .success(let d) = PrometheusDuration.parse(t) else { return nil }
        return Int(d.milliseconds / 1000)
    }
}

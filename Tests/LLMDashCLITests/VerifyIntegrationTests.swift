import Foundation
import TestSupport
import Testing

@testable import LLMDashCLI

/// `llmdash synth` backfilled with promtool into a real Prometheus (Debian's package, installed by scripts/test)
/// started on a free 127.0.0.1 port with the SLO rules built from templates/, then `llmdash verify` over every
/// template. Each server is stopped by its pid when the test ends, whether it passed or not.
@Suite(.serialized) struct VerifyIntegrationTests {
    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    static func tool(_ name: String) throws -> String {
        for dir in ["/usr/bin", "/usr/local/bin", "/bin"]
        where FileManager.default.isExecutableFile(atPath: dir + "/" + name) {
            return dir + "/" + name
        }
        throw Missing(description: "\(name) is not installed (scripts/test installs it)")
    }

    /// A port nothing listens on right now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw Missing(description: "cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A Prometheus server on 127.0.0.1, stopped by its pid.
    final class Server {
        let process = Process()
        let port: Int
        let log: URL

        init(data: URL, config: URL, webConfig: URL? = nil, in folder: URL) throws {
            port = try VerifyIntegrationTests.freePort()
            log = folder.appendingPathComponent("prometheus-\(port).log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            process.executableURL = URL(fileURLWithPath: try VerifyIntegrationTests.tool("prometheus"))
            var arguments = [
                "--config.file=\(config.path)", "--storage.tsdb.path=\(data.path)",
                "--web.listen-address=127.0.0.1:\(port)", "--storage.tsdb.retention.time=30d",
            ]
            if let webConfig { arguments.append("--web.config.file=\(webConfig.path)") }
            process.arguments = arguments
            let handle = try FileHandle(forWritingTo: log)
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
        }

        /// SIGTERM, then SIGKILL if it has not gone within five seconds.
        func stop() {
            guard process.isRunning else { return }
            let pid = process.processIdentifier
            kill(pid, SIGTERM)
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning && Date() < deadline { usleep(50_000) }
            if process.isRunning { kill(pid, SIGKILL) }
            process.waitUntilExit()
        }

        var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
    }

    static func client(_ url: String, tls: TLSOptions = TLSOptions()) -> PrometheusClient {
        PrometheusClient(http: HTTPClient(url: HTTPURL(url)!, timeout: 5, tls: tls, headers: []), retries: 0)
    }

    /// Polls `condition` until it holds or `seconds` pass.
    static func waitFor(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(200_000)
        }
        return condition()
    }

    static func firingAlerts(_ client: PrometheusClient, at time: Double? = nil) -> [String] {
        guard
            case .values(_, let labels)? = try? client.query(
                #"ALERTS{alertstate="firing"}"#, time: time ?? Date().timeIntervalSince1970)
        else { return [] }
        return labels.compactMap { $0["alertname"] }.sorted()
    }

    static func run(_ arguments: [String], timeout: Double = 60) throws -> RunResult {
        try Run.process(Run.llmdash, arguments, in: RepoPaths.root, timeout: timeout)
    }

    /// Builds the rules, then synthesises the fleet and backfills it; returns the data folder, the config and when
    /// the data ends (Unix seconds). The build comes first so the data is as fresh as it can be when the server
    /// starts.
    static func prepare(_ folder: URL, synthOptions: [String] = []) throws -> (data: URL, config: URL, end: Int) {
        let promtool = try tool("promtool")
        let out = folder.appendingPathComponent("out")
        let build = try run(["build", "templates", "--out", out.path])
        try #require(build.status == 0, "build failed: \(build.stderr)")
        let fleet = folder.appendingPathComponent("fleet.om")
        let end = Int(Date().timeIntervalSince1970)
        let synth = try run(["synth", "--end", String(end), "--out", fleet.path] + synthOptions)
        try #require(synth.status == 0, "synth failed: \(synth.stderr)")
        let data = folder.appendingPathComponent("data")
        let backfill = try Run.process(
            promtool,
            ["tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=200h", fleet.path, data.path],
            timeout: 60)
        try #require(backfill.status == 0, "backfill failed: \(backfill.stderr)")
        try? FileManager.default.removeItem(at: fleet)
        // Every rule file the build wrote (SLOs and the dashboards' recording rules). Rule groups are evaluated
        // every second (a group's own 1m interval is shortened in this copy) so records and alerts exist at once.
        var rules: [String] = []
        let ruleFolder = out.appendingPathComponent("rules")
        for case let path as String in FileManager.default.enumerator(atPath: ruleFolder.path)!
        where path.hasSuffix(".yaml") && !path.hasSuffix(".test.yaml") {
            let file = ruleFolder.appendingPathComponent(path)
            let text = try String(contentsOf: file, encoding: .utf8)
            try text.replacingOccurrences(of: "    interval: \"1m\"\n", with: "    interval: \"1s\"\n").write(
                to: file, atomically: true, encoding: .utf8)
            rules.append(file.path)
        }
        rules.sort()
        // A 1m scrape interval makes $__rate_interval 4m, spanning the seconds between the end of the
        // backfilled history and the moment the server has evaluated its rules.
        let config = folder.appendingPathComponent("prometheus.yml")
        try """
        global:
          scrape_interval: 1m
          evaluation_interval: 1s
        rule_files:
        \(rules.map { "  - \($0)" }.joined(separator: "\n"))

        """.write(to: config, atomically: true, encoding: .utf8)
        return (data, config, end)
    }

    @Test func everyTemplatePanelHasDataAndTheBurstFiresTheAvailabilityAlerts() throws {
        let folder = try Run.temporaryDirectory("llmdash-verify")
        defer { try? FileManager.default.removeItem(at: folder) }
        // Two hours of history (with the 40-minute burst at its end) and 20 minutes a week earlier: enough for
        // every window the templates use, and quick to write and backfill. The data ends when it is written, so
        // the server's start and its first rule evaluations must follow within about three minutes (the 4m
        // $__rate_interval, the 5m windows of the SLOs and of the recording rules). Every check after that is made
        // at one instant, `at`, when the alerts had fired and the rules had recorded: neither the backfilled data
        // nor what the rules recorded up to `at` changes later, so the checks may take as long as a slow machine
        // needs. LLMDASH_TEST_VERIFY_DELAY (seconds) waits that long before them, to show it.
        let (data, config, end) = try Self.prepare(folder, synthOptions: ["--history", "2h", "--baseline-span", "20m"])
        let server = try Server(data: data, config: config, in: folder)
        defer { server.stop() }
        let url = "http://127.0.0.1:\(server.port)"
        let client = Self.client(url)

        // The error burst at the end of the history burns the availability budget: both of its alerts fire
        // (page: 14.4x over 1h and 5m; ticket: 3x over 1d and 2h); the TTFT SLO is met, so its alerts stay quiet.
        let fired = Self.waitFor(40) {
            Self.firingAlerts(client) == ["ChatAvailabilityPage", "ChatAvailabilityTicket"]
        }
        #expect(fired, "firing: \(Self.firingAlerts(client))\n\(server.logText.suffix(2000))")

        // The dashboards' recording rules have recorded too.
        let recorded = Self.waitFor(20) {
            guard
                case .values(let v, _)? = try? client.query(
                    #"count({__name__=~".+:rate5m"})"#, time: Date().timeIntervalSince1970)
            else { return false }
            return (v.first ?? 0) > 0
        }
        #expect(recorded)

        // The next whole second, once it has passed: every sample seen so far is at or before it.
        let at = Int(Date().timeIntervalSince1970.rounded(.down)) + 1
        while Date().timeIntervalSince1970 < Double(at) { usleep(50_000) }
        let lag = at - end
        if let delay = ProcessInfo.processInfo.environment["LLMDASH_TEST_VERIFY_DELAY"].flatMap(UInt32.init) {
            sleep(delay)
        }
        let verify = try Self.run(["verify", "--prometheus", url, "--time", String(at), "templates"])
        let late = Int(Date().timeIntervalSince1970) - end
        #expect(
            verify.status == 0,
            "at \(lag)s after the data ended, run \(late)s after:\n\(verify.stdout)\n\(verify.stderr)")
        let lines = verify.stdout.split(separator: "\n")
        let problems = lines.filter {
            $0.hasPrefix("  no data") || $0.hasPrefix("  error") || $0.hasPrefix("  all-NaN")
        }
        #expect(problems.isEmpty, "\(verify.stdout)")
        // "12 dashboards, 146 panels: 146 ok, 0 no data, 0 all-NaN, 0 error; …": every panel is ok.
        let summary = lines.first { $0.contains(" dashboards, ") }.map(String.init) ?? ""
        let words = summary.split(separator: " ")
        let panels = words.firstIndex(of: "panels:").map { Int(words[$0 - 1]) ?? -1 } ?? -1
        #expect(panels > 100 && summary.contains("panels: \(panels) ok, 0 no data, 0 all-NaN, 0 error"), "\(summary)")
        let rulesLine = lines.first { $0.contains(" rule files, ") }.map(String.init) ?? ""
        #expect(
            rulesLine.hasPrefix("3 rule files,") && rulesLine.contains(" ok, 0 no data, 0 all-NaN, 0 error"),
            "\(rulesLine)")
        #expect(
            verify.stdout.contains("alerts: 2 firing (ChatAvailabilityPage, ChatAvailabilityTicket), 2 inactive"),
            "\(verify.stdout)")
        #expect(lines.contains("  inactive ChatTTFTPage"))
        // The server's own ALERTS series agrees at that instant.
        #expect(Self.firingAlerts(client, at: Double(at)) == ["ChatAvailabilityPage", "ChatAvailabilityTicket"])
        #expect(lines.contains("  variable instance = vllm-0:8000, vllm-1:8000, vllm-2:8000"))
        // The drift shift: prompts are longer than a week ago, so the drift ratio is above 1.
        let drift = try client.query(
            "histogram_quantile(0.5, sum by (le) (rate(vllm:request_prompt_tokens_bucket[4m]))) / "
                + "histogram_quantile(0.5, sum by (le) (rate(vllm:request_prompt_tokens_bucket[4m] offset 7d)))",
            time: Double(at))
        guard case .values(let ratio, _) = drift, let value = ratio.first else {
            Issue.record("no drift ratio: \(drift)")
            return
        }
        #expect(value > 1.1 && value < 1.6, "drift ratio \(value)")

        // Problems a live server finds and a static check cannot: no data, a server error, all-NaN.
        let bad = folder.appendingPathComponent("bad.yaml")
        try """
        apiVersion: llmdash/v1
        kind: Dashboard
        metadata: {uid: bad, title: Bad}
        spec:
          variables:
            - query: {name: ghost, query: 'label_values(vllm_no_such_metric, instance)'}
          rows:
            - title: Broken
              panels:
                - timeseries:
                    title: Missing metric
                    queries: [{expr: 'sum(vllm:no_such_gauge)'}]
                - timeseries:
                    title: Many to many
                    queries: [{expr: 'vllm:num_requests_running / on(model_name) vllm:num_requests_waiting'}]
                - timeseries:
                    title: Not a number
                    queries: [{expr: 'max(vllm:kv_cache_usage_perc) / 0 * 0'}]
                - timeseries:
                    title: Fine
                    queries: [{expr: 'sum(vllm:num_requests_running)'}]

        """.write(to: bad, atomically: true, encoding: .utf8)
        let failing = try Self.run(["verify", "--prometheus", url, "--time", String(at), bad.path])
        #expect(failing.status == 1, "\(failing.stdout)\n\(failing.stderr)")
        let out = failing.stdout
        #expect(out.contains("  variable ghost: no values: label_values(vllm_no_such_metric, instance)"), "\(out)")
        #expect(out.contains("  no data  Missing metric"), "\(out)")
        #expect(out.contains("\(bad.path):12:"), "the location of the query: \(out)")
        #expect(out.contains("  error    Many to many"), "\(out)")
        #expect(out.contains("many-to-many matching not allowed"), "the server's message: \(out)")
        #expect(out.contains("  all-NaN  Not a number"), "\(out)")
        #expect(out.contains("  ok       Fine  (1 series)"), "\(out)")
        #expect(out.contains("4 panels: 1 ok, 1 no data, 1 all-NaN, 1 error; 1 variable (1 without values)"), "\(out)")

        // Nobody listening: exit 2 with the reason, after the bounded retries.
        let closed = try Self.freePort()
        let refused = try Self.run(["verify", "--prometheus", "http://127.0.0.1:\(closed)", "--retries", "1"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("cannot connect to 127.0.0.1:\(closed)"), "\(refused.stderr)")
    }

    @Test func tlsWithACertificateAuthorityFileAndWithoutVerification() throws {
        let openssl = try Self.tool("openssl")
        let folder = try Run.temporaryDirectory("llmdash-verify-tls")
        defer { try? FileManager.default.removeItem(at: folder) }
        // A certificate authority and a server certificate for 127.0.0.1.
        let ca = folder.appendingPathComponent("ca.pem")
        let caKey = folder.appendingPathComponent("ca.key")
        let cert = folder.appendingPathComponent("server.pem")
        let key = folder.appendingPathComponent("server.key")
        let csr = folder.appendingPathComponent("server.csr")
        let ext = folder.appendingPathComponent("san.ext")
        try "subjectAltName=IP:127.0.0.1\n".write(to: ext, atomically: true, encoding: .utf8)
        for arguments in [
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=llmdash test CA",
                "-keyout", caKey.path, "-out", ca.path,
            ],
            ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", key.path, "-out", csr.path],
            [
                "x509", "-req", "-in", csr.path, "-CA", ca.path, "-CAkey", caKey.path, "-CAcreateserial", "-days", "2",
                "-extfile", ext.path, "-out", cert.path,
            ],
        ] {
            let r = try Run.process(openssl, arguments, timeout: 30)
            try #require(r.status == 0, "openssl \(arguments[0]) failed: \(r.stderr)")
        }
        let webConfig = folder.appendingPathComponent("web.yml")
        try "tls_server_config:\n  cert_file: \(cert.path)\n  key_file: \(key.path)\n".write(
            to: webConfig, atomically: true, encoding: .utf8)
        // The GPU fleet dashboard needs only the DCGM exporter's metrics.
        let (data, config, end) = try Self.prepare(
            folder, synthOptions: ["--backend", "dcgm", "--history", "30m", "--baseline-offset", "0s", "--burst", "0s"])
        let server = try Server(data: data, config: config, webConfig: webConfig, in: folder)
        defer { server.stop() }
        let url = "https://127.0.0.1:\(server.port)"
        let ready = Self.waitFor(30) {
            (try? Self.client(url, tls: TLSOptions(caFile: ca.path)).query("vector(1)", time: 0)) != nil
        }
        try #require(ready, "the TLS server did not come up: \(server.logText.suffix(2000))")

        // Evaluated where the data ends (these panels read no recorded series), however long the machine took.
        let spec = "templates/gpu-fleet.yaml"
        let at = ["--time", String(end)]
        let trusted = try Self.run(["verify", "--prometheus", url, "--ca-file", ca.path, spec] + at)
        #expect(trusted.status == 0, "\(trusted.stdout)\n\(trusted.stderr)")
        #expect(trusted.stdout.contains("7 panels: 7 ok"), "\(trusted.stdout)")

        let untrusted = try Self.run(["verify", "--prometheus", url, spec])
        #expect(untrusted.status == 2)
        #expect(untrusted.stderr.contains("certificate verify failed"), "\(untrusted.stderr)")

        let skipped = try Self.run(["verify", "--prometheus", url, "--insecure-skip-verify", spec] + at)
        #expect(skipped.status == 0, "\(skipped.stdout)\n\(skipped.stderr)")

        let wrongName = try Self.run(
            ["verify", "--prometheus", url, "--ca-file", ca.path, "--server-name", "prometheus.example.com", spec])
        #expect(wrongName.status == 2)
        #expect(wrongName.stderr.contains("certificate verify failed"), "\(wrongName.stderr)")
    }

    @Test(arguments: [
        (["verify", "--prometheus", "localhost:9090"], "--prometheus must be an http:// or https:// URL"),
        (["verify", "--prometheus", "http://localhost:9090", "--time", "yesterday"], "--time must be now"),
        (
            ["verify", "--prometheus", "http://localhost:9090", "--bearer-token-env", "LLMDASH_NO_SUCH_TOKEN"],
            "is not set"
        ),
        (["verify", "--prometheus", "http://localhost:9090", "--ca-file", "/no/such/ca.pem"], "no such file"),
        (["synth", "--step", "0s"], "the step must be at least 1s"),
        (["synth", "--backend", "vlm"], "unknown backend 'vlm'"),
        (["synth", "--history", "3x"], "--history must be a duration"),
    ])
    func badOptionsAreUsageErrors(arguments: [String], message: String) throws {
        let r = try Self.run(arguments)
        #expect(r.status == 2 || r.status == 64, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stderr.contains(message), "\(r.stderr)")
    }

    /// Response framing, over a socket pair: chunked, Content-Length, and read-to-close bodies.
    @Test(arguments: [
        (
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n",
            "hello, world"
        ),
        ("HTTP/1.1 422 Unprocessable Entity\r\nContent-Length: 4\r\n\r\nbodyIGNORED", "body"),
        ("HTTP/1.0 200 OK\r\nServer: x\r\n\r\nuntil close", "until close"),
    ])
    func responseFraming(raw: String, body: String) throws {
        var fds: [Int32] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        let bytes = Array(raw.utf8)
        let written = bytes.withUnsafeBytes { write(fds[1], $0.baseAddress!, $0.count) }
        #expect(written == bytes.count)
        close(fds[1])
        let connection = Connection.plain(fds[0])
        defer { connection.close() }
        let response = try HTTPClient.readResponse(connection)
        #expect(String(decoding: response.body, as: UTF8.self) == body)
        #expect(response.status == Int(raw.split(separator: " ")[1]))
    }

    @Test func synthIsDeterministicAndWritesOpenMetrics() throws {
        let a = try Self.run([
            "synth", "--end", "2026-11-30T12:00:00Z", "--history", "10m", "--burst", "5m", "--baseline-offset", "1d",
        ])
        let b = try Self.run([
            "synth", "--end", "1796040000", "--history", "10m", "--burst", "5m", "--baseline-offset", "1d",
        ])
        #expect(a.status == 0 && b.status == 0)
        #expect(a.stdout == b.stdout)
        #expect(a.stdout.hasSuffix("# EOF\n"))
        #expect(a.stdout.contains("# TYPE vllm:time_to_first_token_seconds histogram\n"))
        let c = try Self.run([
            "synth", "--end", "1796040000", "--history", "10m", "--burst", "5m", "--baseline-offset", "1d", "--seed",
            "2",
        ])
        #expect(c.stdout != a.stdout)
    }
}

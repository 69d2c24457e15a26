#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A URL split into what an HTTP/1.1 request needs.
struct HTTPURL: Sendable, Hashable {
    var secure: Bool
    var host: String
    var port: Int
    /// The path prefix (no trailing slash), e.g. `/prometheus` behind a proxy.
    var basePath: String

    /// Reads `http://host[:port][/path]` or `https://…`; nil for anything else.
    init?(_ text: String) {
        var rest = Substring(text)
        if rest.hasPrefix("http://") {
            secure = false
            rest = rest.dropFirst(7)
        } else if rest.hasPrefix("https://") {
            secure = true
            rest = rest.dropFirst(8)
        } else {
            return nil
        }
        let authority = rest.prefix { $0 != "/" }
        var path = String(rest.dropFirst(authority.count))
        while path.hasSuffix("/") { path.removeLast() }
        basePath = path
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.isEmpty {
                port = secure ? 443 : 80
            } else {
                guard after.hasPrefix(":"), let p = Int(after.dropFirst()), (1...65535).contains(p) else { return nil }
                port = p
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let p = Int(authority[authority.index(after: colon)...]), (1...65535).contains(p) else { return nil }
            port = p
        } else {
            host = String(authority)
            port = secure ? 443 : 80
        }
        if host.isEmpty { return nil }
    }

    /// The `Host` header value.
    var hostHeader: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return (port == (secure ? 443 : 80)) ? h : "\(h):\(port)"
    }
}

/// TLS settings for `https://` URLs.
struct TLSOptions: Sendable, Hashable {
    /// A PEM file of certificate authorities to trust instead of the system's.
    var caFile: String?
    /// A client certificate (PEM) and its key, for servers that ask for one.
    var certFile: String?
    var keyFile: String?
    /// Accept any server certificate (self-signed, wrong name). Only for testing.
    var insecureSkipVerify = false
    /// The name to check the certificate against, when it differs from the URL's host.
    var serverName: String?
}

/// An HTTP response: status, headers (names lower-cased) and body.
struct HTTPResponse: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    func header(_ name: String) -> String? { headers.first { $0.0 == name }?.1 }
}

/// Why a request failed before any response arrived.
struct HTTPError: Error, Sendable, CustomStringConvertible {
    var description: String
    /// Worth trying again (connection refused or reset, timeout) rather than a setting that is wrong.
    var transient: Bool
}

/// A small HTTP/1.1 client over sockets: one request per connection (`Connection: close`), timeouts on connect,
/// send and receive, `Content-Length`, chunked and read-to-close bodies; TLS through the system's OpenSSL.
struct HTTPClient: Sendable {
    var url: HTTPURL
    var timeout: Double
    var tls: TLSOptions
    var headers: [(String, String)]

    /// Sends a GET (or a form POST when `form` is given) to `path` (appended to the URL's base path).
    func request(_ path: String, form: String? = nil) throws(HTTPError) -> HTTPResponse {
        let connection = try connect()
        defer { connection.close() }
        var head = "\(form == nil ? "GET" : "POST") \(url.basePath)\(path) HTTP/1.1\r\n"
        head += "Host: \(url.hostHeader)\r\nUser-Agent: llmdash/\(LLMDashCommand.version)\r\n"
        head += "Accept: application/json\r\nConnection: close\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        if let form {
            head += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(form.utf8.count)\r\n"
        }
        head += "\r\n"
        try connection.send(Array(head.utf8) + Array((form ?? "").utf8))
        return try Self.readResponse(connection)
    }

    private func connect() throws(HTTPError) -> Connection {
        let fd = try Self.openSocket(host: url.host, port: url.port, timeout: timeout)
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        if url.secure {
            do {
                let session = try TLSSession(fd: fd, host: tls.serverName ?? url.host, options: tls)
                return .tls(session)
            } catch {
                Glibc.close(fd)
                throw error
            }
        }
        return .plain(fd)
    }

    /// Resolves `host` and connects to the first address that answers within `timeout`.
    static func openSocket(host: String, port: Int, timeout: Double) throws(HTTPError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw HTTPError(
                description: "cannot resolve \(host): \(String(cString: gai_strerror(rc)))", transient: true)
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var transient = true
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let ai = node {
            node = ai.pointee.ai_next
            let fd = socket(ai.pointee.ai_family, ai.pointee.ai_socktype, ai.pointee.ai_protocol)
            if fd < 0 { continue }
            let flags = fcntl(fd, F_GETFL, 0)
            _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
            var result = Glibc.connect(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen)
            if result != 0 && errno == EINPROGRESS {
                var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                let ready = poll(&pfd, 1, Int32(timeout * 1000))
                if ready == 1 {
                    var err: Int32 = 0
                    var len = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)
                    result = err == 0 ? 0 : -1
                    errno = err
                } else {
                    result = -1
                    errno = ETIMEDOUT
                }
            }
            if result == 0 {
                _ = fcntl(fd, F_SETFL, flags)
                return fd
            }
            lastError = String(cString: strerror(errno))
            transient = errno == ECONNREFUSED || errno == ETIMEDOUT || errno == ECONNRESET || errno == EHOSTUNREACH
            Glibc.close(fd)
        }
        throw HTTPError(description: "cannot connect to \(host):\(port): \(lastError)", transient: transient)
    }

    static func readResponse(_ c: Connection) throws(HTTPError) -> HTTPResponse {
        var buffer: [UInt8] = []
        var headerEnd: Int?
        while headerEnd == nil {
            let chunk = try c.receive()
            if chunk.isEmpty { throw HTTPError(description: "the server closed the connection early", transient: true) }
            let searchFrom = max(0, buffer.count - 3)
            buffer += chunk
            headerEnd = find([13, 10, 13, 10], in: buffer, from: searchFrom)
            if buffer.count > 1 << 20 && headerEnd == nil {
                throw HTTPError(description: "the response headers are too long", transient: false)
            }
        }
        let head = String(decoding: buffer[..<headerEnd!], as: UTF8.self)
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/"), let status = Int(statusLine[1]) else {
            throw HTTPError(description: "not an HTTP response", transient: false)
        }
        var headers: [(String, String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append(
                (line[..<colon].lowercased(), String(line[line.index(after: colon)...]).trimmingCharactersSpace))
        }
        var body = Array(buffer[(headerEnd! + 4)...])
        let response = HTTPResponse(status: status, headers: headers, body: [])
        if response.header("transfer-encoding")?.lowercased().contains("chunked") == true {
            return HTTPResponse(status: status, headers: headers, body: try readChunked(c, body))
        }
        if let lengthText = response.header("content-length"), let length = Int(lengthText) {
            while body.count < length {
                let chunk = try c.receive()
                if chunk.isEmpty { break }
                body += chunk
            }
            guard body.count >= length else {
                throw HTTPError(description: "the response body ended early", transient: true)
            }
            return HTTPResponse(status: status, headers: headers, body: Array(body.prefix(length)))
        }
        while true {
            let chunk = try c.receive()
            if chunk.isEmpty { break }
            body += chunk
        }
        return HTTPResponse(status: status, headers: headers, body: body)
    }

    static func readChunked(_ c: Connection, _ start: [UInt8]) throws(HTTPError) -> [UInt8] {
        var data = start
        var position = 0
        var body: [UInt8] = []
        func need(_ count: Int) throws(HTTPError) {
            while data.count - position < count {
                let chunk = try c.receive()
                if chunk.isEmpty { throw HTTPError(description: "the chunked body ended early", transient: true) }
                data += chunk
            }
        }
        while true {
            var lineEnd = find([13, 10], in: data, from: position)
            while lineEnd == nil {
                try need(data.count - position + 1)
                lineEnd = find([13, 10], in: data, from: position)
            }
            let sizeText = String(decoding: data[position..<lineEnd!], as: UTF8.self).prefix { $0 != ";" }
            guard let size = Int(sizeText.trimmingCharactersSpace, radix: 16) else {
                throw HTTPError(description: "a malformed chunk size", transient: false)
            }
            position = lineEnd! + 2
            if size == 0 { return body }
            try need(size + 2)
            body += data[position..<(position + size)]
            position += size + 2
        }
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var i = from
        while i + needle.count <= haystack.count {
            if haystack[i] == needle[0] && Array(haystack[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }
}

/// An open connection, plain or TLS.
enum Connection {
    case plain(Int32)
    case tls(TLSSession)

    func send(_ bytes: [UInt8]) throws(HTTPError) {
        switch self {
        case .plain(let fd):
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, 0) }
                if n <= 0 {
                    throw HTTPError(description: "sending failed: \(String(cString: strerror(errno)))", transient: true)
                }
                offset += n
            }
        case .tls(let session): try session.write(bytes)
        }
    }

    /// The next bytes; empty at the end of the stream.
    func receive() throws(HTTPError) -> [UInt8] {
        switch self {
        case .plain(let fd):
            var buffer = [UInt8](repeating: 0, count: 65536)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n < 0 {
                let timedOut = errno == EAGAIN || errno == EWOULDBLOCK
                throw HTTPError(
                    description: timedOut
                        ? "no answer within the timeout" : "receiving failed: \(String(cString: strerror(errno)))",
                    transient: true)
            }
            return Array(buffer.prefix(n))
        case .tls(let session): return try session.read()
        }
    }

    func close() {
        switch self {
        case .plain(let fd): Glibc.close(fd)
        case .tls(let session):
            session.close()
            Glibc.close(session.fd)
        }
    }
}

extension StringProtocol {
    var trimmingCharactersSpace: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few OpenSSL 3 (or 1.1) functions a TLS client needs, loaded when an `https://` URL is first used, so
/// that llmdash links nothing extra and starts as fast without TLS.
struct OpenSSL: @unchecked Sendable {
    typealias Method = @convention(c) () -> OpaquePointer?
    typealias CtxNew = @convention(c) (OpaquePointer?) -> OpaquePointer?
    typealias CtxFree = @convention(c) (OpaquePointer?) -> Void
    typealias CtxSetVerify = @convention(c) (OpaquePointer?, Int32, OpaquePointer?) -> Void
    typealias CtxPaths = @convention(c) (OpaquePointer?) -> Int32
    typealias CtxLoad = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Int32
    typealias CtxFile = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Int32
    typealias CtxKey = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Int32
    typealias New = @convention(c) (OpaquePointer?) -> OpaquePointer?
    typealias Free = @convention(c) (OpaquePointer?) -> Void
    typealias SetFD = @convention(c) (OpaquePointer?, Int32) -> Int32
    typealias Ctrl = @convention(c) (OpaquePointer?, Int32, Int, UnsafeMutableRawPointer?) -> Int
    typealias Set1Host = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Int32
    typealias Get0Param = @convention(c) (OpaquePointer?) -> OpaquePointer?
    typealias SetIP = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Int32
    typealias Connect = @convention(c) (OpaquePointer?) -> Int32
    typealias IO = @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int32) -> Int32
    typealias GetError = @convention(c) (OpaquePointer?, Int32) -> Int32
    typealias VerifyResult = @convention(c) (OpaquePointer?) -> Int
    typealias VerifyString = @convention(c) (Int) -> UnsafePointer<CChar>?
    typealias ErrGet = @convention(c) () -> UInt
    typealias ErrString = @convention(c) (UInt, UnsafeMutablePointer<CChar>?, Int) -> Void

    let clientMethod: Method
    let ctxNew: CtxNew
    let ctxFree: CtxFree
    let ctxSetVerify: CtxSetVerify
    let ctxDefaultPaths: CtxPaths
    let ctxLoadVerify: CtxLoad
    let ctxUseChain: CtxFile
    let ctxUseKey: CtxKey
    let new: New
    let free: Free
    let setFD: SetFD
    let ctrl: Ctrl
    let set1Host: Set1Host
    let get0Param: Get0Param
    let setIP: SetIP
    let connect: Connect
    let read: IO
    let write: IO
    let shutdown: Connect
    let getError: GetError
    let verifyResult: VerifyResult
    let verifyString: VerifyString
    let errGet: ErrGet
    let errString: ErrString

    /// The library, or why it cannot be used.
    static let shared: Result<OpenSSL, HTTPError> = load()

    private static func load() -> Result<OpenSSL, HTTPError> {
        func open(_ names: [String]) -> UnsafeMutableRawPointer? {
            for name in names { if let handle = dlopen(name, RTLD_NOW) { return handle } }
            return nil
        }
        let ssl = open(["libssl.so.3", "libssl.so.1.1", "libssl.so", "libssl.dylib"])
        let crypto = open(["libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.so", "libcrypto.dylib"])
        guard let ssl, let crypto else {
            return .failure(
                HTTPError(
                    description: "https:// needs OpenSSL (libssl.so.3 or libssl.so.1.1), which is not installed",
                    transient: false))
        }
        var missing: [String] = []
        func f<T>(_ handle: UnsafeMutableRawPointer, _ name: String, _: T.Type) -> T? {
            guard let p = dlsym(handle, name) else {
                missing.append(name)
                return nil
            }
            return unsafeBitCast(p, to: T.self)
        }
        let lib = OpenSSL(
            clientMethod: f(ssl, "TLS_client_method", Method.self) ?? { nil },
            ctxNew: f(ssl, "SSL_CTX_new", CtxNew.self) ?? { _ in nil },
            ctxFree: f(ssl, "SSL_CTX_free", CtxFree.self) ?? { _ in },
            ctxSetVerify: f(ssl, "SSL_CTX_set_verify", CtxSetVerify.self) ?? { _, _, _ in },
            ctxDefaultPaths: f(ssl, "SSL_CTX_set_default_verify_paths", CtxPaths.self) ?? { _ in 0 },
            ctxLoadVerify: f(ssl, "SSL_CTX_load_verify_locations", CtxLoad.self) ?? { _, _, _ in 0 },
            ctxUseChain: f(ssl, "SSL_CTX_use_certificate_chain_file", CtxFile.self) ?? { _, _ in 0 },
            ctxUseKey: f(ssl, "SSL_CTX_use_PrivateKey_file", CtxKey.self) ?? { _, _, _ in 0 },
            new: f(ssl, "SSL_new", New.self) ?? { _ in nil },
            free: f(ssl, "SSL_free", Free.self) ?? { _ in },
            setFD: f(ssl, "SSL_set_fd", SetFD.self) ?? { _, _ in 0 },
            ctrl: f(ssl, "SSL_ctrl", Ctrl.self) ?? { _, _, _, _ in 0 },
            set1Host: f(ssl, "SSL_set1_host", Set1Host.self) ?? { _, _ in 0 },
            get0Param: f(ssl, "SSL_get0_param", Get0Param.self) ?? { _ in nil },
            setIP: f(crypto, "X509_VERIFY_PARAM_set1_ip_asc", SetIP.self) ?? { _, _ in 0 },
            connect: f(ssl, "SSL_connect", Connect.self) ?? { _ in 0 },
            read: f(ssl, "SSL_read", IO.self) ?? { _, _, _ in -1 },
            write: f(ssl, "SSL_write", IO.self) ?? { _, _, _ in -1 },
            shutdown: f(ssl, "SSL_shutdown", Connect.self) ?? { _ in 0 },
            getError: f(ssl, "SSL_get_error", GetError.self) ?? { _, _ in 1 },
            verifyResult: f(ssl, "SSL_get_verify_result", VerifyResult.self) ?? { _ in 0 },
            verifyString: f(crypto, "X509_verify_cert_error_string", VerifyString.self) ?? { _ in nil },
            errGet: f(crypto, "ERR_get_error", ErrGet.self) ?? { 0 },
            errString: f(crypto, "ERR_error_string_n", ErrString.self) ?? { _, _, _ in })
        if !missing.isEmpty {
            return .failure(
                HTTPError(
                    description:
                        "the installed OpenSSL lacks \(missing.joined(separator: ", ")); https:// needs 1.1 or 3",
                    transient: false))
        }
        return .success(lib)
    }

    /// The oldest queued OpenSSL error, as text.
    func lastError() -> String? {
        let code = errGet()
        guard code != 0 else { return nil }
        var buffer = [CChar](repeating: 0, count: 256)
        errString(code, &buffer, buffer.count)
        while errGet() != 0 {}
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A TLS client session on a connected socket, verifying the server's certificate and name unless told not to.
final class TLSSession {
    private let lib: OpenSSL
    private let ctx: OpaquePointer
    private let ssl: OpaquePointer
    /// The socket, which the caller closes after `close()`.
    let fd: Int32

    init(fd: Int32, host: String, options: TLSOptions) throws(HTTPError) {
        let lib = try OpenSSL.shared.get()
        func fail(_ what: String) -> HTTPError {
            HTTPError(description: what + (lib.lastError().map { ": \($0)" } ?? ""), transient: false)
        }
        guard let ctx = lib.ctxNew(lib.clientMethod()) else { throw fail("cannot set up TLS") }
        if options.insecureSkipVerify {
            lib.ctxSetVerify(ctx, 0, nil)
        } else {
            lib.ctxSetVerify(ctx, 1, nil)
            let loaded =
                if let ca = options.caFile { lib.ctxLoadVerify(ctx, ca, nil) } else { lib.ctxDefaultPaths(ctx) }
            if loaded != 1 {
                lib.ctxFree(ctx)
                throw fail("cannot load certificate authorities from \(options.caFile ?? "the system store")")
            }
        }
        if let cert = options.certFile {
            if lib.ctxUseChain(ctx, cert) != 1 || lib.ctxUseKey(ctx, options.keyFile ?? cert, 1) != 1 {
                lib.ctxFree(ctx)
                throw fail("cannot load the client certificate \(cert)")
            }
        }
        guard let ssl = lib.new(ctx) else {
            lib.ctxFree(ctx)
            throw fail("cannot set up TLS")
        }
        self.lib = lib
        self.ctx = ctx
        self.ssl = ssl
        self.fd = fd
        _ = lib.setFD(ssl, fd)
        let isIP = host.contains(":") || host.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E }
        if !isIP {
            // SNI: SSL_set_tlsext_host_name is the macro SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, 0, name).
            _ = host.withCString { lib.ctrl(ssl, 55, 0, UnsafeMutableRawPointer(mutating: $0)) }
        }
        if !options.insecureSkipVerify {
            let ok = isIP ? lib.setIP(lib.get0Param(ssl), host) : lib.set1Host(ssl, host)
            if ok != 1 {
                close()
                throw fail("cannot check the certificate against \(host)")
            }
        }
        if lib.connect(ssl) != 1 {
            let verify = lib.verifyResult(ssl)
            var message = "TLS handshake with \(host) failed"
            if verify != 0, let text = lib.verifyString(verify) {
                message += ": certificate verify failed (\(String(cString: text)))"
            } else if let text = lib.lastError() {
                message += ": \(text)"
            }
            close()
            throw HTTPError(description: message, transient: false)
        }
    }

    func write(_ bytes: [UInt8]) throws(HTTPError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes {
                lib.write(ssl, UnsafeMutableRawPointer(mutating: $0.baseAddress! + offset), Int32($0.count - offset))
            }
            if n <= 0 { throw HTTPError(description: "TLS write failed", transient: true) }
            offset += Int(n)
        }
    }

    func read() throws(HTTPError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = buffer.withUnsafeMutableBytes { lib.read(ssl, $0.baseAddress!, Int32($0.count)) }
        if n > 0 { return Array(buffer.prefix(Int(n))) }
        let code = lib.getError(ssl, n)
        // SSL_ERROR_ZERO_RETURN (6): the peer closed the TLS session; SSL_ERROR_SYSCALL (5) with 0: closed.
        if code == 6 || (code == 5 && n == 0) { return [] }
        throw HTTPError(
            description: errno == EAGAIN ? "no answer within the timeout" : "TLS read failed", transient: true)
    }

    func close() {
        _ = lib.shutdown(ssl)
        lib.free(ssl)
        lib.ctxFree(ctx)
    }
}

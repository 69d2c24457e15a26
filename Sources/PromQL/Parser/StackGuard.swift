#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

#if canImport(Glibc) || canImport(Musl)
    // A GNU extension that the Glibc module does not export; declared directly.
    @_silgen_name("pthread_getattr_np")
    private func promqlPthreadGetattrNP(_ thread: pthread_t, _ attr: UnsafeMutablePointer<pthread_attr_t>) -> Int32
#endif

/// Watches the remaining stack of the current thread so deep recursion can stop with an error
/// before it overflows, whatever the thread's stack size (8 MB main thread, 512 KB secondary threads, …).
struct StackGuard {
    /// The lowest stack address recursion may reach; 0 when unknown (then only the depth limit applies).
    private let limit: UInt

    /// Bytes kept free for work done below the deepest checked frame.
    static let reserve: UInt = 128 * 1024

    init() {
        limit = StackGuard.cachedLowestUsableAddress()
    }

    #if canImport(Glibc) || canImport(Musl) || canImport(Darwin)
        /// Finding the main thread's stack reads /proc on Linux, so the answer is cached per thread.
        private static let cacheKey: pthread_key_t = {
            var key = pthread_key_t()
            pthread_key_create(&key, nil)
            return key
        }()

        private static func cachedLowestUsableAddress() -> UInt {
            if let cached = pthread_getspecific(cacheKey) {
                return UInt(bitPattern: cached) &- 1
            }
            let value = lowestUsableAddress()
            pthread_setspecific(cacheKey, UnsafeRawPointer(bitPattern: value &+ 1))
            return value
        }
    #else
        private static func cachedLowestUsableAddress() -> UInt { 0 }
    #endif

    /// Whether the stack is close to exhausted at the caller's frame.
    @inline(never)
    func isExhausted() -> Bool {
        guard limit != 0 else { return false }
        var marker: UInt8 = 0
        let sp = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
        return sp < limit
    }

    /// Bytes left above the reserve at the caller's frame (Int.max when unknown).
    @inline(never)
    func availableBytes() -> Int {
        guard limit != 0 else { return Int.max }
        var marker: UInt8 = 0
        let sp = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
        return sp > limit ? Int(sp - limit) : 0
    }

    /// A generous estimate of the stack one tree level costs the recursive walks over a finished tree
    /// (type checking, printing, equality, hashing); unoptimized builds use far more.
    #if DEBUG
        static let bytesPerTreeLevel = 4096
    #else
        static let bytesPerTreeLevel = 1024
    #endif

    private static func lowestUsableAddress() -> UInt {
        #if canImport(Glibc) || canImport(Musl)
            var attr = pthread_attr_t()
            guard promqlPthreadGetattrNP(pthread_self(), &attr) == 0 else { return 0 }
            defer { pthread_attr_destroy(&attr) }
            var address: UnsafeMutableRawPointer?
            var size = 0
            guard pthread_attr_getstack(&attr, &address, &size) == 0, let address else { return 0 }
            let low = UInt(bitPattern: address)
            return size > Int(reserve) * 2 ? low + reserve : low + UInt(size) / 2
        #elseif canImport(Darwin)
            let thread = pthread_self()
            let top = UInt(bitPattern: pthread_get_stackaddr_np(thread))
            let size = UInt(pthread_get_stacksize_np(thread))
            guard top > size else { return 0 }
            let low = top - size
            return size > reserve * 2 ? low + reserve : low + size / 2
        #else
            return 0
        #endif
    }
}

import Foundation
import PromQL

/// The options Prometheus's parser tests run with (`parse_test.go`): everything but fill modifiers.
let parseTestOptions = ParserOptions(
    experimentalFunctions: true, durationExpressions: true, extendedRangeSelectors: true, binopFillModifiers: false)

/// Parses with every feature switch on.
func parseAll(_ query: String) -> ParseResult {
    PromQL.parse(query, options: .all)
}

/// The parsed tree of a query that must be valid (nil otherwise).
func tree(_ query: String, options: ParserOptions = .all) -> Expr? {
    let result = PromQL.parse(query, options: options)
    return result.isValid ? result.expr : nil
}

/// The first error message for a query, or nil when it is valid.
func firstError(_ query: String, options: ParserOptions = .all) -> String? {
    PromQL.parse(query, options: options).errors.first?.message
}

/// The shared folder next to the repository (`<repo>/../shared`), found from this file's path.
func sharedDirectory() -> URL {
    let thisFile: String = #filePath
    return URL(fileURLWithPath: thisFile)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // PromQLTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repository
        .deletingLastPathComponent()
        .appendingPathComponent("shared")
}

/// A small deterministic PRNG (SplitMix64) for reproducible fuzzing.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A value handed from one thread to another under a lock.
final class ThreadResult<T: Sendable>: @unchecked Sendable {
    let lock = NSLock()
    var value: T?
}

/// Runs `body` on a new thread with the given stack size and waits for it.
func onThread<T: Sendable>(stackSize: Int, _ body: @escaping @Sendable () -> T) -> T {
    let box = ThreadResult<T>()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        let v = body()
        box.lock.lock()
        box.value = v
        box.lock.unlock()
        done.signal()
    }
    thread.stackSize = stackSize
    thread.start()
    done.wait()
    box.lock.lock()
    defer { box.lock.unlock() }
    return box.value!
}

/// Checks the printer's two promises for a valid query: printing is a fixed point, and parsing the printed
/// text gives an equal tree. Returns a description of the failure, or nil.
func roundTripProblem(_ query: String, options: ParserOptions) -> String? {
    let first = PromQL.parse(query, options: options)
    guard first.isValid, let expr = first.expr else { return nil }
    let printed = expr.formatted
    let second = PromQL.parse(printed, options: options)
    guard second.isValid, let reparsed = second.expr else {
        return "printed text does not parse: \(printed) (\(second.errors.first?.message ?? ""))"
    }
    if reparsed != expr { return "reparsed tree differs for \(printed)" }
    if reparsed.formatted != printed { return "not a fixed point: \(printed) -> \(reparsed.formatted)" }
    return nil
}

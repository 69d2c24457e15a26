import ArgumentParser
import LLMDashCore

extension BuildResult {
    /// Exit code for a failed compile: 2 when a named file or folder could not be read, else 1.
    var failureCode: ExitCode {
        diagnostics.contains { $0.severity == .error && $0.id.hasPrefix("io.") } ? ExitCode(2) : .failure
    }
}

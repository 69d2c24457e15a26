import Foundation

/// The result of running a command to completion.
public struct RunResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    /// True when the process ended by a signal (a crash) rather than exiting.
    public var crashed: Bool
}

public enum Run {
    /// Folder holding the built products (`llmdash`, the example executables, the test bundle).
    public static let productsDirectory: URL = {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var url = executable.deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("llmdash").path) { return url }
            url.deleteLastPathComponent()
        }
        return RepoPaths.root.appendingPathComponent(".build/debug")
    }()

    public static var llmdash: String { productsDirectory.appendingPathComponent("llmdash").path }

    /// Runs `executable` with `arguments` in `directory`, feeding `input` to stdin, and waits for it.
    public static func process(
        _ executable: String, _ arguments: [String], in directory: URL? = nil, input: String? = nil,
        environment: [String: String]? = nil, timeout: Double = 300
    ) throws -> RunResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (k, v) in environment ?? [:] { env[k] = v }
        process.environment = env
        let outPipe = Pipe()
        let errPipe = Pipe()
        let inPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = inPipe
        try process.run()
        // A hung child fails its test instead of hanging the suite.
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        defer { watchdog.cancel() }
        if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
        try inPipe.fileHandleForWriting.close()
        // Read both pipes concurrently so a chatty process cannot fill one and block.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = errPipe.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return RunResult(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self), crashed: process.terminationReason == .uncaughtSignal)
    }

    /// Runs the built `llmdash`.
    public static func llmdash(_ arguments: [String], in directory: URL? = nil, input: String? = nil) throws
        -> RunResult
    {
        try process(llmdash, arguments, in: directory, input: input)
    }

    /// A fresh empty folder under the system's temporary folder.
    public static func temporaryDirectory(_ name: String = "llmdash") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Validates dashboards with the shared strict Grafana schema checker.
    public static func grafanaValidate(_ paths: [String]) throws -> RunResult {
        try process(
            "/usr/bin/env", ["python3", RepoPaths.shared.appendingPathComponent("tools/grafana-validate").path] + paths)
    }
}

import ChildProcesses
import EnvironmentServer
import Foundation
import PortalModel

/// Starts Web API servers for tests, on 127.0.0.1 only: in the test process on port 0, or as the
/// built `portal-migrate env serve … --port 0` child process whose printed port is read back.
public enum ServerSupport {
    /// Starts `EnvironmentServer` in-process on a free port. Stop it with `RunningServer.stop()`.
    /// - Throws: when the server cannot listen.
    public static func start(_ service: any DataverseService, options: ServerOptions = ServerOptions()) async throws -> RunningServer {
        var o = options
        o.port = 0
        return try await EnvironmentServer(service: service, options: o, logger: EnvironmentServer.quietLogger()).start()
    }

    /// Runs the built binary with `arguments` (for example `["env", "serve", "NAME", "--port", "0"]`)
    /// and waits up to `timeout` seconds for a line containing `127.0.0.1:PORT` on its standard output.
    /// Waiting suspends the task (it polls every 50 ms with `Task.sleep`); no thread is blocked.
    /// - Parameters:
    ///   - environment: extra environment variables for the child (merged over the test's own).
    /// - Throws: `ServerSupportError` when the process exits or prints no port in time (with its output);
    ///   the child is killed in the second case.
    public static func startBinary(_ arguments: [String], environment: [String: String] = [:],
                                   timeout: Double = 60) async throws -> ChildServer {
        let process = Process()
        process.executableURL = TestPaths.portalMigrateBinary
        process.arguments = arguments
        process.environment = ChildProcess.mergedEnvironment(environment)
        process.standardInput = FileHandle.nullDevice
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let child = ChildServer(process: process, stdout: out, stderr: err)
        try process.run()
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while ContinuousClock.now < deadline {
            if child.port != nil { return child }
            if child.hasExited {
                throw ServerSupportError(message: "portal-migrate \(arguments.joined(separator: " ")) exited with \(process.terminationStatus): \(child.output) \(child.errorOutput)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        await child.terminate(signal: SIGKILL)
        throw ServerSupportError(message: "portal-migrate printed no port within \(timeout) s: \(child.output) \(child.errorOutput)")
    }
}

/// A failure to start a server for a test.
public struct ServerSupportError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// A `portal-migrate env serve` child process.
public final class ChildServer: @unchecked Sendable {
    public let process: Process
    private let lock = NSLock()
    private var stdoutText = ""
    private var stderrText = ""

    private let exit = ExitSignal()

    init(process: Process, stdout: Pipe, stderr: Pipe) {
        self.process = process
        let exit = self.exit
        process.terminationHandler = { _ in exit.fire() }
        stdout.fileHandleForReading.readabilityHandler = { [weak self] h in
            let d = h.availableData
            // At end of file the handler would be called again and again: stop it.
            if d.isEmpty { h.readabilityHandler = nil; return }
            guard let self else { return }
            self.lock.lock(); self.stdoutText += String(decoding: d, as: UTF8.self); self.lock.unlock()
        }
        stderr.fileHandleForReading.readabilityHandler = { [weak self] h in
            let d = h.availableData
            // At end of file the handler would be called again and again: stop it.
            if d.isEmpty { h.readabilityHandler = nil; return }
            guard let self else { return }
            self.lock.lock(); self.stderrText += String(decoding: d, as: UTF8.self); self.lock.unlock()
        }
    }

    /// Everything printed on standard output so far.
    public var output: String { lock.lock(); defer { lock.unlock() }; return stdoutText }
    /// Everything printed on standard error so far.
    public var errorOutput: String { lock.lock(); defer { lock.unlock() }; return stderrText }

    /// The port of the first `127.0.0.1:PORT` printed, `nil` until then.
    public var port: Int? {
        let text = output
        guard let r = text.range(of: "127.0.0.1:") else { return nil }
        let digits = text[r.upperBound...].prefix { $0.isNumber }
        guard let end = text[r.upperBound...].dropFirst(digits.count).first, end == "/" || end == "\n" || end == " " || end == "\"" else { return nil }
        return Int(digits)
    }

    /// `http://127.0.0.1:PORT/api/data/v9.2/`.
    public var baseURL: String { "http://127.0.0.1:\(port ?? 0)/api/data/v9.2/" }

    /// `http://127.0.0.1:PORT`.
    public var origin: String { "http://127.0.0.1:\(port ?? 0)" }

    /// True once the process has exited.
    public var hasExited: Bool { exit.hasFired }

    /// Sends `signal` (SIGTERM by default) and waits up to 30 s for the process to exit (suspending the
    /// task, not blocking a thread); then kills its process group with SIGKILL. Returns the exit status
    /// (or the signal number when a signal ended it).
    @discardableResult
    public func terminate(signal: Int32 = SIGTERM) async -> Int32 {
        let pid = process.processIdentifier
        guard pid > 0 else { return -1 }
        if !exit.hasFired { kill(pid, signal) }
        let deadline = ContinuousClock.now + .seconds(30)
        while !exit.hasFired && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if !exit.hasFired {
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
            let last = ContinuousClock.now + .seconds(30)
            while !exit.hasFired && ContinuousClock.now < last { try? await Task.sleep(for: .milliseconds(50)) }
            if !exit.hasFired { return SIGKILL }
        }
        return process.terminationStatus
    }

    /// Kills the child's process group when the test forgot to terminate it (never pid 0: a child that
    /// never started must not signal the test runner's own group).
    deinit {
        let pid = process.processIdentifier
        if pid > 0 && !exit.hasFired { kill(-pid, SIGKILL); kill(pid, SIGKILL) }
    }
}

import ChildProcesses
import EnvironmentServer
import Foundation
import PortalModel
import Scenarios
#if canImport(Glibc)
import Glibc
#endif

/// Starts Web API servers for tests, on 127.0.0.1 only: in the test process on port 0, or as the
/// built `portal-migrate env serve … --port 0` child process, whose port is handed over through the
/// server's runtime file (never scraped from its output).
public enum ServerSupport {
    /// Starts `EnvironmentServer` in-process on a free port, on threads of its own (a `ServerExecutor`:
    /// see ServerExecutor.swift for why). Stop it with `RunningServer.stop()`.
    /// - Throws: when the server cannot listen.
    public static func start(_ service: any DataverseService, options: ServerOptions = ServerOptions()) async throws -> RunningServer {
        var o = options
        o.port = 0
        return try await EnvironmentServer(service: service, options: o, logger: EnvironmentServer.quietLogger()).start(executor: ServerExecutor())
    }

    /// Runs the built binary's `env serve NAME …` (for example `["env", "serve", "dev", "--port", "0"]`) and
    /// waits up to `timeout` seconds for the server to hand over its port: the runtime file it writes
    /// beside the environment once it listens (`ServerRuntimeFile`, `NAME.sqlite.serve.json`, whose `pid`
    /// must be this child's, so a file left by a killed server is never read). Nothing is scraped from
    /// its output. Waiting suspends the task (50 ms `Task.sleep` steps); no thread is blocked.
    /// - Parameters:
    ///   - environment: extra environment variables for the child (merged over the test's own).
    ///   - home: the data directory holding the environment; `environment["PORTAL_MIGRATE_HOME"]` when
    ///     not given (one of them is required: tests never serve the user's environments).
    /// - Throws: `ScenarioError` when the arguments are not `env serve NAME …`, no home is given,
    ///   the process exits, or no port is handed over in time (with its output; the child is killed).
    public static func startBinary(
        _ arguments: [String], environment: [String: String] = [:], home: URL? = nil,
        timeout: Double = 120
    ) async throws -> ChildServer {
        guard arguments.count >= 3, arguments[0] == "env", arguments[1] == "serve" else {
            throw ScenarioError(message: "startBinary runs `env serve NAME …`, not \(arguments)")
        }
        guard let home = home ?? environment["PORTAL_MIGRATE_HOME"].map({ URL(fileURLWithPath: $0, isDirectory: true) }) else {
            throw ScenarioError(message: "give `env serve` a PORTAL_MIGRATE_HOME (home:) so no test serves the user's environments")
        }
        let runtimeFile = ServerRuntimeFile.url(beside: try DataDirectory(root: home).environmentFile(arguments[2]))
        let child = try CLI.start(arguments, environment: environment, home: home)
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while ContinuousClock.now < deadline {
            if let port = handedOverPort(runtimeFile, pid: child.process.processIdentifier) {
                child.port = port
                return child
            }
            if child.hasExited {
                throw ScenarioError(
                    message:
                        "portal-migrate \(arguments.joined(separator: " ")) exited with \(child.process.terminationStatus): \(child.output) \(child.errorOutput)"
                )
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        await child.terminate(signal: SIGKILL)
        throw ScenarioError(message: "portal-migrate handed over no port within \(timeout) s: \(child.output) \(child.errorOutput)")
    }

    /// The port in `runtimeFile` when the file names process `pid` (`Workspace.handedOverPort`, the one reader).
    static func handedOverPort(_ runtimeFile: URL, pid: Int32) -> Int? { Workspace.handedOverPort(runtimeFile, pid: pid) }
}

/// A `portal-migrate` child process that runs until the test stops it (`CLI.start`), for example
/// `env serve` (`ServerSupport.startBinary`): its output is collected as it comes (dispatch readability
/// handlers, no blocked thread), `terminate(signal:)` sends a signal and awaits the exit.
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
            if d.isEmpty { h.readabilityHandler = nil; self?.closed(stdout: true); return }
            guard let self else { return }
            self.lock.lock(); self.stdoutText += String(decoding: d, as: UTF8.self); self.lock.unlock()
        }
        stderr.fileHandleForReading.readabilityHandler = { [weak self] h in
            let d = h.availableData
            // At end of file the handler would be called again and again: stop it.
            if d.isEmpty { h.readabilityHandler = nil; self?.closed(stdout: false); return }
            guard let self else { return }
            self.lock.lock(); self.stderrText += String(decoding: d, as: UTF8.self); self.lock.unlock()
        }
    }

    private var openPipes = 2

    private func closed(stdout: Bool) { lock.lock(); openPipes -= 1; lock.unlock() }

    /// True once both pipes reached end of file (everything the child printed has been collected).
    public var outputComplete: Bool { lock.lock(); defer { lock.unlock() }; return openPipes <= 0 }

    /// Everything printed on standard output so far.
    public var output: String { lock.lock(); defer { lock.unlock() }; return stdoutText }
    /// Everything printed on standard error so far.
    public var errorOutput: String { lock.lock(); defer { lock.unlock() }; return stderrText }

    private var handedOverPort: Int?

    /// The port the server handed over (`ServerSupport.startBinary`); `nil` for a child that serves nothing.
    public internal(set) var port: Int? {
        get { lock.lock(); defer { lock.unlock() }; return handedOverPort }
        set { lock.lock(); handedOverPort = newValue; lock.unlock() }
    }

    /// `http://127.0.0.1:PORT/api/data/v9.2/`.
    public var baseURL: String { "http://127.0.0.1:\(port ?? 0)/api/data/v9.2/" }

    /// `http://127.0.0.1:PORT`.
    public var origin: String { "http://127.0.0.1:\(port ?? 0)" }

    /// True once the process has exited.
    public var hasExited: Bool { exit.hasFired }

    /// Sends `signal` (SIGTERM by default) and waits up to 30 s for the process to exit (suspending the
    /// task, not blocking a thread); then kills its process group with SIGKILL. Returns the exit status
    /// (or the signal number when a signal ended it), once its output is collected to the end (up to 10 s
    /// more, when something it started still holds its pipes).
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
        let drained = ContinuousClock.now + .seconds(10)
        while !outputComplete && ContinuousClock.now < drained { try? await Task.sleep(for: .milliseconds(20)) }
        return process.terminationStatus
    }

    /// Kills the child's process group when the test forgot to terminate it (never pid 0: a child that
    /// never started must not signal the test runner's own group).
    deinit {
        let pid = process.processIdentifier
        if pid > 0 && !exit.hasFired { kill(-pid, SIGKILL); kill(pid, SIGKILL) }
    }
}

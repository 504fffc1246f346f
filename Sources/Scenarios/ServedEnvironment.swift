import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An embedded environment served over the Web API by a `portal-migrate env serve` child process on
/// 127.0.0.1 (`Workspace.serve`). Stop it with `stop()`; one that is dropped running is killed.
public final class ServedEnvironment: @unchecked Sendable {
    /// The embedded environment's name.
    public let name: String
    /// The `env serve` process.
    public let process: Process
    private let lock = NSLock()
    private var handedOverPort = 0
    private var exited = false

    init(name: String, process: Process) {
        self.name = name
        self.process = process
        process.terminationHandler = { [weak self] _ in
            guard let self else { return }
            self.lock.withLock { self.exited = true }
        }
    }

    /// The port the server handed over.
    public internal(set) var port: Int {
        get { lock.withLock { handedOverPort } }
        set { lock.withLock { handedOverPort = newValue } }
    }

    /// `http://127.0.0.1:PORT`, its `--environment` value.
    public var origin: String { "http://127.0.0.1:\(port)" }

    /// True once the process has exited.
    public var hasExited: Bool { lock.withLock { exited } }

    /// Sends SIGTERM and waits (suspending, up to 10 s) for the server to stop; then SIGKILL. Idempotent.
    /// - Returns: its exit status (or the signal that ended it).
    @discardableResult
    public func stop() async -> Int32 {
        let pid = process.processIdentifier
        guard pid > 0 else { return -1 }
        if !hasExited { kill(pid, SIGTERM) }
        let deadline = ContinuousClock.now + .seconds(10)
        while !hasExited && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if !hasExited {
            kill(pid, SIGKILL)
            let last = ContinuousClock.now + .seconds(10)
            while !hasExited && ContinuousClock.now < last { try? await Task.sleep(for: .milliseconds(50)) }
            if !hasExited { return SIGKILL }
        }
        return process.terminationStatus
    }

    deinit {
        let pid = process.processIdentifier
        if pid > 0 && !hasExited { kill(pid, SIGKILL) }
    }
}

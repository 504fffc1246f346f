import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a child process for a test (by default the built `portal-migrate`) and collects what it prints,
/// without blocking a thread of Swift's cooperative pool.
///
/// - Standard output and error are read together by one dedicated thread with `poll(2)`, so a child
///   that fills one pipe (more than the 64 KB pipe buffer) while the test reads the other cannot deadlock.
/// - The exit is awaited through `Process.terminationHandler` on that same dedicated thread; the calling
///   task is suspended on a continuation, so in-process servers (EnvironmentServer, NIO) keep their
///   threads while children run. This is what made serial-only test runs necessary before.
/// - Foundation starts every child in its own process group (pgid = pid, on Linux); on timeout the
///   whole group gets `SIGKILL`, so a `quickstart` or shell child takes its own children with it. When
///   the child has exited but something it started still holds its pipes open 10 s later, that group is
///   killed too; nothing is left behind.
///
/// Example: `let r = try await ChildProcess.run(["env", "create", "dev"], home: home)`, then
/// `#expect(r.exitCode == 0, "\(r.stderr)")`.
public enum ChildProcess {
    /// Seconds a child may run before it is killed, when the caller gives no `timeout`.
    public static let defaultTimeout: Double = 900

    /// Seconds the pipes may stay open after the child exited before the rest of its group is killed.
    static let drainGrace: Double = 10

    /// Runs `executable arguments` to its end.
    /// - Parameters:
    ///   - arguments: the command line after the executable's name.
    ///   - executable: the program; the built `portal-migrate` (`TestPaths.portalMigrateBinary`) by default.
    ///   - environment: variables set over the test process's own environment.
    ///   - home: when given, `PORTAL_MIGRATE_HOME` (the data directory of local environments); set before
    ///     `environment`, which may override it.
    ///   - currentDirectory: the child's working directory (the test's by default).
    ///   - stdin: bytes written to the child's standard input, which is then closed; `nil` gives it
    ///     `/dev/null` (never the test runner's terminal).
    ///   - timeout: seconds (wall clock) before the child's process group is killed with `SIGKILL` and
    ///     `ChildProcessError.timedOut` is thrown with what it printed so far.
    ///   - killAfter: seconds after which the child's group is killed on purpose (to test interruption):
    ///     instead of throwing, the result comes back with `killed == true`. Overrides `timeout`.
    /// - Returns: exit code (or the signal number when a signal ended it), standard output and error.
    /// - Throws: `ChildProcessError.launchFailed` when the executable cannot be started,
    ///   `ChildProcessError.timedOut` after `timeout`.
    public static func run(_ arguments: [String], executable: URL = TestPaths.portalMigrateBinary,
                           environment: [String: String] = [:], home: URL? = nil, currentDirectory: URL? = nil,
                           stdin: Data? = nil, timeout: Double = defaultTimeout,
                           killAfter: Double? = nil) async throws -> ChildProcessResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = mergedEnvironment(environment, home: home)
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = stdin.map { _ in Pipe() }
        process.standardInput = input ?? FileHandle.nullDevice
        let exit = ExitSignal()
        process.terminationHandler = { _ in exit.fire() }
        let command = ([executable.lastPathComponent] + arguments).joined(separator: " ")
        do {
            try process.run()
        } catch {
            throw ChildProcessError.launchFailed(command: command, reason: "\(error)")
        }
        if let input, let stdin { writeInBackground(stdin, to: input.fileHandleForWriting) }
        let limit = killAfter ?? timeout
        let job = Job(process: process, out: out.fileHandleForReading, err: err.fileHandleForReading, exit: exit,
                      limit: limit)
        let collected = await withCheckedContinuation { (continuation: CheckedContinuation<Collected, Never>) in
            let thread = Thread { continuation.resume(returning: job.collect()) }
            thread.name = "ChildProcess \(process.processIdentifier)"
            thread.start()
        }
        if collected.killed && killAfter == nil {
            throw ChildProcessError.timedOut(command: command, seconds: limit,
                                             stdout: String(decoding: collected.stdout, as: UTF8.self),
                                             stderr: String(decoding: collected.stderr, as: UTF8.self))
        }
        return ChildProcessResult(exitCode: collected.status, signalled: collected.signalled,
                                  stdoutData: collected.stdout, stderrData: collected.stderr, killed: collected.killed)
    }

    /// The test process's environment with `PORTAL_MIGRATE_HOME=home` (when given) and `extra` over it.
    public static func mergedEnvironment(_ extra: [String: String], home: URL? = nil) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        if let home { env["PORTAL_MIGRATE_HOME"] = home.path }
        for (key, value) in extra { env[key] = value }
        return env
    }

    /// Writes `data` to the child's standard input on a dedicated thread, then closes it. A child that
    /// exits without reading ends the write with `EPIPE` (SIGPIPE is ignored in the test process).
    private static func writeInBackground(_ data: Data, to handle: FileHandle) {
        signal(SIGPIPE, SIG_IGN)
        let box = UncheckedBox((data, handle))
        let thread = Thread {
            let (data, handle) = box.value
            let fd = handle.fileDescriptor
            data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                guard let base = raw.baseAddress else { return }
                var offset = 0
                while offset < raw.count {
                    let n = write(fd, base + offset, raw.count - offset)
                    if n < 0 { if errno == EINTR { continue } else { break } }
                    offset += n
                }
            }
            try? handle.close()
        }
        thread.start()
    }
}

/// A finished child process.
public struct ChildProcessResult: Sendable {
    /// The exit status, or the number of the signal that ended the process when `signalled`.
    public var exitCode: Int32
    /// True when a signal ended the process (then `exitCode` is the signal number, e.g. 9 for SIGKILL).
    public var signalled: Bool
    /// Everything printed on standard output.
    public var stdoutData: Data
    /// Everything printed on standard error.
    public var stderrData: Data
    /// True when the test killed the process (`killAfter`).
    public var killed: Bool

    /// Standard output as UTF-8 text (invalid bytes replaced).
    public var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
    /// Standard error as UTF-8 text (invalid bytes replaced).
    public var stderr: String { String(decoding: stderrData, as: UTF8.self) }
}

/// Why a child process gave no result.
public enum ChildProcessError: Error, CustomStringConvertible {
    /// The executable could not be started (missing, not executable, …).
    case launchFailed(command: String, reason: String)
    /// The child ran longer than its timeout (seconds) and was killed with its process group.
    case timedOut(command: String, seconds: Double, stdout: String, stderr: String)

    public var description: String {
        switch self {
        case let .launchFailed(command, reason):
            return "could not start `\(command)`: \(reason)"
        case let .timedOut(command, seconds, stdout, stderr):
            return "`\(command)` ran longer than \(seconds) s and was killed; stdout: \(stdout.suffix(2000)) stderr: \(stderr.suffix(2000))"
        }
    }
}

/// What the collecting thread hands back.
struct Collected: Sendable {
    var status: Int32
    var signalled: Bool
    var stdout: Data
    var stderr: Data
    var killed: Bool
}

/// Set once by `Process.terminationHandler`; waited on by the collecting thread.
final class ExitSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var exited = false
    private let semaphore = DispatchSemaphore(value: 0)

    func fire() {
        lock.lock(); exited = true; lock.unlock()
        semaphore.signal()
    }

    var hasFired: Bool { lock.lock(); defer { lock.unlock() }; return exited }

    /// Blocks the calling (dedicated, non-cooperative) thread up to `seconds`; true when the process exited.
    func wait(seconds: Double) -> Bool {
        if hasFired { return true }
        return semaphore.wait(timeout: .now() + seconds) == .success || hasFired
    }
}

/// A value handed to a `Thread` closure; only that thread touches it afterwards.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// One child being collected: reads both pipes until end of file with `poll(2)`, enforces the time limit,
/// then waits for the exit.
final class Job: @unchecked Sendable {
    let process: Process
    let out: FileHandle
    let err: FileHandle
    let exit: ExitSignal
    let limit: Double

    init(process: Process, out: FileHandle, err: FileHandle, exit: ExitSignal, limit: Double) {
        self.process = process
        self.out = out
        self.err = err
        self.exit = exit
        self.limit = limit
    }

    /// Kills the child's process group (and the child itself, should it have left the group).
    func killGroup() {
        let pid = process.processIdentifier
        guard pid > 0 else { return }
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
    }

    /// Runs on a dedicated thread: blocking here does not starve the cooperative pool.
    func collect() -> Collected {
        var data = [Data(), Data()]
        var fds = [pollfd(fd: out.fileDescriptor, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: err.fileDescriptor, events: Int16(POLLIN), revents: 0)]
        let start = Date()
        var killed = false
        var exitedAt: Date?
        var stopAt: Date?
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while fds.contains(where: { $0.fd >= 0 }) {
            let now = Date()
            if let stopAt, now >= stopAt { break }
            if exitedAt == nil && exit.hasFired { exitedAt = now }
            if !killed && exitedAt == nil && now.timeIntervalSince(start) >= limit {
                killGroup()
                killed = true
                stopAt = now.addingTimeInterval(5)
            }
            if let exitedAt, stopAt == nil, now.timeIntervalSince(exitedAt) >= ChildProcess.drainGrace {
                // The child is gone but a process it started still holds the pipes: end it.
                killGroup()
                stopAt = now.addingTimeInterval(5)
            }
            // Wake at the time limit exactly (a `killAfter` test picks its kill point to the millisecond).
            var wait = 250.0
            if !killed && exitedAt == nil { wait = min(wait, (limit - now.timeIntervalSince(start)) * 1000) }
            let n = poll(&fds, nfds_t(fds.count), Int32(max(1, wait.rounded(.up))))
            if n < 0 && errno != EINTR { break }
            if n <= 0 { continue }
            for i in fds.indices where fds[i].fd >= 0 && fds[i].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(fds[i].fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    data[i].append(contentsOf: buffer[0..<count])
                } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                    fds[i].fd = -1
                }
            }
        }
        // Both pipes are closed: the child has exited, or closed them and goes on until its limit.
        let remaining = max(limit - Date().timeIntervalSince(start), 1)
        if !exit.wait(seconds: killed ? 30 : remaining) {
            if !killed { killed = true }
            killGroup()
            _ = exit.wait(seconds: 30)
        }
        try? out.close()
        try? err.close()
        let finished = !process.isRunning
        return Collected(status: finished ? process.terminationStatus : SIGKILL,
                         signalled: finished ? process.terminationReason == .uncaughtSignal : true,
                         stdout: data[0], stderr: data[1], killed: killed)
    }
}

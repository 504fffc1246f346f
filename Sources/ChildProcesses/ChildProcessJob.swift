import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What the collecting thread hands back.
struct Collected: Sendable {
    var status: Int32
    var signalled: Bool
    var stdout: Data
    var stderr: Data
    var killed: Bool
    var wallSeconds: Double
    var peakRSSBytes: Int?
}

/// Set once by `Process.terminationHandler`; waited on by a dedicated thread or polled by a task.
/// Also used by long-running children (TestSupport's `ChildServer`) to know when they exited.
public final class ExitSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var exited = false
    private var exitedAt: UInt64 = 0
    private let semaphore = DispatchSemaphore(value: 0)

    public init() {}

    /// Marks the exit (call from `Process.terminationHandler`).
    public func fire() {
        lock.lock()
        if !exited { exited = true; exitedAt = DispatchTime.now().uptimeNanoseconds }
        lock.unlock()
        semaphore.signal()
    }

    /// True once `fire` was called.
    public var hasFired: Bool { lock.lock(); defer { lock.unlock() }; return exited }

    /// `DispatchTime` uptime nanoseconds of the exit, 0 before it.
    var firedAt: UInt64 { lock.lock(); defer { lock.unlock() }; return exitedAt }

    /// Blocks the calling (dedicated, non-cooperative) thread up to `seconds`; true when the process exited.
    public func wait(seconds: Double) -> Bool {
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
/// samples the peak memory when asked, then waits for the exit.
final class Job: @unchecked Sendable {
    let process: Process
    let command: String
    let out: FileHandle
    let err: FileHandle
    let exit: ExitSignal
    /// Seconds before the group is killed; `nil` for none.
    let limit: Double?
    let samplePeakMemory: Bool
    let started: UInt64

    private init(
        process: Process, command: String, out: FileHandle, err: FileHandle, exit: ExitSignal, limit: Double?,
        samplePeakMemory: Bool, started: UInt64
    ) {
        self.process = process
        self.command = command
        self.out = out
        self.err = err
        self.exit = exit
        self.limit = limit
        self.samplePeakMemory = samplePeakMemory
        self.started = started
    }

    /// Starts the child (see `ChildProcess.run` for the parameters).
    /// - Throws: `ChildProcessError.launchFailed`.
    static func launch(
        _ executable: URL, _ arguments: [String], environment: [String: String], currentDirectory: URL?,
        stdin: Data?, limit: Double?, samplePeakMemory: Bool
    ) throws -> Job {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ChildProcess.mergedEnvironment(environment)
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = stdin.map { _ in Pipe() }
        process.standardInput = input ?? FileHandle.nullDevice
        let exit = ExitSignal()
        process.terminationHandler = { _ in exit.fire() }
        let command = ([executable.lastPathComponent] + arguments).joined(separator: " ")
        let started = DispatchTime.now().uptimeNanoseconds
        do {
            try process.run()
        } catch {
            throw ChildProcessError.launchFailed(command: command, reason: "\(error)")
        }
        if let input, let stdin { writeInBackground(stdin, to: input.fileHandleForWriting) }
        return Job(
            process: process, command: command, out: out.fileHandleForReading, err: err.fileHandleForReading,
            exit: exit, limit: limit, samplePeakMemory: samplePeakMemory, started: started)
    }

    /// The result, or `ChildProcessError.timedOut` when the limit killed a child that was not to be killed.
    func result(_ c: Collected, throwOnKill: Bool) throws -> ChildProcessResult {
        if c.killed && throwOnKill {
            throw ChildProcessError.timedOut(
                command: command, seconds: limit ?? 0,
                stdout: String(decoding: c.stdout, as: UTF8.self),
                stderr: String(decoding: c.stderr, as: UTF8.self))
        }
        return ChildProcessResult(
            exitCode: c.status, signalled: c.signalled, stdoutData: c.stdout, stderrData: c.stderr,
            killed: c.killed, wallSeconds: c.wallSeconds, peakRSSBytes: c.peakRSSBytes)
    }

    /// Writes `data` to the child's standard input on a dedicated thread, then closes it. A child that
    /// exits without reading ends the write with `EPIPE` (SIGPIPE is ignored in this process).
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

    /// Kills the child's process group (and the child itself, should it have left the group).
    func killGroup() {
        let pid = process.processIdentifier
        guard pid > 0 else { return }
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
    }

    /// Seconds since the start.
    private func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }

    /// Runs on a dedicated thread (or a synchronous caller's): blocking here does not starve the
    /// cooperative pool.
    func collect() -> Collected {
        var data = [Data(), Data()]
        var fds = [
            pollfd(fd: out.fileDescriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: err.fileDescriptor, events: Int16(POLLIN), revents: 0),
        ]
        var killed = false
        var exitedAt: Double?
        var stopAt: Double?
        var peak: Int?
        let pid = process.processIdentifier
        func sample() {
            guard samplePeakMemory, !exit.hasFired, let v = ChildProcess.highWaterMark(pid) else { return }
            peak = max(peak ?? 0, v)
        }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while fds.contains(where: { $0.fd >= 0 }) {
            let now = elapsed()
            if let stopAt, now >= stopAt { break }
            if exitedAt == nil && exit.hasFired { exitedAt = now }
            if let limit, !killed, exitedAt == nil, now >= limit {
                killGroup()
                killed = true
                stopAt = now + 5
            }
            if let exitedAt, stopAt == nil, now - exitedAt >= ChildProcess.drainGrace {
                // The child is gone but a process it started still holds the pipes: end it.
                killGroup()
                stopAt = now + 5
            }
            sample()
            // Wake at the time limit exactly (a `killAfter` caller picks its kill point to the millisecond),
            // every 10 ms while sampling memory.
            var wait = samplePeakMemory && exitedAt == nil ? 10.0 : 250.0
            if let limit, !killed, exitedAt == nil { wait = min(wait, (limit - now) * 1000) }
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
        while samplePeakMemory && !exit.hasFired && !killed && (limit.map { elapsed() < $0 } ?? true) {
            sample()
            _ = exit.wait(seconds: 0.01)
        }
        let remaining = limit.map { max($0 - elapsed(), 1) }
        let exited = killed ? exit.wait(seconds: 30) : remaining.map { exit.wait(seconds: $0) } ?? waitForever()
        if !exited {
            killed = true
            killGroup()
            _ = exit.wait(seconds: 30)
        }
        try? out.close()
        try? err.close()
        let finished = !process.isRunning
        let end = exit.firedAt > 0 ? exit.firedAt : DispatchTime.now().uptimeNanoseconds
        return Collected(
            status: finished ? process.terminationStatus : SIGKILL,
            signalled: finished ? process.terminationReason == .uncaughtSignal : true,
            stdout: data[0], stderr: data[1], killed: killed,
            wallSeconds: Double(end - started) / 1e9, peakRSSBytes: peak)
    }

    /// Waits for the exit with no limit.
    private func waitForever() -> Bool {
        while !exit.wait(seconds: 3600) {}
        return true
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a child process to its end and collects what it prints: the one implementation behind the
/// tests' runner (TestSupport), `portal-migrate quickstart` (each step is a child `portal-migrate`) and
/// `portal-migrate-bench` (each scenario's wall time and peak memory). No business logic.
///
/// - Standard output and error are read together by one dedicated thread with `poll(2)`, so a child
///   that fills one pipe (more than the 64 KB pipe buffer) while the other is read cannot deadlock.
/// - `run` suspends the calling task on a continuation while that thread waits, so a cooperative-pool
///   thread is never blocked (in-process NIO servers keep their threads while children run);
///   `runBlocking` does the same work on the calling thread, for synchronous callers.
/// - Foundation starts every child in its own process group (pgid = pid, on Linux); on a time limit the
///   whole group gets `SIGKILL`, so a shell child takes its own children with it. When the child has
///   exited but something it started still holds its pipes open `drainGrace` seconds later, that group
///   is killed too; nothing is left behind.
/// - With `samplePeakMemory`, the child's `VmHWM` (`/proc/PID/status`, the exec'd image's own
///   high-water mark; `wait4`'s `ru_maxrss` would carry the parent's across `posix_spawn`) is read every
///   10 ms until it exits (Linux only; `nil` elsewhere).
///
/// Example: `let r = try await ChildProcess.run(URL(fileURLWithPath: "/bin/sh"), ["-c", "echo hi"])`,
/// then `r.exitCode == 0 && r.stdout == "hi\n"`.
public enum ChildProcess {
    /// Seconds the pipes may stay open after the child exited before the rest of its group is killed.
    public static let drainGrace: Double = 10

    /// Runs `executable arguments` to its end without blocking a thread of Swift's cooperative pool.
    /// - Parameters:
    ///   - executable: the program.
    ///   - arguments: the command line after the program's name.
    ///   - environment: variables set over this process's own environment (`mergedEnvironment`).
    ///   - currentDirectory: the child's working directory (this process's by default).
    ///   - stdin: bytes written to the child's standard input, which is then closed; `nil` gives it
    ///     `/dev/null` (never this process's terminal).
    ///   - timeout: seconds (wall clock) before the child's process group is killed with `SIGKILL` and
    ///     `ChildProcessError.timedOut` is thrown with what it printed so far; `nil` waits for the exit.
    ///   - killAfter: seconds after which the child's group is killed on purpose (to test interruption):
    ///     instead of throwing, the result comes back with `killed == true`. Overrides `timeout`.
    ///   - samplePeakMemory: read the child's peak resident set while it runs (`peakRSSBytes`).
    /// - Returns: exit code (or the signal number when a signal ended it), standard output and error,
    ///   wall-clock seconds, and the peak resident set when sampled.
    /// - Throws: `ChildProcessError.launchFailed` when the executable cannot be started,
    ///   `ChildProcessError.timedOut` after `timeout`.
    public static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String] = [:],
        currentDirectory: URL? = nil, stdin: Data? = nil, timeout: Double? = nil,
        killAfter: Double? = nil, samplePeakMemory: Bool = false
    ) async throws -> ChildProcessResult {
        let job = try Job.launch(
            executable, arguments, environment: environment, currentDirectory: currentDirectory,
            stdin: stdin, limit: killAfter ?? timeout, samplePeakMemory: samplePeakMemory)
        let collected = await withCheckedContinuation { (continuation: CheckedContinuation<Collected, Never>) in
            let thread = Thread { continuation.resume(returning: job.collect()) }
            thread.name = "ChildProcess \(job.process.processIdentifier)"
            thread.start()
        }
        return try job.result(collected, throwOnKill: killAfter == nil)
    }

    /// `run` on the calling thread, which is blocked until the child ends: for synchronous callers that
    /// own their thread (a command-line tool's main flow), never from a task that in-process servers need.
    /// - Throws: as `run`.
    public static func runBlocking(
        _ executable: URL, _ arguments: [String], environment: [String: String] = [:],
        currentDirectory: URL? = nil, stdin: Data? = nil, timeout: Double? = nil,
        killAfter: Double? = nil, samplePeakMemory: Bool = false
    ) throws -> ChildProcessResult {
        let job = try Job.launch(
            executable, arguments, environment: environment, currentDirectory: currentDirectory,
            stdin: stdin, limit: killAfter ?? timeout, samplePeakMemory: samplePeakMemory)
        return try job.result(job.collect(), throwOnKill: killAfter == nil)
    }

    /// This process's environment with `extra` over it.
    public static func mergedEnvironment(_ extra: [String: String]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        for (key, value) in extra { env[key] = value }
        return env
    }

    /// The peak resident set (`VmHWM` of `/proc/PID/status`) of a running process in bytes; `nil` when
    /// it cannot be read (the process is gone, or not Linux).
    public static func highWaterMark(_ pid: pid_t) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kb = Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
        else { return nil }
        return kb * 1024
    }
}

import ChildProcesses
import Foundation

/// The outcome of one child process run by the benchmark.
/// - `wallSeconds`: from spawn to exit, measured by the parent (monotonic clock).
/// - `peakRSSBytes`: the child's peak resident set (`VmHWM` of `/proc/PID/status`, bytes; 0 when unreadable).
/// - `cpuSeconds`: the child's user + system CPU seconds (`getrusage(RUSAGE_CHILDREN)` before and after;
///   the benchmark runs one child at a time, so the difference is this child's; CPU time is per
///   process, so it holds on a loaded machine where wall time does not).
struct ChildRun: Sendable {
    var status: Int32
    var wallSeconds: Double
    var peakRSSBytes: Int
    var cpuSeconds: Double = 0
    var stdout: String
    var stderr: String
}

extension ChildProcess {
    /// Runs `executable arguments` with `environment` merged over this process's and waits for it on
    /// the calling thread, sampling the child's peak memory (`ChildProcess.runBlocking`).
    /// - Throws: `ChildProcessError.launchFailed` (ChildProcesses) when the process cannot be started.
    static func runMeasured(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> ChildRun {
        let before = childrenCPUSeconds()
        let r = try runBlocking(executable, arguments, environment: environment, samplePeakMemory: true)
        return ChildRun(
            status: r.signalled ? 128 + r.exitCode : r.exitCode, wallSeconds: r.wallSeconds,
            peakRSSBytes: r.peakRSSBytes ?? 0, cpuSeconds: max(0, childrenCPUSeconds() - before),
            stdout: r.stdout, stderr: r.stderr)
    }

    /// User + system CPU seconds of every child this process has waited for.
    static func childrenCPUSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &u)
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return s(u.ru_utime) + s(u.ru_stime)
    }
}

import ChildProcesses
import Foundation

/// The outcome of one child process run by the benchmark.
/// - `wallSeconds`: from spawn to exit, measured by the parent (monotonic clock).
/// - `peakRSSBytes`: the child's peak resident set (`VmHWM` of `/proc/PID/status`, bytes; 0 when unreadable).
struct ChildRun: Sendable {
    var status: Int32
    var wallSeconds: Double
    var peakRSSBytes: Int
    var stdout: String
    var stderr: String
}

/// The benchmark's own error: a child that could not be started or ended badly, or a scenario that
/// cannot go on (shadows `ChildProcesses.ChildProcessError` inside this target).
struct ChildProcessError: Error, CustomStringConvertible {
    var description: String
}

extension ChildProcess {
    /// Runs `executable arguments` with `environment` merged over this process's and waits for it on
    /// the calling thread, sampling the child's peak memory (`ChildProcess.runBlocking`).
    /// - Throws: `ChildProcessError` when the process cannot be started.
    static func runMeasured(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> ChildRun {
        let r: ChildProcessResult
        do {
            r = try runBlocking(executable, arguments, environment: environment, samplePeakMemory: true)
        } catch {
            throw ChildProcessError(description: "cannot start \(executable.path): \(error)")
        }
        return ChildRun(status: r.signalled ? 128 + r.exitCode : r.exitCode, wallSeconds: r.wallSeconds,
                        peakRSSBytes: r.peakRSSBytes ?? 0, stdout: r.stdout, stderr: r.stderr)
    }
}

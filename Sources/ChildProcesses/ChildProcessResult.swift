import Foundation

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
    /// True when the caller's `killAfter` killed the process.
    public var killed: Bool
    /// Seconds from the start to the exit (monotonic clock).
    public var wallSeconds: Double
    /// The child's peak resident set in bytes (`VmHWM`), when `samplePeakMemory` was asked and readable.
    public var peakRSSBytes: Int?

    public init(
        exitCode: Int32, signalled: Bool, stdoutData: Data, stderrData: Data, killed: Bool,
        wallSeconds: Double = 0, peakRSSBytes: Int? = nil
    ) {
        self.exitCode = exitCode
        self.signalled = signalled
        self.stdoutData = stdoutData
        self.stderrData = stderrData
        self.killed = killed
        self.wallSeconds = wallSeconds
        self.peakRSSBytes = peakRSSBytes
    }

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

@_exported import ChildProcesses
import Foundation

/// The tests' child-process runner: `ChildProcesses.ChildProcess` with the built `portal-migrate` as the
/// default executable, a data directory (`home`) and a default time limit. Standard output and error are
/// collected without blocking a cooperative thread, and a child that outlives its limit is killed with
/// its process group (see `ChildProcess.run(_:_:environment:currentDirectory:stdin:timeout:killAfter:samplePeakMemory:)`).
///
/// Example: `let r = try await ChildProcess.run(["env", "create", "dev"], home: home)`, then
/// `#expect(r.exitCode == 0, "\(r.stderr)")`.
extension ChildProcess {
    /// Seconds a child may run before it is killed, when the caller gives no `timeout`.
    public static let defaultTimeout: Double = 900

    /// Runs `executable arguments` to its end.
    /// - Parameters:
    ///   - arguments: the command line after the executable's name.
    ///   - executable: the program; the built `portal-migrate` (`TestPaths.portalMigrateBinary`) by default.
    ///   - environment: variables set over the test process's own environment.
    ///   - home: when given, `PORTAL_MIGRATE_HOME` (the data directory of local environments); `environment`
    ///     may override it.
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
        var variables = environment
        if let home, variables["PORTAL_MIGRATE_HOME"] == nil { variables["PORTAL_MIGRATE_HOME"] = home.path }
        return try await run(executable, arguments, environment: variables, currentDirectory: currentDirectory,
                             stdin: stdin, timeout: timeout, killAfter: killAfter)
    }

    /// The test process's environment with `PORTAL_MIGRATE_HOME=home` (when given) and `extra` over it.
    public static func mergedEnvironment(_ extra: [String: String], home: URL?) -> [String: String] {
        var variables = extra
        if let home, variables["PORTAL_MIGRATE_HOME"] == nil { variables["PORTAL_MIGRATE_HOME"] = home.path }
        return mergedEnvironment(variables)
    }
}

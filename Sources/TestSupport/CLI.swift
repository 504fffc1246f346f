import ArgumentParser
// Re-exported: the harness's results and errors are ChildProcesses' types (`ChildProcessResult`,
// `ChildProcessError`), and tests and the benchmark use its `ChildProcess.run` for other programs.
@_exported import ChildProcesses
import Foundation
import PortalMigrateCLI

/// The one way tests run `portal-migrate`: as the built binary (`run`, `start`), or parsed in the test
/// process (`parse`).
///
/// Why commands are not *run* in-process: every command writes to the process's own standard output
/// and error (`printOut`, `FileHandle.standardError`), reads `PORTAL_MIGRATE_HOME` and the config home
/// from the process environment, and `PortalMigrateCommand.runMain` ends with `exit`. Capturing that
/// for one test while others run in parallel would need `setenv`/`dup2` on the shared process, which
/// tests must never do. So the harness runs the binary for anything that executes, and parses in-process
/// (pure: no output, no environment) for what a test of option mapping needs.
///
/// Every child gets its own data directory (`PORTAL_MIGRATE_HOME`) and config directory
/// (`PORTAL_MIGRATE_CONFIG_HOME` and `XDG_CONFIG_HOME`, `home/config` by default), never the user's, and
/// runs in `home` unless told otherwise; waiting for it never blocks a cooperative thread
/// (`ChildProcess.run`), so in-process servers keep serving while it runs.
///
/// Example:
/// ```
/// let home = try TestPaths.temporaryDirectory("pm-example")
/// let r = try await CLI.run(["env", "create", "dev"], home: home)
/// #expect(r.status == 0, "\(r.err)")
/// ```
public enum CLI {
    /// Seconds a child may run before its process group is killed, when the caller gives no `timeout`
    /// (a guard against hangs, never an assertion about speed).
    public static let defaultTimeout: Double = 900

    /// The built `portal-migrate`: `$PM_BINARY` when set, else beside the running test bundle, else
    /// `.build/debug/portal-migrate` of this repository (`TestPaths.portalMigrateBinary`).
    public static var binary: URL { TestPaths.portalMigrateBinary }

    /// Runs `portal-migrate arguments` (or `executable arguments`) to its end.
    /// - Parameters:
    ///   - arguments: the command line after the program's name.
    ///   - executable: the program; the built `portal-migrate` by default.
    ///   - environment: variables set over the test process's own environment (they win over `home`
    ///     and `configHome`).
    ///   - home: `PORTAL_MIGRATE_HOME` (local environments, journals). `nil` gives the child a fresh
    ///     temporary directory, removed afterwards, so no test touches the user's data.
    ///   - configHome: `PORTAL_MIGRATE_CONFIG_HOME` and `XDG_CONFIG_HOME` (auth profiles); `home/config`
    ///     by default.
    ///   - currentDirectory: the child's working directory; `home` by default.
    ///   - stdin: bytes written to the child's standard input, then closed; `nil` gives it `/dev/null`.
    ///   - timeout: seconds before the child's process group is killed and `ChildProcessError.timedOut`
    ///     is thrown with what it printed so far.
    ///   - killAfter: seconds after which the child's group is killed on purpose (to test interruption);
    ///     the result then has `killed == true`. Overrides `timeout`.
    /// - Returns: exit code (the signal number when `signalled`), standard output and error.
    /// - Throws: `ChildProcessError.launchFailed` when the binary cannot be started (build it first:
    ///   `swift build --build-tests`), `ChildProcessError.timedOut` after `timeout`.
    public static func run(
        _ arguments: [String], executable: URL = binary, environment: [String: String] = [:],
        home: URL? = nil, configHome: URL? = nil, currentDirectory: URL? = nil, stdin: Data? = nil,
        timeout: Double = defaultTimeout, killAfter: Double? = nil
    ) async throws -> ChildProcessResult {
        let isScratch = home == nil
        let home = try home ?? TestPaths.temporaryDirectory("pm-cli-home")
        defer { if isScratch { try? FileManager.default.removeItem(at: home) } }
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        return try await ChildProcess.run(
            executable, arguments,
            environment: variables(environment, home: home, configHome: configHome),
            currentDirectory: currentDirectory ?? home, stdin: stdin, timeout: timeout,
            killAfter: killAfter)
    }

    /// Starts `portal-migrate arguments` and returns at once, with its output collected as it comes: for
    /// children a test signals (`terminate(signal:)`) or that serve (`ServerSupport.startBinary`).
    /// - Parameters: as `run`; `home` is required (the child outlives this call).
    /// - Throws: when the binary cannot be started.
    public static func start(
        _ arguments: [String], executable: URL = binary, environment: [String: String] = [:],
        home: URL, configHome: URL? = nil, currentDirectory: URL? = nil
    ) throws -> ChildServer {
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ChildProcess.mergedEnvironment(variables(environment, home: home, configHome: configHome))
        process.currentDirectoryURL = currentDirectory ?? home
        process.standardInput = FileHandle.nullDevice
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let child = ChildServer(process: process, stdout: out, stderr: err)
        do {
            try process.run()
        } catch {
            throw ChildProcessError.launchFailed(
                command: ([executable.lastPathComponent] + arguments).joined(separator: " "),
                reason: "\(error)")
        }
        return child
    }

    /// The variables a child gets over the test process's environment.
    static func variables(_ environment: [String: String], home: URL, configHome: URL?) -> [String: String] {
        let config = (configHome ?? home.appendingPathComponent("config", isDirectory: true)).path
        var variables = ["PORTAL_MIGRATE_HOME": home.path, "PORTAL_MIGRATE_CONFIG_HOME": config, "XDG_CONFIG_HOME": config]
        for (key, value) in environment { variables[key] = value }
        return variables
    }

    /// What parsing a command line in the test process gave: the command, or the usage error the binary
    /// would print with its exit code (64 for usage errors, 0 for `--help` and `--version`).
    public enum Parsed {
        case command(any ParsableCommand)
        case failure(message: String, exitCode: Int32)

        /// The parsed command, `nil` after a failure.
        public var command: (any ParsableCommand)? {
            if case let .command(c) = self { return c }
            return nil
        }
    }

    /// Parses `arguments` exactly as the binary does (ArgumentParser's parsing and every command's
    /// `validate()`), in the test process: nothing runs, nothing is printed, no environment is read.
    /// Safe in parallel. Example: `#expect(CLI.parse(["env", "serve", "x", "--port", "70000"]).command == nil)`.
    public static func parse(_ arguments: [String]) -> Parsed {
        do {
            return .command(try PortalMigrateCommand.parseAsRoot(arguments))
        } catch {
            return .failure(
                message: PortalMigrateCommand.fullMessage(for: error),
                exitCode: PortalMigrateCommand.exitCode(for: error).rawValue)
        }
    }
}

/// Shorter names the end-to-end tests read a run by.
extension ChildProcessResult {
    /// `exitCode`.
    public var status: Int32 { exitCode }
    /// Standard output as text (`stdout`).
    public var out: String { stdout }
    /// Standard error as text (`stderr`).
    public var err: String { stderr }
}

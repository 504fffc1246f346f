import ChildProcesses
import Foundation
import PortalModel

/// A place where `portal-migrate` commands run as child processes, the way a user types them: a work
/// directory, a data directory (`PORTAL_MIGRATE_HOME`: embedded environments, journals) and a config
/// directory (`PORTAL_MIGRATE_CONFIG_HOME` and `XDG_CONFIG_HOME`: auth profiles), never the user's own.
///
/// The one setup path shared by the test fixture (`TestSupport.Scenario`), `portal-migrate quickstart`
/// (`QuickstartProcedure`) and the benchmark: create, provision, upload and serve embedded environments
/// (`Workspace+Setup.swift`). Waiting for a child never blocks a thread (`ChildProcess.run`), so servers
/// in the same process keep serving. Safe in parallel: a workspace shares nothing with another.
///
/// Example:
/// ```
/// let w = Workspace(executable: binary, work: dir)
/// try await w.createEnvironment("source")
/// let site = try await w.provision("source", template: "starter")
/// let server = try await w.serve("source")      // port handed over through the runtime file
/// defer { Task { await server.stop() } }
/// ```
public struct Workspace: Sendable {
    /// The `portal-migrate` executable every command runs.
    public let executable: URL
    /// The workspace's own directory (a quickstart's temporary directory, a test's work directory).
    public let work: URL
    /// `PORTAL_MIGRATE_HOME` of every command.
    public let home: URL
    /// `PORTAL_MIGRATE_CONFIG_HOME` and `XDG_CONFIG_HOME` of every command.
    public let configHome: URL
    /// The working directory of every command unless a call names another.
    public let currentDirectory: URL
    /// Told about every command before it starts and after it ends (a transcript, logs); nothing by default.
    public let observer: (any CommandObserver)?

    /// - Parameters:
    ///   - executable: the `portal-migrate` binary (`Workspace.currentExecutable()` for the running one).
    ///   - work: the workspace's directory; it is not created here.
    ///   - home: the data directory; `work/home` by default.
    ///   - configHome: the config directory; `home/config` by default.
    ///   - currentDirectory: where commands run; `home` by default.
    ///   - observer: sees every command (see `CommandObserver`).
    public init(
        executable: URL, work: URL, home: URL? = nil, configHome: URL? = nil, currentDirectory: URL? = nil,
        observer: (any CommandObserver)? = nil
    ) {
        self.executable = executable
        self.work = work
        let home = home ?? work.appendingPathComponent("home", isDirectory: true)
        self.home = home
        self.configHome = configHome ?? home.appendingPathComponent("config", isDirectory: true)
        self.currentDirectory = currentDirectory ?? home
        self.observer = observer
    }

    /// The variables every command gets over this process's environment (`extra` wins).
    public func variables(_ extra: [String: String] = [:]) -> [String: String] {
        var variables = [
            "PORTAL_MIGRATE_HOME": home.path, "PORTAL_MIGRATE_CONFIG_HOME": configHome.path, "XDG_CONFIG_HOME": configHome.path,
        ]
        for (key, value) in extra { variables[key] = value }
        return variables
    }

    /// Runs `portal-migrate arguments` to its end.
    /// - Parameters:
    ///   - arguments: the command line after the program's name.
    ///   - environment: variables for this command only, over the workspace's (shown by an observer by
    ///     name only: they may hold secrets).
    ///   - currentDirectory: the command's working directory; the workspace's by default.
    ///   - stdin: bytes written to its standard input, then closed; `/dev/null` when `nil`.
    ///   - timeout: seconds before its process group is killed (`ChildProcessError.timedOut`); none by default.
    ///   - killAfter: seconds after which it is killed on purpose (the result has `killed == true`).
    /// - Returns: the result whatever the exit status.
    /// - Throws: `ChildProcessError.launchFailed` when the executable cannot be started, `.timedOut`.
    public func run(
        _ arguments: [String], environment: [String: String] = [:], currentDirectory: URL? = nil,
        stdin: Data? = nil, timeout: Double? = nil, killAfter: Double? = nil
    ) async throws -> ChildProcessResult {
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        observer?.willRun(arguments, extraVariables: environment.keys.sorted())
        let result = try await ChildProcess.run(
            executable, arguments, environment: variables(environment),
            currentDirectory: currentDirectory ?? self.currentDirectory, stdin: stdin, timeout: timeout, killAfter: killAfter)
        observer?.didRun(arguments, result: result)
        return result
    }

    /// Runs a command that must exit 0.
    /// - Throws: `CommandFailure` (the command and its output) when it exits otherwise; what `run` throws.
    @discardableResult
    public func succeed(_ arguments: [String], environment: [String: String] = [:]) async throws -> ChildProcessResult {
        let r = try await run(arguments, environment: environment)
        guard r.exitCode == 0 else { throw CommandFailure(arguments: arguments, result: r, reason: "exited with \(r.exitCode)") }
        return r
    }

    /// The running `portal-migrate` binary: `/proc/self/exe` on Linux, else `CommandLine.arguments[0]`
    /// resolved against the current directory and `PATH`.
    /// - Throws: `CommandFailure` with no result when the binary cannot be found.
    public static func currentExecutable() throws -> URL {
        let fm = FileManager.default
        if let target = try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe"), fm.isExecutableFile(atPath: target) {
            return URL(fileURLWithPath: target)
        }
        if let path = Bundle.main.executablePath, fm.isExecutableFile(atPath: path) { return URL(fileURLWithPath: path) }
        let arg0 = CommandLine.arguments.first ?? "portal-migrate"
        if arg0.contains("/") {
            let url = URL(fileURLWithPath: arg0, relativeTo: URL(fileURLWithPath: fm.currentDirectoryPath)).standardizedFileURL
            if fm.isExecutableFile(atPath: url.path) { return url }
        }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent(arg0)
            if fm.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw ScenarioSetupError("cannot find the portal-migrate binary to run the steps with (\(arg0))")
    }
}

/// Sees every command a `Workspace` runs: `portal-migrate quickstart` prints each one and keeps its
/// output in `logs/`. Called on the task that runs the command, before it starts and after it ends.
public protocol CommandObserver: Sendable {
    /// `arguments` is about to run, with these extra variables (names only).
    func willRun(_ arguments: [String], extraVariables: [String])
    /// `arguments` ended with `result` (any exit status).
    func didRun(_ arguments: [String], result: ChildProcessResult)
}

/// A setup command that did not do what it must: it exited non-zero, or printed no answer where one
/// was expected.
public struct CommandFailure: Error, CustomStringConvertible {
    /// The command line after the program's name.
    public let arguments: [String]
    /// What it printed and how it ended.
    public let result: ChildProcessResult
    /// `exited with 2`, `printed no websiteId`.
    public let reason: String

    /// "`portal-migrate env provision` exited with 2: <its last `error:` line>" (its output is elsewhere:
    /// echoed, logged, or in `detailed`).
    public var description: String {
        let lines = result.stderr.split(separator: "\n")
        let last = lines.last { $0.hasPrefix("error:") } ?? lines.last ?? ""
        return "`portal-migrate \(arguments.prefix(2).joined(separator: " "))` \(reason)" + (last.isEmpty ? "" : ": \(last)")
    }

    /// The whole command line and the last 1,500 characters of each output, for a test failure.
    public var detailed: String {
        "`portal-migrate \(arguments.joined(separator: " "))` \(reason): \(result.stdout.suffix(1500))\n\(result.stderr.suffix(1500))"
    }
}

/// A scenario step that failed for a reason other than a command's exit status (the message says which
/// and names the command, record or directory): a setup step, or a quickstart step that could not be
/// completed or verified.
public struct ScenarioSetupError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

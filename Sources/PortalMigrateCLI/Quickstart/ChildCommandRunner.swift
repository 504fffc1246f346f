import ChildProcesses
import Foundation
import PortalModel

/// Runs `portal-migrate` subcommands as child processes of this same binary, the way a user would
/// type them, for `quickstart`.
///
/// Every child runs in `workingDirectory` (so paths in the printed commands are short and relative)
/// with `PORTAL_MIGRATE_HOME`, `PORTAL_MIGRATE_CONFIG_HOME` and `XDG_CONFIG_HOME` pointing into the quickstart's temporary data
/// directory, so nothing of the user's own environments or auth profiles is read or changed.
/// Each command is printed (`$ portal-migrate …`) before it runs; its standard output and error are
/// saved under `logs/` of the working directory and a few lines of its human output are echoed.
final class ChildCommandRunner {
    /// The finished command: exit status, captured output and wall-clock seconds.
    struct Result {
        var arguments: [String]
        var status: Int32
        var stdout: String
        var stderr: String
        var seconds: Double

        /// "`portal-migrate SUBCOMMAND` exited with N: <its last error line>".
        var failure: QuickstartError {
            let last = stderr.split(separator: "\n").last { $0.hasPrefix("error:") } ?? stderr.split(separator: "\n").last ?? ""
            return QuickstartError(
                "`portal-migrate \(arguments.prefix(2).joined(separator: " "))` exited with \(status)"
                    + (last.isEmpty ? "" : ": \(last)"))
        }

        /// The first lines `verify` printed about differences, joined with "; ".
        var differences: String {
            (stdout + "\n" + stderr).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasSuffix("difference(s):") }.prefix(3).joined(separator: "; ")
        }

        /// The standard output parsed as a JSON object.
        /// - Throws: `QuickstartError` naming the command when it is not a JSON object.
        func jsonObject() throws -> [String: Any] {
            if status != 0 { throw failure }
            guard let object = try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any] else {
                throw QuickstartError("`portal-migrate \(arguments.joined(separator: " "))` printed no JSON object: \(stdout.prefix(300))")
            }
            return object
        }

        /// The standard output parsed as a JSON array of objects.
        /// - Throws: `QuickstartError` naming the command when it is not a JSON array.
        func jsonArray() throws -> [[String: Any]] {
            if status != 0 { throw failure }
            guard let array = try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [[String: Any]] else {
                throw QuickstartError("`portal-migrate \(arguments.joined(separator: " "))` printed no JSON array: \(stdout.prefix(300))")
            }
            return array
        }
    }

    /// The `portal-migrate` executable run for each step.
    let executable: URL
    let workingDirectory: URL
    /// The environment of every child (this process's, plus the data and config directories).
    let environment: [String: String]
    /// Echo every line a child prints instead of the first few.
    let verbose: Bool
    private var count = 0

    /// - Parameters:
    ///   - executable: the binary (see `ChildCommandRunner.currentExecutable()`).
    ///   - workingDirectory: the quickstart's temporary directory; `home/` and `config/` inside it become
    ///     `PORTAL_MIGRATE_HOME` and `XDG_CONFIG_HOME` of the children.
    init(executable: URL, workingDirectory: URL, verbose: Bool) {
        self.executable = executable
        self.workingDirectory = workingDirectory
        self.verbose = verbose
        var env = ProcessInfo.processInfo.environment
        env["PORTAL_MIGRATE_HOME"] = workingDirectory.appendingPathComponent("home").path
        env["XDG_CONFIG_HOME"] = workingDirectory.appendingPathComponent("config").path
        env["PORTAL_MIGRATE_CONFIG_HOME"] = workingDirectory.appendingPathComponent("config").path
        self.environment = env
    }

    /// The running binary: `/proc/self/exe` on Linux, else `CommandLine.arguments[0]` resolved against
    /// the current directory and `PATH`.
    /// - Throws: `QuickstartError` when the binary cannot be found.
    static func currentExecutable() throws -> URL {
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
        throw QuickstartError("cannot find the portal-migrate binary to run the steps with (\(arg0))")
    }

    /// Shell quoting for display.
    static func quoted(_ argument: String) -> String {
        let safe = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_./:=,@%+…"))
        if !argument.isEmpty, argument.unicodeScalars.allSatisfy({ safe.contains($0) }) { return argument }
        return "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Prints `$ [prefix ]portal-migrate ARGS`, runs it (`ChildProcess.run`) and waits for it without blocking a thread.
    /// - Parameters:
    ///   - arguments: the subcommand and its options.
    ///   - extraEnvironment: variables added for this child only (for example a deployment profile's
    ///     `${OS.NAME}` value); they are shown as `NAME=…` without their values.
    /// - Returns: the result whatever the exit status.
    /// - Throws: `QuickstartError` when the process cannot be started.
    func run(_ arguments: [String], extraEnvironment: [String: String] = [:]) async throws -> Result {
        count += 1
        let shownVariables = extraEnvironment.keys.sorted().map { "\($0)=…" }
        let line = (shownVariables + ["portal-migrate"] + arguments.map(Self.quoted)).joined(separator: " ")
        printOut("  $ \(line)")

        let logs = workingDirectory.appendingPathComponent("logs", isDirectory: true)
        try? FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let stem = String(format: "%02d-", count) + (arguments.prefix(2).joined(separator: "-"))
        var env = environment
        for (k, v) in extraEnvironment { env[k] = v }
        let child: ChildProcessResult
        do {
            child = try await ChildProcess.run(executable, arguments, environment: env, currentDirectory: workingDirectory)
        } catch {
            throw QuickstartError("cannot start \(executable.path): \(error)")
        }
        // The logs are a convenience for --keep; a log that cannot be written does not stop the step.
        _ = try? SafeFileWriter.write(child.stdoutData, to: stem + ".out", under: logs)
        _ = try? SafeFileWriter.write(child.stderrData, to: stem + ".err", under: logs)
        let result = Result(
            arguments: arguments, status: child.exitCode, stdout: child.stdout, stderr: child.stderr,
            seconds: child.wallSeconds)
        echo(result)
        return result
    }

    /// Echoes the human part of a child's output: its stderr (and stdout when it is not JSON), the
    /// first lines only unless verbose; every line of a failure.
    private func echo(_ result: Result) {
        var text = result.stderr
        let out = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        if !(out.hasPrefix("{") || out.hasPrefix("[")) { text = out + "\n" + text }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let limit = verbose || result.status != 0 ? 40 : 3
        for l in lines.prefix(limit) { printOut("    \(l)") }
        // logs/ outlives the run only with --keep or when a step fails (issue 24 item 8).
        if lines.count > limit { printOut("    … (\(lines.count - limit) more line(s); kept in logs/ with --keep or when a step fails)") }
        if result.status != 0 { printOut("    exit code \(result.status)") }
    }
}

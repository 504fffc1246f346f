import ArgumentParser
import Foundation
import PortalModel
import Terminal

/// The root `portal-migrate` command: lists the subcommands built so far.
public struct PortalMigrateCommand: AsyncParsableCommand {
    /// The tool's version, printed by `--version`.
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "portal-migrate",
        abstract: "Move Power Pages portal configuration between Dataverse environments.",
        discussion: """
            Reads and writes pac paportal site folders and Configuration Migration Tool packages, plans every change before writing, matches records the target already has, and ships an embedded Dataverse-compatible environment for offline rehearsal.

            Example: portal-migrate quickstart

            Exit codes: 0 success; 1 some records failed; 2 bad input or a failed check (nothing written); 64 usage error.
            """,
        version: version,
        subcommands: PortalMigrateCommand.subcommandTypes
    )

    /// Subcommands registered by each command file (keep sorted by user workflow).
    static var subcommandTypes: [any ParsableCommand.Type] {
        [
            QuickstartCommand.self,
            AuthCommand.self, OrgCommand.self, ListCommand.self,
            DownloadCommand.self, PlanCommand.self, UploadCommand.self, MigrateCommand.self, VerifyCommand.self, DiffCommand.self,
            CheckCommand.self,
            SiteCommand.self, CodeSiteCommand.self,
            DataCommand.self, EnvCommand.self, PaportalCommand.self,
        ]
    }

    public init() {}

    /// Runs the command line, mapping `UserFacingError` to its exit code with an `error:` line on stderr.
    ///
    /// With `--json` anywhere on the command line, every failure also prints one object on stdout:
    /// `{"error": {"message": String, "exitCode": Int, "file": String?, "line": Int?, "diagnostics": [...]}}`
    /// (usage errors included; `diagnostics` lists every problem, each with its file, line, record and
    /// column). Commands that already printed their JSON report and then exit non-zero (failed
    /// checks, failed records) throw a bare `ExitCode` and print nothing more.
    public static func runMain(arguments: [String] = Array(CommandLine.arguments.dropFirst())) async {
        let json = arguments.prefix { $0 != "--" }.contains("--json")
        do {
            var command = try parseAsRoot(arguments)
            InterruptHandler.install(for: command)
            // Progress on stderr while the command runs (`--progress`); the live line is erased before
            // any error below is printed.
            try await ProgressDisplay.run(for: command) {
                // Library errors become what a user sees in one place (message, exit code, file and line).
                try await ProblemReport.mapping {
                    if var asyncCommand = command as? AsyncParsableCommand {
                        try await asyncCommand.run()
                    } else {
                        try command.run()
                    }
                }
            }
        } catch {
            fail(error, json: json)
        }
    }

    /// Ends the process on `error`: `error: MESSAGE` on stderr and the exit code (a `UserFacingError`'s,
    /// else ArgumentParser's), with `--json` also the error object on stdout. Credentials in a URL never
    /// reach the terminal (`CredentialRedaction`), whatever error carries them; an error whose message
    /// holds none, without `--json`, is printed by ArgumentParser as usual (usage errors with their usage line).
    static func fail(_ error: any Error, json: Bool) -> Never {
        if let error = error as? UserFacingError {
            let message = CredentialRedaction.redact(error.message)
            FileHandle.standardError.write(Data("error: \(message)\n".utf8))
            if json {
                printOut(
                    errorJSON(message: message, exitCode: error.exitCode, file: error.file, line: error.line, diagnostics: error.diagnostics)
                        .serialized)
            }
            exit(withError: error.exit)
        }
        let code = exitCode(for: error)
        let full = fullMessage(for: error)
        let message = CredentialRedaction.redact(full)
        guard code != .success, !(error is ExitCode), json || message != full else { exit(withError: error) }
        FileHandle.standardError.write(Data((message + "\n").utf8))
        if json { printOut(errorJSON(message: message, exitCode: code.rawValue).serialized) }
        Foundation.exit(code.rawValue)
    }

    /// The `--json` error object: `{"error": {"message", "exitCode", "file"?, "line"?, "diagnostics"}}`,
    /// `diagnostics` naming every problem behind the failure (`ProblemReport.errorJSON`).
    public static func errorJSON(
        message: String, exitCode: Int32, file: String? = nil, line: Int? = nil, diagnostics: [Diagnostic] = []
    ) -> JSONValue {
        ProblemReport.errorJSON(message: message, exitCode: exitCode, file: file, line: line, diagnostics: diagnostics)
    }

    /// `PATH:LINE` at the start of a message (PATH without spaces, containing `/` or `.`), else nil.
    static func leadingPlace(_ message: String) -> (file: String, line: Int)? {
        let head = message.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
        let parts = head.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 2, let line = Int(parts[1]), line > 0 else { return nil }
        let file = String(parts[0])
        guard !file.isEmpty, file.contains("/") || file.contains(".") else { return nil }
        return (file, line)
    }
}

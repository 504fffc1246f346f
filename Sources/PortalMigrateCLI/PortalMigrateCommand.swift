import ArgumentParser
import Foundation

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
            DownloadCommand.self, PlanCommand.self, UploadCommand.self, MigrateCommand.self, VerifyCommand.self,
            DataCommand.self, EnvCommand.self, PaportalCommand.self,
        ]
    }

    public init() {}

    /// Runs the command line, mapping `UserFacingError` to its exit code with an `error:` line on stderr.
    public static func runMain() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as UserFacingError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            exit(withError: error.exitCode)
        } catch {
            exit(withError: error)
        }
    }
}

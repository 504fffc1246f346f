import ArgumentParser
import ConfigurationMigration
import DataverseWebAPI
import Foundation
import LocalEnvironment
import Migration
import PortalFolder
import PortalModel

/// The one place the command line turns a library's error into what a user sees: a message, an exit
/// code (DESIGN.md "Commands": 2 bad input or failed check, nothing written; 1 the environment stopped
/// answering, rerun to resume) and the file and line it names. `PortalMigrateCommand.runMain` runs every
/// command inside `mapping`, so a command no longer needs its own `catch let e as X { throw
/// UserFacingError(e.description) }` (issue 19: 26 catch-and-convert sites in the commands).
enum ProblemReport {
    /// `error` as a `UserFacingError`, or `nil` for an error this mapping does not know (ArgumentParser's
    /// own, `ExitCode`, `CancellationError`, …), which `runMain` handles as before.
    static func userFacing(_ error: any Error) -> UserFacingError? {
        switch error {
        case let e as UserFacingError:
            return e
        case let e as PortalFolderError:
            return UserFacingError(e.description, file: e.file, line: e.line)
        case let e as CMTError:
            return UserFacingError(e.description)
        case let e as DataModelMismatchError:
            return UserFacingError(e.description)
        case let e as DataverseError where e.environmentDidNotAnswer:
            // Not bad input: the run can be repeated as it is (exit 1, issue 17).
            return UserFacingError(
                "the environment did not answer; nothing was written: \(e.userText). Run the command again when it answers",
                exitCode: PortalMigrateExit.recordsFailed)
        case let e as DataverseError:
            return UserFacingError(e.description)
        case let e as AuthenticationError:
            return UserFacingError(e.description)
        case let e as AuthProfileStore.StoreError:
            return UserFacingError(e.description)
        case let e as LocalEnvironmentError:
            return UserFacingError(e.description)
        case let e as DataDirectoryError:
            return UserFacingError(e.description)
        case let e as SafeWriteError:
            return UserFacingError(e.description)
        case let e as ApplyStopped:
            // One report for a target that stopped answering, not one line per remaining record.
            return UserFacingError(e.description, exitCode: PortalMigrateExit.recordsFailed)
        case let e as MigrationError:
            if case .checksFailed = e { return nil } // rendered with its report by MigrationCommandSupport.run
            return UserFacingError(e.description)
        default:
            return nil
        }
    }

    /// Runs `body`, turning the library errors `userFacing` knows into `UserFacingError`; others pass.
    static func mapping(_ body: () async throws -> Void) async throws {
        do { try await body() } catch {
            throw userFacing(error) ?? error
        }
    }

    /// The diagnostics of a folder error (every problem of `.several`, with file and line), for
    /// `--json` outputs that list problems as `Diagnostic` values.
    static func diagnostics(_ error: any Error) -> [Diagnostic] {
        if let e = error as? PortalFolderError { return e.diagnostics }
        guard let u = userFacing(error) else { return [] }
        return [Diagnostic(check: "input", message: u.message, file: u.file, line: u.line)]
    }
}

import ArgumentParser
import Foundation
import Migration
import PortalModel

/// The one place the command line turns a library's error into what a user sees: a message, an exit
/// code (DESIGN.md "Commands": 2 bad input or failed check, nothing written; 1 the environment stopped
/// answering, rerun to resume) and the file and line it names. `PortalMigrateCommand.runMain` runs every
/// command inside `mapping`, so a command no longer needs its own `catch let e as X { throw
/// UserFacingError(e.description) }` (issue 19: 26 catch-and-convert sites in the commands).
enum ProblemReport {
    /// `error` as a `UserFacingError`, or `nil` for an error that is not a `DiagnosticConvertible`
    /// (ArgumentParser's own, `ExitCode`, `CancellationError`, …), which `runMain` handles as before.
    /// Every module's errors conform beside their definition (`…+Diagnostic.swift`): the error says its
    /// message, the file and line it names and its exit code; there is no list of types here.
    static func userFacing(_ error: any Error) -> UserFacingError? {
        if let e = error as? UserFacingError { return e }
        // Rendered with its report by MigrationCommandSupport.run.
        if case MigrationError.checksFailed = error { return nil }
        guard let e = error as? any DiagnosticConvertible else { return nil }
        let place = e.place
        return UserFacingError(
            e.userMessage, exitCode: ExitCode(e.exitCode), file: place?.file, line: place?.line, diagnostics: e.diagnostics)
    }

    /// The `--json` error object: `{"error": {"message", "exitCode", "file"?, "line"?, "diagnostics"}}`.
    /// `diagnostics` lists every problem behind the failure in the order the reader found them, each as
    /// `DiagnosticRenderer.jsonValue` renders it (`check`, `severity`, `message`, and `table`,
    /// `recordID`, `recordName`, `column`, `file`, `line`, `fileColumn`, `fix` when known; `printOut`
    /// removes credentials from URLs in all of it); without any, one is made from the message (check
    /// `usage` for exit 64, else `error`). When `file` is not given and the message starts with
    /// `PATH:LINE:` (how the readers name a place), they are taken from there.
    static func errorJSON(
        message: String, exitCode: Int32, file: String? = nil, line: Int? = nil, diagnostics: [Diagnostic] = []
    ) -> JSONValue {
        var place = (file: file, line: line)
        if place.file == nil, let parsed = PortalMigrateCommand.leadingPlace(message) { place = (parsed.file, parsed.line) }
        var fields: [(String, JSONValue)] = [("message", .string(message)), ("exitCode", .number(String(exitCode)))]
        if let f = place.file { fields.append(("file", .string(f))) }
        if let l = place.line { fields.append(("line", .number(String(l)))) }
        var shown = diagnostics
        if shown.isEmpty {
            let check: DiagnosticCheck = exitCode == PortalMigrateExit.usage.rawValue ? .usage : .error
            shown = [Diagnostic(check: check, message: message, file: place.file, line: place.line)]
        }
        fields.append(("diagnostics", .array(shown.map(DiagnosticRenderer.jsonValue))))
        return .object([("error", .object(fields))])
    }

    /// Runs `body`, turning the library errors `userFacing` knows into `UserFacingError`; others pass.
    static func mapping(_ body: () async throws -> Void) async throws {
        do { try await body() } catch {
            throw userFacing(error) ?? error
        }
    }
}

import ArgumentParser
import PortalModel

/// The tool's exit codes (DESIGN.md, "Commands"), as ArgumentParser's values: the numbers of the one
/// mapping, `DiagnosticExit` (PortalModel).
public enum PortalMigrateExit {
    /// Everything succeeded.
    public static let success = ExitCode(DiagnosticExit.passed)
    /// Some records failed; each is named in the report.
    public static let recordsFailed = ExitCode(DiagnosticExit.rerun)
    /// The input or a check before writing failed; nothing was written.
    public static let checkFailed = ExitCode(DiagnosticExit.failed)
    /// A usage error (ArgumentParser's own code).
    public static let usage = ExitCode(DiagnosticExit.usage)
}

/// An error a user can fix, printed as `error: <message>` with its exit code (2 by default: bad input or
/// failed check). `file` and `line` name the input concerned when known; with `--json` they appear in
/// the error object, beside `diagnostics`: every problem behind the message, each with its own file,
/// line, record and column (a folder with three bad files names three).
///
/// It is the command line's own `DiagnosticConvertible` (usage mistakes, a missing profile, a refused
/// confirmation); a library error keeps its diagnostics when `ProblemReport` turns it into one.
public struct UserFacingError: DiagnosticConvertible {
    public let message: String
    /// The exit code, as ArgumentParser's value (`PortalMigrateExit`).
    public let exit: ExitCode
    public let file: String?
    public let line: Int?
    /// The problems behind `message` when a library error named them (empty: `diagnostics` is one
    /// built from the message).
    public let problems: [Diagnostic]

    /// - Parameters:
    ///   - message: the sentence after `error:`, saying what to do.
    ///   - exitCode: `PortalMigrateExit.checkFailed` (2) unless given; `.usage` (64) for a misused option,
    ///     `.recordsFailed` (1) when the environment failed after accepting work.
    ///   - file, line: the input named, when known.
    ///   - diagnostics: every problem behind the message (a library error's `diagnostics`).
    public init(
        _ message: String, exitCode: ExitCode = PortalMigrateExit.checkFailed, file: String? = nil, line: Int? = nil,
        diagnostics: [Diagnostic] = []
    ) {
        self.message = message
        self.exit = exitCode
        self.file = file
        self.line = line
        self.problems = diagnostics
    }

    public var description: String { message }
    public var userMessage: String { message }
    public var exitCode: Int32 { exit.rawValue }

    /// The problems a library error named, else one diagnostic made from the message: check `usage`
    /// (exit 64), `run-failed` (exit 1) or `input` (exit 2), with the file and line when known.
    public var diagnostics: [Diagnostic] {
        if !problems.isEmpty { return problems }
        let check: DiagnosticCheck =
            exitCode == PortalMigrateExit.usage.rawValue ? .usage : exitCode == PortalMigrateExit.recordsFailed.rawValue ? .runFailed : .input
        return [Diagnostic(check: check, message: message, file: file, line: line)]
    }
}

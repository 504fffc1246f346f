import Foundation

/// An error that knows the problem it stands for, as `Diagnostic` values, and what a run that stopped
/// on it means for the user: bad input or a failed check (nothing written; exit 2), or an environment
/// that stopped answering (the same command can simply be run again; exit 1).
///
/// Each module's errors conform beside their definition (`PortalFolderError+Diagnostic.swift`, …), so
/// the command line turns any of them into what a user sees in one place (`ProblemReport` in
/// `PortalMigrateCLI`) without a list of types to keep up to date, and a new module's error is shown
/// with its file and line as soon as it conforms (issue 19 "One Diagnostic").
///
/// Example:
/// ```swift
/// extension CMTError: DiagnosticConvertible {
///     public var diagnostics: [Diagnostic] { [Diagnostic(check: .cmtInvalidValue, message: message, file: file, line: line)] }
/// }
/// ```
public protocol DiagnosticConvertible: Error, CustomStringConvertible {
    /// The problems the error stands for (at least one), with file, line, record and column when the
    /// error knows them. Default: one `input` diagnostic whose message is `description`.
    var diagnostics: [Diagnostic] { get }

    /// The sentence shown after `error:` (never a secret). Default: `description`.
    var userMessage: String { get }

    /// The process exit code a run that stopped on this error ends with (DESIGN.md "Commands"):
    /// `DiagnosticExit.failed` (2, bad input or a failed check, nothing written; the default) or
    /// `DiagnosticExit.rerun` (1, the environment stopped answering or failed after accepting work;
    /// run the same command again).
    var exitCode: Int32 { get }
}

extension DiagnosticConvertible {
    public var diagnostics: [Diagnostic] { [Diagnostic(check: .input, message: description)] }
    public var userMessage: String { description }
    public var exitCode: Int32 { DiagnosticExit.failed }

    /// The first file and line the diagnostics name, for the `--json` error object.
    public var place: (file: String, line: Int?)? {
        diagnostics.first { $0.file != nil }.map { ($0.file!, $0.line) }
    }
}

extension Diagnostic: DiagnosticConvertible {
    /// A diagnostic is a problem by itself, so `ProblemCollector<Diagnostic>` collects plain diagnostics
    /// (the portal rules) the way it collects a reader's errors: its one diagnostic is itself.
    public var diagnostics: [Diagnostic] { [self] }
}

extension Diagnostic {
    /// `text` as the start of a longer message: a final `.`, `?` or `!` is kept, otherwise a `.` is added,
    /// so a sentence joined after it never reads `right?.`.
    public static func sentence(_ text: String) -> String {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard let last = t.last else { return t }
        return ".?!".contains(last) ? t : t + "."
    }
}

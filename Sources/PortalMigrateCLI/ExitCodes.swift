import ArgumentParser

/// The tool's exit codes (DESIGN.md, "Commands").
public enum PortalMigrateExit {
    /// Everything succeeded.
    public static let success = ExitCode(0)
    /// Some records failed; each is named in the report.
    public static let recordsFailed = ExitCode(1)
    /// The input or a check before writing failed; nothing was written.
    public static let checkFailed = ExitCode(2)
    /// A usage error (ArgumentParser's own code).
    public static let usage = ExitCode(64)
}

/// An error a user can fix, printed as `error: <message>` with exit code 2 (bad input or failed check).
/// `file` and `line` name the input concerned when known; with `--json` they appear in the error object.
public struct UserFacingError: Error, CustomStringConvertible {
    public let message: String
    public let exitCode: ExitCode
    public let file: String?
    public let line: Int?
    public init(_ message: String, exitCode: ExitCode = PortalMigrateExit.checkFailed, file: String? = nil, line: Int? = nil) {
        self.message = message
        self.exitCode = exitCode
        self.file = file
        self.line = line
    }
    public var description: String { message }
}

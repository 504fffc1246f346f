import Foundation

// The PortalModel errors a command can stop on, as diagnostics (`DiagnosticConvertible`).

extension DataverseError: DiagnosticConvertible {
    /// True when the environment did not answer after the client's retries: the connection failed or
    /// timed out (`Code.transport`), or it kept answering 429, 502, 503 or 504
    /// (research/dataverse-webapi.md §5–§6). A 500 is an answer (a refusal), not silence.
    public var environmentDidNotAnswer: Bool {
        if code == Code.transport { return true }
        guard let status = httpStatus else { return false }
        return [429, 502, 503, 504].contains(status)
    }

    /// The error for a person: a transport failure's own sentence (which names the URL) without the
    /// tool's internal code and the request; any other error's full description.
    public var userText: String { code == Code.transport ? message : description }

    /// One `environment` diagnostic (`environment-did-not-answer` when it did not), naming the table,
    /// record and column the environment named.
    public var diagnostics: [Diagnostic] {
        [
            Diagnostic(
                check: environmentDidNotAnswer ? .environmentDidNotAnswer : .environment, message: userText,
                table: logicalName, recordID: recordID, column: column,
                fix: environmentDidNotAnswer ? "run the command again when the environment answers" : nil)
        ]
    }

    /// An environment that did not answer is not bad input: nothing was written and the same command
    /// can be run again (exit 1, issue 17); any other refusal is exit 2.
    public var userMessage: String {
        guard environmentDidNotAnswer else { return description }
        return "the environment did not answer and nothing was written: \(Diagnostic.sentence(userText)) Run the command again when it answers"
    }

    public var exitCode: Int32 { environmentDidNotAnswer ? DiagnosticExit.rerun : DiagnosticExit.failed }
}

extension SafeWriteError: DiagnosticConvertible {}

extension DataDirectoryError: DiagnosticConvertible {}

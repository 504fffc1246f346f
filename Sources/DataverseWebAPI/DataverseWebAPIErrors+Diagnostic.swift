import Foundation
import PortalModel

// The Web API module's errors a command can stop on, as diagnostics (`DiagnosticConvertible`).

extension AuthenticationError: DiagnosticConvertible {}

extension AuthProfileStore.StoreError: DiagnosticConvertible {}

extension PowerPagesAdminError: DiagnosticConvertible {
    /// A refusal before anything changed is exit 2; no answer, a 5xx or throttling (429) is exit 1: the
    /// operation may have started, and running the command again is the way on.
    public var exitCode: Int32 { status == 0 || status >= 500 || status == 429 ? DiagnosticExit.rerun : DiagnosticExit.failed }
}

extension AdminOperationFailure: DiagnosticConvertible {
    /// The operation was accepted and then failed or did not finish in time: exit 1.
    public var exitCode: Int32 { DiagnosticExit.rerun }
}

import Foundation
import PortalModel

extension MigrationError: DiagnosticConvertible {
    /// `checksFailed`: every diagnostic it carries; the other cases one diagnostic (`deployment-profile`,
    /// `journal`, `input`).
    public var diagnostics: [Diagnostic] {
        switch self {
        case .checksFailed(let all): return all
        case .deploymentProfile: return [Diagnostic(check: .deploymentProfile, message: description)]
        case .journal: return [Diagnostic(check: .journal, message: description)]
        case .invalid: return [Diagnostic(check: .input, message: description)]
        case .stoppedPartway: return [Diagnostic(check: .stoppedPartway, message: description)]
        }
    }

    /// `stoppedPartway`: exit 1 (the environment was changed; the message says how to go on); else 2.
    public var exitCode: Int32 {
        if case .stoppedPartway = self { return DiagnosticExit.rerun }
        return DiagnosticExit.failed
    }
}

extension ApplyStopped: DiagnosticConvertible {
    /// One `environment-stopped-answering` diagnostic; the report in `description` says what was
    /// written and that the same command resumes.
    public var diagnostics: [Diagnostic] {
        [Diagnostic(check: .environmentStoppedAnswering, message: description, fix: "run the same command again to resume")]
    }

    /// Not bad input: the run resumes when run again (exit 1).
    public var exitCode: Int32 { DiagnosticExit.rerun }
}

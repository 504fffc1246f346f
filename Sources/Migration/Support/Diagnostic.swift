import Foundation
import PortalModel

// `Diagnostic` and its check (`DiagnosticCheck`, with `PortalRuleID`), the one collector
// (`ProblemCollector`), renderer (`DiagnosticRenderer`) and exit-code mapping (`DiagnosticExit`) live in
// PortalModel (Sources/PortalModel/Diagnostics/) so every module reports problems in one shape.

/// Errors the engine throws when it cannot continue at all (as opposed to diagnostics, which are
/// collected and reported together).
public enum MigrationError: Error, Sendable, CustomStringConvertible {
    /// Checks before writing failed; nothing was written. Carries every failing diagnostic.
    case checksFailed([Diagnostic])
    /// A deployment profile could not be read or applied (file, line or key, reason).
    case deploymentProfile(String)
    /// The journal under the data directory could not be read or written.
    case journal(String)
    /// Another problem with a clear message (a website that does not exist, a bad option).
    case invalid(String)
    /// A procedure of several steps stopped after some of them changed the environment (the message
    /// says what was done and what to do); exit 1, not bad input.
    case stoppedPartway(String)

    public var description: String {
        switch self {
        case .checksFailed(let ds):
            return "\(ds.count) check(s) failed before writing; nothing was written:\n" + ds.map { "  \($0)" }.joined(separator: "\n")
        case .deploymentProfile(let m): return "deployment profile: \(m)"
        case .journal(let m): return "journal: \(m)"
        case .invalid(let m), .stoppedPartway(let m): return m
        }
    }
}

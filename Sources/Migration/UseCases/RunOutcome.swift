import Foundation
import PortalModel

extension MigrationReport {
    /// The one rule for a writing run's outcome (DESIGN.md "Proof"; exit code 0 or 1): true when every
    /// planned record was written (no failure), `--force` left no record out, and the read-back (when
    /// run) found everything planned. `upload`, `migrate`, `data import` and each step of a code-site
    /// upload end with exit code 1 when it is false.
    public var wroteEverything: Bool {
        failures.isEmpty && !forced && (verification?.passed ?? true)
    }
}

// The exit code of each use case's outcome (DESIGN.md "Commands": 0 everything succeeded or the sides
// are the same; 1 some records failed or the sides differ, each named; 2 a check before writing failed,
// nothing written). A command throws it when it is not 0.

extension MigrationReport {
    /// 0 when `wroteEverything`, else 1 (`upload`, `migrate`, `data import`, a code-site upload's step).
    public var exitCode: Int32 { wroteEverything ? DiagnosticExit.passed : DiagnosticExit.rerun }
}

extension PendingRun {
    /// `plan`'s exit code: 2 when a check failed (the plan is still shown in full), else 0.
    public var planExitCode: Int32 { errors.isEmpty ? DiagnosticExit.passed : DiagnosticExit.failed }
}

extension VerifyResult {
    /// `verify`'s exit code: 0 when the target holds exactly the source's configuration, else 1.
    public var exitCode: Int32 { identical ? DiagnosticExit.passed : DiagnosticExit.rerun }
}

extension DriftResult {
    /// `diff`'s exit code: 0 when the sides hold the same configuration (apart from what is expected to
    /// differ), else 1.
    public var exitCode: Int32 { identical ? DiagnosticExit.passed : DiagnosticExit.rerun }
}

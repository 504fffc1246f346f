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

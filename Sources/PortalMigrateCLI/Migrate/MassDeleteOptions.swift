import ArgumentParser
import Foundation
import Migration
import PortalModel

/// `--allow-mass-delete`, `--max-delete-share` and `--max-deletes` of `upload`, `migrate`, `plan` and
/// `data import` (issue 21 "Safe deletions"): the limits of the `mass-delete` check (`MassDeleteCheck`).
public struct MassDeleteOptions: ParsableArguments {
    @Flag(
        name: .customLong("allow-mass-delete"),
        help:
            "Delete even when the plan deletes more than --max-delete-share of a table or more than --max-deletes records in all (by default such a plan stops before writing, exit 2)."
    )
    public var allowMassDelete = false

    @Option(
        name: .customLong("max-delete-share"),
        help: "Percent of one table's target records a plan may delete (applies to a table losing 3 or more records, or all of them).")
    public var maxDeleteShare: Double = 10

    @Option(name: .customLong("max-deletes"), help: "Records a plan may delete in all tables together.")
    public var maxDeletes: Int = 50

    public init() {}

    public func validate() throws {
        guard maxDeleteShare >= 0 && maxDeleteShare <= 100 else {
            throw ValidationError("--max-delete-share is a percent from 0 to 100 (got \(maxDeleteShare))")
        }
        guard maxDeletes >= 0 else { throw ValidationError("--max-deletes is a number of records, 0 or more (got \(maxDeletes))") }
    }

    /// The limits of the `mass-delete` check.
    public var limits: MassDeleteLimits {
        MassDeleteLimits(maxDeleteShare: maxDeleteShare, maxDeletes: maxDeletes, allowed: allowMassDelete)
    }
}

extension WriteOptions {
    /// Sets `--dry-run`, `--no-verify` and the command's `--force` on `choices`.
    func apply(to choices: inout RunChoices, force: Bool) {
        choices.dryRun = dryRun
        choices.verifyAfterWrite = !noVerify
        choices.force = force
    }
}

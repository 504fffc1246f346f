import Foundation
import PortalModel

/// The limits of the `mass-delete` check (issue 21 "Safe deletions"; research/alm-landscape-2026.md §3 N1:
/// a corrupted delete manifest wiped every page of a downstream environment).
///
/// - `maxDeleteShare`: percent (0–100) of one table's target records a plan may delete (`--max-delete-share`,
///   default 10). It applies to a table that loses at least `shareFloor` records, or all of its records, so
///   deleting one page of a small site is not a "mass" deletion while emptying a table always is.
/// - `maxDeletes`: records a plan may delete in all tables together (`--max-deletes`, default 50).
/// - `allowed`: `--allow-mass-delete`: the check is not run.
public struct MassDeleteLimits: Sendable, Hashable {
    public var maxDeleteShare: Double
    public var maxDeletes: Int
    public var allowed: Bool
    /// Deletions in one table below which the share limit is not applied (unless the table is emptied).
    public static let shareFloor = 3

    public init(maxDeleteShare: Double = 10, maxDeletes: Int = 50, allowed: Bool = false) {
        self.maxDeleteShare = maxDeleteShare
        self.maxDeletes = maxDeletes
        self.allowed = allowed
    }
}

/// `mass-delete`: a plan that deletes more than `maxDeleteShare` percent of a table's records in the
/// target, or more than `maxDeletes` records in all, fails before any write (exit 2) unless
/// `--allow-mass-delete`. Counts every planned record deletion alike: `--prune` and a pac manifest's
/// `IsDeleted: true` entries (`PlanOptions.explicitDeletions`). N:N link removals are not counted.
/// Not bypassed by `--force` (`MigrationEngine.migrate`).
public enum MassDeleteCheck {
    /// The check's name in diagnostics.
    public static let name = DiagnosticCheck.massDelete

    /// Per table: records the plan deletes and records the target has (of the website being written,
    /// or of the table when the plan is by table), sorted by table.
    public static func counts(_ planning: PlanningResult) -> [(table: String, deleted: Int, total: Int)] {
        var deleted: [String: Int] = [:]
        for d in planning.plan.deletions { deleted[d.table, default: 0] += 1 }
        return deleted.keys.sorted().map { t in
            let n = deleted[t] ?? 0
            return (t, n, max(n, planning.targetSnapshot.records[t]?.count ?? 0))
        }
    }

    /// Runs the check.
    /// - Parameters:
    ///   - planning: the plan and the target's records.
    ///   - limits: the limits; `nil` (a library caller that set none) or `allowed` runs nothing.
    /// - Returns: one error diagnostic per table over the share limit, and one for the total over
    ///   `maxDeletes`; each names the counts and how to proceed. Empty when within the limits.
    public static func run(planning: PlanningResult, limits: MassDeleteLimits?) -> [Diagnostic] {
        guard let limits, !limits.allowed else { return [] }
        let counts = counts(planning)
        let total = counts.reduce(0) { $0 + $1.deleted }
        guard total > 0 else { return [] }
        let how =
            "check the source (a pac folder's .portalconfig/manifest.yml IsDeleted entries, or --prune) and, if these deletions are wanted, rerun with --allow-mass-delete (or raise --max-delete-share / --max-deletes)"
        let summary = counts.map { "\($0.table) \($0.deleted) of \($0.total)" }.joined(separator: ", ")
        var out: [Diagnostic] = []
        for c in counts {
            let share = Double(c.deleted) * 100 / Double(max(c.total, 1))
            let applies = c.deleted >= MassDeleteLimits.shareFloor || c.deleted == c.total
            guard applies && share > limits.maxDeleteShare else { continue }
            let pct = share.rounded() == share ? String(Int(share)) : String(format: "%.1f", share)
            out.append(
                Diagnostic(
                    check: name,
                    message:
                        "the plan deletes \(c.deleted) of the target's \(c.total) \(c.table) records (\(pct)%, more than --max-delete-share \(formatShare(limits.maxDeleteShare))%); \(how)",
                    table: c.table))
        }
        if total > limits.maxDeletes {
            out.append(
                Diagnostic(
                    check: name,
                    message: "the plan deletes \(total) records in all (more than --max-deletes \(limits.maxDeletes)): \(summary); \(how)"))
        }
        return out
    }

    private static func formatShare(_ v: Double) -> String {
        v.rounded() == v ? String(Int(v)) : String(v)
    }
}

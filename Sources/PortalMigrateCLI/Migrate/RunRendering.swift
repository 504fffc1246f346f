import ArgumentParser
import DataverseWebAPI
import Foundation
import Migration
import PortalModel

/// How the writing commands (`upload`, `migrate`, `data import`) show a `PendingRun` and apply it;
/// the rules (checks, force, dry run, what is written) are the use case's.
///
/// 1. the plan is printed when verbose, for a dry run, or when it deletes records; otherwise the records
///    it skips (environment-specific tables, deletions already done) are;
/// 2. failed checks stop the run (`PendingRun.stopIfChecksFailed`, exit 2) unless `--force`;
/// 3. a dry run prints the plan report and returns;
/// 4. deletions need `--yes`, or a "y" typed on a terminal (no terminal: a `UserFacingError`);
/// 5. `apply` writes, reads back and compares, and the result report is printed.
enum RunRendering {
    /// - Throws: `MigrationError.checksFailed`; `UserFacingError` when deletions are not confirmed or the
    ///   target stopped answering after writing began; `ExitCode(1)` when records failed, `--force` left
    ///   records out, or the read-back found a discrepancy; `ApplyStopped` naming the target's URL.
    static func confirmAndApply(_ pending: PendingRun, target: RunTarget, verbose: Bool, yes: Bool, json: Bool) async throws {
        let plan = pending.plan
        if verbose || pending.writesNothing || !plan.deletions.isEmpty {
            let lines = PlanRenderer.lines(plan) + skippedLines(plan)
            printHuman(lines.isEmpty ? "No changes." : lines.joined(separator: "\n"), json: json)
        } else if !plan.skipped.isEmpty {
            printHuman(skippedLines(plan).joined(separator: "\n"), json: json)
        }
        try pending.stopIfChecksFailed()
        if pending.writesNothing {
            printReport(pending.planReport, json: json, verbose: verbose)
            return
        }
        // Warnings of planning and checks are said before anything is written (the source's own were
        // printed as it was read).
        for w in pending.warningsToTell { printErr(DiagnosticRenderer.line(w)) }
        if pending.deletionsToConfirm > 0 && !yes { try confirmDeletions(pending.deletionsToConfirm) }
        if !pending.unblockExtensions.isEmpty {
            printHuman(
                "The target's blocked attachment list will be changed for this run (allowing \(pending.unblockExtensions.sorted().joined(separator: ", "))) and restored at the end.",
                json: json)
        }
        let report = try await apply(pending, target: target, json: json)
        printReport(report, json: json, verbose: verbose)
        try exitWith(report.exitCode)
    }

    /// Asks on a terminal before deleting `count` records.
    /// - Throws: `UserFacingError` when there is no terminal or the answer is not yes.
    static func confirmDeletions(_ count: Int) throws {
        try confirmOrRefuse(
            "Delete \(count) record(s) in the target?", yes: false, refusal: "\(count) record(s) would be deleted; pass --yes to confirm",
            declined: "nothing written: deletions not confirmed")
    }

    /// Applies `pending`, its progress lines said as they come (`PendingRun.apply`: a target that stops
    /// answering is named by its URL, and after writing began the error says to rerun, exit 1).
    static func apply(_ pending: PendingRun, target: RunTarget, json: Bool) async throws -> MigrationReport {
        try await pending.apply { line in printHuman(line, json: json) }
    }

    /// The report's summary (stderr with `--json`), and the JSON report on stdout with `--json`.
    /// - Parameter verbose: every table in the summary, not only those with changes.
    static func printReport(_ report: MigrationReport, json: Bool, verbose: Bool = false) {
        printHuman(report.humanSummary(verbose: verbose), json: json)
        if json { printOut(report.jsonText()) }
    }

    /// The plan's records left out on purpose (environment-specific tables, deletions of records the
    /// target does not have), one line each, under a heading.
    static func skippedLines(_ plan: MigrationPlan) -> [String] {
        guard !plan.skipped.isEmpty else { return [] }
        return ["Skipped (\(plan.skipped.count)):"]
            + plan.skipped.map { s in
                "  · skip \(s.table) \(s.id.dataverseString)\(s.name.map { " \"\($0)\"" } ?? ""): \(s.reason)"
            }
    }

}

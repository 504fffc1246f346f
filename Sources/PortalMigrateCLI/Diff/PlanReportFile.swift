import Foundation
import Migration
import PortalModel
import Reports

/// `plan --report FILE.html`: the plan drawn as the drift report is (`ReportDocument.plan`), written
/// to the file the user named (`SafeFileWriter`: no link followed). Failed checks and warnings are listed
/// first on the page; the report is written even when a check failed, so a reviewer sees why.
enum PlanReportFile {
    /// Renders `pending` and writes it to `path`; says where on the terminal.
    /// - Throws: `UserFacingError` when the page cannot be made or written.
    static func write(_ pending: PendingRun, source: RunSource, target: RunTarget, to path: String, json: Bool) throws {
        let problems = (pending.errors + pending.warningsToTell).map(DiagnosticRenderer.line)
        let document = ReportDocument.plan(
            pending.plan, source: pending.prepared.source, target: pending.prepared.planning.targetSnapshot,
            sourceLabel: source.location, targetLabel: target.name ?? "the selected environment",
            problems: problems, hiddenColumns: pending.options.plan.hiddenColumns)
        let html: String
        do { html = try HTMLReport.render(document) } catch { throw UserFacingError("the plan report could not be made: \(error)") }
        try DiffCommand.write(html, to: (URL(fileURLWithPath: path), path))
        printHuman("Plan report written to \(path)", json: json)
    }
}

import ArgumentParser
import Foundation
import Migration
import PortalModel

/// `portal-migrate plan`: what a migration would change, record by record, without writing.
public struct PlanCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what migrating a website would create, update and delete, without writing.",
        discussion: """
            Compares the source website with the target's current records: records match by id, then by natural \
            key (a target provisioned from the same template keeps its own Home page, roles, snippets…), and only \
            differences are listed. Deletions (with --prune) are listed first. Secret values are hidden.

            Into an enhanced-model target (--targetModelVersion 2), records without an enhanced counterpart are \
            listed as not migrated, with their counts by table.

            Exit code 2 when a check before writing fails.

            Example: portal-migrate plan --from local:dev --to local:test --webSiteId 6f0c… --targetWebSiteId 1d2e…
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var endpoints: MigrationEndpointOptions
    @OptionGroup var massDelete: MassDeleteOptions
    @Flag(name: .long, help: "Also delete target records and N:N links the source does not have.")
    var prune = false
    @Option(name: .customLong("unblock-extensions"), help: "Extensions the run would unblock (comma-separated), for the blocked-extension check.")
    var unblockExtensions: String?
    @Flag(name: .long, help: "Also list unchanged records.")
    var all = false
    @OptionGroup var absent: KeepAbsentColumnsOption
    @Option(
        name: .customLong("report"), help: "Also write the plan as one self-contained HTML page (site map, records, links, web files) to this file.")
    var report: String?

    public init() {}

    public func run() async throws {
        try await MigrationCommandSupport.run(json: global.json) {
            let source = try await endpoints.source(verbose: global.verbose)
            let target = try MigrationCommandSupport.target(endpoints.targetSpec(global), verbose: global.verbose)
            var choices = try endpoints.choices()
            choices.prune = prune
            choices.keepAbsentColumns = absent.keepAbsentColumns
            choices.massDelete = massDelete.limits
            choices.unblockExtensions = RunChoices.extensions(unblockExtensions)
            let pending = try await MigrationUseCases.prepare(Self.runKind, source: source, target: target, choices: choices)
            let lines =
                PlanRenderer.lines(pending.plan, includeUnchanged: all) + RunRendering.skippedLines(pending.plan)
                + DataModelPolicy.notMigratedSummary(pending.plan, source: pending.sourceModel, target: pending.targetModel)
            printHuman(lines.isEmpty ? "No changes." : lines.joined(separator: "\n"), json: global.json)
            RunRendering.printReport(pending.planReport, json: global.json, verbose: global.verbose)
            if let report { try PlanReportFile.write(pending, source: source, target: target, to: report, json: global.json) }
            try exitWith(pending.planExitCode)
        }
    }
}

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
    @Flag(name: .customLong("keep-absent-columns"), help: ArgumentHelp(KeepAbsentColumns.help))
    var keepAbsentColumns = false

    public init() {}

    public func run() async throws {
        try await MigrationCommandSupport.run(json: global.json) {
            let (source, sourceModel, folder) = try await EnhancedModelOptions.sourceAndFolder(endpoints, verbose: global.verbose)
            let (_, target, targetModel) = try await EnhancedModelOptions.target(endpoints, global: global, source: source, sourceModel: sourceModel)
            var plan = PlanOptions(targetWebsiteID: try endpoints.targetWebsiteID(), prune: prune, match: endpoints.match,
                                   missingLookups: endpoints.missingLookups)
            if let folder {
                EnhancedModelOptions.addFolderPlan(folder, to: &plan, keepAbsentColumns: keepAbsentColumns)
            } else {
                plan.hints = .environment(keepAbsentColumns: keepAbsentColumns)
            }
            EnhancedModelOptions.listUnmapped(&plan, target: targetModel)
            massDelete.apply(to: &plan)
            let options = MigrationOptions(
                plan: plan,
                unblockExtensions: Set((unblockExtensions ?? "").split(separator: ",").map(String.init)),
                deploymentProfile: try endpoints.profileURL())
            let prepared = try await MigrationEngine().prepare(source: source,
                                                               target: target, options: options)
            let lines = PlanRenderer.lines(prepared.plan, includeUnchanged: all) + MigrationCommandSupport.skippedLines(prepared.plan)
                + EnhancedModelOptions.notMigratedSummary(prepared.plan, source: sourceModel, target: targetModel)
            MigrationCommandSupport.say(lines.isEmpty ? "No changes." : lines.joined(separator: "\n"), json: global.json)
            let report = prepared.report
            MigrationCommandSupport.say(report.humanSummary(), json: global.json)
            if global.json { printOut(report.jsonText()) }
            if !prepared.errors.isEmpty { throw ExitCode(PortalMigrateExit.checkFailed.rawValue) }
        }
    }
}

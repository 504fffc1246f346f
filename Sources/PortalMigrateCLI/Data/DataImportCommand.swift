import ArgumentParser
import ConfigurationMigration
import Foundation
import Migration
import PortalModel

/// `portal-migrate data import --data D.zip [--environment ENV] [--dry-run] [--json]`: hands a CMT package
/// (zip or folder) to the migration engine — plan, checks before writing, apply, journal, report
/// (pac's `pac data import`).
public struct DataImportCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a Configuration Migration Tool data.zip (or folder) through the migration engine.",
        discussion: """
        Records match by id, then by the schema's updateCompare columns, then by natural key (portal \
        languages by LCID); never silently by name. Entities with skipupdate="true" keep their existing \
        records as they are (only missing records are created). Entities with disableplugins="true" are \
        written bypassing custom plug-ins. A package without a website (portal languages and settings, or \
        any tables) is planned table by table.

        A package whose website is not in the target while the target has another website of the same name \
        (provisioned and not cleaned) is warned about before writing, naming both; --targetWebSiteId writes \
        the package's website into the existing one (its name and primary domain are kept).

        Every check runs before the first write. Exit codes: 0 all written; 1 some records failed, or the \
        target stopped answering (rerun the same command to resume); 2 a check failed (nothing written).

        Example: portal-migrate data import --data data.zip --environment local:test --dry-run
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var write: WriteOptions
    @OptionGroup var massDelete: MassDeleteOptions

    @Option(name: .customLong("data"), help: "The package: a data.zip or a folder holding data.xml and data_schema.xml.")
    var data: String

    @Option(name: .customLong("match"), help: "How records are matched: key (id, then natural key) or id (ids only).")
    var match: MatchMode = .key

    @Option(name: .customLong("missing-lookups"), help: "Lookups to records neither the package nor the target has: fail (a failed check) or drop (clear and list).")
    var missingLookups: MissingLookupPolicy = .fail

    @Flag(name: .long, help: "Proceed without the records that fail a check; exit code 1.")
    var force = false

    @Option(name: .customLong("targetWebSiteId"), help: "Write the package's website into this existing website of the target (as migrate --targetWebSiteId).")
    var targetWebSiteId: String?

    @Flag(name: .long, help: "Do not ask before writing (as upload and migrate; an import never deletes).")
    var yes = false

    @Flag(name: .customLong("keep-absent-columns"), help: ArgumentHelp(KeepAbsentColumns.help))
    var keepAbsentColumns = false

    public init() {}

    /// `--targetWebSiteId` as a GUID. - Throws: a usage error (exit 64) when it is not one.
    func targetWebsiteID() throws -> UUID? {
        guard let t = targetWebSiteId else { return nil }
        guard let id = UUID(dataverse: t) else { throw UserFacingError("--targetWebSiteId '\(t)' is not a GUID", exitCode: PortalMigrateExit.usage) }
        return id
    }

    public func run() async throws {
        let json = global.json
        try await MigrationCommandSupport.run(json: json) {
            let package: CMTPackage
            do {
                package = try CMTPackage(contentsOf: URL(fileURLWithPath: data))
            } catch let e as CMTError {
                throw UserFacingError(e.description)
            }
            for w in package.warnings { printErr("warning: \(w)") }
            let target = try MigrationCommandSupport.service(global.environment, verbose: global.verbose)
            var snapshot = package.snapshot
            if let sites = snapshot.records["adx_website"], sites.count == 1 { snapshot.websiteID = sites[0].id }
            let bypass = package.schema.entities.contains { $0.disablePlugins }
            let runKey = ["data-import", URL(fileURLWithPath: data).standardizedFileURL.path, global.environment ?? "-",
                          match.rawValue, missingLookups.rawValue, targetWebSiteId?.lowercased() ?? "-", keepAbsentColumns ? "keep-absent" : "-"].joined(separator: "|")
            var options = MigrationOptions(
                plan: PlanOptions(targetWebsiteID: try targetWebsiteID(), match: match, missingLookups: missingLookups),
                apply: ApplyOptions(bypassPlugins: bypass),
                force: force, dryRun: write.dryRun, runKey: runKey, targetKey: global.environment ?? "-")
            options.blockedAttachmentsWriter = MigrationCommandSupport.blockedWriter(target)
            options.verifyAfterWrite = !write.noVerify
            massDelete.apply(to: &options.plan)
            // A field the schema names but a record leaves out is empty in the source (research/cmt-format.md).
            options.plan.hints = .package(fields: Dictionary(package.schema.entities.map { ($0.name, Set($0.fields.map(\.name))) },
                                                             uniquingKeysWith: { $0.union($1) }),
                                          keepAbsentColumns: keepAbsentColumns)
            options.plan.hints.warnings = package.warnings.map { Diagnostic(check: "package", severity: .warning, message: $0) }
            for e in package.schema.entities {
                if !e.comparisonKeys.isEmpty { options.plan.compareColumns[e.name] = e.comparisonKeys }
                if e.skipUpdate == true { options.plan.skipUpdateTables.insert(e.name) }
                options.plan.keptSystemColumns.formUnion(Set(e.fields.map(\.name)).intersection(PortalTables.importableSystemColumns))
            }
            let engine = MigrationEngine()
            let source = MigrationSource.snapshot(snapshot, organization: nil)
            let prepared = try await engine.prepare(source: source, target: target, options: options)
            if write.dryRun || global.verbose {
                let lines = PlanRenderer.lines(prepared.plan)
                MigrationCommandSupport.say(lines.isEmpty ? "No changes." : lines.joined(separator: "\n"), json: json)
            }
            if !prepared.errors.isEmpty && !force { throw MigrationError.checksFailed(prepared.checks) }
            let report: MigrationReport
            if write.dryRun {
                var r = prepared.report
                r.dryRun = true
                report = r
            } else {
                // Warnings of planning and checks are said before anything is written (the package's own
                // were printed as read).
                for w in prepared.checks where w.severity == .warning && w.check != "package" { printErr("warning: \(w)") }
                report = try await MigrationCommandSupport.migrate(engine: engine, source: source, target: target, options: options,
                                                                   prepared: prepared, json: json)
            }
            MigrationCommandSupport.say(report.humanSummary(), json: json)
            if json { printOut(report.jsonText()) }
            if !report.failures.isEmpty || report.forced || !(report.verification?.passed ?? true) {
                throw ExitCode(PortalMigrateExit.recordsFailed.rawValue)
            }
        }
    }
}

import ArgumentParser
import ConfigurationMigration
import FileFormats
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
    @OptionGroup var writing: WritingRunOptions

    @Option(name: .customLong("data"), help: "The package: a data.zip or a folder holding data.xml and data_schema.xml.")
    var data: String

    @Option(name: .customLong("match"), help: "How records are matched: key (id, then natural key) or id (ids only).")
    var match: MatchMode = .key

    @Option(
        name: .customLong("missing-lookups"),
        help: "Lookups to records neither the package nor the target has: fail (a failed check) or drop (clear and list).")
    var missingLookups: MissingLookupPolicy = .fail

    @Option(
        name: .customLong("targetWebSiteId"),
        help: "Write the package's website into this existing website of the target (as migrate --targetWebSiteId).")
    var targetWebSiteId: String?

    @Flag(name: .long, help: "Do not ask before writing (as upload and migrate; an import never deletes).")
    var yes = false

    public init() {}

    public func run() async throws {
        try await MigrationCommandSupport.run(json: global.json) {
            let source = try SourceFactory.read(CMTPackageSource(URL(fileURLWithPath: data)), model: nil)
            let target = try MigrationCommandSupport.target(global.environment, verbose: global.verbose)
            var choices = RunChoices()
            choices.targetWebsiteID = try WebsiteIDOption.parse(targetWebSiteId, option: "--targetWebSiteId")
            choices.match = match
            choices.missingLookups = missingLookups
            writing.apply(to: &choices)
            // Planned once: the plan shown (--dry-run, --verbose) is the plan applied.
            let pending = try await MigrationUseCases.prepare(Self.runKind, source: source, target: target, choices: choices)
            try await RunRendering.confirmAndApply(pending, target: target, verbose: global.verbose, yes: yes, json: global.json)
        }
    }
}

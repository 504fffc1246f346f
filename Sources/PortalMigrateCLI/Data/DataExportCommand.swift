import ArgumentParser
import ConfigurationMigration
import FileFormats
import Foundation
import Migration
import PortalModel

/// `portal-migrate data export --schemaFile S --dataFile D.zip [--environment ENV] [--overwrite]`:
/// exports the records, N:N links and notes a CMT schema names into a CMT package (pac's `pac data export`).
public struct DataExportCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the records a Configuration Migration Tool schema names into a data.zip.",
        discussion: """
            Applies each entity's <filter> (FetchXML: and/or, eq, ne, null, not-null, in, like, on-or-after, \
            on-or-before, link-entity), reads notes with their bodies and the N:N links the schema lists, and \
            writes data.xml, data_schema.xml (a copy of the schema file) and [Content_Types].xml.

            Example: portal-migrate data export --schemaFile schema.xml --dataFile data.zip --environment local:dev
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("schemaFile"), help: "The CMT schema file (for example from `data schema`).")
    var schemaFile: String

    @Option(name: .customLong("dataFile"), help: "The zip to write (default data.zip).")
    var dataFile: String = "data.zip"

    @Flag(name: .long, help: "Replace the data file if it exists.")
    var overwrite = false

    public init() {}

    public func run() async throws {
        let out = URL(fileURLWithPath: dataFile)
        let json = global.json
        let export = try await PackageExport.run(
            schemaFile: URL(fileURLWithPath: schemaFile), dataFile: out, overwrite: overwrite,
            from: try EnvironmentResolver.service(for: global.environment, verbose: global.verbose)
        ) { p in
            printHuman("\(p.table): \(p.records) record(s)" + (p.links > 0 ? ", \(p.links) N:N link(s)" : ""), json: json)
        }
        for (name, gap) in export.coverage where !gap.isComplete {
            printErr("warning: the schema does not carry what website '\(name)' holds in these tables and N:N relationships (not exported):")
            for line in gap.lines { printErr(line) }
            printErr("  add them to the schema to carry them, or export the site with `download` (a pac folder carries every portal table)")
        }
        Self.render(export.package.snapshot, to: out, coverage: export.coverage, json: json)
    }

    /// The summary, or with `--json` `{"dataFile", "records", "links", "notes", "tables": {table: count},
    /// "notCarried": {website: gap}}` on stdout.
    static func render(_ snapshot: PortalSnapshot, to out: URL, coverage: [(website: String, gap: SchemaCoverage)], json: Bool) {
        let records = snapshot.recordCount
        let links = snapshot.links.values.reduce(0) { $0 + $1.count }
        if json {
            let tables: [(String, JSONValue)] = snapshot.tableNames.map { ($0, .number(String(snapshot.records[$0]?.count ?? 0))) }
            printJSON([
                ("dataFile", .string(out.path)), ("records", .number(String(records))),
                ("links", .number(String(links))), ("notes", .number(String(snapshot.bodies.count))),
                ("tables", .object(tables)), ("notCarried", .object(coverage.map { ($0.website, $0.gap.json) })),
            ])
            return
        }
        printOut("Exported \(records) record(s), \(links) N:N link(s) and \(snapshot.bodies.count) note bodies to \(out.path)")
        if coverage.contains(where: { !$0.gap.isComplete }) {
            printOut("The schema left out records or links of the website (warning above): the package holds only the tables the schema names.")
        }
    }
}

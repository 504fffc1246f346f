import ArgumentParser
import ConfigurationMigration
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
        let json = global.json
        try await userFacing {
            let schemaURL = URL(fileURLWithPath: schemaFile)
            let out = URL(fileURLWithPath: dataFile)
            if FileManager.default.fileExists(atPath: out.path) && !overwrite {
                throw UserFacingError("\(dataFile) exists; use --overwrite to replace it")
            }
            // CMTError reaches the user through ProblemReport (exit 2, its message).
            try CMTPackage.checkDestination(out, overwrite: overwrite)
            let schemaData = try CMTSchema.readFile(schemaURL)
            do {
                let schema = try CMTSchema(data: schemaData, file: schemaURL.lastPathComponent)
                let service = try EnvironmentResolver.service(for: global.environment, verbose: global.verbose)
                let package = try await CMTExporter(service: service).export(schema: schema, schemaData: schemaData) { p in
                    let line = "\(p.table): \(p.records) record(s)" + (p.links > 0 ? ", \(p.links) N:N link(s)" : "")
                    if json { printErr(line) } else { printOut(line) }
                }
                try package.writeZip(to: out, overwrite: overwrite)
                let coverage = try await Self.coverage(of: schema, package: package, service: service)
                for (name, gap) in coverage where !gap.isComplete {
                    printErr("warning: the schema does not carry what website '\(name)' holds in these tables and N:N relationships (not exported):")
                    for line in gap.lines { printErr(line) }
                    printErr("  add them to the schema to carry them, or export the site with `download` (a pac folder carries every portal table)")
                }
                let records = package.snapshot.recordCount
                let links = package.snapshot.links.values.reduce(0) { $0 + $1.count }
                if json {
                    var tables: [(String, JSONValue)] = []
                    for name in package.snapshot.tableNames {
                        tables.append((name, .number(String(package.snapshot.records[name]?.count ?? 0))))
                    }
                    printOut(
                        JSONValue.object([
                            ("dataFile", .string(out.path)), ("records", .number(String(records))),
                            ("links", .number(String(links))), ("notes", .number(String(package.snapshot.bodies.count))),
                            ("tables", .object(tables)),
                            ("notCarried", .object(coverage.map { ($0.website, $0.gap.json) })),
                        ]).serialized)
                } else {
                    printOut("Exported \(records) record(s), \(links) N:N link(s) and \(package.snapshot.bodies.count) note bodies to \(out.path)")
                    if coverage.contains(where: { !$0.gap.isComplete }) {
                        printOut(
                            "The schema left out records or links of the website (warning above): the package holds only the tables the schema names."
                        )
                    }
                }
            }
        }
    }

    /// For each website the package holds (`adx_website` records), what the schema leaves out of it in the
    /// environment (issue 24 item 6): the website is read as `download` would read it and compared with the
    /// schema's tables and N:N relationships (`SchemaCoverage`). Websites by name, in package order.
    /// - Throws: what reading the environment throws.
    static func coverage(of schema: CMTSchema, package: CMTPackage, service: any DataverseService) async throws
        -> [(website: String, gap: SchemaCoverage)]
    {
        let tables = Set(schema.entities.map(\.name))
        let relationships = Set(schema.entities.flatMap { $0.relationships.filter(\.manyToMany).map(\.name) })
        var result: [(String, SchemaCoverage)] = []
        for website in package.snapshot.records["adx_website"] ?? [] {
            let site = try await SnapshotReader(service: service).read(websiteID: website.id)
            let name = website.columns["adx_name"]?.text ?? website.id.dataverseString
            result.append((name, SchemaCoverage.compare(site: site, schemaTables: tables, schemaRelationships: relationships)))
        }
        return result
    }
}

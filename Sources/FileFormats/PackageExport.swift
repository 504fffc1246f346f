import ConfigurationMigration
import Foundation
import Migration
import PortalModel

/// `data export`: the records, N:N links and notes a Configuration Migration Tool schema names, read
/// from an environment and written as a CMT package (pac's `pac data export`), with what the schema
/// leaves out of each website (issue 24 item 6).
///
/// The destination is checked first (`CMTPackage.checkDestination`: an existing file needs `overwrite`,
/// a folder or a link is refused), then the schema is read, the environment opened and exported and the zip
/// written; the coverage is read last, from the environment.
public enum PackageExport {
    /// What an export wrote.
    public struct Result: Sendable {
        /// The package written (its snapshot: records, links, note bodies).
        public var package: CMTPackage
        /// For each website of the package (its name, else its id), what the schema does not carry of
        /// it in the environment (`SchemaCoverage.isComplete` when nothing).
        public var coverage: [(website: String, gap: SchemaCoverage)]
    }

    /// Exports and writes the package.
    /// - Parameters:
    ///   - schemaFile: the CMT schema file (copied verbatim into the package as `data_schema.xml`).
    ///   - dataFile: the zip to write.
    ///   - environment: opened once the destination and the schema file are known to be good.
    ///   - progress: called after each table.
    /// - Throws: `CMTError` for a destination in the way, a schema file that cannot be read or is not a
    ///   schema (file and line), a FetchXML filter that cannot be run; `DataverseError` from the environment.
    public static func run(
        schemaFile: URL, dataFile: URL, overwrite: Bool, from environment: @autoclosure () throws -> any DataverseService,
        progress: @Sendable (CMTExporter.TableProgress) -> Void = { _ in }
    ) async throws -> Result {
        try CMTPackage.checkDestination(dataFile, overwrite: overwrite)
        let schemaData = try CMTSchema.readFile(schemaFile)
        let schema = try CMTSchema(data: schemaData, file: schemaFile.lastPathComponent)
        let service = try environment()
        let package = try await CMTExporter(service: service).export(schema: schema, schemaData: schemaData, progress: progress)
        try package.writeZip(to: dataFile, overwrite: overwrite)
        let coverage = try await MigrationUseCases.schemaCoverage(
            of: package.snapshot.records["adx_website"] ?? [], tables: schema.tableNames,
            relationships: schema.manyToManyRelationships, in: service)
        return Result(package: package, coverage: coverage)
    }
}

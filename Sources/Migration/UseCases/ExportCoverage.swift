import Foundation
import PortalModel

extension MigrationUseCases {
    /// `data export`'s warning (issue 24 item 6): for each website a package holds (`adx_website`
    /// records, in package order), what a CMT schema leaves out of it in the environment. The website is
    /// read as `download` reads it and compared with the schema's tables and N:N relationships
    /// (`SchemaCoverage.compare`).
    /// - Parameters:
    ///   - websites: the package's `adx_website` records.
    ///   - tables, relationships: the logical names of the schema's entities and N:N relationships.
    /// - Returns: each website's name (its id when it has none) and what the schema does not carry.
    /// - Throws: what reading the environment throws.
    public static func schemaCoverage(
        of websites: [EntityRecord], tables: Set<String>, relationships: Set<String>, in service: any DataverseService
    ) async throws -> [(website: String, gap: SchemaCoverage)] {
        var result: [(String, SchemaCoverage)] = []
        for website in websites {
            let site = try await SnapshotReader(service: service).read(websiteID: website.id)
            let name = website.columns["adx_name"]?.text ?? website.id.dataverseString
            result.append((name, SchemaCoverage.compare(site: site, schemaTables: tables, schemaRelationships: relationships)))
        }
        return result
    }
}

import Foundation
import PortalModel

/// What a Configuration Migration Tool schema leaves out of a website (issue 24 item 6): the tables
/// holding records of the website that the schema does not name, and the N:N relationships holding
/// links between the website's records that the schema does not list. An export made with such a
/// schema silently lacks them (Microsoft's customer-self-service schema leaves out column permission
/// profiles, bot consumers and several N:N relationships); `data export` prints these counts and
/// `verify --schemaFile` says its "Identical" holds only for the tables the schema names.
public struct SchemaCoverage: Sendable, Equatable {
    /// Tables of the website the schema does not name: logical name → number of the website's records.
    public var tablesNotCarried: [String: Int]
    /// N:N relationships the schema does not list: schema name → number of links among the website's records.
    public var relationshipsNotCarried: [String: Int]

    public init(tablesNotCarried: [String: Int] = [:], relationshipsNotCarried: [String: Int] = [:]) {
        self.tablesNotCarried = tablesNotCarried
        self.relationshipsNotCarried = relationshipsNotCarried
    }

    /// Compares a website read from an environment (`SnapshotReader.read(websiteID:)`, which reads every
    /// catalog table and N:N relationship of the website) with the tables and relationships a schema names.
    /// - Parameters:
    ///   - site: the website's records and links.
    ///   - schemaTables: logical names of the schema's `<entity>` elements.
    ///   - schemaRelationships: names of the schema's `<relationship>` elements (N:N, by relationship name).
    ///   - ignoredTables: tables never expected in a package (default: the environment-specific ones,
    ///     `TableCatalog.environmentSpecificTables`, such as website bindings).
    public static func compare(
        site: PortalSnapshot, schemaTables: Set<String>, schemaRelationships: Set<String>,
        ignoredTables: Set<String> = TableCatalog.environmentSpecificTables
    ) -> SchemaCoverage {
        var coverage = SchemaCoverage()
        for (table, records) in site.records where !records.isEmpty && !schemaTables.contains(table) && !ignoredTables.contains(table) {
            coverage.tablesNotCarried[table] = records.count
        }
        for (relationship, links) in site.links where !links.isEmpty && !schemaRelationships.contains(relationship) {
            coverage.relationshipsNotCarried[relationship] = links.count
        }
        return coverage
    }

    /// True when the schema carries everything the website holds.
    public var isComplete: Bool { tablesNotCarried.isEmpty && relationshipsNotCarried.isEmpty }

    /// Lines for a person, sorted by name: `  adx_columnpermissionprofile: 3 record(s)` and
    /// `  adx_webrole_contact (N:N): 6 link(s)`; empty when complete.
    public var lines: [String] {
        tablesNotCarried.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value) record(s)" }
            + relationshipsNotCarried.sorted { $0.key < $1.key }.map { "  \($0.key) (N:N): \($0.value) link(s)" }
    }

    /// `{"tablesNotCarried": {table: count}, "relationshipsNotCarried": {name: count}}`.
    public var json: JSONValue {
        .object([
            ("tablesNotCarried", .object(tablesNotCarried.sorted { $0.key < $1.key }.map { ($0.key, .number(String($0.value))) })),
            ("relationshipsNotCarried", .object(relationshipsNotCarried.sorted { $0.key < $1.key }.map { ($0.key, .number(String($0.value))) })),
        ])
    }
}

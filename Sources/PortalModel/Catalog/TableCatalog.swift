import Foundation

/// The tables the tool knows: every portal table of both data models and the system tables portal
/// lookups point to, with names, columns, lookups, N:N relationships and natural keys.
///
/// `TableCatalog.standard` is the built-in catalog (the project's own data, written from the facts in
/// `../shared/research` and Microsoft's schema files; see `CatalogData`). An environment's own metadata
/// is read into the same types, so the engine can compare what a target has with what a source needs.
public struct TableCatalog: Sendable {
    /// Tables by logical name.
    public let tables: [String: TableDefinition]
    private let bySet: [String: String]
    private let relationshipsByName: [String: ManyToManyRelationship]

    /// Builds a catalog from table definitions. When two definitions share a logical name the last wins.
    public init(tables: [TableDefinition]) {
        var t: [String: TableDefinition] = [:]
        for d in tables { t[d.logicalName] = d }
        self.tables = t
        var s: [String: String] = [:]
        var r: [String: ManyToManyRelationship] = [:]
        for d in t.values {
            s[d.entitySetName] = d.logicalName
            for rel in d.relationships { r[rel.name] = rel }
        }
        self.bySet = s
        self.relationshipsByName = r
    }

    /// The table with this logical name.
    public func table(_ logicalName: String) -> TableDefinition? { tables[logicalName] }

    /// The table with this entity set name (`adx_webpages` → `adx_webpage`).
    public func table(entitySet: String) -> TableDefinition? { bySet[entitySet].flatMap { tables[$0] } }

    /// The N:N relationship with this schema name.
    public func relationship(_ name: String) -> ManyToManyRelationship? { relationshipsByName[name] }

    /// Every N:N relationship, sorted by name.
    public var relationships: [ManyToManyRelationship] {
        relationshipsByName.values.sorted { $0.name < $1.name }
    }

    /// Logical names of all tables, sorted.
    public var logicalNames: [String] { tables.keys.sorted() }

    /// The tables of one data model, sorted by logical name.
    public func tables(in model: DataModel) -> [TableDefinition] {
        tables.values.filter { $0.dataModel == model }.sorted { $0.logicalName < $1.logicalName }
    }

    /// The tables Microsoft's schema for a portal type includes, sorted by logical name.
    public func tables(for portalType: PortalType) -> [TableDefinition] {
        tables.values.filter { $0.portalTypes.contains(portalType) }.sorted { $0.logicalName < $1.logicalName }
    }
}

import Foundation
import PortalModel

/// Reads Web API entity metadata (`EntityDefinitions` with `Attributes`, `ManyToOneRelationships`
/// and `ManyToManyRelationships` expanded, research/dataverse-webapi.md §7) into `TableMetadata`.
///
/// Attributes whose `AttributeOf` is set (the `…name`/`…yominame` companions of lookups) and types
/// the tool does not migrate are skipped. `AttributeTypeName` is read both as Dataverse's object
/// (`{"Value":"FileType"}`) and as a plain string. Catalog facts (natural keys, data model, portal
/// types, display names) are kept for tables the catalog knows.
public enum MetadataDecoder {
    /// The query for an entity definition with its attributes (the part of `$expand` every server
    /// supports; relationships are read from their own segments).
    public static let entityQuery =
        "$select=LogicalName,EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute,DisplayName"
        + "&$expand=Attributes($select=LogicalName,AttributeType,AttributeTypeName,AttributeOf)"
    /// The query for N:1 relationships (`…/ManyToOneRelationships` or the `OneToManyRelationshipMetadata` cast).
    public static let manyToOneQuery =
        "$select=SchemaName,ReferencedEntity,ReferencingEntity,ReferencingAttribute,ReferencingEntityNavigationPropertyName"
    /// The query for N:N relationships.
    public static let manyToManyQuery =
        "$select=SchemaName,IntersectEntityName,Entity1LogicalName,Entity2LogicalName,"
        + "Entity1IntersectAttribute,Entity2IntersectAttribute,Entity1NavigationPropertyName,Entity2NavigationPropertyName"

    /// Decodes one `EntityDefinitions` object.
    /// - Throws: `DataverseError` (code `pm:metadata`) when `LogicalName`, `EntitySetName` or
    ///   `PrimaryIdAttribute` is missing.
    /// - Parameters:
    ///   - json: the `EntityDefinitions` object with `Attributes` expanded.
    ///   - manyToOne: the table's N:1 relationships (defaults to `json["ManyToOneRelationships"]`).
    ///   - manyToMany: the table's N:N relationships (defaults to `json["ManyToManyRelationships"]`).
    public static func decode(
        _ json: JSONValue, manyToOne: [JSONValue]? = nil, manyToMany: [JSONValue]? = nil,
        catalog: TableCatalog
    ) throws -> TableMetadata {
        func str(_ v: JSONValue?, _ key: String) -> String? { v?[key]?.stringValue }
        guard let logical = str(json, "LogicalName"), let set = str(json, "EntitySetName"),
            let pk = str(json, "PrimaryIdAttribute")
        else {
            throw DataverseError(code: "pm:metadata", message: "an EntityDefinitions entry lacks LogicalName, EntitySetName or PrimaryIdAttribute")
        }
        let known = catalog.table(logical)
        var navigation: [String: [String: String]] = [:]
        var targets: [String: [String]] = [:]
        for rel in manyToOne ?? json["ManyToOneRelationships"]?.arrayValue ?? [] {
            guard let attr = str(rel, "ReferencingAttribute"), let target = str(rel, "ReferencedEntity") else { continue }
            if !(targets[attr]?.contains(target) ?? false) { targets[attr, default: []].append(target) }
            if let nav = str(rel, "ReferencingEntityNavigationPropertyName") { navigation[attr, default: [:]][target] = nav }
        }
        var columns: [ColumnDefinition] = []
        for a in json["Attributes"]?.arrayValue ?? [] {
            guard let name = str(a, "LogicalName") else { continue }
            if let of = a["AttributeOf"], !of.isNull { continue }
            let typeName = a["AttributeTypeName"]?["Value"]?.stringValue ?? a["AttributeTypeName"]?.stringValue
            guard let raw = str(a, "AttributeType"), let type = AttributeType(attributeType: raw, attributeTypeName: typeName) else { continue }
            let catalogColumn = known?.column(name)
            let t = targets[name] ?? catalogColumn?.targets ?? []
            let nav: String? = type.isReference ? (t.count == 1 ? navigation[name]?[t[0]] : nil) ?? catalogColumn?.navigationProperty : nil
            columns.append(
                ColumnDefinition(
                    name, type, displayName: catalogColumn?.displayName, targets: type.isReference ? t : [],
                    navigationProperty: nav, portalTypes: catalogColumn?.portalTypes ?? [],
                    source: "environment metadata"))
        }
        var relationships: [ManyToManyRelationship] = []
        for r in manyToMany ?? json["ManyToManyRelationships"]?.arrayValue ?? [] {
            guard let name = str(r, "SchemaName"), let e1 = str(r, "Entity1LogicalName"), let e2 = str(r, "Entity2LogicalName") else { continue }
            let k = catalog.relationship(name)
            relationships.append(
                ManyToManyRelationship(
                    name: name, entity1: e1, entity2: e2,
                    intersectEntity: str(r, "IntersectEntityName") ?? k?.intersectEntity ?? name,
                    entity1IDColumn: str(r, "Entity1IntersectAttribute") ?? k?.entity1IDColumn ?? "\(e1)id",
                    entity2IDColumn: str(r, "Entity2IntersectAttribute") ?? k?.entity2IDColumn ?? "\(e2)id",
                    entity1NavigationProperty: str(r, "Entity1NavigationPropertyName") ?? k?.entity1NavigationProperty,
                    entity2NavigationProperty: str(r, "Entity2NavigationPropertyName") ?? k?.entity2NavigationProperty,
                    portalTypes: k?.portalTypes ?? [], source: "environment metadata"))
        }
        let display = json["DisplayName"]?["UserLocalizedLabel"]?["Label"]?.stringValue ?? known?.displayName ?? logical
        let definition = TableDefinition(
            logicalName: logical, displayName: display, entitySetName: set, primaryIDColumn: pk,
            primaryNameColumn: str(json, "PrimaryNameAttribute") ?? known?.primaryNameColumn,
            columns: columns, relationships: relationships, naturalKey: known?.naturalKey ?? [],
            dataModel: known?.dataModel ?? (logical.hasPrefix("powerpage") ? .enhanced : logical.hasPrefix("adx_") ? .standard : .system),
            portalTypes: known?.portalTypes ?? [], source: "environment metadata")
        return TableMetadata(definition: definition, navigation: navigation, fromEnvironment: true)
    }

    /// Metadata built from a catalog table when the environment's own cannot be read.
    public static func fromCatalog(_ table: TableDefinition) -> TableMetadata {
        var navigation: [String: [String: String]] = [:]
        for c in table.columns where c.isLookup {
            if let n = c.navigationProperty, c.targets.count == 1 { navigation[c.logicalName] = [c.targets[0]: n] }
        }
        return TableMetadata(definition: table, navigation: navigation, fromEnvironment: false)
    }
}

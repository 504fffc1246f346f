import Foundation
import PortalModel

extension WebAPIClient {
    /// The metadata of one table: read once from
    /// `EntityDefinitions(LogicalName='x')?$select=…&$expand=Attributes,ManyToOneRelationships,ManyToManyRelationships`
    /// (research/dataverse-webapi.md §7) and cached; the catalog's definition when the environment
    /// does not answer with metadata (404, 400, 501) and the catalog knows the table.
    /// - Throws: `DataverseError` (`resourceNotFound`) when neither knows the table; transport errors.
    public func tableMetadata(_ logicalName: String) async throws -> TableMetadata {
        if let t = await metadata.table(logicalName) { return t }
        let key = "EntityDefinitions(LogicalName='\(ODataQueryEncoder.encodeComponent(logicalName))')"
        do {
            let json = try await getJSON(key + "?" + MetadataDecoder.entityQuery, logicalName: logicalName)
            let n1 = try await getJSON(key + "/ManyToOneRelationships?" + MetadataDecoder.manyToOneQuery, logicalName: logicalName)
            let nn = try await getJSON(key + "/ManyToManyRelationships?" + MetadataDecoder.manyToManyQuery, logicalName: logicalName)
            let t = try MetadataDecoder.decode(
                json, manyToOne: n1["value"]?.arrayValue ?? [], manyToMany: nn["value"]?.arrayValue ?? [],
                catalog: configuration.catalog)
            await metadata.store(t)
            return t
        } catch let e as DataverseError where e.httpStatus.map({ [400, 404, 405, 501].contains($0) }) ?? false {
            if let known = configuration.catalog.table(logicalName) {
                logger.debug("no environment metadata for \(logicalName) (\(e.code)); using the catalog")
                let t = MetadataDecoder.fromCatalog(known)
                await metadata.store(t)
                return t
            }
            throw DataverseError(
                httpStatus: e.httpStatus, code: DataverseError.Code.resourceNotFound,
                message: "the environment has no table '\(logicalName)': \(e.message)",
                method: e.method, path: e.path, logicalName: logicalName)
        }
    }

    /// The entity set name of a table (`adx_webpage` → `adx_webpages`), from metadata, else the catalog.
    public func entitySetName(_ logicalName: String) async throws -> String {
        try await tableMetadata(logicalName).definition.entitySetName
    }

    /// Every table of the environment with columns, lookups and N:N relationships, from three
    /// unpaged metadata requests (research §7): `EntityDefinitions` with `Attributes` expanded, and
    /// `RelationshipDefinitions` cast to one-to-many and many-to-many relationship metadata.
    /// Read once per client (`TableDefinitionsCache`); `invalidateTableDefinitions()` reads them again.
    /// - Throws: `DataverseError` for an error answer or an entry missing its names.
    public func tableDefinitions() async throws -> [TableDefinition] {
        try await definitionsCache.definitions { [self] in try await readTableDefinitions() }
    }

    /// Forgets the table definitions read by `tableDefinitions()` (after a schema change).
    public func invalidateTableDefinitions() async {
        await definitionsCache.invalidate()
    }

    /// `tableDefinitions()` without the cache.
    func readTableDefinitions() async throws -> [TableDefinition] {
        let json = try await getJSON("EntityDefinitions?" + MetadataDecoder.entityQuery)
        let n1 = try await getJSON("RelationshipDefinitions/Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata?" + MetadataDecoder.manyToOneQuery)
        let nn = try await getJSON("RelationshipDefinitions/Microsoft.Dynamics.CRM.ManyToManyRelationshipMetadata?" + MetadataDecoder.manyToManyQuery)
        var byReferencing: [String: [JSONValue]] = [:]
        for r in n1["value"]?.arrayValue ?? [] {
            if let t = r["ReferencingEntity"]?.stringValue { byReferencing[t, default: []].append(r) }
        }
        var byEntity: [String: [JSONValue]] = [:]
        for r in nn["value"]?.arrayValue ?? [] {
            let e1 = r["Entity1LogicalName"]?.stringValue, e2 = r["Entity2LogicalName"]?.stringValue
            if let e1 { byEntity[e1, default: []].append(r) }
            if let e2, e2 != e1 { byEntity[e2, default: []].append(r) }
        }
        var result: [TableDefinition] = []
        for entry in json["value"]?.arrayValue ?? [] {
            let name = entry["LogicalName"]?.stringValue ?? ""
            let t = try MetadataDecoder.decode(
                entry, manyToOne: byReferencing[name] ?? [], manyToMany: byEntity[name] ?? [],
                catalog: configuration.catalog)
            await metadata.store(t)
            result.append(t.definition)
        }
        return result.sorted { $0.logicalName < $1.logicalName }
    }

    /// An N:N relationship by schema name: from cached metadata, the catalog, or
    /// `RelationshipDefinitions/Microsoft.Dynamics.CRM.ManyToManyRelationshipMetadata?$filter=SchemaName eq '…'`.
    /// - Throws: `DataverseError` (`resourceNotFound`) when the environment does not have it.
    public func relationship(_ name: String) async throws -> ManyToManyRelationship {
        if let r = await metadata.relationship(name) { return r }
        if let r = configuration.catalog.relationship(name) {
            if let t = try? await tableMetadata(r.entity1), let own = t.definition.relationships.first(where: { $0.name == name }) {
                return own
            }
            return r
        }
        let filter = ODataQueryEncoder.encode("SchemaName eq \(ODataQueryEncoder.quote(name))")
        let json = try await getJSON("RelationshipDefinitions/Microsoft.Dynamics.CRM.ManyToManyRelationshipMetadata?$filter=\(filter)")
        guard let r = json["value"]?.arrayValue?.first,
            let e1 = r["Entity1LogicalName"]?.stringValue, let e2 = r["Entity2LogicalName"]?.stringValue
        else {
            throw DataverseError(code: DataverseError.Code.resourceNotFound, message: "the environment has no N:N relationship '\(name)'")
        }
        let rel = ManyToManyRelationship(
            name: name, entity1: e1, entity2: e2, intersectEntity: r["IntersectEntityName"]?.stringValue ?? name,
            entity1IDColumn: r["Entity1IntersectAttribute"]?.stringValue ?? "\(e1)id",
            entity2IDColumn: r["Entity2IntersectAttribute"]?.stringValue ?? "\(e2)id",
            entity1NavigationProperty: r["Entity1NavigationPropertyName"]?.stringValue,
            entity2NavigationProperty: r["Entity2NavigationPropertyName"]?.stringValue, source: "environment metadata")
        await metadata.storeRelationship(rel)
        return rel
    }

    /// A `RecordCoding` for a table whose lookup targets' entity sets are resolved ahead for `records`.
    func coding(for logicalName: String, records: [EntityRecord]) async throws -> RecordCoding {
        let table = try await tableMetadata(logicalName)
        var targets = Set<String>()
        for r in records {
            for v in r.columns.values { if let ref = v.reference { targets.insert(ref.logicalName) } }
        }
        var sets: [String: String] = [:]
        for t in targets { sets[t] = try await entitySetName(t) }
        let resolved = sets
        return RecordCoding(table: table) { name in
            guard let s = resolved[name] else {
                throw DataverseError(
                    code: DataverseError.Code.resourceNotFound, message: "no entity set known for table '\(name)'", logicalName: name)
            }
            return s
        }
    }
}

import Foundation
import PortalModel

/// Table metadata read from the environment, by logical name, kept for the client's lifetime.
actor MetadataCache {
    private var tables: [String: TableMetadata] = [:]
    private var relationships: [String: ManyToManyRelationship] = [:]

    func table(_ logicalName: String) -> TableMetadata? { tables[logicalName] }

    func store(_ t: TableMetadata) {
        tables[t.definition.logicalName] = t
        for r in t.definition.relationships { relationships[r.name] = r }
    }

    func relationship(_ name: String) -> ManyToManyRelationship? { relationships[name] }

    func storeRelationship(_ r: ManyToManyRelationship) { relationships[r.name] = r }
}

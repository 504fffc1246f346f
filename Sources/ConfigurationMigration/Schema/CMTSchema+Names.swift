import Foundation
import PortalModel

extension CMTSchema {
    /// What the schema names, in the catalog's terms: each entity's logical name with the logical names
    /// of its fields (entities named twice are merged). A package made with the schema carries exactly
    /// these tables and columns (research/cmt-format.md §1.2).
    public var columnsByTable: [String: Set<String>] {
        Dictionary(entities.map { ($0.name, Set($0.fields.map(\.name))) }, uniquingKeysWith: { $0.union($1) })
    }

    /// The logical names of the entities the schema names.
    public var tableNames: Set<String> { Set(entities.map(\.name)) }

    /// The names of the N:N relationships the schema's entities list (`manyToMany="true"`), whose links
    /// a package made with the schema carries.
    public var manyToManyRelationships: Set<String> {
        Set(entities.flatMap { $0.relationships.filter(\.manyToMany).map(\.name) })
    }
}

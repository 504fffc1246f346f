import Foundation
import PortalModel

extension CMTSchema {
    /// The tables this schema describes, as the definitions an embedded environment is made from
    /// (`env create --schema`): entities (`name`, `displayname`, `primaryidfield`, `primarynamefield`),
    /// their fields (`name`, `displayname`, `type`, `lookupType` with `|`-separated targets) and N:N
    /// relationships (`name`, `relatedEntityName` as the intersect table, `m2mTargetEntity`,
    /// `m2mTargetEntityPrimaryKey`) (research/cmt-format.md §1).
    ///
    /// Entity set names and navigation properties are not in CMT schemas: they are taken from `catalog`
    /// when it has the table or column, else the entity set is the logical name plus `s` and a lookup's
    /// navigation property is its logical name (the usual spelling for custom tables).
    /// - Parameters:
    ///   - catalog: where entity set names, navigation properties, natural keys and data models come from.
    ///   - source: the source tag put on every definition (the schema file's path).
    /// - Throws: `CMTError.invalidSchema` naming the entity and field when a field's `type` is unknown,
    ///   or when the schema has no entity.
    public func tableDefinitions(catalog: TableCatalog, source: String) throws -> [TableDefinition] {
        guard !entities.isEmpty else {
            throw CMTError(.invalidSchema, "the schema has no <entity> elements: it is not a CMT schema file", file: source)
        }
        return try entities.map { entity in
            let known = catalog.table(entity.name)
            var table = TableDefinition(
                logicalName: entity.name, displayName: entity.displayName,
                entitySetName: known?.entitySetName ?? entity.name + "s", primaryIDColumn: entity.primaryIDField,
                primaryNameColumn: entity.primaryNameField.isEmpty ? known?.primaryNameColumn : entity.primaryNameField,
                columns: [], relationships: [], naturalKey: known?.naturalKey ?? [],
                dataModel: known?.dataModel ?? (entity.name.hasPrefix("adx_") ? .standard : entity.name.hasPrefix("powerpage") ? .enhanced : .system),
                portalTypes: known?.portalTypes ?? [], source: source)
            for field in entity.fields {
                guard let type = field.type else {
                    throw CMTError(
                        .invalidSchema,
                        "unknown type '\(field.typeName)'; use a CMT type such as string, entityreference, "
                            + "optionsetvalue or datetime", file: source, entity: entity.name, field: field.name)
                }
                let targets = field.lookupTypes.filter { !$0.isEmpty }
                let knownColumn = known?.column(field.name)
                var column = ColumnDefinition(
                    field.name, type, displayName: field.displayName, targets: targets,
                    navigationProperty: nil, source: source)
                if type.isReference {
                    if column.targets.isEmpty { column.targets = knownColumn?.targets ?? (type == .owner ? ["systemuser", "team"] : []) }
                    column.navigationProperty = knownColumn?.navigationProperty ?? field.name
                }
                table.columns.append(column)
            }
            for rel in entity.relationships where rel.manyToMany {
                guard let target = rel.m2mTargetEntity else {
                    throw CMTError(
                        .invalidSchema, "<relationship name=\"\(rel.name)\"> has no m2mTargetEntity attribute",
                        file: source, entity: entity.name)
                }
                let targetKey = rel.m2mTargetEntityPrimaryKey ?? target + "id"
                table.relationships.append(
                    catalog.relationship(rel.name)
                        ?? ManyToManyRelationship(
                            name: rel.name, entity1: entity.name, entity2: target,
                            intersectEntity: rel.relatedEntityName ?? rel.name,
                            entity1IDColumn: entity.primaryIDField,
                            entity2IDColumn: target == entity.name ? targetKey + "two" : targetKey,
                            entity1NavigationProperty: rel.name, entity2NavigationProperty: rel.name, source: source))
            }
            return table
        }
    }
}

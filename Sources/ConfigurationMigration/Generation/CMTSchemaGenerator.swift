import Foundation
import PortalModel

/// Generates the CMT schema of a portal type from the table catalog (`TableCatalog.standard`), the
/// schema `portal-migrate data schema --portalType T` prints.
///
/// The tables, columns, types, lookup targets and N:N relationships come from the catalog's
/// `portalTypes` attribution; the CMT-only attributes (`etc`, `disableplugins`, `skipupdate`,
/// `updateCompare`, `primaryKey`, `customfield`, entity and field order) from the catalog's
/// `CMTEntityInfo`/`CMTFieldInfo`. Where the catalog has no CMT information for a table or column
/// the generator derives it the way Microsoft's portal files do (research/cmt-format.md §5):
/// `disableplugins="true"`, the primary id column as the only comparison key, `customfield="true"`
/// for `adx_` columns, and N:N relationships listed under their entity-1 table.
public enum CMTSchemaGenerator {
    /// The schema of one portal type.
    /// - Parameters:
    ///   - portalType: one of the six portal types.
    ///   - catalog: the table catalog (default the built-in one).
    /// - Returns: a schema with `xmlns:xsi` on the root, no `dateMode`, no `entityImportOrder`, no filters.
    /// - Throws: `CMTError.invalidSchema` when the catalog has no table for the portal type.
    public static func schema(for portalType: PortalType, catalog: TableCatalog = .standard) throws -> CMTSchema {
        var tables = catalog.cmtTables(for: portalType)
        if tables.isEmpty { tables = catalog.tables(for: portalType) }
        guard !tables.isEmpty else {
            throw CMTError(.invalidSchema, "the table catalog has no tables for portal type '\(portalType.rawValue)'")
        }
        return CMTSchema(declaresXSINamespace: true, entities: tables.map { entity($0, portalType: portalType, catalog: catalog) })
    }

    static func entity(_ table: TableDefinition, portalType: PortalType, catalog: TableCatalog) -> CMTEntity {
        let info = table.cmt
        let fields = table.columns(for: portalType).map { column -> CMTField in
            let isPK = column.logicalName == table.primaryIDColumn
            let fi = column.cmt
            return CMTField(
                name: column.logicalName,
                displayName: column.displayName ?? column.logicalName,
                typeName: column.type.cmtType,
                lookupTypes: column.isLookup ? column.lookupTargets(for: portalType) : [],
                updateCompare: (fi?.updateCompare ?? isPK) ? true : nil,
                primaryKey: (fi?.primaryKey ?? isPK) ? true : nil,
                customField: (fi?.customField ?? column.logicalName.hasPrefix("adx_")) ? true : nil)
        }
        let relationships = table.relationships(for: portalType).map { r in
            CMTRelationship(
                name: r.name,
                manyToMany: true,
                isReflexive: r.entity1 == r.entity2,
                relatedEntityName: r.intersectEntity,
                m2mTargetEntity: r.entity2,
                m2mTargetEntityPrimaryKey: catalog.table(r.entity2)?.primaryIDColumn ?? r.entity2IDColumn)
        }
        return CMTEntity(
            name: table.logicalName,
            displayName: table.displayName,
            objectTypeCode: info?.objectTypeCode,
            primaryIDField: table.primaryIDColumn,
            primaryNameField: table.primaryNameColumn ?? "",
            disablePlugins: info?.disablePlugins ?? true,
            skipUpdate: info?.skipUpdate == true ? true : nil,
            fields: fields,
            relationships: relationships)
    }
}

import Foundation
import LocalEnvironment
import PortalModel

/// Helpers to make embedded environments for tests, each in its own temporary directory.
public enum LocalEnvironmentSupport {
    /// A new environment file in a fresh temporary directory.
    /// - Parameters:
    ///   - options: creation options (catalog tables by default).
    ///   - label: a prefix for the temporary directory's name.
    /// - Throws: what `LocalEnvironment.create` throws.
    public static func make(
        _ options: LocalEnvironmentOptions = LocalEnvironmentOptions(name: "test"),
        label: String = "pm-env"
    ) throws -> LocalEnvironment {
        let dir = try TestPaths.temporaryDirectory(label)
        return try LocalEnvironment.create(at: dir.appendingPathComponent("env.sqlite"), options: options)
    }

    /// A small custom table (`xyz_<name>`) with a name, a number, a money, a date, a choice column and
    /// a lookup to `xyz_parent`, for tests that must not depend on the catalog.
    public static func customTables() -> [TableDefinition] {
        let parent = TableDefinition(
            logicalName: "xyz_parent", displayName: "Parent", entitySetName: "xyz_parents", primaryIDColumn: "xyz_parentid",
            primaryNameColumn: "xyz_name",
            columns: [ColumnDefinition("xyz_parentid", .uniqueIdentifier), ColumnDefinition("xyz_name", .string)],
            dataModel: .system)
        let item = TableDefinition(
            logicalName: "xyz_item", displayName: "Item", entitySetName: "xyz_items", primaryIDColumn: "xyz_itemid",
            primaryNameColumn: "xyz_name",
            columns: [
                ColumnDefinition("xyz_itemid", .uniqueIdentifier), ColumnDefinition("xyz_name", .string),
                ColumnDefinition("xyz_number", .integer), ColumnDefinition("xyz_amount", .money),
                ColumnDefinition("xyz_when", .dateTime), ColumnDefinition("xyz_kind", .choice),
                ColumnDefinition("xyz_parentid", .lookup, targets: ["xyz_parent"], navigationProperty: "xyz_ParentId"),
                ColumnDefinition("xyz_file", .file),
            ],
            relationships: [
                ManyToManyRelationship(
                    name: "xyz_item_parent", entity1: "xyz_item", entity2: "xyz_parent",
                    intersectEntity: "xyz_item_parent", entity1IDColumn: "xyz_itemid",
                    entity2IDColumn: "xyz_parentid")
            ],
            dataModel: .system)
        return [parent, item]
    }
}

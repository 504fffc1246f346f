import Foundation
import PortalModel

/// What the client knows about one table of the environment: its definition (columns with types,
/// lookups with targets, N:N relationships) and the single-valued navigation property of every
/// lookup per target table, read from `ManyToOneRelationships[].ReferencingEntityNavigationPropertyName`
/// (research/dataverse-webapi.md §1.3, §7.2). Polymorphic lookups (`annotation.objectid`, `ownerid`)
/// have one navigation property per target (`objectid_adx_webfile`).
///
/// `fromEnvironment` is false when the definition came from the built-in catalog because the
/// environment's metadata could not be read.
public struct TableMetadata: Sendable, Hashable {
    public var definition: TableDefinition
    /// Lookup column → target table → navigation property name (case-sensitive).
    public var navigation: [String: [String: String]]
    public var fromEnvironment: Bool

    public init(definition: TableDefinition, navigation: [String: [String: String]] = [:], fromEnvironment: Bool) {
        self.definition = definition
        self.navigation = navigation
        self.fromEnvironment = fromEnvironment
    }

    /// The navigation property to bind lookup `column` to a record of `target`: the environment's
    /// name for that target, else the column's single navigation name (from metadata or the catalog),
    /// else `<column>_<target>` for polymorphic lookups, else the column's logical name.
    public func navigationProperty(column: String, target: String) -> String {
        if let n = navigation[column]?[target] { return n }
        if let only = navigation[column], only.count == 1, let n = only.values.first,
            definition.column(column)?.targets.count ?? 1 <= 1
        {
            return n
        }
        if let c = definition.column(column) {
            if let n = c.navigationProperty, c.targets.count <= 1 { return n }
            if c.targets.count > 1 { return "\(column)_\(target)" }
        }
        return column
    }

    /// The type of a column, `nil` when the table does not have it.
    public func type(of column: String) -> AttributeType? { definition.column(column)?.type }
}

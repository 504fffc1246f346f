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
    public var definition: TableDefinition {
        didSet { columnIndex = Self.index(definition) }
    }
    /// Lookup column → target table → navigation property name (case-sensitive).
    public var navigation: [String: [String: String]]
    public var fromEnvironment: Bool
    /// Column logical name → its position in `definition.columns` (the first when a name repeats, as
    /// `TableDefinition.column` finds it). Decoding a record asked `definition.column` (a linear search)
    /// for every property of every record read: ~5 % of an upload's CPU at the benchmark's M size.
    private var columnIndex: [String: Int]

    public init(definition: TableDefinition, navigation: [String: [String: String]] = [:], fromEnvironment: Bool) {
        self.definition = definition
        self.navigation = navigation
        self.fromEnvironment = fromEnvironment
        self.columnIndex = Self.index(definition)
    }

    private static func index(_ definition: TableDefinition) -> [String: Int] {
        var index: [String: Int] = [:]
        index.reserveCapacity(definition.columns.count)
        for (i, c) in definition.columns.enumerated() where index[c.logicalName] == nil { index[c.logicalName] = i }
        return index
    }

    /// The column with a logical name, `nil` when the table does not have it (`TableDefinition.column`
    /// through an index).
    public func column(_ logicalName: String) -> ColumnDefinition? {
        columnIndex[logicalName].map { definition.columns[$0] }
    }

    /// The navigation property to bind lookup `column` to a record of `target`: the environment's
    /// name for that target, else the column's single navigation name (from metadata or the catalog),
    /// else `<column>_<target>` for polymorphic lookups, else the column's logical name.
    public func navigationProperty(column: String, target: String) -> String {
        if let n = navigation[column]?[target] { return n }
        if let only = navigation[column], only.count == 1, let n = only.values.first,
            self.column(column)?.targets.count ?? 1 <= 1
        {
            return n
        }
        if let c = self.column(column) {
            if let n = c.navigationProperty, c.targets.count <= 1 { return n }
            if c.targets.count > 1 { return "\(column)_\(target)" }
        }
        return column
    }

    /// The type of a column, `nil` when the table does not have it.
    public func type(of column: String) -> AttributeType? { columnIndex[column].map { definition.columns[$0].type } }
}

import Foundation
import PortalModel

/// What `verify` compares: every table of the website except the environment-specific ones, or only the
/// tables, columns and N:N relationships a Configuration Migration Tool schema names (`verify --schemaFile`).
///
/// - `excludedTables`: never compared; by default `TableCatalog.environmentSpecificTables`
///   (`adx_websitebinding`: bound to one environment's portal host, download-only in pac,
///   research/pac-portal-format.md).
/// - `columnsByTable`: when set, only these tables are compared, each only on the columns listed (logical
///   names; `statecode`/`statuscode` only when listed). `nil` compares every table and data column.
/// - `relationships`: when set, only these N:N relationships (schema names) are compared.
/// - `label`: names the restriction in the output (for example `the schema css.xml`).
public struct VerifyScope: Sendable, Hashable {
    public var excludedTables: Set<String>
    public var columnsByTable: [String: Set<String>]?
    public var relationships: Set<String>?
    public var label: String?
    /// Why a table of `excludedTables` is left out, when not for being environment specific (tables
    /// without an enhanced-model counterpart in an enhanced target: "no enhanced-model counterpart").
    public var excludedReasons: [String: String] = [:]
    /// Columns never compared, by table (a web file note's `subject` in an enhanced target, where the
    /// body is a file column that keeps only the file name and MIME type).
    public var excludedColumns: [String: Set<String>] = [:]
    /// Why a table's `excludedColumns` are left out, when not for lacking an enhanced-model counterpart
    /// (the target website's own name kept under `--targetWebSiteId`).
    public var excludedColumnReasons: [String: String] = [:]

    public init(
        excludedTables: Set<String> = TableCatalog.environmentSpecificTables,
        columnsByTable: [String: Set<String>]? = nil, relationships: Set<String>? = nil, label: String? = nil
    ) {
        self.excludedTables = excludedTables
        self.columnsByTable = columnsByTable
        self.relationships = relationships
        self.label = label
    }

    /// Every table but the environment-specific ones, every data column, every N:N relationship.
    public static let all = VerifyScope()

    /// True when records of `table` are compared.
    public func includes(table: String) -> Bool {
        if excludedTables.contains(table) { return false }
        guard let c = columnsByTable else { return true }
        return c[table] != nil
    }

    /// True when `column` of `table` is compared (its table is compared and, with a column list, it is listed).
    public func includes(column: String, of table: String) -> Bool {
        guard includes(table: table), !(excludedColumns[table]?.contains(column) ?? false) else { return false }
        guard let c = columnsByTable else { return true }
        return c[table]?.contains(column) ?? false
    }

    /// True when the links of this N:N relationship are compared.
    public func includes(relationship: String) -> Bool {
        relationships?.contains(relationship) ?? true
    }
}

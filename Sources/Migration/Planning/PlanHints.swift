import Foundation
import PortalModel

/// What the source's format means for the plan beyond its records (DESIGN.md "Adapters return the
/// snapshot and what the source means for the plan"): which columns the format carries for each table,
/// so that a column the format writes but a record leaves out is known to be empty in the source and
/// is cleared in the target (issue 16, R02).
///
/// - `format`: how the source is named in the plan (`a pac folder`, `the package's CMT schema`,
///   `the source environment`); `nil` when unknown: absent columns are then left as the target has
///   them and the plan says nothing about them.
/// - `carriedColumns`: the columns the format writes, by table logical name (a pac folder: pac's
///   columns per table, `PacFolderFormat.carriedColumns`, research/pac-portal-format.md §2 "Nulls";
///   a CMT package: the fields its `data_schema.xml` names, research/cmt-format.md). A table it does
///   not name carries nothing. `nil` for an environment source: every column the source table has
///   (`sourceTableColumns`, read from the source's metadata by `MigrationEngine.prepare`).
/// - `absentValues`: what an absent carried column stands for when not null: pac leaves out
///   `statecode: 0` / `statuscode: 1` of active records (research/pac-portal-format.md §2).
/// - `keepAbsentColumns`: `--keep-absent-columns`: a column a source record leaves out keeps the
///   target's value (for folders pruned by hand); the plan says so.
/// - `warnings`: what the adapter warned about while reading (files outside pac's layout, unreadable
///   manifest entries, package oddities): the planner adds them to the plan's diagnostics so they reach
///   the report and `--json` with every other warning.
public struct PlanHints: Sendable, Hashable {
    public var format: String?
    public var carriedColumns: [String: Set<String>]?
    public var absentValues: [String: FieldValue] = [:]
    public var sourceTableColumns: [String: Set<String>] = [:]
    public var keepAbsentColumns: Bool = false
    public var warnings: [Diagnostic] = []

    public init(
        format: String? = nil, carriedColumns: [String: Set<String>]? = nil,
        absentValues: [String: FieldValue] = [:], keepAbsentColumns: Bool = false
    ) {
        self.format = format
        self.carriedColumns = carriedColumns
        self.absentValues = absentValues
        self.keepAbsentColumns = keepAbsentColumns
    }

    /// The hints of an environment source: every column each source table has (filled by the engine).
    public static func environment(keepAbsentColumns: Bool = false) -> PlanHints {
        PlanHints(format: "the source environment", keepAbsentColumns: keepAbsentColumns)
    }

    /// The hints of a CMT package: the fields `data_schema.xml` names per entity.
    public static func package(fields: [String: Set<String>], keepAbsentColumns: Bool = false) -> PlanHints {
        PlanHints(format: "the package's CMT schema", carriedColumns: fields, keepAbsentColumns: keepAbsentColumns)
    }

    /// True when an environment source's table columns must be read for `clearableColumns`.
    public var needsSourceTableColumns: Bool { format != nil && carriedColumns == nil && !keepAbsentColumns }

    /// The columns of `table` whose absence from a source record means "empty in the source", by
    /// logical name; `[]` when absent columns are kept (`keepAbsentColumns`, or the format is unknown).
    /// - Parameter targetColumns: the target's columns of the table (its definition): only those are
    ///   ever cleared.
    public func clearableColumns(of table: String, targetColumns: Set<String>) -> Set<String> {
        guard !keepAbsentColumns, format != nil else { return [] }
        if let carriedColumns { return (carriedColumns[table] ?? []).intersection(targetColumns) }
        if let source = sourceTableColumns[table] { return source.intersection(targetColumns) }
        return []
    }

    /// True when the source's format carries `column` for `table`, whatever `keepAbsentColumns` says:
    /// a record leaving it out holds it empty (used to match records by natural key, where an absent
    /// key column, such as a root page's `adx_parentpageid` left out of a CMT `data.xml`, is null).
    public func carries(_ column: String, of table: String) -> Bool {
        guard format != nil else { return false }
        if let carriedColumns { return carriedColumns[table]?.contains(column) ?? false }
        return sourceTableColumns[table]?.contains(column) ?? false
    }

    /// The value an absent carried column stands for: `absentValues[column]`, else the active state
    /// for `statecode` (0) and `statuscode` (1) — Dataverse never stores a record's state empty and gives
    /// a record created without one the active state (research/pac-portal-format.md §2) — else null.
    public func absentValue(of column: String) -> FieldValue {
        if let v = absentValues[column] { return v }
        return Self.activeState[column] ?? .null
    }

    /// What an absent or null `statecode`/`statuscode` stands for in every format: the active state.
    public static let activeState: [String: FieldValue] = ["statecode": .state(0), "statuscode": .status(1)]

    /// How the plan treats absent columns, one line for the plan and the report; `nil` when the format
    /// is unknown (no absent column is ever cleared).
    public var absentColumnsNote: String? {
        guard let format else { return nil }
        if keepAbsentColumns {
            return "absent columns kept (--keep-absent-columns): a column \(format) leaves out of a record keeps the target's value"
        }
        return
            "absent columns cleared: a column \(format) carries for a table but a record leaves out is set to null in the target (--keep-absent-columns keeps the target's value)"
    }
}

import Foundation
import PortalModel

/// What happens to one record.
public enum RecordAction: String, Sendable, Hashable, Codable {
    case create, update, unchanged, delete
}

/// How a source record found its target record.
public enum MatchKind: String, Sendable, Hashable, Codable {
    /// Same id in both environments.
    case id
    /// Same natural key (`IdentityRules`), another id.
    case naturalKey = "natural-key"
    /// The source website mapped onto `--targetWebSiteId`.
    case website
    /// Not in the target: created with the source id.
    case none
}

/// One changed column: old (target) and new (source) values, or hidden for secrets.
public struct ColumnChange: Sendable, Hashable {
    public var column: String
    public var old: FieldValue?
    public var new: FieldValue
    /// True when the values must not be printed ("changed (value hidden)").
    public var hidden: Bool

    public init(column: String, old: FieldValue?, new: FieldValue, hidden: Bool) {
        self.column = column
        self.old = old
        self.new = new
        self.hidden = hidden
    }
}

/// A lookup written after the record, because the record it points to is written later
/// (a cycle-closing lookup) — DESIGN.md "Ordering".
public struct DeferredLookup: Sendable, Hashable {
    public var column: String
    public var value: FieldValue
}

/// The plan for one record.
///
/// - `targetID`: the id the record has (or will have) in the target.
/// - `record`: in target ids, the columns to write: all data columns for `create`, the changed ones for
///   `update`, none otherwise. Excludes state and status (in `state`) and deferred lookups (in `deferred`).
/// - `changes`: the changed columns of an update (old and new values); of a create only the hidden ones
///   (`columnChanges` gives every column).
/// - `state`: `statecode`/`statuscode` to set in the last pass, empty when they already match.
/// - `bodyKey`: the source file body to upload with the record (annotation `documentbody`).
/// - `depth`: write wave within the table (0 first); records of one wave are written in parallel.
public struct RecordPlan: Sendable {
    public var table: String
    public var sourceID: UUID?
    public var targetID: UUID
    public var name: String?
    public var action: RecordAction
    public var match: MatchKind
    public var record: EntityRecord
    public var changes: [ColumnChange]
    public var deferred: [DeferredLookup]
    public var state: [String: FieldValue]
    public var bodyKey: FileBodyKey?
    public var depth: Int

    /// True when nothing at all will be written for this record.
    public var writesNothing: Bool { action == .unchanged && state.isEmpty && deferred.isEmpty }

    /// Every changed column: `changes` for an update; for a create, derived from what it writes (each
    /// column of `record` but state and status, and each deferred lookup, as a new value) with the hidden
    /// ones as `changes` lists them. A create's `changes` holds only its hidden columns (and a note's body),
    /// so a plan does not keep a second copy of every created record's columns (issue 20).
    public var columnChanges: [ColumnChange] {
        guard action == .create else { return changes }
        let listed = Set(changes.map(\.column))
        var out = changes
        for (column, value) in record.columns where !listed.contains(column) && !PortalTables.stateColumns.contains(column) {
            out.append(ColumnChange(column: column, old: nil, new: value, hidden: false))
        }
        for d in deferred where !listed.contains(d.column) {
            out.append(ColumnChange(column: d.column, old: nil, new: d.value, hidden: false))
        }
        return out.sorted { $0.column < $1.column }
    }
}

/// The N:N changes of one relationship, in target ids, sorted.
public struct LinkPlan: Sendable {
    public var relationship: String
    public var add: [ManyToManyLink]
    public var remove: [ManyToManyLink]
    public var unchanged: Int
}

/// A lookup cleared because its target is missing and `--missing-lookups drop` was given (as CMT does).
public struct DroppedLookup: Sendable, Hashable, Codable {
    public var table: String
    public var recordID: UUID
    public var column: String
    public var target: String
    public var targetID: UUID
}

/// A column of a matched record whose target value the plan keeps on purpose: a website column bound
/// to the target's environment when the source website is mapped onto another website
/// (`--targetWebSiteId`, `Planner.environmentBoundWebsiteColumns`).
public struct KeptColumn: Sendable, Hashable, Codable {
    public var table: String
    public var recordID: UUID
    public var column: String
    /// The target's value, kept, as text (`nil` for null).
    public var value: String?
    /// Why it is kept, printed in the plan.
    public var reason: String
}

/// A source record (or a requested deletion) the plan leaves out on purpose, with the reason printed in
/// the plan: a table that is environment-specific (`adx_websitebinding` is download-only in pac,
/// research/pac-portal-format.md §.portalconfig and peers-and-pain.md row 6), or a deletion of a record
/// the target does not have ("already absent").
public struct SkippedRecord: Sendable, Hashable {
    public var table: String
    public var id: UUID
    public var name: String?
    public var reason: String

    public init(table: String, id: UUID, name: String?, reason: String) {
        self.table = table
        self.id = id
        self.name = name
        self.reason = reason
    }
}

/// Everything a migration would do, decided by comparing the source with the target's current records.
///
/// - `tableOrder`: the write order of tables (`DependencyOrder`).
/// - `records`: per table in `tableOrder`, parent first (by `depth`, then id); deletes are listed in
///   `deletions`, children first.
/// - `idMap`: source id → target id for every matched record whose ids differ.
/// - `diagnostics`: ambiguous matches and other planning findings (checks add theirs later).
/// - `skipped`: source records not written and requested deletions not needed, each with its reason.
public struct MigrationPlan: Sendable {
    public var sourceWebsiteID: UUID
    public var targetWebsiteID: UUID
    public var tableOrder: [String]
    public var records: [RecordPlan]
    public var deletions: [RecordPlan]
    public var links: [LinkPlan]
    public var idMap: [UUID: UUID]
    public var diagnostics: [Diagnostic]
    public var droppedLookups: [DroppedLookup]
    /// Records left out on purpose (environment-specific tables, deletions already done), sorted by table then id.
    public var skipped: [SkippedRecord] = []
    /// Target values kept on purpose (environment-bound website columns), sorted by table, id, column.
    public var keptColumns: [KeptColumn] = []
    /// How the plan treats columns the source's format carries but a record leaves out
    /// (`PlanHints.absentColumnsNote`); `nil` when the source's format is unknown.
    public var absentColumns: String?
    /// Columns planned as an update to null because the source record leaves them out (absent columns
    /// cleared), by table logical name: counted in the report's summary.
    public var clearedColumns: [String: Int] = [:]

    /// True when applying the plan writes nothing.
    public var isEmpty: Bool {
        records.allSatisfy(\.writesNothing) && deletions.isEmpty && links.allSatisfy { $0.add.isEmpty && $0.remove.isEmpty }
    }

    /// The number of write operations the plan needs (records, deferred patches, state, links, deletes).
    public var operationCount: Int {
        records.reduce(0) { n, r in
            n + (r.action == .create || r.action == .update ? 1 : 0) + (r.deferred.isEmpty ? 0 : 1) + (r.state.isEmpty ? 0 : 1)
        } + deletions.count + links.reduce(0) { $0 + $1.add.count + $1.remove.count }
    }
}

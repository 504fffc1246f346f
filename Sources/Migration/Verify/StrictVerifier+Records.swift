import Foundation
import PortalModel

/// What the record and column steps of `StrictVerifier.compare` left out, gathered for `notCompared`.
///
/// - `system`: system columns seen (never the primary id column).
/// - `environmentSpecific`: environment-specific columns seen, by table (the website's domain).
/// - `notCarried`: target data columns the source's format does not carry, by table.
/// - `excluded`: columns outside the verify scope, by table.
/// - `droppedLookups`: values not compared because the lookup was dropped on purpose.
/// - `keptAbsent`: values the source leaves out and the run kept (`keepAbsent`).
struct VerifyLeftOut: Sendable, Equatable {
    var system = Set<String>()
    var environmentSpecific: [String: Set<String>] = [:]
    var notCarried: [String: Set<String>] = [:]
    var excluded: [String: Set<String>] = [:]
    var droppedLookups = 0
    var keptAbsent = 0
}

/// The record step's output: source records looked for in the target, their column differences, and
/// which target records were paired (by table, target ids) for the steps after it.
struct RecordComparison: Sendable {
    /// `missing-in-target` and `column` differences, in source table and id order.
    var differences: [VerifyDifference] = []
    /// Source records looked for.
    var records = 0
    /// Column values compared.
    var values = 0
    /// Target ids of the records paired with a source record, by table.
    var paired: [String: Set<UUID>] = [:]
    var leftOut = VerifyLeftOut()
}

extension StrictVerifier {
    /// The target's records by table and id (a later record of the same id wins).
    static func recordsByID(_ snapshot: PortalSnapshot) -> [String: [UUID: EntityRecord]] {
        var byTable: [String: [UUID: EntityRecord]] = [:]
        for (t, rows) in snapshot.records { for r in rows { byTable[t, default: [:]][r.id] = r } }
        return byTable
    }

    /// The record step: each source record of a table in scope (tables and records in order) is looked
    /// up in `targetRecords` by its mapped id (`idMap`, else its own); a missing one is a difference, a
    /// paired one is compared column by column unless its table is presence-only for it.
    func compareRecords(
        source: PortalSnapshot, targetRecords: [String: [UUID: EntityRecord]], idMap: [UUID: UUID]
    ) -> RecordComparison {
        var out = RecordComparison()
        let dropped = Set(droppedLookups.map { PlanOptions.hiddenKey($0.table, $0.recordID, $0.column) })
        for table in source.records.keys.sorted() where scope.includes(table: table) {
            let primaryID = catalog.table(table)?.primaryIDColumn ?? "\(table)id"
            let carriedColumns = carried.columns(of: table)
            // In id text order; each id's text made once, not twice per comparison of the sort.
            let ordered = (source.records[table] ?? []).map { ($0.id.dataverseString, $0) }.sorted { $0.0 < $1.0 }.map(\.1)
            for s in ordered {
                out.records += 1
                let tid = idMap[s.id] ?? s.id
                let name = PortalTables.primaryName(s, definitions: [:], catalog: catalog)
                guard let t = targetRecords[table]?[tid] else {
                    out.differences.append(VerifyDifference(kind: .missingInTarget, table: table, id: s.id, targetID: tid, name: name))
                    continue
                }
                out.paired[table, default: []].insert(tid)
                if presenceOnly[table]?.contains(tid) ?? false { continue }
                let columns = comparedColumns(
                    of: table, source: s, target: t, targetID: tid, primaryID: primaryID, carriedColumns: carriedColumns,
                    dropped: dropped, leftOut: &out.leftOut)
                out.values += columns.count
                for c in columns {
                    if let d = columnDifference(table: table, column: c, source: s, target: t, targetID: tid, name: name, idMap: idMap) {
                        out.differences.append(d)
                    }
                }
            }
        }
        return out
    }

    /// The columns of one paired record to compare, in name order: the source record's columns and the
    /// target's that the source's format carries (`carriedColumns`, nil = all), less system columns,
    /// environment-specific columns, columns outside the scope, dropped lookups (`dropped`: hidden keys in
    /// target ids) and, with `keepAbsent`, columns the source leaves out (state columns excepted). Each
    /// one left out is recorded in `leftOut`.
    func comparedColumns(
        of table: String, source s: EntityRecord, target t: EntityRecord, targetID tid: UUID, primaryID: String,
        carriedColumns: Set<String>?, dropped: Set<String>, leftOut: inout VerifyLeftOut
    ) -> [String] {
        var columns = Set(s.columns.keys)
        for c in t.columns.keys where !columns.contains(c) {
            if let carriedColumns, !carriedColumns.contains(c) {
                if PortalTables.isDataColumn(c, primaryID: primaryID) { leftOut.notCarried[table, default: []].insert(c) }
                continue
            }
            columns.insert(c)
        }
        var compared: [String] = []
        for c in columns.sorted() {
            guard PortalTables.isDataColumn(c, primaryID: primaryID) else {
                if c != primaryID { leftOut.system.insert(c) }
                continue
            }
            if TableCatalog.environmentSpecificColumns[table]?.contains(c) ?? false {
                leftOut.environmentSpecific[table, default: []].insert(c)
                continue
            }
            guard scope.includes(column: c, of: table) else {
                leftOut.excluded[table, default: []].insert(c)
                continue
            }
            if !dropped.isEmpty, dropped.contains(PlanOptions.hiddenKey(table, tid, c)) {
                leftOut.droppedLookups += 1
                continue
            }
            if keepAbsent && s.columns[c] == nil && !PortalTables.stateColumns.contains(c) {
                leftOut.keptAbsent += 1
                continue
            }
            compared.append(c)
        }
        return compared
    }

    /// The `column` difference of one column of a paired record, or nil when the values are equal
    /// (`VerifyValue.equal`, the source's lookups mapped through `idMap`). A column the source leaves out
    /// is its format's absent value; a state column that is absent or null on either side is the default
    /// (active). Secrets and values a deployment profile sets (`hiddenColumns`) show as `(hidden)`.
    func columnDifference(
        table: String, column c: String, source s: EntityRecord, target t: EntityRecord, targetID tid: UUID,
        name: String?, idMap: [UUID: UUID]
    ) -> VerifyDifference? {
        let mapped = { (id: UUID) in idMap[id] ?? id }
        var sv = s.columns[c] ?? carried.absentValue(of: c)
        var tv = t.columns[c]
        if PortalTables.stateColumns.contains(c) {
            // A table's state is never empty in Dataverse: absent or null on either side is the
            // default (active), as `CarriedColumns.absentValue` says.
            if sv == .null { sv = carried.absentValue(of: c) }
            if tv == nil || tv == .null { tv = carried.absentValue(of: c) }
        }
        if VerifyValue.equal(remapped(sv, mapped), tv) { return nil }
        let hide = Secrets.isHidden(s, column: c, hiddenColumns: hiddenColumns) || Secrets.isHidden(t, column: c, hiddenColumns: [])
        return VerifyDifference(
            kind: .column, table: table, id: s.id, targetID: tid, name: name, column: c,
            source: hide ? VerifyDifference.hidden : display(remapped(sv, mapped)),
            target: hide ? VerifyDifference.hidden : display(tv))
    }
}

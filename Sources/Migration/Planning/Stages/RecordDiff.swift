import Foundation
import PortalModel

/// The record-diff stage's output: per source record, what to write (create, update, unchanged) and
/// which columns change, in target ids; not yet ordered within tables nor split into deferred lookups
/// (`Scheduler` does that next).
struct RecordDiff: Sendable {
    /// One plan per source record of the tables in order, in the source's order within a table
    /// (`depth` 0, no deferred lookups yet).
    var records: [RecordPlan]
    /// Target values kept on purpose (environment-bound website columns under `--targetWebSiteId`).
    var keptColumns: [KeptColumn]
    /// Updates to null of columns the target holds, counted by table (columns the source leaves out).
    var clearedColumns: [String: Int]
}

extension Planner {
    /// The record-diff stage: compares each remapped source record (`lookups.records`) with its target
    /// record in `index` (by table and target id) and decides the action, the payload, the changed
    /// columns (`ColumnChange`, hidden for secrets), the state to set last and a note's body to upload.
    /// Pure; deterministic.
    static func recordDiff(
        source: PortalSnapshot, lookups: LookupResolution, order: [String], identity: IdentityResolution,
        index: TargetIndex, options: PlanOptions, catalog: TableCatalog
    ) -> RecordDiff {
        var out = RecordDiff(records: [], keptColumns: [], clearedColumns: [:])
        for table in order {
            let def = index.definitions[table]
            let sources = source.records[table] ?? []
            let clearable = clearableColumns(of: table, definition: def, options: options, catalog: catalog)
            for (i, mapped) in (lookups.records[table] ?? []).enumerated() {
                var m = mapped
                let src = sources[i]
                let existing = index.record(table, m.id)
                if let existing {
                    clearAbsentColumns(&m, existing: existing, clearable: clearable, hints: options.hints)
                    if PortalTables.websiteTables.contains(table), src.id != m.id {
                        out.keptColumns += keepEnvironmentBoundColumns(&m, of: table, existing: existing)
                    }
                }
                let plan = recordPlan(
                    table: table, source: src, mapped: m, existing: existing, definition: def, identity: identity,
                    bodies: (source.bodies, index.bodies),
                    options: options, name: PortalTables.primaryName(src, definitions: index.definitions, catalog: catalog))
                // Every update to null of a column the target holds counts as cleared (a column left out by
                // the source's format, or a null an environment source returns).
                let cleared = plan.changes.filter { c in existing != nil && c.new.isNull && !ValueComparison.equal(c.old, .null) }.count
                if cleared > 0 { out.clearedColumns[table, default: 0] += cleared }
                out.records.append(plan)
            }
        }
        return out
    }

    /// The columns an absent source value may clear in `table`: those the source's format carries
    /// (`PlanHints.clearableColumns`) among the target's clearable data columns, less ignored and
    /// environment-bound website columns. Empty when the target lacks the table.
    static func clearableColumns(of table: String, definition: TableDefinition?, options: PlanOptions, catalog: TableCatalog) -> Set<String> {
        guard let d = definition else { return [] }
        let pk = PortalTables.primaryID(table, definitions: [table: d], catalog: catalog)
        return options.hints.clearableColumns(of: table, targetColumns: Set(d.columns.filter { Planner.isClearable($0) }.map(\.logicalName)))
            .filter {
                PortalTables.isDataColumn($0, primaryID: pk) && !(options.ignoredColumns[table]?.contains($0) ?? false)
                    && !(Planner.environmentBoundWebsiteColumns[table]?.contains($0) ?? false)
            }
    }

    /// Sets on `m` the absent value (`PlanHints.absentValue`) of each clearable column the record leaves
    /// out while the target holds another value. A column the target does not return either (an
    /// enhanced website's state) is left alone.
    static func clearAbsentColumns(_ m: inout EntityRecord, existing: EntityRecord, clearable: Set<String>, hints: PlanHints) {
        for column in clearable.sorted() where m.columns[column] == nil && existing.columns[column] != nil {
            let v = hints.absentValue(of: column)
            if !ValueComparison.equal(v, existing.columns[column]) { m.columns[column] = v }
        }
    }

    /// The source website mapped onto another website: removes from `m` the environment-bound columns
    /// (`environmentBoundWebsiteColumns`: name and host), which the target keeps; returns those whose
    /// value differs, listed as kept with the reason.
    static func keepEnvironmentBoundColumns(_ m: inout EntityRecord, of table: String, existing: EntityRecord) -> [KeptColumn] {
        var kept: [KeptColumn] = []
        for column in (Planner.environmentBoundWebsiteColumns[table] ?? []).sorted() where m.columns[column] != nil {
            if !ValueComparison.equal(m.columns[column], existing.columns[column]) {
                kept.append(
                    KeptColumn(
                        table: table, recordID: m.id, column: column, value: existing.columns[column]?.text,
                        reason: "bound to the target's environment; the source's value \(PlanRenderer.show(m.columns[column])) is not written"))
            }
            m.columns[column] = nil
        }
        return kept
    }

    /// The plan of one record: `m` is the source record `src` remapped (absent columns set, kept
    /// columns removed), `existing` its target record (`nil`: created).
    static func recordPlan(
        table: String, source src: EntityRecord, mapped m: EntityRecord, existing: EntityRecord?, definition def: TableDefinition?,
        identity: IdentityResolution, bodies: (source: [FileBodyKey: FileBody], target: [FileBodyKey: FileBody]),
        options: PlanOptions, name: String?
    ) -> RecordPlan {
        var (payload, changes) = payloadAndChanges(
            table: table, source: src, mapped: m, existing: existing, definition: def, options: options)
        var state = stateToSet(m, existing: existing)
        var bodyKey: FileBodyKey? = nil
        if table == "annotation", let change = noteBodyChange(src.id, targetID: m.id, existing: existing != nil, bodies: bodies) {
            bodyKey = change.key
            changes.append(change.change)
        }
        if existing != nil && options.skipUpdateTables.contains(table) {
            // skipupdate: an existing record is left as it is.
            payload.columns = [:]
            changes = []
            state = [:]
            bodyKey = nil
        }
        var action: RecordAction = existing == nil ? .create : (changes.isEmpty ? .unchanged : .update)
        if action == .unchanged && options.rewriteUnchanged && !options.skipUpdateTables.contains(table) {
            // --forceUploadAll: rewrite the record with every data column the source has.
            for (column, value) in m.columns where !PortalTables.stateColumns.contains(column) && (def?.column(column) != nil || def == nil) {
                payload.columns[column] = value
            }
            if !payload.columns.isEmpty { action = .update }
        }
        return RecordPlan(
            table: table, sourceID: src.id, targetID: m.id, name: name, action: action,
            match: existing == nil ? .none : identity.kind[src.id] ?? .id,
            record: payload, changes: changes, deferred: [], state: state, bodyKey: bodyKey, depth: 0)
    }

    /// The columns to write and the changes to list: for a create every non-null data column (a new
    /// record's default state 0 / 1 with it, and the create-only system columns the source holds), its
    /// changes only the hidden ones (`RecordPlan.columnChanges` derives the rest); for an existing
    /// record each column whose value differs. Columns the target's table lacks (schema
    /// drift, reported by the checks) and ignored columns are left out; state and status never change here.
    static func payloadAndChanges(
        table: String, source src: EntityRecord, mapped m: EntityRecord, existing: EntityRecord?, definition def: TableDefinition?,
        options: PlanOptions
    ) -> (EntityRecord, [ColumnChange]) {
        var payload = EntityRecord(table, id: m.id)
        var changes: [ColumnChange] = []
        for (column, value) in m.columns.sorted(by: { $0.key < $1.key }) {
            if let def, def.column(column) == nil { continue } // schema drift: reported by the checks
            if options.ignoredColumns[table]?.contains(column) ?? false { continue }
            if PortalTables.stateColumns.contains(column) {
                // A new record's default state (0 / 1) goes with the create, so the target holds
                // it as the source does; other states are set after the create.
                if existing == nil,
                    (column == "statecode" && ValueComparison.equal(value, .state(0)))
                        || (column == "statuscode" && ValueComparison.equal(value, .status(1)))
                {
                    payload.columns[column] = value
                }
                continue
            }
            if let existing {
                if ValueComparison.equal(value, existing.columns[column]) { continue }
            } else if value.isNull {
                continue
            }
            payload.columns[column] = value
            let hidden = Secrets.isHidden(src, column: column, hiddenColumns: options.hiddenColumns)
            // A create lists only its hidden columns as changes: its other columns are the payload's
            // (`RecordPlan.columnChanges`), and a list per created record held every column's value twice
            // over an L upload (39 MB, issue 20).
            guard existing != nil || hidden else { continue }
            changes.append(ColumnChange(column: column, old: existing?.columns[column], new: value, hidden: hidden))
        }
        // Create-only system columns the source holds (pac folders carry them; Dataverse accepts
        // them on create): written with the create, never compared.
        if existing == nil {
            for column in Planner.createOnlySystemColumns.sorted() {
                if let v = src.columns[column], !v.isNull, def?.column(column) != nil || def == nil { payload.columns[column] = v }
            }
            // Memory (issue 20): a create usually writes the source record's columns as they are; the plan
            // then shares the source's dictionary instead of holding a copy of every created record.
            if payload.columns.count == src.columns.count, payload.columns == src.columns { payload.columns = src.columns }
        }
        return (payload, changes)
    }

    /// `statecode`/`statuscode` to set in the last pass: for an existing record both (as the source
    /// has them) when either differs; for a create both when they are not the default active state
    /// (0 / 1, written with the create). A null state in the source (an environment returns one for a
    /// record it never gave a state) stands for the active state: a state is never written empty.
    static func stateToSet(_ m: EntityRecord, existing: EntityRecord?) -> [String: FieldValue] {
        let sc = m.columns["statecode"].map { $0.isNull ? PlanHints.activeState["statecode"]! : $0 }
        let st = m.columns["statuscode"].map { $0.isNull ? PlanHints.activeState["statuscode"]! : $0 }
        let needed: Bool
        if let existing {
            needed =
                (sc.map { !ValueComparison.equal($0, existing.columns["statecode"]) } ?? false)
                || (st.map { !ValueComparison.equal($0, existing.columns["statuscode"]) } ?? false)
        } else {
            needed =
                !((sc == nil || ValueComparison.equal(sc, .state(0)))
                && (st == nil || ValueComparison.equal(st, .status(1))))
        }
        var state: [String: FieldValue] = [:]
        if needed {
            if let sc { state["statecode"] = sc }
            if let st { state["statuscode"] = st }
        }
        return state
    }

    /// A note's `documentbody` to upload: the source body of note `sourceID`, unless the target note
    /// (`targetID`, when `existing`) holds the same bytes. The change lists the size only (hidden).
    static func noteBodyChange(
        _ sourceID: UUID, targetID: UUID, existing: Bool, bodies: (source: [FileBodyKey: FileBody], target: [FileBodyKey: FileBody])
    ) -> (key: FileBodyKey, change: ColumnChange)? {
        let key = FileBodyKey("annotation", sourceID, "documentbody")
        guard let body = bodies.source[key] else { return nil }
        // Unchanged only when both bodies load and are equal: a body that cannot be read (two failures
        // would compare equal as nil) is planned as a change, so the write names the failure.
        if existing, let tb = bodies.target[FileBodyKey("annotation", targetID, "documentbody")],
            let sourceBytes = try? body.load(), let targetBytes = try? tb.load(), sourceBytes == targetBytes
        {
            return nil
        }
        return (key, ColumnChange(column: "documentbody", old: nil, new: .string("(\((try? body.size()) ?? 0) bytes)"), hidden: true))
    }
}

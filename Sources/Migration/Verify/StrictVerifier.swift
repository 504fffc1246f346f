import Crypto
import Foundation
import PortalModel

/// Counts of what a strict comparison looked at.
///
/// - `records`: source records looked for in the target (plus target-only records when reported).
/// - `values`: column values compared (state and status included).
/// - `links`: N:N links compared (the union of both sides).
/// - `fileBodies`: file bodies compared by SHA-256.
public struct VerifyCounts: Sendable, Hashable, Codable {
    public var records = 0
    public var values = 0
    public var links = 0
    public var fileBodies = 0
    public init() {}
}

/// What `StrictVerifier.compare` found: the differences, what it compared, and what it left out.
///
/// - `notCompared`: one line per thing left out, saying why (system columns, environment-specific tables
///   and columns, columns the source format does not carry, lookups deliberately dropped, values a
///   deployment profile sets, tables with no counterpart in the other data model).
public struct StrictVerifyOutcome: Sendable {
    public var differences: [VerifyDifference]
    public var checked: VerifyCounts
    public var notCompared: [String]
}

/// The strict, independent comparison behind `verify` and the read-back after every write (issue 18):
/// two snapshots, record by record, over the union of their columns; nested values by value; N:N links
/// in both directions; file bodies by SHA-256; state and status.
///
/// It shares nothing with the planner's comparison (`Planner`, `ValueComparison`): it is given the
/// pairing of records (source id → target id, from identity matching) and decides equality itself
/// (`VerifyValue`). Left out, and listed in `notCompared`:
/// - system columns (`PortalTables.systemColumns`, `*_base`) and the primary id column;
/// - environment-specific tables (`scope.excludedTables`, `TableCatalog.environmentSpecificTables`) and
///   columns (`TableCatalog.environmentSpecificColumns`: the website's domain);
/// - columns of the target the source's format does not carry (`carried`, `CarriedColumns`);
/// - lookups deliberately dropped (`droppedLookups`: `--missing-lookups drop`);
/// - tables and columns with no counterpart in the other data model (`scope.excludedTables` with a
///   reason, `scope.excludedColumns`);
/// - with a schema scope, what the schema does not name.
/// Values a deployment profile sets (`hiddenColumns`) are compared against the profile's value but
/// never printed. Nothing else is skipped.
///
/// Example:
/// ```swift
/// let outcome = StrictVerifier(catalog: .standard, carried: .pacFolder)
///     .compare(source: folderSnapshot, target: environmentSnapshot, idMap: plan.idMap)
/// ```
public struct StrictVerifier: Sendable {
    public var catalog: TableCatalog
    /// What the source's format can say about columns.
    public var carried: CarriedColumns
    /// The tables, columns and N:N relationships compared.
    public var scope: VerifyScope
    /// Lookups cleared on purpose (`--missing-lookups drop`), in target ids: never compared.
    public var droppedLookups: [DroppedLookup] = []
    /// `PlanOptions.hiddenKey` keys (source ids) of values never printed (a deployment profile's).
    public var hiddenColumns: Set<String> = []
    /// False when records and links only the target has are not differences (a write without `--prune`).
    public var reportTargetOnly = true
    /// Tables whose existing target records are compared on presence only (a CMT schema's
    /// `skipupdate="true"`: a run leaves them as they are), with the target ids of records that existed
    /// before the run.
    public var presenceOnly: [String: Set<UUID>] = [:]
    /// True when a column a source record leaves out (no key at all) is not compared: the run kept the
    /// target's value (`--keep-absent-columns`, or a source whose format is unknown). Counted in
    /// `notCompared`. A column the source holds as empty is always compared.
    public var keepAbsent = false
    /// Tables shared by every website of an environment (portal languages): a target record of one
    /// that the source lacks is a difference only when a target record of the website references it.
    public static let globalTables: Set<String> = ["adx_portallanguage"]

    public init(catalog: TableCatalog = .standard, carried: CarriedColumns = .environment, scope: VerifyScope = .all) {
        self.catalog = catalog
        self.carried = carried
        self.scope = scope
    }

    /// Compares `source` (source ids) with `target` (target ids).
    /// - Parameters:
    ///   - idMap: source id → target id for paired records whose ids differ (natural-key matches, the
    ///     website mapped by `--targetWebSiteId`); every other source record pairs with the target record
    ///     of the same table and id. Lookups and link ends of the source are mapped the same way.
    ///   - deletedInTarget: target records a run deleted (table, id): each one still present is a difference.
    ///   - removedLinks: N:N links a run removed, by relationship, in target ids: each one still present
    ///     is a difference (`link-only-in-target`).
    /// - Returns: differences sorted by table, then id, then column.
    public func compare(
        source: PortalSnapshot, target: PortalSnapshot, idMap: [UUID: UUID],
        deletedInTarget: [(table: String, id: UUID, name: String?)] = [],
        removedLinks: [String: [ManyToManyLink]] = [:]
    ) -> StrictVerifyOutcome {
        var diffs: [VerifyDifference] = []
        var counts = VerifyCounts()
        var notCarried: [String: Set<String>] = [:]
        var systemSeen = Set<String>()
        var environmentSeen: [String: Set<String>] = [:]
        var excludedSeen: [String: Set<String>] = [:]
        let dropped = Set(droppedLookups.map { PlanOptions.hiddenKey($0.table, $0.recordID, $0.column) })
        var droppedSeen = 0
        var keptSeen = 0
        func mapped(_ id: UUID) -> UUID { idMap[id] ?? id }

        var targetByTable: [String: [UUID: EntityRecord]] = [:]
        for (t, rows) in target.records { for r in rows { targetByTable[t, default: [:]][r.id] = r } }
        var paired: [String: Set<UUID>] = [:]

        for table in source.records.keys.sorted() where scope.includes(table: table) {
            let primaryID = catalog.table(table)?.primaryIDColumn ?? "\(table)id"
            let carriedColumns = carried.columns(of: table)
            for s in (source.records[table] ?? []).sorted(by: { $0.id.dataverseString < $1.id.dataverseString }) {
                counts.records += 1
                let tid = mapped(s.id)
                let name = PortalTables.primaryName(s, definitions: [:], catalog: catalog)
                guard let t = targetByTable[table]?[tid] else {
                    diffs.append(VerifyDifference(kind: .missingInTarget, table: table, id: s.id, targetID: tid, name: name))
                    continue
                }
                paired[table, default: []].insert(tid)
                if presenceOnly[table]?.contains(tid) ?? false { continue }
                var columns = Set(s.columns.keys)
                for c in t.columns.keys where !columns.contains(c) {
                    if let carriedColumns, !carriedColumns.contains(c) {
                        if PortalTables.isDataColumn(c, primaryID: primaryID) { notCarried[table, default: []].insert(c) }
                        continue
                    }
                    columns.insert(c)
                }
                for c in columns.sorted() {
                    guard PortalTables.isDataColumn(c, primaryID: primaryID) else {
                        if c != primaryID { systemSeen.insert(c) }
                        continue
                    }
                    if TableCatalog.environmentSpecificColumns[table]?.contains(c) ?? false {
                        environmentSeen[table, default: []].insert(c); continue
                    }
                    guard scope.includes(column: c, of: table) else { excludedSeen[table, default: []].insert(c); continue }
                    if dropped.contains(PlanOptions.hiddenKey(table, tid, c)) { droppedSeen += 1; continue }
                    if keepAbsent && s.columns[c] == nil && !PortalTables.stateColumns.contains(c) { keptSeen += 1; continue }
                    counts.values += 1
                    var sv = s.columns[c] ?? carried.absentValue(of: c)
                    var tv = t.columns[c]
                    if PortalTables.stateColumns.contains(c) {
                        // A table's state is never empty in Dataverse: absent or null on either side is the
                        // default (active), as `CarriedColumns.absentValue` says.
                        if sv == .null { sv = carried.absentValue(of: c) }
                        if tv == nil || tv == .null { tv = carried.absentValue(of: c) }
                    }
                    if VerifyValue.equal(remapped(sv, mapped), tv) { continue }
                    let hide = Secrets.isHidden(s, column: c, hiddenColumns: hiddenColumns) || Secrets.isHidden(t, column: c, hiddenColumns: [])
                    diffs.append(
                        VerifyDifference(
                            kind: .column, table: table, id: s.id, targetID: tid, name: name, column: c,
                            source: hide ? VerifyDifference.hidden : display(remapped(sv, mapped)),
                            target: hide ? VerifyDifference.hidden : display(tv)))
                }
            }
        }

        // Records only the target has (portal languages: only when the website references them).
        if reportTargetOnly {
            var referenced = Set<UUID>()
            for rows in target.records.values {
                for r in rows { for v in r.columns.values { if let id = v.reference?.id { referenced.insert(id) } } }
            }
            for table in target.records.keys.sorted() where scope.includes(table: table) {
                for t in (target.records[table] ?? []).sorted(by: { $0.id.dataverseString < $1.id.dataverseString })
                where !(paired[table]?.contains(t.id) ?? false) {
                    if Self.globalTables.contains(table) && !referenced.contains(t.id) { continue }
                    counts.records += 1
                    diffs.append(
                        VerifyDifference(
                            kind: .onlyInTarget, table: table, id: t.id,
                            name: PortalTables.primaryName(t, definitions: [:], catalog: catalog)))
                }
            }
        }

        // Planned deletions the target still holds.
        for d in deletedInTarget where targetByTable[d.table]?[d.id] != nil {
            diffs.append(VerifyDifference(kind: .notDeleted, table: d.table, id: d.id, name: d.name))
        }

        // File bodies of paired records, by SHA-256.
        var bodyKeys: [FileBodyKey: FileBodyKey] = [:] // target key → source key
        for key in source.bodies.keys where scope.includes(table: key.logicalName) {
            let tk = FileBodyKey(key.logicalName, mapped(key.id), key.column)
            if paired[key.logicalName]?.contains(tk.id) ?? false { bodyKeys[tk] = key }
        }
        // A body only the target has, on a paired record: the source side is empty.
        for key in target.bodies.keys where paired[key.logicalName]?.contains(key.id) ?? false && bodyKeys[key] == nil {
            bodyKeys[key] = key
        }
        for (tk, sk) in bodyKeys.sorted(by: { $0.key < $1.key }) {
            if presenceOnly[tk.logicalName]?.contains(tk.id) ?? false { continue }
            counts.fileBodies += 1
            let sh = Self.digest(source.bodies[sk]), th = Self.digest(target.bodies[tk])
            guard sh != th else { continue }
            let s = source.records[sk.logicalName]?.first { $0.id == sk.id }
            diffs.append(
                VerifyDifference(
                    kind: .fileBody, table: tk.logicalName, id: sk.id, targetID: tk.id,
                    name: s.flatMap { PortalTables.primaryName($0, definitions: [:], catalog: catalog) },
                    column: tk.column, source: sh, target: th))
        }

        // N:N links, both directions, in target ids.
        for rel in Set(source.links.keys).union(target.links.keys).sorted() where scope.includes(relationship: rel) {
            func compared(_ l: ManyToManyLink) -> Bool { scope.includes(table: l.first.logicalName) && scope.includes(table: l.second.logicalName) }
            let src = Set(
                (source.links[rel] ?? []).filter(compared).map {
                    ManyToManyLink(
                        EntityReference($0.first.logicalName, mapped($0.first.id)), EntityReference($0.second.logicalName, mapped($0.second.id)))
                })
            let tgt = Set((target.links[rel] ?? []).filter(compared))
            func key(_ l: ManyToManyLink) -> [UUID] { [l.first.id, l.second.id] }
            let srcKeys = Set(src.map(key)), tgtKeys = Set(tgt.map(key))
            counts.links += srcKeys.union(reportTargetOnly ? tgtKeys : []).count
            for l in src.sorted() where !tgtKeys.contains(key(l)) {
                diffs.append(VerifyDifference(kind: .linkMissingInTarget, table: rel, id: l.first.id, targetID: l.second.id))
            }
            let removed = Set((removedLinks[rel] ?? []).map { Set([$0.first.id, $0.second.id]) })
            if reportTargetOnly || !removed.isEmpty {
                for l in tgt.sorted() where !srcKeys.contains(key(l)) && (reportTargetOnly || removed.contains(Set(key(l)))) {
                    diffs.append(VerifyDifference(kind: .linkOnlyInTarget, table: rel, id: l.first.id, targetID: l.second.id))
                }
            }
        }

        // What was left out, explicitly.
        var left: [String] = []
        if !systemSeen.isEmpty {
            left.append(
                "system columns (\(systemSeen.sorted().joined(separator: ", "))): not compared (Dataverse maintains them; bound to one environment)")
        }
        for (table, cols) in environmentSeen.sorted(by: { $0.key < $1.key }) {
            left.append("\(table) columns \(cols.sorted().joined(separator: ", ")): not compared (environment specific: the website's domain)")
        }
        for (table, cols) in notCarried.sorted(by: { $0.key < $1.key }) {
            left.append(
                "\(table) columns \(cols.sorted().joined(separator: ", ")): set in the target, not compared (\(carried.label) does not carry them)")
        }
        for (table, cols) in excludedSeen.sorted(by: { $0.key < $1.key }) where scope.excludedColumns[table] != nil || scope.columnsByTable != nil {
            let excluded = scope.excludedColumns[table].map { cols.isSubset(of: $0) } ?? false
            let why =
                excluded ? scope.excludedColumnReasons[table] ?? "no counterpart in the target's data model" : "not in \(scope.label ?? "the schema")"
            left.append("\(table) columns \(cols.sorted().joined(separator: ", ")): not compared (\(why))")
        }
        if keptSeen > 0 {
            left.append(
                "\(keptSeen) value(s) the source leaves out, kept as the target has them (--keep-absent-columns, or a source format that does not say): not compared"
            )
        }
        if droppedSeen > 0 {
            left.append("\(droppedSeen) lookup(s) dropped on purpose (--missing-lookups drop): not compared")
        }
        let profileValues = hiddenColumns.count
        if profileValues > 0 {
            left.append("\(profileValues) value(s) set by the deployment profile: compared with the profile's value, never printed")
        }
        diffs.sort {
            ($0.table, $0.id.dataverseString, $0.column ?? "", $0.kind.rawValue) < (
                $1.table, $1.id.dataverseString, $1.column ?? "", $1.kind.rawValue
            )
        }
        return StrictVerifyOutcome(differences: diffs, checked: counts, notCompared: left)
    }

    /// `v` with a lookup's id mapped into the target's ids.
    private func remapped(_ v: FieldValue, _ mapped: (UUID) -> UUID) -> FieldValue {
        switch v {
        case .lookup(let r): return .lookup(EntityReference(r.logicalName, mapped(r.id), name: r.name))
        case .owner(let r): return .owner(EntityReference(r.logicalName, mapped(r.id), name: r.name))
        default: return v
        }
    }

    /// A value as printed in a difference: its invariant text, a lookup as `table id`; `nil` when empty.
    func display(_ v: FieldValue?) -> String? {
        guard let v, VerifyValue(v) != .empty else { return nil }
        if let r = v.reference { return "\(r.logicalName) \(r.id.dataverseString)" }
        return v.text
    }

    /// `sha256:<hex> (N bytes)` of a body; `nil` when absent or empty (0 bytes: Dataverse stores an empty
    /// `documentbody` as null, as it does empty text); `unreadable: …` when it cannot be read.
    static func digest(_ body: FileBody?) -> String? {
        guard let body else { return nil }
        do {
            let data = try body.load()
            if data.isEmpty { return nil }
            return "sha256:" + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() + " (\(data.count) bytes)"
        } catch {
            return "unreadable: \(error.localizedDescription)"
        }
    }
}

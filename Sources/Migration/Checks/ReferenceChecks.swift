import Foundation
import PortalModel

/// Checks, before the first write, that every record an N:N link or a lookup names exists as the
/// table it is named as (issue 17 "Checks before any write": these used to write 116–280 records and
/// then fail with exit 1).
///
/// - `missing-link-record`: an N:N link to add whose other record neither the source (the plan's
///   records) nor the target has as a record of the relationship's table for that end — a web role id
///   in `webpagerule.yml`, a CMT `<targetid>`, the same in an enhanced folder; an id that is a record of
///   another table (the website's id given as a web role) counts as missing and is named so. Ids the plan and the target's website snapshot do not hold are looked up in
///   the target by id (a record of another website or a system record still counts as present).
/// - `lookup-wrong-table`: a lookup naming table A (a CMT `lookupentity`, a typed lookup) for an id
///   that the source or target holds as a record of another table B: Dataverse would refuse the write.
///
/// Each diagnostic names the record (table, id, name) and the column or relationship, so `--force`
/// leaves that record out.
public enum ReferenceChecks {
    /// The diagnostics for `planning` (sorted); reads the target only for ids the plan does not know.
    /// - Throws: `DataverseError` when the target cannot be read.
    public static func run(
        planning: PlanningResult, target: any DataverseService,
        catalog: TableCatalog = .standard
    ) async throws -> [Diagnostic] {
        let plan = planning.plan
        // Where each target id is known, and as which tables.
        var tables: [UUID: Set<String>] = [:]
        var planned: [UUID: RecordPlan] = [:]
        for r in plan.records where r.action != .delete {
            tables[r.targetID, default: []].insert(r.table)
            planned[r.targetID] = r
        }
        for (table, rows) in planning.targetSnapshot.records { for r in rows { tables[r.id, default: []].insert(table) } }
        for (table, rows) in planning.targetOutsideScope { for id in rows.keys { tables[id, default: []].insert(table) } }
        let deleted = Set(plan.deletions.map(\.targetID))

        var out: [Diagnostic] = []
        // N:N links: ends nobody has as a record of the end's table. An id known only as a record of
        // another table (the website's id given as a web role) is looked up in the end's table too:
        // Dataverse would refuse the association after the records were written.
        func knownAs(_ end: EntityReference) -> Bool {
            (tables[end.id]?.contains(end.logicalName) ?? false) && !deleted.contains(end.id)
        }
        var unknown: [String: Set<UUID>] = [:]
        for lp in plan.links {
            for l in lp.add {
                for end in [l.first, l.second] where !knownAs(end) {
                    unknown[end.logicalName, default: []].insert(end.id)
                }
            }
        }
        var present = Set<EntityReference>()
        if !unknown.isEmpty {
            let reader = SnapshotReader(service: target, catalog: catalog)
            for (table, ids) in unknown.sorted(by: { $0.key < $1.key }) {
                guard let def = planning.targetDefinitions[table] else { continue } // schema drift reports the table
                for r in try await reader.readByIDs(table, column: def.primaryIDColumn, ids: ids) where !deleted.contains(r.id) {
                    present.insert(EntityReference(table, r.id))
                }
            }
        }
        for lp in plan.links.sorted(by: { $0.relationship < $1.relationship }) {
            for l in lp.add.sorted() {
                for (end, other) in [(l.second, l.first), (l.first, l.second)]
                where !knownAs(end) && !present.contains(end)
                    && planning.targetDefinitions[end.logicalName] != nil
                {
                    let owner = planned[other.id]
                    let elsewhere = (tables[end.id] ?? []).subtracting([end.logicalName]).sorted()
                    let what =
                        elsewhere.isEmpty || deleted.contains(end.id)
                        ? "which neither the source nor the target has"
                        : "but that id is \(elsewhere.map { FolderArticle.indefinite($0) }.joined(separator: " and ")) record, "
                            + "not \(FolderArticle.indefinite(end.logicalName)) (no \(end.logicalName) of that id in the source or the target)"
                    out.append(
                        Diagnostic(
                            check: .missingLinkRecord,
                            message: "the N:N link \(lp.relationship) joins \(other.logicalName) \(other.id.dataverseString) with "
                                + "\(end.logicalName) \(end.id.dataverseString), \(what); "
                                + "add that record to the source, or remove the id from the link list",
                            table: other.logicalName, recordID: owner?.sourceID ?? other.id, recordName: owner?.name,
                            column: lp.relationship))
                }
            }
        }

        // Lookups naming the wrong table for a known id.
        for r in plan.records where r.action == .create || r.action == .update || !r.deferred.isEmpty {
            var values = r.record.columns.map { ($0.key, $0.value) }
            values += r.deferred.map { ($0.column, $0.value) }
            for (column, value) in values.sorted(by: { $0.0 < $1.0 }) {
                guard case .lookup(let ref) = value, let known = tables[ref.id], !known.contains(ref.logicalName) else { continue }
                // v2 folders: a site language and its portal language share one id (pac-portal-format.md §5);
                // a folder without `websitelanguage.yml` still has the portal language of that id.
                if ref.logicalName == "adx_websitelanguage", known == ["adx_portallanguage"] {
                    out.append(
                        Diagnostic(
                            check: .missingLookup,
                            message:
                                "the lookup points to the website language \(ref.id.dataverseString), which neither the source nor the target has "
                                + "(the source has only the portal language of that id: is websitelanguage.yml missing from the folder?)",
                            table: r.table, recordID: r.sourceID ?? r.targetID, recordName: r.name, column: column))
                    continue
                }
                out.append(
                    Diagnostic(
                        check: .lookupWrongTable,
                        message: "the lookup names \(ref.logicalName) \(ref.id.dataverseString), but that id is "
                            + "\(known.sorted().map { FolderArticle.indefinite($0) }.joined(separator: " and ")) record; "
                            + "correct the lookup's table (a CMT package's lookupentity) or its id",
                        table: r.table, recordID: r.sourceID ?? r.targetID, recordName: r.name, column: column))
            }
        }
        return out
    }
}

/// "an adx_webpage", "a powerpagecomponent".
enum FolderArticle {
    static func indefinite(_ word: String) -> String {
        ("aeiou".contains(word.lowercased().first ?? "x") ? "an " : "a ") + word
    }
}

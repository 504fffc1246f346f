import Foundation
import PortalModel

/// The first stage of planning: the source without the records of tables that are never written
/// (environment-specific tables, `PlanOptions.skippedTables`) and without the N:N links that have a
/// record of such a table at one end; each left-out record and link is listed in `skipped` with its
/// reason, so the plan names it.
struct ScopedSource: Sendable {
    /// The source to plan: records and links of the skipped tables removed; everything else as read.
    var snapshot: PortalSnapshot
    /// The left-out records (sorted by table, then id) followed by the left-out links (by relationship,
    /// then link; `table` is the relationship name, `id` the end that is not of a skipped table).
    var skipped: [SkippedRecord]
}

extension Planner {
    /// Removes the records of `skippedTables` (logical name → reason printed in the plan) and the links
    /// with a record of such a table from `source`. Pure; the output is deterministic.
    /// - Parameters:
    ///   - source: the snapshot as read from the source.
    ///   - skippedTables: tables never written, with the reason (`adx_websitebinding`: download-only in pac,
    ///     research/pac-portal-format.md §.portalconfig).
    ///   - catalog: names each skipped record (primary name column) and the tables of each relationship
    ///     (a link of a relationship the catalog does not know takes its tables from its two ends).
    static func scopedSource(_ source: PortalSnapshot, skippedTables: [String: String], catalog: TableCatalog) -> ScopedSource {
        var out = ScopedSource(snapshot: source, skipped: [])
        guard !skippedTables.isEmpty else { return out }
        for (table, reason) in skippedTables.sorted(by: { $0.key < $1.key }) {
            for r in (source.records[table] ?? []).sorted(by: { $0.id.dataverseString < $1.id.dataverseString }) {
                let name = PortalTables.primaryName(r, definitions: [:], catalog: catalog)
                out.skipped.append(SkippedRecord(table: table, id: r.id, name: name, reason: reason))
            }
            out.snapshot.records[table] = nil
        }
        for (rel, links) in source.links.sorted(by: { $0.key < $1.key }) {
            let ends = catalog.relationship(rel).map { [$0.entity1, $0.entity2] }
            var kept = Set<ManyToManyLink>()
            for l in links.sorted() {
                let tables = [ends?[0] ?? l.first.logicalName, ends?[1] ?? l.second.logicalName]
                guard let i = tables.firstIndex(where: { skippedTables[$0] != nil }) else {
                    kept.insert(l)
                    continue
                }
                let other = i == 0 ? l.first : l.second
                out.skipped.append(
                    SkippedRecord(
                        table: rel, id: (i == 0 ? l.second : l.first).id, name: nil,
                        reason: "N:N link with \(tables[i]) \(other.id.dataverseString): \(skippedTables[tables[i]] ?? "")"))
            }
            out.snapshot.links[rel] = kept
        }
        return out
    }

    /// The write order of the source's tables (`DependencyOrder`), from the lookups the source's records
    /// actually hold: a table comes after the tables its records point to, cycles cut as
    /// `DependencyOrder` does. Tables without records are left out.
    static func tableOrder(of source: PortalSnapshot) -> [String] {
        var lookupTables: [String: Set<String>] = [:]
        for (table, rows) in source.records {
            for r in rows {
                for v in r.columns.values { if let ref = v.reference { lookupTables[table, default: []].insert(ref.logicalName) } }
            }
        }
        let sourceTables = Set(source.records.filter { !$0.value.isEmpty }.keys)
        return DependencyOrder.order(sourceTables) { lookupTables[$0] ?? [] }
    }
}

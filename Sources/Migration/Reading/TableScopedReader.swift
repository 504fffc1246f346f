import Foundation
import PortalModel

extension SnapshotReader {
    /// Every record of `tables` (data columns only, sorted by id) and every N:N link of `relationships`
    /// whose two ends are among the records read: the target's side of a migration whose source has no
    /// website (a CMT package of portal languages and settings, or of any tables), which is planned,
    /// checked and verified table by table instead of by website.
    ///
    /// `keeping`: system columns kept besides the data columns (`PortalTables.importableSystemColumns`).
    /// Tables the service does not define are skipped (the schema-drift check reports them).
    /// Annotation bodies are not read here; the planner reads the bodies of the notes it compares.
    /// - Throws: `DataverseError` from the service.
    public func read(tables: Set<String>, relationships: Set<String>, keeping: Set<String> = []) async throws -> PortalSnapshot {
        let defs = try await definitionsByName()
        var snapshot = PortalSnapshot()
        var readIDs = Set<UUID>()
        let service = self.service
        let tableList = tables.sorted().filter { defs[$0] != nil }
        var tally = ReadTally(total: tableList.count)
        // Each page is reduced to its data columns as it arrives (issue 20: raw rows never held beside them).
        let rows = try await ConcurrentReads.map(tableList, onResult: { i, r in tally.table(tableList[i], records: r.count) }) { table in
            try await Self.retrieveAll(RecordQuery(table), from: service) { r in
                defs[table].map { PortalTables.dataColumns(of: r, primaryID: $0.primaryIDColumn, keeping: keeping) } ?? r
            }
        }
        for (table, records) in zip(tableList, rows) where defs[table] != nil {
            for r in records {
                snapshot.add(r)
                readIDs.insert(r.id)
            }
        }
        var known = Set<String>()
        for def in defs.values { for rel in def.relationships { known.insert(rel.name) } }
        let relationshipList = relationships.sorted().filter { known.contains($0) }
        let linkSets = try await ConcurrentReads.map(relationshipList) { rel in try await service.retrieveLinks(relationship: rel, firstIDs: nil) }
        for (rel, links) in zip(relationshipList, linkSets) {
            for l in links where readIDs.contains(l.first.id) && readIDs.contains(l.second.id) {
                snapshot.link(rel, l)
            }
        }
        for t in snapshot.records.keys { snapshot.records[t]?.sort { $0.id.dataverseString < $1.id.dataverseString } }
        tally.finish()
        return snapshot
    }
}

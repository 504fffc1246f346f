import Foundation
import PortalModel

extension Planner {
    /// The N:N stage of planning: per relationship of either side, the links to add (in the source,
    /// mapped to target ids, not in the target), to remove (in the target, not in the source, with
    /// `prune` or named by `explicitRemovals` in either orientation; never a link of a record being
    /// deleted, which goes with it) and the count left unchanged. Relationships sorted by name.
    ///
    /// - Parameters:
    ///   - source: the source's links, in source ids, by relationship name.
    ///   - target: the target's links, in target ids.
    ///   - idMap: source id → target id for records matched under another id (identity stage).
    ///   - explicitRemovals: links the source asks to remove (a pac manifest's association entries), in source ids.
    ///   - deletedRecords: target ids the plan deletes.
    static func linkPlans(
        source: [String: Set<ManyToManyLink>], target: [String: Set<ManyToManyLink>], idMap: [UUID: UUID],
        prune: Bool, explicitRemovals: [String: Set<ManyToManyLink>], deletedRecords: Set<UUID>
    ) -> [LinkPlan] {
        func mapped(_ id: UUID) -> UUID { idMap[id] ?? id }
        var links: [LinkPlan] = []
        for rel in Set(source.keys).union(target.keys).sorted() {
            let src = Set(
                (source[rel] ?? []).map { l in
                    ManyToManyLink(
                        EntityReference(l.first.logicalName, mapped(l.first.id)), EntityReference(l.second.logicalName, mapped(l.second.id)))
                })
            let tgt = target[rel] ?? []
            let add = src.subtracting(tgt).sorted()
            // Explicitly removed links, in target ids, either orientation.
            let explicit = Set((explicitRemovals[rel] ?? []).map { l in Set([mapped(l.first.id), mapped(l.second.id)]) })
            let remove = tgt.subtracting(src)
                .filter { prune || explicit.contains(Set([$0.first.id, $0.second.id])) }
                .filter { !deletedRecords.contains($0.first.id) && !deletedRecords.contains($0.second.id) }.sorted()
            links.append(LinkPlan(relationship: rel, add: add, remove: remove, unchanged: src.intersection(tgt).count))
        }
        return links
    }

    /// The order of deletions: tables in reverse dependency order (`tableOrder`, then tables outside it
    /// by name, all reversed: a record goes before what it points to), records by id within a table.
    /// - Parameter toDelete: target records to delete, by table logical name → id.
    static func deletionPlans(
        _ toDelete: [String: [UUID: EntityRecord]], tableOrder: [String], definitions: [String: TableDefinition],
        catalog: TableCatalog
    ) -> [RecordPlan] {
        var deletions: [RecordPlan] = []
        let allOrder = tableOrder + Set(toDelete.keys).subtracting(tableOrder).sorted()
        for table in allOrder.reversed() {
            for r in (toDelete[table] ?? [:]).values.sorted(by: { $0.id.dataverseString < $1.id.dataverseString }) {
                deletions.append(
                    RecordPlan(
                        table: table, sourceID: nil, targetID: r.id,
                        name: PortalTables.primaryName(r, definitions: definitions, catalog: catalog),
                        action: .delete, match: .none, record: EntityRecord(table, id: r.id),
                        changes: [], deferred: [], state: [:], bodyKey: nil, depth: 0))
            }
        }
        return deletions
    }
}

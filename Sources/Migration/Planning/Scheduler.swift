import Foundation
import PortalModel

/// Puts planned record writes in order and decides which lookups wait for a later pass
/// (DESIGN.md "Ordering": a record is created with every lookup whose target exists; only lookups
/// that close a cycle are patched later; required lookups such as `adx_websiteid` are never stripped
/// because website tables are written first).
enum Scheduler {
    /// Sorts `records` by table rank, then depth (parent first within a table), then target id, and moves
    /// each lookup that points to a record created later (a later table, or a same-table cycle) from
    /// `record` to `deferred`.
    static func schedule(_ records: inout [RecordPlan], rank: [String: Int], existingBefore: Set<UUID>) {
        var createdAt: [UUID: Int] = [:]
        for (i, r) in records.enumerated() where r.action == .create { createdAt[r.targetID] = i }

        // Same-table dependencies between writes.
        var parents: [Int: [Int]] = [:]
        for (i, r) in records.enumerated() where r.action == .create || r.action == .update {
            for (column, v) in r.record.columns.sorted(by: { $0.key < $1.key }) {
                guard let ref = v.reference, !existingBefore.contains(ref.id), let j = createdAt[ref.id] else { continue }
                let t2 = records[j].table
                if t2 == r.table && j != i {
                    parents[i, default: []].append(j)
                } else if j == i || (rank[t2] ?? Int.max) >= (rank[r.table] ?? Int.max) {
                    records[i].record.columns.removeValue(forKey: column)
                    records[i].deferred.append(DeferredLookup(column: column, value: v))
                }
            }
        }
        var depth: [Int: Int] = [:]
        var visiting = Set<Int>()
        func visit(_ i: Int) -> Int {
            if let d = depth[i] { return d }
            visiting.insert(i)
            var d = 0
            for j in parents[i] ?? [] {
                if visiting.contains(j) {
                    // A cycle inside the table: the lookup from i to j waits for the patch pass.
                    let target = records[j].targetID
                    for (column, v) in records[i].record.columns where v.reference?.id == target {
                        records[i].record.columns.removeValue(forKey: column)
                        records[i].deferred.append(DeferredLookup(column: column, value: v))
                    }
                    continue
                }
                d = max(d, visit(j) + 1)
            }
            visiting.remove(i)
            depth[i] = d
            return d
        }
        for i in records.indices { records[i].depth = visit(i) }
        for i in records.indices { records[i].deferred.sort { $0.column < $1.column } }
        records.sort {
            (rank[$0.table] ?? Int.max, $0.depth, $0.targetID.dataverseString) < (rank[$1.table] ?? Int.max, $1.depth, $1.targetID.dataverseString)
        }
    }
}

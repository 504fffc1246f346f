import Foundation
import PortalModel

/// Differences one step of `StrictVerifier.compare` found, and how many things it compared (records,
/// file bodies or links, as `VerifyCounts` counts them).
struct VerifyFindings: Sendable {
    var differences: [VerifyDifference] = []
    var compared = 0
}

extension StrictVerifier {
    /// The target-only step: records of tables in scope that no source record paired with (`paired`,
    /// target ids by table), one `only-in-target` difference each (tables and records in order). A record
    /// of a global table (`globalTables`) counts only when a target record references it. Empty when
    /// `reportTargetOnly` is false.
    func targetOnlyRecords(target: PortalSnapshot, paired: [String: Set<UUID>]) -> VerifyFindings {
        var out = VerifyFindings()
        guard reportTargetOnly else { return out }
        var referenced = Set<UUID>()
        for rows in target.records.values {
            for r in rows { for v in r.columns.values { if let id = v.reference?.id { referenced.insert(id) } } }
        }
        for table in target.records.keys.sorted() where scope.includes(table: table) {
            for t in (target.records[table] ?? []).sorted(by: { $0.id.dataverseString < $1.id.dataverseString })
            where !(paired[table]?.contains(t.id) ?? false) {
                if Self.globalTables.contains(table) && !referenced.contains(t.id) { continue }
                out.compared += 1
                out.differences.append(
                    VerifyDifference(
                        kind: .onlyInTarget, table: table, id: t.id,
                        name: PortalTables.primaryName(t, definitions: [:], catalog: catalog)))
            }
        }
        return out
    }

    /// The deletion step: a `not-deleted` difference for each record a run deleted (table, target id)
    /// that `targetRecords` still holds, in the order given.
    static func notDeleted(
        _ deletedInTarget: [(table: String, id: UUID, name: String?)], targetRecords: [String: [UUID: EntityRecord]]
    ) -> [VerifyDifference] {
        deletedInTarget.filter { targetRecords[$0.table]?[$0.id] != nil }.map {
            VerifyDifference(kind: .notDeleted, table: $0.table, id: $0.id, name: $0.name)
        }
    }
}

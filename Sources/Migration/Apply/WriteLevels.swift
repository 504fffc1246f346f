import Foundation
import PortalModel

/// Groups a plan's record writes (creates and updates) into levels that may be written at the same time.
///
/// A record's level is one more than the highest level of the records of the same plan that its
/// lookups reference (a web page after its parent page, page template and publishing state; a note
/// after its web file), and 0 when it references none of them. Records of different tables that do not
/// depend on each other share a level, so the applier needs one round of `$batch` requests per level
/// instead of one per table and depth (DESIGN.md "Ordering"; what the planner's table order and depth
/// guarantee is kept: a record never goes before a record it references).
///
/// A lookup to a record that comes later in the plan's order (which the planner defers, so it should
/// not occur) keeps the plan's order: the later record then goes at least one level after this one.
/// Deferred lookups, N:N links, state changes and deletions are not part of the levels.
public enum WriteLevels {
    /// The indices into `records` of the creates and updates, level by level; within a level in the
    /// plan's order. Records with another action are left out.
    public static func of(_ records: [RecordPlan]) -> [[Int]] {
        var indexByID: [UUID: Int] = [:]
        for (i, r) in records.enumerated() where writes(r) { indexByID[r.targetID] = i }
        var level = [Int](repeating: 0, count: records.count)
        var atLeast = [Int](repeating: 0, count: records.count)
        var levels: [[Int]] = []
        for (i, r) in records.enumerated() where writes(r) {
            var l = atLeast[i]
            var later: [Int] = []
            for value in r.record.columns.values {
                guard let ref = value.reference, ref.id != r.targetID, let j = indexByID[ref.id] else { continue }
                if j < i { l = max(l, level[j] + 1) } else { later.append(j) }
            }
            level[i] = l
            for j in later { atLeast[j] = max(atLeast[j], l + 1) }
            while levels.count <= l { levels.append([]) }
            levels[l].append(i)
        }
        return levels.filter { !$0.isEmpty }
    }

    static func writes(_ r: RecordPlan) -> Bool { r.action == .create || r.action == .update }
}

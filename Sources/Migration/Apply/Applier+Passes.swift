import Foundation
import PortalModel

/// The passes of `Applier.apply` as named steps: each builds the operations of one pass from the plan
/// (and from what earlier passes left failed), with no I/O, so it is unit-tested on hand-built plans;
/// `Applier.send` sends a pass and `ApplyLedger` keeps what the answers mean.
extension Applier {
    /// An operation with what its report line and journal entry need.
    typealias Pass = [(DataverseOperation, OpInfo)]

    /// The plan's records left to write, `excluded` (source ids of records whose checks failed, `--force`)
    /// left out, and the target ids of those left out (no link to them is added).
    struct ApplyScope: Sendable {
        var records: [RecordPlan]
        var excludedTargets: Set<UUID>

        init(_ plan: MigrationPlan, excluded: Set<UUID>) {
            func isExcluded(_ r: RecordPlan) -> Bool { r.sourceID.map(excluded.contains) ?? false }
            records = plan.records.filter { !isExcluded($0) }
            excludedTargets = Set(plan.records.filter(isExcluded).map(\.targetID))
        }
    }

    /// Pass 1, one dependency level: a create or update per record that sends one, a note's body as
    /// `OpInfo.body` (read when its change set is sent, `runChunk`, so only the bodies in flight are held).
    func recordWrites(_ level: [RecordPlan]) -> Pass {
        level.filter(sendsWrite).map { r in
            var info = OpInfo(table: r.table, id: r.targetID, name: r.name, kind: r.action.rawValue)
            info.body = r.bodyKey.flatMap { source.bodies[$0] }
            return (r.action == .create ? .create(r.record) : .update(r.record), info)
        }
    }

    /// Pass 2: the deferred (cycle-closing) lookups of the records that did not fail, one update each.
    static func deferredLookupPatches(_ records: [RecordPlan], failed: Set<UUID>) -> Pass {
        records.filter { !$0.deferred.isEmpty && !failed.contains($0.targetID) }.map { r in
            var p = EntityRecord(r.table, id: r.targetID)
            for d in r.deferred { p[d.column] = d.value }
            return (.update(p), OpInfo(table: r.table, id: r.targetID, name: r.name, kind: "patch"))
        }
    }

    /// Pass 3: the N:N removals, then the additions (an addition with an end in `excludedTargets` is
    /// left out: that record was not written).
    static func linkChanges(_ links: [LinkPlan], excludedTargets: Set<UUID>) -> (removals: Pass, additions: Pass) {
        var removals: Pass = []
        var additions: Pass = []
        for l in links {
            for x in l.remove {
                let info = OpInfo(table: x.first.logicalName, id: x.first.id, kind: "disassociate", relationship: l.relationship)
                removals.append((.disassociate(relationship: l.relationship, x), info))
            }
            for x in l.add where !excludedTargets.contains(x.first.id) && !excludedTargets.contains(x.second.id) {
                let info = OpInfo(table: x.first.logicalName, id: x.first.id, kind: "associate", relationship: l.relationship)
                additions.append((.associate(relationship: l.relationship, x), info))
            }
        }
        return (removals, additions)
    }

    /// Pass 4: state and status of the records that did not fail, one update each.
    static func stateChanges(_ records: [RecordPlan], failed: Set<UUID>) -> Pass {
        records.filter { !$0.state.isEmpty && !failed.contains($0.targetID) }.map { r in
            var p = EntityRecord(r.table, id: r.targetID)
            for (k, v) in r.state { p[k] = v }
            return (.update(p), OpInfo(table: r.table, id: r.targetID, name: r.name, kind: "state"))
        }
    }

    /// Pass 5: the deletions in runs of one table, in the plan's order (children first), one pass per run.
    static func deletionRuns(_ deletions: [RecordPlan]) -> [Pass] {
        var runs: [Pass] = []
        for d in deletions {
            let op = (DataverseOperation.delete(d.table, d.targetID), OpInfo(table: d.table, id: d.targetID, name: d.name, kind: "delete"))
            if let last = runs.last?.last, last.1.table == d.table { runs[runs.count - 1].append(op) } else { runs.append([op]) }
        }
        return runs
    }

    /// The counts per table: a record that failed is `failed`; an unchanged record whose deferred lookup
    /// or state was written counts as updated (`written`); a deletion is `deleted` when confirmed, else `failed`.
    static func tableCounts(
        records: [RecordPlan], deletions: [RecordPlan], failed: Set<UUID>, written: Set<UUID>, deleted: Set<UUID>
    ) -> [String: TableCounts] {
        var tables: [String: TableCounts] = [:]
        for r in records {
            var c = tables[r.table] ?? TableCounts()
            if failed.contains(r.targetID) {
                c.failed += 1
            } else {
                switch r.action {
                case .create: c.created += 1
                case .update: c.updated += 1
                case .unchanged: if written.contains(r.targetID) { c.updated += 1 } else { c.unchanged += 1 }
                case .delete: break
                }
            }
            tables[r.table] = c
        }
        for d in deletions {
            var c = tables[d.table] ?? TableCounts()
            if deleted.contains(d.targetID) { c.deleted += 1 } else { c.failed += 1 }
            tables[d.table] = c
        }
        return tables
    }
}

/// What the answers of one `apply` mean so far: the outcome (confirmed operations, failures, link
/// counts), the records that failed (their later passes are not sent) and those a write reached.
struct ApplyLedger {
    var outcome = ApplyOutcome()
    /// Target ids of records an operation failed for (N:N failures excluded).
    var failed = Set<UUID>()
    /// Target ids of records a create, update, deferred-lookup patch or state change reached.
    var written = Set<UUID>()

    /// Takes in one pass's answers.
    mutating func record(_ results: [(Applier.OpInfo, OperationResult)]) {
        for (info, result) in results {
            switch result {
            case .success:
                outcome.confirmed += 1
                if ["create", "update", "patch", "state"].contains(info.kind) { written.insert(info.id) }
            case .failure(let e):
                if info.relationship == nil { failed.insert(info.id) }
                outcome.failures.append(Applier.failureEntry(info, e))
            }
        }
    }

    /// Counts the links a pass confirmed as added or removed, by relationship.
    mutating func countLinks(_ results: [(Applier.OpInfo, OperationResult)], added: Bool) {
        for (info, result) in results where result.isSuccess {
            guard let rel = info.relationship else { continue }
            if added { outcome.links[rel, default: LinkCounts()].added += 1 } else { outcome.links[rel, default: LinkCounts()].removed += 1 }
        }
    }
}

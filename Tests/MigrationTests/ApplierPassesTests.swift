import Foundation
import LocalEnvironment
@testable import Migration
import PortalModel
import Testing
import TestSupport

/// The passes of `Applier.apply` as steps (issue 19), each on a hand-built plan: what it sends, and what
/// it leaves out after failures or exclusions.
@Suite("Applier passes")
struct ApplierPassesTests {
    static func plan(
        _ r: EntityRecord, _ action: RecordAction = .create, source: UUID? = nil, deferred: [DeferredLookup] = [],
        state: [String: FieldValue] = [:], bodyKey: FileBodyKey? = nil
    ) -> RecordPlan {
        RecordPlan(
            table: r.logicalName, sourceID: source ?? r.id, targetID: r.id, name: "n-\(r.id.uuidString.prefix(4))", action: action,
            match: .none, record: r, changes: [], deferred: deferred, state: state, bodyKey: bodyKey, depth: 0)
    }

    static func migrationPlan(records: [RecordPlan], deletions: [RecordPlan] = [], links: [LinkPlan] = []) -> MigrationPlan {
        var p = MigrationPlan(
            sourceWebsiteID: UUID(), targetWebsiteID: UUID(), tableOrder: [], records: records, deletions: deletions, links: links,
            idMap: [:], diagnostics: [], droppedLookups: [])
        p.records = records
        return p
    }

    func applier(_ source: PortalSnapshot = PortalSnapshot()) throws -> Applier {
        let env = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "passes"), label: "pm-passes")
        return Applier(target: env, source: source, options: ApplyOptions(), journal: nil)
    }

    @Test("record writes: a create or update per record that sends one; a note's body rides as OpInfo.body; an empty update sends nothing")
    func recordWrites() throws {
        let note = UUID(), page = UUID(), same = UUID(), empty = UUID()
        let key = FileBodyKey("annotation", note, "documentbody")
        var source = PortalSnapshot()
        source.bodies[key] = .data(Data([1, 2, 3]))
        let level = [
            Self.plan(EntityRecord("annotation", id: note, columns: ["filename": .string("a.css")]), bodyKey: key),
            Self.plan(EntityRecord("adx_webpage", id: page, columns: ["adx_name": .string("P")]), .update),
            Self.plan(EntityRecord("adx_webpage", id: same), .unchanged),
            Self.plan(EntityRecord("adx_webpage", id: empty), .update),
        ]
        let pass = try applier(source).recordWrites(level)
        #expect(pass.map(\.1.id) == [note, page])
        #expect(pass.map(\.1.kind) == ["create", "update"])
        #expect(pass[0].1.body == .data(Data([1, 2, 3])))
        #expect(pass[1].1.body == nil)
        guard case .create(let r, let body) = pass[0].0 else { Issue.record("not a create"); return }
        #expect(r["documentbody"] == nil && body == nil) // the bytes are read when the change set is sent
    }

    @Test("deferred lookups and state changes: one update per record, none for a record that failed")
    func patchesSkipFailed() {
        let a = UUID(), b = UUID()
        let site = FieldValue.lookup(EntityReference("adx_website", UUID()))
        let records = [
            Self.plan(
                EntityRecord("adx_webpage", id: a), deferred: [DeferredLookup(column: "adx_parentpageid", value: site)],
                state: ["statecode": .state(1)]),
            Self.plan(
                EntityRecord("adx_webpage", id: b), deferred: [DeferredLookup(column: "adx_parentpageid", value: site)],
                state: ["statecode": .state(1)]),
        ]
        let patches = Applier.deferredLookupPatches(records, failed: [b])
        #expect(patches.map(\.1.id) == [a])
        #expect(patches.first?.1.kind == "patch")
        guard case .update(let p, nil)? = patches.first?.0 else { Issue.record("not an update"); return }
        #expect(p.columns == ["adx_parentpageid": site])
        let states = Applier.stateChanges(records, failed: [a])
        #expect(states.map(\.1.id) == [b])
        guard case .update(let s, nil)? = states.first?.0 else { Issue.record("not an update"); return }
        #expect(s.columns == ["statecode": .state(1)])
    }

    @Test("links: removals and additions apart; an addition touching an excluded record is left out")
    func linkChanges() {
        let p1 = EntityReference("adx_entitypermission", UUID()), r1 = EntityReference("adx_webrole", UUID())
        let p2 = EntityReference("adx_entitypermission", UUID()), r2 = EntityReference("adx_webrole", UUID())
        let rel = "adx_entitypermission_webrole"
        let links = [
            LinkPlan(relationship: rel, add: [ManyToManyLink(p1, r1), ManyToManyLink(p2, r1)], remove: [ManyToManyLink(p1, r2)], unchanged: 0)
        ]
        let (removals, additions) = Applier.linkChanges(links, excludedTargets: [p2.id])
        #expect(removals.map(\.1.kind) == ["disassociate"])
        #expect(additions.map(\.1.id) == [p1.id])
        #expect(additions.allSatisfy { $0.1.relationship == rel })
    }

    @Test("deletions: one run per table in the plan's order (children first); a table met again starts a new run")
    func deletionRuns() {
        let d = [("adx_weblink", UUID()), ("adx_weblink", UUID()), ("adx_weblinkset", UUID()), ("adx_weblink", UUID())].map {
            Self.plan(EntityRecord($0.0, id: $0.1), .delete)
        }
        let runs = Applier.deletionRuns(d)
        #expect(runs.map(\.count) == [2, 1, 1])
        #expect(runs.flatMap { $0.map(\.1.id) } == d.map(\.targetID))
        #expect(runs.allSatisfy { $0.allSatisfy { $0.1.kind == "delete" } })
    }

    @Test("counts: failed wins; an unchanged record reached by a patch counts as updated; an unconfirmed deletion is failed")
    func tableCounts() {
        let created = UUID(), failed = UUID(), patched = UUID(), kept = UUID(), gone = UUID(), stuck = UUID()
        let records = [
            Self.plan(EntityRecord("adx_webpage", id: created)), Self.plan(EntityRecord("adx_webpage", id: failed)),
            Self.plan(EntityRecord("adx_webpage", id: patched), .unchanged), Self.plan(EntityRecord("adx_webpage", id: kept), .unchanged),
        ]
        let deletions = [Self.plan(EntityRecord("adx_weblink", id: gone), .delete), Self.plan(EntityRecord("adx_weblink", id: stuck), .delete)]
        let counts = Applier.tableCounts(records: records, deletions: deletions, failed: [failed], written: [created, patched], deleted: [gone])
        #expect(
            counts["adx_webpage"]
                == {
                    var c = TableCounts(); c.created = 1; c.failed = 1; c.updated = 1; c.unchanged = 1; return c
                }())
        #expect(
            counts["adx_weblink"]
                == {
                    var c = TableCounts(); c.deleted = 1; c.failed = 1; return c
                }())
    }

    @Test("the ledger: successes are confirmed, writes remembered; failures named, records failed (not for links)")
    func ledger() {
        let a = UUID(), b = UUID(), p = UUID()
        var ledger = ApplyLedger()
        let e = DataverseError(code: "0x80040217", message: "gone")
        ledger.record([
            (Applier.OpInfo(table: "adx_webpage", id: a, name: "A", kind: "create"), .success(a)),
            (Applier.OpInfo(table: "adx_webpage", id: b, name: "B", kind: "update"), .failure(e)),
            (Applier.OpInfo(table: "adx_entitypermission", id: p, kind: "associate", relationship: "rel"), .failure(e)),
        ])
        #expect(ledger.outcome.confirmed == 1)
        #expect(ledger.written == [a])
        #expect(ledger.failed == [b])
        #expect(ledger.outcome.failures.map(\.table) == ["adx_webpage", "rel"])
        ledger.countLinks(
            [(Applier.OpInfo(table: "adx_entitypermission", id: p, kind: "associate", relationship: "rel"), .success(nil))], added: true)
        #expect(ledger.outcome.links["rel"]?.added == 1)
    }

    @Test("a plan with records excluded: neither they nor links to them are sent; the scope says which targets were left out")
    func scope() {
        let kept = UUID(), left = UUID(), leftTarget = UUID()
        var leftPlan = Self.plan(EntityRecord("adx_webpage", id: leftTarget), source: left)
        leftPlan.targetID = leftTarget
        let plan = Self.migrationPlan(records: [Self.plan(EntityRecord("adx_webpage", id: kept)), leftPlan])
        let scope = Applier.ApplyScope(plan, excluded: [left])
        #expect(scope.records.map(\.targetID) == [kept])
        #expect(scope.excludedTargets == [leftTarget])
    }
}

import Foundation
@testable import Migration
import PortalModel
import Testing

/// The named stages of `Planner.plan`, each on its own inputs (issue 19, "Planner.plan as named stages").
@Suite struct PlannerStagesTests {
    static func id(_ n: Int) -> UUID { UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", n))! }
    static func link(_ a: Int, _ b: Int) -> ManyToManyLink {
        ManyToManyLink(EntityReference("adx_entitypermission", id(a)), EntityReference("adx_webrole", id(b)))
    }
    static let rel = "adx_entitypermission_webrole"

    @Test("links stage: adds in target ids, removes only with prune or when named, never links of deleted records")
    func linkStage() {
        // Source permission 1 is target permission 11 (matched by natural key); role 2 keeps its id.
        let source = [Self.rel: Set([Self.link(1, 2), Self.link(3, 4)])]
        let target = [
            Self.rel: Set([Self.link(11, 2), Self.link(5, 6), Self.link(7, 8), Self.link(9, 10)]),
            "adx_webpage_webrole": Set([ManyToManyLink(EntityReference("adx_webpage", Self.id(20)), EntityReference("adx_webrole", Self.id(2)))]),
        ]
        let idMap = [Self.id(1): Self.id(11)]

        let keep = Planner.linkPlans(source: source, target: target, idMap: idMap, prune: false, explicitRemovals: [:], deletedRecords: [])
        #expect(keep.map(\.relationship) == ["adx_entitypermission_webrole", "adx_webpage_webrole"])
        #expect(keep[0].add == [Self.link(3, 4)], "the matched link is not added again")
        #expect(keep[0].unchanged == 1)
        #expect(keep[0].remove.isEmpty && keep[1].remove.isEmpty, "nothing removed without prune")

        // Named in the source's ids, reversed orientation: removed without prune.
        let named = ManyToManyLink(EntityReference("adx_webrole", Self.id(6)), EntityReference("adx_entitypermission", Self.id(5)))
        let explicit = Planner.linkPlans(
            source: source, target: target, idMap: idMap, prune: false,
            explicitRemovals: [Self.rel: [named]], deletedRecords: [])
        #expect(explicit[0].remove == [Self.link(5, 6)])

        // Prune removes every target-only link except those of records the plan deletes.
        let pruned = Planner.linkPlans(
            source: source, target: target, idMap: idMap, prune: true, explicitRemovals: [:],
            deletedRecords: [Self.id(7)])
        #expect(Set(pruned[0].remove) == [Self.link(5, 6), Self.link(9, 10)])
        #expect(pruned[1].remove.count == 1)
    }

    @Test("deletions stage: reverse dependency order, tables outside the order by name, records by id")
    func deletionStage() {
        let rows: [String: [UUID: EntityRecord]] = [
            "adx_webpage": [Self.id(9): EntityRecord("adx_webpage", id: Self.id(9)), Self.id(3): EntityRecord("adx_webpage", id: Self.id(3))],
            "adx_webtemplate": [Self.id(5): EntityRecord("adx_webtemplate", id: Self.id(5))],
            "xyz_other": [Self.id(1): EntityRecord("xyz_other", id: Self.id(1))],
        ]
        let plans = Planner.deletionPlans(rows, tableOrder: ["adx_webtemplate", "adx_webpage"], definitions: [:], catalog: .standard)
        #expect(plans.map(\.table) == ["xyz_other", "adx_webpage", "adx_webpage", "adx_webtemplate"])
        #expect(plans.map(\.targetID) == [Self.id(1), Self.id(3), Self.id(9), Self.id(5)])
        #expect(plans.allSatisfy { $0.action == .delete && $0.sourceID == nil })
    }
}

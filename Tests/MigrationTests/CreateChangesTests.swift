import Foundation
@testable import Migration
import PortalModel
import Testing
import TestSupport

/// A created record's plan lists only its hidden columns as changes (issue 20: a list of every column
/// per created record was 39 MB of an L upload's plan); `columnChanges` derives the rest from what
/// the create writes, and an update's changes are as before.
@Suite struct CreateChangesTests {
    @Test func aCreateListsOnlyItsHiddenColumnsAndDerivesTheRest() {
        let plain = PlannerStagesTests.setting(3, "Plain/Setting", value: "visible")
        let secret = PlannerStagesTests.setting(4, "Authentication/OpenAuth/Facebook/AppSecret", value: "s3cret")
        let updated = PlannerStagesTests.setting(1, "A", value: "new")
        let diff = PlannerStagesTests.diff([plain, secret, updated], target: [PlannerStagesTests.setting(1, "A", value: "old")])
        let byID = Dictionary(uniqueKeysWithValues: diff.records.map { ($0.sourceID!, $0) })

        let p = byID[plain.id]!
        #expect(p.action == .create && p.changes.isEmpty, "\(p.changes)")
        #expect(p.columnChanges.map(\.column) == ["adx_name", "adx_value", "adx_websiteid"])
        #expect(p.columnChanges.allSatisfy { $0.old == nil && !$0.hidden })
        #expect(p.columnChanges.first { $0.column == "adx_value" }?.new == .string("visible"))

        // The secret site setting's value stays hidden, in `changes` and in `columnChanges`.
        let s = byID[secret.id]!
        #expect(s.action == .create && s.changes.map(\.column) == ["adx_value"] && s.changes[0].hidden)
        #expect(s.columnChanges.map(\.column) == ["adx_name", "adx_value", "adx_websiteid"])
        #expect(s.columnChanges.filter(\.hidden).map(\.column) == ["adx_value"])

        // An update lists its changed columns with old and new values, as before.
        let u = byID[updated.id]!
        #expect(u.action == .update && u.changes.map(\.column) == ["adx_value"] && u.columnChanges == u.changes)
        #expect(u.changes[0].old == .string("old") && u.changes[0].new == .string("new"))
    }
}

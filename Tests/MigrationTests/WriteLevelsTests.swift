import Foundation
@testable import Migration
import PortalModel
import Testing

/// `WriteLevels` (issue 11): record writes grouped across tables by what they reference.
@Suite("Write levels")
struct WriteLevelsTests {
    func plan(_ r: EntityRecord, _ action: RecordAction = .create) -> RecordPlan {
        RecordPlan(
            table: r.logicalName, sourceID: r.id, targetID: r.id, name: nil, action: action, match: .none,
            record: r, changes: [], deferred: [], state: [:], bodyKey: nil, depth: 0)
    }

    @Test("records go one level after what they reference; independent tables share a level; unchanged records are left out")
    func levels() {
        let site = UUID(), template = UUID(), snippet = UUID(), root = UUID(), child = UUID(), file = UUID(), note = UUID(), old = UUID()
        let records = [
            plan(EntityRecord("adx_website", id: site, columns: ["adx_name": .string("s")])),
            plan(EntityRecord("adx_webtemplate", id: template, columns: ["adx_websiteid": .lookup(EntityReference("adx_website", site))])),
            plan(EntityRecord("adx_contentsnippet", id: snippet, columns: ["adx_websiteid": .lookup(EntityReference("adx_website", site))])),
            plan(
                EntityRecord(
                    "adx_webpage", id: root,
                    columns: [
                        "adx_websiteid": .lookup(EntityReference("adx_website", site)),
                        "adx_pagetemplateid": .lookup(EntityReference("adx_webtemplate", template)),
                    ])),
            plan(EntityRecord("adx_webpage", id: child, columns: ["adx_parentpageid": .lookup(EntityReference("adx_webpage", root))])),
            plan(EntityRecord("adx_webfile", id: file, columns: ["adx_parentpageid": .lookup(EntityReference("adx_webpage", root))])),
            plan(EntityRecord("annotation", id: note, columns: ["objectid": .lookup(EntityReference("adx_webfile", file))])),
            plan(EntityRecord("adx_sitesetting", id: old, columns: ["adx_websiteid": .lookup(EntityReference("adx_website", site))]), .unchanged),
        ]
        let levels = WriteLevels.of(records).map { $0.map { records[$0].targetID } }
        #expect(levels == [[site], [template, snippet], [root], [child, file], [note]])
    }

    @Test("a lookup to a record later in the plan keeps the plan's order; a lookup to a record outside the plan is ignored")
    func forwardReference() {
        let a = UUID(), b = UUID(), outside = UUID()
        let records = [
            plan(
                EntityRecord(
                    "adx_webpage", id: a,
                    columns: [
                        "adx_parentpageid": .lookup(EntityReference("adx_webpage", b)),
                        "adx_websiteid": .lookup(EntityReference("adx_website", outside)),
                    ])),
            plan(EntityRecord("adx_webpage", id: b, columns: [:])),
        ]
        let levels = WriteLevels.of(records).map { $0.map { records[$0].targetID } }
        #expect(levels == [[a], [b]])
    }
}

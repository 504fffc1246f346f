import Foundation
import Testing
import PortalModel
import PortalFolder
import Migration
import LocalEnvironment
import TestSupport

/// Issue 9: the one migration engine writes and reads enhanced-model sites through
/// `EnhancedModelService` (in process, embedded environment).
@Suite struct EnhancedEngineTests {
    @Test func v2FolderUploadsAsComponentsAndReadsBackTheSame() async throws {
        let content = try PortalFolder().readEnhanced(TestPaths.pacFolder("rcsa-enhanced-2025"))
        let standard = content.snapshot
        let siteID = try #require(standard.websiteID ?? standard.records["adx_website"]?.first?.id)
        let env = try LocalEnvironmentSupport.make()
        let target = EnhancedModelService(base: env, acceptingColumnsOf: standard)
        let data = try TestPaths.temporaryDirectory("pm-enh-engine")
        defer { try? FileManager.default.removeItem(at: data) }
        let options = MigrationOptions(unblockExtensions: ["js"], dataDirectory: data)
        let report = try await MigrationEngine().migrate(source: .snapshot(standard, organization: nil), target: target, options: options)
        #expect(report.failures.isEmpty, "\(report.failures.prefix(5))")

        // The base environment holds the enhanced rows only.
        let components = try await env.retrieveAll(RecordQuery("powerpagecomponent"))
        let componentTables = standard.tableNames.filter { PowerPageComponentType(standardTable: $0) != nil }
        #expect(components.count == componentTables.reduce(0) { $0 + (standard.records[$1]?.count ?? 0) })
        #expect(try await env.retrieveAll(RecordQuery("powerpagesite")).map(\.id) == [siteID])
        #expect(try await env.retrieveAll(RecordQuery("adx_webpage")).isEmpty)
        let permission = try #require(components.first { $0.id == UUID(uuidString: "8b738b00-4bbf-46b0-a0e8-3c773be64bd4") })
        let roles = try JSONValue.parse(permission.string("content") ?? "")["adx_entitypermission_webrole"]?.arrayValue ?? []
        #expect(roles.count == 3)
        let selfLinks = try await env.retrieveLinks(relationship: "powerpagecomponent_powerpagecomponent", firstIDs: nil)
        #expect(selfLinks.count == standard.links.values.reduce(0) { $0 + $1.count })

        // Read back through the same engine reader: the same records and links; bodies byte for byte.
        let back = try await SnapshotReader(service: target).read(websiteID: siteID)
        var expected = standard
        expected.records["annotation"] = nil
        var actual = back
        actual.records["annotation"] = nil
        // The environment gives created records the active state (as Dataverse does), and null
        // columns are not written: neither is a difference.
        let diffs = EnhancedMappingTests.differences(expected, actual).filter {
            !$0.hasPrefix("bodies") && !$0.hasSuffix("statecode: nil != Optional(PortalModel.FieldValue.state(0))")
                && !$0.hasSuffix("statuscode: nil != Optional(PortalModel.FieldValue.status(1))")
                && !$0.hasSuffix(": Optional(PortalModel.FieldValue.null) != nil")
        }
        #expect(diffs.isEmpty, "\(diffs.count): \(diffs.prefix(20).joined(separator: "\n"))")
        let notes = back.records["annotation"] ?? []
        #expect(notes.count == standard.records["annotation"]?.count)
        for note in notes {
            let file = try #require(note.lookupID("objectid"))
            let original = try #require(standard.records["annotation"]?.first { $0.lookupID("objectid") == file })
            let body = try await target.downloadFile(FileBodyKey("annotation", note.id, "documentbody"))
            let originalBody = try standard.bodies[FileBodyKey("annotation", original.id, "documentbody")]?.load()
            #expect(body == originalBody, "\(note.string("filename") ?? "")")
            #expect(note["filename"] == original["filename"])
        }

        // A second run plans nothing.
        let again = try await MigrationEngine().prepare(
            source: .snapshot(standard, organization: nil), target: EnhancedModelService(base: env, acceptingColumnsOf: standard), options: options)
        let lines = PlanRenderer.lines(again.plan)
        // A v2 site language shares its id with its portal language: the planner keys target rows by
        // table and id, so neither is compared against the other.
        let sharedID = again.plan.records.filter { $0.action != .unchanged && ["adx_websitelanguage", "adx_portallanguage"].contains($0.table) }
        #expect(sharedID.isEmpty, "\(sharedID.map { "\($0.table) \($0.action) \($0.changes.map(\.column))" })")
        let changed = again.plan.records.filter { $0.action != .unchanged }
        #expect(
            changed.isEmpty,
            "\(changed.count): \(changed.prefix(8).map { "\($0.table) \($0.action) \($0.match) \($0.changes.map(\.column))" }.joined(separator: "\n"))"
        )
        #expect(again.plan.isEmpty, "\(lines.prefix(20).joined(separator: "\n"))")
    }
}

import Foundation
import LocalEnvironment
import PortalModel
import Testing
import TestSupport
@testable import ConfigurationMigration

/// Exporting from a real embedded environment with Microsoft's filtered Custom portal schema: the
/// website filters (fragments and link-entities) select one website's records, notes carry their
/// bodies, N:N links come along, and the package round-trips.
@Suite struct CMTExporterTests {
    /// The website id the filtered corpus schema selects.
    static let site = UUID(uuidString: "D78574F9-20C3-4DCC-8D8D-85CF5B7AC141")!

    @Test func exportAppliesTheSchemaFilters() async throws {
        let dir = try TestPaths.temporaryDirectory("cmt-export")
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = try LocalEnvironment.create(
            at: dir.appendingPathComponent("env.sqlite"),
            options: LocalEnvironmentOptions(behaviours: [], seedPortalLanguages: false))
        let other = UUID()
        let fileA = UUID(), fileB = UUID(), noteA = UUID(), noteB = UUID(), role = UUID(), snippetA = UUID(), snippetB = UUID()
        let setA = UUID(), linkA = UUID(), setB = UUID(), linkB = UUID()
        func site(_ id: UUID) -> FieldValue { .lookup(EntityReference("adx_website", id)) }
        let body = Data("body { color: red }".utf8)
        let records: [EntityRecord] = [
            EntityRecord("adx_website", id: Self.site, columns: ["adx_name": .string("Contoso")]),
            EntityRecord("adx_website", id: other, columns: ["adx_name": .string("Other")]),
            EntityRecord(
                "adx_contentsnippet", id: snippetA,
                columns: ["adx_name": .string("Head"), "adx_value": .string("<b>é</b>"), "adx_websiteid": site(Self.site)]),
            EntityRecord("adx_contentsnippet", id: snippetB, columns: ["adx_name": .string("Head"), "adx_websiteid": site(other)]),
            EntityRecord(
                "adx_webfile", id: fileA,
                columns: ["adx_name": .string("a.css"), "adx_partialurl": .string("a.css"), "adx_websiteid": site(Self.site)]),
            EntityRecord(
                "adx_webfile", id: fileB, columns: ["adx_name": .string("b.css"), "adx_partialurl": .string("b.css"), "adx_websiteid": site(other)]),
            EntityRecord(
                "annotation", id: noteA,
                columns: [
                    "subject": .string("a"), "filename": .string("a.css"), "documentbody": .string(body.base64EncodedString()),
                    "objectid": .lookup(EntityReference("adx_webfile", fileA)),
                ]),
            EntityRecord(
                "annotation", id: noteB,
                columns: [
                    "subject": .string("b"), "filename": .string("b.css"), "documentbody": .string(body.base64EncodedString()),
                    "objectid": .lookup(EntityReference("adx_webfile", fileB)),
                ]),
            EntityRecord("adx_weblinkset", id: setA, columns: ["adx_name": .string("Primary"), "adx_websiteid": site(Self.site)]),
            EntityRecord("adx_weblinkset", id: setB, columns: ["adx_name": .string("Primary"), "adx_websiteid": site(other)]),
            EntityRecord(
                "adx_weblink", id: linkA,
                columns: ["adx_name": .string("Home"), "adx_weblinksetid": .lookup(EntityReference("adx_weblinkset", setA))]),
            EntityRecord(
                "adx_weblink", id: linkB,
                columns: ["adx_name": .string("Home"), "adx_weblinksetid": .lookup(EntityReference("adx_weblinkset", setB))]),
            EntityRecord("adx_webrole", id: role, columns: ["adx_name": .string("Authenticated Users"), "adx_websiteid": site(Self.site)]),
        ]
        let results = try await env.execute([ChangeSet(records.map { DataverseOperation.create($0) }, atomic: false)], options: ExecuteOptions())
        #expect(results.allSatisfy { $0.isSuccess }, "seeded: \(results.compactMap(\.error))")
        let permission = UUID()
        let extra = try await env.execute(
            [
                ChangeSet(
                    [
                        .create(
                            EntityRecord(
                                "adx_entitypermission", id: permission, columns: ["adx_entityname": .string("p"), "adx_websiteid": site(Self.site)])),
                        .associate(
                            relationship: "adx_entitypermission_webrole",
                            ManyToManyLink(EntityReference("adx_entitypermission", permission), EntityReference("adx_webrole", role))),
                    ], atomic: false)
            ], options: ExecuteOptions())
        #expect(extra.allSatisfy { $0.isSuccess }, "seeded: \(extra.compactMap(\.error))")

        let schemaURL = TestPaths.cmt("schemas/filtered/Custom_Portal.xml")
        let schemaData = try Data(contentsOf: schemaURL)
        let schema = try CMTSchema(data: schemaData)
        let package = try await CMTExporter(service: env).export(schema: schema, schemaData: schemaData)
        let s = package.snapshot
        #expect(s.records["adx_website"]?.map(\.id) == [Self.site])
        #expect(s.records["adx_contentsnippet"]?.map(\.id) == [snippetA])
        #expect(s.record("adx_contentsnippet", snippetA)?["adx_value"] == .string("<b>é</b>"))
        #expect(s.records["adx_webfile"]?.map(\.id) == [fileA])
        #expect(s.records["annotation"]?.map(\.id) == [noteA], "annotation filtered through its web file's website")
        #expect(try s.bodies[FileBodyKey("annotation", noteA, "documentbody")]?.load() == body)
        #expect(s.record("annotation", noteA)?["documentbody"] == nil, "bodies are not columns")
        #expect(s.records["adx_weblink"]?.map(\.id) == [linkA], "web link filtered through its web link set")
        #expect(s.links["adx_entitypermission_webrole"]?.count == 1)
        #expect(
            s.records.values.joined().allSatisfy { r in
                !r.columns.values.contains {
                    if case .bigInt = $0 { return true }; return false
                }
            })

        let zip = dir.appendingPathComponent("data.zip")
        try package.writeZip(to: zip)
        let back = try CMTPackage(contentsOf: zip)
        #expect(back.schemaData == schemaData, "data_schema.xml is the schema file used, verbatim")
        #expect(CMTPackageTests.sameSnapshot(back.snapshot, s), "\(CMTPackageTests.differences(back.snapshot, s))")
    }
}

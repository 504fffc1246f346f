import Foundation
import Testing
import PortalModel
import LocalEnvironment
import TestSupport

/// The enhanced data model tables of the embedded environment (issue 9; research/dataverse-webapi.md
/// §11.3, §9.2): shape, `content` stored byte for byte, the component type choice, the `filecontent`
/// file column, the site and site-language lookups and the N:N relationships.
@Suite struct EnhancedTablesTests {
    static let enhancedTables = ["powerpagesite", "powerpagesitelanguage", "powerpagecomponent"]
    static let relationships = [
        "powerpagecomponent_powerpagecomponent", "powerpagecomponent_mspp_webrole_contact",
        "powerpagecomponent_mspp_webrole_account", "powerpagecomponent_webrole_systemuser",
        "adx_invitation_mspp_webrole_powerpagecomponent",
    ]

    func checkShape(_ env: LocalEnvironment) throws {
        for t in Self.enhancedTables { #expect(env.catalog.table(t) != nil, "\(t)") }
        let component = try #require(env.catalog.table("powerpagecomponent"))
        #expect(component.entitySetName == "powerpagecomponents")
        #expect(component.column("content")?.type == .memo)
        #expect(component.column("filecontent")?.type == .file)
        #expect(component.column("powerpagecomponenttype")?.type == .choice)
        #expect(component.column("powerpagesiteid")?.targets == ["powerpagesite"])
        #expect(component.column("powerpagesitelanguageid")?.targets == ["powerpagesitelanguage"])
        #expect(env.catalog.table("powerpagesitelanguage")?.column("powerpagesiteid")?.targets == ["powerpagesite"])
        #expect(env.catalog.table("powerpagesite")?.column("datamodelversion")?.type == .string)
        for r in Self.relationships { #expect(env.catalog.relationship(r) != nil, "\(r)") }
    }

    @Test func environmentsFromTheCatalogAndFromASchemaHaveTheEnhancedTables() async throws {
        try checkShape(try LocalEnvironmentSupport.make())
        let schema = TestPaths.cmt("schemas/microsoft/CommonDataService_Starter_Portal.xml")
        let fromSchema = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "schema", tables: .cmtSchema(schema)))
        try checkShape(fromSchema)
        // The schema's own tables are still exactly there.
        #expect(fromSchema.catalog.table("adx_webpage") != nil)
    }

    @Test func componentsKeepContentTypeLookupsFilesAndLinks() async throws {
        let env = try LocalEnvironmentSupport.make()
        let site = UUID(), language = UUID(), page = UUID(), file = UUID(), role = UUID(), permission = UUID()
        // Odd spacing, key order, escapes and non-ASCII: stored as given, never re-serialized.
        let siteContent = #"{"website_language":1033, "defaultlanguage" :"\#(language.dataverseString)","note":"é\u00e9\n"}"#
        let pageContent = #"{ "partialurl": "/", "isroot": true, "copy": "<p>Hé</p>\n", "zz": [1, 2.50, null], "aa": {} }"#
        let permissionContent = #"{"entitylogicalname":"contact","read":true,"adx_entitypermission_webrole":["\#(role.dataverseString)"]}"#
        let siteRef = FieldValue.lookup(EntityReference("powerpagesite", site))
        let created = try await env.execute([
            .create(
                EntityRecord(
                    "powerpagesite", id: site,
                    columns: [
                        "name": .string("Enhanced"), "content": .string(siteContent), "datamodelversion": .string("2"),
                    ])),
            .create(
                EntityRecord(
                    "powerpagesitelanguage", id: language,
                    columns: [
                        "name": .string("English"), "languagecode": .string("en-US"), "lcid": .integer(1033), "powerpagesiteid": siteRef,
                    ])),
            .create(
                EntityRecord(
                    "powerpagecomponent", id: page,
                    columns: [
                        "name": .string("Home"), "powerpagecomponenttype": .choice(PowerPageComponentType.webPage.rawValue),
                        "content": .string(pageContent), "powerpagesiteid": siteRef,
                        "powerpagesitelanguageid": .lookup(EntityReference("powerpagesitelanguage", language)),
                    ])),
            .create(
                EntityRecord(
                    "powerpagecomponent", id: file,
                    columns: [
                        "name": .string("logo.png"), "powerpagecomponenttype": .choice(PowerPageComponentType.webFile.rawValue),
                        "content": .string("{}"), "powerpagesiteid": siteRef,
                    ])),
            .create(
                EntityRecord(
                    "powerpagecomponent", id: role,
                    columns: [
                        "name": .string("Administrators"), "powerpagecomponenttype": .choice(PowerPageComponentType.webRole.rawValue),
                        "content": .string(#"{"anonymoususersrole":false}"#), "powerpagesiteid": siteRef,
                    ])),
            .create(
                EntityRecord(
                    "powerpagecomponent", id: permission,
                    columns: [
                        "name": .string("Contacts"), "powerpagecomponenttype": .choice(PowerPageComponentType.tablePermission.rawValue),
                        "content": .string(permissionContent), "powerpagesiteid": siteRef,
                    ])),
            .associate(
                relationship: "powerpagecomponent_powerpagecomponent",
                ManyToManyLink(
                    EntityReference("powerpagecomponent", permission), EntityReference("powerpagecomponent", role))),
        ])

        let allCreated = created.allSatisfy { $0.isSuccess }
        #expect(allCreated)
        let stored = try await env.retrieve("powerpagecomponent", id: page)
        #expect(stored.string("content") == pageContent)
        #expect(stored["powerpagecomponenttype"] == .choice(2))
        #expect(stored.lookupID("powerpagesiteid") == site)
        #expect(stored.lookupID("powerpagesitelanguageid") == language)
        let storedSite = try await env.retrieve("powerpagesite", id: site)
        #expect(storedSite.string("content") == siteContent)
        let storedPermission = try await env.retrieve("powerpagecomponent", id: permission)
        #expect(storedPermission.string("content") == permissionContent)

        // Filter by site and type, as powerplatform-vscode queries (research §11.3).
        let pages = try await env.retrieveAll(
            RecordQuery(
                "powerpagecomponent",
                filter: .and([
                    .equal("powerpagesiteid", .guid(site)), .equal("powerpagecomponenttype", .choice(2)),
                ])))
        #expect(pages.map(\.id) == [page])

        // The file column: a body with its name; the record column holds a file id.
        let bytes = Data((0..<70_000).map { UInt8(($0 * 7) % 256) })
        let uploaded = try await env.execute([
            .uploadFile(FileBodyKey("powerpagecomponent", file, "filecontent"), fileName: "logo.png", body: .data(bytes))
        ])
        let allUploaded = uploaded.allSatisfy { $0.isSuccess }
        #expect(allUploaded)
        let body = try #require(try await env.file(FileBodyKey("powerpagecomponent", file, "filecontent")))
        #expect(body.data == bytes)
        #expect(body.fileName == "logo.png")
        if case .guid? = try await env.retrieve("powerpagecomponent", id: file)["filecontent"] {
        } else {
            Issue.record("filecontent should hold the file id")
        }
        let noBody = try await env.downloadFile(FileBodyKey("powerpagecomponent", page, "filecontent"))
        #expect(noBody == nil)

        // The self N:N.
        let links = try await env.retrieveLinks(relationship: "powerpagecomponent_powerpagecomponent", firstIDs: nil)
        #expect(links.count == 1)
        #expect(links.first.map { Set([$0.first.id, $0.second.id]) } == [permission, role])

        // A component needs its site (powerpagesiteid is required in Dataverse; a missing target is refused).
        let orphan = try await env.execute([
            .create(
                EntityRecord(
                    "powerpagecomponent", id: UUID(),
                    columns: [
                        "name": .string("X"), "powerpagecomponenttype": .choice(7), "content": .string("{}"),
                        "powerpagesiteid": .lookup(EntityReference("powerpagesite", UUID())),
                    ]))
        ])
        #expect(orphan.first?.isSuccess == false)
    }
}

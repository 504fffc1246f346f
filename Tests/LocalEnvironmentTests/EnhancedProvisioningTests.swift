import Foundation
import Testing
import PortalModel
import LocalEnvironment
import TestSupport

/// `provision(template:dataModel: .enhanced)` (issue 9): an enhanced site with the content a standard
/// provisioning of the same template makes.
@Suite struct EnhancedProvisioningTests {
    func components(_ env: LocalEnvironment, _ site: UUID, _ type: PowerPageComponentType) async throws -> [EntityRecord] {
        try await env.retrieveAll(
            RecordQuery(
                "powerpagecomponent",
                filter: .and([
                    .equal("powerpagesiteid", .guid(site)), .equal("powerpagecomponenttype", .choice(type.rawValue)),
                ])))
    }

    func content(_ r: EntityRecord) throws -> JSONValue { try JSONValue.parse(r.string("content") ?? "") }

    @Test func starterAsAnEnhancedSite() async throws {
        let env = try LocalEnvironmentSupport.make()
        let result = try await env.provision(template: "starter", name: "Enhanced Starter", dataModel: .enhanced)
        let siteID = result.websiteId
        let template = PortalTemplate.starter

        // No standard-model records.
        #expect(try await env.retrieveAll(RecordQuery("adx_website")).isEmpty)
        #expect(try await env.retrieveAll(RecordQuery("adx_webpage")).isEmpty)

        // The site and its language.
        let site = try await env.retrieve("powerpagesite", id: siteID)
        #expect(site.string("name") == "Enhanced Starter")
        #expect(site.string("datamodelversion") == "2")
        let languages = try await env.retrieveAll(RecordQuery("powerpagesitelanguage", filter: .equal("powerpagesiteid", .guid(siteID))))
        #expect(languages.count == 1)
        let language = try #require(languages.first)
        #expect(language["lcid"] == .integer(1033))
        #expect(language.string("languagecode") == "en-US")
        let siteContent = try content(site)
        #expect(siteContent["defaultlanguage"]?.stringValue == language.id.dataverseString)
        #expect(siteContent["website_language"]?.intValue == 1033)

        // Pages: a root and a content page per template page; Home is "/".
        let pages = try await components(env, siteID, .webPage)
        #expect(pages.count == template.pages.count * 2)
        let roots = try pages.filter { try content($0)["isroot"] == .bool(true) }
        let contentPages = pages.filter { $0.lookupID("powerpagesitelanguageid") != nil }
        #expect(roots.count == template.pages.count)
        #expect(contentPages.count == template.pages.count)
        let home = try #require(roots.first { $0.string("name") == "Home" })
        #expect(try content(home)["partialurl"]?.stringValue == "/")
        #expect(home.lookupID("powerpagesitelanguageid") == nil)
        for page in contentPages {
            let c = try content(page)
            #expect(roots.contains { $0.id.dataverseString == c["rootwebpageid"]?.stringValue })
            #expect(c["webpagelanguageid"]?.stringValue == language.id.dataverseString)
            #expect(page.lookupID("powerpagesitelanguageid") == language.id)
        }
        // Lookups inside content are bare GUID strings of components.
        let pageTemplates = try await components(env, siteID, .pageTemplate)
        #expect(pageTemplates.contains { $0.id.dataverseString == (try? content(home))?["pagetemplateid"]?.stringValue })

        // Templates, snippets, settings, roles, markers, link sets.
        #expect(try await components(env, siteID, .webTemplate).count == template.webTemplates.count)
        #expect(pageTemplates.count == template.pageTemplates.count)
        let snippets = try await components(env, siteID, .contentSnippet)
        #expect(snippets.count == template.snippets.count)
        #expect(snippets.allSatisfy { $0.lookupID("powerpagesitelanguageid") == language.id })
        #expect(try await components(env, siteID, .siteSetting).count == template.siteSettings.count)
        let roles = try await components(env, siteID, .webRole)
        #expect(Set(roles.compactMap { $0.string("name") }) == Set(template.webRoles.map(\.0)))
        #expect(try await components(env, siteID, .siteMarker).count == template.siteMarkers.count)
        #expect(try await components(env, siteID, .webLinkSet).count == template.webLinkSets.count)
        #expect(try await components(env, siteID, .publishingState).count == 2)

        // The table permission and the access rule: role links in content and in the component N:N.
        let permissions = try await components(env, siteID, .tablePermission)
        #expect(permissions.count == 1)
        let permission = try #require(permissions.first)
        let linkedInContent = Set(
            try content(permission)["adx_entitypermission_webrole"]?.arrayValue?.compactMap { $0.stringValue.flatMap(UUID.init(uuidString:)) } ?? [])
        let expectedRoles = Set(roles.filter { ["Administrators", "Authenticated Users"].contains($0.string("name") ?? "") }.map(\.id))
        #expect(linkedInContent == expectedRoles)
        let links = try await env.retrieveLinks(relationship: "powerpagecomponent_powerpagecomponent", firstIDs: nil)
        #expect(Set(links.filter { $0.first.id == permission.id }.map(\.second.id)) == expectedRoles)
        let rules = try await components(env, siteID, .webPageAccessControlRule)
        #expect(rules.count == 1)
        let admin = try #require(roles.first { $0.string("name") == "Administrators" })
        #expect(try content(try #require(rules.first))["adx_webpageaccesscontrolrule_webrole"] == .array([.string(admin.id.dataverseString)]))
        #expect(links.count == 3)

        // Web files: the body in filecontent.
        let files = try await components(env, siteID, .webFile)
        #expect(files.count == template.webFiles.count)
        for f in files {
            let expected = try #require(template.webFiles.first { $0.name == f.string("name") })
            let stored = try #require(try await env.file(FileBodyKey("powerpagecomponent", f.id, "filecontent")))
            #expect(stored.data == Data(expected.content.utf8))
            #expect(stored.fileName == expected.name)
        }
        #expect(try await env.retrieveAll(RecordQuery("annotation")).isEmpty)

        // Every component maps back to an adx record of its type.
        let all = try await env.retrieveAll(RecordQuery("powerpagecomponent"))
        for c in all {
            let mapped = try EnhancedComponentMapping().record(from: c)
            #expect(mapped.record.id == c.id)
        }

        // The same content as a standard provisioning: one component per configuration record, plus the permission.
        let standard = try await env.provision(template: "starter", dataModel: .standard)
        let configTables = standard.recordCounts.filter { PowerPageComponentType(standardTable: $0.key) != nil }
        #expect(all.count == configTables.values.reduce(0, +) + 1)
        #expect(result.recordCounts["powerpagecomponent"] == all.count)

        // Listed as enhanced with its portal app.
        let listed = try #require(try await env.websites().first { $0.websiteId == siteID })
        #expect(listed.dataModel == "enhanced")
        #expect(listed.portalAppId == result.portalAppId)
        #expect(listed.baseLanguage == 1033)
    }

    @Test func customerSelfServiceInFrenchAsAnEnhancedSite() async throws {
        let env = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "fr", languageCode: 1036))
        let result = try await env.provision(template: "customer-self-service", dataModel: .enhanced)
        let language = try #require(try await env.retrieveAll(RecordQuery("powerpagesitelanguage")).first)
        #expect(language.string("languagecode") == "fr-FR")
        #expect(language.lookupID("powerpagesiteid") == result.websiteId)
        let pages = try await components(env, result.websiteId, .webPage)
        #expect(pages.contains { $0.string("name") == "Customer Service - Support Home" })
        #expect(try await env.websites().first?.baseLanguage == 1036)
    }

    /// Microsoft's procedure steps on an enhanced site: deleting the site takes its languages,
    /// components, file bodies and component links with it; the portal app stays until deleted.
    @Test func deletingAnEnhancedSiteCascades() async throws {
        let env = try LocalEnvironmentSupport.make()
        let keep = try await env.provision(template: "starter", name: "Keep", dataModel: .enhanced)
        let gone = try await env.provision(template: "starter", name: "Gone", dataModel: .enhanced)
        let before = try await env.retrieveAll(RecordQuery("powerpagecomponent")).count
        try await env.deleteWebsite(gone.websiteId)
        let left = try await env.retrieveAll(RecordQuery("powerpagecomponent"))
        #expect(left.count == before / 2)
        #expect(left.allSatisfy { $0.lookupID("powerpagesiteid") == keep.websiteId })
        #expect(try await env.retrieveAll(RecordQuery("powerpagesitelanguage")).map { $0.lookupID("powerpagesiteid") } == [keep.websiteId])
        let links = try await env.retrieveLinks(relationship: "powerpagecomponent_powerpagecomponent", firstIDs: nil)
        #expect(links.count == 3)
        #expect(links.allSatisfy { l in left.contains { $0.id == l.first.id } })
        let sites = try await env.websites()
        #expect(sites.map(\.websiteId) == [keep.websiteId])
        try await env.deletePortalApp(websiteID: gone.websiteId)
        try await env.reset(websiteID: keep.websiteId)
        #expect(try await env.retrieveAll(RecordQuery("powerpagecomponent")).isEmpty)
        #expect(try await env.websites().isEmpty)
        // A portal app for an existing enhanced site record says so.
        let again = try await env.provision(template: "starter", dataModel: .enhanced)
        try await env.deletePortalApp(websiteID: again.websiteId)
        let app = try await env.provisionPortalApp(existingWebsite: again.websiteId)
        let row = try await env.retrieve("pm_portalapp", id: app)
        #expect(row.string("pm_datamodel") == "enhanced")
    }
}

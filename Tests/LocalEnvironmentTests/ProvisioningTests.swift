import Foundation
import Testing
import PortalModel
import LocalEnvironment
import TestSupport

/// Microsoft's migration procedure steps on an embedded environment (issue 3, "Portal provisioning").
@Suite struct ProvisioningTests {
    func ids(_ env: LocalEnvironment, except tables: Set<String> = []) async throws -> Set<UUID> {
        var all = Set<UUID>()
        for t in env.catalog.logicalNames where !tables.contains(t) {
            for r in try await env.retrieveAll(RecordQuery(t, columns: [])) { all.insert(r.id) }
        }
        return all
    }

    @Test func provisioningGivesTheDefaultContentUnderFreshGUIDs() async throws {
        let env = try LocalEnvironmentSupport.make()
        let before = try await ids(env)
        let first = try await env.provision(template: "starter", name: "One")
        let afterFirst = try await ids(env)
        let second = try await env.provision(template: "starter", name: "Two")
        let afterSecond = try await ids(env)
        let firstIDs = afterFirst.subtracting(before)
        let secondIDs = afterSecond.subtracting(afterFirst)
        #expect(firstIDs.count == first.recordCounts.values.reduce(0, +))
        #expect(secondIDs.count == firstIDs.count)
        #expect(firstIDs.isDisjoint(with: secondIDs))
        #expect(first.websiteId != second.websiteId)

        // The default content of emulator-facts.md §5.2 for the first site.
        let site = FieldValue.guid(first.websiteId)
        let pages = try await env.retrieveAll(RecordQuery("adx_webpage", filter: .equal("adx_websiteid", site)))
        let roots = pages.filter { $0["adx_isroot"] == .boolean(true) }
        let content = pages.filter { $0["adx_isroot"] == .boolean(false) }
        #expect(roots.count == content.count)
        for name in ["Home", "Access Denied", "Page Not Found", "Profile", "Search"] {
            #expect(roots.contains { $0.string("adx_name") == name }, "\(name)")
        }
        let home = try #require(roots.first { $0.string("adx_name") == "Home" })
        #expect(home["adx_partialurl"] == .string("/"))
        #expect(home["adx_parentpageid"] == .null)
        #expect(content.allSatisfy { c in roots.contains { $0.id == c.lookupID("adx_rootwebpageid") } })
        let markers = try await env.retrieveAll(RecordQuery("adx_sitemarker", filter: .equal("adx_websiteid", site)))
        #expect(markers.first { $0.string("adx_name") == "Home" }?.lookupID("adx_pageid") == home.id)
        let roles = try await env.retrieveAll(RecordQuery("adx_webrole", filter: .equal("adx_websiteid", site)))
        #expect(Set(roles.compactMap { $0.string("adx_name") }) == ["Administrators", "Anonymous Users", "Authenticated Users"])
        let states = try await env.retrieveAll(RecordQuery("adx_publishingstate", filter: .equal("adx_websiteid", site)))
        #expect(Set(states.compactMap { $0.string("adx_name") }) == ["Published", "Draft"])
        #expect(try await env.retrieveAll(RecordQuery("adx_sitesetting", filter: .equal("adx_websiteid", site))).count >= 30)
        #expect(try await env.retrieveAll(RecordQuery("adx_contentsnippet", filter: .equal("adx_websiteid", site))).count >= 5)
        #expect(try await env.retrieveAll(RecordQuery("adx_webtemplate", filter: .equal("adx_websiteid", site))).count >= 8)
        #expect(try await env.retrieveAll(RecordQuery("adx_pagetemplate", filter: .equal("adx_websiteid", site))).count >= 4)
        let files = try await env.retrieveAll(RecordQuery("adx_webfile", filter: .equal("adx_websiteid", site)))
        #expect(Set(files.compactMap { $0.string("adx_name") }).isSuperset(of: ["bootstrap.min.css", "theme.css"]))
        for f in files {
            let notes = try await env.retrieveAll(RecordQuery("annotation", filter: .equal("objectid", .guid(f.id))))
            #expect(notes.count == 1)
            #expect(try await env.downloadFile(FileBodyKey("annotation", notes[0].id, "documentbody"))?.isEmpty == false)
        }
        let links = try await env.retrieveLinks(relationship: "adx_webpageaccesscontrolrule_webrole", firstIDs: nil)
        #expect(links.count == 2)

        // The website lists with its portal app and base language.
        let list = try await env.websites()
        #expect(Set(list.map(\.websiteId)) == [first.websiteId, second.websiteId])
        let one = try #require(list.first { $0.websiteId == first.websiteId })
        #expect(one.name == "One")
        #expect(one.portalAppId == first.portalAppId)
        #expect(one.baseLanguage == 1033)
        #expect(one.dataModel == "standard")

        let css = try await env.provision(template: "customer-self-service")
        let cssPages = try await env.retrieveAll(RecordQuery("adx_webpage", filter: .equal("adx_websiteid", .guid(css.websiteId))))
        #expect(cssPages.contains { $0.string("adx_name") == "Customer Service - Support Home" })
        await #expect(throws: LocalEnvironmentError.self) { try await env.provision(template: "nope") }
    }

    @Test func migrationProcedureSteps() async throws {
        let env = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "procedure", languageCode: 1036))
        let site = try await env.provision(template: "starter")
        #expect(try await env.websites().first?.baseLanguage == 1036)
        // Delete the website record: its configuration goes, the portal app stays.
        try await env.deleteWebsite(site.websiteId)
        #expect(try await env.websites().isEmpty)
        #expect(try await env.count("adx_webpage") == 0)
        #expect(try await env.count("pm_portalapp") == 1)
        await #expect(throws: LocalEnvironmentError.websiteNotFound(site.websiteId)) { try await env.deleteWebsite(site.websiteId) }
        // Delete the portal app.
        try await env.deletePortalApp(websiteID: site.websiteId)
        #expect(try await env.count("pm_portalapp") == 0)
        await #expect(throws: LocalEnvironmentError.portalAppNotFound(site.websiteId)) { try await env.deletePortalApp(websiteID: site.websiteId) }
        // Import a website record (as a migration would) and provision a portal app from it.
        let imported = UUID()
        #expect(
            try await env.execute([.create(EntityRecord("adx_website", id: imported, columns: ["adx_name": .string("Imported")]))]).first?.isSuccess
                == true)
        let app = try await env.provisionPortalApp(existingWebsite: imported)
        #expect(try await env.websites().first?.portalAppId == app)
        await #expect(throws: LocalEnvironmentError.portalAppExists(imported)) { try await env.provisionPortalApp(existingWebsite: imported) }
        await #expect(throws: LocalEnvironmentError.websiteNotFound(site.websiteId)) {
            try await env.provisionPortalApp(existingWebsite: site.websiteId)
        }
        // Reset removes both.
        let other = try await env.provision(template: "starter")
        try await env.reset(websiteID: imported)
        #expect(try await env.websites().map(\.websiteId) == [other.websiteId])
        #expect(try await env.count("pm_portalapp") == 1)
    }
}

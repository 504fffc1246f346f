import Foundation
import PortalModel
import Testing
import TestSupport

@testable import LocalEnvironment

/// The steps of `Provisioner.run` (issue 19: the 167-line `run` as named steps), each with its own rule,
/// run in-process on a fresh embedded environment with `collectOnly` (the records are gathered, not
/// written, so each step's output can be read as it made it).
@Suite struct ProvisionerStepsTests {
    struct Collected: Sendable {
        var records: [EntityRecord]
        var links: [(String, ManyToManyLink)]
        func records(_ table: String) -> [EntityRecord] { records.filter { $0.logicalName == table } }
    }

    /// Runs `steps` collecting, and returns their result with what they collected.
    func collect<T: Sendable>(
        _ env: LocalEnvironment, template: PortalTemplate? = nil, _ steps: @escaping @Sendable (inout Provisioner) throws -> T
    ) async throws -> (T, Collected) {
        let template = try template ?? PortalTemplate.named("starter")
        return try await env.withProvisioner(template: template, collectOnly: true) { p in
            let value = try steps(&p)
            return (value, Collected(records: p.collected, links: p.collectedLinks))
        }
    }

    func lookup(_ table: String, _ id: UUID?) -> FieldValue { id.map { .lookup(EntityReference(table, $0)) } ?? .null }

    /// The base language is the portal language with the organization's LCID, named after it, and
    /// becomes the website's default language.
    @Test func baseLanguageIsTheOrganizationsAndTheWebsitesDefault() async throws {
        let env = try LocalEnvironmentSupport.make()
        let lcid = try await env.organizationInfo().languageCode
        let portalLanguage = try #require(
            try await env.retrieveAll(RecordQuery("adx_portallanguage")).first { $0["adx_lcid"] == .integer(Int32(lcid)) })
        let ((websiteID, languageID), got) = try await collect(env) { p in
            let website = try p.addWebsite(name: "Contoso")
            return (website, try p.addBaseLanguage(websiteID: website))
        }
        let language = try #require(got.records("adx_websitelanguage").first)
        #expect(got.records("adx_websitelanguage").count == 1 && language.id == languageID)
        #expect(language["adx_portallanguageid"] == lookup("adx_portallanguage", portalLanguage.id))
        #expect(language["adx_websiteid"] == lookup("adx_website", websiteID))
        #expect(language.string("adx_name") == (PortalLanguages.language(lcid: lcid)?.name ?? "Language \(lcid)"))
        let website = try #require(got.records("adx_website").first)
        #expect(website.id == websiteID && website.string("adx_name") == "Contoso")
        #expect(website["adx_defaultlanguage"] == lookup("adx_websitelanguage", languageID))
        #expect(website.string("adx_primarydomainname") == "\(websiteID.dataverseString.prefix(8)).portal.local")
    }

    /// Published is the default, visible state and the one returned; Draft is hidden.
    @Test func publishedIsTheDefaultStateAndDraftIsHidden() async throws {
        let env = try LocalEnvironmentSupport.make()
        let website = UUID()
        let (published, got) = try await collect(env) { try $0.addPublishingStates(websiteID: website) }
        let states = got.records("adx_publishingstate")
        #expect(states.map { $0.string("adx_name") } == ["Published", "Draft"])
        #expect(states[0].id == published && states[0]["adx_isdefault"] == .boolean(true) && states[0]["adx_isvisible"] == .boolean(true))
        #expect(states[1]["adx_isdefault"] == .boolean(false) && states[1]["adx_isvisible"] == .boolean(false))
        #expect(states.allSatisfy { $0["adx_websiteid"] == lookup("adx_website", website) })
    }

    /// A root page per template page and, only when the site has a language, a content page in it
    /// pointing at its root; children point at their parent's root; top-level pages carry the
    /// feedback policy; display order follows the template.
    @Test(arguments: [true, false]) func pagesAreRootsAndOneContentPagePerLanguage(withLanguage: Bool) async throws {
        let env = try LocalEnvironmentSupport.make()
        let template = try PortalTemplate.named("starter")
        let site = SiteAnchors(websiteID: UUID(), languageID: withLanguage ? UUID() : nil, publishedStateID: UUID())
        let (pages, got) = try await collect(env, template: template) { try $0.addPages(site, pageTemplates: [:]) }
        let written = got.records("adx_webpage")
        let roots = written.filter { $0["adx_isroot"] == .boolean(true) }
        let content = written.filter { $0["adx_isroot"] == .boolean(false) }
        #expect(roots.count == template.pages.count && pages.ids.count == template.pages.count)
        #expect(content.count == (withLanguage ? template.pages.count : 0))
        for (index, page) in template.pages.enumerated() {
            let root = try #require(roots.first { $0.string("adx_name") == page.name })
            #expect(pages.ids[page.name] == root.id)
            #expect(root["adx_displayorder"] == .integer(Int32(index + 1)))
            #expect(root["adx_publishingstateid"] == site.publishedState)
            #expect((root["adx_parentpageid"] ?? .null) == pages.ref(page.parent), "\(page.name)")
            #expect((root["adx_feedbackpolicy"] != nil) == (page.parent == nil), "\(page.name)")
            if withLanguage {
                let c = try #require(content.first { $0["adx_rootwebpageid"] == lookup("adx_webpage", root.id) })
                #expect(c["adx_webpagelanguageid"] == site.language && c.string("adx_name") == page.name)
            }
        }
        #expect(template.pages.contains { $0.parent != nil })
        #expect(pages.ref(nil) == .null && pages.ref("No such page") == .null)
    }

    /// Each web file gets one note holding its content, under the Home page.
    @Test func webFilesCarryTheirContentInOneNoteEach() async throws {
        let env = try LocalEnvironmentSupport.make()
        let template = try PortalTemplate.named("starter")
        let home = UUID()
        let site = SiteAnchors(websiteID: UUID(), languageID: nil, publishedStateID: nil)
        let (_, got) = try await collect(env, template: template) {
            try $0.addWebFiles(site, pages: ProvisionedPages(ids: ["Home": home]))
        }
        let files = got.records("adx_webfile")
        let notes = got.records("annotation")
        #expect(!template.webFiles.isEmpty && files.count == template.webFiles.count && notes.count == files.count)
        for file in template.webFiles {
            let record = try #require(files.first { $0.string("adx_name") == file.name })
            #expect(record["adx_parentpageid"] == lookup("adx_webpage", home) && record["adx_publishingstateid"] == .null)
            let note = try #require(notes.first { $0["objectid"] == lookup("adx_webfile", record.id) })
            let body = try #require(note.string("documentbody").flatMap { Data(base64Encoded: $0) })
            #expect(String(decoding: body, as: UTF8.self) == file.content && note.string("mimetype") == file.mimeType)
        }
    }

    /// The Home page's access rule is linked to the Administrators role, and to nothing when the
    /// template has no such role.
    @Test func homeAccessRuleLinksAdministratorsWhenThereAreAny() async throws {
        let env = try LocalEnvironmentSupport.make()
        let site = SiteAnchors(websiteID: UUID(), languageID: nil, publishedStateID: nil)
        let home = UUID()
        let admin = UUID()
        let pages = ProvisionedPages(ids: ["Home": home])
        let (_, with) = try await collect(env) { try $0.addHomeAccessRule(site, pages: pages, roles: ["Administrators": admin]) }
        let rule = try #require(with.records("adx_webpageaccesscontrolrule").first)
        #expect(rule["adx_webpageid"] == lookup("adx_webpage", home) && rule["adx_right"] == .choice(1))
        #expect(with.links.count == 1 && with.links.first?.0 == "adx_webpageaccesscontrolrule_webrole")
        #expect(
            with.links.first?.1
                == ManyToManyLink(EntityReference("adx_webpageaccesscontrolrule", rule.id), EntityReference("adx_webrole", admin)))
        let (_, without) = try await collect(env) { try $0.addHomeAccessRule(site, pages: pages, roles: ["Anonymous Users": UUID()]) }
        #expect(without.records("adx_webpageaccesscontrolrule").count == 1 && without.links.isEmpty)
    }

    /// The portal app hosts the website under the standard model with a subdomain the admin API's
    /// rule accepts.
    @Test func portalAppHostsTheWebsiteUnderAValidSubdomain() async throws {
        let env = try LocalEnvironmentSupport.make()
        let website = UUID()
        let (appID, got) = try await collect(env) { try $0.addPortalApp(name: "Contoso", websiteID: website) }
        let app = try #require(got.records("pm_portalapp").first)
        #expect(app.id == appID && app["pm_websiterecordid"] == .guid(website) && app.string("pm_datamodel") == "standard")
        #expect(app.string("pm_template") == "starter" && app.string("pm_name") == "Contoso")
        let subdomain = try #require(app.string("pm_subdomain"))
        #expect(subdomain == "site-\(website.dataverseString.prefix(8))" && SiteHost.isValidSubdomain(subdomain))
    }

    /// `run` is the steps in order: the site provisioned through `provision` has what the steps make
    /// (a record per step's table) and every record points at the one website.
    @Test func runWritesEveryStepsRecordsForOneWebsite() async throws {
        let env = try LocalEnvironmentSupport.make()
        let result = try await env.provision(template: "starter", name: "Contoso")
        for table in [
            "adx_websitelanguage", "adx_publishingstate", "adx_webtemplate", "adx_pagetemplate", "adx_webpage", "adx_contentsnippet",
            "adx_sitesetting", "adx_webrole", "adx_sitemarker", "adx_weblinkset", "adx_webfile", "adx_webpageaccesscontrolrule",
        ] {
            let records = try await env.retrieveAll(RecordQuery(table, filter: .equal("adx_websiteid", .guid(result.websiteId))))
            #expect(!records.isEmpty && records.count == result.recordCounts[table], "\(table)")
        }
        #expect(result.recordCounts["pm_portalapp"] == 1 && result.recordCounts["adx_website"] == 1)
    }
}

import Foundation
import LocalEnvironment
@testable import Migration
import PortalModel
import Testing
import TestSupport

/// The B04/B05 scenario: a target provisioned from the same template, not cleaned, holds its own Home page,
/// languages, states, roles, snippets and settings under other GUIDs.
@Suite("Migration into a provisioned, not cleaned target")
struct ProvisionedTargetTests {
    static func edit(_ env: LocalEnvironment, website: UUID) async throws -> (newRoot: UUID, newContent: UUID, snippet: UUID, role: UUID) {
        let pages = try await env.retrieveAll(RecordQuery("adx_webpage", filter: .equal("adx_websiteid", .guid(website))))
        let home = try #require(pages.first { $0.string("adx_partialurl") == "/" && $0.columns["adx_isroot"] == .boolean(true) })
        let homeContent = try #require(pages.first { $0.lookupID("adx_rootwebpageid") == home.id })
        let snippet = try #require(
            try await env.retrieveAll(RecordQuery("adx_contentsnippet", filter: .equal("adx_websiteid", .guid(website)))).first)
        let newRoot = UUID(), newContent = UUID(), role = UUID(), permission = UUID()
        var root = EntityRecord(
            "adx_webpage", id: newRoot,
            columns: [
                "adx_name": .string("Services"), "adx_partialurl": .string("services"),
                "adx_websiteid": .lookup(EntityReference("adx_website", website)),
                "adx_parentpageid": .lookup(EntityReference("adx_webpage", home.id)), "adx_isroot": .boolean(true),
            ])
        for c in ["adx_pagetemplateid", "adx_publishingstateid"] { root[c] = home[c] }
        var content = root
        content.id = newContent
        content["adx_isroot"] = .boolean(false)
        content["adx_rootwebpageid"] = .lookup(EntityReference("adx_webpage", newRoot))
        content["adx_webpagelanguageid"] = homeContent["adx_webpagelanguageid"]
        content["adx_copy"] = .string("<p>Our services</p>")
        var changedSnippet = EntityRecord("adx_contentsnippet", id: snippet.id)
        changedSnippet["adx_value"] = .string("Edited in DEV")
        let results = try await env.execute(
            [
                .create(root), .create(content), .update(changedSnippet),
                .create(
                    EntityRecord(
                        "adx_webrole", id: role,
                        columns: ["adx_name": .string("Partners"), "adx_websiteid": .lookup(EntityReference("adx_website", website))])),
                .create(
                    EntityRecord(
                        "adx_entitypermission", id: permission,
                        columns: [
                            "adx_entityname": .string("Partner cases"), "adx_entitylogicalname": .string("incident"),
                            "adx_websiteid": .lookup(EntityReference("adx_website", website)), "adx_scope": .choice(756_150_000),
                        ])),
                .associate(
                    relationship: "adx_entitypermission_webrole",
                    ManyToManyLink(EntityReference("adx_entitypermission", permission), EntityReference("adx_webrole", role))),
            ], options: ExecuteOptions(bypassCustomPlugins: true))
        for r in results { if let e = r.error { throw e } }
        return (newRoot, newContent, snippet.id, role)
    }

    /// Duplicate natural keys among a website's records of a table (the symptoms of B04/B05).
    static func duplicates(_ env: LocalEnvironment, _ table: String, website: UUID, key: (EntityRecord) -> String) async throws -> [String] {
        let rows = try await env.retrieveAll(RecordQuery(table, filter: .equal("adx_websiteid", .guid(website))))
        var seen: [String: Int] = [:]
        for r in rows { seen[key(r), default: 0] += 1 }
        return seen.filter { $0.value > 1 }.map(\.key).sorted()
    }

    @Test("customer-self-service edited in DEV onto a provisioned TEST: no duplicates, verify passes, rerun writes nothing")
    func noDuplicates() async throws {
        let dev = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "dev"), label: "pm-dev")
        let test = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "test"), label: "pm-test")
        let devSite = try await dev.provision(template: "customer-self-service").websiteId
        let testSite = try await test.provision(template: "customer-self-service").websiteId
        let edits = try await Self.edit(dev, website: devSite)
        let before = try await MigrationFixtures.counts(test)

        let engine = MigrationEngine()
        let options = try MigrationFixtures.options(PlanOptions(targetWebsiteID: testSite), env: test)
        let prepared = try await engine.prepare(source: .environment(dev, websiteID: devSite), target: test, options: options)
        #expect(prepared.errors.isEmpty, "\(prepared.errors.prefix(5))")
        #expect(prepared.plan.records.filter { $0.action == .create }.count == 4, "\(PlanRenderer.lines(prepared.plan).prefix(20))")
        let report = try await engine.migrate(source: .environment(dev, websiteID: devSite), target: test, options: options)
        #expect(report.failures.isEmpty, "\(report.failures.prefix(5))")
        #expect(report.matched["natural-key", default: 0] > 20)

        let after = try await MigrationFixtures.counts(test)
        // Exactly the four new records (root page, content page, role, permission) were added.
        #expect(after["adx_webpage"] == (before["adx_webpage"] ?? 0) + 2)
        #expect(after["adx_webrole"] == (before["adx_webrole"] ?? 0) + 1)
        #expect(after["adx_entitypermission"] == (before["adx_entitypermission"] ?? 0) + 1)
        for t in [
            "adx_website", "adx_websitelanguage", "adx_portallanguage", "adx_publishingstate", "adx_contentsnippet",
            "adx_sitesetting", "adx_sitemarker", "adx_pagetemplate", "adx_webtemplate", "adx_webfile", "annotation", "adx_weblink",
        ] {
            #expect(after[t] == before[t], "\(t): \(before[t] ?? 0) → \(after[t] ?? 0)")
        }
        #expect(
            try await Self.duplicates(test, "adx_webpage", website: testSite) { r in
                [
                    r.lookupID("adx_parentpageid")?.dataverseString ?? "-", r.string("adx_partialurl")?.lowercased() ?? "",
                    r.lookupID("adx_webpagelanguageid")?.dataverseString ?? "-", r.lookupID("adx_rootwebpageid") == nil ? "root" : "content",
                ].joined(separator: "|")
            }.isEmpty)
        for t in ["adx_webrole", "adx_sitesetting", "adx_publishingstate"] {
            #expect(try await Self.duplicates(test, t, website: testSite) { $0.string("adx_name") ?? "" }.isEmpty, "\(t)")
        }
        #expect(
            try await Self.duplicates(test, "adx_contentsnippet", website: testSite) {
                ($0.string("adx_name") ?? "") + "|" + ($0.lookupID("adx_contentsnippetlanguageid")?.dataverseString ?? "-")
            }.isEmpty)
        // The edit arrived on TEST's own snippet (matched by name + language), and the new records kept their ids.
        let testSnippets = try await test.retrieveAll(RecordQuery("adx_contentsnippet", filter: .equal("adx_websiteid", .guid(testSite))))
        #expect(testSnippets.contains { $0.string("adx_value") == "Edited in DEV" })
        #expect(try await test.retrieve("adx_webpage", id: edits.newRoot).lookupID("adx_websiteid") == testSite)
        #expect(
            try await test.retrieveLinks(relationship: "adx_entitypermission_webrole", firstIDs: nil)
                .contains { $0.second.id == edits.role })

        let verify = try await engine.verify(source: .environment(dev, websiteID: devSite), target: test, targetWebsiteID: testSite)
        #expect(verify.identical, "\(verify.differences.prefix(10))")
        let again = try await engine.prepare(source: .environment(dev, websiteID: devSite), target: test, options: options)
        #expect(again.plan.isEmpty, "\(PlanRenderer.lines(again.plan).prefix(10))")
    }
}

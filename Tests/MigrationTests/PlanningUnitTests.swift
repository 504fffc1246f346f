import Foundation
import LocalEnvironment
@testable import Migration
import PortalModel
import Testing
import TestSupport

@Suite("Planning parts: order, matching, profiles, secrets")
struct PlanningUnitTests {
    @Test("tables are ordered after the tables they point to; the website ↔ website language cycle starts at the website")
    func dependencyOrder() {
        let edges: [String: Set<String>] = [
            "adx_website": ["adx_websitelanguage", "adx_webtemplate"],
            "adx_websitelanguage": ["adx_website", "adx_publishingstate", "adx_portallanguage"],
            "adx_publishingstate": ["adx_website"],
            "adx_webtemplate": ["adx_website"],
            "adx_webpage": ["adx_website", "adx_webpage", "adx_publishingstate", "adx_webfile"],
            "adx_webfile": ["adx_webpage", "adx_website"],
            "adx_portallanguage": [],
        ]
        let order = DependencyOrder.order(Set(edges.keys)) { edges[$0] ?? [] }
        func pos(_ t: String) -> Int { order.firstIndex(of: t)! }
        #expect(order.count == edges.count)
        #expect(pos("adx_portallanguage") == 0 && pos("adx_website") == 1)
        #expect(pos("adx_publishingstate") < pos("adx_websitelanguage"))
        #expect(pos("adx_webtemplate") < pos("adx_webpage"))
        #expect(pos("adx_webpage") < pos("adx_webfile") || pos("adx_webfile") < pos("adx_webpage"))
        #expect(DependencyOrder.order(Set(edges.keys)) { edges[$0] ?? [] } == order, "deterministic")
    }

    @Test("parents come before children; a cycle in a table is cut")
    func selfDepth() {
        let a = UUID(), b = UUID(), c = UUID(), x = UUID(), y = UUID()
        func page(_ id: UUID, parent: UUID?) -> EntityRecord {
            EntityRecord("adx_webpage", id: id, columns: parent.map { ["adx_parentpageid": .lookup(EntityReference("adx_webpage", $0))] } ?? [:])
        }
        let d = SelfDepth.depths([page(c, parent: b), page(b, parent: a), page(a, parent: nil), page(x, parent: y), page(y, parent: x)])
        #expect(d[a] == 0 && d[b] == 1 && d[c] == 2)
        #expect(d[x] != nil && d[y] != nil)
    }

    @Test("a lookup to a record created in a later table or in a same-table cycle is deferred; others stay")
    func deferral() {
        let site = UUID(), page = UUID(), file = UUID()
        func plan(_ r: EntityRecord) -> RecordPlan {
            RecordPlan(
                table: r.logicalName, sourceID: r.id, targetID: r.id, name: nil, action: .create, match: .none,
                record: r, changes: [], deferred: [], state: [:], bodyKey: nil, depth: 0)
        }
        var records = [
            plan(
                EntityRecord(
                    "adx_webfile", id: file,
                    columns: [
                        "adx_parentpageid": .lookup(EntityReference("adx_webpage", page)),
                        "adx_websiteid": .lookup(EntityReference("adx_website", site)),
                    ])),
            plan(
                EntityRecord(
                    "adx_webpage", id: page,
                    columns: [
                        "adx_image": .lookup(EntityReference("adx_webfile", file)),
                        "adx_websiteid": .lookup(EntityReference("adx_website", site)),
                    ])),
        ]
        Scheduler.schedule(&records, rank: ["adx_website": 0, "adx_webpage": 1, "adx_webfile": 2], existingBefore: [site])
        #expect(records.map(\.table) == ["adx_webpage", "adx_webfile"])
        #expect(records[0].deferred.map(\.column) == ["adx_image"])
        #expect(records[0].record.columns["adx_websiteid"] != nil)
        #expect(records[1].deferred.isEmpty && records[1].record.columns["adx_parentpageid"] != nil)
    }

    @Test("two same-name pages under different parents never merge; two target candidates are reported, not guessed")
    func matching() {
        let site = UUID(), srcA = UUID(), srcB = UUID(), tgtA = UUID(), tgtB = UUID()
        func page(_ id: UUID, _ name: String, url: String, parent: UUID?) -> EntityRecord {
            var r = EntityRecord(
                "adx_webpage", id: id,
                columns: [
                    "adx_name": .string(name), "adx_partialurl": .string(url), "adx_websiteid": .lookup(EntityReference("adx_website", site)),
                    "adx_parentpageid": parent.map { .lookup(EntityReference("adx_webpage", $0)) } ?? .null,
                ])
            r["adx_webpagelanguageid"] = .null
            return r
        }
        let srcHome = UUID(), tgtHome = UUID()
        var source = PortalSnapshot(websiteID: site)
        source.add(EntityRecord("adx_website", id: site, columns: ["adx_name": .string("S")]))
        source.add(page(srcHome, "Home", url: "/", parent: nil))
        source.add(page(srcA, "Contact", url: "contact", parent: srcHome))
        source.add(page(srcB, "Contact", url: "contact", parent: srcA))
        var target = PortalSnapshot(websiteID: site)
        target.add(EntityRecord("adx_website", id: site, columns: ["adx_name": .string("S")]))
        target.add(page(tgtHome, "Home", url: "/", parent: nil))
        target.add(page(tgtA, "Contact", url: "contact", parent: tgtHome))
        target.add(page(tgtB, "Contact", url: "CONTACT", parent: tgtHome))
        var byID: [UUID: EntityRecord] = [:]
        for rows in target.records.values { for r in rows { byID[r.id] = r } }
        var m = IdentityMatcher(catalog: .standard)
        m.match(
            source: source, tableOrder: ["adx_website", "adx_webpage"], sourceWebsiteID: site, targetWebsiteID: site,
            targetByID: byID, targetSnapshot: target, byKey: true)
        #expect(m.idMap[srcHome] == tgtHome)
        // srcA has two candidates (partial URLs compare without case): reported, not matched.
        #expect(m.idMap[srcA] == nil)
        #expect(m.diagnostics.contains { $0.check == .ambiguousMatch && $0.recordID == srcA })
        // srcB sits under srcA, which matched nothing: it cannot take either target page.
        #expect(m.idMap[srcB] == nil)

        var byIDOnly = IdentityMatcher(catalog: .standard)
        byIDOnly.match(
            source: source, tableOrder: ["adx_website", "adx_webpage"], sourceWebsiteID: site, targetWebsiteID: site,
            targetByID: byID, targetSnapshot: target, byKey: false)
        #expect(byIDOnly.idMap.isEmpty)
    }

    @Test("a deployment profile replaces values by id with ${OS.NAME}; an unset variable is an error naming it")
    func deploymentProfile() throws {
        let id = UUID()
        let text = """
            adx_sitesetting:
            - adx_sitesettingid: \(id.dataverseString)
              adx_value: ${OS.PM_TEST_SECRET}-suffix
            """
        let profile = try DeploymentProfile.parse(text, source: "test.deployment.yml", environment: ["PM_TEST_SECRET": "s3cr3t"])
        var snapshot = PortalSnapshot()
        snapshot.add(EntityRecord("adx_sitesetting", id: id, columns: ["adx_name": .string("Search/Enabled"), "adx_value": .string("old")]))
        let (hidden, warnings) = profile.apply(to: &snapshot)
        #expect(snapshot.records["adx_sitesetting"]?.first?.string("adx_value") == "s3cr3t-suffix")
        #expect(hidden == [PlanOptions.hiddenKey("adx_sitesetting", id, "adx_value")])
        #expect(warnings.isEmpty)
        #expect {
            try DeploymentProfile.parse(text, source: "test.deployment.yml", environment: [:])
        } throws: { error in
            "\(error)".contains("PM_TEST_SECRET") && "\(error)".contains("not set") && "\(error)".contains(id.dataverseString)
        }
    }

    @Test("secret site settings and profile values print as 'changed (value hidden)'")
    func secretsHidden() async throws {
        let (source, snapshot) = try await MigrationFixtures.sourceEnvironment(seed: 61)
        let website = try #require(snapshot.websiteID)
        let target = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "target"), label: "pm-tgt")
        _ = try await MigrationEngine().migrate(
            source: .environment(source, websiteID: website), target: target,
            options: try MigrationFixtures.options(env: target))
        let settings = try #require(snapshot.records["adx_sitesetting"])
        let secret = try #require(settings.first { $0.string("adx_name")!.hasSuffix("ClientSecret") })
        let plain = try #require(settings.first { !Secrets.isSecretName($0.string("adx_name")!) })
        let results = try await source.execute(
            [
                .update(EntityRecord("adx_sitesetting", id: secret.id, columns: ["adx_value": .string("TOPSECRET-1")])),
                .update(EntityRecord("adx_sitesetting", id: plain.id, columns: ["adx_value": .string("visible-2")])),
            ], options: ExecuteOptions())
        for r in results { if let e = r.error { throw e } }
        let prepared = try await MigrationEngine().prepare(
            source: .environment(source, websiteID: website), target: target,
            options: try MigrationFixtures.options(env: target))
        let text = PlanRenderer.lines(prepared.plan).joined(separator: "\n")
        #expect(!text.contains("TOPSECRET-1"))
        #expect(text.contains("adx_value: changed (value hidden)"))
        #expect(text.contains("visible-2"))
        let verify = try await MigrationEngine().verify(source: .environment(source, websiteID: website), target: target, targetWebsiteID: nil)
        #expect(!verify.identical)
        #expect(!verify.differences.joined().contains("TOPSECRET-1"))
        #expect(!prepared.report.jsonText().contains("TOPSECRET-1"))
    }

    @Test("with plug-ins on, the platform's content pages are matched by root page + language, not duplicated")
    func pluginsOnContentPages() async throws {
        let (source, snapshot) = try await MigrationFixtures.sourceEnvironment(seed: 67)
        let website = try #require(snapshot.websiteID)
        let target = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "target"), label: "pm-tgt")
        var options = try MigrationFixtures.options(env: target)
        options.apply.bypassPlugins = false
        let report = try await MigrationEngine().migrate(source: .environment(source, websiteID: website), target: target, options: options)
        #expect(report.failures.isEmpty, "\(report.failures.prefix(5))")
        let pages = try await target.retrieveAll(RecordQuery("adx_webpage"))
        #expect(pages.count == snapshot.records["adx_webpage"]?.count)
        var perRootLanguage: [String: Int] = [:]
        for p in pages where p.lookupID("adx_rootwebpageid") != nil {
            perRootLanguage["\(p.lookupID("adx_rootwebpageid")!)|\(p.lookupID("adx_webpagelanguageid").map(\.dataverseString) ?? "-")", default: 0] +=
                1
        }
        #expect(perRootLanguage.values.allSatisfy { $0 == 1 })
        // The content pages are the platform's (new ids), matched to the source's by root page + language.
        let sourceIDs = Set((snapshot.records["adx_webpage"] ?? []).map(\.id))
        #expect(pages.contains { $0.lookupID("adx_rootwebpageid") != nil && !sourceIDs.contains($0.id) })
        #expect(report.matched["natural-key", default: 0] > 0)
        let verify = try await MigrationEngine().verify(source: .environment(source, websiteID: website), target: target, targetWebsiteID: nil)
        #expect(verify.identical, "\(verify.differences.prefix(5))")
    }
}

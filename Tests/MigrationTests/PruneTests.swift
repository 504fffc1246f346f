import Foundation
import LocalEnvironment
@testable import Migration
import PortalModel
import Testing
import TestSupport

@Suite("Deletion sync with prune")
struct PruneTests {
    @Test("after deleting a page, a snippet and a web-role link in the source, --prune removes exactly those")
    func pruneExactly() async throws {
        let (source, snapshot) = try await MigrationFixtures.sourceEnvironment(seed: 23)
        let website = try #require(snapshot.websiteID)
        let target = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "target"), label: "pm-tgt")
        let engine = MigrationEngine()
        let first = try await engine.migrate(
            source: .environment(source, websiteID: website), target: target,
            options: try MigrationFixtures.options(env: target))
        #expect(first.failures.isEmpty)

        // A root page nothing else points at (with its content page), a snippet, one role link.
        let referenced = Set(
            snapshot.records.values.flatMap { $0 }.flatMap { r in
                r.columns.compactMap { (c, v) in c == "adx_rootwebpageid" ? nil : v.reference?.id }
            })
        let pages = snapshot.records["adx_webpage"] ?? []
        let leaf = try #require(pages.last { $0.columns["adx_isroot"] == .boolean(true) && !referenced.contains($0.id) })
        let content = try #require(pages.first { $0.lookupID("adx_rootwebpageid") == leaf.id })
        let snippet = try #require(snapshot.records["adx_contentsnippet"]?.first)
        let link = try #require(snapshot.links["adx_entitypermission_webrole"]?.sorted().first)
        let results = try await source.execute(
            [
                .delete("adx_webpage", content.id), .delete("adx_webpage", leaf.id), .delete("adx_contentsnippet", snippet.id),
                .disassociate(relationship: "adx_entitypermission_webrole", link),
            ], options: ExecuteOptions(bypassCustomPlugins: true))
        for r in results { if let e = r.error { throw e } }

        // Without --prune nothing is deleted.
        let keep = try await engine.prepare(
            source: .environment(source, websiteID: website), target: target,
            options: try MigrationFixtures.options(env: target))
        #expect(keep.plan.deletions.isEmpty)
        #expect(keep.plan.isEmpty)

        let before = try await MigrationFixtures.counts(target)
        let report = try await engine.migrate(
            source: .environment(source, websiteID: website), target: target,
            options: try MigrationFixtures.options(PlanOptions(prune: true), env: target))
        #expect(report.failures.isEmpty, "\(report.failures)")
        #expect(report.tables["adx_webpage"]?.deleted == 2)
        #expect(report.tables["adx_contentsnippet"]?.deleted == 1)
        #expect(report.links["adx_entitypermission_webrole"]?.removed == 1)
        #expect(report.tables.values.reduce(0) { $0 + $1.deleted } == 3)
        let after = try await MigrationFixtures.counts(target)
        #expect(after["adx_webpage"] == (before["adx_webpage"] ?? 0) - 2)
        #expect(after["adx_contentsnippet"] == (before["adx_contentsnippet"] ?? 0) - 1)
        for (t, n) in before where t != "adx_webpage" && t != "adx_contentsnippet" { #expect(after[t] == n, "\(t)") }
        let links = try await target.retrieveLinks(relationship: "adx_entitypermission_webrole", firstIDs: nil)
        #expect(!links.contains(link))
        #expect(links.count == (snapshot.links["adx_entitypermission_webrole"]?.count ?? 0) - 1)
        let verify = try await engine.verify(source: .environment(source, websiteID: website), target: target, targetWebsiteID: nil)
        #expect(verify.identical, "\(verify.differences.prefix(5))")
    }
}

import Foundation
import LocalEnvironment
@testable import Migration
import PortalModel
import Testing
import TestSupport

/// Lookups to records outside the portal configuration (a contact as page author).
@Suite("Lookups to records the target lacks")
struct MissingLookupTests {
    @Test("fail by default naming record and column; drop clears and lists it; an existing contact keeps the lookup")
    func missingLookups() async throws {
        let (source, snapshot) = try await MigrationFixtures.sourceEnvironment(seed: 83)
        let website = try #require(snapshot.websiteID)
        let page = try #require(snapshot.records["adx_webpage"]?.first { $0.string("adx_partialurl") == "/" })
        let contact = UUID()
        let results = try await source.execute(
            [
                .create(EntityRecord("contact", id: contact, columns: ["firstname": .string("Ada"), "lastname": .string("Author")])),
                .update(EntityRecord("adx_webpage", id: page.id, columns: ["adx_authorid": .lookup(EntityReference("contact", contact))])),
            ], options: ExecuteOptions(bypassCustomPlugins: true))
        for r in results { if let e = r.error { throw e } }

        // Default: a failed check naming the page and the column; nothing written.
        let target = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "target"), label: "pm-tgt")
        let failed = try await PreflightCheckTests.expectStops(source, website, target: target, check: .missingLookup)
        #expect(
            failed.contains {
                $0.check == .missingLookup && $0.recordID == page.id && $0.column == "adx_authorid"
                    && $0.message.contains(contact.dataverseString)
            })

        // drop: cleared and listed.
        let report = try await MigrationEngine().migrate(
            source: .environment(source, websiteID: website), target: target,
            options: try MigrationFixtures.options(PlanOptions(missingLookups: .drop), env: target))
        #expect(report.failures.isEmpty)
        #expect(report.droppedLookups.contains { $0.recordID == page.id && $0.column == "adx_authorid" && $0.targetID == contact })
        #expect(try await target.retrieve("adx_webpage", id: page.id).lookupID("adx_authorid") == nil)

        // With the contact present in the target, the lookup is written.
        let other = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "other"), label: "pm-tgt")
        let created = try await other.execute(
            [.create(EntityRecord("contact", id: contact, columns: ["lastname": .string("Author")]))],
            options: ExecuteOptions())
        #expect(created.first?.isSuccess == true)
        let kept = try await MigrationEngine().migrate(
            source: .environment(source, websiteID: website), target: other,
            options: try MigrationFixtures.options(env: other))
        #expect(kept.failures.isEmpty && kept.droppedLookups.isEmpty)
        #expect(try await other.retrieve("adx_webpage", id: page.id).lookupID("adx_authorid") == contact)
    }
}

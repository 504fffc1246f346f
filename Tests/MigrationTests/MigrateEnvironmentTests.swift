import Foundation
import LocalEnvironment
@testable import Migration
import PortalModel
import Testing
import TestSupport

@Suite("Migration between embedded environments")
struct MigrateEnvironmentTests {
    @Test("a synthetic portal migrates into an empty environment, verify passes, a second run writes nothing")
    func migrateTwice() async throws {
        let (source, snapshot) = try await MigrationFixtures.sourceEnvironment(seed: 11)
        let website = try #require(snapshot.websiteID)
        let target = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "target"), label: "pm-tgt")
        let engine = MigrationEngine()
        let first = try await engine.migrate(
            source: .environment(source, websiteID: website), target: target,
            options: try MigrationFixtures.options(env: target))
        #expect(first.failures.isEmpty, "\(first.failures.prefix(5))")
        #expect((first.tables["adx_webpage"]?.created ?? 0) == snapshot.records["adx_webpage"]?.count)
        #expect((first.tables["annotation"]?.created ?? 0) == snapshot.records["annotation"]?.count)
        // The portal language matched the target's own English row by LCID instead of being copied.
        #expect(first.tables["adx_portallanguage"]?.created ?? 0 == 0)
        #expect(try await target.count("adx_portallanguage") == 43)

        let verify = try await engine.verify(source: .environment(source, websiteID: website), target: target, targetWebsiteID: nil)
        #expect(verify.identical, "\(verify.differences.prefix(10))")

        let before = try await MigrationFixtures.counts(target)
        let second = try await engine.prepare(
            source: .environment(source, websiteID: website), target: target,
            options: try MigrationFixtures.options(env: target))
        #expect(second.plan.isEmpty, "\(PlanRenderer.lines(second.plan).prefix(10))")
        let rerun = try await engine.migrate(
            source: .environment(source, websiteID: website), target: target,
            options: try MigrationFixtures.options(env: target))
        #expect(rerun.tables.values.allSatisfy { $0.created == 0 && $0.updated == 0 && $0.deleted == 0 })
        #expect(try await MigrationFixtures.counts(target) == before)
    }
}

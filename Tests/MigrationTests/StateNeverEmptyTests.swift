import Foundation
import LocalEnvironment
@testable import Migration
import PortalModel
import Testing
import TestSupport

/// A record's state is never planned empty (issue 18 finding: an environment source whose record held no
/// `statecode` was planned as `statecode = null, statuscode = null`, a write Dataverse refuses and one a
/// verify treating null as active would never see). An absent or null state stands for the active state
/// in every format.
@Suite("state is never planned empty")
struct StateNeverEmptyTests {
    @Test("absent state columns stand for the active state in every format's hints")
    func absentStateIsActive() {
        for hints in [PlanHints.environment(), PlanHints()] {
            #expect(hints.absentValue(of: "statecode") == .state(0))
            #expect(hints.absentValue(of: "statuscode") == .status(1))
            #expect(hints.absentValue(of: "adx_value") == .null)
        }
    }

    @Test("an environment record whose state is null plans no state write against an active target record")
    func nullStateInTheSourcePlansNothing() async throws {
        let (dev, test, site, engine, _, options) = try await MigrationFixtures.migratedStarter("pm-state")
        let snippet = try #require(try await dev.retrieveAll(RecordQuery("adx_contentsnippet", filter: .equal("adx_websiteid", .guid(site)))).first)

        // The source's snippet loses its state (an environment that never gave it one).
        var stateless = EntityRecord("adx_contentsnippet", id: snippet.id)
        stateless["statecode"] = .null
        stateless["statuscode"] = .null
        for r in try await dev.execute([.update(stateless)], options: ExecuteOptions()) { if let e = r.error { throw e } }

        let prepared = try await engine.prepare(source: .environment(dev, websiteID: site), target: test, options: options)
        let record = prepared.plan.records.first { $0.targetID == snippet.id }
        #expect(record?.state.isEmpty ?? true, "state planned: \(record?.state ?? [:])")
        #expect(!(record?.changes.contains { PortalTables.stateColumns.contains($0.column) } ?? false))
        let nullState = prepared.plan.records.flatMap { r in r.state.filter { $0.value.isNull }.map { "\(r.table) \(r.targetID): \($0.key)" } }
        #expect(nullState.isEmpty, "states planned empty: \(nullState)")
    }
}

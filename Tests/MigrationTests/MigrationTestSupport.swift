import Foundation
import LocalEnvironment
@testable import Migration
import PortalModel
import TestSupport

/// Writes the blocked list of an embedded environment directly (the organization row is not a table of it).
struct LocalBlockedWriter: BlockedAttachmentsWriter {
    let env: LocalEnvironment
    func setBlockedAttachments(_ extensions: [String]) async throws {
        try await env.updateOrganization(blockedAttachments: extensions)
    }
}

enum MigrationFixtures {
    /// Options writing the journal and guards into a fresh temporary data directory.
    static func options(_ plan: PlanOptions = PlanOptions(), env: LocalEnvironment? = nil, dataDirectory: URL? = nil) throws -> MigrationOptions {
        var o = MigrationOptions(plan: plan, dataDirectory: try dataDirectory ?? TestPaths.temporaryDirectory("pm-data"))
        if let env { o.blockedAttachmentsWriter = LocalBlockedWriter(env: env) }
        return o
    }

    /// A starter site provisioned in a new `dev` environment and migrated into a new empty `test` one
    /// with plan hints of an environment source: the setup of tests that then change the source and plan
    /// again. Returns both environments, the website id, the engine and the plan options and migration
    /// options used.
    static func migratedStarter(_ label: String) async throws
        -> (dev: LocalEnvironment, test: LocalEnvironment, site: UUID, engine: MigrationEngine, plan: PlanOptions, options: MigrationOptions)
    {
        let dev = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "dev"), label: "\(label)-dev")
        let test = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "test"), label: "\(label)-test")
        let site = try await dev.provision(template: "starter").websiteId
        let engine = MigrationEngine()
        var plan = PlanOptions()
        plan.hints = .environment()
        let options = try options(plan, env: test)
        _ = try await engine.migrate(source: .environment(dev, websiteID: site), target: test, options: options)
        return (dev, test, site, engine, plan, options)
    }

    /// Every record of every table of an environment, by table (system seed tables included).
    static func counts(_ env: LocalEnvironment) async throws -> [String: Int] {
        var out: [String: Int] = [:]
        for t in try await env.tableDefinitions() {
            let n = try await env.count(t.logicalName)
            if n > 0 { out[t.logicalName] = n }
        }
        return out
    }

    /// A new environment holding the synthetic portal, loaded with the engine.
    static func sourceEnvironment(
        seed: UInt64, records: Int = 500, webFileBytes: Int = 50_000,
        environmentOptions: LocalEnvironmentOptions = LocalEnvironmentOptions(name: "source")
    ) async throws -> (LocalEnvironment, PortalSnapshot) {
        let env = try LocalEnvironmentSupport.make(environmentOptions, label: "pm-src")
        let snapshot = SyntheticPortal.generate(seed: seed, records: records, webFileBytes: webFileBytes)
        let report = try await MigrationEngine().migrate(source: .snapshot(snapshot, organization: nil), target: env, options: try options(env: env))
        precondition(report.failures.isEmpty, "loading the synthetic portal failed: \(report.failures.prefix(3))")
        return (env, snapshot)
    }
}

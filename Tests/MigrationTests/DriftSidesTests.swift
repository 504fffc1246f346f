import Foundation
import LocalEnvironment
import Migration
import PortalModel
import Testing
import TestSupport

/// `diff`'s side rule (issue 19: it was the command's): an environment side with several websites
/// compares the website of the file on the other side, whichever side the file is given as.
@Suite struct DriftSidesTests {
    @Test("an environment of two websites is matched with the file side's website, first or second")
    func environmentMatchesTheFileSide() async throws {
        let env = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "dev"), label: "pm-drift-sides")
        let one = try await env.provision(template: "starter", name: "One").websiteId
        let two = try await env.provision(template: "starter", name: "Two").websiteId
        let website = EntityRecord("adx_website", id: two, columns: ["adx_name": .string("Two")])
        let file = RunSource(snapshot: PortalSnapshot(records: ["adx_website": [website]]), location: "/tmp/folder")
        let environment = DriftSideSource.environment(env, name: "local:dev", website: nil, model: nil, option: "--webSiteId")

        let (a, b) = try await MigrationUseCases.driftSides(environment, .file(file, label: "folder ./two"))
        #expect(a.websiteID == two && a.label == "local:dev")
        #expect(b.websiteID == two && b.label == "folder ./two")
        let (c, d) = try await MigrationUseCases.driftSides(.file(file, label: "folder ./two"), environment)
        #expect(c.websiteID == two && d.websiteID == two)

        let named = DriftSideSource.environment(env, name: "local:dev", website: one, model: nil, option: "--webSiteId")
        let (e, _) = try await MigrationUseCases.driftSides(named, .file(file, label: "folder ./two"))
        #expect(e.websiteID == one, "a website named by its option wins")

        let alone = DriftSideSource.environment(env, name: "local:dev", website: nil, model: nil, option: "--targetWebSiteId")
        let unrelated = RunSource(snapshot: PortalSnapshot(), location: "/tmp/package")
        await #expect(throws: MigrationError.self) { try await MigrationUseCases.driftSides(.file(unrelated, label: "package p"), alone) }
    }
}

import Environments
import Foundation
import LocalEnvironment
import PortalModel
import TestSupport
import Testing

/// The `env` rules in the library (issue 19): which catalog an embedded environment is created with,
/// what deleting one would lose, where a served one answers, and approving device codes on it.
@Suite struct LocalEnvironmentOperationsTests {
    func connection() throws -> EnvironmentConnection {
        let root = try TestPaths.temporaryDirectory("pm-local-ops")
        return EnvironmentConnection(variables: ["PORTAL_MIGRATE_HOME": root.path, "PORTAL_MIGRATE_CONFIG_HOME": root.path], interactive: false)
    }

    /// Excluded tables and `table.column`s are left out of the catalog's tables; a column not written
    /// `table.column` and a table the catalog lacks are refused before anything is created.
    @Test func createLeavesOutExcludedTablesAndColumns() async throws {
        let c = try connection()
        let env = try c.createLocal(
            "drift", languageCode: 1033, excludingTables: [" adx_contentsnippet ", ""], excludingColumns: ["adx_webpage.adx_sharedpageconfiguration"])
        let tables = try await env.tableDefinitions()
        #expect(!tables.contains { $0.logicalName == "adx_contentsnippet" })
        let page = try #require(tables.first { $0.logicalName == "adx_webpage" })
        #expect(page.column("adx_sharedpageconfiguration") == nil && page.column("adx_name") != nil)
        try env.close()

        #expect(throws: EnvironmentsError.invalidExclusion("adx_webpage")) {
            try c.createLocal("bad", languageCode: 1033, excludingColumns: ["adx_webpage"])
        }
        do {
            _ = try c.createLocal("bad", languageCode: 1033, excludingTables: ["adx_webpages"])
            Issue.record("an unknown table was accepted")
        } catch EnvironmentsError.unknownTables(let message) {
            #expect(message.contains("adx_webpages") && message.contains("adx_webpage"))
        }
        #expect(!FileManager.default.fileExists(atPath: try c.dataDirectory.environmentFile("bad").path), "nothing created")
    }

    /// Deleting an environment loses its websites (the caller asks first); an empty file loses nothing;
    /// a missing environment is named.
    @Test func whatDeletingLoses() async throws {
        let c = try connection()
        let env = try c.createLocal("full", languageCode: 1033)
        let site = try await env.provision(template: "starter")
        try env.close()
        #expect(try await c.websitesLostByDeleting("full").map(\.websiteId) == [site.websiteId])
        try c.createLocal("blank", languageCode: 1033).close()
        #expect(try await c.websitesLostByDeleting("blank").isEmpty)
        let hollow = try c.dataDirectory.environmentFile("hollow")
        FileManager.default.createFile(atPath: hollow.path, contents: Data())
        #expect(try await c.websitesLostByDeleting("hollow").isEmpty)
        await #expect(throws: EnvironmentsError.noLocalEnvironment(name: "gone", folder: c.dataDirectory.environmentsFolder.path)) {
            try await c.websitesLostByDeleting("gone")
        }
    }

    /// `env settings`: only what is given changes; a behaviour both enabled and disabled ends off; the
    /// refused-delete list is replaced; the settings read back are what the environment now holds.
    @Test func settingsChangeOnlyWhatIsGiven() async throws {
        let env = try connection().createLocal("settings", languageCode: 1033)
        defer { try? env.close() }
        let before = try await env.apply(LocalSettingsChange())
        #expect(before.organization.languageCode == 1033)
        let id = UUID()
        let after = try await env.apply(
            LocalSettingsChange(
                blockedAttachments: "EXE; .dll", enable: [.contentPages, .websiteCascade], disable: [.websiteCascade], refusedDeletes: [id]))
        #expect(after.organization.blockedAttachments == ["exe", "dll"])
        #expect(after.organization.languageCode == 1033 && after.organization.maxUploadFileSize == before.organization.maxUploadFileSize)
        #expect(after.behaviours.contains(.contentPages) && !after.behaviours.contains(.websiteCascade))
        #expect(after.refusedDeletes == [id])
        #expect(LocalSettingsChange(enable: [.websiteCascade], disable: [.websiteCascade]).behaviourChanges == [.websiteCascade: false])
        #expect(try await env.apply(LocalSettingsChange(refusedDeletes: [])).refusedDeletes.isEmpty)
    }

    @Test func servedEndpointsAndNoServer() async throws {
        let e = ServedEndpoints(port: 5555)
        #expect(e.organizationURL == "http://127.0.0.1:5555")
        #expect(e.webAPIURL == "http://127.0.0.1:5555/api/data/v9.2/")
        #expect(e.tokenEndpoint == "http://127.0.0.1:5555/common/oauth2/v2.0/token")
        let c = try connection()
        try c.createLocal("idle", languageCode: 1033).close()
        await #expect(throws: EnvironmentsError.noServerRunning("idle")) { try await c.approveDeviceCode("ABCD", environment: "idle") }
        #expect(EnvironmentsError.noServerRunning("idle").description.contains("portal-migrate env serve idle"))
    }
}

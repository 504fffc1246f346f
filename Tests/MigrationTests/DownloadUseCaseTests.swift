import Foundation
import LocalEnvironment
@testable import Migration
import PortalModel
import Testing
import TestSupport

/// `download`'s library rules (issue 19: moved out of the command): the website's name read alone, so a
/// filled site folder is refused before any table is read, and the deployment-profile guard.
@Suite struct DownloadUseCaseTests {
    @Test("the website's name is read alone from adx_website; a website in neither table has none")
    func websiteName() async throws {
        let env = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "dev"), label: "pm-dl-name")
        let site = try await env.provision(template: "starter")
        let record = try await env.retrieveAll(RecordQuery("adx_website", columns: ["adx_name"])).first { $0.id == site.websiteId }
        let expected = try #require(record?.string("adx_name"))
        #expect(await MigrationUseCases.websiteName(site.websiteId, in: env) == expected)
        #expect(await MigrationUseCases.websiteName(UUID(), in: env) == nil)
    }

    /// A site folder with a profile setting a site setting's value, and a download holding another value.
    static func folder(profile: String) throws -> (folder: URL, setting: UUID, downloaded: PortalSnapshot) {
        let folder = try TestPaths.temporaryDirectory("pm-dl-profile")
        let setting = UUID()
        let profiles = folder.appendingPathComponent("deployment-profiles")
        try FileManager.default.createDirectory(at: profiles, withIntermediateDirectories: true)
        try profile.replacingOccurrences(of: "ID", with: setting.dataverseString)
            .write(to: profiles.appendingPathComponent("test.deployment.yml"), atomically: true, encoding: .utf8)
        let record = EntityRecord("adx_sitesetting", id: setting, columns: ["adx_name": .string("Secret"), "adx_value": .string("from-test")])
        return (folder, setting, PortalSnapshot(records: ["adx_sitesetting": [record]]))
    }

    @Test("a column a profile sets is named with its profile file; with mask the folder's value is kept, never the environment's")
    func profileExposure() throws {
        let (folder, setting, downloaded) = try Self.folder(profile: "adx_sitesetting:\n- adx_sitesettingid: ID\n  adx_value: ${OS.SECRET}\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let existing = PortalSnapshot(records: [
            "adx_sitesetting": [EntityRecord("adx_sitesetting", id: setting, columns: ["adx_value": .string("from-folder")])]
        ])
        var named = downloaded
        let warned = try MigrationUseCases.profileExposure(&named, siteFolder: folder, mask: false) { existing }
        let key = ProfileValues.Key(table: "adx_sitesetting", id: setting, column: "adx_value")
        #expect(warned.exposed == [key])
        #expect(warned.profileFiles[key] == ["test.deployment.yml"])
        #expect(!warned.masked)
        #expect(named.record("adx_sitesetting", setting)?.string("adx_value") == "from-test", "without mask the download is unchanged")

        var masked = downloaded
        let kept = try MigrationUseCases.profileExposure(&masked, siteFolder: folder, mask: true) { existing }
        #expect(kept.masked && kept.exposed == [key])
        #expect(masked.record("adx_sitesetting", setting)?.string("adx_value") == "from-folder")

        var noFolderValue = downloaded
        _ = try MigrationUseCases.profileExposure(&noFolderValue, siteFolder: folder, mask: true) { nil }
        #expect(noFolderValue.record("adx_sitesetting", setting)?.columns["adx_value"] == .null, "no folder value: left empty")
    }

    @Test("a profile setting only the name, or a folder without profiles, exposes nothing and does not read the folder")
    func nothingExposed() throws {
        let (folder, _, downloaded) = try Self.folder(profile: "adx_sitesetting:\n- adx_sitesettingid: ID\n  adx_name: Secret\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        var snapshot = downloaded
        #expect(try MigrationUseCases.profileExposure(&snapshot, siteFolder: folder, mask: true) { nil } == .init())
        let empty = try TestPaths.temporaryDirectory("pm-dl-noprofile")
        defer { try? FileManager.default.removeItem(at: empty) }
        var read = false
        #expect(
            try MigrationUseCases.profileExposure(&snapshot, siteFolder: empty, mask: false) {
                read = true
                return nil
            } == .init())
        #expect(!read)
    }
}

import Foundation
import PortalModel
import Testing
import TestSupport

/// `download` checks its destination before reading the site (issue 24 item 5) and keeps its output to a
/// summary unless `-v` asks for the per-table counts (item 4).
@Suite struct DownloadChecksFirstTests {
    @Test func aFilledSiteFolderIsRefusedBeforeAnythingIsRead() async throws {
        let home = try TestPaths.temporaryDirectory("pm-download-first")
        defer { try? FileManager.default.removeItem(at: home) }
        #expect(try await CLI.run(["env", "create", "dev"], home: home).status == 0)
        let provisioned = try await CLI.run(["env", "provision", "dev", "--template", "starter", "--json"], home: home)
        let websiteID = try #require(try JSONValue.parse(provisioned.out)["websiteId"]?.stringValue, "\(provisioned.out)")

        let first = try await CLI.run(["download", "--path", "site", "--webSiteId", websiteID, "--environment", "local:dev"], home: home)
        #expect(first.status == 0, "\(first.err)")
        #expect(!first.err.contains("record(s) for table:"), "per-table lines only under -v: \(first.err)")
        #expect(first.out.contains("Downloaded ") && first.out.contains(" record(s) into "), "\(first.out)")

        let again = try await CLI.run(["download", "--path", "site", "--webSiteId", websiteID, "--environment", "local:dev", "-v"], home: home)
        #expect(again.status == 2, "\(again.out)\(again.err)")
        #expect(
            again.err.contains("already has content") && again.err.contains("--overwrite") && again.err.contains("nothing was read"),
            "\(again.err)")
        #expect(!again.err.contains("record(s) for table:"), "refused before reading any table: \(again.err)")

        let verbose = try await CLI.run(
            [
                "download", "--path", "site", "--webSiteId", websiteID, "--environment", "local:dev",
                "--overwrite", "-v",
            ], home: home)
        #expect(verbose.status == 0, "\(verbose.err)")
        #expect(verbose.err.contains("record(s) for table: adx_webpage"), "\(verbose.err)")
    }

    /// A download from an environment a deployment profile was applied to names the profile-set columns
    /// it writes in clear text (never their values), and `--mask-profile-values` keeps the folder's values.
    @Test func valuesADeploymentProfileSetAreNamedAndCanBeMasked() async throws {
        let home = try TestPaths.temporaryDirectory("pm-download-profile")
        defer { try? FileManager.default.removeItem(at: home) }
        let secret = "s3cret-\(UUID().uuidString.prefix(8))"
        #expect(try await CLI.run(["env", "create", "dev"], home: home).status == 0)
        #expect(try await CLI.run(["env", "create", "test"], home: home).status == 0)
        let provisioned = try await CLI.run(["env", "provision", "dev", "--template", "starter", "--json"], home: home)
        let websiteID = try #require(try JSONValue.parse(provisioned.out)["websiteId"]?.stringValue, "\(provisioned.out)")
        #expect(try await CLI.run(["download", "--path", "site", "--webSiteId", websiteID, "--environment", "local:dev"], home: home).status == 0)
        let folder = home.appendingPathComponent("site/basic-portal")
        let settings = try String(contentsOf: folder.appendingPathComponent("sitesetting.yml"), encoding: .utf8)
        let idLine = try #require(settings.components(separatedBy: "\n").first { $0.contains("adx_sitesettingid:") })
        let settingID = try #require(idLine.components(separatedBy: ":").last?.trimmingCharacters(in: .whitespaces))
        let profiles = folder.appendingPathComponent("deployment-profiles")
        try FileManager.default.createDirectory(at: profiles, withIntermediateDirectories: true)
        try "adx_sitesetting:\n- adx_sitesettingid: \(settingID)\n  adx_value: ${OS.PM_TEST_SECRET}\n"
            .write(to: profiles.appendingPathComponent("test.deployment.yml"), atomically: true, encoding: .utf8)
        let upload = try await CLI.run(
            ["upload", "--path", folder.path, "--environment", "local:test", "--deploymentProfile", "test", "--yes"],
            environment: ["PM_TEST_SECRET": secret], home: home)
        #expect(upload.status == 0, "\(upload.err)")

        func folderHoldsSecret() -> Bool {
            let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
            return files.contains { url in
                guard !url.path.contains("deployment-profiles"), !url.hasDirectoryPath,
                    let data = FileManager.default.contents(atPath: url.path)
                else { return false }
                return String(decoding: data, as: UTF8.self).contains(secret)
            }
        }

        let masked = try await CLI.run(
            [
                "download", "--path", "site", "--webSiteId", websiteID, "--environment", "local:test",
                "--overwrite", "--mask-profile-values",
            ], home: home)
        #expect(masked.status == 0, "\(masked.err)")
        #expect(
            masked.err.contains("Kept the folder's value of 1 column(s)") && masked.err.contains("adx_sitesetting \(settingID), column adx_value"),
            "\(masked.err)")
        #expect(!folderHoldsSecret(), "--mask-profile-values kept the secret out of the folder")

        let plain = try await CLI.run(
            ["download", "--path", "site", "--webSiteId", websiteID, "--environment", "local:test", "--overwrite"],
            home: home)
        #expect(plain.status == 0, "\(plain.err)")
        #expect(
            plain.err.contains("warning: 1 column(s) a deployment profile") && plain.err.contains("(test.deployment.yml)")
                && plain.err.contains("--mask-profile-values"), "\(plain.err)")
        #expect(!plain.err.contains(secret) && !plain.out.contains(secret), "the value itself is never printed")
        #expect(folderHoldsSecret(), "without the flag the environment's value is written, as the warning said")
    }
}

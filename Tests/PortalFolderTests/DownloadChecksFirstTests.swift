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
        #expect(again.err.contains("already has content") && again.err.contains("--overwrite") && again.err.contains("nothing was read"),
                "\(again.err)")
        #expect(!again.err.contains("record(s) for table:"), "refused before reading any table: \(again.err)")

        let verbose = try await CLI.run(["download", "--path", "site", "--webSiteId", websiteID, "--environment", "local:dev",
                                         "--overwrite", "-v"], home: home)
        #expect(verbose.status == 0, "\(verbose.err)")
        #expect(verbose.err.contains("record(s) for table: adx_webpage"), "\(verbose.err)")
    }
}

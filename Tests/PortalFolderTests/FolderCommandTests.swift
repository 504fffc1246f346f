import Foundation
import Testing
import PortalModel
import TestSupport
@testable import PortalFolder

/// End to end: the built `portal-migrate` binary uploads corpus folders into embedded environments
/// and downloads them back (issue 7, acceptance 2 and 3, on embedded environments in-process).
@Suite(.serialized) struct FolderCommandTests {
    /// Sum of one counter (`created`, `updated`, …) over the JSON report's `result` tables.
    static func total(_ json: String, _ counter: String) throws -> Int {
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let result = obj["result"] as? [String: [String: Int]] ?? [:]
        return result.values.reduce(0) { $0 + ($1[counter] ?? 0) }
    }

    @Test func uploadTwiceWritesNothingThenOneChangeWritesOneRecord() async throws {
        let work = try TestPaths.temporaryDirectory("pm-folder-e2e")
        defer { try? FileManager.default.removeItem(at: work) }
        let home = work.appendingPathComponent("home")
        let site = work.appendingPathComponent("ejada")
        try FileManager.default.copyItem(at: TestPaths.pacFolder("ejada-starter-2022"), to: site)
        #expect(try await CLI.run(["env", "create", "t"], home: home).status == 0)
        #expect(try await CLI.run(["env", "settings", "t", "--blockedattachments", "exe"], home: home).status == 0)
        let upload = ["upload", "--path", site.path, "--environment", "local:t", "--yes", "--missing-lookups", "drop", "--json"]
        let first = try await CLI.run(upload, home: home)
        #expect(first.status == 0, "\(first.err)")
        let created = try Self.total(first.out, "created")
        let matched = try Self.total(first.out, "unchanged")
        #expect(created >= 300, "\(created) created")

        let second = try await CLI.run(upload, home: home)
        #expect(second.status == 0, "\(second.err)")
        #expect(try Self.total(second.out, "created") + Self.total(second.out, "updated") + Self.total(second.out, "deleted") == 0)
        #expect(try Self.total(second.out, "unchanged") == created + matched)

        let source = site.appendingPathComponent("web-templates/ad/Ad.webtemplate.source.html")
        try (try String(contentsOf: source, encoding: .utf8) + "<!-- changed -->").write(to: source, atomically: true, encoding: .utf8)
        let third = try await CLI.run(upload, home: home)
        #expect(third.status == 0, "\(third.err)")
        #expect(try Self.total(third.out, "updated") == 1)
        #expect(try Self.total(third.out, "created") == 0)

        // Download into a copy of the folder with --overwrite; compare with the folder uploaded.
        let websiteID = try #require(try PortalFolder().read(site).snapshot.websiteID)
        let downloads = work.appendingPathComponent("dl")
        try FileManager.default.createDirectory(at: downloads, withIntermediateDirectories: true)
        let siteName = try PortalFolder.siteFolderName(try PortalFolder().read(site).snapshot)
        try FileManager.default.copyItem(at: site, to: downloads.appendingPathComponent(siteName))
        let dl = try await CLI.run(
            [
                "download", "--path", downloads.path, "--webSiteId", websiteID.dataverseString,
                "--environment", "local:t", "--overwrite",
            ], home: home)
        #expect(dl.status == 0, "\(dl.err)")
        let downloaded = downloads.appendingPathComponent(siteName)
        var (compared, problems) = FolderRoundTripTests.compare(site, downloaded) { path in
            path.hasPrefix(".portalconfig/") || path == "azure-pipelines.yml"
        }
        // adx_portallanguageid in websitelanguage.yml is the target's own id: the one allowed difference.
        func withoutPortalLanguage(_ url: URL) throws -> String {
            try String(contentsOf: url.appendingPathComponent("websitelanguage.yml"), encoding: .utf8)
                .replacingOccurrences(of: "adx_portallanguageid: [0-9a-f-]{36}", with: "adx_portallanguageid: -", options: .regularExpression)
        }
        if try withoutPortalLanguage(site) == withoutPortalLanguage(downloaded) {
            problems.removeAll { $0.hasPrefix("websitelanguage.yml:") }
        }
        print("ejada upload → download --overwrite: \(compared) files compared, \(problems.count) differ: \(problems.prefix(8))")
        #expect(compared > 300)
        // importsequencenumber / timezoneruleversionnumber are written with the create and downloaded back.
        #expect(problems.isEmpty)
        // Unknown files are untouched.
        #expect(FileManager.default.fileExists(atPath: downloads.appendingPathComponent("\(siteName)/azure-pipelines.yml").path))
        // Without --overwrite a folder with content is refused.
        let refused = try await CLI.run(
            [
                "download", "--path", downloads.path, "--webSiteId", websiteID.dataverseString,
                "--environment", "local:t",
            ], home: home)
        #expect(refused.status == 2)
        #expect(refused.err.contains("--overwrite"))
    }

    @Test func defaultBlockedListStopsBeforeWritingAndStaleCopiesAreNamed() async throws {
        let work = try TestPaths.temporaryDirectory("pm-folder-e2e")
        defer { try? FileManager.default.removeItem(at: work) }
        let home = work.appendingPathComponent("home")
        #expect(try await CLI.run(["env", "create", "b"], home: home).status == 0)
        let book = work.appendingPathComponent("book")
        try FileManager.default.copyItem(at: TestPaths.pacFolder("book-multilang-2023"), to: book)
        let blocked = try await CLI.run(
            ["upload", "--path", book.path, "--environment", "local:b", "--yes", "--missing-lookups", "drop"], home: home)
        #expect(blocked.status == 2, "\(blocked.err)")
        #expect(blocked.err.contains(".svg") || blocked.err.contains(".js"), "\(blocked.err)")
        let list = try await CLI.run(["list", "--environment", "local:b", "--json"], home: home)
        #expect(!list.out.contains("Cantinho"), "nothing may be written: \(list.out)")

        let medical = try await CLI.run(
            [
                "upload", "--path", TestPaths.pacFolder("medical-webfiles-2023").path,
                "--environment", "local:b", "--yes",
            ], home: home)
        #expect(medical.status == 2)
        #expect(medical.err.contains("is in both"), "\(medical.err)")
        #expect(medical.err.contains("testing-deleted"), "\(medical.err)")

        // A v2 folder is detected (issue 9); naming the standard model for it is refused.
        let v2 = try await CLI.run(
            [
                "paportal", "upload", "--path", TestPaths.pacFolder("rcsa-enhanced-2025").path,
                "--environment", "local:b", "--modelVersion", "1", "--dry-run",
            ], home: home)
        #expect(v2.status == 2)
        #expect(v2.err.contains("--modelVersion 2"), "\(v2.err)")
    }
}

import Foundation
import Testing
import PortalModel
import TestSupport
@testable import PortalFolder

/// Issue 7, acceptance 2 (second half): upload a corpus folder into a fresh embedded environment, then
/// download it into an EMPTY folder: the same records (ids per table) and the same N:N links come back.
/// This is what `SnapshotReader` scopes to the website: web links without a page, advanced form steps
/// and inactive web links must all be reached through their parents.
@Suite(.serialized) struct FolderReadBackTests {
    /// Record ids per table and link counts per relationship of a folder.
    static func inventory(_ folder: URL) throws -> (records: [String: Set<UUID>], links: [String: Int]) {
        let snap = try PortalFolder().read(folder).snapshot
        var records: [String: Set<UUID>] = [:]
        for (t, rows) in snap.records { records[t] = Set(rows.map(\.id)) }
        var links: [String: Int] = [:]
        for (r, l) in snap.links { links[r] = l.count }
        return (records, links)
    }

    @Test(arguments: ["comet-selfservice-2023", "book-multilang-2023"])
    func downloadIntoEmptyFolderReturnsEveryRecord(_ name: String) async throws {
        let work = try TestPaths.temporaryDirectory("pm-folder-readback")
        defer { try? FileManager.default.removeItem(at: work) }
        let home = work.appendingPathComponent("home")
        let site = work.appendingPathComponent("site")
        try FileManager.default.copyItem(at: TestPaths.pacFolder(name), to: site)
        #expect(try await CLI.run(["env", "create", "t"], home: home).status == 0)
        #expect(try await CLI.run(["env", "settings", "t", "--blockedattachments", "exe"], home: home).status == 0)
        // comet has a dangling adx_parententitypermission: it only uploads with --missing-lookups drop.
        let up = try await CLI.run(
            [
                "upload", "--path", site.path, "--environment", "local:t", "--yes",
                "--missing-lookups", "drop", "--json",
            ], home: home)
        #expect(up.status == 0, "\(up.err)")
        let websiteID = try #require(try PortalFolder().read(site).snapshot.websiteID)
        let empty = work.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let dl = try await CLI.run(
            [
                "download", "--path", empty.path, "--webSiteId", websiteID.dataverseString,
                "--environment", "local:t",
            ], home: home)
        #expect(dl.status == 0, "\(dl.err)")
        let siteFolders = try FileManager.default.contentsOfDirectory(atPath: empty.path)
        #expect(siteFolders.count == 1, "\(siteFolders)")
        let downloaded = empty.appendingPathComponent(try #require(siteFolders.first))

        let before = try Self.inventory(site), after = try Self.inventory(downloaded)
        for table in Set(before.records.keys).union(after.records.keys).sorted() {
            let a = before.records[table] ?? [], b = after.records[table] ?? []
            // The portal language is the target's own record (matched by language code), not the folder's id.
            if table == "adx_portallanguage" { #expect(a.count == b.count, "\(table)"); continue }
            // Website bindings are download-only in pac: upload skips them (listed in the plan).
            if table == "adx_websitebinding" { #expect(b.isEmpty, "\(name): no binding is uploaded"); continue }
            #expect(
                a.subtracting(b).isEmpty, "\(name) \(table): missing after download \(a.subtracting(b).map(\.dataverseString).sorted().prefix(5))")
            #expect(b.subtracting(a).isEmpty, "\(name) \(table): extra after download \(b.subtracting(a).map(\.dataverseString).sorted().prefix(5))")
        }
        #expect(before.links == after.links, "\(name) N:N links")
    }
}

/// Issue 7: `plan --path P --to ENV` and `verify --path P --to ENV` take a site folder as the source.
@Suite(.serialized) struct FolderPlanVerifyTests {
    @Test func planAndVerifyTakeAFolderAsTheSource() async throws {
        let work = try TestPaths.temporaryDirectory("pm-folder-planverify")
        defer { try? FileManager.default.removeItem(at: work) }
        let home = work.appendingPathComponent("home")
        let site = work.appendingPathComponent("ejada")
        try FileManager.default.copyItem(at: TestPaths.pacFolder("ejada-starter-2022"), to: site)
        #expect(try await CLI.run(["env", "create", "t"], home: home).status == 0)
        #expect(try await CLI.run(["env", "settings", "t", "--blockedattachments", "exe"], home: home).status == 0)

        // Before the upload: plan succeeds (its JSON has no per-table counters to compare), verify reports differences (exit 1), nothing written.
        let before = try await CLI.run(["plan", "--path", site.path, "--to", "local:t", "--missing-lookups", "drop", "--json"], home: home)
        #expect(before.status == 0, "\(before.err)")
        let verifyBefore = try await CLI.run(["verify", "--path", site.path, "--to", "local:t"], home: home)
        #expect(verifyBefore.status != 0)

        let up = try await CLI.run(
            [
                "upload", "--path", site.path, "--environment", "local:t", "--yes",
                "--missing-lookups", "drop", "--json",
            ], home: home)
        #expect(up.status == 0, "\(up.err)")
        #expect(try FolderCommandTests.total(up.out, "created") >= 300)

        // After: nothing to create or update, and verify finds the folder's configuration in the target.
        let after = try await CLI.run(["plan", "--path", site.path, "--to", "local:t", "--missing-lookups", "drop", "--json"], home: home)
        #expect(after.status == 0, "\(after.err)")
        #expect(try FolderCommandTests.total(after.out, "created") + FolderCommandTests.total(after.out, "updated") == 0)
        let verifyAfter = try await CLI.run(["verify", "--path", site.path, "--to", "local:t"], home: home)
        #expect(verifyAfter.status == 0, "\(verifyAfter.out.prefix(2000)) \(verifyAfter.err)")

        // Neither --path nor --from: a usage error.
        let neither = try await CLI.run(["plan", "--to", "local:t"], home: home)
        #expect(neither.status == 64, "\(neither.err)")
    }
}

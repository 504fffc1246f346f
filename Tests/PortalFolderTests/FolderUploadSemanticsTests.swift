import Foundation
import Testing
import PortalModel
import TestSupport
@testable import PortalFolder

/// Issue 7, `upload` semantics beyond a plain write, end to end with the built binary on ejada-starter-2022:
/// - `manifest.yml` entries with `IsDeleted: true` delete records and N:N links in the target (listed in
///   the plan, need `--yes` without a terminal; a record the target does not have is "already absent");
/// - `--forceUploadAll` rewrites every record where a normal re-upload writes nothing;
/// - `adx_websitebinding` (download-only in pac) is never uploaded, and the plan says so.
@Suite(.serialized) struct FolderUploadSemanticsTests {
    static let snippetID = "8ed4aaf5-10e0-ec11-bb3c-000d3ab4fb7f" // content-snippets/about-footer (en-US)
    static let neverExisted = "0badc0de-0000-4000-8000-000000000001"
    static let permissionID = "6d18d2b0-88e5-ec11-bb3c-0022489e1ff6" // table-permissions/AddFeedback
    static let roleID = "9933ac01-11e0-ec11-bb3c-000d3ab4fb7f" // its first web role

    @Test func manifestDeletionsForceUploadAllAndWebsiteBindings() async throws {
        let work = try TestPaths.temporaryDirectory("pm-upload-semantics")
        defer { try? FileManager.default.removeItem(at: work) }
        let home = work.appendingPathComponent("home")
        let site = work.appendingPathComponent("ejada")
        try FileManager.default.copyItem(at: TestPaths.pacFolder("ejada-starter-2022"), to: site)
        let content = try PortalFolder().read(site)
        let websiteID = try #require(content.snapshot.websiteID)
        let bindings = content.snapshot.records["adx_websitebinding"] ?? []
        #expect(!bindings.isEmpty, "ejada has a website binding")
        #expect(try await CLI.run(["env", "create", "t"], home: home).status == 0)
        #expect(try await CLI.run(["env", "settings", "t", "--blockedattachments", "exe"], home: home).status == 0)
        let upload = ["upload", "--path", site.path, "--environment", "local:t", "--missing-lookups", "drop"]

        // First upload: the website binding is listed as skipped, never written.
        let first = try await CLI.run(upload + ["--yes", "--json"], home: home)
        #expect(first.status == 0, "\(first.err)")
        let written = try FolderCommandTests.total(first.out, "created")
        #expect(written >= 300)
        for b in bindings {
            #expect(first.err.contains("skip adx_websitebinding \(b.id.dataverseString)"), "\(first.err.prefix(1500))")
        }
        #expect(first.err.contains("environment-specific"))
        #expect(!first.out.contains("adx_websitebinding\""), "no counts for the binding table: \(first.out.prefix(500))")

        // A normal re-upload writes nothing; --forceUploadAll rewrites every record.
        let again = try await CLI.run(upload + ["--yes", "--json"], home: home)
        #expect(again.status == 0, "\(again.err)")
        #expect(try FolderCommandTests.total(again.out, "created") + FolderCommandTests.total(again.out, "updated") == 0)
        let unchanged = try FolderCommandTests.total(again.out, "unchanged")
        let forced = try await CLI.run(upload + ["--yes", "--json", "--forceUploadAll"], home: home)
        #expect(forced.status == 0, "\(forced.err)")
        let rewritten = try FolderCommandTests.total(forced.out, "updated")
        #expect(try FolderCommandTests.total(forced.out, "created") == 0)
        // Every record the folder has is rewritten (all of them hold at least one data column).
        #expect(rewritten == unchanged, "forceUploadAll rewrote \(rewritten) of \(unchanged)")
        #expect(rewritten >= 300)

        // manifest.yml: delete a content snippet (removed from the folder too, as pac's download does),
        // a record the target never had, and one web role link of a table permission.
        try FileManager.default.removeItem(at: site.appendingPathComponent("content-snippets/about-footer"))
        let permission = site.appendingPathComponent("table-permissions/AddFeedback.tablepermission.yml")
        let text = try String(contentsOf: permission, encoding: .utf8)
        try text.replacingOccurrences(of: "- \(Self.roleID)\n", with: "").write(to: permission, atomically: true, encoding: .utf8)
        let manifest = """
            adx_contentsnippet:
            - RecordId: \(Self.snippetID)
              DisplayName: About Footer
              CheckSum: 
              IsDeleted: true
            - RecordId: \(Self.neverExisted)
              DisplayName: Never uploaded
              CheckSum: 
              IsDeleted: true
            adx_entitypermission_webrole:
            - RecordId: \(Self.roleID)
              DisplayName: $RELATIONSHIP$adx_entitypermission:\(Self.permissionID):adx_webrole
              CheckSum: 
              IsDeleted: true

            """
        try manifest.write(to: site.appendingPathComponent(".portalconfig/manifest.yml"), atomically: true, encoding: .utf8)

        // The plan shows the deletion; without --yes and without a terminal nothing is written.
        let dry = try await CLI.run(upload + ["--dry-run"], home: home)
        #expect(dry.status == 0, "\(dry.err)")
        #expect(dry.out.contains("delete adx_contentsnippet \(Self.snippetID)"), "\(dry.out.prefix(2000))")
        #expect(dry.out.contains("skip adx_contentsnippet \(Self.neverExisted)"), "\(dry.out.prefix(2000))")
        #expect(dry.out.contains("already absent"))
        #expect(dry.out.contains("unlink adx_entitypermission_webrole"), "\(dry.out.prefix(2000))")
        // `plan --path` shows the same deletions the upload would apply.
        let planned = try await CLI.run(["plan", "--path", site.path, "--to", "local:t", "--missing-lookups", "drop"], home: home)
        #expect(planned.status == 0, "\(planned.err)")
        #expect(planned.out.contains("delete adx_contentsnippet \(Self.snippetID)"), "\(planned.out.prefix(2000))")
        #expect(planned.out.contains("unlink adx_entitypermission_webrole"), "\(planned.out.prefix(2000))")
        let refused = try await CLI.run(upload, home: home)
        #expect(refused.status != 0)
        #expect(refused.err.contains("--yes"), "\(refused.err)")

        let deleting = try await CLI.run(upload + ["--yes", "--json"], home: home)
        #expect(deleting.status == 0, "\(deleting.err)")
        #expect(try FolderCommandTests.total(deleting.out, "deleted") == 1, "\(deleting.out.prefix(1500))")
        #expect(try FolderCommandTests.total(deleting.out, "failed") == 0)
        #expect(try FolderCommandTests.total(deleting.out, "created") + FolderCommandTests.total(deleting.out, "updated") == 0)

        // Read back: the snippet and the link are gone, the other role link stays, no binding was uploaded.
        let empty = work.appendingPathComponent("dl")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let dl = try await CLI.run(
            [
                "download", "--path", empty.path, "--webSiteId", websiteID.dataverseString,
                "--environment", "local:t",
            ], home: home)
        #expect(dl.status == 0, "\(dl.err)")
        let back = try PortalFolder().read(empty.appendingPathComponent(try PortalFolder.siteFolderName(content.snapshot))).snapshot
        #expect(!(back.records["adx_contentsnippet"] ?? []).contains { $0.id.dataverseString == Self.snippetID })
        #expect((back.records["adx_contentsnippet"] ?? []).count == (content.snapshot.records["adx_contentsnippet"] ?? []).count - 1)
        let roleLinks = (back.links["adx_entitypermission_webrole"] ?? []).filter {
            $0.first.id.dataverseString == Self.permissionID || $0.second.id.dataverseString == Self.permissionID
        }
        #expect(roleLinks.count == 1, "\(roleLinks)")
        #expect(!roleLinks.contains { $0.first.id.dataverseString == Self.roleID || $0.second.id.dataverseString == Self.roleID })
        #expect((back.records["adx_websitebinding"] ?? []).isEmpty)

        // Uploading the same folder again: the deletions are already done, nothing is written.
        let settled = try await CLI.run(upload + ["--json"], home: home)
        #expect(settled.status == 0, "\(settled.err)")
        #expect(try FolderCommandTests.total(settled.out, "deleted") + FolderCommandTests.total(settled.out, "updated") == 0)
    }
}

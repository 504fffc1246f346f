import Foundation
import LocalEnvironment
import PortalModel
import Testing
import TestSupport

/// Issue 21 "Safe deletions", end to end with the built binary on ejada-starter-2022 in an embedded
/// environment:
/// - a `.portalconfig/manifest.yml` marking every page deleted (the pac incident of
///   research/alm-landscape-2026.md §3 N1) stops `upload` and `plan` with exit 2 (`mass-delete`, naming
///   the count and table), deletes nothing; with `--allow-mass-delete` the pages are deleted;
/// - a manifest deletion of a record whose file is still in the folder stops with exit 2
///   (`manifest-contradiction`), naming the entry and the file;
/// - `--prune` over the limits stops (per table share and `--max-deletes`, both settable); under them it deletes.
@Suite(.serialized) struct MassDeleteGuardTests {
    /// The `adx_<table>id` GUIDs of every YAML file under `dir`.
    static func ids(under dir: URL, _ table: String) throws -> [UUID] {
        let files = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        return try files.filter { $0.pathExtension == "yml" }.compactMap { f -> UUID? in
            let text = try String(contentsOf: f, encoding: .utf8)
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("\(table)id: ") }) else { return nil }
            return UUID(dataverse: String(line.dropFirst(table.count + 4)))
        }
    }

    /// A `manifest.yml` marking `ids` of `table` deleted.
    static func manifest(_ table: String, _ ids: [UUID]) -> String {
        "\(table):\n" + ids.map { "- RecordId: \($0.dataverseString)\n  DisplayName: gone\n  CheckSum: \n  IsDeleted: true\n" }.joined()
    }

    @Test func manifestDeletingEveryPageIsRefusedUnlessAllowed() async throws {
        let (home, folder) = try await CrossSiteChecksTests.prepared(
            "pm-massdel-manifest", corpus: "ejada-starter-2022", folderName: "ejada", env: "m")
        defer { try? FileManager.default.removeItem(at: home) }
        let upload = ["upload", "--path", folder.path, "--environment", "local:m", "--missing-lookups", "drop", "--yes"]
        _ = try await CrossSiteChecksTests.ok(upload, home: home)
        let pages = try await CrossSiteChecksTests.rows(home, "m", "adx_webpage").count
        let pageIDs = try Self.ids(under: folder.appendingPathComponent("web-pages"), "adx_webpage")
        #expect(pageIDs.count == pages && pages > 10, "\(pageIDs.count) page files, \(pages) pages in the target")
        let manifestURL = folder.appendingPathComponent(".portalconfig/manifest.yml")

        // A manifest deleting a page whose files are still in the folder: a contradiction, named.
        let homeFile = try #require(
            FileManager.default.enumerator(at: folder.appendingPathComponent("web-pages/home"), includingPropertiesForKeys: nil)?
                .compactMap { $0 as? URL }.first { $0.lastPathComponent == "Home.webpage.yml" })
        let homeID = try CrossSiteChecksTests.guid(homeFile, "adx_webpageid")
        try Data(Self.manifest("adx_webpage", [homeID]).utf8).write(to: manifestURL)
        let contradiction = try await CLI.run(upload, home: home)
        #expect(contradiction.status == 2, "\(contradiction.stderr.suffix(1500))")
        let line = (contradiction.stdout + contradiction.stderr).split(separator: "\n").first { $0.contains("manifest-contradiction") }
        #expect(line?.contains(".portalconfig/manifest.yml entry adx_webpage \(homeID.dataverseString)") == true, "\(line ?? "")")
        #expect(line?.contains("web-pages/home/Home.webpage.yml") == true, "\(line ?? "")")
        #expect(try await CrossSiteChecksTests.count(home, "m", "adx_webpage", homeID) == 1)

        // Without the contradiction (the pages' files gone too), a manifest deleting every page is a mass deletion.
        try Data(Self.manifest("adx_webpage", pageIDs).utf8).write(to: manifestURL)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("web-pages"))
        let refused = try await CLI.run(upload, home: home)
        #expect(refused.status == 2, "\(refused.stderr.suffix(1500))")
        let said = refused.stdout + refused.stderr
        #expect(said.contains("mass-delete: the plan deletes \(pages) of the target's \(pages) adx_webpage records (100%"), "\(said.suffix(1500))")
        #expect(said.contains("--allow-mass-delete"))
        #expect(try await CrossSiteChecksTests.rows(home, "m", "adx_webpage").count == pages, "nothing deleted")
        // --force leaves out records that fail a check; it does not let a mass deletion through.
        let forced = try await CLI.run(upload + ["--force"], home: home)
        #expect(forced.status == 2, "\(forced.stderr.suffix(1500))")
        #expect(try await CrossSiteChecksTests.rows(home, "m", "adx_webpage").count == pages, "nothing deleted with --force")
        // plan reports the same failed check.
        let planned = try await CLI.run(["plan", "--path", folder.path, "--to", "local:m", "--missing-lookups", "drop"], home: home)
        #expect(planned.status == 2, "\(planned.stderr.suffix(1500))")
        #expect((planned.stdout + planned.stderr).contains("mass-delete"), "\(planned.stdout.suffix(1500))")

        // With --allow-mass-delete the pages are deleted (the read-back then misses what cascaded with them).
        let allowed = try await CLI.run(upload + ["--allow-mass-delete", "--no-verify"], home: home)
        #expect(allowed.status == 0, "\(allowed.stderr.suffix(1500))")
        #expect(try await CrossSiteChecksTests.rows(home, "m", "adx_webpage").isEmpty)
    }

    @Test func pruneOverTheLimitsStopsUnderThemProceeds() async throws {
        let (home, folder) = try await CrossSiteChecksTests.prepared("pm-massdel-prune", corpus: "ejada-starter-2022", folderName: "ejada", env: "p")
        defer { try? FileManager.default.removeItem(at: home) }
        let upload = ["upload", "--path", folder.path, "--environment", "local:p", "--missing-lookups", "drop", "--yes", "--prune"]
        _ = try await CrossSiteChecksTests.ok(upload, home: home)
        let snippets = try await CrossSiteChecksTests.rows(home, "p", "adx_contentsnippet").count
        let snippetsDir = folder.appendingPathComponent("content-snippets")
        let dirs = try FileManager.default.contentsOfDirectory(at: snippetsDir, includingPropertiesForKeys: nil)
            .sorted { $0.lastPathComponent < $1.lastPathComponent }

        // Under the limits: one snippet gone from the folder is deleted.
        let one = try Self.ids(under: dirs[0], "adx_contentsnippet")
        try FileManager.default.removeItem(at: dirs[0])
        let small = try await CLI.run(upload, home: home)
        #expect(small.status == 0, "\(small.stderr.suffix(1500))")
        #expect(try await CrossSiteChecksTests.rows(home, "p", "adx_contentsnippet").count == snippets - one.count)

        // Over 10% of the table: stops, nothing deleted.
        let now = snippets - one.count
        var gone = 0
        for d in dirs.dropFirst() where gone * 10 <= now {
            gone += try Self.ids(under: d, "adx_contentsnippet").count
            try FileManager.default.removeItem(at: d)
        }
        let refused = try await CLI.run(upload, home: home)
        #expect(refused.status == 2, "\(refused.stderr.suffix(1500))")
        let said = refused.stdout + refused.stderr
        #expect(said.contains("mass-delete: the plan deletes \(gone) of the target's \(now) adx_contentsnippet records"), "\(said.suffix(1500))")
        #expect(try await CrossSiteChecksTests.rows(home, "p", "adx_contentsnippet").count == now)

        // The limits are settable: a higher share passes the table but --max-deletes below the count stops.
        let total = try await CLI.run(upload + ["--max-delete-share", "100", "--max-deletes", "\(gone - 1)"], home: home)
        #expect(total.status == 2, "\(total.stderr.suffix(1500))")
        #expect(
            (total.stdout + total.stderr).contains("the plan deletes \(gone) records in all (more than --max-deletes \(gone - 1))"),
            "\(total.stderr.suffix(1500))")
        #expect(!(total.stdout + total.stderr).contains("of the target's"))
        #expect(try await CrossSiteChecksTests.rows(home, "p", "adx_contentsnippet").count == now)
        let raised = try await CLI.run(upload + ["--max-delete-share", "100", "--max-deletes", "\(gone)"], home: home)
        #expect(raised.status == 0, "\(raised.stderr.suffix(1500))")
        #expect(try await CrossSiteChecksTests.rows(home, "p", "adx_contentsnippet").count == now - gone)
    }
}

import Foundation
import LocalEnvironment
@testable import Migration
import PortalModel
import Testing
import TestSupport

/// A run writes one website and nothing else (trial findings 1 and 4): `manifest.yml` deletions of
/// records of another site are refused, and records the target already has under another website
/// are not moved to the one being written; both stop before any write with exit code 2.
@Suite(.serialized) struct CrossSiteChecksTests {
    static func ok(_ args: [String], home: URL) async throws -> ChildProcessResult {
        let r = try await CLI.run(args, home: home)
        #expect(r.status == 0, "\(args.joined(separator: " ")): \(r.stderr.suffix(1500))")
        return r
    }

    /// The records of `table` with id `id` in the embedded environment `name` (0 or 1).
    static func count(_ home: URL, _ name: String, _ table: String, _ id: UUID) async throws -> Int {
        let env = try LocalEnvironment(opening: home.appendingPathComponent("environments/\(name).sqlite"))
        defer { try? env.close() }
        return try await env.retrieveAll(RecordQuery(table, filter: .equal("\(table)id", .guid(id)))).count
    }

    /// Every record of `table` in environment `name`.
    static func rows(_ home: URL, _ name: String, _ table: String) async throws -> [EntityRecord] {
        let env = try LocalEnvironment(opening: home.appendingPathComponent("environments/\(name).sqlite"))
        defer { try? env.close() }
        return try await env.retrieveAll(RecordQuery(table))
    }

    /// The GUID after `key: ` in a YAML file.
    static func guid(_ file: URL, _ key: String) throws -> UUID {
        let text = try String(contentsOf: file, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("\(key): ") })
        return try #require(UUID(dataverse: String(line.dropFirst(key.count + 2))))
    }

    /// A data directory `home` with a copy of the corpus folder `corpus` at `home/<folderName>` and an
    /// empty embedded environment `env` (whose blocked attachments allow `js` when `allowJS`, for v2
    /// folders). The caller removes `home`.
    static func prepared(
        _ label: String, corpus: String, folderName: String, env: String,
        allowJS: Bool = false
    ) async throws -> (home: URL, folder: URL) {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.portalMigrateBinary.path), "build portal-migrate first")
        let home = try TestPaths.temporaryDirectory(label)
        let folder = home.appendingPathComponent(folderName)
        try FileManager.default.copyItem(at: TestPaths.pacFolder(corpus), to: folder)
        _ = try await Self.ok(["env", "create", env], home: home)
        if allowJS { _ = try await Self.ok(["env", "settings", env, "--blockedattachments", "exe"], home: home) }
        return (home, folder)
    }

    /// Finding 1: a folder's manifest.yml marking another site's website and one of its pages
    /// IsDeleted stops the upload with exit 2 naming the manifest, both records and the website they
    /// belong to; nothing is written. With --force the folder's own deletion is applied and the other
    /// site is left whole.
    @Test func manifestDeletionsOfAnotherSiteAreRefused() async throws {
        let (home, folder) = try await Self.prepared("pm-cross-manifest", corpus: "ejada-starter-2022", folderName: "ejada", env: "c")
        defer { try? FileManager.default.removeItem(at: home) }
        _ = try await Self.ok(["env", "provision", "c", "--template", "starter"], home: home)
        let other = try #require(try await Self.rows(home, "c", "adx_website").first)
        let otherPage = try #require(try await Self.rows(home, "c", "adx_webpage").first { $0.lookupID("adx_websiteid") == other.id })
        _ = try await Self.ok(["upload", "--path", folder.path, "--environment", "local:c", "--yes"], home: home)

        // The folder's own template "Ad" deleted by hand (files gone, manifest entry), plus the other site.
        let adDir = folder.appendingPathComponent("web-templates/ad")
        let ad = try Self.guid(adDir.appendingPathComponent("Ad.webtemplate.yml"), "adx_webtemplateid")
        try FileManager.default.removeItem(at: adDir)
        let manifest = """
            adx_webpage:
            - RecordId: \(otherPage.id.dataverseString)
              DisplayName: Home
              CheckSum: 
              IsDeleted: true
            adx_website:
            - RecordId: \(other.id.dataverseString)
              DisplayName: victim
              CheckSum: 
              IsDeleted: true
            adx_webtemplate:
            - RecordId: \(ad.dataverseString)
              DisplayName: Ad
              CheckSum: 
              IsDeleted: true

            """
        try Data(manifest.utf8).write(to: folder.appendingPathComponent(".portalconfig/manifest.yml"))

        let refused = try await CLI.run(["upload", "--path", folder.path, "--environment", "local:c", "--yes"], home: home)
        #expect(refused.status == 2, "\(refused.stderr.suffix(1500))")
        let said = refused.stdout + refused.stderr
        let lines = said.split(separator: "\n").filter { $0.contains("deletion-outside-site") }
        #expect(lines.count == 2, "\(said.suffix(1500))")
        for id in [other.id, otherPage.id] {
            let line = lines.first { $0.contains(id.dataverseString) && $0.contains(".portalconfig/manifest.yml") }
            #expect(line != nil, "\(id.dataverseString) not named: \(lines)")
        }
        #expect(lines.contains { $0.contains("adx_webpage") && $0.contains("belongs to website \(other.id.dataverseString)") }, "\(lines)")
        #expect(!said.contains("delete adx_website"), "the other site must not be planned for deletion")
        #expect(try await Self.count(home, "c", "adx_website", other.id) == 1)
        #expect(try await Self.count(home, "c", "adx_webtemplate", ad) == 1, "nothing written")

        // --force goes on without the refused deletions: the folder's own one is applied.
        let forced = try await CLI.run(["upload", "--path", folder.path, "--environment", "local:c", "--yes", "--force"], home: home)
        #expect(forced.status != 2, "\(forced.stderr.suffix(1500))")
        #expect(try await Self.count(home, "c", "adx_webtemplate", ad) == 0)
        #expect(try await Self.count(home, "c", "adx_website", other.id) == 1)
        #expect(try await Self.count(home, "c", "adx_webpage", otherPage.id) == 1)
    }
}

extension CrossSiteChecksTests {
    /// Finding 4: the folder's website.yml id changed to a new one, uploaded into an environment that
    /// holds the site under its old id: the upload (and its dry run) stops with exit 2 naming both
    /// website ids and a sample of records; nothing is written. The unchanged folder re-uploads.
    @Test func changedWebsiteIDDoesNotMoveAnotherSitesRecords() async throws {
        let (home, folder) = try await Self.prepared("pm-cross-site", corpus: "ejada-starter-2022", folderName: "ejada", env: "s")
        defer { try? FileManager.default.removeItem(at: home) }
        _ = try await Self.ok(["upload", "--path", folder.path, "--environment", "local:s", "--yes"], home: home)
        let websiteFile = folder.appendingPathComponent("website.yml")
        let old = try Self.guid(websiteFile, "adx_websiteid")
        let new = UUID()
        let text = try String(contentsOf: websiteFile, encoding: .utf8)
        try text.replacingOccurrences(of: "adx_websiteid: \(old.dataverseString)", with: "adx_websiteid: \(new.dataverseString)")
            .write(to: websiteFile, atomically: true, encoding: .utf8)
        let pages = try await Self.rows(home, "s", "adx_webpage")

        for extra in [["--dry-run"], []] {
            let r = try await CLI.run(["upload", "--path", folder.path, "--environment", "local:s", "--yes"] + extra, home: home)
            #expect(r.status == 2, "\(extra): \(r.stderr.suffix(1500))")
            let line = (r.stdout + r.stderr).split(separator: "\n").first { $0.contains("other-site-records") }.map(String.init) ?? ""
            #expect(line.contains(old.dataverseString) && line.contains(new.dataverseString), "\(line)")
            #expect(line.contains("\(pages.count)") || line.contains("more"), "\(line)")
            #expect(line.contains("adx_"), "a sample of records is named: \(line)")
        }
        #expect(try await Self.count(home, "s", "adx_website", new) == 0, "nothing written")
        let after = try await Self.rows(home, "s", "adx_webpage")
        #expect(after.allSatisfy { $0.lookupID("adx_websiteid") == old } && after.count == pages.count)

        // The folder as downloaded re-uploads without the check firing.
        try text.write(to: websiteFile, atomically: true, encoding: .utf8)
        let again = try await CLI.run(["upload", "--path", folder.path, "--environment", "local:s", "--yes", "--dry-run"], home: home)
        #expect(again.status == 0, "\(again.stderr.suffix(1500))")
        #expect(!(again.stdout + again.stderr).contains("other-site-records"))
    }

    /// The same for an enhanced-model (v2) folder: the enhanced view shows one site's components, so
    /// the components of the other site are found in the environment itself.
    @Test func changedWebsiteIDOfAnEnhancedFolderIsRefused() async throws {
        let (home, folder) = try await Self.prepared("pm-cross-site-v2", corpus: "rcsa-enhanced-2025", folderName: "rcsa", env: "e", allowJS: true)
        defer { try? FileManager.default.removeItem(at: home) }
        _ = try await Self.ok(["upload", "--path", folder.path, "--environment", "local:e", "--yes"], home: home)
        let websiteFile = folder.appendingPathComponent("website.yml")
        let old = try Self.guid(websiteFile, "adx_websiteid")
        let new = UUID()
        let text = try String(contentsOf: websiteFile, encoding: .utf8)
        try text.replacingOccurrences(of: "adx_websiteid: \(old.dataverseString)", with: "adx_websiteid: \(new.dataverseString)")
            .write(to: websiteFile, atomically: true, encoding: .utf8)
        let before = try await Self.rows(home, "e", "powerpagecomponent").filter { $0.lookupID("powerpagesiteid") == old }.count

        let r = try await CLI.run(["upload", "--path", folder.path, "--environment", "local:e", "--yes"], home: home)
        #expect(r.status == 2, "\(r.stderr.suffix(1500))")
        let said = r.stdout + r.stderr
        #expect(
            said.contains("other-site-records") && said.contains(old.dataverseString) && said.contains(new.dataverseString), "\(said.suffix(1500))")
        let after = try await Self.rows(home, "e", "powerpagecomponent").filter { $0.lookupID("powerpagesiteid") == old }.count
        #expect(after == before && before > 200, "\(before) → \(after) components of the original site")
    }

    /// Finding 1 in the enhanced model (the trial's case): the manifest of an enhanced folder marks the
    /// environment's other enhanced site IsDeleted; the enhanced view does not show that site, so it
    /// is looked up in the environment itself and refused (exit 2), not skipped as absent.
    @Test func manifestDeletionOfAnotherEnhancedSiteIsRefused() async throws {
        let (home, folder) = try await Self.prepared(
            "pm-cross-manifest-v2", corpus: "rcsa-enhanced-2025", folderName: "rcsa", env: "c", allowJS: true)
        defer { try? FileManager.default.removeItem(at: home) }
        _ = try await Self.ok(["env", "provision", "c", "--template", "starter", "--modelVersion", "2"], home: home)
        let other = try #require(try await Self.rows(home, "c", "powerpagesite").first)
        _ = try await Self.ok(["upload", "--path", folder.path, "--environment", "local:c", "--yes"], home: home)
        let manifest = "adx_website:\n- RecordId: \(other.id.dataverseString)\n  DisplayName: victim\n  CheckSum: x\n  IsDeleted: true\n"
        try Data(manifest.utf8).write(to: folder.appendingPathComponent(".portalconfig/manifest.yml"))
        let r = try await CLI.run(["upload", "--path", folder.path, "--environment", "local:c", "--yes"], home: home)
        #expect(r.status == 2, "\(r.stderr.suffix(1500))")
        let said = r.stdout + r.stderr
        #expect(
            said.contains("deletion-outside-site") && said.contains(other.id.dataverseString)
                && said.contains(".portalconfig/manifest.yml"), "\(said.suffix(1500))")
        #expect(try await Self.count(home, "c", "powerpagesite", other.id) == 1)
    }
}

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
    static func ok(_ args: [String], home: URL) async throws -> BinaryRun {
        let r = try await Binary.run(args, home: home)
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

    /// Finding 1: a folder's manifest.yml marking another site's website and one of its pages
    /// IsDeleted stops the upload with exit 2 naming the manifest, both records and the website they
    /// belong to; nothing is written. With --force the folder's own deletion is applied and the other
    /// site is left whole.
    @Test func manifestDeletionsOfAnotherSiteAreRefused() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.portalMigrateBinary.path), "build portal-migrate first")
        let home = try TestPaths.temporaryDirectory("pm-cross-manifest")
        defer { try? FileManager.default.removeItem(at: home) }
        let folder = home.appendingPathComponent("ejada")
        try FileManager.default.copyItem(at: TestPaths.pacFolder("ejada-starter-2022"), to: folder)
        _ = try await Self.ok(["env", "create", "c"], home: home)
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

        let refused = try await Binary.run(["upload", "--path", folder.path, "--environment", "local:c", "--yes"], home: home)
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
        let forced = try await Binary.run(["upload", "--path", folder.path, "--environment", "local:c", "--yes", "--force"], home: home)
        #expect(forced.status != 2, "\(forced.stderr.suffix(1500))")
        #expect(try await Self.count(home, "c", "adx_webtemplate", ad) == 0)
        #expect(try await Self.count(home, "c", "adx_website", other.id) == 1)
        #expect(try await Self.count(home, "c", "adx_webpage", otherPage.id) == 1)
    }
}

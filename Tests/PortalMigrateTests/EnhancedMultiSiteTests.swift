import Foundation
import Testing
import PortalModel
import LocalEnvironment
import TestSupport

/// Trial finding 3 with the built binary: a v2 folder uploaded into an environment that already has
/// another enhanced site (a provisioned starter site) gets exactly the components an upload into an
/// empty environment gets, all in its own site, with its own site language; the starter site is left
/// as it was (count and content); `verify` passes, and reports a component moved to the other
/// site as missing, which a new upload refuses to rewrite naming both sites.
@Suite(.serialized) struct EnhancedMultiSiteTests {
    static let websiteID = UUID(dataverse: "aa7d49af-363f-41d3-b99d-bdd5ad5694d8")!
    /// rcsa's website language (and portal language) id in its folder.
    static let languageID = UUID(dataverse: "96e8a8c3-d5c0-4729-bbb4-36d4e809b044")!

    static func environment(_ name: String, home: URL) throws -> LocalEnvironment {
        try LocalEnvironment(opening: home.appendingPathComponent("environments/\(name).sqlite"))
    }

    /// Components by site id.
    static func componentsBySite(_ env: LocalEnvironment) async throws -> [UUID: [EntityRecord]] {
        Dictionary(
            grouping: try await env.retrieveAll(RecordQuery("powerpagecomponent")),
            by: { $0.lookupID("powerpagesiteid") ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)) })
    }

    /// The components' id, type, name, site, language and content, in id order (their content, compared whole).
    static func hash(_ components: [EntityRecord]) -> [String] {
        components.sorted(by: { $0.id.dataverseString < $1.id.dataverseString }).map { c in
            [
                c.id.dataverseString, c["powerpagecomponenttype"]?.text ?? "", c.string("name") ?? "",
                c.lookupID("powerpagesiteid")?.dataverseString ?? "", c.lookupID("powerpagesitelanguageid")?.dataverseString ?? "",
                c.string("content") ?? "",
            ].joined(separator: "|")
        }
    }

    @Test func aV2FolderBesideAStarterSiteKeepsEveryComponentInItsOwnSite() async throws {
        let work = try TestPaths.temporaryDirectory("pm-enh-multisite")
        defer { try? FileManager.default.removeItem(at: work) }
        let home = work.appendingPathComponent("home")
        let site = work.appendingPathComponent("rcsa")
        try FileManager.default.copyItem(at: TestPaths.pacFolder("rcsa-enhanced-2025"), to: site)

        // Reference: the same folder into an empty environment.
        #expect(try await CLI.run(["env", "create", "e"], home: home).exitCode == 0)
        #expect(try await CLI.run(["env", "settings", "e", "--blockedattachments", "exe;bat"], home: home).exitCode == 0)
        let ref = try await CLI.run(["upload", "--path", site.path, "--environment", "local:e", "--yes"], home: home)
        #expect(ref.exitCode == 0, "\(ref.stdout)\n\(ref.stderr)")
        let expected = try await Self.componentsBySite(try Self.environment("e", home: home))
        #expect(expected.keys.sorted { $0.dataverseString < $1.dataverseString } == [Self.websiteID])
        let expectedCount = expected[Self.websiteID]?.count ?? 0
        #expect(expectedCount > 200)

        // The same folder beside a provisioned enhanced starter site.
        #expect(try await CLI.run(["env", "create", "c"], home: home).exitCode == 0)
        #expect(try await CLI.run(["env", "provision", "c", "--template", "starter", "--modelVersion", "2"], home: home).exitCode == 0)
        #expect(try await CLI.run(["env", "settings", "c", "--blockedattachments", "exe;bat"], home: home).exitCode == 0)
        let before = try await Self.componentsBySite(try Self.environment("c", home: home))
        let starter = try #require(before.keys.first)
        #expect(before.count == 1 && starter != Self.websiteID)
        let starterLanguages = try await Self.environment("c", home: home).retrieveAll(RecordQuery("powerpagesitelanguage"))
        let starterHash = Self.hash(before[starter] ?? [])

        let up = try await CLI.run(["upload", "--path", site.path, "--environment", "local:c", "--yes"], home: home)
        #expect(up.exitCode == 0, "\(up.stdout)\n\(up.stderr)")
        let env = try Self.environment("c", home: home)
        let after = try await Self.componentsBySite(env)
        #expect(after[Self.websiteID]?.count == expectedCount, "rcsa: \(after[Self.websiteID]?.count ?? 0), expected \(expectedCount)")
        #expect(after[starter]?.count == before[starter]?.count, "starter: \(after[starter]?.count ?? 0), was \(before[starter]?.count ?? 0)")
        #expect(Self.hash(after[starter] ?? []) == starterHash)
        #expect(Set(after.keys) == [Self.websiteID, starter])
        // Each site keeps its own site language: rcsa's with the folder's id, the starter's unchanged.
        let languages = try await env.retrieveAll(RecordQuery("powerpagesitelanguage"))
        let rcsaLanguage = try #require(languages.first { $0.id == Self.languageID })
        #expect(rcsaLanguage.lookupID("powerpagesiteid") == Self.websiteID)
        for old in starterLanguages {
            let now = try #require(languages.first { $0.id == old.id })
            #expect(now.lookupID("powerpagesiteid") == starter && now.string("content") == old.string("content"))
        }
        #expect(languages.count == starterLanguages.count + 1)

        let verify = try await CLI.run(["verify", "--path", site.path, "--to", "local:c"], home: home)
        #expect(verify.exitCode == 0, "\(verify.stdout)\n\(verify.stderr)")

        // A web link moved to the starter site (as the trial's upload left 17 of them): verify sees it,
        // and an upload does not rewrite it silently.
        let links = (after[Self.websiteID] ?? []).filter {
            $0["powerpagecomponenttype"] == .choice(PowerPageComponentType(standardTable: "adx_weblink")!.rawValue)
        }
        let moved = try #require(links.sorted { $0.id.dataverseString < $1.id.dataverseString }.first)
        let results = try await env.execute(
            [
                ChangeSet([
                    .update(
                        EntityRecord(
                            "powerpagecomponent", id: moved.id,
                            columns: ["powerpagesiteid": .lookup(EntityReference("powerpagesite", starter))]))
                ])
            ], options: ExecuteOptions())
        #expect(results.allSatisfy { $0.isSuccess })
        let wrong = try await CLI.run(["verify", "--path", site.path, "--to", "local:c"], home: home)
        #expect(wrong.exitCode != 0)
        #expect(wrong.stdout.contains("adx_weblink \(moved.id.dataverseString)"), "\(wrong.stdout)")
        // The check before writing stops it naming both sites; with --force the write of that
        // component is refused (it belongs to the other site) and the run exits 1.
        let again = try await CLI.run(["upload", "--path", site.path, "--environment", "local:c", "--yes"], home: home)
        #expect(again.exitCode == 2, "\(again.stdout)\n\(again.stderr)")
        #expect((again.stdout + again.stderr).contains(starter.dataverseString), "\(again.stdout)\n\(again.stderr)")
        let forced = try await CLI.run(["upload", "--path", site.path, "--environment", "local:c", "--yes", "--force"], home: home)
        #expect(forced.exitCode == 1, "\(forced.stdout)\n\(forced.stderr)")
        #expect((forced.stdout + forced.stderr).contains("belongs to powerpagesite \(starter.dataverseString)"), "\(forced.stdout)\n\(forced.stderr)")
        let still = try await Self.componentsBySite(env)
        #expect(still[starter]?.contains { $0.id == moved.id } == true)
        #expect(still[Self.websiteID]?.count == expectedCount - 1)
    }
}

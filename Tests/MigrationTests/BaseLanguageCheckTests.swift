import Foundation
import LocalEnvironment
@testable import Migration
import PortalModel
import Testing
import TestSupport

/// The base-language check for sources without an organization (a pac folder, a CMT package): the
/// source's language is the LCID of its website's default language (research/platform-behaviours.md
/// §7.1: Microsoft requires the same default language), checked before any write by `upload`,
/// `data import` and `migrate` alike, overridable only with `--force`.
@Suite(.serialized) struct BaseLanguageCheckTests {
    /// A website whose default language chain leads to `lcid`.
    static func snapshot(lcid: Int, legacy: Int? = nil, chain: Bool = true) -> (PortalSnapshot, UUID) {
        let site = UUID(), websiteLanguage = UUID(), portalLanguage = UUID()
        var s = PortalSnapshot()
        var columns: [String: FieldValue] = ["adx_name": .string("Contoso")]
        if chain { columns["adx_defaultlanguage"] = .lookup(EntityReference("adx_websitelanguage", websiteLanguage)) }
        if let legacy { columns["adx_website_language"] = .integer(Int32(legacy)) }
        s.add(EntityRecord("adx_website", id: site, columns: columns))
        s.add(
            EntityRecord(
                "adx_websitelanguage", id: websiteLanguage,
                columns: [
                    "adx_websiteid": .lookup(EntityReference("adx_website", site)),
                    "adx_portallanguageid": .lookup(EntityReference("adx_portallanguage", portalLanguage)),
                ]))
        s.add(EntityRecord("adx_portallanguage", id: portalLanguage, columns: ["adx_lcid": .integer(Int32(lcid))]))
        return (s, site)
    }

    @Test func derivedFromTheDefaultWebsiteLanguage() {
        let (s, site) = Self.snapshot(lcid: 1036)
        #expect(SourceBaseLanguage.derive(from: s, websiteID: site) == .init(lcid: 1036, websiteID: site, websiteName: "Contoso"))
        #expect(SourceBaseLanguage.derive(from: s, websiteID: UUID())?.lcid == 1036, "the only website is used")
        let (legacy, _) = Self.snapshot(lcid: 1036, legacy: 1031, chain: false)
        #expect(SourceBaseLanguage.derive(from: legacy, websiteID: nil)?.lcid == 1031)
        let (none, _) = Self.snapshot(lcid: 1036, chain: false)
        #expect(SourceBaseLanguage.derive(from: none, websiteID: nil) == nil)
        #expect(SourceBaseLanguage.derive(from: PortalSnapshot(), websiteID: nil) == nil)
    }

    static func ok(_ args: [String], home: URL) async throws -> ChildProcessResult {
        let r = try await CLI.run(args, home: home)
        #expect(r.status == 0, "\(args.joined(separator: " ")): \(r.stderr)")
        return r
    }

    static func websites(_ home: URL, _ name: String) async throws -> Int {
        let env = try LocalEnvironment(opening: home.appendingPathComponent("environments/\(name).sqlite"))
        defer { try? env.close() }
        return try await env.retrieveAll(RecordQuery("adx_website")).count
    }

    /// `upload` of a 1033 pac folder into a 1036 environment stops with exit 2 naming both languages and
    /// writes nothing; `--force` writes; a 1033 target is not stopped.
    @Test func uploadChecksTheBaseLanguage() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.portalMigrateBinary.path), "build portal-migrate first")
        let home = try TestPaths.temporaryDirectory("pm-lang-upload")
        defer { try? FileManager.default.removeItem(at: home) }
        let folder = home.appendingPathComponent("ejada")
        try FileManager.default.copyItem(at: TestPaths.pacFolder("ejada-starter-2022"), to: folder)
        _ = try await Self.ok(["env", "create", "fr", "--language", "1036"], home: home)
        let refused = try await CLI.run(["upload", "--path", folder.path, "--environment", "local:fr", "--yes"], home: home)
        #expect(refused.status == 2, "\(refused.stdout) \(refused.stderr)")
        let said = refused.stdout + refused.stderr
        #expect(said.contains("language-mismatch") && said.contains("1033") && said.contains("1036"), "\(said.suffix(800))")
        #expect(try await Self.websites(home, "fr") == 0, "nothing written")

        let forced = try await CLI.run(["upload", "--path", folder.path, "--environment", "local:fr", "--yes", "--force"], home: home)
        #expect(forced.status != 2, "\(forced.stderr.suffix(800))")
        #expect(try await Self.websites(home, "fr") == 1)
    }

    /// `data import` of a package holding a 1033 website (exported from a provisioned environment) into
    /// a 1036 environment stops with exit 2 before writing; into a 1033 one it imports.
    @Test func dataImportChecksTheBaseLanguage() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.portalMigrateBinary.path), "build portal-migrate first")
        let home = try TestPaths.temporaryDirectory("pm-lang-import")
        defer { try? FileManager.default.removeItem(at: home) }
        _ = try await Self.ok(["env", "create", "src"], home: home)
        _ = try await Self.ok(["env", "provision", "src", "--template", "starter"], home: home)
        let schema = home.appendingPathComponent("starter.xml").path
        _ = try await Self.ok(["data", "schema", "--portalType", "starter", "--output", schema], home: home)
        let zip = home.appendingPathComponent("data.zip").path
        _ = try await Self.ok(["data", "export", "--schemaFile", schema, "--dataFile", zip, "--environment", "local:src"], home: home)

        _ = try await Self.ok(["env", "create", "fr", "--language", "1036"], home: home)
        let refused = try await CLI.run(["data", "import", "--data", zip, "--environment", "local:fr"], home: home)
        #expect(refused.status == 2, "\(refused.stdout) \(refused.stderr)")
        let said = refused.stdout + refused.stderr
        #expect(said.contains("language-mismatch") && said.contains("1033") && said.contains("1036"), "\(said.suffix(800))")
        #expect(try await Self.websites(home, "fr") == 0, "nothing written")

        _ = try await Self.ok(["env", "create", "en"], home: home)
        _ = try await Self.ok(["data", "import", "--data", zip, "--environment", "local:en"], home: home)
        #expect(try await Self.websites(home, "en") == 1)
    }
}

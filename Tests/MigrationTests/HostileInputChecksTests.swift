import Foundation
import Testing
import LocalEnvironment
import PortalModel
import TestSupport
@testable import Migration

/// Issue 17 "Checks before any write": N:N links and lookups to records nobody has (or named as the
/// wrong table) stop `upload` and `data import` with exit 2 before the first write, naming the record.
@Suite(.serialized) struct HostileInputChecksTests {
    /// A home with an empty target environment `t`; returns the home and the target's record counts.
    static func emptyTarget(_ label: String) async throws -> (URL, [String: Int]) {
        let home = try TestPaths.temporaryDirectory(label)
        let r = try await CLI.run(["env", "create", "t"], home: home)
        #expect(r.status == 0, "\(r.stderr)")
        return (home, try await counts(home, "t"))
    }

    static func counts(_ home: URL, _ name: String) async throws -> [String: Int] {
        let env = try LocalEnvironment(opening: home.appendingPathComponent("environments/\(name).sqlite"))
        return try await MigrationFixtures.counts(env)
    }

    /// A copy of a corpus folder with `edit` applied to one file's text.
    static func folder(_ name: String, _ file: String, _ edit: (String) -> String) throws -> URL {
        let dir = try TestPaths.temporaryDirectory("pm-hostile-src").appendingPathComponent(name)
        try FileManager.default.copyItem(at: TestPaths.pacFolder(name), to: dir)
        let url = dir.appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        let edited = edit(text)
        #expect(edited != text, "the edit changed nothing in \(file)")
        try Data(edited.utf8).write(to: url)
        return dir
    }

    /// Uploads `site` into the empty target `t`: exit 2, the expected check named, nothing written.
    static func expectRefusedUpload(_ site: URL, extra: [String] = [], allowScripts: Bool = false, check: String, naming: String) async throws {
        let (home, before) = try await emptyTarget("pm-hostile-checks")
        if allowScripts {
            _ = try await CLI.run(["env", "settings", "t", "--blockedattachments", "exe;bat"], home: home)
        }
        let r = try await CLI.run(["upload", "--path", site.path, "--environment", "local:t", "--yes"] + extra, home: home)
        #expect(r.status == 2, "\(r.stderr.suffix(1500))")
        #expect(r.stderr.contains(check) && r.stderr.contains(naming), "\(r.stderr.suffix(1500))")
        #expect(try await counts(home, "t") == before, "records were written although a check failed")
    }

    static let unknownRole = "11111111-2222-3333-4444-555555555555"

    /// The input: a web role id in `webpagerule.yml` that neither side has. Made-up members: a
    /// table permission's web role list, a website access's web role list.
    @Test(arguments: [
        ("webpagerule.yml", "9933ac01-11e0-ec11-bb3c-000d3ab4fb7f"),
        ("table-permissions/ViewUsers.tablepermission.yml", "9933ac01-11e0-ec11-bb3c-000d3ab4fb7f"),
        ("websiteaccess.yml", "9a33ac01-11e0-ec11-bb3c-000d3ab4fb7f"),
    ])
    func linkToARecordNobodyHasStopsTheUpload(_ file: String, _ role: String) async throws {
        let site = try Self.folder("ejada-starter-2022", file) { text in
            guard let r = text.range(of: "- \(role)") else { return text }
            return text.replacingCharacters(in: r, with: "- \(Self.unknownRole)")
        }
        try await Self.expectRefusedUpload(site, check: "missing-link-record", naming: Self.unknownRole)
    }

    /// The input in an enhanced folder: a table permission's web role id that neither side has.
    @Test func enhancedFolderLinkToARecordNobodyHasStopsTheUpload() async throws {
        let site = try Self.folder("rcsa-enhanced-2025", "table-permissions/Feedback.tablepermission.yml") {
            $0.replacingOccurrences(of: "- 27b95ddd-4d8e-409b-acb1-5b679dd2282c", with: "- \(Self.unknownRole)")
        }
        try await Self.expectRefusedUpload(
            site, extra: ["--modelVersion", "2"], allowScripts: true,
            check: "missing-link-record", naming: Self.unknownRole)
    }

    /// The input: an enhanced folder without `websitelanguage.yml`.
    @Test func enhancedFolderWithoutSiteLanguageStopsTheUpload() async throws {
        let dir = try TestPaths.temporaryDirectory("pm-hostile-v2").appendingPathComponent("rcsa")
        try FileManager.default.copyItem(at: TestPaths.pacFolder("rcsa-enhanced-2025"), to: dir)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("websitelanguage.yml"))
        try await Self.expectRefusedUpload(
            dir, extra: ["--modelVersion", "2"], allowScripts: true, check: "missing-lookup", naming: "websitelanguage.yml")
    }

    /// A CMT package exported from the ejada site (`data schema --portalType starter`, `data export`),
    /// unpacked into `home/pkg` (`data.xml`, `data_schema.xml`) for the test to edit: a copy of the one
    /// the test process makes once (`SharedFixtures.exportedPackage`).
    static func package(home: URL) async throws -> URL {
        let shared = try await SharedFixtures.exportedPackage(of: "ejada-starter-2022", portalType: "starter")
        return try SharedFixtures.copy(shared.unzipped, to: home.appendingPathComponent("pkg"))
    }

    /// Imports the package with `data.xml` edited into `t`: exit 2, the check named, nothing written.
    static func expectRefusedImport(_ edit: (String) -> String, check: String, naming: String) async throws {
        let (home, before) = try await emptyTarget("pm-hostile-cmt")
        let dir = try await package(home: home)
        let data = dir.appendingPathComponent("data.xml")
        let text = try String(contentsOf: data, encoding: .utf8)
        let edited = edit(text)
        #expect(edited != text)
        try Data(edited.utf8).write(to: data)
        let r = try await CLI.run(["data", "import", "--data", dir.path, "--environment", "local:t"], home: home)
        #expect(r.status == 2, "\(r.stderr.suffix(1500))")
        #expect(r.stderr.contains(check) && r.stderr.contains(naming), "\(r.stderr.suffix(1500))")
        #expect(try await counts(home, "t") == before, "records were written although a check failed")
    }

    /// The inputs through a CMT package: a `<targetid>` nobody has; a lookup whose
    /// `lookupentity` names a table the column may point to, for an id that is a record of another
    /// table (a note's `objectid` naming adx_webpage for a web file's id). Made-up: the same for a
    /// second note.
    @Test func packageLinkAndLookupToTheWrongRecordStopTheImport() async throws {
        try await Self.expectRefusedImport(
            { text in
                text.replacingOccurrences(
                    of: "<targetid>9933ac01-11e0-ec11-bb3c-000d3ab4fb7f</targetid>",
                    with: "<targetid>\(Self.unknownRole)</targetid>")
            }, check: "missing-link-record", naming: Self.unknownRole)
        try await Self.expectRefusedImport(
            { text in
                text.replacingOccurrences(of: "lookupentity=\"adx_webfile\"", with: "lookupentity=\"adx_webpage\"")
            }, check: "lookup-wrong-table", naming: "is an adx_webfile record")
    }
}

/// Issue 17 "Runs and names": a target that does not answer is not bad input. Planning against it ends
/// with exit 1 and "the environment did not answer; nothing was written" (the input: `upload`);
/// made-up members: `plan --to`, `download` and `data export` from an environment that does not answer.
@Suite struct SilentEnvironmentTests {
    /// A loopback URL where nothing listens (the discard port; connections are refused).
    static let silent = "http://127.0.0.1:9"

    @Test func commandsAgainstAnEnvironmentThatDoesNotAnswerExitOne() async throws {
        let home = try TestPaths.temporaryDirectory("pm-silent")
        let site = TestPaths.pacFolder("ejada-starter-2022").path
        let schema = home.appendingPathComponent("schema.xml")
        try Data("<entities />".utf8).write(to: schema)
        let runs: [[String]] = [
            ["upload", "--path", site, "--environment", Self.silent, "--yes"],
            ["plan", "--path", site, "--to", Self.silent],
            [
                "download", "--path", home.appendingPathComponent("dl").path, "--webSiteId", "9b33ac01-11e0-ec11-bb3c-000d3ab4fb7f",
                "--environment", Self.silent,
            ],
        ]
        for args in runs {
            let r = try await CLI.run(args, home: home)
            #expect(r.status == 1, "\(args[0]): \(r.stderr.suffix(600))")
            #expect(
                r.stderr.contains("the environment did not answer") && r.stderr.contains("nothing was written"), "\(args[0]): \(r.stderr.suffix(600))"
            )
        }
        #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent("dl").path))
    }
}

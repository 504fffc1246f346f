import Foundation
import Testing
import PortalModel
import TestSupport
@testable import PortalFolder

/// Findings of the new-user/attacker trial in the folder code: folders that would lose or merge data
/// stop at read with exit code 2, naming the files (trial findings 2, 7 and 9).
@Suite(.serialized) struct FolderTrialFindingsTests {
    /// A temporary home with an empty embedded environment `t`, and a copy of ejada-starter-2022.
    static func setUp(_ label: String) async throws -> (work: URL, home: URL, site: URL) {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.portalMigrateBinary.path), "build portal-migrate first")
        let work = try TestPaths.temporaryDirectory(label)
        let home = work.appendingPathComponent("home")
        let site = work.appendingPathComponent("ejada")
        try FileManager.default.copyItem(at: TestPaths.pacFolder("ejada-starter-2022"), to: site)
        let created = try await CLI.run(["env", "create", "t"], home: home)
        #expect(created.status == 0, "\(created.err)")
        return (work, home, site)
    }

    /// Replaces the first occurrence of `old` in the file at `url`.
    static func edit(_ url: URL, _ old: String, _ new: String) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        let range = try #require(text.range(of: old), "\(old) not in \(url.lastPathComponent)")
        try text.replacingCharacters(in: range, with: new).write(to: url, atomically: true, encoding: .utf8)
    }

    /// Finding 2: a site marker given a content snippet's id would merge the two records into one;
    /// reading names both files and both tables, and `upload` stops with exit 2 before writing.
    @Test func duplicateIDAcrossTwoTablesStopsTheUpload() async throws {
        let (work, home, site) = try await Self.setUp("pm-trial-dup")
        defer { try? FileManager.default.removeItem(at: work) }
        let snippetID = "8ed4aaf5-10e0-ec11-bb3c-000d3ab4fb7f" // About Footer
        try Self.edit(site.appendingPathComponent("sitemarker.yml"), "6815affb-10e0-ec11-bb3c-000d3ab4fb7f", snippetID)

        #expect {
            _ = try PortalFolder().read(site)
        } throws: { error in
            guard case PortalFolderError.duplicateRecordIDs(let dups) = error, dups.count == 1 else { return false }
            let d = dups[0]
            return d.id.dataverseString == snippetID && d.table == "adx_sitemarker" && d.secondTable == "adx_contentsnippet"
                && d.firstFile == "sitemarker.yml" && d.secondFile == "content-snippets/about-footer/About-Footer.en-US.contentsnippet.yml"
        }

        let upload = try await CLI.run(["upload", "--path", site.path, "--environment", "local:t", "--yes"], home: home)
        #expect(upload.status == 2, "\(upload.err)")
        #expect(
            upload.err.contains("About-Footer.en-US.contentsnippet.yml") && upload.err.contains("sitemarker.yml")
                && upload.err.contains(snippetID), "\(upload.err)")
        let list = try await CLI.run(["list", "--environment", "local:t"], home: home)
        #expect(!list.out.contains("9b33ac01"), "nothing written: \(list.out)")

        // Within one table (the existing path) is still named by file and line.
        try Self.edit(site.appendingPathComponent("sitemarker.yml"), snippetID, "6915affb-10e0-ec11-bb3c-000d3ab4fb7f")
        #expect {
            _ = try PortalFolder().read(site)
        } throws: { error in
            guard case PortalFolderError.duplicateRecordIDs(let dups) = error, dups.count == 1 else { return false }
            return dups[0].table == "adx_sitemarker" && dups[0].secondTable == nil
                && dups[0].firstFile == "sitemarker.yml:1" && dups[0].secondFile == "sitemarker.yml:3"
        }
    }

    /// Finding 7: a YAML file that is not UTF-8 (Latin-1 bytes) is refused naming the file, line and
    /// byte offset, as a non-UTF-8 content file is; nothing is written.
    @Test func nonUTF8YAMLStopsTheUpload() async throws {
        let (work, home, site) = try await Self.setUp("pm-trial-utf8")
        defer { try? FileManager.default.removeItem(at: work) }
        let file = site.appendingPathComponent("content-snippets/about-footer/About-Footer.en-US.contentsnippet.yml")
        var bytes = try Data(contentsOf: file)
        let original = bytes.count
        bytes.append(contentsOf: Array("adx_description: Caf".utf8) + [0xE9, 0x0A]) // "Café" in Latin-1
        try bytes.write(to: file)

        #expect(
            throws: PortalFolderError.yamlNotUTF8(
                file: "content-snippets/about-footer/About-Footer.en-US.contentsnippet.yml",
                line: 6, offset: original + 20)
        ) {
            _ = try PortalFolder().read(site)
        }
        let upload = try await CLI.run(["upload", "--path", site.path, "--environment", "local:t", "--yes", "--json"], home: home)
        #expect(upload.status == 2, "\(upload.err)")
        #expect(upload.err.contains("About-Footer.en-US.contentsnippet.yml:6") && upload.err.contains("not valid UTF-8"), "\(upload.err)")
        let list = try await CLI.run(["list", "--environment", "local:t"], home: home)
        #expect(!list.out.contains("9b33ac01"), "nothing written: \(list.out)")
    }

    /// Finding 9: an error about one key names the key's own line (Home.webpage.yml:11, not :1);
    /// a wrong shape uses the right article; libyaml's API names do not leak into messages.
    @Test func messagesNameTheKeyLineAndReadWell() throws {
        let site = try FolderRoundTripTests.copyOfCorpus("ejada-starter-2022")
        defer { try? FileManager.default.removeItem(at: site.deletingLastPathComponent()) }
        let home = site.appendingPathComponent("web-pages/home/Home.webpage.yml")
        try Self.edit(home, "adx_publishingstateid: 6415affb-10e0-ec11-bb3c-000d3ab4fb7f", "adx_publishingstateid: not-a-guid")
        #expect {
            _ = try PortalFolder().read(site)
        } throws: { error in
            guard case PortalFolderError.valueDoesNotFitColumn(let file, let line, let key, _, _) = error else { return false }
            return file == "web-pages/home/Home.webpage.yml" && line == 11 && key == "adx_publishingstateid"
        }
        // A record id that is not a GUID: the id key's line (14).
        try Self.edit(home, "adx_publishingstateid: not-a-guid", "adx_publishingstateid: 6415affb-10e0-ec11-bb3c-000d3ab4fb7f")
        try Self.edit(home, "adx_webpageid: c515affb", "adx_webpageid: x515affb")
        #expect(
            throws: PortalFolderError.missingRecordID(
                file: "web-pages/home/Home.webpage.yml", line: 14, key: "adx_webpageid",
                value: "x515affb-10e0-ec11-bb3c-000d3ab4fb7f")
        ) {
            _ = try PortalFolder().read(site)
        }
        // A list where a record (mapping) belongs: "an adx_webpage record".
        try Data("- a\n- b\n".utf8).write(to: home)
        #expect {
            _ = try PortalFolder().read(site)
        } throws: { error in
            "\(error)".hasSuffix("expected an adx_webpage record (a mapping)")
        }
        // Nesting deeper than libyaml allows: our words, with the file and line.
        let deep = String(repeating: "[", count: 2_000) + String(repeating: "]", count: 2_000) + "\n"
        #expect {
            _ = try PacYAMLReader.parse(deep, file: "sitemarker.yml")
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("sitemarker.yml:1:") && !text.contains("yaml_") && text.contains("nests deeper")
        }
    }

    /// Finding 9: the --json error object of a folder error names the file even without a line (a web
    /// file whose bytes are missing), and the line when there is one.
    @Test func jsonErrorNamesTheFile() async throws {
        let (work, home, site) = try await Self.setUp("pm-trial-json")
        defer { try? FileManager.default.removeItem(at: work) }
        try FileManager.default.removeItem(at: site.appendingPathComponent("web-files/Circle-1.png"))
        let r = try await CLI.run(["upload", "--path", site.path, "--environment", "local:t", "--yes", "--json"], home: home)
        #expect(r.status == 2, "\(r.err)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let error = try #require(object["error"] as? [String: Any], "\(r.out)")
        #expect(error["file"] as? String == "web-files/Circle-1.png.webfile.yml", "\(error)")
        #expect(error["line"] == nil)
    }

    /// Finding 9: files no record reads, unknown folders and a directory named like a YAML file are
    /// named in warnings on upload and plan (still ignored); deployment profiles and .portalconfig are not.
    @Test func ignoredFilesAreNamed() async throws {
        let (work, home, site) = try await Self.setUp("pm-trial-ignored")
        defer { try? FileManager.default.removeItem(at: work) }
        try Data("notes".utf8).write(to: site.appendingPathComponent("notes.txt"))
        try FileManager.default.createDirectory(at: site.appendingPathComponent("misc"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: site.appendingPathComponent("misc/readme.md"))
        try FileManager.default.createDirectory(at: site.appendingPathComponent("web-pages/Stray.webpage.yml"), withIntermediateDirectories: true)

        let content = try PortalFolder().read(site)
        let expected = ["azure-pipelines.yml", "misc/readme.md", "notes.txt", "web-pages/Stray.webpage.yml"]
        #expect(content.ignored.map { String($0.prefix { $0 != ":" }) }.sorted() == expected, "\(content.ignored)")

        for command in [["upload", "--environment", "local:t", "--dry-run"], ["plan", "--to", "local:t"]] {
            let r = try await CLI.run(command + ["--path", site.path], home: home)
            let warnings = r.err.split(separator: "\n").filter { $0.hasPrefix("warning: ") }
            for name in expected {
                #expect(warnings.contains { $0.contains(name) }, "\(command[0]): \(name) not named: \(r.err.suffix(1500))")
            }
            #expect(!warnings.contains { $0.contains(".portalconfig/") }, "\(warnings)")
        }
    }

    /// Finding 9: `env settings --help` cites nothing a user does not have.
    @Test func envSettingsHelpCitesNoResearchNotes() async throws {
        let home = try TestPaths.temporaryDirectory("pm-trial-help")
        defer { try? FileManager.default.removeItem(at: home) }
        let r = try await CLI.run(["env", "settings", "--help"], home: home)
        #expect(r.status == 0)
        #expect(!(r.out + r.err).contains("research/") && (r.out + r.err).contains("--blockedattachments"), "\(r.out)")
    }

    /// Finding 9: `env provision` and `upload` word a bad --modelVersion alike (usage exit code 64).
    @Test func badModelVersionIsWordedOnce() async throws {
        let (work, home, site) = try await Self.setUp("pm-trial-mv")
        defer { try? FileManager.default.removeItem(at: work) }
        let provision = try await CLI.run(["env", "provision", "t", "--template", "starter", "--modelVersion", "3"], home: home)
        let upload = try await CLI.run(["upload", "--path", site.path, "--environment", "local:t", "--modelVersion", "3"], home: home)
        #expect(provision.status == 64 && upload.status == 64, "\(provision.err) \(upload.err)")
        let expected = "--modelVersion 3: expected 1, 2, Standard or Enhanced"
        #expect(provision.err.contains(expected) && upload.err.contains(expected), "\(provision.err) | \(upload.err)")
    }
}

import Foundation
import Testing
import PortalModel
import TestSupport
@testable import PortalFolder

/// Findings of the new-user/attacker trial in the folder code: folders that would lose or merge data
/// stop at read with exit code 2, naming the files (trial findings 2, 7 and 9).
@Suite(.serialized) struct FolderTrialFindingsTests {
    struct Run { var status: Int32; var out: String; var err: String }

    static func run(_ args: [String], home: URL) async throws -> Run {
        let r = try await ChildProcess.run(args, home: home)
        return Run(status: r.exitCode, out: r.stdout, err: r.stderr)
    }

    /// A temporary home with an empty embedded environment `t`, and a copy of ejada-starter-2022.
    static func setUp(_ label: String) async throws -> (work: URL, home: URL, site: URL) {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.portalMigrateBinary.path), "build portal-migrate first")
        let work = try TestPaths.temporaryDirectory(label)
        let home = work.appendingPathComponent("home")
        let site = work.appendingPathComponent("ejada")
        try FileManager.default.copyItem(at: TestPaths.pacFolder("ejada-starter-2022"), to: site)
        let created = try await run(["env", "create", "t"], home: home)
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

        let upload = try await Self.run(["upload", "--path", site.path, "--environment", "local:t", "--yes"], home: home)
        #expect(upload.status == 2, "\(upload.err)")
        #expect(upload.err.contains("About-Footer.en-US.contentsnippet.yml") && upload.err.contains("sitemarker.yml")
                && upload.err.contains(snippetID), "\(upload.err)")
        let list = try await Self.run(["list", "--environment", "local:t"], home: home)
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

        #expect(throws: PortalFolderError.yamlNotUTF8(file: "content-snippets/about-footer/About-Footer.en-US.contentsnippet.yml",
                                                      line: 6, offset: original + 20)) {
            _ = try PortalFolder().read(site)
        }
        let upload = try await Self.run(["upload", "--path", site.path, "--environment", "local:t", "--yes", "--json"], home: home)
        #expect(upload.status == 2, "\(upload.err)")
        #expect(upload.err.contains("About-Footer.en-US.contentsnippet.yml:6") && upload.err.contains("not valid UTF-8"), "\(upload.err)")
        let list = try await Self.run(["list", "--environment", "local:t"], home: home)
        #expect(!list.out.contains("9b33ac01"), "nothing written: \(list.out)")
    }
}

import Foundation
import Testing
import PortalModel
import TestSupport
@testable import Migration

/// Issue 17 "accepted silently": inputs that used to upload with exit 0 (losing a value) or stop
/// halfway are exit-2 errors naming the file and line, or the record and column, with nothing written.
@Suite(.serialized) struct HostileValueTests {
    typealias Checks = HostileInputChecksTests

    /// Inserts `line` after the first line of `file` starting with `after`.
    static func insert(_ line: String, after prefix: String) -> (String) -> String {
        { text in
            var lines = text.components(separatedBy: "\n")
            guard let i = lines.firstIndex(where: { $0.hasPrefix(prefix) }) else { return text }
            lines.insert(line, at: i + 1)
            return lines.joined(separator: "\n")
        }
    }

    /// Replaces the first line starting with `prefix` by `line`.
    static func replace(_ prefix: String, with line: String) -> (String) -> String {
        { text in
            var lines = text.components(separatedBy: "\n")
            guard let i = lines.firstIndex(where: { $0.hasPrefix(prefix) }) else { return text }
            lines[i] = line
            return lines.joined(separator: "\n")
        }
    }

    /// The input (`adx_name: {a: b}` in website.yml) and made-up members (a list as a web
    /// role's name, a mapping as a page's partial URL): each names the file and line.
    @Test(arguments: [
        ("website.yml", "adx_name: ", "adx_name: {a: b}", "website.yml:"),
        ("webrole.yml", "  adx_name: Anonymous Users", "  adx_name: [a, b]", "webrole.yml:"),
        ("web-pages/home/Home.webpage.yml", "adx_partialurl: ", "adx_partialurl: {x: y}", "Home.webpage.yml:"),
    ])
    func mappingOrListWhereAValueBelongs(_ file: String, _ prefix: String, _ line: String, _ named: String) async throws {
        let site = try Checks.folder("ejada-starter-2022", file, Self.replace(prefix, with: line))
        try await Checks.expectRefusedUpload(site, check: "not a", naming: named)
    }

    /// A page's copy that is a FIFO (reading it would block), a directory or a dangling link: the
    /// upload stops at once naming the file, nothing written (the page would go without its copy).
    @Test(arguments: ["fifo", "directory", "dangling"])
    func contentFileThatIsNotAFile(_ kind: String) async throws {
        let site = try TestPaths.temporaryDirectory("pm-hostile-content").appendingPathComponent("ejada")
        try FileManager.default.copyItem(at: TestPaths.pacFolder("ejada-starter-2022"), to: site)
        let copy = site.appendingPathComponent("web-pages/home/content-pages/Home.en-US.webpage.copy.html")
        try FileManager.default.removeItem(at: copy)
        switch kind {
        case "fifo": #expect(mkfifo(copy.path, 0o600) == 0)
        case "directory": try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: false)
        default: try FileManager.default.createSymbolicLink(atPath: copy.path, withDestinationPath: "gone.html")
        }
        try await Checks.expectRefusedUpload(site, check: "not a regular file", naming: "Home.en-US.webpage.copy.html")
    }

    /// The input (the all-zero GUID as the website id) and made-up members (a site setting's
    /// and a web role's id).
    @Test(arguments: [("website.yml", "adx_websiteid: "), ("sitesetting.yml", "  adx_sitesettingid: "), ("webrole.yml", "  adx_webroleid: ")])
    func allZeroRecordID(_ file: String, _ prefix: String) async throws {
        let zero = "00000000-0000-0000-0000-000000000000"
        let site = try Checks.folder("ejada-starter-2022", file, Self.replace(prefix, with: prefix + zero))
        try await Checks.expectRefusedUpload(site, check: "all-zero GUID", naming: file)
    }

    /// The input (`IsDeleted: yes-please`) and made-up members (`1`, a list).
    @Test(arguments: ["yes-please", "1", "[]"])
    func isDeletedMustBeTrueOrFalse(_ flag: String) async throws {
        let site = try Checks.folder("ejada-starter-2022", ".portalconfig/manifest.yml") { _ in
            "adx_webpage:\n- RecordId: fba7b2b8-63a3-4c51-ace0-6fbe3b2ac34d\n  IsDeleted: \(flag)\n"
        }
        try await Checks.expectRefusedUpload(site, check: "IsDeleted", naming: ".portalconfig/manifest.yml")
    }

    /// The inputs (a 10 MB `adx_name`, `statecode: 7`) and made-up members (a 4,001-character
    /// site setting name, `statecode: 2` on a page, a 2 MB content snippet value): refused before the
    /// first write, naming record and column.
    @Test func valuesDataverseWouldRefuseStopBeforeWriting() async throws {
        let cases: [(String, (String) -> String, String)] = [
            (
                "sitesetting.yml",
                {
                    $0.replacingOccurrences(
                        of: "- adx_name: ", with: "- adx_name: " + String(repeating: "x", count: 10_000_000), options: [],
                        range: $0.range(of: "- adx_name: "))
                }, "value-too-long"
            ),
            ("webrole.yml", Self.insert("  statecode: 7", after: "- adx_anonymoususersrole"), "option-out-of-range"),
            (
                "sitesetting.yml",
                {
                    $0.replacingOccurrences(
                        of: "- adx_name: ", with: "- adx_name: " + String(repeating: "y", count: 4_001), options: [],
                        range: $0.range(of: "- adx_name: "))
                }, "value-too-long"
            ),
            ("web-pages/home/Home.webpage.yml", Self.insert("statecode: 2", after: "adx_name: "), "option-out-of-range"),
        ]
        for (file, edit, check) in cases {
            let site = try Checks.folder("ejada-starter-2022", file, edit)
            try await Checks.expectRefusedUpload(site, check: check, naming: check == "value-too-long" ? "column adx_name" : "column statecode")
        }
        let snippetDir = try TestPaths.temporaryDirectory("pm-hostile-snippet").appendingPathComponent("ejada")
        try FileManager.default.copyItem(at: TestPaths.pacFolder("ejada-starter-2022"), to: snippetDir)
        let snippet = try #require(
            FileManager.default.enumerator(atPath: snippetDir.appendingPathComponent("content-snippets").path)?
                .compactMap { $0 as? String }.first { $0.hasSuffix(".contentsnippet.value.html") })
        try Data(String(repeating: "z", count: 1_048_577).utf8).write(to: snippetDir.appendingPathComponent("content-snippets/\(snippet)"))
        try await Checks.expectRefusedUpload(snippetDir, check: "value-too-long", naming: "column adx_value")
    }

    /// Unknown tables are errors: `download --excludeEntities` (the input), `--includeEntities`,
    /// `env create --exclude-tables`, and a deployment profile naming a table that does not exist.
    @Test func unknownTablesAreRefused() async throws {
        let home = try TestPaths.temporaryDirectory("pm-hostile-tables")
        var r = try await CLI.run(["env", "create", "src"], home: home)
        for option in ["--excludeEntities", "--includeEntities"] {
            r = try await CLI.run(
                [
                    "download", "--path", home.appendingPathComponent("dl").path, "--webSiteId", "9b33ac01-11e0-ec11-bb3c-000d3ab4fb7f",
                    "--environment", "local:src", option, "adx_webpage,adx_webpag",
                ], home: home)
            #expect(r.status == 2 && r.stderr.contains("adx_webpag (did you mean adx_webpage?)"), "\(r.stderr)")
        }
        r = try await CLI.run(["env", "create", "x", "--exclude-tables", "adx_nosuchtable"], home: home)
        #expect(r.status == 2 && r.stderr.contains("adx_nosuchtable"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent("environments/x.sqlite").path))

        let site = try TestPaths.temporaryDirectory("pm-hostile-profile").appendingPathComponent("ejada")
        try FileManager.default.copyItem(at: TestPaths.pacFolder("ejada-starter-2022"), to: site)
        let profiles = site.appendingPathComponent("deployment-profiles")
        try FileManager.default.createDirectory(at: profiles, withIntermediateDirectories: true)
        try Data("adx_sitesettingz:\n- adx_sitesettingid: 7115affb-10e0-ec11-bb3c-000d3ab4fb7f\n  adx_value: x\n".utf8)
            .write(to: profiles.appendingPathComponent("test.deployment.yml"))
        r = try await CLI.run(["upload", "--path", site.path, "--environment", "local:src", "--deploymentProfile", "test", "--yes"], home: home)
        #expect(r.status == 2 && r.stderr.contains("adx_sitesettingz (did you mean adx_sitesetting?)"), "\(r.stderr.suffix(800))")
    }
}

import Foundation
import Testing
import PortalModel
import TestSupport
@testable import Migration

/// Red-team run on 79b0490 (F1, F3, F4, F6, F8): a password leaking past the first `@`, temporary
/// names and write errors, a duplicate id inside one file, a leading U+FEFF lost in the embedded
/// environment, and invalid choices, lengths, state/status pairs and NULs written with exit 0.
/// Inputs are made here from corpus copies; every run is the real binary.
@Suite(.serialized) struct RedTeamValueTests {
    typealias Checks = HostileInputChecksTests

    // MARK: F4 — credentials in URLs

    /// The mask runs to the last `@` before the host, whatever the shape.
    @Test(arguments: [
        ("http://u:SEC@RETPW@127.0.0.1:1", "http://***@127.0.0.1:1"),
        ("https://us@er:p@ss@host.example/a@b", "https://***@host.example/a@b"),
        ("http://u%40x:S%40C%3AR@[::1]:8080/x", "http://***@[::1]:8080/x"),
        ("https://user@host", "https://***@host"),
        ("http://u:p@[fe80::1]/", "http://***@[fe80::1]/"),
        ("no auth profile 'u:SEC@RET@127.0.0.1:1'", "no auth profile '***@127.0.0.1:1'"),
        ("see //u:SEC@host/x", "see //***@host/x"),
        ("http://host/?q=a@b and mail a@b.c", "http://host/?q=a@b and mail a@b.c"),
    ])
    func passwordMaskedToTheLastAt(_ text: String, _ expected: String) {
        #expect(CredentialRedaction.redact(text) == expected)
    }

    /// The finding's command: nothing of the password reaches stdout or stderr.
    @Test(arguments: ["http://u:SEC@RETPW@127.0.0.1:1", "u:SEC@RETPW@127.0.0.1:1", "http://u%40x:SEC%40RETPW@[::1]:1"])
    func passwordNeverPrinted(_ url: String) async throws {
        let home = try TestPaths.temporaryDirectory("pm-redteam-f4")
        let r = try await CLI.run(["org", "--environment", url], home: home)
        #expect(r.status != 0)
        #expect(!(r.stdout + r.stderr).contains("RETPW") && !(r.stdout + r.stderr).contains("SEC"), "\(r.stderr)")
    }

    // MARK: F6 — long names and write errors

    /// A valid 224-byte file name is written (the temporary name is short); write errors are plain words.
    @Test func longValidNameIsWrittenAndErrorsArePlain() async throws {
        let home = try TestPaths.temporaryDirectory("pm-redteam-f6")
        let name = String(repeating: "n", count: 220) + ".xml"
        let r = try await CLI.run(["data", "schema", "--portalType", "starter", "--output", home.appendingPathComponent(name).path], home: home)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: home.appendingPathComponent(name).path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: home.path).filter { $0.hasPrefix(".pm-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
        try SafeFileWriter.write(Data("x".utf8), to: String(repeating: "m", count: 255), under: home)
        #expect(SafeFileWriter.plain(ENAMETOOLONG).hasPrefix("file name too long"))
        #expect(SafeFileWriter.plain(EACCES).hasPrefix("permission denied"))
        #expect(SafeFileWriter.plain(ENOSPC).hasPrefix("no space left"))
        #expect(SafeFileWriter.plain(EROFS).hasPrefix("read-only file system"))
        let wrapped = NSError(
            domain: NSCocoaErrorDomain, code: 514,
            userInfo: [NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(ENAMETOOLONG))])
        #expect(SafeFileWriter.plain(wrapped).hasPrefix("file name too long"))
    }

    // MARK: F8 — one id twice in one file

    /// The finding's input: sitesetting.yml holding one adx_sitesettingid at its first entry and again
    /// at its end. The message names both lines and never advises deleting the file.
    @Test func duplicateIDInOneFileNamesBothLines() async throws {
        let site = try Checks.folder("ejada-starter-2022", "sitesetting.yml") { text in
            let id = text.components(separatedBy: "\n").first { $0.hasPrefix("  adx_sitesettingid: ") }!
            return text + (text.hasSuffix("\n") ? "" : "\n") + "- adx_name: Dup\n\(id)\n  adx_value: EVIL\n"
        }
        let (home, before) = try await Checks.emptyTarget("pm-redteam-f8")
        let r = try await CLI.run(["upload", "--path", site.path, "--environment", "local:t", "--yes"], home: home)
        #expect(r.status == 2, "\(r.stderr.suffix(1500))")
        #expect(r.stderr.contains("twice in sitesetting.yml (lines ") && r.stderr.contains("remove one of the two entries"), "\(r.stderr)")
        #expect(!r.stderr.contains("delete sitesetting.yml"), "\(r.stderr)")
        #expect(try await Checks.counts(home, "t") == before)
    }

    // MARK: F1 — a leading U+FEFF in a value

    /// A site setting value "\u{FEFF}value": uploaded, read back (verified), downloaded and verified
    /// against the download.
    @Test func leadingBOMSurvivesUploadDownloadAndVerify() async throws {
        let site = try Checks.folder("ejada-starter-2022", "sitesetting.yml") { text in
            text + (text.hasSuffix("\n") ? "" : "\n")
                + "- adx_name: Bom/Lead\n  adx_sitesettingid: 79000000-0000-0000-0000-000000000001\n  adx_value: \"\\ufeffvalue\"\n"
        }
        let (home, _) = try await Checks.emptyTarget("pm-redteam-f1")
        var r = try await CLI.run(["upload", "--path", site.path, "--environment", "local:t", "--yes"], home: home)
        #expect(r.status == 0, "\(r.stderr.suffix(1500))")
        let down = home.appendingPathComponent("down")
        r = try await CLI.run(
            [
                "download", "--path", down.path, "--webSiteId", "9b33ac01-11e0-ec11-bb3c-000d3ab4fb7f",
                "--environment", "local:t",
            ], home: home)
        #expect(r.status == 0, "\(r.stderr.suffix(1500))")
        let folder = try FileManager.default.contentsOfDirectory(at: down, includingPropertiesForKeys: nil).first!
        let yaml = try String(contentsOf: folder.appendingPathComponent("sitesetting.yml"), encoding: .utf8)
        let reread = try YAMLish.value(of: "79000000-0000-0000-0000-000000000001", in: yaml)
        #expect(reread.map { ["\"\\ufeffvalue\"", "\"\\uFEFFvalue\"", "\"\u{FEFF}value\""].contains($0) } == true, "\(reread ?? "nil")")
        r = try await CLI.run(["verify", "--path", folder.path, "--environment", "local:t"], home: home)
        #expect(r.status == 0, "\(r.stderr.suffix(1500))")
    }

    /// The same through a CMT package: `&#xFEFF;` at the start of a field value imports and verifies.
    @Test func leadingBOMSurvivesDataImport() async throws {
        let (home, _) = try await Checks.emptyTarget("pm-redteam-f1-cmt")
        let dir = try await Checks.package(home: home)
        let data = dir.appendingPathComponent("data.xml")
        let text = try String(contentsOf: data, encoding: .utf8)
        let edited = text.replacingOccurrences(
            of: "<field name=\"adx_value\" value=\"Username\" />",
            with: "<field name=\"adx_value\" value=\"&#xFEFF;Username\" />")
        #expect(edited != text)
        try Data(edited.utf8).write(to: data)
        let r = try await CLI.run(["data", "import", "--data", dir.path, "--environment", "local:t"], home: home)
        #expect(r.status == 0, "\(r.stderr.suffix(1500))")
        #expect(r.stdout.contains("Verified"), "\(r.stdout.suffix(800))")
    }

    // MARK: F3 — values Dataverse would refuse

    /// The findings' inputs in a folder: each stops the upload (exit 2) naming the check and what is
    /// allowed, nothing written.
    @Test(arguments: [
        ("webpagerule.yml", "  adx_right: ", "  adx_right: 99", "option-out-of-range", "allowed: 1 Grant Change, 2 Restrict Read"),
        ("table-permissions/ViewUsers.tablepermission.yml", "adx_scope: ", "adx_scope: 12345", "option-out-of-range", "756150004 Self"),
        (
            "web-pages/home/Home.webpage.yml", "adx_partialurl: ", "adx_partialurl: " + String(repeating: "p", count: 20_000),
            "value-too-long", "at most 100 in adx_webpage.adx_partialurl"
        ),
        (
            "web-pages/pages-deleted/Pages-deleted.webpage.yml", "statuscode: ", "statuscode: 1", "state-status-mismatch",
            "statecode 1 with statuscode 1 is not a valid pair; allowed: statecode 0 with statuscode 1, statecode 1 with statuscode 2"
        ),
        ("web-pages/home/Home.webpage.yml", "adx_title: ", "adx_title: \"a\\0b\"", "nul-in-text", "adx_title"),
    ])
    func invalidValueStopsUpload(_ file: String, _ prefix: String, _ line: String, _ check: String, _ allowed: String) async throws {
        let site = try Checks.folder("ejada-starter-2022", file, HostileValueTests.replace(prefix, with: line))
        try await Checks.expectRefusedUpload(site, check: check, naming: allowed)
    }

    /// The same through a CMT package (data import): a right of 99, a bad scope, a long partial URL,
    /// statecode 1 with statuscode 1, a NUL.
    @Test func invalidValuesStopDataImport() async throws {
        try await Checks.expectRefusedImport(
            { text in
                Self.replaceFirst(#"<field name="adx_right" value="1" />"#, with: #"<field name="adx_right" value="99" />"#, in: text)
            }, check: "option-out-of-range", naming: "adx_webpageaccesscontrolrule.adx_right")
        try await Checks.expectRefusedImport(
            { text in
                Self.replaceFirst(#"<field name="adx_scope" value="756150000" />"#, with: #"<field name="adx_scope" value="12345" />"#, in: text)
            }, check: "option-out-of-range", naming: "adx_entitypermission.adx_scope")
        try await Checks.expectRefusedImport(
            { text in
                Self.replaceFirst(
                    #"<field name="adx_partialurl" value=""#,
                    with: "<field name=\"adx_partialurl\" value=\"\(String(repeating: "p", count: 20_000))", in: text)
            }, check: "value-too-long", naming: "adx_partialurl")
        try await Checks.expectRefusedImport(
            { text in
                Self.replaceFirst(#"<field name="statecode" value="0" />"#, with: #"<field name="statecode" value="1" />"#, in: text)
            }, check: "state-status-mismatch", naming: "statecode 1 with statuscode 1")
        try await Checks.expectRefusedImport(
            { text in
                Self.replaceFirst(
                    #"<field name="adx_value" value="Username" />"#, with: #"<field name="adx_value" value="User&#x0;name" />"#, in: text)
            }, check: "not well-formed XML", naming: "data.xml:") // refused by the XML reader already (exit 2)
    }

    static func replaceFirst(_ old: String, with new: String, in text: String) -> String {
        guard let r = text.range(of: old) else { return text }
        return text.replacingCharacters(in: r, with: new)
    }
}

/// Finds the line after a record id in pac list YAML (`adx_value: …` of that entry).
enum YAMLish {
    static func value(of id: String, in yaml: String) throws -> String? {
        let lines = yaml.components(separatedBy: "\n")
        guard let i = lines.firstIndex(where: { $0.contains(id) }) else { return nil }
        for l in lines[i...min(lines.count - 1, i + 3)] where l.hasPrefix("  adx_value: ") {
            return String(l.dropFirst("  adx_value: ".count))
        }
        return nil
    }
}

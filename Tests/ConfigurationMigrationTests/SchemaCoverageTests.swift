import Foundation
import PortalModel
import Testing
import TestSupport

/// `data export` says what the CMT schema leaves out of the website (issue 24 item 6), and
/// `verify --schemaFile` says its "Identical" holds for the tables the schema names only.
///
/// Microsoft's customer-self-service schema does not name `adx_columnpermissionprofile` or
/// `adx_botconsumer`, nor the `adx_columnpermissionprofile_webrole` N:N relationship; the real Comet
/// site of the corpus holds 5, 1 and 6 of them.
@Suite struct SchemaCoverageTests {
    @Test func exportCountsWhatTheSchemaLeavesOutAndVerifySaysWhatItCompared() async throws {
        let home = try TestPaths.temporaryDirectory("pm-schema-coverage")
        defer { try? FileManager.default.removeItem(at: home) }
        let site = home.appendingPathComponent("site")
        try FileManager.default.copyItem(at: TestPaths.pacFolder("comet-selfservice-2023"), to: site)
        for args in [
            ["env", "create", "src"], ["env", "create", "dst"],
            ["upload", "--path", site.path, "--environment", "local:src", "--yes", "--missing-lookups", "drop"],
            ["data", "schema", "--portalType", "customer-self-service", "-o", "schema.xml"],
        ] {
            let r = try await CLI.run(args, home: home)
            #expect(r.status == 0, "\(args): \(r.err)")
        }

        let export = try await CLI.run(
            [
                "data", "export", "--schemaFile", "schema.xml", "--dataFile", "data.zip",
                "--environment", "local:src", "--json",
            ], home: home)
        #expect(export.status == 0, "\(export.err)")
        let notCarried = try JSONValue.parse(export.out)["notCarried"]
        let gap = try #require(notCarried?.objectValue?.first?.1)
        #expect(gap["tablesNotCarried"]?["adx_columnpermissionprofile"]?.intValue == 5, "\(export.out)")
        #expect(gap["tablesNotCarried"]?["adx_botconsumer"]?.intValue == 1, "\(export.out)")
        #expect(gap["tablesNotCarried"]?["adx_webpage"] == nil, "the schema names web pages: \(export.out)")
        #expect(gap["relationshipsNotCarried"]?["adx_columnpermissionprofile_webrole"]?.intValue == 6, "\(export.out)")
        #expect(
            export.err.contains("warning: the schema does not carry") && export.err.contains("adx_botconsumer: 1 record(s)"),
            "the warning reaches stderr in --json mode: \(export.err)")

        let imported = try await CLI.run(["data", "import", "--data", "data.zip", "--environment", "local:dst", "--yes"], home: home)
        #expect(imported.status == 0, "\(imported.err)")
        let listed = try JSONValue.parse(try await CLI.run(["list", "--environment", "local:src", "--json"], home: home).out)
        let websiteID = try #require(listed.arrayValue?.first?["websiteId"]?.stringValue)
        let verify = try await CLI.run(
            [
                "verify", "--from", "local:src", "--to", "local:dst", "--webSiteId", websiteID,
                "--schemaFile", "schema.xml",
            ], home: home)
        #expect(verify.status == 0, "\(verify.out)\(verify.err)")
        #expect(verify.out.contains("Identical for the tables the schema schema.xml names"), "\(verify.out)")
    }
}

import EnvironmentServer
import Foundation
import LocalEnvironment
import PortalModel
import Testing
import TestSupport
@testable import ConfigurationMigration

/// `portal-migrate data export` / `data import` with the real binary on embedded environments:
/// a corpus pac site uploaded, exported with the generated Customer Self-Service schema, imported into a
/// fresh environment, verified, and imported again without changes.
@Suite(.serialized) struct DataCommandEndToEndTests {
    @Test func exportImportVerifyRoundTrip() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.portalMigrateBinary.path), "build portal-migrate first")
        let home = try TestPaths.temporaryDirectory("cmt-e2e")
        defer { try? FileManager.default.removeItem(at: home) }
        func ok(_ args: [String]) async throws -> ChildProcessResult {
            let r = try await CLI.run(args, home: home)
            #expect(r.status == 0, "\(args.joined(separator: " ")): \(r.err)")
            return r
        }
        _ = try await ok(["env", "create", "src"])
        _ = try await ok(["env", "create", "dst"])
        _ = try await ok(["upload", "--path", TestPaths.pacFolder("ejada-starter-2022").path, "--environment", "local:src", "--yes"])
        let schema = home.appendingPathComponent("css.xml").path
        _ = try await ok(["data", "schema", "--portalType", "customer-self-service", "--output", schema])
        let zip = home.appendingPathComponent("data.zip").path
        let export = try await ok(["data", "export", "--schemaFile", schema, "--dataFile", zip, "--environment", "local:src"])
        #expect(export.out.contains("adx_webpage: 22 record(s)"))
        let again = try await CLI.run(["data", "export", "--schemaFile", schema, "--dataFile", zip, "--environment", "local:src"], home: home)
        #expect(again.status == 2 && again.err.contains("--overwrite"))

        let package = try CMTPackage(contentsOf: URL(fileURLWithPath: zip))
        #expect(package.snapshot.records["adx_website"]?.count == 1)
        #expect((package.snapshot.records["annotation"]?.count ?? 0) == package.snapshot.bodies.count)
        let siteID = try #require(package.snapshot.records["adx_website"]?.first?.id)

        // The same export over the Web API (EnvironmentServer on 127.0.0.1): filters become $filter, notes
        // come through the file download, and the package holds the same records, values, links and bodies.
        let env = try LocalEnvironment(opening: home.appendingPathComponent("environments/src.sqlite"))
        let server = try await ServerSupport.start(env)
        let httpZip = home.appendingPathComponent("http.zip").path
        let overHTTP = try await CLI.run(
            ["data", "export", "--schemaFile", schema, "--dataFile", httpZip, "--environment", server.origin], home: home)
        await server.stop()
        #expect(overHTTP.out.contains("adx_contentsnippet: 92 record(s)"), "records are read over HTTP with the website $filter: \(overHTTP.err)")
        // N:N links come through the intersect entity sets the embedded server serves.
        #expect(overHTTP.status == 0, "\(overHTTP.err)")
        let httpPackage = try CMTPackage(contentsOf: URL(fileURLWithPath: httpZip))
        #expect(
            CMTPackageTests.sameSnapshot(httpPackage.snapshot, package.snapshot),
            "\(CMTPackageTests.differences(httpPackage.snapshot, package.snapshot).prefix(10))")
        #expect(!httpPackage.snapshot.links.isEmpty, "the package holds N:N links")

        let dry = try await ok(["data", "import", "--data", zip, "--environment", "local:dst", "--dry-run", "--json"])
        #expect(dry.out.contains("\"dryRun\""))
        let empty = try await ok(["list", "--environment", "local:dst"])
        #expect(!empty.out.contains(siteID.dataverseString), "a dry run writes nothing")

        let imported = try await ok(["data", "import", "--data", zip, "--environment", "local:dst"])
        #expect(imported.out.contains("adx_webpage: 22 created"))
        #expect(imported.out.contains("matched: 43 by natural-key"), "portal languages match by LCID; no second row per language")

        // An environment-specific record (a website binding) in the target: never compared, and said so.
        let dstURL = home.appendingPathComponent("environments/dst.sqlite")
        try await Self.write(
            dstURL,
            .create(
                EntityRecord(
                    "adx_websitebinding", id: UUID(),
                    columns: [
                        "adx_name": .string("Binding: dst host"), "adx_websiteid": .lookup(EntityReference("adx_website", siteID)),
                    ])))

        let verify = try await CLI.run(["verify", "--from", "local:src", "--to", "local:dst", "--webSiteId", siteID.dataverseString], home: home)
        #expect(verify.status == 0, "verify passes between the uploaded and the CMT-imported environment: \(verify.out)\(verify.err)")
        #expect(verify.out.contains("Identical"), "\(verify.out)")
        #expect(
            verify.out.contains("adx_websitebinding:") && verify.out.contains("target record(s) not compared (environment specific)"),
            "verify says it left the website bindings out: \(verify.out)")

        let second = try await ok(["data", "import", "--data", zip, "--environment", "local:dst"])
        #expect(!second.out.contains("created"), "importing again changes nothing: \(second.out)")

        // verify --schemaFile: a table the schema does not name is listed as not compared, not a difference.
        let blogID = UUID()
        try await Self.write(
            dstURL,
            .create(
                EntityRecord(
                    "adx_blog", id: blogID,
                    columns: [
                        "adx_name": .string("Extra blog"), "adx_websiteid": .lookup(EntityReference("adx_website", siteID)),
                    ])))
        let plain = try await CLI.run(["verify", "--from", "local:src", "--to", "local:dst", "--webSiteId", siteID.dataverseString], home: home)
        #expect(plain.status == 1 && plain.out.contains("only in the target: adx_blog \(blogID.dataverseString)"), "\(plain.out)\(plain.err)")
        let scoped = try await CLI.run(
            [
                "verify", "--from", "local:src", "--to", "local:dst", "--webSiteId", siteID.dataverseString,
                "--schemaFile", schema,
            ], home: home)
        #expect(scoped.status == 0, "\(scoped.out)\(scoped.err)")
        #expect(scoped.out.contains("adx_blog: 0 source and 1 target record(s) not compared (not in the schema css.xml)"), "\(scoped.out)")

        // A column the schema names differs: --schemaFile reports it (and exits 1), in JSON too.
        let pages = try await Self.records(dstURL, "adx_webpage")
        let page = try #require(pages.first { $0.string("adx_title") != nil } ?? pages.first)
        try await Self.write(dstURL, .update(EntityRecord("adx_webpage", id: page.id, columns: ["adx_title": .string("Changed in the target")])))
        let changed = try await CLI.run(
            [
                "verify", "--from", "local:src", "--to", "local:dst", "--webSiteId", siteID.dataverseString,
                "--schemaFile", schema, "--json",
            ], home: home)
        #expect(changed.status == 1, "\(changed.out)\(changed.err)")
        #expect(
            changed.out.contains("\"identical\":false") && changed.out.contains("adx_title") && changed.out.contains("Changed in the target")
                && changed.out.contains("\"notCompared\""), "\(changed.out)")
        #expect(!changed.out.contains("only in the target: adx_blog"), "\(changed.out)")
        let badSchema = try await CLI.run(
            [
                "verify", "--from", "local:src", "--to", "local:dst", "--webSiteId", siteID.dataverseString,
                "--schemaFile", zip,
            ], home: home)
        #expect(badSchema.status != 0 && badSchema.status != 1 && badSchema.err.contains("data.zip"), "a schema that is not XML: \(badSchema.err)")
    }

    /// Writes one operation into an embedded environment file (closed again before the CLI runs).
    static func write(_ url: URL, _ operation: DataverseOperation) async throws {
        let env = try LocalEnvironment(opening: url)
        let results = try await env.execute([operation])
        let succeeded = results.allSatisfy { $0.isSuccess }
        #expect(succeeded, "\(results)")
    }

    /// Every record of a table in an embedded environment file.
    static func records(_ url: URL, _ table: String) async throws -> [EntityRecord] {
        try await LocalEnvironment(opening: url).retrieveAll(RecordQuery(table))
    }

    @Test func badPackageIsACheckFailure() async throws {
        let home = try TestPaths.temporaryDirectory("cmt-e2e")
        defer { try? FileManager.default.removeItem(at: home) }
        let bad = home.appendingPathComponent("bad.zip")
        try Data("not a zip".utf8).write(to: bad)
        _ = try await CLI.run(["env", "create", "dst"], home: home)
        let r = try await CLI.run(["data", "import", "--data", bad.path, "--environment", "local:dst"], home: home)
        #expect(r.status == 2 && r.err.contains("bad.zip"))
    }
}

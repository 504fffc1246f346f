import EnvironmentServer
import Foundation
import LocalEnvironment
import Testing
import TestSupport
@testable import ConfigurationMigration

/// `portal-migrate data export` / `data import` with the real binary on embedded environments:
/// a corpus pac site uploaded, exported with the generated Customer Self-Service schema, imported into a
/// fresh environment, verified, and imported again without changes.
@Suite(.serialized) struct DataCommandEndToEndTests {
    struct Run { var status: Int32; var out: String; var err: String }

    static func run(_ args: [String], home: URL) throws -> Run {
        let p = Process()
        p.executableURL = TestPaths.portalMigrateBinary
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["PORTAL_MIGRATE_HOME"] = home.path
        p.environment = env
        p.currentDirectoryURL = home
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    @Test func exportImportVerifyRoundTrip() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.portalMigrateBinary.path), "build portal-migrate first")
        let home = try TestPaths.temporaryDirectory("cmt-e2e")
        defer { try? FileManager.default.removeItem(at: home) }
        func ok(_ args: [String]) throws -> Run {
            let r = try Self.run(args, home: home)
            #expect(r.status == 0, "\(args.joined(separator: " ")): \(r.err)")
            return r
        }
        _ = try ok(["env", "create", "src"])
        _ = try ok(["env", "create", "dst"])
        _ = try ok(["upload", "--path", TestPaths.pacFolder("ejada-starter-2022").path, "--environment", "local:src", "--yes"])
        let schema = home.appendingPathComponent("css.xml").path
        _ = try ok(["data", "schema", "--portalType", "customer-self-service", "--output", schema])
        let zip = home.appendingPathComponent("data.zip").path
        let export = try ok(["data", "export", "--schemaFile", schema, "--dataFile", zip, "--environment", "local:src"])
        #expect(export.out.contains("adx_webpage: 22 record(s)"))
        let again = try Self.run(["data", "export", "--schemaFile", schema, "--dataFile", zip, "--environment", "local:src"], home: home)
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
        let overHTTP = try Self.run(["data", "export", "--schemaFile", schema, "--dataFile", httpZip, "--environment", server.origin], home: home)
        await server.stop()
        #expect(overHTTP.out.contains("adx_contentsnippet: 92 record(s)"), "records are read over HTTP with the website $filter: \(overHTTP.err)")
        // Known issue outside this module: WebAPIClient.retrieveLinks reads `<intersect>set`, which the
        // embedded server does not serve (404), so N:N links fail over HTTP for now.
        withKnownIssue("N:N links over the Web API: the client and the embedded server disagree on the intersect entity set",
                       isIntermittent: true) {
            #expect(overHTTP.status == 0, "\(overHTTP.err)")
            let httpPackage = try CMTPackage(contentsOf: URL(fileURLWithPath: httpZip))
            #expect(CMTPackageTests.sameSnapshot(httpPackage.snapshot, package.snapshot),
                    "\(CMTPackageTests.differences(httpPackage.snapshot, package.snapshot).prefix(10))")
        }

        let dry = try ok(["data", "import", "--data", zip, "--environment", "local:dst", "--dry-run", "--json"])
        #expect(dry.out.contains("\"dryRun\""))
        let empty = try ok(["list", "--environment", "local:dst"])
        #expect(!empty.out.contains(siteID.dataverseString), "a dry run writes nothing")

        let imported = try ok(["data", "import", "--data", zip, "--environment", "local:dst"])
        #expect(imported.out.contains("adx_webpage: 22 created"))
        #expect(imported.out.contains("matched: 43 by natural-key"), "portal languages match by LCID; no second row per language")

        let verify = try Self.run(["verify", "--from", "local:src", "--to", "local:dst", "--webSiteId", siteID.dataverseString], home: home)
        // The only difference: the website binding the pac upload made, a table no CMT portal schema
        // carries (it is environment specific), so verify exits 1 naming just that record.
        let differences = verify.out.split(separator: "\n").filter { $0.hasPrefix("  ") }
        #expect(verify.status == 0 || (verify.status == 1 && differences.count == 1), "\(verify.out)\(verify.err)")
        #expect(differences.allSatisfy { $0.contains("adx_websitebinding") }, "\(verify.out)")

        let second = try ok(["data", "import", "--data", zip, "--environment", "local:dst"])
        #expect(!second.out.contains("created"), "importing again changes nothing: \(second.out)")
    }

    @Test func badPackageIsACheckFailure() throws {
        let home = try TestPaths.temporaryDirectory("cmt-e2e")
        defer { try? FileManager.default.removeItem(at: home) }
        let bad = home.appendingPathComponent("bad.zip")
        try Data("not a zip".utf8).write(to: bad)
        _ = try Self.run(["env", "create", "dst"], home: home)
        let r = try Self.run(["data", "import", "--data", bad.path, "--environment", "local:dst"], home: home)
        #expect(r.status == 2 && r.err.contains("bad.zip"))
    }
}

import Foundation
import Testing
import PortalModel
import LocalEnvironment
import TestSupport

/// Runs the built `portal-migrate` binary with `PORTAL_MIGRATE_HOME` set to a temporary directory.
@Suite struct EnvCommandEndToEndTests {
    @Test func createProvisionListSettingsDelete() async throws {
        let home = try TestPaths.temporaryDirectory("pm-cli-env")
        let created = try await CLI.run(["env", "create", "dev", "--language", "1036"], home: home)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(FileManager.default.fileExists(atPath: home.appendingPathComponent("environments/dev.sqlite").path))
        #expect(try await CLI.run(["env", "create", "dev"], home: home).status == 2)

        let provisioned = try await CLI.run(["env", "provision", "dev", "--template", "starter", "--json"], home: home)
        #expect(provisioned.status == 0, "\(provisioned.stderr)")
        let result = try JSONValue.parse(provisioned.stdout)
        let websiteID = try #require(result["websiteId"]?.stringValue.flatMap { UUID(dataverse: $0) })
        let appID = try #require(result["portalAppId"]?.stringValue)

        let listed = try await CLI.run(["list", "--environment", "local:dev", "--json"], home: home)
        #expect(listed.status == 0, "\(listed.stderr)")
        let sites = try #require(try JSONValue.parse(listed.stdout).arrayValue)
        #expect(sites.count == 1)
        #expect(sites[0].objectValue?.map(\.0) == ["websiteId", "name", "dataModel", "baseLanguage", "portalAppId"])
        #expect(sites[0]["websiteId"]?.stringValue == websiteID.dataverseString)
        #expect(sites[0]["dataModel"]?.stringValue == "standard")
        #expect(sites[0]["baseLanguage"]?.intValue == 1036)
        #expect(sites[0]["portalAppId"]?.stringValue == appID)

        let settings = try await CLI.run(
            [
                "env", "settings", "dev", "--blockedattachments", "exe;DLL", "--maxuploadfilesize", "1048576",
                "--disable", "E3", "--json",
            ], home: home)
        #expect(settings.status == 0, "\(settings.stderr)")
        let s = try JSONValue.parse(settings.stdout)
        #expect(s["blockedAttachments"]?.stringValue == "exe;dll")
        #expect(s["maxUploadFileSize"]?.intValue == 1_048_576)
        #expect(s["behaviours"]?["E3"]?.boolValue == false)
        #expect(s["behaviours"]?["E1"]?.boolValue == true)
        // The settings are in the file.
        let env = try LocalEnvironment(opening: home.appendingPathComponent("environments/dev.sqlite"))
        #expect(try await env.organizationInfo().blockedAttachments == ["exe", "dll"])
        #expect(try await CLI.run(["env", "settings", "dev", "--maxuploadfilesize", "0"], home: home).status == 2)

        // Procedure: delete website, delete portal app, provision from existing website, reset.
        let id = websiteID.dataverseString
        #expect(try await CLI.run(["env", "delete-website", "dev", "--webSiteId", id], home: home).status == 0)
        #expect(try await env.count("adx_webpage") == 0)
        #expect(try await CLI.run(["env", "delete-portal-app", "dev", "--webSiteId", id], home: home).status == 0)
        #expect(try await CLI.run(["env", "delete-portal-app", "dev", "--webSiteId", id], home: home).status == 2)
        let second = try JSONValue.parse(
            try await CLI.run(["env", "provision", "dev", "--template", "customer-self-service", "--json"], home: home).stdout)
        let secondID = try #require(second["websiteId"]?.stringValue)
        #expect(try await CLI.run(["env", "delete-portal-app", "dev", "--webSiteId", secondID], home: home).status == 0)
        let rebound = try await CLI.run(["env", "provision", "dev", "--existing-website", secondID, "--json"], home: home)
        #expect(rebound.status == 0, "\(rebound.stderr)")
        #expect(try await CLI.run(["env", "reset", "dev", "--webSiteId", secondID], home: home).status == 0)
        #expect(
            try JSONValue.parse(try await CLI.run(["list", "--environment", "local:dev", "--json"], home: home).stdout).arrayValue?.isEmpty == true)

        // Usage and input errors.
        #expect(try await CLI.run(["env", "provision", "dev"], home: home).status == 64)
        #expect(try await CLI.run(["env", "delete-website", "dev", "--webSiteId", "not-a-guid"], home: home).status == 64)
        let missing = try await CLI.run(["list", "--environment", "local:nope"], home: home)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no local environment 'nope'"))

        let envs = try JSONValue.parse(try await CLI.run(["env", "list", "--json"], home: home).stdout)
        #expect(envs.arrayValue?.map { $0["name"]?.stringValue } == ["dev"])
        // dev holds no website any more: deleted without a question.
        #expect(try await CLI.run(["env", "delete", "dev"], home: home).status == 0)
        #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent("environments/dev.sqlite").path))
        // An environment holding a website is not deleted without --yes when no terminal can confirm.
        #expect(try await CLI.run(["env", "create", "full"], home: home).status == 0)
        #expect(try await CLI.run(["env", "provision", "full", "--template", "starter"], home: home).status == 0)
        let refused = try await CLI.run(["env", "delete", "full"], home: home)
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("holds 1 website") && refused.stderr.contains("--yes"), "\(refused.stderr)")
        #expect(FileManager.default.fileExists(atPath: home.appendingPathComponent("environments/full.sqlite").path))
        #expect(try await CLI.run(["env", "delete", "full", "--yes"], home: home).status == 0)
        #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent("environments/full.sqlite").path))
    }

    /// Two real processes provisioning into the same environment file at the same time.
    @Test func twoProcessesWritingTheSameEnvironment() async throws {
        let home = try TestPaths.temporaryDirectory("pm-cli-two")
        #expect(try await CLI.run(["env", "create", "shared"], home: home).status == 0)
        @Sendable func start() async throws -> ChildProcessResult {
            // A shell loop keeps one process writing three times in a row.
            try await CLI.run(
                [
                    "-c", "for i in 1 2 3; do \"$0\" env provision shared --template starter >/dev/null || exit 9; done",
                    TestPaths.portalMigrateBinary.path,
                ],
                executable: URL(fileURLWithPath: "/bin/sh"), home: home)
        }
        async let a = start()
        async let b = start()
        let (ra, rb) = try await (a, b)
        #expect(ra.exitCode == 0, "\(ra.stderr)")
        #expect(rb.exitCode == 0, "\(rb.stderr)")
        let env = try LocalEnvironment(opening: home.appendingPathComponent("environments/shared.sqlite"))
        #expect(try await env.integrityCheck() == ["ok"])
        let sites = try await env.websites()
        #expect(sites.count == 6)
        #expect(Set(sites.compactMap(\.portalAppId)).count == 6)
        // Every site has the same content, under its own ids.
        var pagesPerSite = Set<Int>()
        for site in sites {
            pagesPerSite.insert(try await env.retrieveAll(RecordQuery("adx_webpage", filter: .equal("adx_websiteid", .guid(site.websiteId)))).count)
        }
        #expect(pagesPerSite.count == 1)
        #expect(try await env.count("adx_webpage") == 6 * (pagesPerSite.first ?? 0))
    }

    @Test func createFromSchemaAndWithoutColumns() async throws {
        let home = try TestPaths.temporaryDirectory("pm-cli-schema")
        let schema = TestPaths.cmt("schemas/microsoft/CommonDataService_Starter_Portal.xml")
        let fromSchema = try await CLI.run(["env", "create", "cmt", "--schema", schema.path, "--json"], home: home)
        #expect(fromSchema.status == 0, "\(fromSchema.stderr)")
        let drift = try await CLI.run(["env", "create", "old", "--exclude-columns", "adx_webpage.adx_sharedpageconfiguration"], home: home)
        #expect(drift.status == 0, "\(drift.stderr)")
        let env = try LocalEnvironment(opening: home.appendingPathComponent("environments/old.sqlite"))
        #expect(env.catalog.table("adx_webpage")?.column("adx_sharedpageconfiguration") == nil)
        let bad = try await CLI.run(["env", "create", "bad", "--schema", home.appendingPathComponent("missing.xml").path], home: home)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("missing.xml"))
    }
}

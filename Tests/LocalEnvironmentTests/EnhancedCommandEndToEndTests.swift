import Foundation
import Testing
import PortalModel
import LocalEnvironment
import TestSupport

/// `env provision --modelVersion` and `list` with the built binary (issue 9).
@Suite struct EnhancedCommandEndToEndTests {
    @Test func provisionEnhancedAndList() async throws {
        let home = try TestPaths.temporaryDirectory("pm-cli-enhanced")
        #expect(try await CLI.run(["env", "create", "dev"], home: home).exitCode == 0)
        let enhanced = try await CLI.run(
            [
                "env", "provision", "dev", "--template", "starter", "--modelVersion", "2",
                "--name", "V2", "--json",
            ], home: home)
        #expect(enhanced.exitCode == 0, "\(enhanced.stderr)")
        let e = try JSONValue.parse(enhanced.stdout)
        #expect(e["dataModel"]?.stringValue == "enhanced")
        let enhancedID = try #require(e["websiteId"]?.stringValue)
        let spelled = try await CLI.run(["env", "provision", "dev", "--template", "starter", "-mv", "Enhanced", "--name", "V2b"], home: home)
        #expect(spelled.exitCode == 0, "\(spelled.stderr)")
        #expect(spelled.stdout.contains("enhanced data model"))
        let standard = try await CLI.run(["env", "provision", "dev", "--template", "starter", "--name", "V1", "--json"], home: home)
        #expect(standard.exitCode == 0, "\(standard.stderr)")
        #expect(try JSONValue.parse(standard.stdout)["dataModel"]?.stringValue == "standard")
        let bad = try await CLI.run(["env", "provision", "dev", "--template", "starter", "--modelVersion", "3"], home: home)
        #expect(bad.exitCode == 64)
        #expect(bad.stderr.contains("--modelVersion"))

        let listed = try await CLI.run(["list", "--environment", "local:dev", "--json"], home: home)
        #expect(listed.exitCode == 0, "\(listed.stderr)")
        let sites = try #require(try JSONValue.parse(listed.stdout).arrayValue)
        #expect(sites.compactMap { $0["name"]?.stringValue } == ["V1", "V2", "V2b"])
        #expect(sites.compactMap { $0["dataModel"]?.stringValue } == ["standard", "enhanced", "enhanced"])
        #expect(sites[1]["websiteId"]?.stringValue == enhancedID)
        #expect(sites.allSatisfy { $0["portalAppId"]?.stringValue != nil })
        let text = try await CLI.run(["list", "--environment", "local:dev"], home: home)
        #expect(text.stdout.contains("\(enhancedID)  V2  [enhanced, 1033]"))

        // The same rows from the environment served over the Web API.
        let server = try await ServerSupport.startBinary(["env", "serve", "dev", "--port", "0"], home: home)
        let port = try #require(server.port)
        let remote = try await CLI.run(["list", "--environment", "http://127.0.0.1:\(port)", "--json"], home: home)
        _ = await server.terminate()
        #expect(remote.exitCode == 0, "\(remote.stderr)")
        #expect(try JSONValue.parse(remote.stdout) == JSONValue.parse(listed.stdout))

        // The stored rows.
        let env = try LocalEnvironment(opening: home.appendingPathComponent("environments/dev.sqlite"))
        let id = try #require(UUID(dataverse: enhancedID))
        #expect(try await env.dataModel(ofWebsite: id) == .enhanced)
        let files = try await env.retrieveAll(
            RecordQuery(
                "powerpagecomponent",
                filter: .and([
                    .equal("powerpagesiteid", .guid(id)), .equal("powerpagecomponenttype", .choice(PowerPageComponentType.webFile.rawValue)),
                ])))
        #expect(!files.isEmpty)
        for f in files { #expect(try await env.downloadFile(FileBodyKey("powerpagecomponent", f.id, "filecontent"))?.isEmpty == false) }
        try env.close()
        try? FileManager.default.removeItem(at: home)
    }

    /// `env create --schema` (a Microsoft CMT schema lists only adx tables) still gives the enhanced tables.
    @Test func environmentFromASchemaHasTheEnhancedTables() async throws {
        let home = try TestPaths.temporaryDirectory("pm-cli-enhanced-schema")
        let schema = TestPaths.cmt("schemas/microsoft/Customer_SelfService_Portal.xml").path
        let created = try await CLI.run(["env", "create", "s", "--schema", schema], home: home)
        #expect(created.exitCode == 0, "\(created.stderr)")
        let provisioned = try await CLI.run(["env", "provision", "s", "--template", "starter", "--modelVersion", "2", "--json"], home: home)
        #expect(provisioned.exitCode == 0, "\(provisioned.stderr)")
        let env = try LocalEnvironment(opening: home.appendingPathComponent("environments/s.sqlite"))
        for t in ["powerpagesite", "powerpagesitelanguage", "powerpagecomponent"] { #expect(env.catalog.table(t) != nil, "\(t)") }
        #expect(env.catalog.table("powerpagecomponent")?.column("filecontent")?.type == .file)
        #expect(try await env.retrieveAll(RecordQuery("powerpagecomponent")).count > 50)
        try env.close()
        try? FileManager.default.removeItem(at: home)
    }
}

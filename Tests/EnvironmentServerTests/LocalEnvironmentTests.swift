import Foundation
import LocalEnvironment
import PortalModel
import Testing
import TestSupport
@testable import EnvironmentServer

/// The embedded environment's platform behaviours seen through HTTP, and the built binary's `env serve`.
@Suite struct LocalEnvironmentOverHTTPTests {
    func withLocal(
        _ options: LocalEnvironmentOptions = LocalEnvironmentOptions(),
        _ body: (LocalEnvironment, RunningServer, UUID) async throws -> Void
    ) async throws {
        let dir = try TestPaths.temporaryDirectory("pm-server")
        let env = try LocalEnvironment.create(at: dir.appendingPathComponent("env.sqlite"), options: options)
        let site = try await env.provision(template: "starter").websiteId
        let server = try await ServerSupport.start(env)
        do { try await body(env, server, site) } catch { await server.stop(); try? env.close(); throw error }
        await server.stop()
        try env.close()
    }

    @Test func platformBehavioursThroughHTTP() async throws {
        try await withLocal { env, server, site in
            let bind = "/adx_websites(\(site.dataverseString))"
            // E1: a web page needs a website.
            let noSite = try await HTTP.json(
                "POST", server.baseURL + "adx_webpages", .object([("adx_name", .string("X")), ("adx_partialurl", .string("/"))]))
            #expect(noSite.status == 400, "\(noSite.text)")
            #expect(noSite.errorCode == "0x80040265")
            // Bypassing custom plug-ins skips the portal rules.
            let bypassed = try await HTTP.json(
                "POST", server.baseURL + "adx_webpages", .object([("adx_name", .string("X")), ("adx_partialurl", .string("x"))]),
                headers: ["MSCRM.BypassCustomPluginExecution": "true"])
            #expect(bypassed.status == 204, "\(bypassed.text)")
            // E2: a page without parent must have partial URL "/".
            let badRoot = try await HTTP.json(
                "POST", server.baseURL + "adx_webpages",
                .object([
                    ("adx_name", .string("Y")), ("adx_partialurl", .string("about")), ("adx_websiteid@odata.bind", .string(bind)),
                ]))
            #expect(badRoot.status == 400)
            #expect(badRoot.errorCode == "0x80040265")
            // E5: a blocked extension on a note.
            let note = try await HTTP.json(
                "POST", server.baseURL + "annotations",
                .object([
                    ("subject", .string("evil")), ("filename", .string("evil.exe")), ("mimetype", .string("application/octet-stream")),
                    ("documentbody", .string(Data([1, 2, 3]).base64EncodedString())),
                ]))
            #expect(note.status == 400, "\(note.text)")
            #expect(note.errorCode == "0x80043e09")
            // ETags come from the row version; a stale one is refused.
            let pages = try await HTTP.get(
                server.baseURL + "adx_webpages?$select=adx_name&$filter=_adx_websiteid_value%20eq%20\(site.dataverseString)&$top=1")
            let first = try #require(try pages.values().first)
            let etag = try #require(first["@odata.etag"]?.stringValue)
            let id = try #require(first["adx_webpageid"]?.stringValue)
            let stale = try await HTTP.json(
                "PATCH", server.baseURL + "adx_webpages(\(id))", .object([("adx_name", .string("Z"))]), headers: ["If-Match": "W/\"1\""])
            #expect(stale.status == 412)
            let fresh = try await HTTP.json(
                "PATCH", server.baseURL + "adx_webpages(\(id))", .object([("adx_name", .string("Z"))]), headers: ["If-Match": etag])
            #expect(fresh.status == 204, "\(fresh.text)")
            // C1: deleting the website takes its configuration with it.
            let before = try await HTTP.get(
                server.baseURL + "adx_webpages?$count=true&$select=adx_name&$filter=_adx_websiteid_value%20eq%20\(site.dataverseString)")
            #expect((try before.json()["@odata.count"]?.intValue ?? 0) > 0)
            #expect(try await HTTP.send("DELETE", server.baseURL + "adx_websites(\(site.dataverseString))").status == 204)
            let after = try await HTTP.get(
                server.baseURL + "adx_webpages?$count=true&$select=adx_name&$filter=_adx_websiteid_value%20eq%20\(site.dataverseString)")
            #expect(try after.json()["@odata.count"]?.intValue == 0)
            _ = env
        }
    }

    /// 12,000 site settings inserted in-process, then paged over HTTP without loss or repeats.
    @Test func pagesThrough12000StoredRecords() async throws {
        try await withLocal { env, server, site in
            var expected = Set<UUID>()
            var ops: [DataverseOperation] = []
            for i in 0..<12_000 {
                let id = UUID()
                expected.insert(id)
                ops.append(
                    .create(
                        EntityRecord(
                            "adx_sitesetting", id: id,
                            columns: [
                                "adx_name": .string("Bulk/Setting/\(i)"), "adx_value": .string(String(i)),
                                "adx_websiteid": .lookup(EntityReference("adx_website", site)),
                            ])))
            }
            let results = try await env.execute([ChangeSet(ops, atomic: false)], options: ExecuteOptions(bypassCustomPlugins: true))
            #expect(results.allSatisfy { $0.isSuccess })
            var url: String? = server.baseURL + "adx_sitesettings?$select=adx_name&$filter=startswith(adx_name,'Bulk/')"
            var seen = Set<UUID>()
            var pages = 0
            while let u = url {
                let r = try await HTTP.get(u, headers: ["Prefer": "odata.maxpagesize=5000"])
                #expect(r.status == 200, "\(r.text)")
                for v in try r.values() {
                    let id = try #require(UUID(dataverse: v["adx_sitesettingid"]?.stringValue ?? ""))
                    #expect(seen.insert(id).inserted)
                }
                url = try r.json()["@odata.nextLink"]?.stringValue
                pages += 1
            }
            #expect(pages == 3)
            #expect(seen == expected)
        }
    }

    /// A note or file over `maxuploadfilesize` is refused with 0x80044a02, through both upload paths.
    @Test func attachmentsOverTheSizeLimit() async throws {
        try await withLocal(LocalEnvironmentOptions(maxUploadFileSize: 100)) { _, server, _ in
            let note = try await HTTP.json(
                "POST", server.baseURL + "annotations",
                .object([
                    ("subject", .string("big")), ("filename", .string("big.txt")), ("mimetype", .string("text/plain")),
                    ("documentbody", .string(Data(repeating: 65, count: 500).base64EncodedString())),
                ]))
            #expect(note.status == 400, "\(note.text)")
            #expect(note.errorCode == "0x80044a02")
            let small = try await HTTP.json(
                "POST", server.baseURL + "annotations",
                .object([
                    ("subject", .string("small")), ("filename", .string("small.txt")), ("mimetype", .string("text/plain")),
                    ("documentbody", .string(Data(repeating: 65, count: 50).base64EncodedString())),
                ]))
            #expect(small.status == 204, "\(small.text)")
            let orgs = try await HTTP.get(server.baseURL + "organizations?$select=maxuploadfilesize")
            #expect(try orgs.values().first?["maxuploadfilesize"] == .number("100"))
        }
    }

    @Test func metadataDescribesTheCatalog() async throws {
        try await withLocal { _, server, _ in
            let defs = try await HTTP.get(
                server.baseURL
                    + "EntityDefinitions?$select=LogicalName,EntitySetName,PrimaryIdAttribute&$filter=LogicalName%20eq%20'adx_websitelanguage'")
            let row = try #require(try defs.values().first)
            #expect(row["EntitySetName"]?.stringValue == "adx_websitelanguages")
            #expect(try defs.values().count == 1)
            let none = try await HTTP.get(server.baseURL + "EntityDefinitions?$filter=LogicalName%20eq%20'nosuch'")
            #expect(try none.values().isEmpty)
            let lookups = try await HTTP.get(
                server.baseURL
                    + "EntityDefinitions(LogicalName='adx_websitelanguage')/Attributes/Microsoft.Dynamics.CRM.LookupAttributeMetadata?$select=LogicalName,Targets"
            )
            let site = try #require(try lookups.values().first { $0["LogicalName"]?.stringValue == "adx_websiteid" })
            #expect(site["Targets"] == .array([.string("adx_website")]))
            let m2o = try await HTTP.get(server.baseURL + "EntityDefinitions(LogicalName='adx_websitelanguage')/ManyToOneRelationships")
            #expect(try m2o.values().contains { $0["ReferencingEntityNavigationPropertyName"]?.stringValue == "adx_WebsiteId" })
            let m2m = try await HTTP.get(
                server.baseURL
                    + "RelationshipDefinitions/Microsoft.Dynamics.CRM.ManyToManyRelationshipMetadata?$filter=SchemaName%20eq%20'adx_entitypermission_webrole'"
            )
            let rel = try #require(try m2m.values().first)
            #expect(rel["Entity1LogicalName"]?.stringValue == "adx_entitypermission")
            #expect(rel["Entity2LogicalName"]?.stringValue == "adx_webrole")
            let byKey = try await HTTP.get(
                server.baseURL + "EntityDefinitions(LogicalName='adx_webpage')?$select=PrimaryIdAttribute&$expand=Attributes($select=LogicalName)")
            #expect(try byKey.json()["PrimaryIdAttribute"]?.stringValue == "adx_webpageid")
            #expect((try byKey.json()["Attributes"]?.arrayValue?.count ?? 0) > 10)
            let missing = try await HTTP.get(server.baseURL + "EntityDefinitions(LogicalName='nosuch')")
            #expect(missing.status == 404)
        }
    }

    /// The built binary: `env serve NAME --port 0` hands over its port (runtime file), serves, and stops cleanly on SIGTERM.
    @Test func binaryServesAndStopsOnSIGTERM() async throws {
        let home = try TestPaths.temporaryDirectory("pm-home")
        let create = try await CLI.run(["env", "create", "served"], home: home)
        #expect(create.exitCode == 0)
        let child = try await ServerSupport.startBinary(["env", "serve", "served", "--port", "0", "--request-budget", "2"], home: home)
        let who = try await HTTP.get(child.baseURL + "WhoAmI()")
        #expect(who.status == 200)
        #expect(try await HTTP.get(child.baseURL + "adx_websites").status == 200)
        let limited = try await HTTP.get(child.baseURL + "adx_websites")
        #expect(limited.status == 429)
        #expect(limited.header("Retry-After") != nil)
        let runtime = home.appendingPathComponent("environments/served.sqlite.serve.json")
        #expect(FileManager.default.fileExists(atPath: runtime.path))
        let status = await child.terminate(signal: SIGTERM)
        #expect(status == 0, "\(child.errorOutput)")
        #expect(!FileManager.default.fileExists(atPath: runtime.path))
        // The environment file is intact: it opens and answers.
        let reopened = try LocalEnvironment(opening: home.appendingPathComponent("environments/served.sqlite"))
        #expect(try await reopened.organizationInfo().languageCode == 1033)
        try reopened.close()
    }
    /// `env serve --require-token --verbose` with `env approve-device-code`: the device code flow
    /// completes through the CLI, request lines are logged, and no token or secret is.
    @Test func binaryDeviceCodeApprovalAndLogsWithoutSecrets() async throws {
        let home = try TestPaths.temporaryDirectory("pm-home")
        #expect(try await CLI.run(["env", "create", "secure"], home: home).status == 0)
        let child = try await ServerSupport.startBinary(
            [
                "env", "serve", "secure", "--port", "0", "--require-token", "--verbose",
                "--client-credentials", "app:TopSecret42",
            ], home: home)
        let form = ["Content-Type": "application/x-www-form-urlencoded"]
        let cc = try await HTTP.send(
            "POST", child.origin + "/common/oauth2/v2.0/token", headers: form,
            body: Data("grant_type=client_credentials&client_id=app&client_secret=TopSecret42&scope=s".utf8))
        let ccToken = try #require(try cc.json()["access_token"]?.stringValue)
        #expect(try await HTTP.get(child.baseURL + "WhoAmI()", headers: ["Authorization": "Bearer \(ccToken)"]).status == 200)

        let start = try await HTTP.send(
            "POST", child.origin + "/common/oauth2/v2.0/devicecode", headers: form, body: Data("client_id=c&scope=s".utf8))
        let device = try #require(try start.json()["device_code"]?.stringValue)
        let user = try #require(try start.json()["user_code"]?.stringValue)
        let poll = Data("grant_type=urn:ietf:params:oauth:grant-type:device_code&client_id=c&device_code=\(device)".utf8)
        #expect(try await HTTP.send("POST", child.origin + "/common/oauth2/v2.0/token", headers: form, body: poll).status == 400)
        let approve = try await CLI.run(["env", "approve-device-code", "secure", user], home: home)
        #expect(approve.status == 0, "\(approve.out)")
        let done = try await HTTP.send("POST", child.origin + "/common/oauth2/v2.0/token", headers: form, body: poll)
        #expect(done.status == 200)
        let token = try #require(try done.json()["access_token"]?.stringValue)
        #expect(try await HTTP.get(child.baseURL + "adx_websites", headers: ["Authorization": "Bearer \(token)"]).status == 200)
        #expect(try await CLI.run(["env", "approve-device-code", "secure", "NOSUCHCODE"], home: home).status == 2)
        #expect(await child.terminate() == 0)
        let log = child.errorOutput + child.output
        #expect(log.contains("GET /api/data/v9.2/WhoAmI() 200"))
        #expect(!log.contains(ccToken))
        #expect(!log.contains(token))
        #expect(!log.contains("TopSecret42"))
    }
}

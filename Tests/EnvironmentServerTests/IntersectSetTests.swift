import DataverseWebAPI
import Foundation
import LocalEnvironment
import PortalModel
import Testing
import TestSupport
@testable import EnvironmentServer

/// N:N intersect entity sets (`<intersect>set`) served read-only, and read by `WebAPIClient.retrieveLinks`.
@Suite struct IntersectSetTests {
    @Test func linksReadOverHTTPEqualTheEnvironmentsLinks() async throws {
        let dir = try TestPaths.temporaryDirectory("pm-intersect")
        let env = try LocalEnvironment.create(at: dir.appendingPathComponent("env.sqlite"))
        let site = try await env.provision(template: "customer-self-service").websiteId
        // Link every table permission of the site to every web role, so there are many links.
        let siteRef = EntityReference("adx_website", site)
        let created = try await env.execute(
            (1...4).map { n in
                .create(
                    EntityRecord(
                        "adx_entitypermission", id: UUID(),
                        columns: [
                            "adx_entityname": .string("Permission \(n)"), "adx_entitylogicalname": .string("contact"),
                            "adx_websiteid": .lookup(siteRef),
                        ]))
            })
        #expect(created.allSatisfy { $0.isSuccess }, "\(created.compactMap(\.error))")
        let permissions = try await env.retrieveAll(RecordQuery("adx_entitypermission", filter: .equal("adx_websiteid", .guid(site))))
        let roles = try await env.retrieveAll(RecordQuery("adx_webrole", filter: .equal("adx_websiteid", .guid(site))))
        try #require(!permissions.isEmpty && !roles.isEmpty)
        var ops: [DataverseOperation] = []
        for p in permissions {
            for r in roles {
                ops.append(.associate(relationship: "adx_entitypermission_webrole", ManyToManyLink(p.reference, r.reference)))
            }
        }
        let results = try await env.execute(ops)
        #expect(results.allSatisfy { $0.isSuccess })
        let expected = try await env.retrieveLinks(relationship: "adx_entitypermission_webrole", firstIDs: nil)
        #expect(expected.count == permissions.count * roles.count)

        let server = try await ServerSupport.start(env)
        do {
            // Raw: small pages, a filter on one side, $select and unknown sets.
            let set = server.baseURL + "adx_entitypermission_webroleset"
            var seen = Set<String>()
            var next: String? = set + "?$select=adx_entitypermissionid,adx_webroleid"
            var rows = 0
            while let url = next {
                let page = try await HTTP.get(url, headers: ["Prefer": "odata.maxpagesize=3"])
                #expect(page.status == 200, "\(page.text)")
                let json = try page.json()
                for row in json["value"]?.arrayValue ?? [] {
                    rows += 1
                    seen.insert((row["adx_entitypermissionid"]?.stringValue ?? "") + "|" + (row["adx_webroleid"]?.stringValue ?? ""))
                }
                next = json["@odata.nextLink"]?.stringValue
            }
            #expect(rows == expected.count)
            #expect(seen.count == expected.count)
            let one = permissions[0].id.dataverseString
            let filtered = try await HTTP.get(set + "?$filter=" + HTTP.q("adx_entitypermissionid eq \(one)"))
            #expect(try filtered.json()["value"]?.arrayValue?.count == roles.count)
            let post = try await HTTP.json("POST", set, .object([]))
            #expect(post.status == 405)
            let unknown = try await HTTP.get(server.baseURL + "adx_nosuch_relationshipset")
            #expect(unknown.status == 404)

            // Through the client, as the migration engine reads links.
            let client = try WebAPIClient(environmentURL: try #require(URL(string: server.origin)))
            let read = try await client.retrieveLinks(relationship: "adx_entitypermission_webrole", firstIDs: nil)
            #expect(read == expected)
            let some = try await client.retrieveLinks(relationship: "adx_entitypermission_webrole", firstIDs: [permissions[0].id])
            #expect(some.count == roles.count)
        } catch {
            await server.stop(); try? env.close(); throw error
        }
        await server.stop()
        try env.close()
    }
}

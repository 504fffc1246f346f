import Foundation
import PortalModel
import Testing
import TestSupport
@testable import EnvironmentServer

@Suite struct WriteTests {
    @Test func createWithCallerIDBindAndRepresentation() async throws {
        let s = SampleSite(pages: 1)
        try await withServer(seed: s.records) { service, server in
            let id = UUID()
            let created = try await HTTP.json(
                "POST", server.baseURL + "adx_webpages",
                .object([
                    ("adx_webpageid", .string(id.dataverseString)), ("adx_name", .string("About")),
                    ("adx_displayorder", .number("5")), ("adx_hiddenfromsitemap", .bool(false)),
                    ("adx_websiteid@odata.bind", .string("/adx_websites(\(s.website.dataverseString))")),
                    ("adx_parentpageid@odata.bind", .string(server.baseURL + "adx_webpages(\(s.pages[0].dataverseString))")),
                    ("@odata.type", .string("Microsoft.Dynamics.CRM.adx_webpage")),
                ]))
            #expect(created.status == 204)
            #expect(created.header("OData-EntityId") == server.baseURL + "adx_webpages(\(id.dataverseString))")
            let stored = try #require(await service.record("adx_webpage", id))
            #expect(stored.columns["adx_websiteid"] == .lookup(EntityReference("adx_website", s.website)))
            #expect(stored.columns["adx_parentpageid"] == .lookup(EntityReference("adx_webpage", s.pages[0])))
            #expect(stored.columns["adx_displayorder"] == .integer(5))

            let rep = try await HTTP.json(
                "POST", server.baseURL + "adx_webpages?$select=adx_name", .object([("adx_name", .string("Contact"))]),
                headers: ["Prefer": "return=representation"])
            #expect(rep.status == 201)
            #expect(try rep.json()["adx_name"]?.stringValue == "Contact")
            #expect(try rep.json()["adx_webpageid"]?.stringValue.flatMap { UUID(dataverse: $0) } != nil)

            let dup = try await HTTP.json("POST", server.baseURL + "adx_webpages", .object([("adx_webpageid", .string(id.dataverseString))]))
            #expect(dup.status == 412)
            #expect(dup.errorCode == "0x80040237")

            // Mixed-case navigation property names are case-sensitive (research/dataverse-webapi.md §1.3).
            let lang = try await HTTP.json(
                "POST", server.baseURL + "adx_websitelanguages",
                .object([
                    ("adx_WebsiteId@odata.bind", .string("adx_websites(\(s.website.dataverseString))"))
                ]))
            #expect(lang.status == 204)
            let wrongCase = try await HTTP.json(
                "POST", server.baseURL + "adx_websitelanguages",
                .object([
                    ("adx_websiteid@odata.bind", .string("/adx_websites(\(s.website.dataverseString))"))
                ]))
            #expect(wrongCase.status == 400)
            #expect(wrongCase.errorCode == "0x80048d19")
            #expect(wrongCase.text.contains("undeclared property 'adx_websiteid'"))
            let missingTarget = try await HTTP.json(
                "POST", server.baseURL + "adx_webpages",
                .object([
                    ("adx_websiteid@odata.bind", .string("/adx_websites(\(UUID().dataverseString))"))
                ]))
            #expect(missingTarget.status == 404)
            #expect(missingTarget.errorCode == "0x80040217")
            let unknown = try await HTTP.json("POST", server.baseURL + "adx_webpages", .object([("adx_nosuchcolumn", .string("x"))]))
            #expect(unknown.status == 400)
            #expect(unknown.errorCode == "0x80048d19")
            let direct = try await HTTP.json(
                "POST", server.baseURL + "adx_webpages", .object([("_adx_websiteid_value", .string(s.website.dataverseString))]))
            #expect(direct.errorCode == "0x80048d19")
            let wrongType = try await HTTP.json("POST", server.baseURL + "adx_webpages", .object([("adx_displayorder", .string("five"))]))
            #expect(wrongType.status == 400)
            #expect(await service.count("adx_webpage") == 3)
        }
    }

    @Test func patchUpsertConditionsAndDelete() async throws {
        let s = SampleSite(pages: 2)
        try await withServer(seed: s.records) { service, server in
            let page = server.baseURL + "adx_webpages(\(s.pages[1].dataverseString))"
            let update = try await HTTP.json(
                "PATCH", page, .object([("adx_name", .string("Renamed")), ("adx_parentpageid", .null)]),
                headers: ["If-Match": "*"])
            #expect(update.status == 204)
            let stored = try #require(await service.record("adx_webpage", s.pages[1]))
            #expect(stored.columns["adx_name"] == .string("Renamed"))
            #expect(stored.columns["adx_parentpageid"] == .null)

            let newID = UUID()
            let missing = try await HTTP.json(
                "PATCH", server.baseURL + "adx_webpages(\(newID.dataverseString))", .object([("adx_name", .string("X"))]),
                headers: ["If-Match": "*"])
            #expect(missing.status == 404)
            #expect(missing.errorCode == "0x80040217")
            #expect(await service.record("adx_webpage", newID) == nil)

            let upsert = try await HTTP.json(
                "PATCH", server.baseURL + "adx_webpages(\(newID.dataverseString))", .object([("adx_name", .string("Upserted"))]),
                headers: ["Prefer": "return=representation"])
            #expect(upsert.status == 201)
            let upsert2 = try await HTTP.json(
                "PATCH", server.baseURL + "adx_webpages(\(newID.dataverseString))", .object([("adx_name", .string("Again"))]),
                headers: ["Prefer": "return=representation"])
            #expect(upsert2.status == 200)
            #expect(try upsert2.json()["adx_name"]?.stringValue == "Again")

            let noUpdate = try await HTTP.json("PATCH", page, .object([("adx_name", .string("Y"))]), headers: ["If-None-Match": "*"])
            #expect(noUpdate.status == 412)
            #expect(noUpdate.errorCode == "0x80040237")

            let etag = try #require(try await HTTP.get(page).header("ETag"))
            let stale = try await HTTP.json("PATCH", page, .object([("adx_name", .string("Z"))]), headers: ["If-Match": "W/\"1\""])
            #expect(stale.status == 412)
            #expect(stale.errorCode == "0x80060882")
            let fresh = try await HTTP.json("PATCH", page, .object([("adx_name", .string("Z"))]), headers: ["If-Match": etag])
            #expect(fresh.status == 204)

            let put = try await HTTP.json("PUT", page + "/adx_partialurl", .object([("value", .string("new-url"))]))
            #expect(put.status == 204)
            #expect(await service.record("adx_webpage", s.pages[1])?.columns["adx_partialurl"] == .string("new-url"))
            let clear = try await HTTP.send("DELETE", page + "/adx_partialurl")
            #expect(clear.status == 204)
            #expect(await service.record("adx_webpage", s.pages[1])?.columns["adx_partialurl"] == .null)

            let setRef = try await HTTP.json(
                "PUT", page + "/adx_parentpageid/$ref", .object([("@odata.id", .string("adx_webpages(\(s.pages[0].dataverseString))"))]))
            #expect(setRef.status == 204)
            #expect(await service.record("adx_webpage", s.pages[1])?.lookupID("adx_parentpageid") == s.pages[0])
            let clearRef = try await HTTP.send("DELETE", page + "/adx_parentpageid/$ref")
            #expect(clearRef.status == 204)
            #expect(await service.record("adx_webpage", s.pages[1])?.columns["adx_parentpageid"] == .null)

            let deleted = try await HTTP.send("DELETE", page)
            #expect(deleted.status == 204)
            let again = try await HTTP.send("DELETE", page)
            #expect(again.status == 404)
            #expect(again.errorCode == "0x80040217")
        }
    }

    @Test func manyToManyRefs() async throws {
        let s = SampleSite(pages: 0)
        try await withServer(seed: s.records) { service, server in
            let refURL = server.baseURL + "adx_entitypermissions(\(s.permission.dataverseString))/adx_entitypermission_webrole/$ref"
            let assoc = try await HTTP.json(
                "POST", refURL, .object([("@odata.id", .string(server.baseURL + "adx_webroles(\(s.roles[0].dataverseString))"))]))
            #expect(assoc.status == 204)
            // From the other side, with a relative reference.
            let fromRole = try await HTTP.json(
                "POST", server.baseURL + "adx_webroles(\(s.roles[1].dataverseString))/adx_entitypermission_webrole/$ref",
                .object([("@odata.id", .string("adx_entitypermissions(\(s.permission.dataverseString))"))]))
            #expect(fromRole.status == 204)
            let links = try await service.retrieveLinks(relationship: "adx_entitypermission_webrole", firstIDs: nil)
            #expect(
                links == [
                    ManyToManyLink(EntityReference("adx_entitypermission", s.permission), EntityReference("adx_webrole", s.roles[0])),
                    ManyToManyLink(EntityReference("adx_entitypermission", s.permission), EntityReference("adx_webrole", s.roles[1])),
                ])
            let dup = try await HTTP.json("POST", refURL, .object([("@odata.id", .string("/adx_webroles(\(s.roles[0].dataverseString))"))]))
            #expect(dup.errorCode == "0x80040237")
            let missingRole = try await HTTP.json("POST", refURL, .object([("@odata.id", .string("/adx_webroles(\(UUID().dataverseString))"))]))
            #expect(missingRole.status == 404)
            let d1 = try await HTTP.send(
                "DELETE",
                server.baseURL
                    + "adx_entitypermissions(\(s.permission.dataverseString))/adx_entitypermission_webrole(\(s.roles[0].dataverseString))/$ref")
            #expect(d1.status == 204)
            let d2 = try await HTTP.send("DELETE", refURL + "?$id=" + HTTP.q(server.baseURL + "adx_webroles(\(s.roles[1].dataverseString))"))
            #expect(d2.status == 204)
            #expect(try await service.retrieveLinks(relationship: "adx_entitypermission_webrole", firstIDs: nil).isEmpty)
        }
    }

    @Test func fileColumnsSingleAndChunked() async throws {
        let component = UUID()
        try await withServer(seed: [EntityRecord("powerpagecomponent", id: component, columns: ["name": .string("logo.png")])]) { service, server in
            let url = server.baseURL + "powerpagecomponents(\(component.dataverseString))/filecontent"
            let bytes = Data((0..<10_000).map { UInt8($0 % 251) })
            let single = try await HTTP.send(
                "PATCH", url, headers: ["Content-Type": "application/octet-stream", "x-ms-file-name": "logo.png"], body: bytes)
            #expect(single.status == 204)
            let down = try await HTTP.get(url)
            #expect(down.status == 200)
            #expect(down.body == bytes)

            let big = Data((0..<25_000).map { UInt8($0 % 253) })
            let start = try await HTTP.send("PATCH", url + "?x-ms-file-name=big.bin", headers: ["x-ms-transfer-mode": "chunked"])
            #expect(start.status == 200)
            let location = try #require(start.header("Location"))
            #expect(start.header("x-ms-chunk-size") == "4194304")
            var offset = 0
            var statuses: [Int] = []
            while offset < big.count {
                let end = min(offset + 10_000, big.count)
                let r = try await HTTP.send(
                    "PATCH", location,
                    headers: [
                        "Content-Range": "bytes \(offset)-\(end - 1)/\(big.count)",
                        "Content-Type": "application/octet-stream", "x-ms-file-name": "big.bin",
                    ],
                    body: big.subdata(in: offset..<end))
                statuses.append(r.status)
                offset = end
            }
            #expect(statuses == [206, 206, 204])
            #expect(try await service.downloadFile(FileBodyKey("powerpagecomponent", component, "filecontent")) == big)

            let blocked = try await HTTP.send("PATCH", url, headers: ["x-ms-file-name": "evil.exe"], body: Data([1, 2, 3]))
            #expect(blocked.status == 400)
            #expect(blocked.errorCode == "0x80043e09")
        }
    }

    @Test func bypassPluginsHeaderReachesTheEnvironment() async throws {
        try await withServer { service, server in
            _ = try await HTTP.json(
                "POST", server.baseURL + "adx_websites", .object([("adx_name", .string("A"))]),
                headers: ["MSCRM.BypassCustomPluginExecution": "true"])
            _ = try await HTTP.json("POST", server.baseURL + "adx_websites", .object([("adx_name", .string("B"))]))
            let calls = await service.executeCalls
            #expect(calls.map(\.bypassCustomPlugins) == [true, false])
        }
    }
}

import Foundation
import PortalModel
import Testing
import TestSupport
@testable import EnvironmentServer

@Suite struct QueryTests {
    @Test func pagesThrough12000RecordsWithoutLossOrRepeats() async throws {
        let site = UUID()
        var records = [EntityRecord("adx_website", id: site, columns: ["adx_name": .string("Big")])]
        for i in 0..<12_000 {
            records.append(
                EntityRecord(
                    "adx_webpage", id: UUID(),
                    columns: [
                        "adx_name": .string("P\(i)"), "adx_displayorder": .integer(Int32(i)),
                        "adx_websiteid": .lookup(EntityReference("adx_website", site)),
                    ]))
        }
        let expected = Set(records.dropFirst().map(\.id))
        try await withServer(seed: records) { _, server in
            var url: String? = server.baseURL + "adx_webpages?$select=adx_name&$filter=_adx_websiteid_value%20eq%20\(site.dataverseString)"
            var seen = Set<UUID>()
            var pages = 0
            var links = Set<String>()
            while let u = url {
                let r = try await HTTP.get(u, headers: ["Prefer": "odata.maxpagesize=5000"])
                #expect(r.status == 200)
                #expect(r.header("Preference-Applied") == "odata.maxpagesize=5000")
                for v in try r.values() {
                    let id = try #require(UUID(dataverse: v["adx_webpageid"]?.stringValue ?? ""))
                    #expect(seen.insert(id).inserted, "record \(id) repeated")
                }
                url = try r.json()["@odata.nextLink"]?.stringValue
                if let u = url { #expect(links.insert(u).inserted); #expect(u.contains("$skiptoken=")) }
                pages += 1
            }
            #expect(pages == 3)
            #expect(seen == expected)
        }
    }

    @Test func everyFilterFormSelectsTheRightRecords() async throws {
        let s = SampleSite(pages: 10)
        try await withServer(seed: s.records) { _, server in
            func names(_ filter: String, extra: String = "") async throws -> [String] {
                let r = try await HTTP.get(
                    server.baseURL + "adx_webpages?$select=adx_name&$orderby=adx_displayorder&$filter=" + HTTP.q(filter) + extra)
                #expect(r.status == 200, "\(filter): \(r.text)")
                return try r.values().compactMap { $0["adx_name"]?.stringValue }
            }
            do { let v = try await names("adx_displayorder lt 3"); #expect(v == ["Home", "Page 1", "Page 2"]) }
            do { let v = try await names("adx_displayorder gt 7"); #expect(v == ["Page 8", "Page 9"]) }
            do { let v = try await names("adx_displayorder ge 8 or adx_displayorder le 0"); #expect(v == ["Home", "Page 8", "Page 9"]) }
            do { let v = try await names("adx_displayorder ne 0 and adx_hiddenfromsitemap eq true"); #expect(v == ["Page 3", "Page 6", "Page 9"]) }
            do { let v = try await names("not (adx_displayorder gt 1)"); #expect(v == ["Home", "Page 1"]) }
            do { let v = try await names("_adx_parentpageid_value eq null"); #expect(v == ["Home"]) }
            do { let v = try await names("_adx_parentpageid_value ne null"); #expect(v.count == 9) }
            do {
                let v = try await names("_adx_parentpageid_value eq \(s.pages[0].dataverseString) and adx_displayorder lt 3");
                #expect(v == ["Page 1", "Page 2"])
            }
            do { let v = try await names("_adx_websiteid_value eq '\(s.website.dataverseString)'"); #expect(v.count == 10) }
            do { let v = try await names("adx_webpageid eq \(s.pages[4].dataverseString)"); #expect(v == ["Page 4"]) }
            do { let v = try await names("contains(adx_name,'AGE 1')"); #expect(v == ["Page 1"]) }
            do { let v = try await names("startswith(adx_partialurl,'page-')"); #expect(v.count == 9) }
            do { let v = try await names("endswith(adx_name,'me')"); #expect(v == ["Home"]) }
            do { let v = try await names("adx_name eq 'home'"); #expect(v == ["Home"]) } // case-insensitive
            do {
                let v = try await names("Microsoft.Dynamics.CRM.In(PropertyName='adx_name',PropertyValues=['Page 2','Page 5'])");
                #expect(v == ["Page 2", "Page 5"])
            }
            do {
                let v = try await names(
                    "Microsoft.Dynamics.CRM.NotIn(PropertyName='adx_displayorder',PropertyValues=['0','1','2','3','4','5','6','7'])");
                #expect(v == ["Page 8", "Page 9"])
            }
            do {
                let v = try await names(
                    "Microsoft.Dynamics.CRM.In(PropertyName=@p1,PropertyValues=@p2)",
                    extra: "&@p1=" + HTTP.q("'adx_name'") + "&@p2=" + HTTP.q("[\"Page 7\"]"))
                #expect(v == ["Page 7"])
            }
            do { let v = try await names("modifiedon ge 2024-01-09T00:00:00Z"); #expect(v == ["Page 8", "Page 9"]) }
        }
    }

    @Test func selectOrderTopCountAndAnnotations() async throws {
        let s = SampleSite(pages: 6)
        try await withServer(seed: s.records) { _, server in
            let r = try await HTTP.get(
                server.baseURL + "adx_webpages?$select=adx_name,_adx_parentpageid_value&$orderby=adx_displayorder%20desc&$top=2&$count=true",
                headers: ["Prefer": "odata.include-annotations=\"*\""])
            #expect(r.status == 200)
            let body = try r.json()
            #expect(body["@odata.count"]?.intValue == 6)
            #expect(body["@odata.nextLink"] == nil)
            #expect(body["@odata.context"]?.stringValue == server.baseURL + "$metadata#adx_webpages(adx_name,_adx_parentpageid_value)")
            let rows = try r.values()
            #expect(rows.map { $0["adx_name"]?.stringValue } == ["Page 5", "Page 4"])
            let keys = rows[0].objectValue!.map(\.0)
            #expect(
                keys == [
                    "@odata.etag", "adx_name",
                    "_adx_parentpageid_value@OData.Community.Display.V1.FormattedValue",
                    "_adx_parentpageid_value@Microsoft.Dynamics.CRM.associatednavigationproperty",
                    "_adx_parentpageid_value@Microsoft.Dynamics.CRM.lookuplogicalname",
                    "_adx_parentpageid_value", "adx_webpageid",
                ])
            #expect(rows[0]["_adx_parentpageid_value@Microsoft.Dynamics.CRM.lookuplogicalname"]?.stringValue == "adx_webpage")
            #expect(rows[0]["_adx_parentpageid_value"]?.stringValue == s.pages[0].dataverseString)
            #expect(rows[0]["@odata.etag"]?.stringValue?.hasPrefix("W/\"") == true)
            // Without the Prefer header there are no annotations.
            let plain = try await HTTP.get(server.baseURL + "adx_webpages?$select=_adx_parentpageid_value&$top=1")
            #expect(try plain.values()[0].objectValue!.map(\.0) == ["@odata.etag", "_adx_parentpageid_value", "adx_webpageid"])
            // $top is ignored when odata.maxpagesize is sent (research/dataverse-webapi.md §2.2).
            let paged = try await HTTP.get(server.baseURL + "adx_webpages?$select=adx_name&$top=1", headers: ["Prefer": "odata.maxpagesize=4"])
            #expect(try paged.values().count == 4)
            #expect(try paged.json()["@odata.nextLink"] != nil)
        }
    }

    @Test func singleRecordPropertyEtagAndNotModified() async throws {
        let s = SampleSite(pages: 2)
        try await withServer(seed: s.records) { _, server in
            let url = server.baseURL + "adx_webpages(\(s.pages[1].dataverseString))"
            let r = try await HTTP.get(url + "?$select=adx_name,adx_displayorder")
            #expect(r.status == 200)
            let body = try r.json()
            #expect(body["@odata.context"]?.stringValue == server.baseURL + "$metadata#adx_webpages(adx_name,adx_displayorder)/$entity")
            #expect(body["adx_name"]?.stringValue == "Page 1")
            #expect(body["adx_displayorder"] == .number("1"))
            let etag = try #require(r.header("ETag"))
            let again = try await HTTP.get(url + "?$select=adx_name", headers: ["If-None-Match": etag])
            #expect(again.status == 304)
            let prop = try await HTTP.get(url + "/adx_partialurl")
            #expect(try prop.json()["value"]?.stringValue == "page-1")
            let raw = try await HTTP.get(url + "/adx_partialurl/$value")
            #expect(raw.text == "page-1")
            let alt = try await HTTP.get(server.baseURL + "adx_webpages(adx_partialurl='page-1')?$select=adx_name")
            #expect(try alt.json()["adx_webpageid"]?.stringValue == s.pages[1].dataverseString)
            let missing = try await HTTP.get(server.baseURL + "adx_webpages(\(UUID().dataverseString))")
            #expect(missing.status == 404)
            #expect(missing.errorCode == "0x80040217")
        }
    }

    @Test func functionsOrganizationAndServiceDocument() async throws {
        try await withServer { service, server in
            let who = try await HTTP.get(server.baseURL + "WhoAmI()")
            #expect(who.status == 200)
            let org = try await service.organizationInfo()
            #expect(try who.json()["OrganizationId"]?.stringValue == org.organizationID.dataverseString)
            let version = try await HTTP.get(server.baseURL + "RetrieveVersion()")
            #expect(try version.json()["Version"]?.stringValue == "9.2.0.0")
            let orgs = try await HTTP.get(server.baseURL + "organizations?$select=languagecode,blockedattachments,maxuploadfilesize")
            let row = try #require(try orgs.values().first)
            #expect(row["languagecode"] == .number("1033"))
            #expect(row["blockedattachments"]?.stringValue == "exe;js")
            #expect(row["maxuploadfilesize"] == .number("5242880"))
            let doc = try await HTTP.get(server.baseURL)
            #expect(try doc.values().contains { $0["name"]?.stringValue == "adx_webpages" })
            #expect(doc.header("x-ms-dop-hint") == "4")
        }
    }
}

import Foundation
import PortalModel
import Testing
import TestSupport
@testable import EnvironmentServer

@Suite struct BatchTests {
    /// 1,000 operations: nine change sets of 100 creates and one of 100 whose last create repeats an
    /// id. With continue-on-error the failing change set is rolled back whole and the others are applied.
    @Test func thousandOperationsWithAFailingChangeSetRolledBack() async throws {
        let s = SampleSite(pages: 0)
        try await withServer(seed: s.records) { service, server in
            var batch = BatchBuilder()
            var ids: [[UUID]] = []
            for set in 0..<10 {
                var ops: [(method: String, url: String, body: String?, contentID: String?)] = []
                var setIDs: [UUID] = []
                for i in 0..<100 {
                    let id = (set == 6 && i == 99) ? setIDs[0] : UUID()
                    if !(set == 6 && i == 99) { setIDs.append(id) }
                    let body =
                        "{\"adx_webpageid\":\"\(id.dataverseString)\",\"adx_name\":\"S\(set) P\(i)\",\"adx_websiteid@odata.bind\":\"/adx_websites(\(s.website.dataverseString))\"}"
                    ops.append(("POST", server.baseURL + "adx_webpages", body, "\(set * 100 + i + 1)"))
                }
                ids.append(setIDs)
                batch.items.append(.changeSet(ops))
            }
            let r = try await HTTP.send(
                "POST", server.baseURL + "$batch",
                headers: ["Content-Type": batch.contentType, "Prefer": "odata.continue-on-error"], body: batch.render())
            #expect(r.status == 200)
            let parts = parseBatchResponse(r.text, contentType: r.header("Content-Type"))
            #expect(parts.filter { $0.status == 204 }.count == 900)
            let failures = parts.filter { $0.status >= 400 }
            #expect(failures.count == 1)
            #expect(failures.first?.contentID == "700")
            #expect(failures.first?.body.contains("0x80040237") == true)
            #expect(await service.count("adx_webpage") == 900)
            for (set, setIDs) in ids.enumerated() {
                for id in setIDs {
                    let present = await service.record("adx_webpage", id) != nil
                    #expect(present == (set != 6))
                }
            }
        }
    }

    @Test func contentIDReferencesGetsAndStopOnFirstError() async throws {
        let s = SampleSite(pages: 1)
        try await withServer(seed: s.records) { service, server in
            var batch = BatchBuilder()
            batch.lineEnd = "\n" // LF line ends are accepted too
            batch.items = [
                .changeSet([
                    ("POST", "/api/data/v9.2/adx_webpages", "{\"adx_name\":\"Parent\"}", "1"),
                    ("POST", "adx_webpages", "{\"adx_name\":\"Child\",\"adx_parentpageid@odata.bind\":\"$1\"}", "2"),
                    ("PATCH", "$1", "{\"adx_partialurl\":\"parent\"}", "3"),
                ]),
                .request(
                    method: "GET", url: server.baseURL + "adx_webpages?$select=adx_name&$filter=adx_name%20eq%20'Child'", body: nil, contentID: nil),
                .request(method: "DELETE", url: "adx_webpages(\(UUID().dataverseString))", body: nil, contentID: nil),
                .request(method: "GET", url: "adx_webpages", body: nil, contentID: nil),
            ]
            let r = try await HTTP.send("POST", server.baseURL + "$batch", headers: ["Content-Type": batch.contentType], body: batch.render())
            #expect(r.status == 200)
            let parts = parseBatchResponse(r.text, contentType: r.header("Content-Type"))
            #expect(parts.map(\.status) == [204, 204, 204, 200, 404], "\(r.text)") // stops after the failed DELETE
            #expect(parts.prefix(3).allSatisfy { $0.inChangeSet })
            #expect(parts.prefix(3).map(\.contentID) == ["1", "2", "3"])
            let child = try JSONValue.parse(parts[3].body)["value"]?.arrayValue?.first
            let childID = try #require(child?["adx_webpageid"]?.stringValue.flatMap { UUID(dataverse: $0) })
            let stored = try #require(await service.record("adx_webpage", childID))
            let parentID = try #require(stored.lookupID("adx_parentpageid"))
            #expect(await service.record("adx_webpage", parentID)?.columns["adx_partialurl"] == .string("parent"))
        }
    }

    @Test func forwardContentIDAndGetInChangeSetAreRefused() async throws {
        try await withServer { service, server in
            var batch = BatchBuilder()
            batch.items = [
                .changeSet([
                    ("POST", "adx_webpages", "{\"adx_name\":\"A\",\"adx_parentpageid@odata.bind\":\"$2\"}", "1"),
                    ("POST", "adx_webpages", "{\"adx_name\":\"B\"}", "2"),
                ])
            ]
            let r = try await HTTP.send("POST", server.baseURL + "$batch", headers: ["Content-Type": batch.contentType], body: batch.render())
            let parts = parseBatchResponse(r.text, contentType: r.header("Content-Type"))
            #expect(parts.count == 1, "\(r.status) \(r.text)")
            #expect(parts.first?.status == 400)
            #expect(parts.first?.body.contains("Content-ID Reference: '$2' does not exist in the batch context.") == true)
            #expect(await service.count("adx_webpage") == 0)
        }
    }

    @Test func moreThanAThousandRequestsIsRefused() async throws {
        try await withServer { _, server in
            var batch = BatchBuilder()
            batch.items = (0..<1001).map { _ in .request(method: "GET", url: "WhoAmI()", body: nil, contentID: nil) }
            let r = try await HTTP.send("POST", server.baseURL + "$batch", headers: ["Content-Type": batch.contentType], body: batch.render())
            #expect(r.status == 400)
            #expect(r.errorCode == "0x0")
        }
    }
}

@Suite struct MultipartTests {
    @Test func parsesBuilderOutputWithCRLFAndLF() throws {
        for lineEnd in ["\r\n", "\n"] {
            var b = BatchBuilder()
            b.lineEnd = lineEnd
            b.items = [
                .changeSet([("POST", "adx_webpages", "{\"a\":\"$2\"}", "1"), ("POST", "adx_webpages", "{}", "2")]),
                .request(method: "GET", url: "WhoAmI()", body: nil, contentID: nil),
            ]
            let text = String(decoding: b.render(), as: UTF8.self)
            let parts = try Multipart.parse(text, boundary: b.boundary)
            #expect(parts.count == 2, "\(text.debugDescription)")
            let inner = try #require(Multipart.boundary(of: parts.first?.headers["content-type"]))
            let ops = try Multipart.parse(parts[0].body, boundary: inner)
            #expect(ops.count == 2, "\(parts[0].body.debugDescription)")
        }
    }
}

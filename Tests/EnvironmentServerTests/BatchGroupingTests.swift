import Foundation
import PortalModel
import Testing
import TestSupport
@testable import EnvironmentServer

/// Independent writes of a continue-on-error `$batch` are executed together as one non-atomic change
/// set (performance, issue 11). The answers must be those of running the requests one after another.
@Suite struct BatchGroupingTests {
    func page(_ id: UUID, _ name: String, site: UUID, parent: UUID? = nil) -> String {
        var body =
            "{\"adx_webpageid\":\"\(id.dataverseString)\",\"adx_name\":\"\(name)\",\"adx_websiteid@odata.bind\":\"/adx_websites(\(site.dataverseString))\""
        if let parent { body += ",\"adx_parentpageid@odata.bind\":\"/adx_webpages(\(parent.dataverseString))\"" }
        return body + "}"
    }

    /// Creates, a duplicate create, a lookup to a record created earlier in the same batch, an update
    /// and a delete of a record written earlier in the batch, a delete of a missing record and an N:N
    /// link: each part answers as it would on its own, failures do not stop or undo the others, and
    /// the independent writes reach the service in fewer `execute` calls than requests.
    @Test func independentWritesAnswerAsIfSentOneByOne() async throws {
        let s = SampleSite(pages: 0)
        try await withServer(seed: s.records) { service, server in
            let a = UUID(), b = UUID(), c = UUID(), d = UUID(), missing = UUID()
            var batch = BatchBuilder()
            batch.items = [
                .request(method: "POST", url: "adx_webpages", body: page(a, "A", site: s.website), contentID: "1"),
                .request(method: "POST", url: "adx_webpages", body: page(b, "B", site: s.website), contentID: "2"),
                .request(method: "POST", url: "adx_webpages", body: page(a, "A again", site: s.website), contentID: "3"),
                // Its lookup names A, written earlier in this batch.
                .request(method: "POST", url: "adx_webpages", body: page(c, "C", site: s.website, parent: a), contentID: "4"),
                .request(method: "PATCH", url: "adx_webpages(\(b.dataverseString))", body: "{\"adx_name\":\"B renamed\"}", contentID: "5"),
                .request(method: "DELETE", url: "adx_webpages(\(missing.dataverseString))", body: nil, contentID: "6"),
                .request(method: "POST", url: "adx_webpages", body: page(d, "D", site: s.website), contentID: "7"),
                .request(method: "DELETE", url: "adx_webpages(\(d.dataverseString))", body: nil, contentID: "8"),
                .request(
                    method: "POST", url: "adx_entitypermissions(\(s.permission.dataverseString))/adx_entitypermission_webrole/$ref",
                    body: "{\"@odata.id\":\"adx_webroles(\(s.roles[0].dataverseString))\"}", contentID: "9"),
                .request(
                    method: "POST", url: "adx_entitypermissions(\(s.permission.dataverseString))/adx_entitypermission_webrole/$ref",
                    body: "{\"@odata.id\":\"adx_webroles(\(s.roles[0].dataverseString))\"}", contentID: "10"),
            ]
            let calls = await service.executeCalls.count
            let r = try await HTTP.send(
                "POST", server.baseURL + "$batch",
                headers: ["Content-Type": batch.contentType, "Prefer": "odata.continue-on-error"], body: batch.render())
            #expect(r.status == 200)
            let parts = parseBatchResponse(r.text, contentType: r.header("Content-Type"))
            #expect(parts.map(\.contentID) == (1...10).map(String.init), "\(r.text)")
            #expect(parts.map(\.status) == [204, 204, 412, 204, 204, 404, 204, 204, 204, 412], "\(r.text)")
            #expect(parts[2].body.contains("0x80040237"))
            #expect(parts[5].body.contains("0x80040217"))
            #expect(await service.record("adx_webpage", a)?.columns["adx_name"] == .string("A"))
            #expect(await service.record("adx_webpage", b)?.columns["adx_name"] == .string("B renamed"))
            #expect(await service.record("adx_webpage", c)?.lookupID("adx_parentpageid") == a)
            #expect(await service.record("adx_webpage", d) == nil)
            #expect(await service.count("adx_webpage") == 3)
            #expect(try await service.retrieveLinks(relationship: "adx_entitypermission_webrole", firstIDs: nil).count == 1)
            let executed = await service.executeCalls.count - calls
            #expect(executed < 10, "the writes were executed one by one (\(executed) calls)")
        }
    }

    /// Without continue-on-error processing still stops at the first failure, and nothing after it is
    /// written.
    @Test func withoutContinueOnErrorStopsAtTheFirstFailure() async throws {
        let s = SampleSite(pages: 0)
        try await withServer(seed: s.records) { service, server in
            let a = UUID(), b = UUID()
            var batch = BatchBuilder()
            batch.items = [
                .request(method: "POST", url: "adx_webpages", body: page(a, "A", site: s.website), contentID: "1"),
                .request(method: "POST", url: "adx_webpages", body: page(a, "A again", site: s.website), contentID: "2"),
                .request(method: "POST", url: "adx_webpages", body: page(b, "B", site: s.website), contentID: "3"),
            ]
            let r = try await HTTP.send("POST", server.baseURL + "$batch", headers: ["Content-Type": batch.contentType], body: batch.render())
            let parts = parseBatchResponse(r.text, contentType: r.header("Content-Type"))
            #expect(parts.map(\.status) == [204, 412], "\(r.text)")
            #expect(await service.record("adx_webpage", b) == nil)
        }
    }
}

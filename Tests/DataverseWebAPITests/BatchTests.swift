import Foundation
import Testing
@testable import DataverseWebAPI
import PortalModel

/// `$batch` encoding and response mapping (research/dataverse-webapi.md §4).
@Suite struct BatchTests {
    @Test func encodesChangeSetAndRequestAsTheNoteShows() {
        let enc = BatchRequestEncoder(batchID: "AAA123", changeSetID: { _ in "BBB456" })
        let body = String(
            decoding: enc.encode([
                .changeSet([
                    BatchItem(
                        method: "POST", url: "https://org.crm.dynamics.com/api/data/v9.2/adx_webpages", body: #"{"adx_name":"A"}"#, contentID: "1"),
                    BatchItem(method: "PATCH", url: "$1", body: #"{"adx_name":"B"}"#, contentID: "2"),
                ]),
                .request(
                    BatchItem(
                        method: "GET", url: "https://org.crm.dynamics.com/api/data/v9.2/adx_webpages?$select=adx_name",
                        headers: [("Accept", "application/json")])),
            ]), as: UTF8.self)
        #expect(enc.contentType == "multipart/mixed;boundary=batch_AAA123")
        let expected = [
            "--batch_AAA123",
            "Content-Type: multipart/mixed;boundary=changeset_BBB456",
            "",
            "--changeset_BBB456",
            "Content-Type: application/http",
            "Content-Transfer-Encoding:binary",
            "Content-ID: 1",
            "",
            "POST https://org.crm.dynamics.com/api/data/v9.2/adx_webpages HTTP/1.1",
            "Content-Type: application/json;type=entry",
            "",
            #"{"adx_name":"A"}"#,
            "--changeset_BBB456",
            "Content-Type: application/http",
            "Content-Transfer-Encoding:binary",
            "Content-ID: 2",
            "",
            "PATCH $1 HTTP/1.1",
            "Content-Type: application/json;type=entry",
            "",
            #"{"adx_name":"B"}"#,
            "--changeset_BBB456--",
            "--batch_AAA123",
            "Content-Type: application/http",
            "Content-Transfer-Encoding:binary",
            "",
            "GET https://org.crm.dynamics.com/api/data/v9.2/adx_webpages?$select=adx_name HTTP/1.1",
            "Accept: application/json",
            "",
            "--batch_AAA123--",
            "",
        ].joined(separator: "\r\n")
        #expect(body == expected)
    }

    /// §4.2's response example (LF line endings, as the doc prints it).
    static let noteResponse = """
        --batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f
        Content-Type: multipart/mixed; boundary=changesetresponse_ff83b4f1-ab48-430c-b81c-926a2c596abb

        --changesetresponse_ff83b4f1-ab48-430c-b81c-926a2c596abb
        Content-Type: application/http
        Content-Transfer-Encoding: binary
        Content-ID: 1

        HTTP/1.1 204 No Content
        OData-Version: 4.0
        Location: https://org.crm.dynamics.com/api/data/v9.2/adx_webpages(a59c24f3-0000-0000-0000-000000000001)
        OData-EntityId: https://org.crm.dynamics.com/api/data/v9.2/adx_webpages(a59c24f3-0000-0000-0000-000000000001)

        --changesetresponse_ff83b4f1-ab48-430c-b81c-926a2c596abb--
        --batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f
        Content-Type: application/http
        Content-Transfer-Encoding: binary

        HTTP/1.1 200 OK
        Content-Type: application/json; odata.metadata=minimal
        OData-Version: 4.0

        {"@odata.context":"...","value":[]}
        --batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f--
        """

    @Test func parsesTheNoteResponse() throws {
        for text in [Self.noteResponse, Self.noteResponse.replacingOccurrences(of: "\n", with: "\r\n")] {
            let items = try BatchResponseParser.parse(
                contentType: "multipart/mixed; boundary=\"batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f\"",
                body: Data(text.utf8))
            #expect(items.count == 2)
            #expect(items[0].contentID == "1")
            #expect(items[0].status == 204)
            #expect(items[0].inChangeSet)
            #expect(items[0].header("OData-EntityId")?.hasSuffix("(a59c24f3-0000-0000-0000-000000000001)") == true)
            #expect(items[1].status == 200)
            #expect(!items[1].inChangeSet)
            #expect(String(decoding: items[1].body, as: UTF8.self) == #"{"@odata.context":"...","value":[]}"#)
        }
        #expect(throws: BatchResponseParseError.self) { try BatchResponseParser.parse(contentType: "application/json", body: Data()) }
    }

    /// A failed change set: one error part carrying the failing operation's Content-ID.
    @Test func atomicFailureMapsToTheFailingOperationAndRollsBackTheRest() async throws {
        let (client, transport) = try Fixtures.client { r, _ in
            let text = r.bodyText
            // The second operation (Content-ID 2) fails.
            #expect(text.contains("Content-ID: 1") && text.contains("Content-ID: 2") && text.contains("Content-ID: 3"))
            let body = """
                --batchresponse_x\r
                Content-Type: multipart/mixed; boundary=changesetresponse_y\r
                \r
                --changesetresponse_y\r
                Content-Type: application/http\r
                Content-Transfer-Encoding: binary\r
                Content-ID: 2\r
                \r
                HTTP/1.1 412 Precondition Failed\r
                Content-Type: application/json; odata.metadata=minimal\r
                \r
                {"error":{"code":"0x80040237","message":"A record with matching key values already exists."}}\r
                --changesetresponse_y--\r
                --batchresponse_x--\r

                """
            return HTTPResponseMessage(status: 200, headers: [("Content-Type", "multipart/mixed; boundary=batchresponse_x")], body: Data(body.utf8))
        }
        let a = EntityRecord("adx_website", id: UUID(), columns: ["adx_name": .string("a")])
        let b = EntityRecord("adx_website", id: UUID(), columns: ["adx_name": .string("b")])
        let c = EntityRecord("adx_website", id: UUID(), columns: ["adx_name": .string("c")])
        let results = try await client.execute([ChangeSet([.create(a), .create(b), .create(c)], atomic: true)], options: ExecuteOptions())
        #expect(results.count == 3)
        #expect(results[1].error?.code == DataverseError.Code.duplicateRecord)
        #expect(results[1].error?.httpStatus == 412)
        #expect(results[1].error?.recordID == b.id)
        #expect(results[0].error?.code == DataverseError.Code.rolledBack)
        #expect(results[2].error?.code == DataverseError.Code.rolledBack)
        let sent = try #require(transport.dataRequests.first)
        #expect(sent.url.absoluteString == "https://org.crm.dynamics.com/api/data/v9.2/$batch")
        #expect(sent.header("Content-Type")?.hasPrefix("multipart/mixed;boundary=batch_") == true)
        #expect(sent.bodyText.contains("Content-Type: multipart/mixed;boundary=changeset_"))
    }

    @Test func independentBatchMapsPartsByContentIDAndRetriesThrottledParts() async throws {
        let (client, transport) = try Fixtures.client { r, n in
            if r.url.lastPathComponent == "$batch" {
                #expect(r.header("Prefer") == "odata.continue-on-error")
                let body = """
                    --batchresponse_z
                    Content-Type: application/http
                    Content-ID: 2

                    HTTP/1.1 404 Not Found
                    Content-Type: application/json

                    {"error":{"code":"0x80040217","message":"adx_website With Id = x Does Not Exist"}}
                    --batchresponse_z
                    Content-Type: application/http
                    Content-ID: 1

                    HTTP/1.1 204 No Content

                    --batchresponse_z
                    Content-Type: application/http
                    Content-ID: 3

                    HTTP/1.1 503 Service Unavailable

                    --batchresponse_z--
                    """
                return HTTPResponseMessage(
                    status: 200, headers: [("Content-Type", "multipart/mixed; boundary=batchresponse_z")], body: Data(body.utf8))
            }
            return HTTPResponseMessage(status: 204) // the re-sent third operation
        }
        let ids = (0..<3).map { _ in UUID() }
        let ops: [DataverseOperation] = ids.map { .create(EntityRecord("adx_website", id: $0, columns: ["adx_name": .string("n")])) }
        let results = try await client.execute([ChangeSet(ops, atomic: false)], options: ExecuteOptions(continueOnError: true))
        #expect(results[0].isSuccess)
        #expect(results[1].error?.code == DataverseError.Code.objectDoesNotExist)
        #expect(results[1].error?.recordID == ids[1])
        #expect(results[2].isSuccess)
        // The throttled create was re-sent on its own as an upsert by id.
        let resent = try #require(transport.dataRequests.last)
        #expect(resent.method == "PATCH")
        #expect(resent.url.absoluteString.hasSuffix("adx_websites(\(ids[2].dataverseString))"))
    }
}

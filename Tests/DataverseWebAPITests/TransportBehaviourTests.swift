import Foundation
import Testing
@testable import DataverseWebAPI
import PortalModel

/// Throttling, retries, token refresh and paging against a scripted transport.
@Suite struct TransportBehaviourTests {
    struct Dropped: Error {}

    @Test func waitsRetryAfterOn429() async throws {
        let (client, transport) = try Fixtures.client { _, n in
            if n == 0 {
                return Fixtures.json(
                    #"{"error":{"code":"0x80072322","message":"Number of requests exceeded the limit of 6000 over time window of 300 seconds."}}"#,
                    status: 429, headers: [("Retry-After", "1")])
            }
            return Fixtures.json(
                #"{"BusinessUnitId":"ded5a64f-0000-0000-0000-000000000001","UserId":"d96e9f55-0000-0000-0000-000000000002","OrganizationId":"4faf1f34-0000-0000-0000-000000000003"}"#
            )
        }
        let start = ContinuousClock.now
        _ = try await client.whoAmI()
        let waited = ContinuousClock.now - start
        #expect(waited >= .seconds(1))
        #expect(transport.requests.count == 2)
    }

    @Test func retriedCreateIsSentAsUpsertAfter5xxAndDroppedConnection() async throws {
        let (client, transport) = try Fixtures.client(batchSize: 1) { _, n in
            if n == 0 { return Fixtures.json(#"{"error":{"code":"0x80040216","message":"boom"}}"#, status: 503) }
            if n == 1 { throw Dropped() }
            return HTTPResponseMessage(status: 204)
        }
        let rec = EntityRecord("adx_website", id: Fixtures.website, columns: ["adx_name": .string("Site")])
        let results = try await client.execute([.create(rec)])
        #expect(results.first?.isSuccess == true)
        let rs = transport.dataRequests
        #expect(rs.map(\.method) == ["POST", "PATCH", "PATCH"])
        #expect(rs[1].url.absoluteString == "https://org.crm.dynamics.com/api/data/v9.2/adx_websites(5f2c0000-0000-0000-0000-000000000001)")
        #expect(rs[1].header("If-Match") == nil)
    }

    @Test func givesUpWithATransportErrorNamingTheRequest() async throws {
        let (client, _) = try Fixtures.client(
            retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1), maxDelay: .milliseconds(2)),
            batchSize: 1
        ) { _, _ in throw Dropped() }
        let results = try await client.execute([.delete("adx_website", Fixtures.website)])
        let e = try #require(results.first?.error)
        #expect(e.code == DataverseError.Code.transport)
        #expect(e.method == "DELETE")
        #expect(e.path == "/api/data/v9.2/adx_websites(5f2c0000-0000-0000-0000-000000000001)")
        #expect(e.recordID == Fixtures.website)
    }

    actor CountingProvider: TokenProvider {
        var calls: [Bool] = []
        func token(forceRefresh: Bool) async throws -> String? {
            calls.append(forceRefresh)
            return forceRefresh ? "fresh" : (calls.contains(true) ? "fresh" : "stale")
        }
    }

    @Test func refreshesTheTokenOnceOn401() async throws {
        let provider = CountingProvider()
        let (client, transport) = try Fixtures.client(token: provider) { r, _ in
            if r.header("Authorization") == "Bearer stale" { return Fixtures.json(#"{"error":{"code":"","message":"expired"}}"#, status: 401) }
            return Fixtures.json(
                #"{"BusinessUnitId":"ded5a64f-0000-0000-0000-000000000001","UserId":"d96e9f55-0000-0000-0000-000000000002","OrganizationId":"4faf1f34-0000-0000-0000-000000000003"}"#
            )
        }
        _ = try await client.whoAmI()
        #expect(transport.requests.map { $0.header("Authorization") } == ["Bearer stale", "Bearer fresh"])
        #expect(await provider.calls.filter { $0 }.count == 1)

        // A second 401 is not refreshed again: it is reported.
        let (always, t2) = try Fixtures.client(token: StaticTokenProvider("x")) { _, _ in
            Fixtures.json(#"{"error":{"code":"","message":"The user is not authenticated"}}"#, status: 401)
        }
        await #expect(throws: DataverseError.self) { _ = try await always.whoAmI() }
        #expect(t2.requests.count == 2)
    }

    @Test func followsNextLinksAndStopsOnARepeat() async throws {
        let (client, transport) = try Fixtures.client { r, _ in
            let skip = r.url.absoluteString.contains("skiptoken")
            let id = skip ? "70bf4d48-34cb-ed11-b596-0022481d68cd" : "78914942-34cb-ed11-b596-0022481d68cd"
            let next = "https://org.crm.dynamics.com/api/data/v9.2/adx_webpages?$select=adx_name&$skiptoken=%3Ccookie%20pagenumber=%222%22%20/%3E"
            return Fixtures.json(#"{"value":[{"adx_webpageid":"\#(id)","adx_name":"p"}],"@odata.nextLink":"\#(next)"}"#)
        }
        await #expect(throws: DataverseError.self) {
            _ = try await client.retrieveAll(RecordQuery("adx_webpage", columns: ["adx_name"]), pageSize: 1)
        }
        let rs = transport.dataRequests
        // Page 1 names page 2; page 2 names itself again: the repeat ends the read.
        #expect(rs.count == 2)
        // The next link is sent back unchanged, with the page size preference.
        #expect(
            rs[1].url.absoluteString
                == "https://org.crm.dynamics.com/api/data/v9.2/adx_webpages?$select=adx_name&$skiptoken=%3Ccookie%20pagenumber=%222%22%20/%3E")
        #expect(rs[1].header("Prefer")?.hasPrefix("odata.maxpagesize=1") == true)

        let (c2, t2) = try Fixtures.client { _, _ in Fixtures.json(#"{"value":[]}"#) }
        await #expect(throws: DataverseError.self) {
            _ = try await c2.retrieve(
                RecordQuery("adx_webpage"), pageSize: 10, page: "https://evil.example.com/api/data/v9.2/adx_webpages?$skiptoken=1")
        }
        #expect(t2.dataRequests.isEmpty)
    }

    @Test func followsTheDOPHintWithinTheBound() async throws {
        let gate = ConcurrencyGate(initial: 4, maximum: 6)
        await gate.applyHint("50")
        #expect(await gate.limit == 6)
        await gate.applyHint("2")
        #expect(await gate.limit == 2)
        await gate.applyHint("x")
        #expect(await gate.limit == 2)
        let (client, _) = try Fixtures.client { _, _ in
            Fixtures.json(
                #"{"BusinessUnitId":"ded5a64f-0000-0000-0000-000000000001","UserId":"d96e9f55-0000-0000-0000-000000000002","OrganizationId":"4faf1f34-0000-0000-0000-000000000003"}"#,
                headers: [("x-ms-dop-hint", "3")])
        }
        _ = try await client.whoAmI()
        #expect(await client.gate.limit == 3)
    }

    @Test func refusesPlainHTTPOutsideLoopback() {
        #expect(throws: DataverseError.self) { _ = try WebAPIClient(environmentURL: URL(string: "http://org.crm.dynamics.com")!) }
        #expect(throws: Never.self) { _ = try WebAPIClient(environmentURL: URL(string: "http://127.0.0.1:5555")!) }
        #expect(throws: Never.self) { _ = try WebAPIClient(environmentURL: URL(string: "https://org.crm4.dynamics.com")!) }
    }
}

import Foundation
import Testing
@testable import DataverseWebAPI
import PortalModel

/// `PowerPagesAdminClient` (issue 22) against a scripted transport: the exact requests it sends, how it
/// follows operations and which clouds it picks (research/code-sites-and-admin-api.md Part B).
@Suite struct AdminClientTests {
    static func json(_ text: String, status: Int = 200, headers: [(String, String)] = []) -> HTTPResponseMessage {
        HTTPResponseMessage(status: status, headers: [("Content-Type", "application/json")] + headers.map { ($0.0, $0.1) }, body: Data(text.utf8))
    }

    /// Counts token requests and refreshes.
    actor CountingTokens: TokenProvider {
        var refreshes = 0
        func token(forceRefresh: Bool) async throws -> String? {
            if forceRefresh { refreshes += 1 }
            return "tok-\(refreshes)"
        }
    }

    @Test func cloudsFollowTheEnvironmentDomain() {
        #expect(PowerPlatformCloud.forEnvironment(URL(string: "https://org.crm.dynamics.com")!) == .commercial)
        #expect(PowerPlatformCloud.forEnvironment(URL(string: "https://org.crm4.dynamics.com")!) == .commercial)
        #expect(PowerPlatformCloud.forEnvironment(URL(string: "https://org.crm9.dynamics.com")!) == .gcc)
        #expect(PowerPlatformCloud.forEnvironment(URL(string: "https://org.crm.microsoftdynamics.us")!) == .gccHigh)
        #expect(PowerPlatformCloud.forEnvironment(URL(string: "https://org.crm.appsplatform.us")!) == .dod)
        #expect(PowerPlatformCloud.forEnvironment(URL(string: "https://org.crm.dynamics.cn")!) == .china)
        #expect(PowerPlatformCloud.commercial.scope == "https://api.powerplatform.com/.default")
        #expect(PowerPlatformCloud.gcc.scope == "https://api.gov.powerplatform.microsoft.us/.default")
        let loop = PowerPlatformCloud.forEnvironment(URL(string: "http://127.0.0.1:5555/api/data/v9.2/")!)
        #expect(loop.apiBase.absoluteString == "http://127.0.0.1:5555" && loop.audience == "http://127.0.0.1:5555/powerpages")
        #expect(PowerPlatformCloud.forAPIURL(URL(string: "https://api.high.powerplatform.microsoft.us/")!) == .gccHigh)
    }

    @Test func createSendsTheDocumentedRequestAndResolvesTheOperationLocation() async throws {
        let org = UUID(), record = UUID()
        let transport = ScriptedTransport { _, _ in
            HTTPResponseMessage(status: 202, headers: [("Operation-Location", "/powerpages/environments/env-1/operations/op-1")])
        }
        let client = PowerPagesAdminClient(cloud: .commercial, environmentID: "env-1", tokenProvider: StaticTokenProvider("t"), transport: transport)
        let location = try await client.createWebsite(
            CreateWebsiteRequest(
                name: "Contoso", subdomain: "contoso", templateName: "DefaultPortalTemplate",
                dataverseOrganizationId: org, selectedBaseLanguage: 1033, websiteRecordId: record))
        #expect(
            location.absoluteString == "https://api.powerplatform.com/powerpages/environments/env-1/operations/op-1?api-version=2022-03-01-preview")
        let sent = try #require(transport.requests.first)
        #expect(sent.method == "POST")
        #expect(sent.url.absoluteString == "https://api.powerplatform.com/powerpages/environments/env-1/websites?api-version=2024-10-01")
        #expect(sent.header("Authorization") == "Bearer t" && sent.header("Content-Type") == "application/json")
        let body = try JSONValue.parse(try #require(sent.body))
        #expect(body["name"]?.stringValue == "Contoso" && body["subdomain"]?.stringValue == "contoso")
        #expect(body["templateName"]?.stringValue == "DefaultPortalTemplate" && body["selectedBaseLanguage"]?.intValue == 1033)
        #expect(body["dataverseOrganizationId"]?.stringValue == org.uuidString.lowercased())
        #expect(body["websiteRecordId"]?.stringValue == record.uuidString.lowercased())
    }

    @Test func anOperationLocationOnAnotherOriginIsNotFollowed() async throws {
        let transport = ScriptedTransport { _, _ in
            HTTPResponseMessage(status: 202, headers: [("Operation-Location", "https://elsewhere.example.com/op/1")])
        }
        let client = PowerPagesAdminClient(cloud: .commercial, environmentID: "e", tokenProvider: NoTokenProvider(), transport: transport)
        await #expect(throws: PowerPagesAdminError.self) { _ = try await client.deleteWebsite(id: "site-1") }
        #expect(transport.requests.count == 1 && transport.requests[0].method == "DELETE")
    }

    @Test func waitingReadsEveryStatusSpellingAndRetriesFailedPolls() async throws {
        let record = UUID()
        let transport = ScriptedTransport { _, n in
            switch n {
            case 0: return Self.json(#"{"status":"OperationInProgress"}"#, headers: [("Retry-After", "0")])
            case 1: return Self.json(#"{"error":{"code":"Busy","message":"try later"}}"#, status: 503)
            case 2: return Self.json(#"{"operationStatus":"Running"}"#, headers: [("Retry-After", "0")])
            default:
                return Self.json(#"{"Status":"Succeeded","WebsiteUrl":"https://x.powerappsportals.com","WebsiteRecordId":"\#(record.uuidString)"}"#)
            }
        }
        let client = PowerPagesAdminClient(cloud: .commercial, environmentID: "e", tokenProvider: NoTokenProvider(), transport: transport)
        let seen = Seen()
        let done = try await client.wait(
            for: URL(string: "https://api.powerplatform.com/op/1?api-version=x")!, action: "create",
            interval: .milliseconds(1)
        ) { state, _ in seen.add(state.status) }
        #expect(done.phase == .succeeded && done.websiteRecordId == record.uuidString && done.websiteUrl == "https://x.powerappsportals.com")
        #expect(seen.all == ["OperationInProgress", "Running", "Succeeded"])
        #expect(transport.requests.count == 4)
    }

    @Test func aFailedOperationNamesItsError() async throws {
        let transport = ScriptedTransport { _, _ in
            Self.json(#"{"status":"OperationFailed","error":{"code":"ProvisioningFailed","message":"quota reached"}}"#)
        }
        let client = PowerPagesAdminClient(cloud: .commercial, environmentID: "e", tokenProvider: NoTokenProvider(), transport: transport)
        do {
            _ = try await client.wait(
                for: URL(string: "https://api.powerplatform.com/op/1")!, action: "creating site 'X'", interval: .milliseconds(1))
            Issue.record("a failed operation must throw")
        } catch let e as AdminOperationFailure {
            #expect(!e.timedOut)
            #expect(e.description.contains("failed after it started") && e.description.contains("ProvisioningFailed: quota reached"), "\(e)")
        }
    }

    @Test func a401RefreshesTheTokenOnceAndListsFollowNextLinksOnTheSameOrigin() async throws {
        let tokens = CountingTokens()
        let transport = ScriptedTransport { request, n in
            if n == 0 { return Self.json(#"{"error":{"code":"ExpiredToken","message":"expired"}}"#, status: 401) }
            if request.url.query?.contains("skip=1") == true {
                return Self.json(#"{"value":[{"id":"b","status":"OperationComplete"}],"@odata.nextLink":"https://evil.example.com/next"}"#)
            }
            return Self.json(
                #"{"value":[{"id":"a","websiteRecordId":"5F2C0000-0000-0000-0000-000000000001","dataModel":"Enhanced"}],"@odata.nextLink":"https://api.powerplatform.com/powerpages/environments/e/websites?api-version=2022-03-01-preview&skip=1"}"#
            )
        }
        let client = PowerPagesAdminClient(cloud: .commercial, environmentID: "e", tokenProvider: tokens, transport: transport)
        let sites = try await client.websites()
        #expect(sites.map(\.id) == ["a", "b"], "the link to another origin is not followed")
        #expect(sites[0].websiteRecordID == Fixtures.website && sites[0].dataModel == "Enhanced")
        #expect(await tokens.refreshes == 1)
        #expect(transport.requests.map { $0.header("Authorization") ?? "" } == ["Bearer tok-0", "Bearer tok-1", "Bearer tok-1"])
    }

    @Test func documentedFailuresSayWhatToDo() {
        func error(_ status: Int, _ code: String, sp: Bool = false) -> PowerPagesAdminError {
            PowerPagesAdminError(
                action: "create the site", response: Self.json(#"{"error":{"code":"\#(code)","message":"m."}}"#, status: status),
                servicePrincipal: sp)
        }
        #expect(error(400, "SubdomainConflict").description.contains("choose another --subdomain"))
        #expect(error(403, "Forbidden").description.contains("Power Pages site creator"))
        #expect(error(403, "Forbidden", sp: true).description.contains("does not accept service principals"))
        #expect(error(401, "").description.contains("--admin-token-env"))
        #expect(error(409, "Conflict").description.contains("site delete"))
        #expect(error(404, "WebsiteRecordNotFound").description.contains("portal-migrate list"))
        #expect(error(503, "").description.contains("run the command again later"))
        #expect(!error(400, "SubdomainConflict").description.contains("m.. "), "the service's full stop is not doubled")
    }

    final class Seen: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [String] = []
        func add(_ s: String) { lock.withLock { values.append(s) } }
        var all: [String] { lock.withLock { values } }
    }
}

import Foundation
import PortalModel
import Testing
import TestSupport
@testable import EnvironmentServer

@Suite struct SwitchTests {
    @Test func latencyIsAddedToEveryRequest() async throws {
        try await withServer(ServerOptions(latencyMilliseconds: 50)) { _, server in
            for _ in 0..<3 {
                let start = Date()
                let r = try await HTTP.get(server.baseURL + "WhoAmI()")
                #expect(r.status == 200)
                #expect(Date().timeIntervalSince(start) >= 0.050) // the issue asks for at least 50 ms
            }
        }
    }

    @Test func requestBudgetAnswers429WithRetryAfter() async throws {
        // A window of an hour: under a loaded parallel suite five requests once spanned more than a
        // 60-second window, and the budget rightly renewed (the test asserts counts, not timing).
        try await withServer(ServerOptions(requestBudget: 3, budgetWindowSeconds: 3600)) { _, server in
            var statuses: [Int] = []
            var last: HTTPResult? = nil
            for _ in 0..<5 {
                let r = try await HTTP.get(server.baseURL + "WhoAmI()")
                statuses.append(r.status)
                last = r
            }
            #expect(statuses == [200, 200, 200, 429, 429])
            let r = try #require(last)
            #expect(r.errorCode == "0x80072322")
            let retry = try #require(r.header("Retry-After").flatMap(Int.init))
            #expect(retry >= 1 && retry <= 3600)
            #expect(try r.json()["error"]?["message"]?.stringValue == "Number of requests exceeded the limit of 3 over time window of 3600 seconds.")
        }
    }

    @Test func concurrencyLimitAnswers429PastNInFlight() async throws {
        try await withServer(ServerOptions(latencyMilliseconds: 400, maxConcurrency: 2)) { _, server in
            let results = try await withThrowingTaskGroup(of: HTTPResult.self) { group in
                for _ in 0..<6 { group.addTask { try await HTTP.get(server.baseURL + "WhoAmI()") } }
                var out: [HTTPResult] = []
                for try await r in group { out.append(r) }
                return out
            }
            let ok = results.filter { $0.status == 200 }.count
            let limited = results.filter { $0.status == 429 }
            #expect(ok >= 1 && ok <= 2)
            #expect(limited.count == 6 - ok)
            #expect(limited.allSatisfy { $0.errorCode == "0x80072326" && $0.header("Retry-After") != nil })
            // Once the burst is over, requests succeed again.
            #expect(try await HTTP.get(server.baseURL + "WhoAmI()").status == 200)
        }
    }

    /// `--fail-rate 0.2 --seed 1`: the same sequence of requests fails the same way on two runs. The
    /// client waits long (120 s): an injected drop closes the connection at once, while a short client
    /// timeout would count a request slowed by a loaded machine as dropped.
    @Test func faultsAreReproducibleForASeed() async throws {
        func run(seed: UInt64) async throws -> [String] {
            var outcomes: [String] = []
            try await withServer(ServerOptions(failRate: 0.2, seed: seed)) { _, server in
                for _ in 0..<40 {
                    do {
                        let r = try await HTTP.send("GET", server.baseURL + "WhoAmI()", timeout: 120)
                        outcomes.append(String(r.status))
                        if r.status >= 500 { #expect(r.errorCode == "0x80040216") }
                    } catch {
                        outcomes.append("dropped")
                    }
                }
            }
            return outcomes
        }
        let first = try await run(seed: 1)
        let second = try await run(seed: 1)
        #expect(first == second)
        let failures = first.filter { $0 != "200" }.count
        #expect(failures >= 2 && failures <= 20, "\(first)")
        #expect(Set(first).isSubset(of: ["200", "500", "503", "dropped"]))
        let other = try await run(seed: 2)
        #expect(other != first)
    }

    @Test func requireTokenWithClientCredentials() async throws {
        let options = ServerOptions(requireToken: true, clientCredentials: ["app": "s3cret"])
        try await withServer(options) { _, server in
            let anonymous = try await HTTP.get(server.baseURL + "WhoAmI()")
            #expect(anonymous.status == 401)
            #expect(try anonymous.json()["error"] != nil)
            let tokenURL = server.origin + "/tenant-id/oauth2/v2.0/token"
            func body(_ s: String) -> Data { Data(s.utf8) }
            let form = ["Content-Type": "application/x-www-form-urlencoded"]
            let wrong = try await HTTP.send(
                "POST", tokenURL, headers: form, body: body("grant_type=client_credentials&client_id=app&client_secret=nope&scope=x"))
            #expect(wrong.status == 401)
            #expect(try wrong.json()["error"]?.stringValue == "invalid_client")
            let unknown = try await HTTP.send(
                "POST", tokenURL, headers: form, body: body("grant_type=client_credentials&client_id=other&client_secret=s3cret"))
            #expect(unknown.status == 400)
            let good = try await HTTP.send(
                "POST", tokenURL, headers: form,
                body: body("grant_type=client_credentials&client_id=app&client_secret=s3cret&scope=" + HTTP.q(server.origin + "/.default")))
            #expect(good.status == 200)
            let token = try #require(try good.json()["access_token"]?.stringValue)
            #expect(try good.json()["token_type"]?.stringValue == "Bearer")
            #expect(try await HTTP.get(server.baseURL + "WhoAmI()", headers: ["Authorization": "Bearer \(token)"]).status == 200)
            #expect(try await HTTP.get(server.baseURL + "WhoAmI()", headers: ["Authorization": "Bearer not-\(token)"]).status == 401)
        }
    }

    @Test func anyClientIsAcceptedWithoutConfiguredCredentials() async throws {
        try await withServer(ServerOptions(requireToken: true)) { _, server in
            let r = try await HTTP.send(
                "POST", server.origin + "/common/oauth2/v2.0/token", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                body: Data("grant_type=client_credentials&client_id=any&client_secret=thing".utf8))
            #expect(r.status == 200)
            let token = try #require(try r.json()["access_token"]?.stringValue)
            #expect(try await HTTP.get(server.baseURL + "WhoAmI()", headers: ["Authorization": "Bearer \(token)"]).status == 200)
        }
    }

    @Test func deviceCodeFlowPendingThenApproved() async throws {
        try await withServer(ServerOptions(requireToken: true)) { _, server in
            let form = ["Content-Type": "application/x-www-form-urlencoded"]
            let start = try await HTTP.send(
                "POST", server.origin + "/organizations/oauth2/v2.0/devicecode", headers: form,
                body: Data("client_id=51f81489-12ee-4a9e-aaae-a2591f45987d&scope=x%20offline_access".utf8))
            #expect(start.status == 200)
            let body = try start.json()
            let device = try #require(body["device_code"]?.stringValue)
            let user = try #require(body["user_code"]?.stringValue)
            #expect(body["verification_uri"]?.stringValue == server.origin + "/devicelogin")
            let poll = Data(
                "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&client_id=51f81489-12ee-4a9e-aaae-a2591f45987d&device_code=\(device)"
                    .utf8)
            let pending = try await HTTP.send("POST", server.origin + "/organizations/oauth2/v2.0/token", headers: form, body: poll)
            #expect(pending.status == 400)
            #expect(try pending.json()["error"]?.stringValue == "authorization_pending")
            #expect(try await HTTP.send("POST", server.origin + "/devicelogin", headers: form, body: Data("code=WRONGCODE".utf8)).status == 404)
            #expect(try await HTTP.send("POST", server.origin + "/devicelogin", headers: form, body: Data("code=\(user)".utf8)).status == 200)
            let done = try await HTTP.send("POST", server.origin + "/organizations/oauth2/v2.0/token", headers: form, body: poll)
            #expect(done.status == 200)
            let token = try #require(try done.json()["access_token"]?.stringValue)
            let refresh = try #require(try done.json()["refresh_token"]?.stringValue)
            #expect(try await HTTP.get(server.baseURL + "WhoAmI()", headers: ["Authorization": "Bearer \(token)"]).status == 200)
            let refreshed = try await HTTP.send(
                "POST", server.origin + "/organizations/oauth2/v2.0/token", headers: form,
                body: Data("grant_type=refresh_token&client_id=x&refresh_token=\(refresh)".utf8))
            #expect(refreshed.status == 200)
        }
    }

    @Test func autoApprovedDeviceCodes() async throws {
        try await withServer(ServerOptions(requireToken: true, autoApproveDeviceCodes: true)) { _, server in
            let form = ["Content-Type": "application/x-www-form-urlencoded"]
            let start = try await HTTP.send(
                "POST", server.origin + "/common/oauth2/v2.0/devicecode", headers: form, body: Data("client_id=c&scope=s".utf8))
            let device = try #require(try start.json()["device_code"]?.stringValue)
            let done = try await HTTP.send(
                "POST", server.origin + "/common/oauth2/v2.0/token", headers: form,
                body: Data("grant_type=urn:ietf:params:oauth:grant-type:device_code&client_id=c&device_code=\(device)".utf8))
            #expect(done.status == 200)
        }
    }
}

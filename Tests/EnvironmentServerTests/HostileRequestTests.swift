import EnvironmentServer
import Foundation
import PortalModel
import Testing
import TestSupport

/// Hostile requests to the embedded server (issue 17): nesting a request controls (OData `$filter`
/// parentheses and `not`, JSON bodies) is bounded with a 400 instead of recursing until the stack ends,
/// and with `--client-credentials` a token comes only from a listed client's secret or from a device
/// code the environment's owner approved with the approval key: every grant is tried around.
@Suite struct HostileRequestTests {
    static let form = ["Content-Type": "application/x-www-form-urlencoded"]

    // MARK: Depth

    @Test func deepFilterParenthesesAreA400NotACrash() async throws {
        try await withServer(seed: SampleSite(pages: 2).records) { _, server in
            for depth in [101, 10_000, 100_000] {
                let filter = String(repeating: "(", count: depth) + "adx_name eq 'x'" + String(repeating: ")", count: depth)
                let r = try await HTTP.get(server.baseURL + "adx_webpages?$filter=" + WebRequest.encodeQueryComponent(filter))
                #expect(r.status == 400, "depth \(depth): \(r.status)")
                if depth == 101 { #expect(r.text.contains("nested more than 100 levels"), "\(r.text.prefix(300))") }
            }
            // Members of the same class: `not` repeated, and parentheses never closed.
            let nots = String(repeating: "not ", count: 50_000) + "adx_name eq 'x'"
            let r1 = try await HTTP.get(server.baseURL + "adx_webpages?$filter=" + WebRequest.encodeQueryComponent(nots))
            #expect(r1.status == 400, "\(r1.text.prefix(300))")
            let open = String(repeating: "(", count: 200_000)
            let r2 = try await HTTP.get(server.baseURL + "adx_webpages?$filter=" + WebRequest.encodeQueryComponent(open))
            #expect(r2.status == 400)
            // At the limit the filter still works.
            let ok = String(repeating: "(", count: 100) + "adx_name eq 'Home'" + String(repeating: ")", count: 100)
            let r3 = try await HTTP.get(server.baseURL + "adx_webpages?$filter=" + WebRequest.encodeQueryComponent(ok))
            #expect(r3.status == 200, "\(r3.text.prefix(300))")
            #expect(try r3.values().count == 1)
        }
    }

    /// The parser itself, with inputs too long for a URL: parentheses, `not`s, and a `not` per level of
    /// parentheses, 100,000 deep.
    @Test func filterParserBoundsDepthWhateverTheLength() async throws {
        let table = try await MemoryService().table("adx_webpage")
        let inputs = [
            String(repeating: "(", count: 100_000) + "adx_name eq 'x'" + String(repeating: ")", count: 100_000),
            String(repeating: "not ", count: 100_000) + "adx_name eq 'x'",
            String(repeating: "not (", count: 50_000) + "adx_name eq 'x'" + String(repeating: ")", count: 50_000),
        ]
        for text in inputs {
            do {
                _ = try FilterParser.parse(text, table: table)
                Issue.record("a filter nested 100,000 deep was accepted")
            } catch let e as ODataError {
                #expect(e.status == 400 && e.message.contains("nested more than 100 levels"), "\(e.message.prefix(300))")
            }
        }
    }

    @Test func deepJSONBodiesAreA400NotACrash() async throws {
        try await withServer { service, server in
            let headers = ["Content-Type": "application/json"]
            for body in [
                String(repeating: "[", count: 100_000), String(repeating: "{\"a\":", count: 100_000) + "1" + String(repeating: "}", count: 100_000),
                "{\"adx_name\":" + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "}",
            ] {
                let r = try await HTTP.send("POST", server.baseURL + "adx_websites", headers: headers, body: Data(body.utf8))
                #expect(r.status == 400, "\(r.status) \(r.text.prefix(200))")
            }
            #expect(await service.count("adx_website") == 0, "nothing was written")
        }
    }

    /// JSON at the parser's depth limit parses, serializes, compares and is freed on a thread with a
    /// small stack (512 KiB, a secondary thread's on Darwin), so the limit is safe wherever JSON is read.
    @Test func jsonAtTheDepthLimitIsSafeOnASmallStack() async throws {
        let limit = JSONValue.maximumDepth
        let text = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        let deeper = String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1)
        let result = LockedResult()
        let thread = Thread {
            do {
                let v = try JSONValue.parse(text)
                result.set(try v.serialized == text && v == JSONValue.parse(text) && (try? JSONValue.parse(deeper)) == nil)
            } catch {
                result.set(false)
            }
        }
        thread.stackSize = 512 * 1024
        thread.start()
        for _ in 0..<600 where result.value == nil { try await Task.sleep(nanoseconds: 10_000_000) }
        #expect(result.value == true)
    }

    final class LockedResult: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: Bool?
        var value: Bool? { lock.withLock { stored } }
        func set(_ v: Bool) { lock.withLock { stored = v } }
    }

    // MARK: Grants with client credentials restricted

    static let restricted = ServerOptions(requireToken: true, clientCredentials: ["app-1": "s3cret-value"])

    static func deviceCode(_ server: RunningServer, client: String = "any-client-id") async throws -> (device: String, user: String) {
        let start = try await HTTP.send(
            "POST", server.origin + "/common/oauth2/v2.0/devicecode", headers: form,
            body: Data("client_id=\(client)&scope=x%20offline_access".utf8))
        let body = try start.json()
        return (try #require(body["device_code"]?.stringValue), try #require(body["user_code"]?.stringValue))
    }

    static func poll(_ server: RunningServer, _ device: String) async throws -> HTTPResult {
        try await HTTP.send(
            "POST", server.origin + "/common/oauth2/v2.0/token", headers: form,
            body: Data("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=\(device)".utf8))
    }

    @Test func unauthenticatedDeviceLoginApprovesNothing() async throws {
        try await withServer(Self.restricted) { _, server in
            let (device, user) = try await Self.deviceCode(server)
            // The reported bypass: an unauthenticated POST to the device-login page, then redeem.
            #expect(try await HTTP.send("POST", server.origin + "/devicelogin", headers: Self.form, body: Data("code=\(user)".utf8)).status == 403)
            // Members of the class: GET with the code, a wrong key, an empty key, the key in the form
            // instead of the header, and another server's key.
            #expect(try await HTTP.get(server.origin + "/devicelogin?code=\(user)").status == 403)
            var headers = Self.form
            headers[TokenService.approvalKeyHeader] = "not-the-key"
            #expect(try await HTTP.send("POST", server.origin + "/devicelogin", headers: headers, body: Data("code=\(user)".utf8)).status == 403)
            headers[TokenService.approvalKeyHeader] = ""
            #expect(try await HTTP.send("POST", server.origin + "/devicelogin", headers: headers, body: Data("code=\(user)".utf8)).status == 403)
            let key = server.server.tokens.approvalKey
            #expect(
                try await HTTP.send(
                    "POST", server.origin + "/devicelogin", headers: Self.form,
                    body: Data("code=\(user)&\(TokenService.approvalKeyHeader)=\(key)".utf8)
                ).status == 403)
            let other = EnvironmentServer(service: MemoryService(), options: Self.restricted)
            headers[TokenService.approvalKeyHeader] = other.tokens.approvalKey
            #expect(try await HTTP.send("POST", server.origin + "/devicelogin", headers: headers, body: Data("code=\(user)".utf8)).status == 403)

            let pending = try await Self.poll(server, device)
            #expect(pending.status == 400)
            #expect(try pending.json()["error"]?.stringValue == "authorization_pending")
            // Nothing to read or write without a token.
            #expect(try await HTTP.get(server.baseURL + "adx_websites").status == 401)

            // The owner's approval (what env approve-device-code sends) works, once.
            headers[TokenService.approvalKeyHeader] = key
            #expect(try await HTTP.send("POST", server.origin + "/devicelogin", headers: headers, body: Data("code=\(user)".utf8)).status == 200)
            let done = try await Self.poll(server, device)
            #expect(done.status == 200)
            let token = try #require(try done.json()["access_token"]?.stringValue)
            #expect(try await HTTP.get(server.baseURL + "adx_websites", headers: ["Authorization": "Bearer \(token)"]).status == 200)
            #expect(try await Self.poll(server, device).status == 400, "a device code is redeemed once")
        }
    }

    @Test func clientCredentialsGrantOnlyForListedClientsAndSecrets() async throws {
        try await withServer(Self.restricted) { _, server in
            func grant(_ body: String) async throws -> HTTPResult {
                try await HTTP.send("POST", server.origin + "/common/oauth2/v2.0/token", headers: Self.form, body: Data(body.utf8))
            }
            #expect(try await grant("grant_type=client_credentials&client_id=other&client_secret=s3cret-value").status == 400)
            #expect(try await grant("grant_type=client_credentials&client_id=app-1&client_secret=s3cret-valuX").status == 401)
            #expect(try await grant("grant_type=client_credentials&client_id=app-1&client_secret=s3cret-value%00").status == 401)
            #expect(try await grant("grant_type=client_credentials&client_id=app-1&client_secret=").status == 400)
            #expect(try await grant("grant_type=client_credentials&client_id=app-1").status == 400)
            #expect(try await grant("grant_type=refresh_token&refresh_token=made-up").status == 400)
            #expect(try await grant("grant_type=password&username=a&password=b").status == 400)
            #expect(try await grant("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=made-up").status == 400)
            // A made-up bearer token reads nothing.
            #expect(try await HTTP.get(server.baseURL + "adx_websites", headers: ["Authorization": "Bearer made-up"]).status == 401)
            let good = try await grant("grant_type=client_credentials&client_id=app-1&client_secret=s3cret-value")
            #expect(good.status == 200)
            let token = try #require(try good.json()["access_token"]?.stringValue)
            #expect(try await HTTP.get(server.baseURL + "adx_websites", headers: ["Authorization": "Bearer \(token)"]).status == 200)
        }
    }

    /// The binary: `env serve --client-credentials` writes its runtime file readable by its owner only,
    /// refuses an unauthenticated approval, and `env approve-device-code` approves.
    @Test func binaryServeWithClientCredentialsNeedsTheOwnersApproval() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.portalMigrateBinary.path), "build portal-migrate first")
        let home = try TestPaths.temporaryDirectory("pm-hostile-serve")
        defer { try? FileManager.default.removeItem(at: home) }
        #expect(try await CLI.run(["env", "create", "locked"], home: home).exitCode == 0)
        let child = try await ServerSupport.startBinary(
            [
                "env", "serve", "locked", "--port", "0", "--require-token",
                "--client-credentials", "app:Secret-77",
            ], home: home)
        let runtime = home.appendingPathComponent("environments/locked.sqlite.serve.json")
        let mode = (try FileManager.default.attributesOfItem(atPath: runtime.path)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600, "runtime file mode \(String(mode ?? -1, radix: 8))")
        let start = try await HTTP.send(
            "POST", child.origin + "/common/oauth2/v2.0/devicecode", headers: Self.form,
            body: Data("client_id=anyone&scope=s".utf8))
        let device = try #require(try start.json()["device_code"]?.stringValue)
        let user = try #require(try start.json()["user_code"]?.stringValue)
        #expect(try await HTTP.send("POST", child.origin + "/devicelogin", headers: Self.form, body: Data("code=\(user)".utf8)).status == 403)
        let poll = Data("grant_type=urn:ietf:params:oauth:grant-type:device_code&device_code=\(device)".utf8)
        #expect(try await HTTP.send("POST", child.origin + "/common/oauth2/v2.0/token", headers: Self.form, body: poll).status == 400)
        let approve = try await CLI.run(["env", "approve-device-code", "locked", user], home: home)
        #expect(approve.exitCode == 0, "\(approve.stderr)")
        let done = try await HTTP.send("POST", child.origin + "/common/oauth2/v2.0/token", headers: Self.form, body: poll)
        #expect(done.status == 200)
        #expect(await child.terminate() == 0)
        #expect(!(child.errorOutput + child.output).contains("Secret-77"))
    }
}

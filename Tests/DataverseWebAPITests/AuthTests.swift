import Foundation
import Testing
@testable import DataverseWebAPI
import PortalModel
import TestSupport

/// Token providers (research/dataverse-webapi.md §10) and the profile store.
@Suite struct AuthTests {
    static let secret = "s3cr3t-VALUE-for-tests"

    @Test func clientCredentialsPostsTheFormAndCachesTheToken() async throws {
        let transport = ScriptedTransport { _, _ in
            Fixtures.json(#"{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"eyJ.abc"}"#)
        }
        let endpoints = OAuthEndpoints(authority: OAuthEndpoints.defaultAuthority(environmentURL: Fixtures.env, tenant: "contoso.onmicrosoft.com"))
        let p = ClientCredentialsTokenProvider(
            endpoints: endpoints, clientID: "app-1", scope: OAuthEndpoints.scope(environmentURL: Fixtures.env),
            secret: { Self.secret }, transport: transport)
        #expect(try await p.token(forceRefresh: false) == "eyJ.abc")
        #expect(try await p.token(forceRefresh: false) == "eyJ.abc")
        #expect(transport.requests.count == 1)
        let r = try #require(transport.requests.first)
        #expect(r.url.absoluteString == "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token")
        #expect(r.header("Content-Type") == "application/x-www-form-urlencoded")
        #expect(
            r.bodyText
                == "client_id=app-1&client_secret=s3cr3t-VALUE-for-tests&grant_type=client_credentials&scope=https%3A%2F%2Forg.crm.dynamics.com%2F.default"
        )
        #expect(try await p.token(forceRefresh: true) == "eyJ.abc")
        #expect(transport.requests.count == 2)
    }

    @Test func oauthErrorsNeverCarryTheSecret() async throws {
        let transport = ScriptedTransport { _, _ in
            Fixtures.json(#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}"#, status: 401)
        }
        let p = ClientCredentialsTokenProvider(
            endpoints: OAuthEndpoints(authority: URL(string: "http://127.0.0.1:1")!), clientID: "a",
            scope: "x/.default", secret: { Self.secret }, transport: transport)
        do {
            _ = try await p.token(forceRefresh: false)
            Issue.record("expected an error")
        } catch let e as AuthenticationError {
            #expect(
                e
                    == .oauth(
                        endpoint: "http://127.0.0.1:1/oauth2/v2.0/token", status: 401, error: "invalid_client",
                        description: "AADSTS7000215: Invalid client secret provided."))
            #expect(!e.description.contains(Self.secret))
        }
    }

    @Test func deviceCodePrintsTheMessagePollsAndRefreshes() async throws {
        let transport = ScriptedTransport { r, n in
            if r.url.path.hasSuffix("/devicecode") {
                return Fixtures.json(
                    #"{"user_code":"FJQSKJ2KH","device_code":"dev-1","verification_uri":"https://microsoft.com/devicelogin","expires_in":900,"interval":1,"message":"To sign in, enter FJQSKJ2KH"}"#
                )
            }
            if r.bodyText.contains("grant_type=refresh_token") {
                return Fixtures.json(#"{"token_type":"Bearer","expires_in":3599,"access_token":"second"}"#)
            }
            if n < 2 { return Fixtures.json(#"{"error":"authorization_pending","error_description":"pending"}"#, status: 400) }
            return Fixtures.json(#"{"token_type":"Bearer","expires_in":3599,"access_token":"first","refresh_token":"r-1"}"#)
        }
        let printed = LockedBox<[String]>([])
        let dir = try TestPaths.temporaryDirectory("pm-auth")
        let cache = TokenCache(file: dir.appendingPathComponent("tokencache.json"))
        let p = DeviceCodeTokenProvider(
            endpoints: OAuthEndpoints(authority: URL(string: "http://127.0.0.1:9")!), scope: "http://127.0.0.1:9/.default",
            transport: transport, cache: cache, prompt: { m in printed.mutate { $0.append(m) } })
        #expect(try await p.token(forceRefresh: false) == "first")
        #expect(printed.value == ["To sign in, enter FJQSKJ2KH"])
        let polls = transport.requests.filter { $0.bodyText.contains("device_code=dev-1") }
        #expect(polls.count == 2)
        #expect(
            transport.requests[0].bodyText
                == "client_id=51f81489-12ee-4a9e-aaae-a2591f45987d&scope=http%3A%2F%2F127.0.0.1%3A9%2F.default%20offline_access")
        #expect(try await p.token(forceRefresh: true) == "second")
        let attrs = try FileManager.default.attributesOfItem(atPath: cache.file.path)
        #expect((attrs[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test func loopbackAuthorityIsTheServerItself() {
        let e = OAuthEndpoints(authority: OAuthEndpoints.defaultAuthority(environmentURL: URL(string: "http://127.0.0.1:5555/")!, tenant: nil))
        #expect(e.token.absoluteString == "http://127.0.0.1:5555/oauth2/v2.0/token")
        #expect(e.deviceCode.absoluteString == "http://127.0.0.1:5555/oauth2/v2.0/devicecode")
        #expect(
            OAuthEndpoints.defaultAuthority(environmentURL: Fixtures.env, tenant: nil).absoluteString
                == "https://login.microsoftonline.com/organizations")
        #expect(OAuthEndpoints.scope(environmentURL: URL(string: "https://org.crm.dynamics.com/")!) == "https://org.crm.dynamics.com/.default")
    }

    @Test func profileStoreActivatesNewProfilesAndWritesMode0600() throws {
        let dir = try TestPaths.temporaryDirectory("pm-profiles")
        let store = AuthProfileStore(directory: dir.appendingPathComponent("portal-migrate"))
        #expect(try store.load().profiles.isEmpty)
        try store.add(AuthProfile(name: "dev", url: Fixtures.env, kind: .deviceCode))
        try store.add(AuthProfile(name: "local", url: URL(string: "http://127.0.0.1:5555")!, kind: .none))
        #expect(try store.activeProfile().name == "local")
        #expect(throws: AuthProfileStore.StoreError.duplicateName("DEV")) { try store.add(AuthProfile(name: "DEV", url: Fixtures.env, kind: .none)) }
        #expect(try store.index(of: "dev") == 0)
        #expect(try store.index(of: "1") == 1)
        try store.select(index: 0)
        #expect(try store.activeProfile().name == "dev")
        try store.delete(index: 0)
        #expect(try store.activeProfile().name == "local")
        let attrs = try FileManager.default.attributesOfItem(atPath: store.profilesFile.path)
        #expect((attrs[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(AuthProfileStore.configDirectory(environment: ["XDG_CONFIG_HOME": "/x"]).path == "/x/portal-migrate")
        #expect(AuthProfileStore.configDirectory(environment: ["PORTAL_MIGRATE_CONFIG_HOME": "/y", "XDG_CONFIG_HOME": "/x"]).path == "/y")
        #expect(AuthProfileStore.configDirectory(environment: ["HOME": "/h"]).path == "/h/.config/portal-migrate")
    }
}

/// A value shared between a test and a `@Sendable` closure.
final class LockedBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var v: T
    init(_ v: T) { self.v = v }
    var value: T { lock.withLock { v } }
    func mutate(_ f: (inout T) -> Void) { lock.withLock { f(&v) } }
}

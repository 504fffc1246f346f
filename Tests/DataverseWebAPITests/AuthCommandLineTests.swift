import EnvironmentServer
import Foundation
import LocalEnvironment
import PortalModel
import Testing
import TestSupport
@testable import DataverseWebAPI

/// Runs the built `portal-migrate` binary: `auth create|list|select|delete|who`, `org` and `list`
/// against `EnvironmentServer` on 127.0.0.1 with tokens required, and checks that a known client
/// secret appears in no output or log line (stderr with `--verbose`).
@Suite(.serialized) struct AuthCommandLineTests {
    static func mode(_ url: URL) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test func authCommandsNeverPrintTheSecret() async throws {
        let secret = "Zq8~known-secret-\(UUID().uuidString.prefix(8))"
        let env = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "cli"))
        let site = try await env.provision(template: "starter", name: "Contoso Site")
        let server = try await ServerSupport.start(
            env,
            options: ServerOptions(
                requireToken: true, clientCredentials: ["app-1": secret],
                autoApproveDeviceCodes: true))
        defer { Task { await server.stop() } }
        let url = "http://127.0.0.1:\(server.port)"
        let config = try TestPaths.temporaryDirectory("pm-cli-auth").appendingPathComponent("config")
        var runs: [ChildProcessResult] = []
        func pm(_ args: String..., env: [String: String] = [:]) async throws -> ChildProcessResult {
            let r = try await CLI.run(args, environment: env, configHome: config)
            runs.append(r)
            return r
        }

        var r = try await pm("auth", "create", "--name", "ci", "--url", url, "--applicationId", "app-1", "--clientSecret", secret, "--verbose")
        #expect(r.status == 0, "\(r.err)")
        r = try await pm("auth", "create", "--name", "bad", "--url", url, "--applicationId", "app-1", "--clientSecret", secret + "-wrong")
        #expect(r.status == 2)
        #expect(r.err.contains("invalid_client"))
        r = try await pm(
            "auth", "create", "--name", "fromenv", "--url", url, "--applicationId", "app-1", "--clientSecretEnv", "PM_TEST_SECRET",
            env: ["PM_TEST_SECRET": secret])
        #expect(r.status == 0, "\(r.err)")
        r = try await pm("auth", "create", "--name", "device", "--url", url, "--deviceCode")
        #expect(r.status == 0, "\(r.err)")
        #expect(r.err.contains("/devicelogin"))
        r = try await pm("auth", "list", "--json")
        let list = try JSONValue.parse(r.out).arrayValue ?? []
        #expect(list.compactMap { $0["name"]?.stringValue } == ["ci", "fromenv", "device"])
        #expect(list.first { $0["active"]?.boolValue == true }?["name"]?.stringValue == "device")
        r = try await pm("auth", "select", "--name", "ci")
        #expect(r.status == 0)
        r = try await pm("auth", "list")
        #expect(r.out.contains("[0]   *"), "\(r.out)")
        r = try await pm("auth", "who", "--verbose")
        #expect(r.status == 0, "\(r.err)")
        let who = try await env.whoAmI()
        #expect(r.out.contains(who.userID.dataverseString))
        r = try await pm("org", "--json", "--verbose")
        #expect(r.status == 0, "\(r.err)")
        let org = try JSONValue.parse(r.out)
        #expect(org["baseLanguage"]?.intValue == 1033)
        #expect(org["maxUploadFileSize"]?.intValue == (try await env.organizationInfo()).maxUploadFileSize)
        r = try await pm("list", "--json", "-v")
        #expect(r.status == 0, "\(r.err)")
        let sites = try JSONValue.parse(r.out).arrayValue ?? []
        #expect(sites.count == 1)
        #expect(sites.first?["websiteId"]?.stringValue == site.websiteId.dataverseString)
        #expect(sites.first?["dataModel"]?.stringValue == "standard")
        #expect(sites.first?["portalAppId"]?.stringValue == site.portalAppId.dataverseString)
        #expect(sites.first.map { $0.objectValue?.map(\.0) ?? [] } == ["websiteId", "name", "dataModel", "baseLanguage", "portalAppId"])
        r = try await pm("list", "--environment", "fromenv", "--json", env: ["PM_TEST_SECRET": secret])
        #expect(r.status == 0, "\(r.err)")
        // Without the variable, the cached token (same authority, client and scope) still serves.
        r = try await pm("auth", "who", "--environment", "fromenv", "--json")
        #expect(r.status == 0, "\(r.err)")
        r = try await pm("auth", "delete", "--name", "fromenv")
        #expect(r.status == 0)
        r = try await pm("auth", "delete", "--index", "7")
        #expect(r.status == 2)

        for run in runs {
            #expect(!run.out.contains(secret) && !run.err.contains(secret), "a command printed the secret")
        }
        #expect(try Self.mode(config.appendingPathComponent("profiles.json")) == 0o600)
        #expect(try Self.mode(config.appendingPathComponent("tokencache.json")) == 0o600)
        // Anything else written under the config home (logs included) holds no secret either, except
        // the profile file, which stores the --clientSecret given (mode 0600).
        for name in try FileManager.default.contentsOfDirectory(atPath: config.path) where name != "profiles.json" {
            let text = String(decoding: try Data(contentsOf: config.appendingPathComponent(name)), as: UTF8.self)
            #expect(!text.contains(secret), "\(name) holds the secret")
        }
    }
}

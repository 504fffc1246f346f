import Foundation
import PortalModel
import Testing
import TestSupport

/// The built binary's options mean what they say: commands that act on an embedded environment named as
/// an argument do not offer `--environment` (it would be ignored), and `auth who --environment` works for
/// every kind of environment the option's help names (profile, URL, `local:NAME`).
@Suite(.serialized) struct CommandOptionsTests {
    static let someID = "5f2c0000-0000-0000-0000-000000000001"

    /// Commands whose target is the `NAME` argument: their `--help` lists `--json` and `--verbose` but no
    /// `--environment`, and passing it is a usage error instead of being silently ignored.
    @Test(arguments: [
        ["env", "provision", "x", "--template", "starter"], ["env", "settings", "x"],
        ["env", "approve-device-code", "x", "ABCD"], ["env", "delete-website", "x", "--webSiteId", Self.someID],
        ["env", "delete-portal-app", "x", "--webSiteId", Self.someID], ["env", "reset", "x", "--webSiteId", Self.someID],
    ])
    func embeddedEnvironmentCommandsOfferNoEnvironmentOption(_ complete: [String]) async throws {
        let home = try TestPaths.temporaryDirectory("pm-options")
        defer { try? FileManager.default.removeItem(at: home) }
        let command = Array(complete.prefix(2))
        let help = try await CLI.run(command + ["--help"], home: home)
        #expect(help.exitCode == 0, "\(help.stderr)")
        #expect(help.stdout.contains("--json") && help.stdout.contains("--verbose"), "\(help.stdout)")
        #expect(!help.stdout.contains("--environment") && !help.stdout.contains("-env "), "\(command): \(help.stdout)")
        let refused = try await CLI.run(complete + ["--environment", "local:x"], home: home)
        #expect(refused.exitCode == 64, "\(command): \(refused.stderr)")
        #expect(refused.stderr.contains("--environment"), "\(refused.stderr)")
    }

    /// `auth who --environment local:NAME` reports the embedded environment's organization (it used to look
    /// for an auth profile named `local:NAME`); a URL served by `env serve` gives the same organization.
    @Test func authWhoTakesEveryKindOfEnvironment() async throws {
        let home = try TestPaths.temporaryDirectory("pm-options-who")
        defer { try? FileManager.default.removeItem(at: home) }
        #expect(try await CLI.run(["env", "create", "dev"], home: home).exitCode == 0)
        let local = try await CLI.run(["auth", "who", "--environment", "local:dev", "--json"], home: home)
        #expect(local.exitCode == 0, "\(local.stderr)")
        let localWho = try JSONValue.parse(local.stdout)
        #expect(localWho["url"]?.stringValue == "local:dev")
        #expect(localWho["organizationName"]?.stringValue == "dev")
        let orgID = try #require(localWho["organizationId"]?.stringValue)

        let server = try await ServerSupport.startBinary(["env", "serve", "dev", "--port", "0"], home: home)
        let port = try #require(server.port)
        let remote = try await CLI.run(["auth", "who", "--environment", "http://127.0.0.1:\(port)", "--json"], home: home)
        await server.terminate()
        #expect(remote.exitCode == 0, "\(remote.stderr)")
        let remoteWho = try JSONValue.parse(remote.stdout)
        #expect(remoteWho["url"]?.stringValue == "http://127.0.0.1:\(port)")
        #expect(remoteWho["organizationId"]?.stringValue == orgID)

        let missing = try await CLI.run(["auth", "who", "--environment", "local:nope"], home: home)
        #expect(missing.exitCode != 0)
        #expect(missing.stderr.contains("local:nope") || missing.stderr.contains("'nope'"), "\(missing.stderr)")
    }
}

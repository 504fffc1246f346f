import DataverseWebAPI
import Environments
import Foundation
import LocalEnvironment
import PortalModel
import TestSupport
import Testing

/// What an `--environment` value means, decided in the library (issue 19): each test runs in its own
/// data and config directories, given through `variables` (no setenv).
@Suite struct EnvironmentConnectionTests {
    /// A connection whose data and profiles live in a fresh temporary directory.
    func connection(_ extra: [String: String] = [:]) throws -> EnvironmentConnection {
        let root = try TestPaths.temporaryDirectory("pm-connection")
        let variables = [
            "PORTAL_MIGRATE_HOME": root.appendingPathComponent("data").path, "PORTAL_MIGRATE_CONFIG_HOME": root.appendingPathComponent("config").path,
        ]
        return EnvironmentConnection(variables: variables.merging(extra) { _, b in b }, interactive: false)
    }

    @Test func localPrefixNamesAnEmbeddedEnvironment() {
        #expect(EnvironmentConnection.localName("local:dev") == "dev")
        #expect(EnvironmentConnection.localName("local:") == "")
        #expect(EnvironmentConnection.localName("dev") == nil)
        #expect(EnvironmentConnection.localName("http://127.0.0.1:5555") == nil)
        #expect(EnvironmentConnection.localName(nil) == nil)
    }

    /// `local:NAME` opens the environment of the connection's data directory, in-process; a missing one
    /// is never created and an empty file is refused, each with what to do.
    @Test func localEnvironmentsOpenOnlyWhenTheyExist() async throws {
        let c = try connection()
        #expect(throws: EnvironmentsError.noLocalEnvironment(name: "dev", folder: c.dataDirectory.environmentsFolder.path)) {
            try c.service(for: "local:dev")
        }
        #expect(!FileManager.default.fileExists(atPath: try c.dataDirectory.environmentFile("dev").path), "nothing created")

        let made = try EnvironmentDirectory(c.dataDirectory).create("dev", options: LocalEnvironmentOptions(name: "dev", languageCode: 1036))
        try made.close()
        let service = try c.service(for: "local:dev")
        #expect(service is LocalEnvironment && service.environmentURL == nil)
        #expect(try await service.organizationInfo().languageCode == 1036)

        let empty = try c.dataDirectory.environmentFile("hollow")
        FileManager.default.createFile(atPath: empty.path, contents: Data())
        #expect(throws: EnvironmentsError.emptyLocalEnvironment(name: "hollow", path: empty.path)) { try c.openLocal("hollow") }
        let error = EnvironmentsError.emptyLocalEnvironment(name: "hollow", path: empty.path)
        #expect(error.exitCode == 2 && error.description.contains("portal-migrate env delete hollow"))
    }

    /// A newcomer's `--environment dev` for the embedded environment `dev` is answered with `local:dev`;
    /// a name that is neither is an unknown profile.
    @Test func aBareNameOfAnEmbeddedEnvironmentSuggestsLocalPrefix() throws {
        let c = try connection()
        try EnvironmentDirectory(c.dataDirectory).create("dev", options: LocalEnvironmentOptions(name: "dev")).close()
        #expect(throws: EnvironmentsError.localEnvironmentNamedWithoutPrefix("dev")) { try c.service(for: "dev") }
        #expect(EnvironmentsError.localEnvironmentNamedWithoutPrefix("dev").description.contains("--environment local:dev"))
        #expect(throws: AuthProfileStore.StoreError.noSuchProfile("prod")) { try c.service(for: "prod") }
        #expect(throws: AuthProfileStore.StoreError.noActiveProfile) { try c.service(for: nil) }
    }

    /// URLs: a loopback URL without a profile needs no sign-in; any other needs a profile; a typed
    /// `/api/data/v9.2/` is stripped; a malformed URL is a usage error (exit 64).
    @Test func urlsNeedAProfileUnlessLoopback() throws {
        let c = try connection()
        let loopback = try c.client(for: "http://127.0.0.1:5555/api/data/v9.2/")
        #expect(loopback.environmentURL?.absoluteString == "http://127.0.0.1:5555")
        let remote = try #require(URL(string: "https://contoso.crm.dynamics.com"))
        #expect(throws: EnvironmentsError.noProfileForURL(remote)) { try c.client(for: "https://contoso.crm.dynamics.com") }
        do {
            _ = try c.client(for: "http://127.0.0.1:99999")
            Issue.record("a port out of range was accepted")
        } catch let e as EnvironmentsError {
            guard case .invalidURL(let reason) = e else { Issue.record("\(e)"); return }
            #expect(reason.contains("127.0.0.1:99999") && e.exitCode == 64 && e.diagnostics.first?.check == .usage)
        }
    }

    /// A profile is found by name (any case), by index, and by its URL (case and trailing slash aside);
    /// the client talks to the profile's URL.
    @Test func profilesAreFoundByNameIndexAndURL() throws {
        let c = try connection()
        let url = try #require(URL(string: "http://localhost:7777"))
        _ = try c.profiles.add(AuthProfile(name: "Loop", url: url, kind: .none))
        _ = try c.profiles.add(AuthProfile(name: "other", url: try #require(URL(string: "http://127.0.0.1:8888")), kind: .none))
        #expect(try c.profile(for: "loop")?.name == "Loop")
        #expect(try c.profile(for: "1")?.name == "other")
        #expect(try c.profile(for: "HTTP://localhost:7777/")?.name == "Loop")
        #expect(try c.profile(for: "http://127.0.0.1:9999") == nil, "a URL with no profile")
        #expect(try c.client(for: "other").environmentURL?.absoluteString == "http://127.0.0.1:8888")
        #expect(try c.client(for: nil).environmentURL?.absoluteString == "http://127.0.0.1:8888", "the active profile: the last one added")
    }

    /// `PORTAL_MIGRATE_REQUEST_TIMEOUT` in seconds (fractions allowed), default 120 s; anything outside
    /// 1…86400 is a usage error naming the variable.
    @Test func requestTimeoutComesFromTheEnvironment() throws {
        #expect(try EnvironmentConnection.requestTimeout([:]) == .seconds(120))
        #expect(try EnvironmentConnection.requestTimeout(["PORTAL_MIGRATE_REQUEST_TIMEOUT": "2.5"]) == .milliseconds(2500))
        for bad in ["0", "abc", "86401", "-3"] {
            #expect(throws: EnvironmentsError.invalidRequestTimeout(bad)) {
                try EnvironmentConnection.requestTimeout(["PORTAL_MIGRATE_REQUEST_TIMEOUT": bad])
            }
        }
        #expect(EnvironmentsError.invalidRequestTimeout("0").exitCode == 64)
        let c = try connection(["PORTAL_MIGRATE_REQUEST_TIMEOUT": "7"])
        let client = try c.client(for: "http://127.0.0.1:5555")
        #expect(client.configuration.requestTimeout == .seconds(7))
        #expect(client.configuration.bodyCacheDirectory == c.dataDirectory.root, "note bodies cached under the data directory")
        #expect(throws: EnvironmentsError.invalidRequestTimeout("x")) {
            try connection(["PORTAL_MIGRATE_REQUEST_TIMEOUT": "x"]).client(for: "http://127.0.0.1:5555")
        }
    }
}

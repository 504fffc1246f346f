import DataverseWebAPI
import Environments
import Foundation
import PortalModel
import TestSupport
import Testing

/// Which auth profile `auth create`'s options make, decided in the library (issue 19).
@Suite struct AuthProfileRequestTests {
    @Test func optionsDecideTheKind() throws {
        let loop = "http://127.0.0.1:5555/api/data/v9.2/"
        let https = "https://contoso.crm.dynamics.com"
        #expect(try AuthProfileRequest(name: "a", url: loop).profile().kind == .none)
        #expect(try AuthProfileRequest(name: "a", url: loop).profile().url.absoluteString == "http://127.0.0.1:5555")
        #expect(try AuthProfileRequest(name: "a", url: https, deviceCode: true).profile().kind == .deviceCode)
        #expect(try AuthProfileRequest(name: "a", url: https, tokenEnv: "TOKEN").profile().kind == .environmentToken)
        let cc = try AuthProfileRequest(name: "a", url: https, applicationID: "app", clientSecretEnv: "S", tenant: "t").profile()
        #expect(cc.kind == .clientCredentials && cc.clientSecretEnv == "S" && cc.tenant == "t")
        // A loopback server is its own authority: no tenant needed.
        #expect(try AuthProfileRequest(name: "a", url: loop, applicationID: "app", clientSecret: "s").profile().kind == .clientCredentials)
    }

    @Test func optionsThatMakeNoProfileAreUsageErrors() throws {
        let https = "https://contoso.crm.dynamics.com"
        let cases: [(AuthProfileRequest, String)] = [
            (
                AuthProfileRequest(name: "a", url: https, deviceCode: true, tokenEnv: "T"),
                "choose one of --applicationId, --deviceCode and --token-env"
            ),
            (AuthProfileRequest(name: "a", url: https, deviceCode: true, authority: "nope"), "'nope' is not an authority URL"),
            (
                AuthProfileRequest(name: "a", url: https, applicationID: "app", tenant: "t"),
                "--applicationId needs --clientSecret or --clientSecretEnv"
            ),
            (AuthProfileRequest(name: "a", url: https, applicationID: "app", clientSecret: "s"), "--applicationId needs --tenant (or --authority)"),
            (AuthProfileRequest(name: "a", url: https), "an https:// environment needs --applicationId, --deviceCode or --token-env"),
        ]
        for (request, message) in cases {
            #expect(throws: EnvironmentsError.invalidProfileOptions(message)) { try request.profile() }
        }
        #expect(EnvironmentsError.invalidProfileOptions("x").exitCode == 64)
        #expect(throws: EnvironmentsError.self) { try AuthProfileRequest(name: "a", url: "ftp://x").profile() }
    }

    /// A profile without sign-in is saved and made active; a second with the same name (any case) is refused.
    @Test func addingSavesAndRefusesDuplicates() async throws {
        let root = try TestPaths.temporaryDirectory("pm-auth-request")
        let c = EnvironmentConnection(variables: ["PORTAL_MIGRATE_CONFIG_HOME": root.path, "PORTAL_MIGRATE_HOME": root.path], interactive: false)
        let p = try AuthProfileRequest(name: "Loop", url: "http://127.0.0.1:5555").profile()
        #expect(try await c.addProfile(p) == 0)
        #expect(try c.profiles.activeProfile().name == "Loop")
        await #expect(throws: AuthProfileStore.StoreError.duplicateName("loop")) {
            try await c.addProfile(try AuthProfileRequest(name: "loop", url: "http://127.0.0.1:6666").profile())
        }
    }
}

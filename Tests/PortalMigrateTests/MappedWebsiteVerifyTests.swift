import Foundation
import PortalModel
import Testing
import TestSupport

/// A website mapped onto another one (`--targetWebSiteId`) keeps the target's name and domain on purpose;
/// the read-back and `verify` leave those kept columns out (and say why) instead of failing forever on
/// them (found by the newcomer trial: a rerun failed the same way every time).
@Suite struct MappedWebsiteVerifyTests {
    @Test func aWebsiteMappedOntoOneWithAnotherNameVerifies() async throws {
        let home = try TestPaths.temporaryDirectory("pm-mapped-name")
        defer { try? FileManager.default.removeItem(at: home) }
        #expect(try await CLI.run(["env", "create", "src"], home: home).status == 0)
        #expect(try await CLI.run(["env", "create", "tgt"], home: home).status == 0)
        func provision(_ env: String, _ template: String) async throws -> String {
            let r = try await CLI.run(["env", "provision", env, "--template", template, "--json"], home: home)
            return try #require(try JSONValue.parse(r.out)["websiteId"]?.stringValue, "\(r.err)")
        }
        let source = try await provision("src", "customer-self-service")
        let target = try await provision("tgt", "starter")

        let migrate = try await CLI.run(
            [
                "migrate", "--from", "local:src", "--to", "local:tgt", "--webSiteId", source,
                "--targetWebSiteId", target, "--yes", "--prune", "--allow-mass-delete",
            ], home: home)
        #expect(migrate.status == 0, "\(migrate.out)\(migrate.err)")
        #expect(migrate.out.contains("kept adx_website") && migrate.out.contains(", column adx_name = \"Basic Portal\""), "\(migrate.out)")
        #expect(migrate.out.contains("Verified: read back"), "\(migrate.out)")

        let verify = try await CLI.run(
            [
                "verify", "--from", "local:src", "--to", "local:tgt", "--webSiteId", source,
                "--targetWebSiteId", target,
            ], home: home)
        #expect(verify.status == 0, "\(verify.out)\(verify.err)")
        #expect(verify.out.contains("adx_website columns adx_name: not compared (kept: the target website's own value"), "\(verify.out)")
        #expect(verify.out.contains("Identical"), "\(verify.out)")
    }
}

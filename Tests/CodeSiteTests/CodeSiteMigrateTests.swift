import CodeSite
import Foundation
import PortalModel
import Testing
import TestSupport

/// A code site moves dev → test like any enhanced site (issue 23: "`migrate`, `plan`, `diff` and
/// `verify` handle a code site like any enhanced site, so dev → test → prod works without a build
/// machine in each environment"): uploaded once into dev from the project, then migrated with the
/// built binary between two embedded environments, verified, planned and compared.
@Suite struct CodeSiteMigrateTests {
    @Test func aCodeSiteMigratesFromDevToTestAndVerifies() async throws {
        let s = try Scenario("pm-codesite-migrate")
        defer { s.remove() }
        let root = try CodeSiteFixture.copy(CodeSiteFixture.current, into: s.work, as: "car-sales")
        let build = CodeSiteFixture.hashedBuild("3f9a1c")
        try CodeSiteFixture.writeBuild(build, root: root)
        try await s.createEnvironment("dev")
        // Test accepts .js and .svg web files (its blocked list is "exe;bat"), so plan and migrate need no --unblock-extensions.
        try await s.createEnvironment("test", blockedAttachments: "exe;bat")
        let site = CodeSiteFixture.currentSite
        let upload = try await s.run(
            ["code-site", "upload", "--rootPath", root.path, "--environment", "local:dev", "--yes", "--create"] + CodeSiteUploadTests.unblock)
        #expect(upload.status == 0, "\(upload.out)\n\(upload.err)")

        // The project has source files and server logic whose code migrate does not carry yet: plan and
        // migrate say so and stop before writing (exit 2) instead of verifying "Identical" without them.
        let plan = try await s.run(["plan", "--from", "local:dev", "--webSiteId", site, "--to", "local:test"])
        #expect(plan.status == 2, "\(plan.out)\n\(plan.err)")
        for text in ["code-site-content-not-carried", "20 source file(s)", "code-site upload"] {
            #expect((plan.out + plan.err).contains(text), "\(text): \(plan.out)\n\(plan.err)")
        }
        let stopped = try await s.run(["migrate", "--from", "local:dev", "--webSiteId", site, "--to", "local:test", "--yes"])
        #expect(stopped.status == 2, "\(stopped.out)\n\(stopped.err)")
        #expect(try await CodeSiteUploadTests.webFiles(s, "test", site: site).isEmpty, "nothing is written after a failed check")
        // --force migrates the rest and ends with exit 1; the project's upload into test carries the rest.
        let migrate = try await s.run(
            ["migrate", "--from", "local:dev", "--webSiteId", site, "--to", "local:test", "--yes", "--force"])
        #expect(migrate.status == 1, "\(migrate.out)\n\(migrate.err)")
        let carried = try await s.run(
            ["code-site", "upload", "--rootPath", root.path, "--environment", "local:test", "--yes"] + CodeSiteUploadTests.unblock)
        #expect(carried.status == 0, "\(carried.out)\n\(carried.err)")
        let verify = try await s.run(["verify", "--from", "local:dev", "--webSiteId", site, "--to", "local:test"])
        #expect(verify.status == 0 && verify.out.contains("Identical"), "\(verify.out)\n\(verify.err)")
        let again = try await s.run(["plan", "--from", "local:dev", "--webSiteId", site, "--to", "local:test"])
        #expect(again.status == 0 && !again.out.contains("create") && again.out.contains("unchanged"), "\(again.out)\n\(again.err)")
        let diff = try await s.run(["diff", "--from", "local:dev", "--webSiteId", site, "--to", "local:test"])
        #expect(diff.status == 0, "\(diff.out)\n\(diff.err)")

        // Test serves the build: its landing page and every file the page references, with dev's bytes,
        // and the site is a code site (CodeSite/Enabled).
        let files = try await CodeSiteUploadTests.webFiles(s, "test", site: site)
        #expect(files["index.html"] == build["index.html"])
        for ref in LandingPage.references(in: String(decoding: build["index.html"]!, as: UTF8.self)) {
            #expect(files[(ref as NSString).lastPathComponent] == build[ref], "\(ref)")
        }
        let settings = try await s.open("test").retrieveAll(RecordQuery("powerpagecomponent", columns: ["name", "powerpagecomponenttype"]))
        #expect(settings.contains { $0.columns["powerpagecomponenttype"] == .choice(9) && $0.string("name") == "CodeSite/Enabled" })
        // A later build reaches test the same way: upload into dev, migrate; test then has dev's new bundle.
        let build2 = CodeSiteFixture.hashedBuild("b07e55")
        try CodeSiteFixture.writeBuild(build2, root: root)
        let upload2 = try await s.run(
            ["code-site", "upload", "--rootPath", root.path, "--environment", "local:dev", "--yes"] + CodeSiteUploadTests.unblock)
        #expect(upload2.status == 0, "\(upload2.out)\n\(upload2.err)")
        let migrate2 = try await s.run(
            ["migrate", "--from", "local:dev", "--webSiteId", site, "--to", "local:test", "--yes", "--prune"])
        #expect(migrate2.status == 0, "\(migrate2.out)\n\(migrate2.err)")
        let files2 = try await CodeSiteUploadTests.webFiles(s, "test", site: site)
        #expect(files2["index.html"] == build2["index.html"])
        #expect(files2["index-b07e55.js"] == build2["assets/index-b07e55.js"])
        #expect(files2["index-3f9a1c.js"] == nil, "--prune deletes the bundle dev no longer has")
    }
}

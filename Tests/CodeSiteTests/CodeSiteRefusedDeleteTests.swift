import CodeSite
import Foundation
import LocalEnvironment
import Migration
import PortalModel
import Testing
import TestSupport

/// A target that refuses to delete some records, as a plug-in does (research alm-landscape N4:
/// "delete blocked by a plug-in"): every other operation goes to the embedded environment.
struct RefusingDeletes: ForwardingService {
    let base: LocalEnvironment
    let refused: Set<UUID>
    var forwardedService: any DataverseService { base }
    func execute(_ changeSets: [ChangeSet], options: ExecuteOptions) async throws -> [OperationResult] {
        var out: [OperationResult] = []
        for set in changeSets {
            let refusing = set.operations.contains { op in
                if case .delete(_, let id) = op { return refused.contains(id) }
                return false
            }
            guard refusing else {
                out += try await base.execute([set], options: options)
                continue
            }
            for op in set.operations {
                if case .delete(_, let id) = op, refused.contains(id) {
                    out.append(.failure(DataverseError(httpStatus: 400, code: "0x80040265", message: "Deleting bundles is blocked by a plug-in.")))
                } else if set.atomic {
                    out.append(.failure(DataverseError(httpStatus: 400, code: DataverseError.Code.rolledBack, message: "rolled back")))
                } else {
                    out += try await base.execute([ChangeSet([op], atomic: false)], options: options)
                }
            }
        }
        return out
    }
}

/// A clean-up delete the target refuses: the step fails naming the bundle, the bundle is still there
/// (checked by reading again), and the site serves the new build (issue 23, "Done when").
@Suite struct CodeSiteRefusedDeleteTests {
    @Test func aRefusedDeleteIsNamedAndTheSiteStillServesTheNewBuild() async throws {
        let work = try TestPaths.temporaryDirectory("pm-codesite-refused")
        defer { try? FileManager.default.removeItem(at: work) }
        let env = try LocalEnvironment.create(
            at: work.appendingPathComponent("t.sqlite"),
            options: LocalEnvironmentOptions(name: "t", blockedAttachments: []))
        let root = try CodeSiteFixture.copy(CodeSiteFixture.current, into: work, as: "car-sales")
        var choices = RunChoices()
        choices.dataDirectory = work.appendingPathComponent("home")

        // First build, uploaded as is.
        try CodeSiteFixture.writeBuild(CodeSiteFixture.hashedBuild("3f9a1c"), root: root)
        let first = try CodeSiteProject.read(root: root)
        defer { first.removeWorkFolder() }
        let up1 = try await CodeSiteUpload.prepare(
            first, build: root.appendingPathComponent("dist"), target: RunTarget(env, name: "local:t"),
            choices: choices, webSiteID: nil, create: true)
        for run in [try await up1.assetsRun(), try await up1.switchRun()] {
            let report = try await run.apply()
            #expect(report.failures.isEmpty, "\(report.failures)")
        }

        // Second build; the target refuses to delete the first build's script.
        let build2 = CodeSiteFixture.hashedBuild("b07e55")
        try CodeSiteFixture.writeBuild(build2, root: root)
        let oldScript = try #require(try await up1.targetWebFiles().first { $0.string("adx_name") == "index-3f9a1c.js" })
        let target = RefusingDeletes(base: env, refused: [oldScript.id])
        let second = try CodeSiteProject.read(root: root)
        defer { second.removeWorkFolder() }
        let up2 = try await CodeSiteUpload.prepare(
            second, build: root.appendingPathComponent("dist"), target: RunTarget(target, name: "local:t"),
            choices: choices, webSiteID: nil, create: false)
        let stale = try await up2.staleBundlesInTarget()
        #expect(stale.map(\.name) == ["index-3f9a1c.css", "index-3f9a1c.js"])
        #expect(try await up2.assetsRun().apply().failures.isEmpty)
        #expect(try await up2.missingLandingAssets().isEmpty)
        #expect(try await up2.switchRun().apply().failures.isEmpty)
        let cleanUp = try await up2.cleanUpRun(stale).apply()
        #expect(cleanUp.failures.map(\.id) == [oldScript.id])
        #expect(cleanUp.failures.first?.message.contains("blocked by a plug-in") == true)
        let left = try await up2.bundlesStillPresent(stale)
        #expect(left.map(\.name) == ["index-3f9a1c.js"])
        // The site serves the new build: its landing page and every file it references are there.
        let names = Set(try await up2.targetWebFiles().compactMap { $0.string("adx_name") })
        #expect(names.isSuperset(of: ["index.html", "car.svg", "index-b07e55.js", "index-b07e55.css"]))
        #expect(!names.contains("index-3f9a1c.css"))
        let landing = try #require(try await up2.targetWebFiles().first { $0.string("adx_name") == "index.html" })
        let body = try await env.downloadFile(FileBodyKey("powerpagecomponent", landing.id, "filecontent"))
        #expect(body == build2["index.html"])
    }
}

/// The same refusal end to end: the built binary against the environment served on 127.0.0.1, whose
/// delete of the old script a plug-in refuses (`env settings --refuse-deletes`).
@Suite struct CodeSiteRefusedDeleteEndToEndTests {
    @Test func aRefusedDeleteExitsOneNamingTheBundleAndTheSiteServesTheNewBuild() async throws {
        let s = try Scenario("pm-codesite-refused-e2e")
        defer { s.remove() }
        let root = try CodeSiteFixture.copy(CodeSiteFixture.current, into: s.work, as: "car-sales")
        try await s.createEnvironment("t")
        try CodeSiteFixture.writeBuild(CodeSiteFixture.hashedBuild("3f9a1c"), root: root)
        let first = try await s.run(
            ["code-site", "upload", "--rootPath", root.path, "--environment", "local:t", "--yes", "--create"] + CodeSiteUploadTests.unblock)
        #expect(first.status == 0, "\(first.out)\n\(first.err)")
        let before = try await CodeSiteUploadTests.webFileIDs(s, "t", site: CodeSiteFixture.currentSite)
        let oldScript = try #require(before["index-3f9a1c.js"])
        try await s.succeed(["env", "settings", "t", "--refuse-deletes", oldScript.dataverseString])

        let server = try await s.serve("t")
        defer { Task { _ = await server.terminate() } }
        let build2 = CodeSiteFixture.hashedBuild("b07e55")
        try CodeSiteFixture.writeBuild(build2, root: root)
        let second = try await s.run(
            ["code-site", "upload", "--rootPath", root.path, "--environment", server.origin, "--yes"] + CodeSiteUploadTests.unblock)
        #expect(second.status == 1, "\(second.out)\n\(second.err)")
        #expect(second.err.contains("did not delete 1 old bundle(s)"), "\(second.err)")
        #expect(second.err.contains("index-3f9a1c.js") && second.err.contains(oldScript.dataverseString), "\(second.err)")
        #expect(second.err.contains("the site serves the new build"), "\(second.err)")

        // What the site serves: the new landing page, and every file it references.
        let files = try await CodeSiteUploadTests.webFiles(s, "t", site: CodeSiteFixture.currentSite)
        #expect(files["index.html"] == build2["index.html"])
        let references = LandingPage.references(in: String(decoding: build2["index.html"]!, as: UTF8.self))
        #expect(references == ["car.svg", "assets/index-b07e55.js", "assets/index-b07e55.css"])
        for ref in references {
            #expect(files[(ref as NSString).lastPathComponent] == build2[ref], "\(ref) is not served with the new build's bytes")
        }
        // The refused bundle is still there (named above); the one the target deleted is gone.
        #expect(files["index-3f9a1c.js"] != nil)
        #expect(files["index-3f9a1c.css"] == nil)
    }
}

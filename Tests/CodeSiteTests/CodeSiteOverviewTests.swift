import CodeSite
import Foundation
import LocalEnvironment
import Migration
import PortalModel
import Testing
import TestSupport

/// What `code-site upload` and `code-site download` show, decided in the library (issue 19: it was the
/// command's): the build output an upload needs, phase 0's overview, the blocked-list notice, the
/// `--json` report of every step, the last line, and a download's summary.
@Suite struct CodeSiteOverviewTests {
    /// An upload needs a build output folder: without `compiledPath` in the config or on the command
    /// line it is refused saying where to name one.
    @Test func anUploadNeedsABuildOutput() throws {
        let work = try TestPaths.temporaryDirectory("pm-codesite-nobuild")
        defer { try? FileManager.default.removeItem(at: work) }
        let root = try CodeSiteFixture.copy(CodeSiteFixture.current, into: work, as: "car-sales")
        let config = root.appendingPathComponent("powerpages.config.json")
        try Data(#"{"siteName": "Car Sales Management"}"#.utf8).write(to: config)
        let bare = try CodeSiteProject.read(root: root)
        defer { bare.removeWorkFolder() }
        #expect(
            throws: CodeSiteError.noBuildOutput(
                problem: "no build output folder: give --compiledPath or compiledPath in \(bare.root.path)/powerpages.config.json")
        ) {
            try bare.requiredBuildOutput()
        }
        let given = try CodeSiteProject.read(root: root, compiledPath: "dist")
        defer { given.removeWorkFolder() }
        #expect(try given.requiredBuildOutput().path == root.appendingPathComponent("dist").standardizedFileURL.path)
    }

    /// A second build over the first: phase 0 names the site, the build, the patterns, both stale
    /// bundles (path, id, pattern) and the source files; the report lists them, then every step and the
    /// bundles deleted; a download of the site says what it wrote.
    @Test func phaseZeroTheReportAndTheDownloadSummary() async throws {
        let work = try TestPaths.temporaryDirectory("pm-codesite-overview")
        defer { try? FileManager.default.removeItem(at: work) }
        let env = try LocalEnvironment.create(
            at: work.appendingPathComponent("t.sqlite"), options: LocalEnvironmentOptions(name: "t", blockedAttachments: []))
        defer { try? env.close() }
        let root = try CodeSiteFixture.copy(CodeSiteFixture.current, into: work, as: "car-sales")
        var choices = RunChoices()
        choices.dataDirectory = work.appendingPathComponent("home")
        let build = root.appendingPathComponent("dist")

        try CodeSiteFixture.writeBuild(CodeSiteFixture.hashedBuild("3f9a1c"), root: root)
        let first = try CodeSiteProject.read(root: root)
        defer { first.removeWorkFolder() }
        let up1 = try await CodeSiteUpload.prepare(
            first, build: build, target: RunTarget(env, name: "local:t"), choices: choices, webSiteID: nil, create: true)
        #expect(up1.unblockNotice == nil)
        let outcome1 = try await up1.deploy(stale: [], runStep: { _, run in try await run.apply() }, say: { _ in })
        #expect(outcome1.failedStep == nil, "\(outcome1.failureMessage ?? "")")

        try CodeSiteFixture.writeBuild(CodeSiteFixture.hashedBuild("b07e55"), root: root)
        let second = try CodeSiteProject.read(root: root)
        defer { second.removeWorkFolder() }
        choices.unblockExtensions = ["svg", "js"]
        let up2 = try await CodeSiteUpload.prepare(
            second, build: build, target: RunTarget(env, name: "local:t"), choices: choices, webSiteID: nil, create: false)
        let bundles = try await up2.staleBundles()
        let lines = up2.overview(build: build, bundles: bundles, verbose: false)
        #expect(lines.first == up2.binding.description)
        #expect(lines.contains("Bundle patterns (bundleFilePatterns): index-*.js, index-*.css"), "\(lines)")
        let header = try #require(lines.firstIndex { $0.hasPrefix("Stale bundles in the target, deleted only after") }, "\(lines)")
        #expect(lines[header].hasSuffix("(2):"))
        for (offset, name) in ["index-3f9a1c.css", "index-3f9a1c.js"].enumerated() {
            let bundle = try #require(bundles.inTarget.first { $0.name == name })
            #expect(
                lines[header + 1 + offset]
                    == "  - \(bundle.path) (\(bundle.id.dataverseString), matches index-*.\(name.hasSuffix("js") ? "js" : "css"))")
        }
        #expect(lines.contains { $0.hasPrefix("Source files (includeSource): ") }, "\(lines)")
        #expect(
            up2.unblockNotice
                == "The target's blocked attachment list will be changed for each step (allowing js, svg) and restored at its end.")

        var report = CodeSiteUploadReport(up2, bundles: bundles)
        let phase0 = try Self.object(report.jsonText())
        #expect(phase0["staleBundles"] as? [String] == ["index-3f9a1c.css", "index-3f9a1c.js"])
        #expect(phase0["site"] as? String == CodeSiteFixture.currentSite && phase0["layout"] as? String == "current")
        #expect(phase0["deletedBundles"] as? [String] == [] && phase0["sourceFiles"] is NSNull)

        let outcome2 = try await up2.deploy(stale: bundles.inTarget, runStep: { _, run in try await run.apply() }, say: { _ in })
        #expect(outcome2.failedStep == nil, "\(outcome2.failureMessage ?? "")")
        report.add(outcome2)
        let done = try JSONSerialization.jsonObject(with: Data(report.jsonText().utf8)) as? [String: Any]
        #expect(Set((done?["steps"] as? [String: Any])?.keys.map { $0 } ?? []) == ["assets", "landingPage", "cleanUp"])
        #expect(try Self.object(report.jsonText())["deletedBundles"] as? [String] == ["index-3f9a1c.css", "index-3f9a1c.js"])
        #expect(up2.doneMessage(report).contains("in site \(CodeSiteFixture.currentSite), 2 stale bundle(s) deleted, "), "\(up2.doneMessage(report))")

        let into = work.appendingPathComponent("downloaded")
        let result = try await CodeSiteDownload.download(
            websiteID: UUID(uuidString: CodeSiteFixture.currentSite)!, from: env, environmentName: "local:t", into: into, environmentHost: "t")
        #expect(result.summaryLines.first?.hasPrefix("Downloaded \(result.records) record(s) into \(result.site.siteFolder.path): ") == true)
        #expect(result.summaryLines.contains { $0.hasPrefix("Source files: \(result.sourceFiles.rows) (") } == (result.sourceFiles.rows > 0))
        let json = try JSONSerialization.jsonObject(with: Data(try result.jsonText().utf8)) as? [String: Any]
        #expect(json?["records"] as? Int == result.records && json?["folder"] as? String == result.site.siteFolder.path)
    }

    /// The `codeSite` object of a report's JSON text.
    static func object(_ text: String) throws -> [String: Any] {
        let top = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        return try #require(top["codeSite"] as? [String: Any])
    }
}

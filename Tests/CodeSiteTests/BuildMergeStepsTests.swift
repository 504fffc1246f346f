import Foundation
import PortalModel
import TestSupport
import Testing

@testable import CodeSite

/// The steps of `BuildMerge.merge` on the real corpus sample (`car-sales-react-2026`) and a generated
/// hashed build: each step's effect on the snapshot (everything) and `assetsOnly` (phase 1).
@Suite struct BuildMergeStepsTests {
    static func project(_ name: String, build: [String: Data]) throws -> (CodeSiteProject, URL, URL) {
        let work = try TestPaths.temporaryDirectory(name)
        let root = try CodeSiteFixture.copy(CodeSiteFixture.current, into: work, as: "car-sales")
        try CodeSiteFixture.writeBuild(build, root: root)
        return (try CodeSiteProject.read(root: root), root.appendingPathComponent("dist"), work)
    }

    /// A new build: every file is a web file under the page of its folder, the new `assets` folder
    /// (already a page in the sample) keeps its page, every file's note body is the file on disk, the
    /// landing page's note and the Home content pages are out of phase 1 only, and the old hashed
    /// bundles are stale, out of both snapshots.
    @Test func aNewBuildMergesFilesPagesLandingAndStaleBundles() throws {
        let (project, build, work) = try Self.project("pm-buildmerge-steps", build: CodeSiteFixture.hashedBuild("9d1e2f"))
        defer { try? FileManager.default.removeItem(at: work) }
        let merge = try BuildMerge.merge(project, build: build, patterns: BundlePatterns(project.config.bundleFilePatterns))
        #expect(Set(merge.webFiles.keys) == ["index.html", "car.svg", "assets/index-9d1e2f.js", "assets/index-9d1e2f.css"])
        let files = Dictionary(uniqueKeysWithValues: (merge.snapshot.records["adx_webfile"] ?? []).map { ($0.id, $0) })
        for (path, id) in merge.webFiles {
            let record = try #require(files[id], "web file of \(path)")
            #expect(record.string("adx_partialurl") == (path as NSString).lastPathComponent)
            let note = try #require(merge.snapshot.records["annotation"]?.first { $0.lookupID("objectid") == id })
            #expect(merge.snapshot.bodies[FileBodyKey("annotation", note.id, "documentbody")] == .file(build.appendingPathComponent(path)))
            let inPhase1 = merge.assetsOnly.records["annotation"]?.contains { $0.id == note.id } == true
            #expect(inPhase1 == (path != "index.html"), "\(path) in phase 1")
        }
        // the stale bundles: the sample's own hashed js/css, in neither snapshot
        #expect(!merge.staleBundles.isEmpty)
        for stale in merge.staleBundles {
            #expect(merge.snapshot.records["adx_webfile"]?.contains { $0.id == stale.id } == false)
            #expect(merge.assetsOnly.records["adx_webfile"]?.contains { $0.id == stale.id } == false)
            #expect(stale.name.lowercased().hasPrefix("index-"))
        }
        // the landing text is in the Home content pages of the snapshot, and they are not in phase 1
        let home = try #require(BuildMerge.homePage(project.content.snapshot))
        let contents = (merge.snapshot.records["adx_webpage"] ?? []).filter { $0.lookupID("adx_rootwebpageid") == home.id && $0.id != home.id }
        #expect(!contents.isEmpty)
        for c in contents {
            #expect(c.string("adx_copy")?.contains("index-9d1e2f.js") == true)
            #expect(merge.assetsOnly.records["adx_webpage"]?.contains { $0.id == c.id } == false)
        }
        // CodeSite/Enabled exactly once, whatever the sample had
        let enabled = (merge.snapshot.records["adx_sitesetting"] ?? []).filter { $0.string("adx_name")?.lowercased() == "codesite/enabled" }
        #expect(enabled.count == 1)
    }

    /// A folder the site does not have becomes a root web page under its parent folder's page, with one
    /// content page per website language; merging the same build into the merged snapshot finds it
    /// again (matched by parent and partial URL, ignoring case) and creates nothing.
    @Test func aNewFolderBecomesAPageWithOneContentPagePerLanguageAndIsFoundAgain() throws {
        var build = CodeSiteFixture.hashedBuild("77aa00")
        build["static/Fonts/inter.woff2"] = Data([0, 1, 2, 3])
        let (project, files, work) = try Self.project("pm-buildmerge-folders", build: build)
        defer { try? FileManager.default.removeItem(at: work) }
        let anchors = try BuildMerge.SiteAnchors(project.content.snapshot, site: project.websiteID ?? UUID())
        var first = BuildMerge(snapshot: anchors.snapshot, assetsOnly: anchors.snapshot, staleBundles: [], webFiles: [:], landingReferences: [])
        let pages = first.mergeFolders(of: try BuildMerge.buildFiles(files), anchors)
        let staticPage = try #require(pages["static"]), fonts = try #require(pages["static/Fonts"])
        let created = (first.snapshot.records["adx_webpage"] ?? []).filter { [staticPage, fonts].contains($0.id) }
        #expect(created.count == 2)
        #expect(created.first { $0.id == fonts }?.lookupID("adx_parentpageid") == staticPage)
        let contentOfFonts = (first.snapshot.records["adx_webpage"] ?? []).filter { $0.lookupID("adx_rootwebpageid") == fonts }
        #expect(contentOfFonts.count == anchors.languages.count)
        #expect(first.created.contains("web page static/Fonts"))

        // again, over the merged snapshot with the folder in other case: the same pages, none created
        let again = try BuildMerge.SiteAnchors(first.snapshot, site: anchors.site)
        var second = BuildMerge(snapshot: again.snapshot, assetsOnly: again.snapshot, staleBundles: [], webFiles: [:], landingReferences: [])
        let pagesAgain = second.mergeFolders(of: ["STATIC/fonts/inter.woff2"], again)
        #expect(pagesAgain["STATIC"] == staticPage && pagesAgain["STATIC/fonts"] == fonts)
        #expect(second.created.isEmpty)
        #expect(second.snapshot.records["adx_webpage"]?.count == first.snapshot.records["adx_webpage"]?.count)
    }

    /// A landing page that references a file the build lacks is refused before anything is merged,
    /// naming the file; a build without the landing page is refused naming the option to use.
    @Test func theLandingPageIsCheckedBeforeAnyStep() throws {
        var build = CodeSiteFixture.hashedBuild("51c0de")
        build["assets/index-51c0de.css"] = nil
        let (project, files, work) = try Self.project("pm-buildmerge-landing", build: build)
        defer { try? FileManager.default.removeItem(at: work) }
        #expect {
            _ = try BuildMerge.LandingInput.read(build: files, files: try BuildMerge.buildFiles(files), landingPage: "index.html")
        } throws: { error in
            guard case CodeSiteError.missingAssets(_, let missing) = error else { return false }
            return missing.contains { $0.hasSuffix("index-51c0de.css") }
        }
        #expect(throws: CodeSiteError.self) {
            _ = try BuildMerge.LandingInput.read(build: files, files: ["car.svg"], landingPage: "index.html")
        }
        _ = project
    }
}

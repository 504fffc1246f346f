import CodeSite
import Foundation
import PortalFolder
import PortalModel
import Testing
import TestSupport

/// The code-site reader (issue 23 item 1) on Microsoft's two samples in ../shared/corpus/code-sites
/// (read in place: reading never writes) and on small projects the tests make.
@Suite struct CodeSiteReaderTests {
    static let current = TestPaths.corpus.appendingPathComponent("code-sites/car-sales-react-2026", isDirectory: true)
    static let legacy = TestPaths.corpus.appendingPathComponent("code-sites/car-sales-angular-2025-old", isDirectory: true)

    @Test func theCurrentSampleReadsEveryRecordOfItsFolder() throws {
        let project = try CodeSiteProject.read(root: Self.current)
        defer { project.removeWorkFolder() }
        #expect(project.layout == .current)
        #expect(
            project.config
                == CodeSiteConfig(
                    siteName: "Car Sales Management", compiledPath: "dist", defaultLandingPage: "index.html",
                    bundleFilePatterns: ["index-*.js", "index-*.css"], includeSource: true))
        let s = project.content.snapshot
        #expect(project.websiteID == UUID(uuidString: "ac53dce0-8247-43e0-a382-90d2b7e25291"))
        let site = Self.current.appendingPathComponent(".powerpages-site")
        func count(_ folder: String, _ suffix: String) -> Int {
            ((try? FileManager.default.subpathsOfDirectory(atPath: site.appendingPathComponent(folder).path)) ?? []).filter { $0.hasSuffix(suffix) }
                .count
        }
        #expect(s.records["adx_sitesetting"]?.count == count("site-settings", ".sitesetting.yml"))
        #expect(s.records["adx_webrole"]?.count == count("web-roles", ".webrole.yml"))
        #expect(s.records["adx_webfile"]?.count == count("web-files", ".webfile.yml"))
        #expect(s.records["adx_webpage"]?.count == count("web-pages", ".webpage.yml"))
        #expect(s.records["adx_weblink"]?.count == count("weblink-sets", ".weblink.yml"))
        #expect(s.records["adx_contentsnippet"]?.count == count("content-snippets", ".contentsnippet.yml"))
        #expect(s.records["adx_entitypermission"]?.count == 1)
        #expect(s.records["adx_websitelanguage"]?.count == 1)
        #expect(s.records["adx_portallanguage"]?.count == 1)
        // A lookup and a value of a per-record file come through with the right types.
        let css = try #require(s.records["adx_webfile"]?.first { $0.string("adx_name") == "index-Co_vgdee.css" })
        #expect(css.lookupID("adx_parentpageid") == UUID(uuidString: "27c4f83a-954e-4719-bc95-b9660a5d4861"))
        let setting = try #require(s.records["adx_sitesetting"]?.first { $0.string("adx_name") == "CodeSite/Enabled" })
        #expect(setting.string("adx_value") == "true")
        let body = try #require(s.records["annotation"]?.first { $0.lookupID("objectid") == css.id })
        let bytes = try #require(s.bodies[FileBodyKey("annotation", body.id, "documentbody")]).load()
        #expect(bytes == (try Data(contentsOf: site.appendingPathComponent("web-files/index-co_vgdee.css/index-Co_vgdee.css"))))
        #expect(project.sourceFiles.count == count("source-files", ".sourcefile.yml"))
        #expect(project.sourceFiles.contains { $0.partialURL == "src/App.tsx" })
    }

    @Test func theLegacySampleReadsWithTheUpgradeNotice() throws {
        let project = try CodeSiteProject.read(root: Self.legacy)
        #expect(project.layout == .legacy)
        #expect(project.workFolder == nil)
        #expect(project.notices.first?.contains("August 2025") == true)
        let files = project.content.snapshot.records["adx_webfile"] ?? []
        #expect(files.count > 40)
        #expect(project.config.bundleFilePatterns == nil)
    }

    @Test func bundlePatternsMatchNamesWholeIgnoringCase() {
        let defaults = BundlePatterns(nil)
        #expect(defaults.isDefault)
        #expect(defaults.match("index-3F9A1C.js") == "index-*.js")
        #expect(defaults.match("main.abc.js") == "main.*.js")
        #expect(defaults.match("main-7M4Q7FGW.js") == nil) // Angular's main-<hash> is not a default (dot after main)
        #expect(defaults.match("vendor-abc.js") == nil)
        #expect(defaults.match("index.html") == nil)
        let custom = BundlePatterns(["main-*.js", "chunk-*.js"])
        #expect(custom.match("chunk-5XZ6AZEN_16213590.js") == "chunk-*.js")
        #expect(custom.match("xchunk-1.js") == nil)
    }

    @Test func landingPageReferencesAreTheSiteRelativeFiles() {
        let html = """
            <!doctype html><html><head>
            <link rel="icon" type="image/svg+xml" href="/car.svg" />
            <script type="module" crossorigin src="/assets/index-3f9a1c.js"></script>
            <link rel="stylesheet" crossorigin href="./assets/index-77aa01.css?v=2">
            <link rel="preconnect" href="https://fonts.googleapis.com">
            <script src='//cdn.example.com/x.js'></script><img src=logo.png>
            <img src="data:image/png;base64,AAAA">
            </head><body><div id="root"></div></body></html>
            """
        #expect(LandingPage.references(in: html) == ["car.svg", "assets/index-3f9a1c.js", "assets/index-77aa01.css", "logo.png"])
    }

    @Test func sourceSelectionHonoursTheAlwaysExcludedFoldersGitignoreAndConfig() throws {
        let root = try TestPaths.temporaryDirectory("pm-codesite-src")
        defer { try? FileManager.default.removeItem(at: root) }
        for f in ["src/App.tsx", "dist/index.html", "node_modules/x/a.js", ".env", "docs/notes.md", "secret/key.pem", ".powerpages-site/website.yml"]
        {
            let url = root.appendingPathComponent(f)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("x".utf8).write(to: url)
        }
        try Data(".env\n# comment\n/secret/\n".utf8).write(to: root.appendingPathComponent(".gitignore"))
        let config = CodeSiteConfig(compiledPath: "dist", includeSource: true, sourceExcludePatterns: ["docs/**"])
        #expect(SourceSelection(config: config, root: root).files(under: root) == [".gitignore", "src/App.tsx"])
    }

    @Test func aConfigFieldOfTheWrongTypeIsNamed() {
        #expect(throws: CodeSiteError.badConfig(file: "p.json", problem: "\"bundleFilePatterns\" must be a list of strings")) {
            try CodeSiteConfig.parse(Data(#"{"bundleFilePatterns": "index-*.js"}"#.utf8), file: "p.json")
        }
        #expect(throws: CodeSiteError.self) { try CodeSiteConfig.parse(Data("{".utf8), file: "p.json") }
    }
}

/// Source-file rows come from the environment: a `partialurl` that would leave the project or write
/// into `.powerpages-site/` is refused, and nothing is written outside the root.
@Suite struct SourceFileDownloadTests {
    static func row(_ path: String) -> SourceFileRow {
        SourceFileRow(
            id: UUID(), name: (path as NSString).lastPathComponent, codeType: nil,
            metadata: [("filename", (path as NSString).lastPathComponent), ("mimetype", "application/octet-stream"), ("partialurl", path)],
            body: Data("x".utf8))
    }

    @Test func aPartialURLOutsideTheProjectIsRefused() throws {
        let work = try TestPaths.temporaryDirectory("pm-codesite-srcdl")
        defer { try? FileManager.default.removeItem(at: work) }
        let root = work.appendingPathComponent("project")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for hostile in ["../escape.txt", "src/../../escape.txt", "/etc/escape.txt"] {
            #expect(throws: (any Error).self, "\(hostile)") { try SourceFileDownload.write([Self.row(hostile)], into: root) }
        }
        #expect(throws: CodeSiteError.self) { try SourceFileDownload.write([Self.row(".powerpages-site/website.yml")], into: root) }
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("escape.txt").path))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent(".powerpages-site").path), "nothing written for a refused row")
        // A file name (it names the row's .sourcefile.yml) that is not one plain name is refused before
        // the first write, even after a good row.
        for badName in ["a/b.tsx", "..", "../x"] {
            var bad = Self.row("src/ok.tsx")
            bad.metadata = bad.metadata.map { $0.0 == "filename" ? ($0.0, badName) : $0 }
            #expect(throws: CodeSiteError.self, "\(badName)") { try SourceFileDownload.write([Self.row("src/first.tsx"), bad], into: root) }
        }
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("src").path), "nothing written for a refused file name")
        // A well-formed row: its entry and its bytes.
        let ok = Self.row("src/App.tsx")
        let summary = try SourceFileDownload.write([ok], into: root)
        #expect(summary.written == [".powerpages-site/source-files/App.tsx.sourcefile.yml", "src/App.tsx"])
        let yaml = try String(contentsOf: root.appendingPathComponent(".powerpages-site/source-files/App.tsx.sourcefile.yml"), encoding: .utf8)
        #expect(
            yaml == "filename: App.tsx\nid: \(ok.id.dataverseString)\nmimetype: application/octet-stream\nname: App.tsx\npartialurl: src/App.tsx\n")
    }
}

import CodeSite
import Foundation
import LocalEnvironment
import PortalModel
import Testing
import TestSupport

/// `code-site upload` and `code-site download` with the built binary against embedded environments
/// (`local:`) and one served on 127.0.0.1 (issue 23, "Done when").
@Suite struct CodeSiteUploadTests {
    static let unblock = ["--unblock-extensions", "js,svg"]

    /// Web files of the site in the environment (through the enhanced view): name → body.
    static func webFiles(_ s: Scenario, _ env: String, site: String) async throws -> [String: Data] {
        let e = try s.open(env)
        let rows = try await e.retrieveAll(RecordQuery("powerpagecomponent", columns: ["name", "powerpagecomponenttype", "powerpagesiteid"]))
        var out: [String: Data] = [:]
        for r in rows where r.columns["powerpagecomponenttype"] == .choice(3) && r.lookupID("powerpagesiteid") == UUID(uuidString: site) {
            out[r.string("name") ?? ""] = try await e.downloadFile(FileBodyKey("powerpagecomponent", r.id, "filecontent")) ?? Data()
        }
        return out
    }

    /// Web files of the site in the environment: name → component id.
    static func webFileIDs(_ s: Scenario, _ env: String, site: String) async throws -> [String: UUID] {
        let rows = try await s.open(env).retrieveAll(
            RecordQuery("powerpagecomponent", columns: ["name", "powerpagecomponenttype", "powerpagesiteid"]))
        var out: [String: UUID] = [:]
        for r in rows where r.columns["powerpagecomponenttype"] == .choice(3) && r.lookupID("powerpagesiteid") == UUID(uuidString: site) {
            out[r.string("name") ?? ""] = r.id
        }
        return out
    }

    static func sites(_ s: Scenario, _ env: String) async throws -> [EntityRecord] {
        try await s.open(env).retrieveAll(RecordQuery("powerpagesite", columns: ["name"]))
    }

    @Test func twoUploadsOfTheSameProjectCreateOneSite() async throws {
        let s = try Scenario("pm-codesite-one")
        defer { s.remove() }
        let root = try CodeSiteFixture.copy(CodeSiteFixture.current, into: s.work, as: "car-sales")
        try CodeSiteFixture.writeBuild(try CodeSiteFixture.sampleBuild(root), root: root)
        try await s.createEnvironment("t")
        // Without --create a project whose site the target lacks is refused: nothing written.
        let refused = try await s.run(["code-site", "upload", "--rootPath", root.path, "--environment", "local:t", "--yes"] + Self.unblock)
        #expect(refused.status == 2, "\(refused.err)")
        #expect(refused.err.contains("--create"), "\(refused.err)")
        #expect(try await Self.sites(s, "t").isEmpty)
        let first = try await s.run(["code-site", "upload", "--rootPath", root.path, "--environment", "local:t", "--yes", "--create"] + Self.unblock)
        #expect(first.status == 0, "\(first.out)\n\(first.err)")
        let second = try await s.run(["code-site", "upload", "--rootPath", root.path, "--environment", "local:t", "--yes"] + Self.unblock)
        #expect(second.status == 0, "\(second.out)\n\(second.err)")
        #expect(second.out.contains("the id in .powerpages-site/website.yml"), "\(second.out)")
        for line in second.out.split(separator: "\n") where line.contains("created ") {
            #expect(line.contains("created 0, updated 0, "), "\(second.out)")
        }
        // A fresh clone whose .powerpages-site/website.yml carries another id (pac's re-initialised folder,
        // research §A.3 F1) binds to the one site of its name instead of creating a second one.
        let clone = try CodeSiteFixture.copy(root, into: s.work, as: "clone")
        let website = clone.appendingPathComponent(".powerpages-site/website.yml")
        let text = try String(contentsOf: website, encoding: .utf8).replacingOccurrences(
            of: CodeSiteFixture.currentSite,
            with: "0c0d0e0f-0000-4000-8000-000000000001")
        try Data(text.utf8).write(to: website)
        let third = try await s.run(["code-site", "upload", "--rootPath", clone.path, "--environment", "local:t", "--yes"] + Self.unblock)
        #expect(third.status == 0, "\(third.out)\n\(third.err)")
        #expect(third.out.contains("the one site of that name"), "\(third.out)")
        let sites = try await Self.sites(s, "t")
        #expect(sites.map(\.id) == [UUID(uuidString: CodeSiteFixture.currentSite)!])
    }

    @Test func aNewBuildLeavesExactlyTheNewBundlesAndTheLandingPageReferencesOnlyFilesThatExist() async throws {
        let s = try Scenario("pm-codesite-build")
        defer { s.remove() }
        let root = try CodeSiteFixture.copy(CodeSiteFixture.current, into: s.work, as: "car-sales")
        try await s.createEnvironment("t")
        try CodeSiteFixture.writeBuild(CodeSiteFixture.hashedBuild("3f9a1c"), root: root)
        let first = try await s.run(["code-site", "upload", "--rootPath", root.path, "--environment", "local:t", "--yes", "--create"] + Self.unblock)
        #expect(first.status == 0, "\(first.out)\n\(first.err)")
        let build2 = CodeSiteFixture.hashedBuild("b07e55")
        try CodeSiteFixture.writeBuild(build2, root: root)
        let second = try await s.run(["code-site", "upload", "--rootPath", root.path, "--environment", "local:t", "--yes", "--json"] + Self.unblock)
        #expect(second.status == 0, "\(second.err)")
        let json = try JSONValue.parse(second.out)
        #expect(json["codeSite"]?["deletedBundles"]?.arrayValue?.compactMap(\.stringValue).sorted() == ["index-3f9a1c.css", "index-3f9a1c.js"])
        let files = try await Self.webFiles(s, "t", site: CodeSiteFixture.currentSite)
        let bundles = files.keys.filter { BundlePatterns(["index-*.js", "index-*.css"]).match($0) != nil }.sorted()
        #expect(bundles == ["index-b07e55.css", "index-b07e55.js"])
        #expect(files["index-b07e55.js"] == build2["assets/index-b07e55.js"])
        // The landing page the site serves is the new one, and every file it references is a web file.
        #expect(files["index.html"] == build2["index.html"])
        let references = LandingPage.references(in: String(decoding: build2["index.html"]!, as: UTF8.self))
        #expect(references.count == 3)
        for ref in references { #expect(files[(ref as NSString).lastPathComponent] != nil, "\(ref) missing") }
        let env = try s.open("t")
        let home = try await env.retrieveAll(RecordQuery("powerpagecomponent", columns: ["name", "content", "powerpagecomponenttype"]))
            .filter {
                $0.columns["powerpagecomponenttype"] == .choice(2) && $0.string("name") == "Home" && ($0.string("content") ?? "").contains("b07e55")
            }
        #expect(!home.isEmpty, "the Home content page's copy is the new landing page")
    }

    @Test func theCurrentSampleUploadsOverHTTPAndDownloadsBackByteForByte() async throws {
        let s = try Scenario("pm-codesite-roundtrip")
        defer { s.remove() }
        let root = try CodeSiteFixture.copy(CodeSiteFixture.current, into: s.work, as: "car-sales")
        try CodeSiteFixture.writeBuild(try CodeSiteFixture.sampleBuild(root), root: root)
        try await s.createEnvironment("t")
        let server = try await s.serve("t")
        defer { Task { _ = await server.terminate() } }
        let upload = try await s.run(
            ["code-site", "upload", "--rootPath", root.path, "--environment", server.origin, "--yes", "--create"] + Self.unblock)
        #expect(upload.status == 0, "\(upload.out)\n\(upload.err)")
        #expect(upload.out.contains("Stale bundles in the target: none."), "\(upload.out)")
        // `verify --path` and `plan --path` read a code-site project (records and build) like any source.
        let verify = try await s.run(["verify", "--path", root.path, "--to", server.origin])
        #expect(verify.status == 0 && verify.out.contains("Identical"), "\(verify.out)\n\(verify.err)")
        let plan = try await s.run(["plan", "--path", root.path, "--to", "local:t"])
        #expect(plan.status == 0 && plan.out.contains("unchanged: 140 record(s)"), "\(plan.out)\n\(plan.err)")
        #expect(upload.out.contains("Source files (includeSource): 22 file(s); 22 new"), "\(upload.out)")
        #expect(upload.out.contains("created 22, updated 0, bytes uploaded 20, unchanged 0 source file(s); read back and verified"), "\(upload.out)")
        // Two files the sample lists are not in it (package-lock.json and a solution zip): their rows are kept without bytes.
        #expect(upload.out.contains("package-lock.json: listed in source-files/ but not in the project"), "\(upload.out)")
        // Into the project it came from, with its source files and source-files/ removed first: every file of the
        // sample comes back with its bytes (the .powerpages-site/ records, the source-file entries, the source files).
        for rel in CodeSiteFixture.projectFiles(root) where !rel.hasPrefix("dist/") {
            try FileManager.default.removeItem(at: root.appendingPathComponent(rel))
        }
        try FileManager.default.removeItem(at: root.appendingPathComponent(".powerpages-site/source-files"))
        let download = try await s.run([
            "code-site", "download", "--rootPath", root.path, "--webSiteId", CodeSiteFixture.currentSite,
            "--environment", server.origin,
        ])
        #expect(download.status == 0, "\(download.err)")
        #expect(download.out.contains("Source files: 22 (42 file(s) written"), "\(download.out)")
        let differences = CodeSiteFixture.differences(expected: CodeSiteFixture.current, actual: root) { $0.hasPrefix("dist/") }
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
        #expect(CodeSiteFixture.files(root.appendingPathComponent(".powerpages-site/source-files")).count == 22)
        // Into an empty folder: the same files, named the same way but for the two duplicate-named bot
        // consumers (pac's suffix digits cannot be reproduced), and the same bytes but for the web file
        // notes' ids, which the enhanced model does not keep; the source files byte for byte.
        let expected = CodeSiteFixture.files(CodeSiteFixture.current.appendingPathComponent(".powerpages-site"))
        let fresh = s.work.appendingPathComponent("fresh")
        let again = try await s.run([
            "code-site", "download", "--rootPath", fresh.path, "--webSiteId", CodeSiteFixture.currentSite, "--environment", "local:t",
        ])
        #expect(again.status == 0, "\(again.err)")
        let freshFiles = CodeSiteFixture.files(fresh.appendingPathComponent(".powerpages-site"))
        #expect(freshFiles.filter { !$0.hasPrefix("bot-consumers/") } == expected.filter { !$0.hasPrefix("bot-consumers/") })
        let freshSources = CodeSiteFixture.differences(expected: CodeSiteFixture.current, actual: fresh) {
            $0.hasPrefix(".powerpages-site/") && !$0.hasPrefix(".powerpages-site/source-files/")
        }
        #expect(freshSources.isEmpty, "\(freshSources.joined(separator: "\n"))")
        // Download then upload changes nothing.
        let unchanged = try await s.run(["code-site", "upload", "--rootPath", root.path, "--environment", server.origin, "--yes"] + Self.unblock)
        #expect(unchanged.status == 0, "\(unchanged.err)")
        let steps = unchanged.out.split(separator: "\n").filter { $0.contains("created ") }
        #expect(steps.count == 4)
        for line in steps { #expect(line.contains("created 0, updated 0, "), "\(unchanged.out)") }
        #expect(unchanged.out.contains("bytes uploaded 0, unchanged 22 source file(s)"), "\(unchanged.out)")
    }

    /// A source file the target blocks stops the upload before the first write, named with the fix; with
    /// --unblock-extensions it is uploaded and the target's blocked list is put back.
    @Test func aBlockedSourceFileStopsTheUploadBeforeTheFirstWrite() async throws {
        let s = try Scenario("pm-codesite-src-blocked")
        defer { s.remove() }
        let root = try CodeSiteFixture.copy(CodeSiteFixture.current, into: s.work, as: "car-sales")
        try CodeSiteFixture.writeBuild(CodeSiteFixture.hashedBuild("3f9a1c"), root: root)
        try await s.createEnvironment("t", blockedAttachments: "exe;bat;md")
        let refused = try await s.run(["code-site", "upload", "--rootPath", root.path, "--environment", "local:t", "--yes", "--create"])
        #expect(refused.status == 2, "\(refused.out)\n\(refused.err)")
        #expect(refused.err.contains("source file README.md: the target blocks .md attachments; pass --unblock-extensions md"), "\(refused.err)")
        #expect(try await Self.sites(s, "t").isEmpty, "nothing written")
        let r = try await s.run(
            ["code-site", "upload", "--rootPath", root.path, "--environment", "local:t", "--yes", "--create", "--unblock-extensions", "md"])
        #expect(r.status == 0, "\(r.out)\n\(r.err)")
        #expect(r.out.contains("read back and verified; blocked list restored"), "\(r.out)")
        #expect(try await s.open("t").organizationInfo().blockedAttachments == ["exe", "bat", "md"])
    }

    /// Source files honour the exclusions (research §A.1.5): .git, node_modules, .powerpages-site, the build
    /// output, the root .gitignore (.env: research §A.3 F12) and sourceExcludePatterns are never uploaded;
    /// a listed entry the exclusions now match is left out and named.
    @Test func sourceFilesHonourTheExclusions() async throws {
        let s = try Scenario("pm-codesite-sources")
        defer { s.remove() }
        let root = try CodeSiteFixture.copy(CodeSiteFixture.current, into: s.work, as: "car-sales")
        try CodeSiteFixture.writeBuild(CodeSiteFixture.hashedBuild("3f9a1c"), root: root)
        let extra: [String: String] = [
            ".env": "SECRET=1\n", ".gitignore": "# local\n.env\nlogs/\n", "logs/run.log": "x\n", "node_modules/react/index.js": "1;\n",
            ".git/HEAD": "ref: refs/heads/main\n", "docs/notes.md": "# notes\n", "src/extra.ts": "export const a = 1;\n",
        ]
        for (rel, text) in extra {
            let url = root.appendingPathComponent(rel)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        let config = root.appendingPathComponent("powerpages.config.json")
        let text = try String(contentsOf: config, encoding: .utf8).replacingOccurrences(
            of: "\"includeSource\": true", with: "\"includeSource\": true,\n    \"sourceExcludePatterns\": [\"docs/**\", \"src/pages/Sales*.tsx\"]")
        try Data(text.utf8).write(to: config)
        try await s.createEnvironment("t")
        let r = try await s.run(["code-site", "upload", "--rootPath", root.path, "--environment", "local:t", "--yes", "--create"] + Self.unblock)
        #expect(r.status == 0, "\(r.out)\n\(r.err)")
        for listed in ["src/pages/Sales.tsx", "src/pages/SalesLeads.tsx"] {
            #expect(r.out.contains("left out: \(listed) (listed in source-files/, excluded by src/pages/Sales*.tsx)"), "\(r.out)")
        }
        let env = try s.open("t")
        let rows = try await SourceFileRows.read(site: UUID(uuidString: CodeSiteFixture.currentSite)!, in: env)
        let paths = Set(rows.map(\.partialURL))
        #expect(paths.contains("src/extra.ts") && paths.contains("src/App.tsx") && paths.contains(".gitignore"), "\(paths.sorted())")
        for excluded in [
            ".env", "logs/run.log", "node_modules/react/index.js", ".git/HEAD", "docs/notes.md", "src/pages/Sales.tsx", "dist/index.html",
        ] {
            #expect(!paths.contains(excluded), "\(excluded) was uploaded")
        }
        #expect(!paths.contains { $0.hasPrefix(".powerpages-site") })
        #expect(rows.first { $0.partialURL == "src/extra.ts" }?.body == Data("export const a = 1;\n".utf8))
        #expect(rows.first { $0.partialURL == "src/App.tsx" }?.body == (try Data(contentsOf: root.appendingPathComponent("src/App.tsx"))))
    }

    @Test func theLegacySampleUploadsAfterTheUpgradeNoticeWithItsStaleBundlesListed() async throws {
        let s = try Scenario("pm-codesite-legacy")
        defer { s.remove() }
        let root = try CodeSiteFixture.copy(CodeSiteFixture.legacy, into: s.work, as: "angular")
        // An Angular build (compiledPath dist/app/browser) with names the sample's folder does not hold.
        let html = """
            <!doctype html><html><head><base href="/"><link rel="stylesheet" href="styles-NEW11111.css"></head>
            <body><app-root></app-root><script src="polyfills-NEW22222.js" type="module"></script><script src="main-NEW33333.js" type="module"></script></body></html>

            """
        try CodeSiteFixture.writeBuild(
            [
                "index.html": Data(html.utf8), "styles-NEW11111.css": Data("a{}".utf8),
                "polyfills-NEW22222.js": Data("1;".utf8), "main-NEW33333.js": Data("2;".utf8),
                "chunk-NEW44444.js": Data("3;".utf8),
            ], root: root, compiled: "dist/app/browser")
        try await s.createEnvironment("t")
        let upload = try await s.run(
            ["code-site", "upload", "--rootPath", root.path, "--environment", "local:t", "--yes", "--create"] + Self.unblock)
        #expect(upload.status == 0, "\(upload.out)\n\(upload.err)")
        #expect(
            upload.err.contains("notice:") && upload.err.contains("August 2025") && upload.err.contains("one folder per web file"), "\(upload.err)")
        // No bundleFilePatterns: pac's defaults, of which only chunk-*.js matches Angular's names.
        #expect(upload.out.contains("pac's defaults"), "\(upload.out)")
        let stale = try #require(upload.out.components(separatedBy: "left out of the upload").last)
        // The same bundle uploaded three times under three roots (research §A.1.7 E3), each listed where the site served it.
        for path in ["chunk-5XZ6AZEN.js", "browser/chunk-5XZ6AZEN.js", "app/browser/chunk-5XZ6AZEN.js"] {
            #expect(stale.contains("- \(path) (matches chunk-*.js)"), "\(upload.out)")
        }
        #expect(!stale.contains("main-7M4Q7FGW.js"), "pac's default main.*.js does not match Angular's main-<hash>.js")
        let files = try await Self.webFiles(s, "t", site: "b7ad2e21-7afe-4703-b65d-ff9a011c8476")
        #expect(files["chunk-NEW44444.js"] != nil && files["main-NEW33333.js"] != nil)
        #expect(files.keys.filter { $0.hasPrefix("chunk-") } == ["chunk-NEW44444.js"], "\(files.keys.sorted())")
        // The legacy folder is then downloaded in the current layout.
        let download = try await s.run([
            "code-site", "download", "--rootPath", s.work.appendingPathComponent("upgraded").path,
            "--webSiteId", "b7ad2e21-7afe-4703-b65d-ff9a011c8476", "--environment", "local:t",
        ])
        #expect(download.status == 0, "\(download.err)")
        let upgraded = s.work.appendingPathComponent("upgraded/.powerpages-site")
        #expect(CodeSiteLayout.detect(upgraded) == .current)
        #expect(FileManager.default.fileExists(atPath: upgraded.appendingPathComponent("web-files/chunk-new44444.js/chunk-NEW44444.js").path))
        #expect(FileManager.default.fileExists(atPath: upgraded.appendingPathComponent("web-roles/Administrators.webrole.yml").path))
    }

    @Test func blockedJavaScriptStopsTheUploadBeforeTheFirstWrite() async throws {
        let s = try Scenario("pm-codesite-blocked")
        defer { s.remove() }
        let root = try CodeSiteFixture.copy(CodeSiteFixture.current, into: s.work, as: "car-sales")
        try CodeSiteFixture.writeBuild(CodeSiteFixture.hashedBuild("3f9a1c"), root: root)
        try await s.createEnvironment("t")
        let r = try await s.run(["code-site", "upload", "--rootPath", root.path, "--environment", "local:t", "--yes", "--create"])
        #expect(r.status == 2, "\(r.out)\n\(r.err)")
        #expect(r.err.contains("--unblock-extensions js"), "\(r.err)")
        #expect(try await Self.sites(s, "t").isEmpty, "nothing written")
    }

    @Test func aLandingPageReferencingAFileTheBuildLacksIsRefusedBeforeWriting() async throws {
        let s = try Scenario("pm-codesite-missing")
        defer { s.remove() }
        let root = try CodeSiteFixture.copy(CodeSiteFixture.current, into: s.work, as: "car-sales")
        var build = CodeSiteFixture.hashedBuild("3f9a1c")
        build["assets/index-3f9a1c.css"] = nil
        try CodeSiteFixture.writeBuild(build, root: root)
        try await s.createEnvironment("t")
        let r = try await s.run(["code-site", "upload", "--rootPath", root.path, "--environment", "local:t", "--yes", "--create"] + Self.unblock)
        #expect(r.status == 2, "\(r.err)")
        #expect(r.err.contains("assets/index-3f9a1c.css"), "\(r.err)")
        #expect(try await Self.sites(s, "t").isEmpty)
    }
}

/// Server logic is part of the site (research §A.1.3: `server-logic/<name>/<name>.js` + `.serverlogic.yml`,
/// a component of type 35 whose code is its `filecontent`): uploaded with its web roles and code, and
/// downloaded back byte for byte.
@Suite struct CodeSiteServerLogicTests {
    static let yaml = """
        adx_serverlogic_adx_webrole:
        - 79c6c6b5-2242-4193-b914-99c6597d60c4
        description: Says hello to signed-in administrators
        display_name: Hello
        id: 5b0c7a51-1f3e-4a11-9d2b-3a8c2f1e0a01
        name: hello

        """
    static let code = "async function get() {\n  return JSON.stringify({ hello: Server.User.fullname });\n}\n"

    /// A server logic whose code exists but cannot be read (here a folder named `hello.js`) stops the
    /// read naming the file; it used to be read as "no code" and silently left out of the upload. A
    /// site file that cannot be read is named too (`SiteFileYAML`), not read as empty.
    @Test func unreadableServerLogicCodeIsNamedNotLeftOut() throws {
        let work = try TestPaths.temporaryDirectory("pm-codesite-sl-unreadable")
        defer { try? FileManager.default.removeItem(at: work) }
        let root = try CodeSiteFixture.copy(CodeSiteFixture.current, into: work, as: "car-sales")
        try CodeSiteFixture.writeBuild(CodeSiteFixture.hashedBuild("3f9a1c"), root: root)
        let folder = root.appendingPathComponent(".powerpages-site/server-logic/hello")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("hello.js"), withIntermediateDirectories: true)
        try Data(Self.yaml.utf8).write(to: folder.appendingPathComponent("hello.serverlogic.yml"))
        #expect {
            _ = try CodeSiteProject.read(root: root)
        } throws: { error in
            guard case CodeSiteError.badSiteFile(let file, _, let problem) = error else { return false }
            return file == ".powerpages-site/server-logic/hello/hello.js" && problem.contains("folder")
        }
        // The same for a source-file entry that cannot be read: named, never read as an empty entry.
        let entry = root.appendingPathComponent(".powerpages-site/source-files/broken.sourcefile.yml")
        try FileManager.default.createDirectory(at: entry, withIntermediateDirectories: true)
        #expect {
            _ = try CodeSiteProject.read(root: root)
        } throws: { error in
            guard case CodeSiteError.badSiteFile(let file, _, let problem) = error else { return false }
            return file == ".powerpages-site/source-files/broken.sourcefile.yml" && problem.contains("folder")
        }
        try FileManager.default.removeItem(at: entry)
        // Without the code file the server logic simply has no code.
        try FileManager.default.removeItem(at: folder.appendingPathComponent("hello.js"))
        #expect(try CodeSiteProject.read(root: root).serverLogic.first?.code == nil)
    }

    /// A server-logic folder or code file that is a symbolic link (here to a folder outside the project)
    /// is refused naming it, in both layouts: nothing outside the project the user named is read and
    /// uploaded through a link. The folder readers refuse it first today; `ServerLogicEntry.read`
    /// refuses it too, so no later change of order lets one through.
    @Test(arguments: ["current", "legacy"])
    func serverLogicThroughASymbolicLinkIsRefusedInBothLayouts(_ layout: String) throws {
        let work = try TestPaths.temporaryDirectory("pm-codesite-sl-link")
        defer { try? FileManager.default.removeItem(at: work) }
        let corpus = layout == "current" ? CodeSiteFixture.current : CodeSiteFixture.legacy
        let root = try CodeSiteFixture.copy(corpus, into: work, as: "car-sales")
        let fm = FileManager.default
        let outside = work.appendingPathComponent("outside/hello")
        try fm.createDirectory(at: outside, withIntermediateDirectories: true)
        try Data(Self.yaml.utf8).write(to: outside.appendingPathComponent("hello.serverlogic.yml"))
        try Data("secret".utf8).write(to: outside.appendingPathComponent("hello.js"))
        let logic = root.appendingPathComponent(".powerpages-site/server-logic")
        try fm.createDirectory(at: logic, withIntermediateDirectories: true)
        // Either reader may meet the link first (the layout conversion or folder reader, or the server
        // logic reader itself): each names the path and says why.
        func refused(_ expected: String) -> Bool {
            do {
                let project = try CodeSiteProject.read(root: root)
                Issue.record("read \(project.serverLogic.count) server logic(s) through the link")
                return false
            } catch {
                let text = "\(error)"
                return text.contains(expected) && text.contains("symbolic link")
            }
        }
        // 1. the whole folder is a link to elsewhere
        try fm.createSymbolicLink(at: logic.appendingPathComponent("hello"), withDestinationURL: outside)
        #expect(refused("server-logic/hello"))
        try fm.removeItem(at: logic.appendingPathComponent("hello"))
        // 2. the code file alone is a link to elsewhere
        let folder = logic.appendingPathComponent("hello")
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(Self.yaml.utf8).write(to: folder.appendingPathComponent("hello.serverlogic.yml"))
        try fm.createSymbolicLink(
            at: folder.appendingPathComponent("hello.js"), withDestinationURL: outside.appendingPathComponent("hello.js"))
        #expect(refused("server-logic/hello/hello.js"))
        // 3. with the file itself the project reads, code and all
        try fm.removeItem(at: folder.appendingPathComponent("hello.js"))
        try Data(Self.code.utf8).write(to: folder.appendingPathComponent("hello.js"))
        #expect(try CodeSiteProject.read(root: root).serverLogic.first?.code == Data(Self.code.utf8))
    }

    @Test func serverLogicUploadsWithItsRolesAndCodeAndDownloadsBack() async throws {
        let s = try Scenario("pm-codesite-serverlogic")
        defer { s.remove() }
        let root = try CodeSiteFixture.copy(CodeSiteFixture.current, into: s.work, as: "car-sales")
        try CodeSiteFixture.writeBuild(CodeSiteFixture.hashedBuild("3f9a1c"), root: root)
        let folder = root.appendingPathComponent(".powerpages-site/server-logic/hello")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(Self.yaml.utf8).write(to: folder.appendingPathComponent("hello.serverlogic.yml"))
        try Data(Self.code.utf8).write(to: folder.appendingPathComponent("hello.js"))
        try await s.createEnvironment("t")
        let upload = try await s.run(
            ["code-site", "upload", "--rootPath", root.path, "--environment", "local:t", "--yes", "--create"] + CodeSiteUploadTests.unblock)
        #expect(upload.status == 0, "\(upload.out)\n\(upload.err)")
        #expect(!upload.err.contains("server-logic"), "no warning about server-logic/: \(upload.err)")
        #expect(upload.out.contains("server logic code: 1 uploaded, 0 unchanged; read back and verified"), "\(upload.out)")
        let env = try s.open("t")
        let id = UUID(uuidString: "5b0c7a51-1f3e-4a11-9d2b-3a8c2f1e0a01")!
        let component = try #require(
            try await env.retrieveAll(RecordQuery("powerpagecomponent", columns: ["name", "powerpagecomponenttype", "content"])).first { $0.id == id }
        )
        #expect(component.columns["powerpagecomponenttype"] == .choice(35))
        let content = try JSONValue.parse(component.string("content") ?? "")
        #expect(content["display_name"]?.stringValue == "Hello")
        #expect(content["adx_serverlogic_adx_webrole"]?.arrayValue?.compactMap(\.stringValue) == ["79c6c6b5-2242-4193-b914-99c6597d60c4"])
        #expect(try await env.downloadFile(FileBodyKey("powerpagecomponent", id, "filecontent")) == Data(Self.code.utf8))

        let fresh = s.work.appendingPathComponent("fresh")
        let download = try await s.run([
            "code-site", "download", "--rootPath", fresh.path, "--webSiteId", CodeSiteFixture.currentSite, "--environment", "local:t",
        ])
        #expect(download.status == 0, "\(download.err)")
        #expect(!download.err.contains("left out"), "server logic is written, not left out: \(download.err)")
        let differences = CodeSiteFixture.differences(
            expected: folder, actual: fresh.appendingPathComponent(".powerpages-site/server-logic/hello"))
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
        // Uploading the same project again changes nothing.
        let again = try await s.run(
            ["code-site", "upload", "--rootPath", root.path, "--environment", "local:t", "--yes"] + CodeSiteUploadTests.unblock)
        #expect(again.status == 0, "\(again.err)")
        #expect(again.out.contains("server logic code: 0 uploaded, 1 unchanged"), "\(again.out)")
        for line in again.out.split(separator: "\n") where line.contains("created ") {
            #expect(line.contains("created 0, updated 0, "), "\(again.out)")
        }
    }
}

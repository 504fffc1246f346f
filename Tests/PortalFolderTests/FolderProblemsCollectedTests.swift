import Foundation
import PortalModel
import Testing
import TestSupport
@testable import PortalFolder

/// A folder with several bad files reports every one, not the first (issue 19 "Readers collect every
/// problem of a folder or package before failing").
@Suite struct FolderProblemsCollectedTests {
    /// Rewrites `rel` in `root` by replacing `old` with `new` (which must be there).
    func edit(_ root: URL, _ rel: String, _ old: String, _ new: String) throws {
        let url = root.appendingPathComponent(rel)
        let text = try String(contentsOf: url, encoding: .utf8)
        try #require(text.contains(old), "\(rel) has no \(old)")
        try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
    }

    @Test("five bad files: the read fails once naming all five, each with its file (and line where it has one)")
    func fiveBadFiles() throws {
        let root = try FolderRoundTripTests.copyOfCorpus("ejada-starter-2022")
        defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
        // 1. YAML syntax error in a list file.
        try edit(root, "webrole.yml", "  adx_name: Administrators\n", "  adx_name: [Administrators\n")
        // 2. A value that does not fit its column in a record file.
        try edit(root, "web-pages/home/Home.webpage.yml", "adx_displayorder: 1\n", "adx_displayorder: first\n")
        // 3. A content file without its record YAML.
        let orphan = "web-templates/header/Orphan.webtemplate.source.html"
        try Data("x".utf8).write(to: root.appendingPathComponent(orphan))
        // 4. An id that is not a GUID.
        try edit(
            root, "page-templates/Access-Denied.pagetemplate.yml", "adx_pagetemplateid: b3d4aaf5-10e0-ec11-bb3c-000d3ab4fb7f",
            "adx_pagetemplateid: not-a-guid")
        // 5. A YAML file that is not UTF-8.
        let latin1 = root.appendingPathComponent("page-templates/Full-Page.pagetemplate.yml")
        var bytes = try Data(contentsOf: latin1)
        bytes.append(contentsOf: [0x61, 0x64, 0x78, 0x5f, 0x64, 0x3a, 0x20, 0xE9, 0x0A]) // "adx_d: é" in Latin-1
        try bytes.write(to: latin1)

        do {
            _ = try PortalFolder().read(root)
            Issue.record("read succeeded")
        } catch let e as PortalFolderError {
            guard case .several(let problems, _) = e else { Issue.record("one problem only: \(e)"); return }
            #expect(problems.count == 5, "\(e)")
            let files = Set(problems.compactMap(\.file))
            #expect(
                files == [
                    "webrole.yml", "web-pages/home/Home.webpage.yml", orphan,
                    "page-templates/Access-Denied.pagetemplate.yml", "page-templates/Full-Page.pagetemplate.yml",
                ], "\(files)")
            #expect(e.description.hasPrefix("5 problems in the site folder"))
            // As diagnostics: one per problem, each an error with its file; the YAML error with its line.
            let diagnostics = e.diagnostics
            #expect(diagnostics.count == 5 && diagnostics.allSatisfy { $0.severity == .error && $0.file != nil })
            #expect(diagnostics.contains { $0.check == .folderYAMLSyntax && $0.file == "webrole.yml" && $0.line != nil })
            #expect(diagnostics.contains { $0.check == .folderValueDoesNotFitColumn })
            // The place is said once: by the diagnostic, not again at the start of its message.
            #expect(diagnostics.allSatisfy { d in d.place.map { !d.message.hasPrefix($0 + ":") } ?? true }, "\(diagnostics)")
        } catch { Issue.record("\(error)") }
    }

    @Test("one bad file keeps its own error (message and case unchanged)")
    func oneBadFile() throws {
        let root = try FolderRoundTripTests.copyOfCorpus("ejada-starter-2022")
        defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
        try edit(root, "web-pages/home/Home.webpage.yml", "adx_displayorder: 1\n", "adx_displayorder: first\n")
        #expect(throws: PortalFolderError.self) { try PortalFolder().read(root) }
        do { _ = try PortalFolder().read(root) } catch let e as PortalFolderError {
            guard case .valueDoesNotFitColumn = e else { Issue.record("\(e)"); return }
        } catch { Issue.record("\(error)") }
    }

    @Test("collected: none, one, several (flattened)")
    func collected() {
        let a = PortalFolderError.contentNotUTF8(file: "a"), b = PortalFolderError.contentNotUTF8(file: "b")
        #expect(PortalFolderError.collected([]) == nil)
        #expect(PortalFolderError.collected([a]) == a)
        #expect(PortalFolderError.collected([.several([a, b]), a]) == .several([a, b, a]))
    }

    /// The real binary on a folder with three bad files, `upload --json`: exit 2 and one JSON object whose
    /// `error.diagnostics` names each file (and line, column where known); the old keys stay; the text on
    /// stderr lists all three.
    @Test("three bad files: --json lists each in error.diagnostics")
    func threeBadFilesAsJSON() async throws {
        let (work, home, site) = try await FolderTrialFindingsTests.setUp("pm-three-bad-files")
        defer { try? FileManager.default.removeItem(at: work) }
        try edit(site, "webrole.yml", "  adx_name: Administrators\n", "  adx_name: [Administrators\n")
        try edit(site, "web-pages/home/Home.webpage.yml", "adx_displayorder: 1\n", "adx_displayorder: first\n")
        try edit(
            site, "page-templates/Access-Denied.pagetemplate.yml", "adx_pagetemplateid: b3d4aaf5-10e0-ec11-bb3c-000d3ab4fb7f",
            "adx_pagetemplateid: not-a-guid")
        let r = try await CLI.run(["upload", "--path", site.path, "--environment", "local:t", "--yes", "--json"], home: home)
        #expect(r.status == 2, "\(r.err)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any], "\(r.out)")
        let error = try #require(object["error"] as? [String: Any], "\(r.out)")
        #expect((error["message"] as? String)?.hasPrefix("3 problems in the site folder") == true, "\(error)")
        #expect(error["exitCode"] as? Int == 2)
        let diagnostics = try #require(error["diagnostics"] as? [[String: Any]], "\(error)")
        let byFile = Dictionary(uniqueKeysWithValues: diagnostics.compactMap { d in (d["file"] as? String).map { ($0, d) } })
        #expect(
            Set(byFile.keys) == ["webrole.yml", "web-pages/home/Home.webpage.yml", "page-templates/Access-Denied.pagetemplate.yml"],
            "\(diagnostics)")
        #expect(diagnostics.count == 3 && diagnostics.allSatisfy { $0["severity"] as? String == "error" })
        #expect(byFile["webrole.yml"]?["check"] as? String == "folder-yaml-syntax")
        #expect(byFile["webrole.yml"]?["line"] is Int)
        let value = byFile["web-pages/home/Home.webpage.yml"]
        #expect(value?["check"] as? String == "folder-value-does-not-fit-column" && value?["column"] as? String == "adx_displayorder")
        #expect(value?["line"] is Int, "\(value ?? [:])")
        #expect(byFile["page-templates/Access-Denied.pagetemplate.yml"]?["column"] as? String == "adx_pagetemplateid")
        for file in byFile.keys { #expect(r.err.contains(file), "stderr names \(file): \(r.err)") }
    }
}

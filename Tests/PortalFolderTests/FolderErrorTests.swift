import Foundation
import Testing
import PortalModel
import TestSupport
@testable import PortalFolder

/// Problems are named, never guessed (issue 7): file and line, file/key/value, missing YAML, v2 folders.
@Suite struct FolderErrorTests {
    func copy(_ name: String) throws -> URL { try FolderRoundTripTests.copyOfCorpus(name) }

    func expectError(_ root: URL, catalog: TableCatalog = .standard, _ check: (PortalFolderError) -> Bool) {
        do {
            _ = try PortalFolder(catalog: catalog).read(root)
            Issue.record("read succeeded")
        } catch let e as PortalFolderError {
            #expect(check(e), "\(e)")
        } catch { Issue.record("\(error)") }
    }

    @Test func yamlSyntaxErrorNamesFileAndLine() throws {
        let root = try copy("ejada-starter-2022")
        defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
        let rel = "webrole.yml"
        var text = try String(contentsOf: root.appendingPathComponent(rel), encoding: .utf8)
        text = text.replacingOccurrences(of: "  adx_name: Administrators\n", with: "  adx_name: [Administrators\n")
        try text.write(to: root.appendingPathComponent(rel), atomically: true, encoding: .utf8)
        expectError(root) { e in
            guard case .yamlSyntax(let file, let line, _, _) = e else { return false }
            return file == rel && (line ?? 0) >= 2 && e.description.hasPrefix("webrole.yml:")
        }
    }

    @Test func valueThatDoesNotFitItsColumnIsNamed() throws {
        let root = try copy("ejada-starter-2022")
        defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
        let rel = "web-pages/home/Home.webpage.yml"
        var text = try String(contentsOf: root.appendingPathComponent(rel), encoding: .utf8)
        text = text.replacingOccurrences(of: "adx_displayorder: 1\n", with: "adx_displayorder: first\n")
        try text.write(to: root.appendingPathComponent(rel), atomically: true, encoding: .utf8)
        try #require(TableCatalog.standard.table("adx_webpage")?.column("adx_displayorder")?.type == .integer)
        expectError(root) { e in
            guard case .valueDoesNotFitColumn(let file, _, let key, let value, _) = e else { return false }
            return file == rel && key == "adx_displayorder" && value == "first"
        }
    }

    @Test func contentFileWithoutYAMLIsNamed() throws {
        let root = try copy("ejada-starter-2022")
        defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
        let orphan = "web-templates/header/Orphan.webtemplate.source.html"
        try Data("x".utf8).write(to: root.appendingPathComponent(orphan))
        expectError(root) { e in
            e == .contentFileWithoutYAML(file: orphan, expectedYAML: "web-templates/header/Orphan.webtemplate.yml")
        }
    }

    @Test func enhancedModelAndNonSiteFoldersAreRefused() throws {
        expectError(TestPaths.pacFolder("rcsa-enhanced-2025")) { e in
            if case .enhancedDataModelFolder = e { return e.description.contains("--modelVersion 2") }
            return false
        }
        expectError(TestPaths.pacFolder("")) { e in
            if case .notASiteFolder = e { return e.description.contains("website.yml") }
            return false
        }
    }

    @Test func missingOrBadRecordIDIsNamed() throws {
        let root = try copy("ejada-starter-2022")
        defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
        var text = try String(contentsOf: root.appendingPathComponent("tag.yml"), encoding: .utf8)
        let firstID = try #require(text.range(of: "adx_tagid: [0-9a-f-]{36}", options: .regularExpression))
        text.replaceSubrange(firstID, with: "adx_tagid: not-a-guid")
        try text.write(to: root.appendingPathComponent("tag.yml"), atomically: true, encoding: .utf8)
        expectError(root) { e in
            e.description.contains("tag.yml") && e.description.contains("not-a-guid")
        }
    }
}

/// Unknown keys, unknown lists and CR LF files survive read → write unchanged.
@Suite struct FolderUnknownContentTests {
    @Test func unknownKeysListsAndCRLFRoundTrip() throws {
        let root = try FolderRoundTripTests.copyOfCorpus("ejada-starter-2022")
        defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
        let home = "web-pages/home/Home.webpage.yml"
        var text = try String(contentsOf: root.appendingPathComponent(home), encoding: .utf8)
        text += "adx_zzfuture: No\nadx_zzlist:\n- a\n- b\nadx_zznull: \n"
        try text.write(to: root.appendingPathComponent(home), atomically: true, encoding: .utf8)
        let roles = root.appendingPathComponent("webrole.yml")
        let crlf = try String(contentsOf: roles, encoding: .utf8).replacingOccurrences(of: "\n", with: "\r\n")
        try crlf.write(to: roles, atomically: true, encoding: .utf8)

        let content = try PortalFolder().read(root)
        let page = try #require(
            content.snapshot.records["adx_webpage"]?.first { $0.string("adx_name") == "Home" && $0.columns["adx_isroot"] == .boolean(true) })
        #expect(page.columns["adx_zzfuture"] == .string("No"))
        #expect(page.columns["adx_zznull"] == .null)
        let out = try TestPaths.temporaryDirectory("pm-folder-unknown")
        defer { try? FileManager.default.removeItem(at: out) }
        try PortalFolder().write(content.snapshot, layout: content.layout, to: out)
        #expect(try Data(contentsOf: out.appendingPathComponent(home)) == Data(contentsOf: root.appendingPathComponent(home)))
        #expect(try Data(contentsOf: out.appendingPathComponent("webrole.yml")) == Data(crlf.utf8))
    }
}

import Foundation
import Testing
import PortalModel
import TestSupport
@testable import PortalFolder

/// Hostile or damaged folders are refused with the file named, and a download never destroys
/// records added to the folder by hand (issue 7: "problems are named, never guessed"; nothing lost).
@Suite struct FolderSafetyTests {
    /// A dozen lines of nested aliases would expand to 10¹² nodes; reading stops at once, naming the file.
    @Test func aliasBombIsRefusedNamingTheFile() throws {
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for i in 1..<12 { lines.append("a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]") }
        #expect {
            _ = try PacYAMLReader.parse(lines.joined(separator: "\n") + "\n", file: "sitemarker.yml")
        } throws: { error in
            guard case PortalFolderError.yamlSyntax(let file, _, _, let problem) = error else { return false }
            return file == "sitemarker.yml" && problem.contains("alias")
        }
        // pac's own anchors on empty lists still read.
        let pac = try PacYAMLReader.parse("- a: &o0 []\n- a: *o0\n", file: "x.yml")
        #expect(pac.root.items?.count == 2)
    }

    /// A web file whose bytes are missing is refused: uploading it would store a note without its body.
    @Test func webFileWithoutItsBytesIsRefused() throws {
        let site = try FolderRoundTripTests.copyOfCorpus("ejada-starter-2022")
        try FileManager.default.removeItem(at: site.appendingPathComponent("web-files/Circle-1.png"))
        #expect(
            throws: PortalFolderError.webFileBodyMissing(
                file: "web-files/Circle-1.png.webfile.yml",
                expectedFile: "web-files/Circle-1.png")
        ) {
            _ = try PortalFolder().read(site)
        }
    }

    /// A symbolic link out of the site folder is refused, never followed.
    @Test func linkOutOfTheFolderIsRefused() throws {
        let site = try FolderRoundTripTests.copyOfCorpus("ejada-starter-2022")
        let body = site.appendingPathComponent("web-files/Circle-1.png")
        let outside = site.deletingLastPathComponent().appendingPathComponent("outside.png")
        try FileManager.default.moveItem(at: body, to: outside)
        try FileManager.default.createSymbolicLink(at: body, withDestinationURL: outside)
        #expect(throws: PortalFolderError.linkOutsideFolder(file: "web-files/Circle-1.png")) {
            _ = try PortalFolder().read(site)
        }
    }

    /// Download over a folder: a record the environment lost is removed (an earlier download listed
    /// it); a record added by hand (never downloaded) is kept and reported.
    @Test func downloadKeepsHandAddedRecordsAndRemovesDeletedOnes() throws {
        let folder = PortalFolder()
        let original = try FolderRoundTripTests.copyOfCorpus("ejada-starter-2022")
        let snapshot = try folder.read(original).snapshot
        let parent = try TestPaths.temporaryDirectory("pm-download-keep")
        let (site, _) = try folder.download(snapshot, into: parent, overwrite: false, environmentHost: "env.example")

        // A template added by hand, and one the environment has since deleted.
        let mine = site.appendingPathComponent("web-templates/mine")
        try FileManager.default.createDirectory(at: mine, withIntermediateDirectories: true)
        try Data("adx_name: Mine\nadx_webtemplateid: 0b9d2f9e-7f3c-4a51-9d0b-3c5e2f1a6b7c\n".utf8)
            .write(to: mine.appendingPathComponent("Mine.webtemplate.yml"))
        try Data("<p>mine</p>".utf8).write(to: mine.appendingPathComponent("Mine.webtemplate.source.html"))
        var later = snapshot
        let gone = try #require(later.records["adx_webtemplate"]?.first { $0.columns["adx_name"]?.text == "Ad" })
        later.records["adx_webtemplate"]?.removeAll { $0.id == gone.id }

        let (_, summary) = try folder.download(later, into: parent, overwrite: true, environmentHost: "env.example")
        #expect(summary.kept == ["web-templates/mine/Mine.webtemplate.source.html", "web-templates/mine/Mine.webtemplate.yml"])
        #expect(FileManager.default.fileExists(atPath: mine.appendingPathComponent("Mine.webtemplate.yml").path))
        #expect(summary.removed.contains("web-templates/ad/Ad.webtemplate.yml"))
        #expect(!FileManager.default.fileExists(atPath: site.appendingPathComponent("web-templates/ad/Ad.webtemplate.yml").path))
    }

    /// Two items of one list file with the same id are named by file and line.
    @Test func duplicateInOneListFileNamesBothLines() throws {
        let site = try FolderRoundTripTests.copyOfCorpus("ejada-starter-2022")
        let list = site.appendingPathComponent("sitesetting.yml")
        let text = try String(contentsOf: list, encoding: .utf8)
        // Repeat the first item (its lines up to the second "- ") at the end.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let second = try #require(lines.dropFirst().firstIndex { $0.hasPrefix("- ") })
        let lineCount = lines.count - (text.hasSuffix("\n") ? 1 : 0)
        try Data((text + lines[0..<second].joined(separator: "\n") + "\n").utf8).write(to: list)
        #expect {
            _ = try PortalFolder().read(site)
        } throws: { error in
            guard case PortalFolderError.duplicateRecordIDs(let dups) = error, let d = dups.first else { return false }
            return d.firstFile == "sitesetting.yml:1" && d.secondFile == "sitesetting.yml:\(lineCount + 1)"
        }
    }
}

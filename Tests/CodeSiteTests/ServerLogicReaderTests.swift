import Foundation
import TestSupport
import Testing

@testable import CodeSite

/// `ServerLogicEntry.read` on its own (the folder readers in front of it refuse links first today):
/// a link anywhere in `server-logic/` is refused naming it.
@Suite struct ServerLogicReaderTests {
    @Test(arguments: ["server-logic", "server-logic/hello", "server-logic/hello/hello.js"])
    func aSymbolicLinkIsRefusedNamingIt(_ linked: String) throws {
        let work = try TestPaths.temporaryDirectory("pm-sl-reader")
        defer { try? FileManager.default.removeItem(at: work) }
        let fm = FileManager.default
        let site = work.appendingPathComponent(".powerpages-site"), outside = work.appendingPathComponent("outside")
        try fm.createDirectory(at: outside, withIntermediateDirectories: true)
        try fm.createDirectory(at: site.appendingPathComponent("server-logic/hello"), withIntermediateDirectories: true)
        try Data("id: 5b0c7a51-1f3e-4a11-9d2b-3a8c2f1e0a01\nname: hello\n".utf8)
            .write(to: site.appendingPathComponent("server-logic/hello/hello.serverlogic.yml"))
        let link = site.appendingPathComponent(linked)
        if fm.fileExists(atPath: link.path) { try fm.removeItem(at: link) }
        try fm.createSymbolicLink(at: link, withDestinationURL: outside)
        #expect {
            _ = try ServerLogicEntry.read(siteFolder: site)
        } throws: { error in
            guard case CodeSiteError.badSiteFile(let file, _, let problem) = error else { return false }
            return file == ".powerpages-site/" + linked && problem.contains("symbolic link")
        }
    }
}

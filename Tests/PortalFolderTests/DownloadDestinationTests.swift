import Foundation
import PortalFolder
import PortalModel
import Testing
import TestSupport

/// `download`'s destination rules (issue 19: moved out of the command into the folder format): a file
/// or a site folder given as `--path` is a usage error; a filled site folder needs `--overwrite`.
@Suite struct DownloadDestinationTests {
    @Test("--path: a new or plain folder is fine, a file or a site folder is refused as a usage error naming what to give")
    func path() throws {
        let root = try TestPaths.temporaryDirectory("pm-dest-path")
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(DownloadDestination.refusal(path: root) == nil)
        #expect(DownloadDestination.refusal(path: root.appendingPathComponent("not-yet")) == nil)

        let file = root.appendingPathComponent("notes.txt")
        try Data("x".utf8).write(to: file)
        let fileRefusal = try #require(DownloadDestination.refusal(path: file))
        #expect(fileRefusal.isUsage && fileRefusal.message.contains("is a file"))

        let site = root.appendingPathComponent("basic-portal")
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        try Data("adx_name: Basic Portal\n".utf8).write(to: site.appendingPathComponent("website.yml"))
        let siteRefusal = try #require(DownloadDestination.refusal(path: site))
        #expect(siteRefusal.isUsage)
        #expect(
            siteRefusal.message.contains("is a site folder already")
                && siteRefusal.message.contains("--path \(root.standardizedFileURL.path) --overwrite"))
    }

    @Test("a filled site folder is refused without --overwrite, by the name pac gives it; an empty or missing one is not")
    func filling() throws {
        let parent = try TestPaths.temporaryDirectory("pm-dest-fill")
        defer { try? FileManager.default.removeItem(at: parent) }
        let id = UUID()
        let folder = try DownloadDestination.siteFolder(parent: parent, websiteID: id, websiteName: "Customer Self Service - Comet")
        #expect(folder.lastPathComponent == "customer-self-service---comet")
        #expect(
            try DownloadDestination.refusal(filling: parent, websiteID: id, websiteName: "Customer Self Service - Comet", overwrite: false) == nil)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        #expect(
            try DownloadDestination.refusal(filling: parent, websiteID: id, websiteName: "Customer Self Service - Comet", overwrite: false) == nil)
        #expect(DownloadDestination.existingSiteFolder(of: Self.snapshot(id, "Customer Self Service - Comet"), in: parent) == folder)

        try Data("x".utf8).write(to: folder.appendingPathComponent("website.yml"))
        let refusal = try #require(
            try DownloadDestination.refusal(filling: parent, websiteID: id, websiteName: "Customer Self Service - Comet", overwrite: false))
        #expect(!refusal.isUsage)
        #expect(
            refusal.message.contains(folder.path) && refusal.message.contains("--overwrite")
                && refusal.message.hasSuffix("nothing was read or written"))
        #expect(try DownloadDestination.refusal(filling: parent, websiteID: id, websiteName: "Customer Self Service - Comet", overwrite: true) == nil)
        #expect(DownloadDestination.existingSiteFolder(of: Self.snapshot(id, "Another"), in: parent) == nil)
    }

    static func snapshot(_ id: UUID, _ name: String) -> PortalSnapshot {
        PortalSnapshot(records: ["adx_website": [EntityRecord("adx_website", id: id, columns: ["adx_name": .string(name)])]], websiteID: id)
    }
}

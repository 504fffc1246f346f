import Foundation
import PortalModel

/// Where `download --path PARENT` may write a website's site folder (`PARENT/<site-folder>/`), checked
/// before anything is read from the environment (issue 24 item 5; issue 19: download's rules live here,
/// not in the command).
///
/// Example:
/// ```swift
/// if let refusal = DownloadDestination.refusal(path: parent) { print(refusal.message) }
/// if let refusal = try DownloadDestination.refusal(filling: parent, websiteID: id, websiteName: "Basic Portal", overwrite: false) { … }
/// ```
public enum DownloadDestination {
    /// Why a download is refused, before anything is read or written: `message` names the folder and
    /// what to give instead; `isUsage` is true for a mistaken `--path` (the command's usage exit, 64)
    /// and false for a folder in the way (exit 2).
    public struct Refusal: Sendable, Equatable {
        public let message: String
        public let isUsage: Bool
    }

    /// The refusal of `--path` itself: a file (a folder is needed), or a site folder already (it holds
    /// `website.yml`, `PortalFolder.isSiteFolder`), into which the download would silently nest a second
    /// copy of the site (issue 19, newcomer trial; the message names the parent to give instead).
    /// `nil` for a folder that is not a site folder, or a path that does not exist yet.
    public static func refusal(path: URL) -> Refusal? {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            return Refusal(message: "--path \(path.path) is a file; give the folder to download the site into", isUsage: true)
        }
        guard PortalFolder.isSiteFolder(path) else { return nil }
        let parent = path.standardizedFileURL.deletingLastPathComponent().path
        return Refusal(
            message: "--path \(path.path) is a site folder already (it holds website.yml); download writes the site into a folder "
                + "named after the website inside --path, so it would nest a second copy there. To update this folder, give its "
                + "parent: --path \(parent) --overwrite; nothing was read or written", isUsage: true)
    }

    /// The site folder of website `websiteID` named `websiteName` under `parent`: pac's name for it
    /// (`PortalFolder.siteFolderName`, research/pac-portal-format.md §1.1).
    public static func siteFolder(parent: URL, websiteID: UUID, websiteName: String) throws -> URL {
        let website = EntityRecord("adx_website", id: websiteID, columns: ["adx_name": .string(websiteName)])
        let name = try PortalFolder.siteFolderName(PortalSnapshot(records: ["adx_website": [website]], websiteID: websiteID))
        return parent.appendingPathComponent(name, isDirectory: true)
    }

    /// The refusal, without `overwrite`, of a site folder that already has content (pac's rule,
    /// research/pac-portal-format.md §6), known from the website's name alone so that it comes before
    /// any table is read. `nil` with `overwrite`, or when the site folder is missing or empty.
    /// - Throws: `PortalFolderError.noWebsite` never in practice (the website record is made here).
    public static func refusal(filling parent: URL, websiteID: UUID, websiteName: String, overwrite: Bool) throws -> Refusal? {
        guard !overwrite else { return nil }
        let folder = try siteFolder(parent: parent, websiteID: websiteID, websiteName: websiteName)
        guard let contents = try? FileManager.default.contentsOfDirectory(atPath: folder.path), !contents.isEmpty else { return nil }
        return Refusal(message: PortalFolderError.folderNotEmpty(path: folder.path).description + "; nothing was read or written", isUsage: false)
    }

    /// The site folder `snapshot` would be written to under `parent` when it exists already (a download
    /// with `--overwrite` over an earlier one); `nil` when it does not, or the snapshot has no website.
    public static func existingSiteFolder(of snapshot: PortalSnapshot, in parent: URL) -> URL? {
        guard let name = try? PortalFolder.siteFolderName(snapshot) else { return nil }
        let folder = parent.appendingPathComponent(name, isDirectory: true)
        return FileManager.default.fileExists(atPath: folder.path) ? folder : nil
    }
}

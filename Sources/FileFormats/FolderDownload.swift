import Foundation
import Migration
import PortalFolder
import PortalModel

/// `download`: a website of an environment written as a pac site folder (`pac paportal download`;
/// research/pac-portal-format.md §6), with every rule of the folder in one place (issue 19: the download
/// use case left the command):
///
/// 1. `pathRefusal`: `--path` is a file, or a site folder already (checked before the environment is opened);
/// 2. `read(from:)`: without `overwrite` a site folder with content is refused from the website's name
///    alone, before any table is read; then the website is read in its data model with the system
///    columns pac writes, filtered like `--includeEntities` / `--excludeEntities` (file names keep their
///    language code), and over an earlier download the columns a deployment profile of the folder sets
///    are found, and kept at the folder's value with `maskProfileValues` (`ProfileExposure`);
/// 3. `PendingDownload.write()`: the folder written, files of deleted records removed and listed.
///
/// Example:
/// ```swift
/// var download = FolderDownload(websiteID: id, into: URL(fileURLWithPath: "./site"))
/// download.environmentName = "local:dev"
/// if case .ready(let pending) = try await download.read(from: service) {
///     let (folder, summary) = try pending.write()
/// }
/// ```
public struct FolderDownload: Sendable {
    /// The website to download (`--webSiteId`).
    public var websiteID: UUID
    /// The folder the site folder is written into (`--path`).
    public var parent: URL
    /// Write into a site folder that already has content (`--overwrite`).
    public var overwrite = false
    /// Only these tables (`--includeEntities`, logical names); `nil`: every table.
    public var includeTables: Set<String>?
    /// Leave out these tables (`--excludeEntities`).
    public var excludeTables: Set<String> = []
    /// Over an existing folder, keep the folder's value of every column a deployment profile sets.
    public var maskProfileValues = false
    /// `--modelVersion`; `nil` detects.
    public var model: DataModel?
    /// The environment as the user named it (messages, the `.portalconfig` manifest's host); `nil` for
    /// the selected auth profile.
    public var environmentName: String?

    public init(websiteID: UUID, into parent: URL) {
        self.websiteID = websiteID
        self.parent = parent
    }

    /// What reading gave: a refusal (nothing read or written), or the download ready to write.
    public enum Outcome: Sendable {
        case refused(DownloadDestination.Refusal)
        case ready(PendingDownload)
    }

    /// The refusal of `--path` itself (`DownloadDestination.refusal(path:)`), before anything is opened.
    public var pathRefusal: DownloadDestination.Refusal? { DownloadDestination.refusal(path: parent) }

    /// Reads the website (see the type's description, step 2). Writes nothing.
    /// - Throws: `MigrationError.invalid` when the website is not in the environment; a data-model
    ///   mismatch; `MigrationError.deploymentProfile` for a profile file of the folder that cannot be
    ///   read; `DataverseError` from the environment.
    public func read(from service: any DataverseService) async throws -> Outcome {
        if !overwrite, let name = await MigrationUseCases.websiteName(websiteID, in: service),
            let refusal = try DownloadDestination.refusal(filling: parent, websiteID: websiteID, websiteName: name, overwrite: overwrite)
        {
            return .refused(refusal)
        }
        let site = try await MigrationUseCases.readWebsite(
            service, name: environmentName ?? "the environment", websiteID: websiteID, model: model,
            keptSystemColumns: PacFolderFormat.downloadedSystemColumns,
            keptSystemColumnsByTable: PacFolderFormat.downloadedSystemColumnsByTable)
        // File names keep their language code even when the website languages are filtered out.
        let languageCodes = PortalFolder.languageCodes(site.snapshot)
        var snapshot = PortalFolder.filtered(site.snapshot, include: includeTables, exclude: excludeTables)
        var exposure = MigrationUseCases.ProfileExposure()
        if overwrite, let folder = DownloadDestination.existingSiteFolder(of: snapshot, in: parent) {
            exposure = try MigrationUseCases.profileExposure(&snapshot, siteFolder: folder, mask: maskProfileValues) {
                try? PortalFolder().read(folder, model: site.model).content.snapshot
            }
        }
        return .ready(
            PendingDownload(
                snapshot: snapshot, model: site.model, exposure: exposure, parent: parent, overwrite: overwrite,
                environmentHost: PortalFolder.manifestHost(environment: environmentName ?? "default"), languageCodes: languageCodes))
    }
}

/// A download read and waiting to be written: what it will write (`snapshot`, per table in
/// `tableCounts`) and the deployment-profile columns it exposes or masked (`exposure`), for the command
/// to show first.
public struct PendingDownload: Sendable {
    /// The records, links and file bodies to write (filtered, profile values masked when asked).
    public let snapshot: PortalSnapshot
    /// The site's data model (the folder's layout follows it).
    public let model: DataModel
    /// The columns a deployment profile of the folder sets that the download writes or kept.
    public let exposure: MigrationUseCases.ProfileExposure
    let parent: URL
    let overwrite: Bool
    let environmentHost: String
    let languageCodes: [UUID: String]

    /// Records per table, in table order (`download -v` prints them as pac does).
    public var tableCounts: [(table: String, records: Int)] {
        snapshot.tableNames.map { ($0, snapshot.records[$0]?.count ?? 0) }
    }

    /// Writes the site folder (`PortalFolder.download`).
    /// - Returns: the site folder and what was written, unchanged, removed, kept and left out.
    /// - Throws: `PortalFolderError` (a folder in the way, a link, a file that cannot be written;
    ///   nothing written past it).
    public func write() throws -> (folder: URL, summary: FolderWriteSummary) {
        try PortalFolder().download(
            snapshot, model: model, into: parent, overwrite: overwrite, environmentHost: environmentHost,
            languageCodes: languageCodes)
    }
}

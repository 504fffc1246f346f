import Foundation
import Migration
import PortalFolder
import PortalModel

/// Writes a downloaded code site as `root/.powerpages-site/` in the current layout (`code-site
/// download`, pac's `download-code-site`, research/code-sites-and-admin-api.md §A.2 "What
/// download-code-site writes").
///
/// The snapshot is written by PortalFolder's enhanced writer into a work folder (the legacy layout)
/// and rewritten as the current layout by `LegacyToCurrent`. Over an existing project the web file
/// notes keep the ids that folder gives them (`EnhancedSnapshotMapping.adoptingNotes`: the enhanced
/// model synthesizes them), and records keep their file paths, so a download into the folder that
/// was uploaded writes back the same bytes.
public enum CodeSiteDownload {
    /// What was written.
    public struct Summary: Sendable {
        public var siteFolder: URL
        public var written: [String]
        public var unchanged: Int
        public var removed: [String]
        /// Records the folder format cannot hold, as `table id`.
        public var skipped: [String]
    }

    /// Writes `snapshot` (one enhanced site, `adx_*` view) under `root`.
    /// - Parameter environmentHost: names `.portalconfig/<host>-manifest.yml`.
    /// - Throws: `PortalFolderError` from the writer; `SafeWriteError` for a path under `root` that
    ///   cannot be written safely (a link on the way); `CodeSiteError` when an existing
    ///   `.powerpages-site/` is in the legacy layout (it is replaced only after the user moves it).
    public static func write(_ snapshot: PortalSnapshot, into root: URL, environmentHost: String) throws -> Summary {
        let root = root.standardizedFileURL
        let site = CodeSiteProject.siteFolder(of: root)
        var snapshot = snapshot
        if FileManager.default.fileExists(atPath: site.appendingPathComponent("website.yml").path) {
            if CodeSiteLayout.detect(site) == .legacy {
                throw CodeSiteError.badSiteFile(
                    file: site.path, line: nil,
                    problem: "is in the layout used before August 2025; move it "
                        + "aside (keep it as a backup) and download again to get the current layout")
            }
            if let existing = try? CodeSiteProject.read(root: root) {
                snapshot = EnhancedSnapshotMapping.adoptingNotes(of: existing.content.snapshot, in: snapshot)
                existing.removeWorkFolder()
            }
        }
        try SafeFileWriter.check(".powerpages-site/website.yml", under: root)
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("pm-codesite-dl-\(UUID().uuidString.prefix(8))", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let options = PortalFolder.writeOptions(for: .enhanced, FolderWriteOptions(generation: .new, environmentHost: environmentHost))
        let legacy = try PortalFolder().write(snapshot, to: work, options: options)
        var converter = LegacyToCurrent(source: work, site: site)
        try converter.run()
        return Summary(
            siteFolder: site, written: converter.written, unchanged: converter.unchanged, removed: converter.removed,
            // Server logic is written by `ServerLogicCode.download` (with its code), not by the folder writer.
            skipped: legacy.skipped.filter { !$0.hasPrefix(ServerLogicEntry.table + " ") })
    }

    /// What `download` wrote: the site's records, its server logic and its source files.
    public struct Result: Sendable {
        public var records: Int
        public var site: Summary
        public var serverLogic: (written: [String], unchanged: Int)
        public var sourceFiles: SourceFileDownload.Summary
    }

    /// `code-site download` as a use case: reads site `websiteID` of `environment` (it must be an
    /// enhanced-model site, research §A.0), checks every path it will write, then writes the records
    /// (`write`), the server logic with its code (`ServerLogicCode.download`) and the source files with
    /// their bytes (`SourceFileDownload`) under `root`.
    /// - Parameters:
    ///   - environmentName: names the environment in errors (`local:dev`).
    ///   - environmentHost: names `.portalconfig/<host>-manifest.yml`.
    /// - Throws: `CodeSiteError.notACodeSite`; `DataverseError` from the environment; what `write`,
    ///   `SourceFileDownload.check` and `ServerLogicCode.download` throw.
    public static func download(
        websiteID: UUID, from environment: any DataverseService, environmentName: String, into root: URL, environmentHost: String
    ) async throws -> Result {
        guard try await DataModelPolicy.siteModel(websiteID, in: environment, requested: nil, environment: environmentName) == .enhanced else {
            throw CodeSiteError.notACodeSite(environment: environmentName, websiteID: websiteID, found: true)
        }
        var reader = SnapshotReader(service: DataModelPolicy.service(environment, model: .enhanced))
        reader.keptSystemColumns = PacFolderFormat.downloadedSystemColumns
        reader.keptSystemColumnsByTable = PacFolderFormat.downloadedSystemColumnsByTable
        var snapshot = try await reader.read(websiteID: websiteID)
        snapshot.websiteID = websiteID
        guard snapshot.record("adx_website", websiteID) != nil else {
            throw CodeSiteError.notACodeSite(environment: environmentName, websiteID: websiteID, found: false)
        }
        let rows = try await SourceFileRows.read(site: websiteID, in: environment)
        try SourceFileDownload.check(rows, root: root.standardizedFileURL)
        let site = try write(snapshot, into: root, environmentHost: environmentHost)
        let logic = try await ServerLogicCode.download(snapshot, from: environment, into: root.standardizedFileURL)
        let sources = try SourceFileDownload.write(rows, into: root.standardizedFileURL)
        return Result(records: snapshot.recordCount, site: site, serverLogic: logic, sourceFiles: sources)
    }
}

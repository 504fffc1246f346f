import Foundation
import PortalModel

extension PortalFolder {
    /// Writes a downloaded site of data model `model` as `parent/<site-folder>/`: a standard site as
    /// `download(_:into:overwrite:environmentHost:languageCodes:)` does; an enhanced site with the v2
    /// block-scalar breaks (`writeOptions(for: .enhanced)`), and over an existing v2 folder its web
    /// file notes keep the ids and MIME types that folder gives them
    /// (`EnhancedSnapshotMapping.adoptingNotes`): in the enhanced model they are synthesized from the
    /// file column, so a download over a download changes nothing.
    /// - Returns: the site folder and what was written.
    /// - Throws: `PortalFolderError.folderNotEmpty` without `overwrite` over a folder with content,
    ///   `.noWebsite`, and what `write` throws (file and line); nothing is written past it.
    public func download(
        _ snapshot: PortalSnapshot, model: DataModel, into parent: URL, overwrite: Bool,
        environmentHost: String, languageCodes: [UUID: String] = [:]
    ) throws -> (folder: URL, summary: FolderWriteSummary) {
        guard model == .enhanced else {
            return try download(snapshot, into: parent, overwrite: overwrite, environmentHost: environmentHost, languageCodes: languageCodes)
        }
        let folder = parent.appendingPathComponent(try Self.siteFolderName(snapshot), isDirectory: true)
        let contents = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        if !contents.isEmpty && !overwrite { throw PortalFolderError.folderNotEmpty(path: folder.path) }
        var snapshot = snapshot
        if !contents.isEmpty, let existing = try? readEnhanced(folder) {
            snapshot = EnhancedSnapshotMapping.adoptingNotes(of: existing.snapshot, in: snapshot)
        }
        var options = Self.writeOptions(
            for: .enhanced, FolderWriteOptions(generation: contents.isEmpty ? .new : nil, environmentHost: environmentHost))
        options.languageCodes = languageCodes
        return (folder, try write(snapshot, to: folder, options: options))
    }
}

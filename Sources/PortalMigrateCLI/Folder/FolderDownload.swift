import Foundation
import Migration
import PortalFolder
import PortalModel

/// Writes a downloaded site as a pac folder in its data model (`download`).
enum FolderDownload {
    /// Writes a downloaded site of `model` as `parent/<site-folder>/` (`PortalFolder.download`, with the
    /// v2 block-scalar breaks for the enhanced model). Over an existing v2 folder, web file notes keep
    /// the ids and MIME types that folder gives them (`EnhancedSnapshotMapping.adoptingNotes`): in the
    /// enhanced model they are synthesized from the file column.
    /// - Throws: `PortalFolderError` (file and line), nothing written past it.
    static func write(
        _ snapshot: PortalSnapshot, model: DataModel, into parent: URL, overwrite: Bool,
        environmentHost: String, languageCodes: [UUID: String] = [:]
    ) throws -> (folder: URL, summary: FolderWriteSummary) {
        guard model == .enhanced else {
            return try PortalFolder().download(
                snapshot, into: parent, overwrite: overwrite, environmentHost: environmentHost,
                languageCodes: languageCodes)
        }
        let folder = parent.appendingPathComponent(try PortalFolder.siteFolderName(snapshot), isDirectory: true)
        let contents = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        if !contents.isEmpty && !overwrite { throw PortalFolderError.folderNotEmpty(path: folder.path) }
        var snapshot = snapshot
        if !contents.isEmpty, let existing = try? PortalFolder().readEnhanced(folder) {
            snapshot = EnhancedSnapshotMapping.adoptingNotes(of: existing.snapshot, in: snapshot)
        }
        var options = PortalFolder.writeOptions(
            for: .enhanced,
            FolderWriteOptions(
                generation: contents.isEmpty ? .new : nil, environmentHost: environmentHost))
        options.languageCodes = languageCodes
        let summary = try PortalFolder().write(snapshot, to: folder, options: options)
        return (folder, summary)
    }
}

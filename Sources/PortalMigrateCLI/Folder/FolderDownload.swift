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
    /// - Throws: `UserFacingError` for a folder error (file and line), nothing written past it.
    static func write(
        _ snapshot: PortalSnapshot, model: DataModel, into parent: URL, overwrite: Bool,
        environmentHost: String, languageCodes: [UUID: String] = [:]
    ) throws -> (folder: URL, summary: FolderWriteSummary) {
        guard model == .enhanced else {
            return try FolderCommandSupport.folderErrors {
                try PortalFolder().download(
                    snapshot, into: parent, overwrite: overwrite, environmentHost: environmentHost,
                    languageCodes: languageCodes)
            }
        }
        return try FolderCommandSupport.folderErrors {
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
}

/// The former `--modelVersion` helpers, kept for `env provision`, `check` and `diff` until they call
/// `ModelVersionOption`, `SourceFactory` and `DataModelPolicy` directly (the rules are there).
enum EnhancedModelOptions {
    static let help = ModelVersionOption.help

    static func requested(_ text: String?) throws -> DataModel? { try ModelVersionOption.parse(text) }

    /// Reads a site folder of the requested model (detected when `nil`), printing its warnings.
    /// - Throws: `UserFacingError` (exit 2) for a folder error or a data-model mismatch.
    static func readFolder(_ root: URL, modelVersion: String?) throws -> (content: PortalFolderContent, model: DataModel) {
        let model = try ModelVersionOption.parse(modelVersion)
        do {
            let read = try FolderCommandSupport.folderErrors { try PortalFolder().read(root, model: model) }
            for w in read.content.ignored + read.content.warnings { printErr("warning: \(w)") }
            return read
        } catch let e as DataModelMismatchError {
            throw UserFacingError(e.description)
        }
    }

    /// `DataModelPolicy.siteModel` with `--modelVersion` parsed.
    static func siteModel(_ websiteID: UUID, in service: any DataverseService, modelVersion: String?, environment: String) async throws -> DataModel {
        try await DataModelPolicy.siteModel(websiteID, in: service, requested: try ModelVersionOption.parse(modelVersion), environment: environment)
    }

    /// `DataModelPolicy.verifyScope`.
    static func verifyScope(_ scope: VerifyScope, target: DataModel) -> VerifyScope { DataModelPolicy.verifyScope(scope, target: target) }

    /// `DataModelPolicy.service`.
    static func service(
        _ base: any DataverseService, model: DataModel, writing source: PortalSnapshot? = nil,
        site: UUID? = nil
    ) -> any DataverseService {
        DataModelPolicy.service(base, model: model, writing: source, site: site)
    }
}

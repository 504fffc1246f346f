import Foundation
import PortalModel

/// Reads and writes `pac paportal download` site folders (standard data model): the adapter between a
/// folder and a `PortalSnapshot`, nothing else (DESIGN.md "Modules"; research/pac-portal-format.md,
/// research/pac-yaml-emission.md).
///
/// `read` returns the snapshot and a `FolderLayout` (file names, generation, manifests); `write`
/// takes both back and reproduces pac's bytes.
public struct PortalFolder: Sendable {
    /// The catalog typing column values; columns it lacks keep their text.
    public var catalog: TableCatalog

    public init(catalog: TableCatalog = .standard) {
        self.catalog = catalog
    }
}

/// What `PortalFolder.read` returns.
public struct PortalFolderContent: Sendable {
    /// The records, N:N links and web-file bodies (referenced as files, not loaded).
    public var snapshot: PortalSnapshot
    /// The folder's layout, to write it back the same way.
    public var layout: FolderLayout
    /// `manifest.yml` entries with `IsDeleted: true`: records (or N:N associations) to delete in a
    /// target (research/pac-portal-format.md §3).
    public var deletions: [ManifestDeletion]
    /// What reading left out, one line each naming the file or directory (for a `warning:` on read,
    /// upload and plan): files not in pac's layout (outside `.portalconfig/` and `deployment-profiles/`),
    /// content files without their record YAML in an enhanced-model folder, directories named like a
    /// record YAML file.
    public var ignored: [String] = []
    /// What the reader made of input pac would not have written, one line each naming the file
    /// (a web file's note made from its content file: `FolderReader.noteFromContentFile`).
    public var warnings: [String] = []
}

/// A deletion requested by `.portalconfig/manifest.yml`.
public struct ManifestDeletion: Hashable, Sendable {
    /// The table logical name, or the N:N relationship name for an association.
    public var section: String
    /// The deleted record's id (for an association: the related record's id).
    public var recordID: UUID
    /// The entry's display name (for an association `$RELATIONSHIP$<entity>:<guid>:<related>`).
    public var displayName: String?
}

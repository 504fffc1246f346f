import Foundation
import PortalModel

/// Identifies a record: its table logical name and primary id.
public struct RecordKey: Hashable, Sendable, Comparable {
    public var table: String
    public var id: UUID

    public init(_ table: String, _ id: UUID) {
        self.table = table
        self.id = id
    }

    public static func < (a: RecordKey, b: RecordKey) -> Bool {
        (a.table, a.id.dataverseString) < (b.table, b.id.dataverseString)
    }
}

/// Where a record lives in a site folder and what its YAML held beyond the snapshot's columns.
public struct RecordPlacement: Hashable, Sendable {
    /// The YAML file holding the record, relative to the site folder (a list file for list records).
    public var file: String
    /// The keys of the record's YAML mapping in file order (tells the writer which N:N keys, the
    /// website lookup and, for `.webfile.yml`, the note keys the record had).
    public var keys: [String]
    /// Values the snapshot cannot hold (lists under unknown keys, nested mappings), kept to round-trip.
    public var extras: [YAMLPair]
    /// For web files: the content file (the note's `documentbody` bytes), relative path.
    public var contentFile: String?

    public init(file: String, keys: [String] = [], extras: [YAMLPair] = [], contentFile: String? = nil) {
        self.file = file
        self.keys = keys
        self.extras = extras
        self.contentFile = contentFile
    }
}

/// What a snapshot alone does not say about a site folder and a writer needs to reproduce it: the
/// layout generation, each record's file names, which content files existed, line breaks, the
/// manifests and the files that are not pac's (research/pac-portal-format.md §1, pac-yaml-emission.md).
///
/// A `FolderLayout` is returned by `PortalFolder.read` next to the snapshot and passed back to
/// `PortalFolder.write`, so re-downloads do not churn names in git.
public struct FolderLayout: Sendable {
    /// old (2022–mid 2023): content side files only when non-empty; new (late 2023+): always, 0 bytes
    /// when empty (research/pac-portal-format.md §1.3).
    public enum Generation: String, Sendable { case old, new }

    public var generation: Generation
    /// Each record's placement by table and id.
    public var placements: [RecordKey: RecordPlacement]
    /// Content side files present when read (relative paths), so an old-layout 0-byte file is kept.
    public var sideFiles: Set<String>
    /// YAML files that used CR LF line breaks (relative paths).
    public var crlfFiles: Set<String>
    /// Files not part of pac's layout (e.g. `azure-pipelines.yml`, deployment profiles), relative
    /// paths; a writer leaves them untouched.
    public var foreignFiles: [String]
    /// Manifests by relative path (`.portalconfig/manifest.yml`, `.portalconfig/<host>-manifest.yml`).
    public var manifests: [String: PortalManifest]

    public init(
        generation: Generation = .new, placements: [RecordKey: RecordPlacement] = [:],
        sideFiles: Set<String> = [], crlfFiles: Set<String> = [], foreignFiles: [String] = [],
        manifests: [String: PortalManifest] = [:]
    ) {
        self.generation = generation
        self.placements = placements
        self.sideFiles = sideFiles
        self.crlfFiles = crlfFiles
        self.foreignFiles = foreignFiles
        self.manifests = manifests
    }
}

import Foundation

/// Options of `PortalFolder.write`.
public struct FolderWriteOptions: Sendable {
    /// Forces the layout generation; `nil` keeps the existing folder's, then the given layout's, else `.new`.
    public var generation: FolderLayout.Generation?
    /// When set, writes `.portalconfig/<host>-manifest.yml` with our checksums (SHA-256 of each record's
    /// canonical form) and adds records that disappeared since that manifest to `manifest.yml` as
    /// deleted (research/pac-portal-format.md §3). `nil` re-emits the manifests of the layout unchanged.
    public var environmentHost: String?
    /// Removes the files of records that are in the existing folder but not in the snapshot (pac's
    /// `--overwrite` behaviour); files that are not pac's are never touched.
    public var removeStaleFiles: Bool
    /// How block scalars break lines: `.v1` for standard-model folders, `.v2` for enhanced-model
    /// (`--modelVersion 2`) folders (research/pac-yaml-emission.md §5.4).
    public var yamlBlockBreaks: PacYAMLEmitter.BlockBreaks = .v1
    /// Language codes (`en-US`) by website language id, for records whose website language the snapshot
    /// does not hold: a partial download (`--includeEntities adx_webpage`) writes no
    /// `websitelanguage.yml`, yet its content pages keep `.<lang>` in their file names, as in a full
    /// download (issue 16, R06). `PortalFolder.languageCodes(_:)` makes it from the unfiltered snapshot.
    public var languageCodes: [UUID: String] = [:]

    public init(generation: FolderLayout.Generation? = nil, environmentHost: String? = nil, removeStaleFiles: Bool = true) {
        self.generation = generation
        self.environmentHost = environmentHost
        self.removeStaleFiles = removeStaleFiles
    }
}

/// What `PortalFolder.write` did.
public struct FolderWriteSummary: Sendable {
    /// Files written because they were new or their bytes changed (relative paths, sorted).
    public var written: [String]
    /// Files whose bytes were already right.
    public var unchanged: Int
    /// Stale record files removed: files of records the environment manifest of the previous download
    /// lists and the environment no longer has (or, without an environment host, every record file
    /// the snapshot no longer holds).
    public var removed: [String]
    /// Record files kept although the snapshot does not hold their records, because no earlier
    /// download from this environment listed them: records added to the folder by hand, which a
    /// download must not destroy (relative paths, sorted).
    public var kept: [String] = []
    /// Records the folder format cannot hold (tables pac does not write, notes without a web file,
    /// child records without their parent), as `table id` texts.
    public var skipped: [String]
}

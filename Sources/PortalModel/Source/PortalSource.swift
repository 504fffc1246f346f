import Foundation

/// A source of portal configuration read from files by a format adapter (a pac site folder, a CMT
/// data package, …): the adapter returns the snapshot **and** what the source means for a plan
/// (DESIGN.md, "Adapters return the snapshot and what the source means for the plan").
///
/// The migration use cases (`Migration/UseCases`) take any `PortalSource`, so a new file format needs
/// its adapter module, a conforming type there, and one line in `SourceFactory.formats` (FileFormats).
///
/// Example:
/// ```swift
/// let read = try PacFolderSource(URL(fileURLWithPath: "./site/my-site")).read(model: nil)
/// print(read.snapshot.recordCount, read.meaning.explicitDeletions.count)
/// ```
public protocol PortalSource: Sendable {
    /// Where the source is, as the user named it, standardized (an absolute path): part of a run's
    /// journal key, so the same command on the same files resumes.
    var location: String { get }

    /// Reads the source.
    /// - Parameter model: the data model the user asked for (`--modelVersion`), `nil` to detect it.
    /// - Throws: the adapter's own errors (file and line when it knows them), and a data-model
    ///   mismatch error naming the model found when `model` differs from it. Nothing is written.
    func read(model: DataModel?) throws -> SourceRead
}

/// What a `PortalSource` read: its records and what they mean for a plan.
public struct SourceRead: Sendable {
    /// The records, links and file bodies. `websiteID` is set when the source describes one website.
    public var snapshot: PortalSnapshot
    /// The data model of the records (`DataModel.standard` for formats without one).
    public var model: DataModel
    /// What the source means for the plan beyond its records.
    public var meaning: SourceMeaning

    public init(snapshot: PortalSnapshot, model: DataModel, meaning: SourceMeaning) {
        self.snapshot = snapshot
        self.model = model
        self.meaning = meaning
    }
}

/// What a source means for a plan beyond its records: format facts the engine needs but must not learn
/// from the format itself (no `.portalconfig/manifest.yml`, no CMT attribute names in the engine).
///
/// - `format`: how the source is named in plans (`a pac folder`, `the package's CMT schema`).
/// - `carriedColumns`: the columns the format writes, by table logical name: a column listed but absent
///   from a record is empty in the source (research/pac-portal-format.md §2 "Nulls", research/cmt-format.md).
/// - `absentValues`: what an absent carried column stands for when not null (pac leaves out the active state).
/// - `explicitDeletions` / `explicitLinkRemovals`: records (table → source ids) and N:N links
///   (relationship → links) the source asks to delete whatever `--prune` says (pac's manifest entries
///   with `IsDeleted: true`, research/pac-portal-format.md §3); `deletionsFile` names where they came from.
/// - `compareColumns`: columns to match records by after the id and before the natural key, by table
///   (a CMT schema's `updateCompare` fields).
/// - `skipUpdateTables`: tables whose existing records are never updated (CMT `skipupdate="true"`).
/// - `declaredColumns`: every column the source's schema names, by table (CMT fields): the engine
///   keeps the importable system columns among them (`ownerid`, …).
/// - `skippedTables`: tables never written, with the reason printed in the plan (pac's download-only
///   website bindings).
/// - `bypassPlugins`: `true` when the format asks for custom plug-ins to be bypassed while writing
///   (CMT `disableplugins="true"`); `nil` leaves it to the user's choice.
/// - `notes`: what the adapter found while reading (warnings, and errors such as a manifest entry
///   contradicting the folder), reported with the plan's diagnostics; errors stop the run before writing.
///   Their `check` is the adapter's (`folder`, `package`, `manifest-contradiction`).
public struct SourceMeaning: Sendable {
    public var format: String?
    public var carriedColumns: [String: Set<String>]?
    public var absentValues: [String: FieldValue] = [:]
    public var explicitDeletions: [String: Set<UUID>] = [:]
    public var explicitLinkRemovals: [String: Set<ManyToManyLink>] = [:]
    public var deletionsFile: String?
    public var compareColumns: [String: [String]] = [:]
    public var skipUpdateTables: Set<String> = []
    public var declaredColumns: [String: Set<String>] = [:]
    public var skippedTables: [String: String] = [:]
    public var bypassPlugins: Bool?
    public var notes: [Diagnostic] = []

    public init(format: String? = nil, carriedColumns: [String: Set<String>]? = nil) {
        self.format = format
        self.carriedColumns = carriedColumns
    }

    /// The columns a comparison of this source may trust (`CarriedColumns`): the carried columns of
    /// the format, or every column when the format declares none.
    public var carried: CarriedColumns {
        guard let carriedColumns else { return .environment }
        return .declared(carriedColumns, format: format ?? "the source")
    }
}

extension PortalSnapshot {
    /// The website this snapshot describes: `websiteID` when set, else its only `adx_website` record;
    /// `nil` for a snapshot of no website or of several (a CMT package of any tables).
    public var describedWebsiteID: UUID? {
        if let websiteID { return websiteID }
        guard let sites = records["adx_website"], sites.count == 1 else { return nil }
        return sites[0].id
    }
}

import Foundation
import PortalModel

/// A pac site folder as a `PortalSource` (`upload --path`, `plan --path`, `verify --path`): the folder's
/// records, and what the folder means for a plan — its `.portalconfig/manifest.yml` entries with
/// `IsDeleted: true` as deletions of records and N:N links (research/pac-portal-format.md §3), the
/// download-only tables (website bindings) never written, the columns pac writes per table
/// (`PacFolderFormat.carriedColumns`, §2 "Nulls"), and the reader's warnings.
public struct PacFolderSource: PortalSource {
    /// The folder holding `website.yml`.
    public var root: URL
    public var catalog: TableCatalog

    public init(_ root: URL, catalog: TableCatalog = .standard) {
        self.root = root
        self.catalog = catalog
    }

    public var location: String { root.standardizedFileURL.path }

    /// The reason a download-only table is not written, printed in plans.
    public static let downloadOnlyReason = "environment-specific (download-only in pac); not uploaded"

    /// - Throws: `PortalFolderError` (file and line) for a folder that cannot be read;
    ///   `DataModelMismatchError` when `model` differs from the folder's.
    public func read(model: DataModel?) throws -> SourceRead {
        let (content, found) = try PortalFolder(catalog: catalog).read(root, model: model)
        var snapshot = content.snapshot
        if snapshot.websiteID == nil { snapshot.websiteID = snapshot.describedWebsiteID }
        return SourceRead(snapshot: snapshot, model: found, meaning: Self.meaning(of: content))
    }

    /// What `content` means for a plan (see the type's description).
    public static func meaning(of content: PortalFolderContent) -> SourceMeaning {
        var m = SourceMeaning(format: "a pac folder", carriedColumns: PacFolderFormat.carriedColumns())
        m.absentValues = PacFolderFormat.absentColumnValues
        m.explicitDeletions = content.deletedRecords
        m.explicitLinkRemovals = content.deletedLinks
        m.deletionsFile = ".portalconfig/manifest.yml"
        for table in TableCatalog.environmentSpecificTables { m.skippedTables[table] = downloadOnlyReason }
        m.notes =
            (content.ignored + content.warnings).map { Diagnostic(check: .folder, severity: .warning, message: $0) }
            + content.unreadableDeletions.map { d in
                Diagnostic(
                    check: .folder, severity: .warning,
                    message: ".portalconfig/manifest.yml: \(d.section) entry \(d.recordID.dataverseString) "
                        + "has an unreadable association name \(d.displayName ?? ""); ignored")
            }
            + contradictions(content)
        return m
    }

    /// `manifest-contradiction`: a `.portalconfig/manifest.yml` entry with `IsDeleted: true` for a record
    /// whose YAML file is still in the folder. Without this check the planner keeps the record (the folder
    /// wins) silently; a manifest and a folder that disagree mean one of them is wrong, so the run stops
    /// before writing (exit 2), naming the manifest entry and the file. Record entries only (N:N
    /// association entries excluded), sorted by table and id.
    public static func contradictions(_ content: PortalFolderContent) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let sourceIDs = Dictionary(grouping: content.snapshot.records.flatMap { t, rows in rows.map { (t, $0.id) } }, by: { $0.0 })
            .mapValues { Set($0.map(\.1)) }
        for d in content.deletions where d.link == nil && !(d.displayName ?? "").hasPrefix("$RELATIONSHIP$") {
            let file = content.layout.placements[RecordKey(d.section, d.recordID)]?.file
            guard file != nil || sourceIDs[d.section]?.contains(d.recordID) == true else { continue }
            let entry =
                ".portalconfig/manifest.yml entry \(d.section) \(d.recordID.dataverseString)"
                + (d.displayName.map { " (\"\($0)\")" } ?? "") + " marks it IsDeleted: true"
            let where_ = file.map { "but its file \($0) is still in the folder" } ?? "but the folder still holds the record"
            out.append(
                Diagnostic(
                    check: .manifestContradiction,
                    message: "\(entry), \(where_); delete the file to delete the record, or remove the manifest entry to keep it",
                    table: d.section, recordID: d.recordID, recordName: d.displayName))
        }
        return out.sorted { ($0.table ?? "", $0.recordID?.dataverseString ?? "") < ($1.table ?? "", $1.recordID?.dataverseString ?? "") }
    }
}

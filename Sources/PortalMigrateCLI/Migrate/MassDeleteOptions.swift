import ArgumentParser
import Foundation
import Migration
import PortalFolder
import PortalModel

/// `--allow-mass-delete`, `--max-delete-share` and `--max-deletes` of `upload`, `migrate`, `plan` and
/// `data import` (issue 21 "Safe deletions"): the limits of the `mass-delete` check (`MassDeleteCheck`).
public struct MassDeleteOptions: ParsableArguments {
    @Flag(name: .customLong("allow-mass-delete"), help: "Delete even when the plan deletes more than --max-delete-share of a table or more than --max-deletes records in all (by default such a plan stops before writing, exit 2).")
    public var allowMassDelete = false

    @Option(name: .customLong("max-delete-share"), help: "Percent of one table's target records a plan may delete (applies to a table losing 3 or more records, or all of them).")
    public var maxDeleteShare: Double = 10

    @Option(name: .customLong("max-deletes"), help: "Records a plan may delete in all tables together.")
    public var maxDeletes: Int = 50

    public init() {}

    public func validate() throws {
        guard maxDeleteShare >= 0 && maxDeleteShare <= 100 else {
            throw ValidationError("--max-delete-share is a percent from 0 to 100 (got \(maxDeleteShare))")
        }
        guard maxDeletes >= 0 else { throw ValidationError("--max-deletes is a number of records, 0 or more (got \(maxDeletes))") }
    }

    /// The limits, set on `plan`.
    public func apply(to plan: inout PlanOptions) {
        plan.massDelete = MassDeleteLimits(maxDeleteShare: maxDeleteShare, maxDeletes: maxDeletes, allowed: allowMassDelete)
    }
}

/// `manifest-contradiction`: a `.portalconfig/manifest.yml` entry with `IsDeleted: true` for a record
/// whose YAML file is still in the folder. Without this check the planner keeps the record (the folder
/// wins) silently; a manifest and a folder that disagree mean one of them is wrong, so the run stops
/// before writing (exit 2), naming the manifest entry and the file.
enum ManifestContradictions {
    /// One error diagnostic per contradicting entry (record entries only; N:N association entries excluded).
    static func diagnostics(_ content: PortalFolderContent) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let sourceIDs = Dictionary(grouping: content.snapshot.records.flatMap { t, rows in rows.map { (t, $0.id) } }, by: { $0.0 })
            .mapValues { Set($0.map(\.1)) }
        for d in content.deletions where d.link == nil && !(d.displayName ?? "").hasPrefix("$RELATIONSHIP$") {
            let file = content.layout.placements[RecordKey(d.section, d.recordID)]?.file
            guard file != nil || sourceIDs[d.section]?.contains(d.recordID) == true else { continue }
            let entry = ".portalconfig/manifest.yml entry \(d.section) \(d.recordID.dataverseString)"
                + (d.displayName.map { " (\"\($0)\")" } ?? "") + " marks it IsDeleted: true"
            let where_ = file.map { "but its file \($0) is still in the folder" } ?? "but the folder still holds the record"
            out.append(Diagnostic(check: "manifest-contradiction",
                message: "\(entry), \(where_); delete the file to delete the record, or remove the manifest entry to keep it",
                table: d.section, recordID: d.recordID, recordName: d.displayName))
        }
        return out.sorted { ($0.table ?? "", $0.recordID?.dataverseString ?? "") < ($1.table ?? "", $1.recordID?.dataverseString ?? "") }
    }
}

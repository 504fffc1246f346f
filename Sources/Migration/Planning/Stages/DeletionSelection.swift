import Foundation
import PortalModel

/// The deletion stage's output, before ordering (`Planner.deletionPlans`): the target records to delete,
/// and what became of each requested deletion that is not one. Nothing is deleted unless asked
/// (DESIGN.md "Nothing lost"): `--prune`, or a pac manifest's `IsDeleted: true` entries.
struct DeletionSelection: Sendable {
    /// Target records to delete, by table logical name → id.
    var toDelete: [String: [UUID: EntityRecord]] = [:]
    /// `deletion-outside-site` errors: a requested deletion of a record of another website (never done).
    var diagnostics: [Diagnostic] = []
    /// Requested deletions not needed (already absent) or impossible (the target lacks the table).
    var skipped: [SkippedRecord] = []
}

extension Planner {
    /// The deletion stage: with `options.prune`, every target record in scope that no planned record
    /// claims (never a portal language, the website or a skipped table); then each explicit deletion
    /// (`options.explicitDeletions`, source ids mapped to target ids) the plan does not also write.
    /// - Parameter claimed: target ids of the planned records.
    /// - Throws: `DataverseError` from the by-id reads of requested records the index lacks.
    func deletionSelection(
        claimed: Set<UUID>, identity: IdentityResolution, index: TargetIndex, options: PlanOptions, reader: SnapshotReader
    ) async throws -> DeletionSelection {
        var out = DeletionSelection()
        if options.prune { out.toDelete = Self.prunedRecords(index: index, claimed: claimed, skippedTables: options.skippedTables) }
        for (table, ids) in options.explicitDeletions.sorted(by: { $0.key < $1.key }) {
            let wanted = ids.map { identity.targetID(of: $0) }.filter { !claimed.contains($0) }
            guard let def = index.definitions[table] else {
                for id in wanted.sorted(by: { $0.dataverseString < $1.dataverseString }) {
                    out.skipped.append(
                        SkippedRecord(table: table, id: id, name: nil, reason: "deletion requested, but the target has no table \(table)"))
                }
                continue
            }
            let found = try await requestedRecords(table, ids: wanted, definition: def, index: index, reader: reader)
            Self.classifyRequested(
                table, wanted: wanted, found: found, index: index, file: options.explicitDeletionsFile, catalog: catalog, into: &out)
        }
        return out
    }

    /// `--prune`: the records of `index`'s scope no planned record claims, by table; portal languages
    /// (global), the website and tables never written are kept. Pure.
    static func prunedRecords(index: TargetIndex, claimed: Set<UUID>, skippedTables: [String: String]) -> [String: [UUID: EntityRecord]] {
        var out: [String: [UUID: EntityRecord]] = [:]
        for (table, rows) in index.snapshot.records
        where table != "adx_portallanguage" && !PortalTables.websiteTables.contains(table) && skippedTables[table] == nil {
            for r in rows where index.inScope.contains(r.id) && !claimed.contains(r.id) { out[table, default: [:]][r.id] = r }
        }
        return out
    }

    /// The target records of `table` with the requested ids: from the index, else read by id, else (on
    /// an enhanced target, whose view shows one site) from the environment's own site or component table.
    func requestedRecords(
        _ table: String, ids wanted: [UUID], definition def: TableDefinition, index: TargetIndex, reader: SnapshotReader
    ) async throws -> [UUID: EntityRecord] {
        var found: [UUID: EntityRecord] = [:]
        for id in wanted { if let r = index.byID[id], r.logicalName == table { found[id] = r } }
        let unread = Set(wanted).subtracting(found.keys)
        if !unread.isEmpty {
            for r in try await reader.readByIDs(table, column: def.primaryIDColumn, ids: unread) { found[r.id] = r }
        }
        // The enhanced view shows one site: an id it does not show may be another site (or one of
        // its components) in the environment itself, refused like any record of another site.
        for r in try await recordsHiddenByView(table, ids: Set(wanted).subtracting(found.keys)) { found[r.id] = r }
        return found
    }

    /// Sorts the requested deletions of `table` (`wanted`, target ids) into `out`: a record of another
    /// website is refused (`deletion-outside-site`, naming `file` and the owner), one in scope is deleted,
    /// one the target lacks is skipped as already absent. Pure.
    static func classifyRequested(
        _ table: String, wanted: [UUID], found: [UUID: EntityRecord], index: TargetIndex, file: String, catalog: TableCatalog,
        into out: inout DeletionSelection
    ) {
        let targetWebsiteID = index.scope.targetWebsiteID
        for id in wanted.sorted(by: { $0.dataverseString < $1.dataverseString }) {
            if let r = found[id], !index.inScope.contains(id) && !(PortalTables.websiteTables.contains(table) && id == targetWebsiteID) {
                // Only records of the website being written are deleted (as --prune scopes).
                let site = SiteMembership.website(of: r, known: [:], parent: { index.byID[$0] })
                let owner =
                    PortalTables.websiteTables.contains(table)
                    ? "it is another website"
                    : site.map { "it belongs to website \($0.dataverseString)" } ?? "it belongs to no website the target links it to"
                out.diagnostics.append(
                    Diagnostic(
                        check: .deletionOutsideSite,
                        message:
                            "\(file) marks it IsDeleted, but \(owner), not to website \(targetWebsiteID.dataverseString) being written; records of another site are never deleted (remove the entry)",
                        table: table, recordID: id, recordName: PortalTables.primaryName(r, definitions: index.definitions, catalog: catalog)))
            } else if let r = found[id] {
                out.toDelete[table, default: [:]][id] = r
            } else {
                out.skipped.append(SkippedRecord(table: table, id: id, name: nil, reason: "deletion requested; already absent in the target"))
            }
        }
    }
}

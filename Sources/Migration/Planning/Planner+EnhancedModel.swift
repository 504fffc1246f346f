import Foundation
import PortalModel

/// What planning asks of an enhanced-data-model target (a standard-model view of one `powerpagesite`,
/// the target's `enhancedModelView` capability, issue 19): the only place the planner looks behind the view.
extension Planner {
    /// The enhanced-model view the target is, `nil` for a standard-model target.
    var enhancedView: (any EnhancedModelView)? { target.enhancedModelView }

    /// The environment itself: the enhanced view's base, else the target.
    var environment: any DataverseService { enhancedView?.base ?? target }

    /// An enhanced target learns the source's content keys before it is asked for its columns (issue 16, R04).
    func prepareTarget(toWrite source: PortalSnapshot) async {
        if let enhanced = enhancedView { await enhanced.prepare(toWrite: source) }
    }

    /// Enhanced target only: the `powerpagecomponent` rows of the environment with one of `ids` (the
    /// view reads one site's components, so these are components of another site), by id, for the
    /// `other-site-records` check. Empty for a standard target or for no ids.
    /// - Throws: `DataverseError` when the read fails: a failed read must not pass the check as "no
    ///   other site's records" (it used to, through `try?`).
    func componentsOfOtherSites(_ ids: Set<UUID>) async throws -> [UUID: EntityRecord] {
        guard let enhanced = enhancedView, !ids.isEmpty else { return [:] }
        let rows = try await SnapshotReader(service: enhanced.base, catalog: catalog)
            .readByIDs("powerpagecomponent", column: "powerpagecomponentid", ids: ids)
        var out: [UUID: EntityRecord] = [:]
        for r in rows { out[r.id] = r }
        return out
    }

    /// Enhanced target only: the environment's `powerpagesite` (for a website table) or
    /// `powerpagecomponent` rows with one of `ids`, which the view does not show (another site or one
    /// of its components). Empty for a standard target or for no ids.
    /// - Throws: `DataverseError` when the read fails (never taken as "none hidden").
    func recordsHiddenByView(_ table: String, ids: Set<UUID>) async throws -> [EntityRecord] {
        let baseTable = PortalTables.websiteTables.contains(table) ? "powerpagesite" : "powerpagecomponent"
        guard let enhanced = enhancedView, !ids.isEmpty else { return [] }
        return try await SnapshotReader(service: enhanced.base, catalog: catalog)
            .readByIDs(baseTable, column: baseTable + "id", ids: ids)
    }
}

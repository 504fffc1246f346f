import Foundation
import PortalModel

/// The `other-site-records` check: records the target already has (matched by id) that belong to a
/// website other than the one being written (trial finding 4: a folder whose `website.yml` id was
/// changed would otherwise move every record of the existing site to a new one, splitting it).
///
/// A record's website is found as `SiteMembership` does (its website lookup, else a parent's). One
/// error diagnostic per other website, naming both website ids, the number of records and a sample
/// of them; it carries no record id, so `--force` writes them anyway (they move to the website being
/// written), as it does for the base-language check. A normal re-upload (the records are the
/// target website's) and `--targetWebSiteId` retargeting (records the target lacks are created; those
/// already written into the target website match inside it) do not fire it.
public enum CrossSiteCheck {
    /// How many records a diagnostic names.
    public static let sampleSize = 5

    /// The diagnostics for `planning` (empty when the plan is not scoped to a website).
    public static func run(_ planning: PlanningResult) -> [Diagnostic] {
        guard planning.websiteScoped else { return [] }
        let plan = planning.plan
        let target = plan.targetWebsiteID
        var outsideByID: [UUID: EntityRecord] = [:]
        for rows in planning.targetOutsideScope.values { for (id, r) in rows where outsideByID[id] == nil { outsideByID[id] = r } }
        guard !outsideByID.isEmpty else { return [] }
        var known: [UUID: UUID] = [:]
        for (table, rows) in planning.targetSnapshot.records where table != "adx_portallanguage" {
            for r in rows { known[r.id] = target }
        }
        var byWebsite: [UUID: [EntityRecord]] = [:]
        for r in plan.records where r.action != .delete {
            // Matched by id (standard model), or planned as a create over a component of another site
            // that the enhanced view does not show (`PlanningResult.targetOutsideScope["powerpagecomponent"]`).
            guard
                let existing = planning.targetOutsideScope[r.table]?[r.targetID]
                    ?? planning.targetOutsideScope["powerpagecomponent"]?[r.targetID],
                !PortalTables.websiteTables.contains(r.table),
                let site = SiteMembership.website(of: existing, known: known, parent: { outsideByID[$0] }),
                site != target
            else { continue }
            // Named by the table written (a component of the enhanced model by its adx table).
            var named = existing
            named.logicalName = r.table
            if let n = r.name { named.columns = ["adx_name": .string(n)] }
            byWebsite[site, default: []].append(named)
        }
        return byWebsite.keys.sorted { $0.dataverseString < $1.dataverseString }.map { site in
            let rows = byWebsite[site]!.sorted { ($0.logicalName, $0.id.dataverseString) < ($1.logicalName, $1.id.dataverseString) }
            let sample = rows.prefix(sampleSize).map { SiteMembership.label($0, definitions: planning.targetDefinitions) }
            let more = rows.count > sampleSize ? ", … (\(rows.count - sampleSize) more)" : ""
            return Diagnostic(
                check: .otherSiteRecords,
                message: "\(rows.count) record(s) the target already has (same ids) belong to website \(site.dataverseString), "
                    + "not to website \(target.dataverseString) being written; writing would move them out of that site "
                    + "(was the website id changed?): \(sample.joined(separator: ", "))\(more). "
                    + "Use --force to move them anyway")
        }
    }
}

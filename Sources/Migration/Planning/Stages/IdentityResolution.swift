import Foundation
import PortalModel

/// The identity stage's output: for every source record, the target id it has (or will have) and how
/// it was matched (DESIGN.md "Identity"; `IdentityMatcher` for the rules).
struct IdentityResolution: Sendable {
    /// Source id → target id, for matched records whose ids differ (the website mapped by
    /// `--targetWebSiteId`, records matched by natural key or `updateCompare` columns).
    var idMap: [UUID: UUID]
    /// How each matched source record matched, by source id; a record absent here is created.
    var kind: [UUID: MatchKind]
    /// `ambiguous-match` errors: two target records with the same key, never guessed.
    var diagnostics: [Diagnostic]

    /// The target id of a source record: its matched id, else its own (kept when created).
    func targetID(of sourceID: UUID) -> UUID { idMap[sourceID] ?? sourceID }

    /// How a source record found its target record: `.none` when created.
    func match(of sourceID: UUID) -> MatchKind { kind[sourceID] ?? .none }
}

extension Planner {
    /// The identity stage: matches each source record of the tables in `order` to a target record of
    /// `index` by id, then by natural key or `options.compareColumns` (with `options.match == .key`;
    /// portal languages by LCID always), the key columns the source's format leaves out filled first
    /// (`keyColumnsFilled`). Pure; deterministic.
    static func identityResolution(
        source: PortalSnapshot, order: [String], index: TargetIndex, options: PlanOptions, catalog: TableCatalog
    ) -> IdentityResolution {
        var matcher = IdentityMatcher(catalog: catalog)
        matcher.match(
            source: keyColumnsFilled(source, hints: options.hints, catalog: catalog), tableOrder: order,
            sourceWebsiteID: index.scope.sourceWebsiteID, targetWebsiteID: index.scope.targetWebsiteID,
            targetByID: index.byID, targetSnapshot: index.snapshot, byKey: options.match == .key,
            compareColumns: options.compareColumns, targetIDsByTable: index.byTable.mapValues { Set($0.keys) })
        return IdentityResolution(idMap: matcher.idMap, kind: matcher.kind, diagnostics: matcher.diagnostics)
    }

    /// `source` with the natural-key columns its format carries but a record leaves out set to their
    /// absent value (null; pac's active state), so a record matches by natural key as the same record
    /// read from an environment does (where the column is there, null): a CMT `data.xml` leaves out a
    /// root page's empty `adx_parentpageid`, and without it the page matched nothing and was created a
    /// second time in a provisioned target. `updateCompare` columns are left as they are (a null there
    /// would match every target record whose column is empty). Unchanged when the format is unknown.
    static func keyColumnsFilled(_ source: PortalSnapshot, hints: PlanHints, catalog: TableCatalog) -> PortalSnapshot {
        guard hints.format != nil else { return source }
        var out = source
        for (table, rows) in source.records {
            for i in rows.indices {
                let r = rows[i]
                for column in IdentityRules.key(for: r, catalog: catalog)
                where r.columns[column] == nil && hints.carries(column, of: table) {
                    out.records[table]![i].columns[column] = hints.absentValue(of: column)
                }
            }
        }
        return out
    }
}

import Foundation
import PortalModel

/// What planning produces: the plan and what the checks before writing need to know about the target.
public struct PlanningResult: Sendable {
    public var plan: MigrationPlan
    /// The target's table definitions by logical name.
    public var targetDefinitions: [String: TableDefinition]
    /// True when the target website (`--targetWebSiteId`, else the source website's id) exists in the target.
    public var targetWebsiteExists: Bool
    /// The target's records of the target website, by id (for verify's listing of extra records).
    public var targetSnapshot: PortalSnapshot
    /// False when the source has no website and the plan covers the source's tables instead
    /// (`targetSnapshot` then holds every target record of those tables).
    public var websiteScoped: Bool = true
    /// Target records of the source's ids read outside the target website's scope (records the target
    /// already has under another website, or under none), by table then id: the `other-site-records`
    /// check (`CrossSiteCheck`) names those of another website.
    public var targetOutsideScope: [String: [UUID: EntityRecord]] = [:]
}

/// Decides every write of a migration by comparing a source snapshot with a target's current records
/// (issue 6 "Plan" and "Identity"; DESIGN.md "Identity", "Ordering").
///
/// Steps: read the target website's snapshot; match each source record to a target record by id, then by
/// natural key (`IdentityRules`, in dependency order so parent lookups are already remapped), portal
/// languages by LCID; remap every lookup and N:N link to target ids; find lookups whose record the
/// target lacks (missing-lookup diagnostics, or dropped with `.drop`); per record compare the columns to
/// write with the target's values; order tables (`DependencyOrder`) and records within a table parent
/// first, deferring only lookups to records written later; with `prune`, delete target records and links
/// the source lacks. The output is deterministic for the same inputs.
public struct Planner: Sendable {
    public let target: any DataverseService
    public let catalog: TableCatalog

    /// System columns written with a create when the source has them, and never compared or updated:
    /// `importsequencenumber` (IsValidForCreate only) and `timezoneruleversionnumber` (valid for create and
    /// update). pac writes both into its YAML "when set" and uploads what the YAML holds
    /// (research/pac-portal-format.md §2 "Columns that are written"), so a folder uploaded into a fresh
    /// environment downloads back with them. `versionnumber` is not among them: Dataverse assigns it on
    /// every write (the row version behind `@odata.etag`, research/dataverse-webapi.md "Representation")
    /// and is not a writable column, so it cannot round-trip through any real environment.
    public static let createOnlySystemColumns: Set<String> = ["importsequencenumber", "timezoneruleversionnumber"]

    /// Website columns bound to the environment the website lives in, by table: the host name
    /// (`adx_primarydomainname`, enhanced `primarydomainname`: the portal host provisioned for the
    /// website record in that environment, research/code-sites-and-admin-api.md B.8 and
    /// pac-portal-format.md `.portalconfig/websitebinding.yml`, download only) and the website's name
    /// (`adx_name`/`name`: the natural key of the website (`TableCatalog`), shown for the site in that
    /// environment's site lists and given when the host is bound, "Reactivate": name + web address,
    /// research/code-sites-and-admin-api.md B.8). Website bindings (`adx_websitebinding`) and the portal
    /// app are not columns of the website: bindings are a table never written
    /// (`TableCatalog.environmentSpecificTables`), the portal app is not portal configuration.
    /// When the source website is mapped onto another website (`--targetWebSiteId`), the target keeps
    /// these (`MigrationPlan.keptColumns`); an absent column never clears them.
    public static let environmentBoundWebsiteColumns: [String: Set<String>] = [
        "adx_website": ["adx_name", "adx_primarydomainname"], "powerpagesite": ["name", "primarydomainname"],
    ]

    /// True for a column an absent source value may clear: not a file or image column (their bodies are
    /// compared as files, not as column values) and not a note's `documentbody`.
    static func isClearable(_ column: ColumnDefinition) -> Bool {
        column.type != .file && column.type != .image && column.logicalName != "documentbody"
    }

    public init(target: any DataverseService, catalog: TableCatalog = .standard) {
        self.target = target
        self.catalog = catalog
    }

    /// Plans the migration of `source` into the target, as a sequence of named stages, each a function
    /// of typed values (unit-tested on their own in `PlannerStagesTests`):
    ///
    /// 1. `scopedSource`: tables never written left out (listed as skipped);
    /// 2. `targetIndex` → `TargetIndex`: the target's records in scope, indexed (reads the target);
    /// 3. `tableOrder`: the write order of tables;
    /// 4. `identityResolution` → `IdentityResolution`: source id → target id and how each matched;
    /// 5. `websiteDiagnostics`: a website created beside one in the other model or of the same name;
    /// 6. `lookupResolution` → `LookupResolution`: records in target ids, missing lookups named or dropped;
    /// 7. `recordDiff` → `RecordDiff`: create / update / unchanged per record, with changed columns;
    /// 8. `Scheduler.schedule`: records parent first, lookups to records written later deferred;
    /// 9. `deletionSelection` → `DeletionSelection`, then `deletionPlans`: prune and requested deletions;
    /// 10. `linkPlans`: N:N links to add and remove.
    ///
    /// A source without a website is planned by table: the target side is every record of the source's
    /// tables (`SnapshotReader.read(tables:relationships:)`), and `websiteScoped` is false.
    /// - Throws: `DataverseError` from the target.
    public func plan(source original: PortalSnapshot, options: PlanOptions) async throws -> PlanningResult {
        let scoped = Self.scopedSource(original, skippedTables: options.skippedTables, catalog: catalog)
        let source = scoped.snapshot
        await prepareTarget(toWrite: source)
        let reader = SnapshotReader(service: target, catalog: catalog)
        let index = try await targetIndex(of: source, options: options, reader: reader)
        let order = Self.tableOrder(of: source)
        let identity = Self.identityResolution(source: source, order: order, index: index, options: options, catalog: catalog)
        let websiteFindings = try await websiteDiagnostics(source: source, index: index)
        let lookups = try await lookupResolution(
            source: source, order: order, identity: identity, index: index, options: options, reader: reader)
        var diff = Self.recordDiff(
            source: source, lookups: lookups, order: order, identity: identity, index: index, options: options, catalog: catalog)
        let rank = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        Scheduler.schedule(&diff.records, rank: rank, existingBefore: Set(index.byID.keys).union(lookups.existingElsewhere))
        let selection = try await deletionSelection(
            claimed: Set(diff.records.map(\.targetID)), identity: identity, index: index, options: options, reader: reader)
        let deletions = Self.deletionPlans(selection.toDelete, tableOrder: order, definitions: index.definitions, catalog: catalog)
        let links = Self.linkPlans(
            source: source.links, target: index.snapshot.links, idMap: identity.idMap, prune: options.prune,
            explicitRemovals: options.explicitLinkRemovals, deletedRecords: Set(deletions.map(\.targetID)))

        var plan = MigrationPlan(
            sourceWebsiteID: index.scope.sourceWebsiteID, targetWebsiteID: index.scope.targetWebsiteID,
            tableOrder: order, records: diff.records, deletions: deletions, links: links, idMap: identity.idMap,
            diagnostics: options.hints.warnings + identity.diagnostics + websiteFindings + lookups.diagnostics + selection.diagnostics,
            droppedLookups: lookups.dropped, skipped: scoped.skipped + selection.skipped)
        plan.keptColumns = diff.keptColumns
        plan.absentColumns = options.hints.absentColumnsNote
        plan.clearedColumns = diff.clearedColumns
        var result = PlanningResult(
            plan: plan, targetDefinitions: index.definitions, targetWebsiteExists: index.websiteExists,
            targetSnapshot: index.snapshot, websiteScoped: index.scope.websiteScoped)
        result.targetOutsideScope = index.outsideScope
        if !index.componentsElsewhere.isEmpty { result.targetOutsideScope["powerpagecomponent"] = index.componentsElsewhere }
        return result
    }
}

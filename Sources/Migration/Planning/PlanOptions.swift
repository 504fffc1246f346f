import Foundation
import PortalModel

/// What to do with a lookup whose target record is missing in the target environment.
public enum MissingLookupPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Report it as a failed check (the default).
    case fail
    /// Clear the lookup, list it, and go on (what CMT does).
    case drop
}

/// How records are matched between source and target.
public enum MatchMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// By id, then by natural key (`IdentityRules`); the default.
    case key
    /// By id only (portal languages still match by LCID).
    case id
}

/// Options of planning (and of the checks and apply that follow).
///
/// - `targetWebsiteID`: the target's website the source website maps onto (`--targetWebSiteId`);
///   `nil` keeps the source website's id.
/// - `prune`: delete target records and N:N links the source does not have.
/// - `hiddenColumns`: `table/id/column` values that came from a deployment profile and must never be printed.
public struct PlanOptions: Sendable {
    public var targetWebsiteID: UUID?
    public var prune: Bool
    public var match: MatchMode
    public var missingLookups: MissingLookupPolicy
    public var hiddenColumns: Set<String>
    /// A CMT schema's `updateCompare` columns by table: tried after the id and before the natural key.
    public var compareColumns: [String: [String]] = [:]
    /// Tables whose existing records are never updated (a CMT schema's `skipupdate="true"`): matched
    /// records are planned `unchanged`; records the target lacks are still created.
    public var skipUpdateTables: Set<String> = []
    /// System columns (`PortalTables.importableSystemColumns`) written and compared when the source has no
    /// website and is planned by table (a CMT package whose schema names them); ignored otherwise.
    public var keptSystemColumns: Set<String> = []
    /// Records to delete in the target whatever `prune` says, by table logical name → source ids (a pac
    /// folder's `manifest.yml` entries with `IsDeleted: true`, research/pac-portal-format.md §3). Ids are
    /// mapped like any other (a record matched by natural key is deleted under its target id); an id the
    /// target does not have is listed in `MigrationPlan.skipped` as already absent, not as a failure.
    /// A record both deleted here and present in the source is kept (the source wins).
    public var explicitDeletions: [String: Set<UUID>] = [:]
    /// Where `explicitDeletions` came from, named in the `deletion-outside-site` error: a requested
    /// deletion of a target record that does not belong to the target website (another site, or no
    /// site) is refused before any write and never planned (`SiteMembership`).
    public var explicitDeletionsFile: String = ".portalconfig/manifest.yml"
    /// N:N links to remove in the target whatever `prune` says, by relationship name (a pac folder's
    /// association entries with `IsDeleted: true`), in source ids. Links the target lacks are ignored.
    public var explicitLinkRemovals: [String: Set<ManyToManyLink>] = [:]
    /// Plan an update of every matched record even when no column differs (pac's `--forceUploadAll`):
    /// the update carries every data column the source has.
    public var rewriteUnchanged: Bool = false
    /// Tables never written, by logical name → the reason printed in the plan (e.g. `adx_websitebinding`,
    /// download-only in pac: research/pac-portal-format.md §.portalconfig). Their source records are
    /// listed in `MigrationPlan.skipped`; target records of them are never pruned.
    public var skippedTables: [String: String] = [:]
    /// Columns never written nor compared, by table: the target's data model has no place for them
    /// (a web file note's `subject` in an enhanced target, whose file column keeps only the file name
    /// and MIME type), so comparing them would plan the same update on every run.
    public var ignoredColumns: [String: Set<String>] = [:]
    /// What the source's format carries (`PlanHints`): a column it carries for a table but a matched
    /// source record leaves out is planned as an update to null (issue 16, R02), unless
    /// `hints.keepAbsentColumns`. The default (no format) keeps absent columns as the target has them.
    public var hints: PlanHints = PlanHints()
    /// The `mass-delete` check's limits (`MassDeleteCheck`); `nil` runs no such check (the CLI always sets them).
    public var massDelete: MassDeleteLimits? = nil
    /// Portal rules not to run before writing (`--skip-check RULE`, `PortalRules.beforeWriting`); the
    /// error rules that find a broken site run by default.
    public var skipChecks: Set<PortalRuleID> = []

    public init(
        targetWebsiteID: UUID? = nil, prune: Bool = false, match: MatchMode = .key,
        missingLookups: MissingLookupPolicy = .fail, hiddenColumns: Set<String> = []
    ) {
        self.targetWebsiteID = targetWebsiteID
        self.prune = prune
        self.match = match
        self.missingLookups = missingLookups
        self.hiddenColumns = hiddenColumns
    }

    /// The key of `hiddenColumns` for one value.
    public static func hiddenKey(_ table: String, _ id: UUID, _ column: String) -> String {
        "\(table)/\(id.dataverseString)/\(column)"
    }
}

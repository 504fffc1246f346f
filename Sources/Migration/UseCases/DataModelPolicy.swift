import Foundation
import PortalModel

/// The one rule for "which data model" (issue 9, issue 19): of a source website, of the target, the
/// service a run plans and writes against, and what an enhanced target leaves out. Every use case asks
/// here; nothing else decides it.
public enum DataModelPolicy {
    /// The reason a table without an enhanced counterpart is left out, in plans and verify output.
    public static let unmappedReason = "no enhanced-model counterpart; not migrated"

    /// The standard tables without an enhanced counterpart (tags, URL history, ads, polls, …;
    /// research/dataverse-webapi.md §11.3), by logical name, sorted.
    public static var unmappedTables: [String] {
        TableCatalog.standard.tables(in: .standard).map(\.logicalName).filter { !EnhancedModelService.mappedTables.contains($0) }.sorted()
    }

    /// Columns the enhanced model has no place for: a web file's body is the component's `filecontent`
    /// file column, which keeps the file name and MIME type only (research/dataverse-webapi.md §11.3),
    /// so a note's `subject` and `notetext` are not migrated. A portal language is part of its site
    /// language (`powerpagesitelanguage`), whose one name is the website language's: the portal
    /// language's own `adx_name` has no place either (research/pac-portal-format.md §5).
    public static let unmappedColumns: [String: Set<String>] = ["annotation": ["subject", "notetext"], "adx_portallanguage": ["adx_name"]]

    /// The data model of website `websiteID` of an environment: enhanced when it is a `powerpagesite`.
    /// - Parameter requested: `--modelVersion`; `nil` detects.
    /// - Throws: `MigrationError.invalid` when the environment has no such website (in neither table: every
    ///   caller reads it next, so it fails here first, before anything is read or planned; issue 24 item 4)
    ///   or `DataModelMismatchError` naming the model found when `requested` differs (exit 2); `DataverseError`
    ///   from the environment.
    public static func siteModel(
        _ websiteID: UUID, in service: any DataverseService, requested: DataModel?,
        environment: String
    ) async throws -> DataModel {
        guard let found = try await existingSiteModel(websiteID, in: service) else {
            throw MigrationError.invalid(
                "\(environment) has no website \(websiteID.dataverseString) (neither adx_website nor powerpagesite); "
                    + "`portal-migrate list --environment \(environment)` shows its websites")
        }
        if let requested, requested != found {
            throw DataModelMismatchError(path: "\(environment) website \(websiteID.dataverseString)", found: found, requested: requested)
        }
        return found
    }

    /// The model of `site` in `target` when the site exists there (a `powerpagesite` or an
    /// `adx_website`); `nil` when it exists in neither table.
    /// - Throws: `DataverseError` from the environment other than a missing table.
    public static func existingSiteModel(_ site: UUID, in target: any DataverseService) async throws -> DataModel? {
        if try await EnhancedModelService.isEnhancedSite(site, in: target) { return .enhanced }
        let standard =
            (try? await target.retrieveAll(
                RecordQuery(
                    "adx_website", columns: ["adx_name"],
                    filter: .equal("adx_websiteid", .guid(site)), top: 1))) ?? []
        return standard.isEmpty ? nil : .standard
    }

    /// The target's model for `kind`:
    /// - `upload`: the folder's own model (a pac folder is written in the model it holds, as pac does);
    /// - `dataImport`: standard (a CMT package names its tables itself and is written as it is);
    /// - `migrate`, `plan`, `verify`: that of the target website `site` when it exists (a different
    ///   `requested` is an error naming the model found); else `requested` (`--targetModelVersion`);
    ///   else the source's when it is enhanced; else enhanced when the target has enhanced sites and no
    ///   standard ones (bridging a standard site into a newer environment, build-tools#644); else standard.
    /// - Throws: `DataModelMismatchError` for a mismatch (exit 2); `DataverseError` from the target.
    public static func targetModel(
        _ kind: RunKind, target: any DataverseService, sourceModel: DataModel, site: UUID?,
        requested: DataModel?, environment: String
    ) async throws -> DataModel {
        switch kind {
        case .upload: return sourceModel
        case .dataImport: return .standard
        case .migrate, .plan, .verify: break
        }
        if let site, let found = try await existingSiteModel(site, in: target) {
            if let requested, requested != found {
                throw DataModelMismatchError(
                    path: "\(environment) website \(site.dataverseString)", found: found, requested: requested, option: "--targetModelVersion")
            }
            return found
        }
        if let requested { return requested }
        if sourceModel == .enhanced { return .enhanced }
        return try await EnhancedModelService.prefersEnhancedModel(target) ? .enhanced : .standard
    }

    /// The service to plan, write and verify against for `model`: the enhanced view of the environment
    /// (components behind `adx_*` tables) for the enhanced model, the environment itself otherwise.
    /// `writing` is the source snapshot to be written (its columns are accepted by the view); `site` the
    /// target website planned or verified (the view's portal languages are that site's).
    public static func service(
        _ base: any DataverseService, model: DataModel, writing source: PortalSnapshot? = nil,
        site: UUID? = nil
    ) -> any DataverseService {
        model == .enhanced ? EnhancedModelService(base: base, acceptingColumnsOf: source, siteScope: site) : base
    }

    /// Into an enhanced target, tables without an enhanced counterpart are listed in the plan as not
    /// migrated, with the N:N links to their records; note columns the file column has no place for
    /// (`unmappedColumns`) are neither written nor compared. Nothing changes for a standard target.
    public static func listUnmapped(_ plan: inout PlanOptions, target: DataModel) {
        guard target == .enhanced else { return }
        for table in unmappedTables { plan.skippedTables[table] = plan.skippedTables[table] ?? unmappedReason }
        for (table, columns) in unmappedColumns { plan.ignoredColumns[table, default: []].formUnion(columns) }
    }

    /// `verify`'s scope against an enhanced target: the tables without an enhanced counterpart and the
    /// N:N relationships with such a table are not compared (listed as not migrated), as `migrate` does
    /// not write them. Unchanged for a standard target.
    public static func verifyScope(_ scope: VerifyScope, target: DataModel) -> VerifyScope {
        guard target == .enhanced else { return scope }
        var out = scope
        let unmapped = Set(unmappedTables)
        for t in unmapped where !out.excludedTables.contains(t) {
            out.excludedTables.insert(t)
            out.excludedReasons[t] = unmappedReason
        }
        let mapped = Set(TableCatalog.standard.relationships.filter { !unmapped.contains($0.entity1) && !unmapped.contains($0.entity2) }.map(\.name))
        out.relationships = scope.relationships.map { $0.intersection(mapped) } ?? mapped
        if scope.label == nil { out.label = "the enhanced data model" }
        for (table, columns) in unmappedColumns { out.excludedColumns[table, default: []].formUnion(columns) }
        return out
    }

    /// What a plan from a standard source into an enhanced target (bridging) says after the records:
    /// how the records are written, then those left out for having no enhanced counterpart, counted by
    /// table or relationship. Empty for any other pair of models.
    public static func notMigratedSummary(_ plan: MigrationPlan, source: DataModel, target: DataModel) -> [String] {
        guard source == .standard, target == .enhanced else { return [] }
        var lines = [
            "Into the enhanced data model (v2): each adx_* record above is written as a powerpagesite, powerpagesitelanguage "
                + "or powerpagecomponent row with the same id (a portal language as part of its site language); web file "
                + "notes keep their body, file name and MIME type only (no subject or note text)."
        ]
        let left = plan.skipped.filter { $0.reason.hasSuffix(unmappedReason) }
        guard !left.isEmpty else { return lines }
        let links = left.filter { $0.reason.hasPrefix("N:N link") }
        let records = left.filter { !$0.reason.hasPrefix("N:N link") }
        lines.append("Not migrated (no enhanced-model counterpart): \(records.count) record(s), \(links.count) N:N link(s):")
        for (table, n) in Dictionary(grouping: records, by: \.table).mapValues(\.count).sorted(by: { $0.key < $1.key }) {
            lines.append("  \(table): \(n) record(s)")
        }
        for (rel, n) in Dictionary(grouping: links, by: \.table).mapValues(\.count).sorted(by: { $0.key < $1.key }) {
            lines.append("  \(rel) (N:N): \(n) link(s)")
        }
        return lines
    }
}

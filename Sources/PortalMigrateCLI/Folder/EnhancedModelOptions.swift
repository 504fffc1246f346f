import Foundation
import Migration
import PortalFolder
import PortalModel

/// `--modelVersion` handling shared by the folder and migration commands (issue 9): parsing, the
/// model of a folder or of an environment's site, and the enhanced view of an environment.
enum EnhancedModelOptions {
    /// The help text of `--modelVersion` / `-mv`.
    static let help = "Data model: 1|Standard or 2|Enhanced (pac's flag). Default: detected from the folder or the site."

    /// The help text of `--targetModelVersion` (`plan`, `migrate`, `verify`).
    static let targetHelp = "Data model of the target: 1|Standard or 2|Enhanced. Default: that of the target website if it exists, "
        + "else the source's if enhanced, else enhanced when the target has only enhanced sites. --targetModelVersion 2 from a "
        + "standard site bridges it into the enhanced model (powerpagecomponent); tables without an enhanced counterpart "
        + "(tags, URL history, ads, polls, …) are listed as not migrated."

    /// Parses `--modelVersion` (or the option named `option`); `nil` means detect.
    /// - Throws: `UserFacingError` with the usage exit code for another value.
    static func requested(_ text: String?, option: String = "--modelVersion") throws -> DataModel? {
        guard let text else { return nil }
        guard let model = DataModel(modelVersionArgument: text) else {
            throw UserFacingError("\(option) \(text): expected 1, 2, Standard or Enhanced", exitCode: PortalMigrateExit.usage)
        }
        return model
    }

    /// Reads a site folder of the requested model (detected when `nil`).
    /// - Throws: `UserFacingError` (exit code 2) naming the model found when it differs from the one
    ///   requested, before anything is written; the folder's own errors.
    static func readFolder(_ root: URL, modelVersion: String?) throws -> (content: PortalFolderContent, model: DataModel) {
        let model = try requested(modelVersion)
        do {
            let read = try FolderCommandSupport.folderErrors { try PortalFolder().read(root, model: model) }
            for w in read.content.ignored { printErr("warning: \(w)") }
            for w in read.content.warnings { printErr("warning: \(w)") }
            return read
        } catch let e as DataModelMismatchError {
            throw UserFacingError(e.description)
        }
    }

    /// The data model of a site of an environment: enhanced when the id is a `powerpagesite`.
    /// - Throws: `UserFacingError` (exit code 2) when `modelVersion` asks for the other model.
    static func siteModel(_ websiteID: UUID, in service: any DataverseService, modelVersion: String?, environment: String) async throws -> DataModel {
        let requested = try requested(modelVersion)
        let found: DataModel = try await EnhancedModelService.isEnhancedSite(websiteID, in: service) ? .enhanced : .standard
        if let requested, requested != found {
            throw UserFacingError(DataModelMismatchError(path: "\(environment) website \(websiteID.dataverseString)", found: found,
                                                         requested: requested).description)
        }
        return found
    }

    /// The service to plan and write against for `model`: the enhanced view of the environment for
    /// the enhanced model (components behind `adx_*` tables), the environment itself otherwise.
    /// `site` is the target website planned or verified: the view's portal languages are that site's
    /// (`EnhancedModelService.siteScope`).
    static func service(_ base: any DataverseService, model: DataModel, writing source: PortalSnapshot? = nil,
                        site: UUID? = nil) -> any DataverseService {
        model == .enhanced ? EnhancedModelService(base: base, acceptingColumnsOf: source, siteScope: site) : base
    }

    /// Writes a downloaded site of `model` as `parent/<site-folder>/` (`PortalFolder.download`, with the
    /// v2 block-scalar breaks for the enhanced model). Over an existing v2 folder, web file notes keep
    /// the ids and MIME types that folder gives them (`EnhancedSnapshotMapping.adoptingNotes`): in the
    /// enhanced model they are synthesized from the file column.
    static func download(_ snapshot: PortalSnapshot, model: DataModel, into parent: URL, overwrite: Bool,
                         environmentHost: String, languageCodes: [UUID: String] = [:]) throws -> (folder: URL, summary: FolderWriteSummary) {
        guard model == .enhanced else {
            return try FolderCommandSupport.folderErrors {
                try PortalFolder().download(snapshot, into: parent, overwrite: overwrite, environmentHost: environmentHost,
                                            languageCodes: languageCodes)
            }
        }
        return try FolderCommandSupport.folderErrors {
            let folder = parent.appendingPathComponent(try PortalFolder.siteFolderName(snapshot), isDirectory: true)
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            if !contents.isEmpty && !overwrite { throw PortalFolderError.folderNotEmpty(path: folder.path) }
            var snapshot = snapshot
            if !contents.isEmpty, let existing = try? PortalFolder().readEnhanced(folder) {
                snapshot = EnhancedSnapshotMapping.adoptingNotes(of: existing.snapshot, in: snapshot)
            }
            var options = PortalFolder.writeOptions(for: .enhanced, FolderWriteOptions(
                generation: contents.isEmpty ? .new : nil, environmentHost: environmentHost))
            options.languageCodes = languageCodes
            let summary = try PortalFolder().write(snapshot, to: folder, options: options)
            return (folder, summary)
        }
    }

    /// The environment under a service (`EnhancedModelService.base`), for writers that need the
    /// embedded environment itself (the blocked attachment list).
    static func base(_ service: any DataverseService) -> any DataverseService {
        (service as? EnhancedModelService)?.base ?? service
    }

    /// The source of `plan`, `verify` and `migrate` and its model: the folder of `--path` (model
    /// detected or checked against `--modelVersion`), else the website `--webSiteId` of `--from`
    /// (through the enhanced view when it is a `powerpagesite`).
    /// - Throws: `UserFacingError` for a mismatch (exit code 2), a missing option or a folder error.
    static func source(_ endpoints: MigrationEndpointOptions, verbose: Bool) async throws -> (source: MigrationSource, model: DataModel) {
        let (source, model, _) = try await sourceAndFolder(endpoints, verbose: verbose)
        return (source, model)
    }

    /// `source(_:verbose:)` plus the folder read for `--path` (`nil` for an environment), whose
    /// manifest deletions a plan must show as an upload would apply them.
    static func sourceAndFolder(_ endpoints: MigrationEndpointOptions, verbose: Bool) async throws
        -> (source: MigrationSource, model: DataModel, folder: PortalFolderContent?) {
        if let p = endpoints.path {
            let (content, model) = try readFolder(URL(fileURLWithPath: p), modelVersion: endpoints.modelVersion)
            return (.snapshot(content.snapshot, organization: nil), model, content)
        }
        let spec = try endpoints.fromSpec()
        let raw = try MigrationCommandSupport.service(spec, verbose: verbose)
        let id = try endpoints.websiteID()
        let model = try await siteModel(id, in: raw, modelVersion: endpoints.modelVersion, environment: spec)
        return (.environment(service(raw, model: model), websiteID: id), model, nil)
    }

    /// What uploading a folder adds to its plan (shared by `upload` and `plan --path`): the
    /// `manifest.yml` entries with `IsDeleted: true` as deletions of records and N:N links (pac,
    /// research/pac-portal-format.md §3), and the download-only tables (`adx_websitebinding`) listed
    /// as not uploaded; and what the folder carries per table (`PacFolderFormat.carriedColumns`), so a
    /// key left out of a record's YAML clears the target's column unless `keepAbsentColumns`.
    static func addFolderPlan(_ content: PortalFolderContent, to plan: inout PlanOptions, keepAbsentColumns: Bool) {
        plan.hints = PlanHints(format: "a pac folder", carriedColumns: PacFolderFormat.carriedColumns(),
                               absentValues: PacFolderFormat.absentColumnValues, keepAbsentColumns: keepAbsentColumns)
        // The reader's warnings (already printed as read) go into the report and --json too.
        plan.hints.warnings = (content.ignored + content.warnings).map { Diagnostic(check: "folder", severity: .warning, message: $0) }
            + content.unreadableDeletions.map { d in
                Diagnostic(check: "folder", severity: .warning,
                           message: ".portalconfig/manifest.yml: \(d.section) entry \(d.recordID.dataverseString) has an unreadable association name \(d.displayName ?? ""); ignored")
            }
        plan.hints.warnings += ManifestContradictions.diagnostics(content) // errors: stop before writing
        plan.explicitDeletions = content.deletedRecords
        plan.explicitLinkRemovals = content.deletedLinks
        for table in TableCatalog.environmentSpecificTables {
            plan.skippedTables[table] = "environment-specific (download-only in pac); not uploaded"
        }
    }

    /// The target's model and the service to plan, write and verify against (`plan`, `migrate`,
    /// `verify`): see `targetModel(_:sourceModel:site:requested:environment:)`; the service is
    /// scoped to the target website (`--targetWebSiteId`, else the source website's id).
    /// - Throws: `UserFacingError` for a bad `--targetModelVersion` or a mismatch; the environment's errors.
    static func target(_ endpoints: MigrationEndpointOptions, global: GlobalOptions, source: MigrationSource, sourceModel: DataModel)
        async throws -> (raw: any DataverseService, service: any DataverseService, model: DataModel) {
        let spec = endpoints.targetSpec(global)
        let raw = try MigrationCommandSupport.service(spec, verbose: global.verbose)
        let site = try endpoints.targetWebsiteID() ?? sourceWebsiteID(source, endpoints: endpoints)
        let model = try await targetModel(raw, sourceModel: sourceModel, site: site, requested: endpoints.targetModelVersion,
                                          environment: spec ?? "the target")
        return (raw, service(raw, model: model, writing: source.snapshotValue, site: site), model)
    }

    /// The source website's id: the folder snapshot's website, else `--webSiteId`.
    static func sourceWebsiteID(_ source: MigrationSource, endpoints: MigrationEndpointOptions) -> UUID? {
        if let s = source.snapshotValue { return s.websiteID ?? s.records["adx_website"]?.first?.id }
        return try? endpoints.websiteID()
    }

    /// The model of `site` in `target` when the site exists there (a `powerpagesite` or an
    /// `adx_website`); `nil` when it exists in neither table.
    /// - Throws: `DataverseError` from the environment other than a missing table.
    static func existingSiteModel(_ site: UUID, in target: any DataverseService) async throws -> DataModel? {
        if try await EnhancedModelService.isEnhancedSite(site, in: target) { return .enhanced }
        let standard = (try? await target.retrieveAll(RecordQuery("adx_website", columns: ["adx_name"],
                                                                  filter: .equal("adx_websiteid", .guid(site)), top: 1))) ?? []
        return standard.isEmpty ? nil : .standard
    }

    /// The target's model: that of the target website `site` when it exists (a different
    /// `--targetModelVersion` is an error, exit code 2, naming the model found); else
    /// `--targetModelVersion`; else the source's when it is enhanced; else enhanced when the target has
    /// enhanced sites and no standard ones (bridging a standard site into a newer environment,
    /// build-tools#644); else standard.
    /// - Throws: `UserFacingError` (usage exit code) for a bad value, (exit code 2) for a mismatch.
    static func targetModel(_ target: any DataverseService, sourceModel: DataModel, site: UUID?, requested text: String?,
                            environment: String) async throws -> DataModel {
        let requested = try requested(text, option: "--targetModelVersion")
        if let site, let found = try await existingSiteModel(site, in: target) {
            if let requested, requested != found {
                throw UserFacingError("\(environment) website \(site.dataverseString) is a site of the \(found.displayName), but "
                    + "--targetModelVersion \(requested.modelVersionArgument) (\(requested.displayName)) was given; pass "
                    + "--targetModelVersion \(found.modelVersionArgument) or leave it out to detect the model")
            }
            return found
        }
        if let requested { return requested }
        if sourceModel == .enhanced { return .enhanced }
        return try await EnhancedModelService.prefersEnhancedModel(target) ? .enhanced : .standard
    }

    /// The reason a table without an enhanced counterpart is left out, in plans and verify output.
    static let unmappedReason = "no enhanced-model counterpart; not migrated"

    /// The standard tables without an enhanced counterpart (tags, URL history, ads, polls, …;
    /// research/dataverse-webapi.md §11.3), by logical name.
    static var unmappedTables: [String] {
        TableCatalog.standard.tables(in: .standard).map(\.logicalName).filter { !EnhancedModelService.mappedTables.contains($0) }.sorted()
    }

    /// `verify`'s scope against an enhanced target: the tables without an enhanced counterpart and the
    /// N:N relationships with such a table are not compared (listed with their counts, as not
    /// migrated), as `migrate` does not write them. Unchanged for a standard target.
    static func verifyScope(_ scope: VerifyScope, target: DataModel) -> VerifyScope {
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

    /// Columns the enhanced model has no place for: a web file's body is the component's `filecontent`
    /// file column, which keeps the file name and MIME type only (research/dataverse-webapi.md §11.3),
    /// so a note's `subject` and `notetext` are not migrated.
    /// A portal language is part of its site language (`powerpagesitelanguage`), whose one name is the
    /// website language's: the portal language's own `adx_name` has no place either (research/pac-portal-format.md §5).
    static let unmappedColumns: [String: Set<String>] = ["annotation": ["subject", "notetext"], "adx_portallanguage": ["adx_name"]]

    /// What a plan from a standard source into an enhanced target (bridging) says after the records:
    /// how the records are written, then those left out for having no enhanced counterpart, counted by
    /// table or relationship (`Not migrated (no enhanced-model counterpart): 118 record(s), 9 N:N
    /// link(s):` then `  adx_tag: 5 record(s)`). Empty for any other pair of models.
    static func notMigratedSummary(_ plan: MigrationPlan, source: DataModel, target: DataModel) -> [String] {
        guard source == .standard, target == .enhanced else { return [] }
        var lines = ["Into the enhanced data model (v2): each adx_* record above is written as a powerpagesite, powerpagesitelanguage "
                     + "or powerpagecomponent row with the same id (a portal language as part of its site language); web file "
                     + "notes keep their body, file name and MIME type only (no subject or note text)."]
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

    /// Into an enhanced target, tables without an enhanced counterpart (tags, URL history, ads,
    /// polls, …; research/dataverse-webapi.md §11.3) are listed in the plan as not migrated, with the
    /// N:N links to their records; note columns the file column has no place for (`unmappedColumns`)
    /// are neither written nor compared.
    static func listUnmapped(_ plan: inout PlanOptions, target: DataModel) {
        guard target == .enhanced else { return }
        for table in unmappedTables { plan.skippedTables[table] = plan.skippedTables[table] ?? unmappedReason }
        for (table, columns) in unmappedColumns { plan.ignoredColumns[table, default: []].formUnion(columns) }
    }
}

extension MigrationSource {
    /// The snapshot of a `.snapshot` source, `nil` for an environment.
    var snapshotValue: PortalSnapshot? {
        if case .snapshot(let s, _) = self { return s }
        return nil
    }
}

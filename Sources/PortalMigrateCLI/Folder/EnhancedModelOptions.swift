import Foundation
import Migration
import PortalFolder
import PortalModel

/// `--modelVersion` handling shared by the folder and migration commands (issue 9): parsing, the
/// model of a folder or of an environment's site, and the enhanced view of an environment.
enum EnhancedModelOptions {
    /// The help text of `--modelVersion` / `-mv`.
    static let help = "Data model: 1|Standard or 2|Enhanced (pac's flag). Default: detected from the folder or the site."

    /// Parses `--modelVersion`; `nil` means detect.
    /// - Throws: `UserFacingError` with the usage exit code for another value.
    static func requested(_ text: String?) throws -> DataModel? {
        guard let text else { return nil }
        guard let model = DataModel(modelVersionArgument: text) else {
            throw UserFacingError("--modelVersion \(text): expected 1, 2, Standard or Enhanced", exitCode: PortalMigrateExit.usage)
        }
        return model
    }

    /// Reads a site folder of the requested model (detected when `nil`).
    /// - Throws: `UserFacingError` (exit code 2) naming the model found when it differs from the one
    ///   requested, before anything is written; the folder's own errors.
    static func readFolder(_ root: URL, modelVersion: String?) throws -> (content: PortalFolderContent, model: DataModel) {
        let model = try requested(modelVersion)
        do {
            return try FolderCommandSupport.folderErrors { try PortalFolder().read(root, model: model) }
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
    static func service(_ base: any DataverseService, model: DataModel, writing source: PortalSnapshot? = nil) -> any DataverseService {
        model == .enhanced ? EnhancedModelService(base: base, acceptingColumnsOf: source) : base
    }

    /// Writes a downloaded site of `model` as `parent/<site-folder>/` (`PortalFolder.download`, with the
    /// v2 block-scalar breaks for the enhanced model). Over an existing v2 folder, web file notes keep
    /// the ids and MIME types that folder gives them (`EnhancedSnapshotMapping.adoptingNotes`): in the
    /// enhanced model they are synthesized from the file column.
    static func download(_ snapshot: PortalSnapshot, model: DataModel, into parent: URL, overwrite: Bool,
                         environmentHost: String) throws -> (folder: URL, summary: FolderWriteSummary) {
        guard model == .enhanced else {
            return try FolderCommandSupport.folderErrors {
                try PortalFolder().download(snapshot, into: parent, overwrite: overwrite, environmentHost: environmentHost)
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
            let options = PortalFolder.writeOptions(for: .enhanced, FolderWriteOptions(
                generation: contents.isEmpty ? .new : nil, environmentHost: environmentHost))
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
    /// as not uploaded.
    static func addFolderPlan(_ content: PortalFolderContent, to plan: inout PlanOptions) {
        plan.explicitDeletions = content.deletedRecords
        plan.explicitLinkRemovals = content.deletedLinks
        for table in TableCatalog.environmentSpecificTables {
            plan.skippedTables[table] = "environment-specific (download-only in pac); not uploaded"
        }
    }

    /// The target's model: that of `--targetWebSiteId` when given; else the source's when it is
    /// enhanced; else enhanced when the target has enhanced sites and no standard ones (bridging a
    /// standard site into a newer environment, build-tools#644); else standard.
    static func targetModel(_ target: any DataverseService, sourceModel: DataModel, targetWebsiteID: UUID?) async throws -> DataModel {
        if let t = targetWebsiteID { return try await EnhancedModelService.isEnhancedSite(t, in: target) ? .enhanced : .standard }
        if sourceModel == .enhanced { return .enhanced }
        return try await EnhancedModelService.prefersEnhancedModel(target) ? .enhanced : .standard
    }

    /// Into an enhanced target, tables without an enhanced counterpart (tags, URL history, ads,
    /// polls, …; research/dataverse-webapi.md §11.3) are listed in the plan as not migrated.
    static func listUnmapped(_ plan: inout PlanOptions, target: DataModel) {
        guard target == .enhanced else { return }
        for def in TableCatalog.standard.tables(in: .standard) where !EnhancedModelService.mappedTables.contains(def.logicalName) {
            plan.skippedTables[def.logicalName] = plan.skippedTables[def.logicalName] ?? "no enhanced-model counterpart; not migrated"
        }
    }
}

extension MigrationSource {
    /// The snapshot of a `.snapshot` source, `nil` for an environment.
    var snapshotValue: PortalSnapshot? {
        if case .snapshot(let s, _) = self { return s }
        return nil
    }
}

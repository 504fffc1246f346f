import Foundation
import PortalModel

/// The use cases of the engine (DESIGN.md, "command → use case → PendingRun"). The kind decides the
/// data-model rule (`DataModelPolicy.targetModel`) and names the run's journal key.
public enum RunKind: String, Sendable, Hashable {
    /// A pac site folder (or any file source) into an environment (`upload`).
    case upload
    /// A website of one environment into another (`migrate`).
    case migrate
    /// A CMT data package into an environment (`data import`).
    case dataImport = "data-import"
    /// What a migration would change, without writing (`plan`).
    case plan
    /// The strict comparison of source and target (`verify`).
    case verify

    /// True for the kinds that write.
    public var writes: Bool { self == .upload || self == .migrate || self == .dataImport }

    /// True for the runs that keep a journal under their run key as records complete, so that the same
    /// command, repeated after an interruption (Ctrl-C, a lost connection), resumes: what was written is
    /// kept and not written twice. Every kind that writes; `plan` and `verify` write nothing to resume.
    public var isJournalled: Bool { writes }
}

/// Where a run's records come from, read and with its data model decided: a file source read by its
/// adapter (records and what they mean for the plan), or a website of an environment (read when the
/// run is prepared, through the enhanced view when it is a `powerpagesite`).
public struct RunSource: Sendable {
    /// What the engine reads: the snapshot of a file source, or the environment's website.
    public var engineSource: MigrationSource
    /// The data model of the source's records.
    public var model: DataModel
    /// What the source means for the plan (empty for an environment: the engine reads its columns).
    public var meaning: SourceMeaning
    /// The website the source describes (`nil` for a package of no website or of several).
    public var websiteID: UUID?
    /// The source as the user named it (an absolute path, or the environment as given): part of the run key.
    public var location: String

    /// True when the source is an environment.
    public var isEnvironment: Bool {
        if case .environment = engineSource { return true }
        return false
    }

    /// The snapshot of a file source, `nil` for an environment.
    public var snapshot: PortalSnapshot? {
        if case .snapshot(let s, _) = engineSource { return s }
        return nil
    }

    /// Reads a file source with its adapter.
    /// - Parameter model: `--modelVersion`; `nil` detects.
    /// - Throws: what the adapter throws (file and line), nothing written.
    public static func read(_ source: any PortalSource, model: DataModel? = nil) throws -> RunSource {
        let read = try source.read(model: model)
        return RunSource(
            engineSource: .snapshot(read.snapshot, organization: nil), model: read.model, meaning: read.meaning,
            websiteID: read.snapshot.describedWebsiteID, location: source.location)
    }

    /// Website `websiteID` of an environment, with its data model decided (`DataModelPolicy.siteModel`).
    /// - Parameters:
    ///   - name: the environment as the user named it (messages and the run key).
    ///   - model: `--modelVersion`; `nil` detects.
    /// - Throws: `MigrationError.invalid` when the environment has no such website, `DataModelMismatchError`
    ///   when `model` differs from the site's (`DataModelPolicy.siteModel`); `DataverseError`.
    public static func environment(
        _ service: any DataverseService, name: String, websiteID: UUID,
        model requested: DataModel? = nil
    ) async throws -> RunSource {
        let model = try await DataModelPolicy.siteModel(websiteID, in: service, requested: requested, environment: name)
        return RunSource(
            engineSource: .environment(DataModelPolicy.service(service, model: model), websiteID: websiteID),
            model: model, meaning: SourceMeaning(), websiteID: websiteID, location: name)
    }

    /// A source already in memory (tests, scenarios): a snapshot with what it means.
    public init(snapshot: PortalSnapshot, model: DataModel = .standard, meaning: SourceMeaning = SourceMeaning(), location: String) {
        self.init(
            engineSource: .snapshot(snapshot, organization: nil), model: model, meaning: meaning,
            websiteID: snapshot.describedWebsiteID, location: location)
    }

    init(engineSource: MigrationSource, model: DataModel, meaning: SourceMeaning, websiteID: UUID?, location: String) {
        self.engineSource = engineSource
        self.model = model
        self.meaning = meaning
        self.websiteID = websiteID
        self.location = location
    }
}

/// The environment a run plans against and writes into.
///
/// - `service`: the environment itself (the use case puts the enhanced view over it when the target's
///   model is enhanced).
/// - `name`: as the user named it (`local:test`, a URL, a profile); `nil` for the selected auth profile.
/// - `blockedAttachmentsWriter`: how to change its blocked attachment list; by default
///   `ServiceBlockedAttachmentsWriter` over `service` itself (never the enhanced view put over it):
///   through its `organizationSettingsEditor` when it has one (the embedded environment), else
///   `PATCH organizations`.
public struct RunTarget: Sendable {
    public var service: any DataverseService
    public var name: String?
    public var blockedAttachmentsWriter: (any BlockedAttachmentsWriter)?

    public init(_ service: any DataverseService, name: String?, blockedAttachmentsWriter: (any BlockedAttachmentsWriter)? = nil) {
        self.service = service
        self.name = name
        self.blockedAttachmentsWriter = blockedAttachmentsWriter ?? ServiceBlockedAttachmentsWriter(service: service)
    }
}

/// The user's choices for a run, as plain values (no command-line parsing): every option of `upload`,
/// `migrate`, `plan` and `data import`. A use case ignores those that do not apply to it.
///
/// - `targetWebsiteID`: the target website the source website maps onto (`--targetWebSiteId`).
/// - `prune`: also delete target records and N:N links the source does not have.
/// - `match`, `missingLookups`: identity matching and lookups to records the target lacks.
/// - `keepAbsentColumns`: a column a source record leaves out keeps the target's value.
/// - `massDelete`: the `mass-delete` check's limits.
/// - `unblockExtensions`: extensions removed from the target's blocked list for the run.
/// - `deploymentProfile`: a pac deployment profile file applied to the source before planning.
/// - `sourceModel` / `targetModel`: `--modelVersion` / `--targetModelVersion`; `nil` detects.
/// - `rewriteUnchanged`: plan an update of every matched record (`--forceUploadAll`).
/// - `bypassPlugins`: write bypassing custom plug-ins (a CMT package's own `disableplugins` wins).
/// - `changeSetSize`, `parallelism`: operations per `$batch`, batches in flight; `nil` lets the engine
///   choose (batch size per pass, concurrency from the target's `x-ms-dop-hint`, `ApplyOptions`).
/// - `skipChecks`: portal rules not to run before writing (`--skip-check RULE`, `PortalRules.beforeWriting`).
/// - `force`: with failed checks, write everything else (exit 1) instead of stopping (exit 2).
/// - `dryRun`: plan and check, write nothing.
/// - `verifyAfterWrite`: read the target back after writing and compare (`--no-verify` turns it off).
/// - `dataDirectory`: where journals and the blocked-list guard live.
public struct RunChoices: Sendable {
    public var targetWebsiteID: UUID?
    public var prune = false
    public var match: MatchMode = .key
    public var missingLookups: MissingLookupPolicy = .fail
    public var keepAbsentColumns = false
    public var massDelete: MassDeleteLimits? = MassDeleteLimits()
    public var unblockExtensions: Set<String> = []
    public var deploymentProfile: URL?
    public var sourceModel: DataModel?
    public var targetModel: DataModel?
    public var rewriteUnchanged = false
    public var bypassPlugins = true
    public var changeSetSize: Int?
    public var parallelism: Int?
    public var skipChecks: Set<PortalRuleID> = []
    public var force = false
    public var dryRun = false
    public var verifyAfterWrite = true
    public var dataDirectory: URL = MigrationPaths.dataDirectory()

    public init() {}

    /// The journal key of a run of `kind` from `source` into `target` with these choices: every choice
    /// that changes what is written, so the same command resumes and another one does not. `nil` for
    /// kinds that do not write.
    public func runKey(_ kind: RunKind, source: RunSource, target: RunTarget, bridging: Bool) -> String? {
        guard kind.writes else { return nil }
        let parts = [
            kind.rawValue, source.location, target.name ?? "-",
            source.isEnvironment ? (source.websiteID?.dataverseString ?? "-") : nil,
            targetWebsiteID?.dataverseString ?? "-", prune ? "prune" : "-", match.rawValue, missingLookups.rawValue,
            deploymentProfile?.standardizedFileURL.path ?? "-", rewriteUnchanged ? "all" : "-",
            keepAbsentColumns ? "keep-absent" : "-", bridging ? "bridge" : nil,
        ]
        return parts.compactMap { $0 }.joined(separator: "|")
    }

    /// `--unblock-extensions`: comma-separated, trimmed, lower-cased, empty entries dropped.
    public static func extensions(_ list: String?) -> Set<String> {
        Set((list ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty })
    }
}

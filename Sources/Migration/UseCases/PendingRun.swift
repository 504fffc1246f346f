import Foundation
import PortalModel

/// A run read, planned and checked, waiting to be applied: it owns its plan, so the plan a command
/// shows is the plan `apply()` writes (issue 19: the package is planned once).
///
/// A command renders `plan` (and `checks`), calls `stopIfChecksFailed()`, asks to confirm
/// `deletionsToConfirm` when there are any, then calls `apply(log:)` and renders the report:
/// ```swift
/// let pending = try await MigrationUseCases.prepare(.upload, source: source, target: target, choices: choices)
/// print(PlanRenderer.lines(pending.plan).joined(separator: "\n"))
/// try pending.stopIfChecksFailed()
/// let report = try await pending.apply { print($0) }
/// ```
public struct PendingRun: Sendable {
    public let kind: RunKind
    /// The source read, planned and checked (`MigrationEngine.prepare`).
    public let prepared: PreparedMigration
    /// The data model of the source's records, and the one written in the target (`DataModelPolicy`).
    public let sourceModel: DataModel
    public let targetModel: DataModel
    /// The options the engine runs with (plan options, journal key, apply options).
    public let options: MigrationOptions
    let engine: MigrationEngine
    let source: RunSource
    let target: any DataverseService
    /// The adapter's notes, already told when the source was read.
    let sourceNotes: Set<Diagnostic>

    /// The plan `apply()` writes.
    public var plan: MigrationPlan { prepared.plan }
    /// Every diagnostic of planning and checks (errors and warnings), sorted.
    public var checks: [Diagnostic] { prepared.checks }
    /// The failed checks.
    public var errors: [Diagnostic] { prepared.errors }
    /// Warnings of planning and checks a command says before writing: all but the adapter's own notes
    /// (said as the source was read).
    public var warningsToTell: [Diagnostic] { checks.filter { $0.severity == .warning && !sourceNotes.contains($0) } }
    /// Records the plan deletes: a writing command asks before applying them (unless told not to ask).
    public var deletionsToConfirm: Int { plan.deletions.count }
    /// The plan's report (for `plan`, and a dry run).
    public var planReport: MigrationReport {
        var r = prepared.report
        if options.dryRun {
            r.dryRun = true
            r.forced = !errors.isEmpty
        }
        // A plan writes nothing: its JSON says so (issue 24 item 4).
        if !kind.writes { r.dryRun = true }
        return r
    }
    /// Extensions the run will remove from the target's blocked list and restore.
    public var unblockExtensions: Set<String> { options.unblockExtensions }
    /// True when this run writes nothing (a dry run, or `plan`).
    public var writesNothing: Bool { options.dryRun || !kind.writes }

    /// The one rule for failed checks: they stop the run before anything is written unless `force`.
    /// - Throws: `MigrationError.checksFailed` with every diagnostic (errors and warnings).
    public func stopIfChecksFailed() throws {
        if !errors.isEmpty && !options.force { throw MigrationError.checksFailed(checks) }
    }

    /// Applies the plan (journalled, blocked list restored), reads the target back and compares (unless
    /// `verifyAfterWrite` is off). A dry run or `plan` writes nothing and returns `planReport`.
    /// The plan applied is `plan`, except when plug-ins run and root pages are written first (the
    /// platform then creates content pages the rest of the run must match: it is planned again), or
    /// when an interrupted run's blocked list had to be restored first (checked again).
    /// - Parameter log: progress lines (resuming, unblocking, restoring).
    /// - Returns: the result report (`kind == .result`), whose failures, `forced` and `verification`
    ///   say whether every record was written and read back.
    /// - Throws: `MigrationError.checksFailed` (nothing written); `ApplyStopped` when the target stopped
    ///   answering, naming the target by its environment URL when it has one (rerun to resume, exit 1);
    ///   `MigrationError.stoppedPartway` (exit 1, "rerun the same command to resume") when the environment
    ///   did not answer after writing began, where the planning-time "nothing was written" would be false;
    ///   `DataverseError` from either side.
    public func apply(log: @Sendable (String) -> Void = { _ in }) async throws -> MigrationReport {
        try stopIfChecksFailed()
        if writesNothing { return planReport }
        do {
            return try await engine.migrate(source: source.engineSource, target: target, options: options, prepared: prepared, log: log)
        } catch var stopped as ApplyStopped {
            stopped.target = target.environmentURL?.absoluteString ?? stopped.target
            throw stopped
        } catch let e as DataverseError where e.environmentDidNotAnswer {
            throw MigrationError.stoppedPartway(
                "the environment did not answer after writing began: \(e.userText); rerun the same command to resume")
        }
    }
}

/// The use cases of `upload`, `migrate`, `data import` and `plan` (one function, the kind decides the
/// rules that differ) and `verify`. Commands map their options to `RunChoices`, a `RunSource` and a
/// `RunTarget`, and render what comes back.
public enum MigrationUseCases {
    /// Reads the source (already read for a file source), decides the target's data model, plans once
    /// and runs every check. Writes nothing.
    /// - Throws: `MigrationError.invalid` for a data-model mismatch or a source without records;
    ///   `MigrationError.deploymentProfile`; `DataverseError` from either side.
    public static func prepare(
        _ kind: RunKind, source: RunSource, target: RunTarget, choices: RunChoices,
        engine: MigrationEngine = MigrationEngine()
    ) async throws -> PendingRun {
        try await requireTargetWebsite(choices, in: target)
        let site = choices.targetWebsiteID ?? source.websiteID
        let targetModel = try await DataModelPolicy.targetModel(
            kind, target: target.service, sourceModel: source.model, site: site,
            requested: choices.targetModel, environment: target.name ?? "the target")
        // Assumption (as before the use cases): an upload's enhanced view is not scoped to one site.
        let service = DataModelPolicy.service(
            target.service, model: targetModel, writing: source.snapshot,
            site: kind == .upload ? nil : site)
        let options = migrationOptions(kind, source: source, target: target, choices: choices, targetModel: targetModel)
        var prepared = try await engine.prepare(source: source.engineSource, target: service, options: options)
        prepared.checks += try await codeSiteContent(kind, source: source, target: target.service)
        return PendingRun(
            kind: kind, prepared: prepared, sourceModel: source.model, targetModel: targetModel, options: options,
            engine: engine, source: source, target: service, sourceNotes: Set(source.meaning.notes))
    }

    /// For `migrate` and `plan` from an enhanced-model website: the code-site content the engine does not
    /// carry yet and the target lacks (`CodeSiteContentCheck`), as a failed check. Empty for other kinds
    /// and sources.
    /// - Throws: `DataverseError` from the source.
    static func codeSiteContent(_ kind: RunKind, source: RunSource, target: any DataverseService) async throws -> [Diagnostic] {
        guard kind == .migrate || kind == .plan, source.model == .enhanced,
            case .environment(let service, let websiteID) = source.engineSource
        else { return [] }
        return try await CodeSiteContentCheck.diagnostics(
            source: service.enhancedModelView?.base ?? service, site: websiteID, target: target.enhancedModelView?.base ?? target)
    }

    /// `--targetWebSiteId` names a website that must exist in the target (it maps the source website onto
    /// it): one that does not fails first, before anything is read or planned (issue 24 item 4; the plan
    /// used to list a change of every record's website before the check said so).
    /// - Throws: `MigrationError.invalid` starting with the check's name, `website-not-found`.
    static func requireTargetWebsite(_ choices: RunChoices, in target: RunTarget) async throws {
        guard let id = choices.targetWebsiteID, try await DataModelPolicy.existingSiteModel(id, in: target.service) == nil else { return }
        let name = target.name ?? "the target"
        throw MigrationError.invalid(
            "website-not-found: \(name) has no website \(id.dataverseString) (--targetWebSiteId); "
                + "`portal-migrate list\(target.name.map { " --environment \($0)" } ?? "")` shows its websites")
    }

    /// The engine's options for a run: the plan options from the choices and what the source means,
    /// the data model's exclusions, the journal key, the apply options.
    public static func migrationOptions(
        _ kind: RunKind, source: RunSource, target: RunTarget, choices: RunChoices,
        targetModel: DataModel
    ) -> MigrationOptions {
        var plan = planOptions(source: source, choices: choices)
        DataModelPolicy.listUnmapped(&plan, target: targetModel)
        let bridging = source.model == .standard && targetModel == .enhanced
        var options = MigrationOptions(
            plan: plan,
            apply: ApplyOptions(
                changeSetSize: choices.changeSetSize, parallelism: choices.parallelism,
                bypassPlugins: source.meaning.bypassPlugins ?? choices.bypassPlugins),
            force: choices.force, dryRun: choices.dryRun, unblockExtensions: choices.unblockExtensions,
            deploymentProfile: choices.deploymentProfile,
            runKey: choices.runKey(kind, source: source, target: target, bridging: bridging),
            targetKey: kind.writes ? (target.name ?? "default") : nil, dataDirectory: choices.dataDirectory,
            blockedAttachmentsWriter: target.blockedAttachmentsWriter)
        options.verifyAfterWrite = choices.verifyAfterWrite
        return options
    }

    /// The plan options of the choices and of what the source means (`SourceMeaning`): absent columns,
    /// explicit deletions and link removals, compare columns, skip-update tables, kept system columns,
    /// tables never written, the adapter's notes as diagnostics.
    public static func planOptions(source: RunSource, choices: RunChoices) -> PlanOptions {
        let m = source.meaning
        var plan = PlanOptions(
            targetWebsiteID: choices.targetWebsiteID, prune: choices.prune, match: choices.match,
            missingLookups: choices.missingLookups)
        if source.isEnvironment {
            plan.hints = .environment(keepAbsentColumns: choices.keepAbsentColumns)
        } else if m.format != nil {
            plan.hints = PlanHints(
                format: m.format, carriedColumns: m.carriedColumns, absentValues: m.absentValues,
                keepAbsentColumns: choices.keepAbsentColumns)
        }
        plan.hints.warnings = m.notes
        plan.explicitDeletions = m.explicitDeletions
        plan.explicitLinkRemovals = m.explicitLinkRemovals
        if let file = m.deletionsFile { plan.explicitDeletionsFile = file }
        plan.compareColumns = m.compareColumns
        plan.skipUpdateTables = m.skipUpdateTables
        plan.keptSystemColumns = m.declaredColumns.values.reduce(into: Set<String>()) { $0.formUnion($1) }
            .intersection(PortalTables.importableSystemColumns)
        plan.skippedTables = m.skippedTables
        plan.rewriteUnchanged = choices.rewriteUnchanged
        plan.massDelete = choices.massDelete
        plan.skipChecks = choices.skipChecks
        return plan
    }

    /// `verify`: compares the source with the target website by the strict verifier, over the columns
    /// the source's format carries, in `scope` narrowed by the target's data model
    /// (`DataModelPolicy.verifyScope`). Writes nothing.
    /// - Returns: the result and the two data models.
    /// - Throws: what `prepare` throws.
    public static func verify(
        source: RunSource, target: RunTarget, choices: RunChoices, scope: VerifyScope = .all,
        engine: MigrationEngine = MigrationEngine()
    ) async throws -> (result: VerifyResult, targetModel: DataModel) {
        try await requireTargetWebsite(choices, in: target)
        let site = choices.targetWebsiteID ?? source.websiteID
        let targetModel = try await DataModelPolicy.targetModel(
            .verify, target: target.service, sourceModel: source.model, site: site,
            requested: choices.targetModel, environment: target.name ?? "the target")
        let service = DataModelPolicy.service(target.service, model: targetModel, writing: source.snapshot, site: site)
        // The engine pairs records by planning, but verify writes nothing: its progress never says
        // "Plan: 1 to delete" (issue 19, newcomer trial); what differs is the result's to say.
        let result = try await ProgressSink.$current.withValue(ProgressSink.current.map(withoutPlan)) {
            try await engine.verify(
                source: source.engineSource, target: service, targetWebsiteID: choices.targetWebsiteID,
                deploymentProfile: choices.deploymentProfile,
                scope: DataModelPolicy.verifyScope(scope, target: targetModel),
                carried: source.meaning.carried, missingLookups: choices.missingLookups,
                dataDirectory: choices.dataDirectory)
        }
        return (result, targetModel)
    }

    /// `sink` without `.planReady`: the progress of a use case that plans only to compare.
    static func withoutPlan(_ sink: ProgressSink) -> ProgressSink {
        ProgressSink { event in
            if case .planReady = event { return }
            sink(event)
        }
    }
}

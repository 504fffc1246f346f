import Foundation
import PortalModel

/// Where a migration's records come from: a Dataverse environment (one website of it), or a snapshot
/// already read from a pac folder or a CMT package (with the source organization when known).
public enum MigrationSource: Sendable {
    case environment(any DataverseService, websiteID: UUID)
    case snapshot(PortalSnapshot, organization: OrganizationInfo?)
}

/// Options of a migration run (`plan`, `migrate`, `upload`, `data import`).
///
/// - `force`: with failed checks, go on without the failing records (exit 1) instead of stopping (exit 2).
/// - `unblockExtensions`: extensions removed from the target's blocked list for the run, restored after.
/// - `deploymentProfile`: a pac deployment profile file applied to the source before planning.
/// - `runKey`: identifies the run (its arguments) for the journal; `nil` keeps no journal.
/// - `targetKey`: identifies the target environment for the blocked-list guard.
/// - `verifyAfterWrite`: after writing, read the target back and compare it with the source
///   (`readBack`, the strict verifier, over the columns `plan.hints` says the source's format
///   carries); on by default, `--no-verify` turns it off.
public struct MigrationOptions: Sendable {
    public var plan: PlanOptions
    public var apply: ApplyOptions
    public var force: Bool
    public var dryRun: Bool
    public var unblockExtensions: Set<String>
    public var deploymentProfile: URL?
    public var profileEnvironment: [String: String]
    public var runKey: String?
    public var targetKey: String?
    public var dataDirectory: URL
    public var blockedAttachmentsWriter: (any BlockedAttachmentsWriter)?
    public var verifyAfterWrite: Bool = true

    public init(
        plan: PlanOptions = PlanOptions(), apply: ApplyOptions = ApplyOptions(), force: Bool = false,
        dryRun: Bool = false, unblockExtensions: Set<String> = [], deploymentProfile: URL? = nil,
        profileEnvironment: [String: String] = ProcessInfo.processInfo.environment,
        runKey: String? = nil, targetKey: String? = nil, dataDirectory: URL = MigrationPaths.dataDirectory(),
        blockedAttachmentsWriter: (any BlockedAttachmentsWriter)? = nil
    ) {
        self.plan = plan
        self.apply = apply
        self.force = force
        self.dryRun = dryRun
        self.unblockExtensions = Set(unblockExtensions.map { $0.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ". ")) })
        self.deploymentProfile = deploymentProfile
        self.profileEnvironment = profileEnvironment
        self.runKey = runKey
        self.targetKey = targetKey
        self.dataDirectory = dataDirectory
        self.blockedAttachmentsWriter = blockedAttachmentsWriter
    }
}

/// A source read, planned and checked, ready to apply.
public struct PreparedMigration: Sendable {
    public var source: PortalSnapshot
    public var planning: PlanningResult
    /// Every diagnostic (errors and warnings), sorted.
    public var checks: [Diagnostic]
    /// Source ids of records named by an error diagnostic (left out with `--force`).
    public var excluded: Set<UUID>
    /// `PlanOptions.hiddenKey` keys of the values the deployment profile set (never printed).
    public var hiddenColumns: Set<String> = []

    public var plan: MigrationPlan { planning.plan }
    /// The error diagnostics.
    public var errors: [Diagnostic] { checks.filter { $0.severity == .error } }
    /// The plan's report.
    public var report: MigrationReport { MigrationReport.of(planning.plan, checks: checks) }
}

/// The one engine behind `plan`, `migrate`, `verify`, `upload` and `data import` (DESIGN.md "One engine"):
/// read → deployment profile → plan → checks → apply (journalled) → report.
///
/// Example:
/// ```swift
/// let engine = MigrationEngine()
/// let report = try await engine.migrate(source: .environment(dev, websiteID: site), target: test,
///                                       options: MigrationOptions(plan: PlanOptions(targetWebsiteID: testSite)))
/// ```
public struct MigrationEngine: Sendable {
    public let catalog: TableCatalog

    public init(catalog: TableCatalog = .standard) { self.catalog = catalog }

    /// Reads the source snapshot and organization.
    /// - Throws: `DataverseError` from the source environment.
    public func read(_ source: MigrationSource) async throws -> (PortalSnapshot, OrganizationInfo?) {
        switch source {
        case .snapshot(let s, let org): return (s, org)
        case .environment(let service, let websiteID):
            ProgressSink.emit(.stage(.readingSource))
            let snapshot = try await SnapshotReader(service: service, catalog: catalog).read(websiteID: websiteID)
            return (snapshot, try await service.organizationInfo())
        }
    }

    /// Reads, applies the deployment profile, plans and runs the checks. Writes nothing.
    /// - Throws: `MigrationError.deploymentProfile` for a bad profile; `DataverseError` from either side.
    public func prepare(source: MigrationSource, target: any DataverseService, options: MigrationOptions) async throws -> PreparedMigration {
        var (snapshot, sourceOrg) = try await read(source)
        if case .environment(_, let websiteID) = source { snapshot.websiteID = websiteID }
        var planOptions = options.plan
        var warnings: [Diagnostic] = []
        if let url = options.deploymentProfile {
            let profile = try DeploymentProfile.load(url, environment: options.profileEnvironment, catalog: catalog)
            let (hidden, w) = profile.apply(to: &snapshot)
            planOptions.hiddenColumns.formUnion(hidden)
            warnings = w
        }
        if snapshot.websiteID == nil && snapshot.recordCount == 0 {
            throw MigrationError.invalid("the source has no website and no records")
        }
        // An environment source speaks about every column its tables have: read them, so a column
        // emptied in the source clears the target's (`PlanHints`).
        if planOptions.hints.needsSourceTableColumns, case .environment(let service, _) = source {
            let defs = try await SnapshotReader(service: service, catalog: catalog).definitionsByName()
            planOptions.hints.sourceTableColumns = defs.mapValues { Set($0.columns.map(\.logicalName)) }
        }
        // A source without a website (a CMT package of any tables) is planned by table.
        ProgressSink.emit(.stage(.planning))
        let planning = try await Planner(target: target, catalog: catalog).plan(source: snapshot, options: planOptions)
        ProgressSink.emit(.planReady(planning.plan.progressCounts))
        ProgressSink.emit(.stage(.checking))
        let targetOrg = try await target.organizationInfo()
        let checks =
            PreflightChecks.run(
                source: snapshot, planning: planning, sourceOrganization: sourceOrg,
                targetOrganization: targetOrg, unblocked: options.unblockExtensions,
                targetWebsiteRequested: options.plan.targetWebsiteID != nil,
                skipChecks: planOptions.skipChecks) + warnings
            + (try await ReferenceChecks.run(planning: planning, target: target, catalog: catalog))
            + MassDeleteCheck.run(planning: planning, limits: planOptions.massDelete)
        let excluded = Set(checks.filter { $0.severity == .error }.compactMap(\.recordID))
        var prepared = PreparedMigration(source: snapshot, planning: planning, checks: checks, excluded: excluded)
        prepared.hiddenColumns = planOptions.hiddenColumns
        return prepared
    }

    /// Plans, checks and (unless `dryRun`) applies.
    ///
    /// - Parameter prepared: the result of `prepare` with the same source, target and options, when the
    ///   caller already showed that plan (the CLI does, before asking to confirm deletions): it is
    ///   applied as shown instead of reading both sides and planning a second time.
    /// After writing (unless `verifyAfterWrite` is off) the target is read back and compared with the
    /// source (`readBack`): the report's `verification` holds what was compared and every discrepancy.
    ///
    /// - Returns: the `result` report (or the `plan` report for a dry run).
    /// - Throws: `MigrationError.checksFailed` when a check failed and `force` is off (nothing written);
    ///   `ApplyStopped` when the target stopped answering mid-run (rerun to resume); what `prepare` throws.
    ///   Write failures the target answers are in the report, not thrown.
    public func migrate(
        source: MigrationSource, target: any DataverseService, options: MigrationOptions,
        prepared given: PreparedMigration? = nil,
        log: @Sendable (String) -> Void = { _ in }
    ) async throws -> MigrationReport {
        // The blocked-list guard: keyed by the target so a run after a crash restores the list.
        let blockedGuard = BlockedAttachmentsGuard(
            target: target, writer: options.blockedAttachmentsWriter ?? ServiceBlockedAttachmentsWriter(service: target),
            targetKey: options.targetKey ?? "unnamed-target", dataDirectory: options.dataDirectory)
        // One run at a time: the journal's lock is taken first, so a second run with the same arguments
        // is refused before it touches the target (it used to restore the blocked list below while the
        // first run had it unblocked, and only then meet the lock).
        let journal =
            options.dryRun
            ? nil
            : try options.runKey.map { try Journal(directory: options.dataDirectory.appendingPathComponent("journals"), runKey: $0) }
        var given = given
        let prepared: PreparedMigration
        do {
            if !options.dryRun, let restored = try await blockedGuard.restorePending() {
                log("restored the target's blocked attachment list left changed by an interrupted run (\(restored.count) extensions)")
                given = nil // the given plan was checked against the list as it was left; check again
            }
            if let given { prepared = given } else { prepared = try await prepare(source: source, target: target, options: options) }
            let errors = prepared.errors
            if !errors.isEmpty && !options.force { throw MigrationError.checksFailed(errors) }
            // --force leaves out records that fail a check; a mass deletion is no record to leave out.
            if errors.contains(where: { $0.check == MassDeleteCheck.name }) { throw MigrationError.checksFailed(errors) }
        } catch {
            await journal?.close()
            throw error
        }
        if options.dryRun {
            var r = prepared.report
            r.dryRun = true
            r.forced = !prepared.errors.isEmpty
            return r
        }

        if let j = journal, j.resumed {
            log("resuming an interrupted run with the same arguments (\(j.previouslyConfirmed) operations were confirmed before)")
        }
        await journal?.append(Journal.Entry(kind: "started"))

        var unblocked: [String] = []
        if !options.unblockExtensions.isEmpty {
            let (_, removed) = try await blockedGuard.unblock(options.unblockExtensions)
            unblocked = removed
            if !removed.isEmpty {
                log("removed \(removed.joined(separator: ", ")) from the target's blocked attachments for this run; it will be restored")
                await journal?.append(Journal.Entry(kind: "note", name: "unblocked", value: removed.joined(separator: ";")))
            }
        }
        func restore() async throws {
            guard !unblocked.isEmpty else { return }
            try await blockedGuard.restore()
            await journal?.append(Journal.Entry(kind: "note", name: "restored", value: unblocked.joined(separator: ";")))
            log("restored the target's blocked attachment list")
        }

        let outcome: ApplyOutcome
        var current = prepared
        ProgressSink.emit(.stage(.writing))
        do {
            let applier = Applier(target: target, source: prepared.source, options: options.apply, journal: journal)
            if !options.apply.bypassPlugins, let first = MigrationEngine.rootPagesFirst(prepared.plan) {
                // Plug-ins on: create root pages first, let the platform make their content pages, then
                // plan again so the source's content pages match those by root page + language.
                log("plug-ins on: writing root pages first, then matching the content pages the platform creates")
                _ = try await applier.apply(first, excluded: prepared.excluded)
                current = try await prepare(source: .snapshot(prepared.source, organization: nil), target: target, options: options)
            }
            outcome = try await applier.apply(current.plan, excluded: options.force ? current.excluded : [])
        } catch var stopped as ApplyStopped {
            // The target stopped answering: the journal stays unfinished so a rerun resumes; the blocked
            // list is put back now if the target answers again, else its guard file restores it next run.
            if !unblocked.isEmpty { stopped.blockedList = (try? await restore()) != nil ? .restored : .restoredAtNextRun }
            if stopped.target == nil { stopped.target = options.targetKey }
            await journal?.close()
            throw stopped
        } catch {
            try? await restore()
            await journal?.close()
            throw error
        }
        try await restore()
        await journal?.append(Journal.Entry(kind: "finished"))
        await journal?.close()
        // What --missing-lookups drop cleared on purpose, for a later verify (`DroppedLookupLedger`).
        do {
            let org = try await target.organizationInfo()
            try DroppedLookupLedger.save(
                current.plan.droppedLookups, command: options.runKey.map { String($0.prefix { $0 != "|" }) },
                dataDirectory: options.dataDirectory, organizationID: org.organizationID,
                websiteID: current.plan.targetWebsiteID)
        } catch {
            log("warning: the list of dropped lookups could not be kept for verify: \(error)")
        }

        var report = MigrationReport(
            kind: .result, tables: outcome.tables, links: outcome.links, failures: outcome.failures,
            checks: current.errors, droppedLookups: current.plan.droppedLookups,
            matched: current.report.matched, forced: !current.errors.isEmpty,
            resumed: journal?.resumed ?? false, unblockedExtensions: unblocked)
        report.warnings = current.checks.filter { $0.severity == .warning }
        report.takePlanNotes(current.plan)
        for r in current.plan.records where r.sourceID.map(current.excluded.contains) ?? false {
            report.tables[r.table, default: TableCounts()].failed += 1
            let d = current.errors.first { $0.recordID == r.sourceID }
            report.failures.append(
                FailureEntry(
                    table: r.table, id: r.sourceID ?? r.targetID, name: r.name, column: d?.column,
                    code: "pm:check:\(d?.check.rawValue ?? "failed")", message: d?.message ?? "a check failed"))
        }
        if options.verifyAfterWrite {
            // Proof: read back what was planned and compare it with the strict verifier (issue 18).
            var failed = Set(report.failures.map(\.id))
            for id in failed { if let t = current.plan.idMap[id] { failed.insert(t) } }
            if options.force { failed.formUnion(current.excluded) }
            var sourceIsEnvironment = false
            if case .environment = source { sourceIsEnvironment = true }
            report.verification = try await readBack(
                current, target: target, options: options, failed: failed,
                sourceIsEnvironment: sourceIsEnvironment)
        }
        return report
    }

    /// The part of a plan to write first when plug-ins run: everything before the web pages, and the root
    /// web pages to create. `nil` when no root page is created or no content page is to be created.
    static func rootPagesFirst(_ plan: MigrationPlan) -> MigrationPlan? {
        func isRoot(_ r: RecordPlan) -> Bool {
            r.record.columns["adx_rootwebpageid"].map(\.isNull) ?? !r.deferred.contains { $0.column == "adx_rootwebpageid" }
        }
        let pages = plan.records.filter { $0.table == "adx_webpage" && $0.action == .create }
        guard pages.contains(where: isRoot), pages.contains(where: { !isRoot($0) }),
            let pageRank = plan.tableOrder.firstIndex(of: "adx_webpage")
        else { return nil }
        let earlier = Set(plan.tableOrder.prefix(pageRank))
        var first = plan
        first.records = plan.records.filter { earlier.contains($0.table) || ($0.table == "adx_webpage" && $0.action == .create && isRoot($0)) }
            .map {
                var r = $0; r.deferred = []; r.state = [:]; return r
            }
        first.deletions = []
        first.links = []
        return first
    }
}

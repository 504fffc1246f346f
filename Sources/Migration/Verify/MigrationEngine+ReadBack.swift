import Foundation
import PortalModel

/// What the read-back after a write found (`upload`, `migrate`, `data import`; `--json`'s `verification`).
///
/// - `checked`: what was compared (records, values, N:N links, file bodies).
/// - `differences`: every discrepancy between what the run planned to hold and what the target holds
///   (`VerifyDifference`, secrets hidden); records already named as failures are not repeated.
/// - `notCompared`: what the comparison left out, one line each, saying why.
/// - `seconds`: the wall time of the read-back (reading the target and comparing).
public struct VerificationSummary: Sendable, Encodable {
    public var checked: VerifyCounts
    public var differences: [VerifyDifference]
    public var notCompared: [String]
    public var seconds: Double
    /// True when the target holds everything planned.
    public var passed: Bool { differences.isEmpty }

    public init(checked: VerifyCounts, differences: [VerifyDifference], notCompared: [String], seconds: Double) {
        self.checked = checked
        self.differences = differences
        self.notCompared = notCompared
        self.seconds = seconds
    }

    private enum Keys: String, CodingKey { case passed, checked, differences, notCompared, seconds }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(passed, forKey: .passed)
        try c.encode(checked, forKey: .checked)
        try c.encode(differences, forKey: .differences)
        try c.encode(notCompared, forKey: .notCompared)
        try c.encode((seconds * 1000).rounded() / 1000, forKey: .seconds)
    }

    /// The human lines: `Verified: read back 250 records, … (0.4 s); the target holds everything planned.`
    /// or the count and one line per difference.
    public var humanLines: [String] {
        let what = "\(checked.records) records, \(checked.values) values, \(checked.links) N:N links, \(checked.fileBodies) file bodies"
        let time = String(format: "%.1f s", seconds)
        if passed { return ["Verified: read back \(what) (\(time)); the target holds everything planned."] }
        var lines = ["Verification failed: read back \(what) (\(time)); \(differences.count) discrepancy(ies):"]
        for d in differences.prefix(500) { lines.append("  \(d.line)") }
        if differences.count > 500 { lines.append("  … and \(differences.count - 500) more (all in --json)") }
        return lines
    }
}

extension MigrationEngine {
    /// Reads the target back after `prepared`'s plan was applied and compares it with the source the plan
    /// was made from, with the strict verifier (`StrictVerifier`; issue 18 "Writes that check themselves").
    ///
    /// Pairs records as the plan did (`MigrationPlan.idMap`); compares every source record (not only
    /// those written: a record the plan left unchanged must hold the source's values too), over the
    /// columns the source's format carries (`PlanHints.carriedColumns`, the planner's lists; a column a
    /// record leaves out is compared as empty unless the run kept such columns, `keepAbsentColumns` or
    /// an unknown format), file bodies by SHA-256, N:N
    /// links of the source; planned deletions and link removals must be gone. Records and links only
    /// the target has are differences only with `--prune`. Left out: tables and columns the run does not
    /// write (`skippedTables`, `ignoredColumns`), lookups dropped on purpose, existing records of
    /// `skipupdate` tables (compared on presence), and records in `failed` (already named as failures).
    /// A fresh enhanced view is used for an enhanced target, so nothing cached by the writes is read.
    /// - Throws: what reading the target throws.
    ///
    /// Records are paired by identity matching run again on what was read (`IdentityMatcher`: id, then
    /// natural key): a record the plan created may show under another id (the enhanced view gives a
    /// web file's note an id derived from its file), and one the plan matched keeps its target id.
    func readBack(
        _ prepared: PreparedMigration, target: any DataverseService, options: MigrationOptions,
        failed: Set<UUID>, sourceIsEnvironment: Bool
    ) async throws -> VerificationSummary {
        ProgressSink.emit(.stage(.verifying))
        let started = Date()
        let plan = prepared.plan
        let reading =
            target.enhancedModelView?.freshView(
                acceptingColumnsOf: prepared.source, siteScope: prepared.planning.websiteScoped ? plan.targetWebsiteID : nil) ?? target
        let reader = SnapshotReader(service: reading, catalog: catalog)
        var back: PortalSnapshot
        if prepared.planning.websiteScoped {
            back = try await reader.read(websiteID: plan.targetWebsiteID)
            // Tables shared by every website (portal languages, matched by LCID): the source's rows may
            // pair with rows no record of the website references; read them all, as planning does.
            let defs = try await reader.definitionsByName()
            for table in StrictVerifier.globalTables.sorted() where !(prepared.source.records[table] ?? []).isEmpty {
                guard let def = defs[table] else { continue }
                let have = Set(back.records[table]?.map(\.id) ?? [])
                for r in try await reading.retrieveAll(RecordQuery(table)) where !have.contains(r.id) {
                    back.add(PortalTables.dataColumns(of: r, primaryID: def.primaryIDColumn))
                }
            }
        } else {
            back = try await reader.read(
                tables: Set(prepared.source.records.filter { !$0.value.isEmpty }.keys),
                relationships: Set(prepared.source.links.keys), keeping: options.plan.keptSystemColumns)
        }

        var scope = VerifyScope()
        for (table, reason) in options.plan.skippedTables {
            scope.excludedTables.insert(table)
            scope.excludedReasons[table] = reason
        }
        scope.excludedColumns = options.plan.ignoredColumns
        // Website columns bound to the target's environment that the plan kept on purpose (mapping onto
        // another website with --targetWebSiteId): not written, so not expected to match the source.
        for k in plan.keptColumns {
            scope.excludedColumns[k.table, default: []].insert(k.column)
            scope.excludedColumnReasons[k.table] = "kept: the target website's own value, as --targetWebSiteId maps the source website onto it"
        }
        // The columns the source's format carries: the planner's own lists (`PlanHints`), so the read-back
        // expects exactly the columns the plan cleared; an environment source carries every column.
        let hints = options.plan.hints
        let carried: CarriedColumns = hints.carriedColumns.map { .declared($0, format: hints.format ?? "the source") } ?? .environment
        var verifier = StrictVerifier(catalog: catalog, carried: carried, scope: scope)
        verifier.keepAbsent = hints.keepAbsentColumns || hints.format == nil || (hints.carriedColumns == nil && !sourceIsEnvironment)
        verifier.droppedLookups = plan.droppedLookups
        verifier.hiddenColumns = prepared.hiddenColumns
        verifier.reportTargetOnly = options.plan.prune && prepared.planning.websiteScoped
        for r in plan.records where options.plan.skipUpdateTables.contains(r.table) && r.action != .create {
            verifier.presenceOnly[r.table, default: []].insert(r.targetID)
        }
        // Source records a check left out (--force) were not written: named as failures already.
        var source = prepared.source
        if !failed.isEmpty {
            for t in source.records.keys { source.records[t]?.removeAll { failed.contains($0.id) } }
        }
        var removed: [String: [ManyToManyLink]] = [:]
        for l in plan.links where !l.remove.isEmpty { removed[l.relationship] = l.remove }
        let outcome = verifier.compare(
            source: source, target: back, idMap: pairing(source, back, plan: plan, options: options.plan),
            deletedInTarget: plan.deletions.map { ($0.table, $0.targetID, $0.name) },
            removedLinks: removed)
        let differences = outcome.differences.filter { d in
            // Links with a failed end, records that failed: already in the report's failures.
            !failed.contains(d.id) && !(d.targetID.map(failed.contains) ?? false)
        }
        return VerificationSummary(
            checked: outcome.checked, differences: differences, notCompared: outcome.notCompared,
            seconds: Date().timeIntervalSince(started))
    }
}

extension MigrationEngine {
    /// Source id → target id of every source record paired with a record of `back`: identity matching
    /// (`IdentityMatcher`, as planning does it) on the snapshot read back, then the plan's own mapping for
    /// records it leaves unpaired.
    func pairing(_ source: PortalSnapshot, _ back: PortalSnapshot, plan: MigrationPlan, options: PlanOptions) -> [UUID: UUID] {
        var lookupTables: [String: Set<String>] = [:]
        for (table, rows) in source.records {
            for r in rows { for v in r.columns.values { if let ref = v.reference { lookupTables[table, default: []].insert(ref.logicalName) } } }
        }
        let order = DependencyOrder.order(Set(source.records.filter { !$0.value.isEmpty }.keys)) { lookupTables[$0] ?? [] }
        var byID: [UUID: EntityRecord] = [:]
        var idsByTable: [String: Set<UUID>] = [:]
        for (table, rows) in back.records { for r in rows { byID[r.id] = r; idsByTable[table, default: []].insert(r.id) } }
        var matcher = IdentityMatcher(catalog: catalog)
        matcher.match(
            source: source, tableOrder: order, sourceWebsiteID: plan.sourceWebsiteID, targetWebsiteID: plan.targetWebsiteID,
            targetByID: byID, targetSnapshot: back, byKey: options.match == .key, compareColumns: options.compareColumns,
            targetIDsByTable: idsByTable)
        var map = matcher.idMap
        for (s, t) in plan.idMap where matcher.kind[s] == nil { map[s] = t }
        return map
    }
}

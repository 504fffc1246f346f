import Foundation
import PortalModel

/// The engine of `portal-migrate diff` (issue 21, "Drift report"): compares two sides that may never have
/// been migrated into each other — any pair of environment website, pac folder and CMT package, in
/// either data model — with the strict verifier's comparison (`StrictVerifier`, `VerifyValue`).
///
/// 1. Records pair by id, then by natural key (`IdentityMatcher` with `IdentityRules`: a page under its
///    matched parent by partial URL, a content page by root page and language, a site setting by name…),
///    the source website mapped onto the target's; two environments provisioned separately from one
///    template pair record for record although every id differs. `match: .id` pairs by id only.
/// 2. Both sides are compared on the columns both formats carry (`CarriedColumns`): a pac folder does not
///    speak about columns it never writes, so an environment's value there is not a difference.
/// 3. The strict verifier compares the paired records (union of columns, JSON by value, state, N:N links
///    both ways, file bodies by SHA-256, records only one side has).
/// 4. Values bound to one environment are moved to `expected` (`ExpectedDifference`): website bindings,
///    the website's domain, site settings backed by environment variables, and the columns a deployment
///    profile sets (`profileColumns`); a difference is a failure only when it is not one of those.
///
/// Example:
/// ```swift
/// let result = DriftComparer().compare(source: DriftSide(label: "local:dev", snapshot: dev),
///                                      target: DriftSide(label: "local:test", snapshot: test))
/// if !result.identical { print(result.differences.map(\.line)) }
/// ```
public struct DriftComparer: Sendable {
    public var catalog: TableCatalog
    /// What is compared (`VerifyScope.all` by default: every table but the environment-specific ones).
    public var scope: VerifyScope
    /// `.key` pairs by id then natural key; `.id` by id only (portal languages still by LCID).
    public var match: MatchMode
    /// `PlanOptions.hiddenKey(table, id, column)` keys of columns a deployment profile sets, by either
    /// side's record id (`DeploymentProfileColumns.load`): expected to differ, values never printed.
    public var profileColumns: Set<String>

    public init(catalog: TableCatalog = .standard, scope: VerifyScope = .all, match: MatchMode = .key, profileColumns: Set<String> = []) {
        self.catalog = catalog
        self.scope = scope
        self.match = match
        self.profileColumns = profileColumns
    }

    /// Compares `source` with `target` (the names only give the direction of "added" and "removed":
    /// a record only `target` has is added).
    public func compare(source: DriftSide, target: DriftSide) -> DriftResult {
        var s = Self.keyColumnsFilled(Self.referencedGlobals(source), carried: source.carried, catalog: catalog)
        let t = Self.keyColumnsFilled(Self.referencedGlobals(target), carried: target.carried, catalog: catalog)
        // Columns the target's format never carries are not compared (the source's are left out by the verifier).
        var notCarried: [String: Set<String>] = [:]
        if case .declared = target.carried {
            for (table, rows) in s.records {
                let carried = target.carried.columns(of: table) ?? []
                let primaryID = catalog.table(table)?.primaryIDColumn ?? "\(table)id"
                for i in rows.indices {
                    for c in rows[i].columns.keys where !carried.contains(c) && c != primaryID {
                        if PortalTables.isDataColumn(c, primaryID: primaryID) { notCarried[table, default: []].insert(c) }
                        s.records[table]![i].columns[c] = nil
                    }
                }
            }
        }
        let carried = Self.merged(source.carried, target.carried)

        // Identity: ids, then natural keys, the source website mapped onto the target's.
        let sourceSite = source.websiteID ?? PortalTables.noWebsite
        let targetSite = target.websiteID ?? sourceSite
        var targetByID: [UUID: EntityRecord] = [:]
        var targetIDsByTable: [String: Set<UUID>] = [:]
        for (table, rows) in t.records { for r in rows { targetByID[r.id] = r; targetIDsByTable[table, default: []].insert(r.id) } }
        var lookupTables: [String: Set<String>] = [:]
        for (table, rows) in s.records {
            for r in rows { for v in r.columns.values { if let ref = v.reference { lookupTables[table, default: []].insert(ref.logicalName) } } }
        }
        let order = DependencyOrder.order(Set(s.records.filter { !$0.value.isEmpty }.keys)) { lookupTables[$0] ?? [] }
        var matcher = IdentityMatcher(catalog: catalog)
        matcher.match(
            source: s, tableOrder: order, sourceWebsiteID: sourceSite, targetWebsiteID: targetSite,
            targetByID: targetByID, targetSnapshot: t, byKey: match == .key, targetIDsByTable: targetIDsByTable)

        var verifier = StrictVerifier(catalog: catalog, carried: carried, scope: scope)
        verifier.hiddenColumns = profileColumns
        let outcome = verifier.compare(source: s, target: t, idMap: matcher.idMap)

        let sourceLabels = RecordKeyLabel(source.snapshot, catalog: catalog), targetLabels = RecordKeyLabel(target.snapshot, catalog: catalog)
        var differences: [DriftDifference] = []
        var expected: [ExpectedDifference] = []
        for d in matcher.diagnostics where scope.includes(table: d.table ?? "") {
            let item = VerifyDifference(
                kind: .matching, table: d.table ?? "-", id: d.recordID ?? PortalTables.noWebsite,
                name: d.recordName, column: d.column, message: d.message)
            differences.append(DriftDifference(item, key: d.recordID.flatMap { sourceLabels.label(d.table ?? "", $0) } ?? d.recordName ?? "-"))
        }
        for d in outcome.differences {
            let key = Self.key(of: d, sourceLabels: sourceLabels, targetLabels: targetLabels)
            if let reason = expectedReason(d, source: s, target: t) {
                let hidden = reason == .deploymentProfile
                expected.append(
                    ExpectedDifference(
                        reason: reason, table: d.table, id: d.id, column: d.column, name: key,
                        source: hidden ? VerifyDifference.hidden : d.source,
                        target: hidden ? VerifyDifference.hidden : d.target))
                continue
            }
            var drift = DriftDifference(Self.lookupsNamed(d, source: s, target: t, sourceLabels: sourceLabels, targetLabels: targetLabels), key: key)
            if d.kind == .linkMissingInTarget || d.kind == .linkOnlyInTarget {
                let ends = Self.linkEnds(d, idMap: matcher.idMap, sourceLabels: sourceLabels, targetLabels: targetLabels)
                drift.key = ends.0
                drift.otherKey = ends.1
            }
            differences.append(drift)
        }
        expected += environmentBound(source: source.snapshot, target: target.snapshot, sourceLabels: sourceLabels, targetLabels: targetLabels)

        var notCompared = MigrationEngine.notCompared(source: source.snapshot, target: target.snapshot, scope: scope)
        for (table, cols) in notCarried.sorted(by: { $0.key < $1.key }) {
            notCompared.append(
                "\(table) columns \(cols.sorted().joined(separator: ", ")): set in \(source.label), not compared (\(target.carried.label) does not carry them)"
            )
        }
        notCompared += outcome.notCompared
        return DriftResult(
            source: source, target: target, differences: differences, expected: expected, checked: outcome.checked,
            notCompared: notCompared, idMap: matcher.idMap, matchKinds: matcher.kind, scope: scope,
            tables: Self.tableCounts(s, t, differences: differences, scope: scope))
    }

    /// Why a verifier difference is bound to one environment, or `nil` when it is a real difference.
    func expectedReason(_ d: VerifyDifference, source: PortalSnapshot, target: PortalSnapshot) -> ExpectedDifference.Reason? {
        guard d.kind == .column, let column = d.column else { return nil }
        let tid = d.targetID ?? d.id
        if profileColumns.contains(PlanOptions.hiddenKey(d.table, d.id, column))
            || profileColumns.contains(PlanOptions.hiddenKey(d.table, tid, column))
        {
            return .deploymentProfile
        }
        let valueColumns: Set<String> = ["adx_value", "value", "content"]
        if valueColumns.contains(column),
            Self.isEnvironmentVariableBacked(source.record(d.table, d.id)) || Self.isEnvironmentVariableBacked(target.record(d.table, tid))
        {
            return .environmentVariable
        }
        return nil
    }

    /// True when a site setting's value comes from an environment variable: `mspp_source = 1`, or an
    /// environment-variable lookup set (research/alm-landscape-2026.md §1, enhanced data model).
    /// Assumption: the adx_* view and folders carry these columns under their Dataverse names when the
    /// source has them; a side that does not carry them is not recognised.
    static func isEnvironmentVariableBacked(_ record: EntityRecord?) -> Bool {
        guard let record else { return false }
        if let v = record.columns["mspp_source"], VerifyValue.equal(v, .integer(1)) { return true }
        return record.columns.contains { $0.key.contains("environmentvariable") && !$0.value.isNull }
    }

    /// Website bindings of either side, and the website's domain when it differs.
    func environmentBound(source: PortalSnapshot, target: PortalSnapshot, sourceLabels: RecordKeyLabel, targetLabels: RecordKeyLabel)
        -> [ExpectedDifference]
    {
        var out: [ExpectedDifference] = []
        for table in TableCatalog.environmentSpecificTables.sorted() {
            for r in (source.records[table] ?? []).sorted(by: { $0.id.dataverseString < $1.id.dataverseString }) {
                out.append(
                    ExpectedDifference(
                        reason: .websiteBinding, table: table, id: r.id, column: nil, name: sourceLabels.label(r),
                        source: sourceLabels.name(r), target: nil))
            }
            for r in (target.records[table] ?? []).sorted(by: { $0.id.dataverseString < $1.id.dataverseString }) {
                out.append(
                    ExpectedDifference(
                        reason: .websiteBinding, table: table, id: r.id, column: nil, name: targetLabels.label(r),
                        source: nil, target: targetLabels.name(r)))
            }
        }
        for (table, columns) in TableCatalog.environmentSpecificColumns.sorted(by: { $0.key < $1.key }) {
            guard let a = source.records[table]?.first, let b = target.records[table]?.first else { continue }
            for c in columns.sorted() where !VerifyValue.equal(a.columns[c], b.columns[c]) {
                out.append(
                    ExpectedDifference(
                        reason: .domain, table: table, id: a.id, column: c, name: sourceLabels.label(a),
                        source: a.columns[c]?.text, target: b.columns[c]?.text))
            }
        }
        return out
    }

    /// A column difference whose values are lookups, each shown as the referenced record's natural-key
    /// label on its own side (`adx_webtemplate Footer`) instead of an id that differs between environments.
    static func lookupsNamed(
        _ d: VerifyDifference, source: PortalSnapshot, target: PortalSnapshot,
        sourceLabels: RecordKeyLabel, targetLabels: RecordKeyLabel
    ) -> VerifyDifference {
        guard d.kind == .column, let c = d.column else { return d }
        var out = d
        func named(_ v: FieldValue?, _ labels: RecordKeyLabel) -> String? {
            guard let r = v?.reference, let rec = labels.record(r.logicalName, r.id) else { return nil }
            return "\(r.logicalName) \(labels.label(rec))"
        }
        if d.source != VerifyDifference.hidden, let n = named(source.record(d.table, d.id)?.columns[c], sourceLabels) { out.source = n }
        if d.target != VerifyDifference.hidden, let n = named(target.record(d.table, d.targetID ?? d.id)?.columns[c], targetLabels) { out.target = n }
        return out
    }

    /// The natural-key label of a difference's record, from the side that has it.
    static func key(of d: VerifyDifference, sourceLabels: RecordKeyLabel, targetLabels: RecordKeyLabel) -> String {
        switch d.kind {
        case .onlyInTarget: return targetLabels.label(d.table, d.id) ?? d.name ?? d.id.dataverseString
        default: return sourceLabels.label(d.table, d.id) ?? targetLabels.label(d.table, d.targetID ?? d.id) ?? d.name ?? d.id.dataverseString
        }
    }

    /// Labels of a link's two ends (given in target ids; a source-only end is found under its source id).
    static func linkEnds(_ d: VerifyDifference, idMap: [UUID: UUID], sourceLabels: RecordKeyLabel, targetLabels: RecordKeyLabel) -> (String, String) {
        var reverse: [UUID: UUID] = [:]
        for (s, t) in idMap { reverse[t] = s }
        func label(_ id: UUID) -> String {
            if let r = targetLabels.record(id) { return "\(r.logicalName) \(targetLabels.label(r))" }
            if let r = sourceLabels.record(reverse[id] ?? id) { return "\(r.logicalName) \(sourceLabels.label(r))" }
            return id.dataverseString
        }
        return (label(d.id), label(d.targetID ?? d.id))
    }

    /// Per table: records the same, changed, only in the source, only in the target.
    static func tableCounts(_ s: PortalSnapshot, _ t: PortalSnapshot, differences: [DriftDifference], scope: VerifyScope) -> [DriftTableCount] {
        var counts: [String: DriftTableCount] = [:]
        var changed: [String: Set<UUID>] = [:]
        for d in differences {
            switch d.item.kind {
            case .column, .fileBody: changed[d.item.table, default: []].insert(d.item.id)
            case .missingInTarget: counts[d.item.table, default: DriftTableCount(table: d.item.table)].onlyInSource += 1
            case .onlyInTarget: counts[d.item.table, default: DriftTableCount(table: d.item.table)].onlyInTarget += 1
            default: break
            }
        }
        for table in Set(s.records.keys).union(t.records.keys) where scope.includes(table: table) {
            var c = counts[table] ?? DriftTableCount(table: table)
            c.changed = changed[table]?.count ?? 0
            c.same = max(0, (s.records[table]?.count ?? 0) - c.onlyInSource - c.changed)
            if c.same + c.changed + c.onlyInSource + c.onlyInTarget > 0 { counts[table] = c }
        }
        return counts.values.sorted { $0.table < $1.table }
    }

    /// A side's snapshot with only the records of organization-wide tables (portal languages,
    /// `StrictVerifier.globalTables`) that its website's records reference: a CMT package exports every
    /// portal language of the organization, an environment read gives the website's. A side without a
    /// website keeps them all.
    static func referencedGlobals(_ side: DriftSide) -> PortalSnapshot {
        guard side.websiteID != nil else { return side.snapshot }
        var out = side.snapshot
        var referenced = Set<UUID>()
        for (table, rows) in side.snapshot.records where !StrictVerifier.globalTables.contains(table) {
            for r in rows { for v in r.columns.values { if let id = v.reference?.id { referenced.insert(id) } } }
        }
        for table in StrictVerifier.globalTables { out.records[table] = out.records[table]?.filter { referenced.contains($0.id) } }
        return out
    }

    /// The columns both formats carry: `.environment` only when both sides are environments.
    static func merged(_ a: CarriedColumns, _ b: CarriedColumns) -> CarriedColumns {
        switch (a, b) {
        case (.environment, .environment): return .environment
        case (.declared, .environment): return a
        case (.environment, .declared): return b
        case let (.declared(x, fa), .declared(y, fb)):
            var both: [String: Set<String>] = [:]
            for (table, cols) in x { if let other = y[table] { both[table] = cols.intersection(other) } }
            return .declared(both, format: "\(fa) and \(fb)")
        }
    }

    /// Absent natural-key columns a side's format carries stand for their empty value (a root page's
    /// absent parent is no parent), so records match by key as the planner's do. An environment speaks
    /// about every column (the enhanced view leaves empty ones out of a component's content).
    static func keyColumnsFilled(_ snapshot: PortalSnapshot, carried: CarriedColumns, catalog: TableCatalog) -> PortalSnapshot {
        var out = snapshot
        for (table, rows) in snapshot.records {
            let columns = carried.columns(of: table)
            for i in rows.indices {
                for c in IdentityRules.key(for: rows[i], catalog: catalog) where rows[i].columns[c] == nil && (columns?.contains(c) ?? true) {
                    out.records[table]![i].columns[c] = carried.absentValue(of: c)
                }
            }
        }
        return out
    }
}

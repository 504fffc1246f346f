import Foundation
import PortalModel

/// The result of `verify`: the differences between source and target, modulo remapped ids, and what
/// was left out of the comparison.
///
/// - `items`: the differences (`VerifyDifference`: table, id, name, column, source and target values,
///   secrets hidden), sorted by table, id and column.
/// - `differences`: the same, one line each (`VerifyDifference.line`).
/// - `notCompared`: one line per thing left out, saying why (environment-specific tables and columns,
///   system columns, columns the source format does not carry, tables not in the schema of
///   `verify --schemaFile` or without a counterpart in the target's data model, dropped lookups).
/// - `checked`: what was compared.
public struct VerifyResult: Sendable {
    public var items: [VerifyDifference]
    public var notCompared: [String]
    public var checked: VerifyCounts
    public var differences: [String] { items.map(\.line) }
    public var identical: Bool { items.isEmpty }

    public init(items: [VerifyDifference], notCompared: [String] = [], checked: VerifyCounts = VerifyCounts()) {
        self.items = items
        self.notCompared = notCompared
        self.checked = checked
    }

    /// `{"identical", "checked": {records, values, links, fileBodies}, "differences": [objects],
    /// "notCompared": [lines]}`.
    public var json: JSONValue {
        .object([
            ("identical", .bool(identical)), ("checked", checked.json),
            ("differences", .array(items.map(\.json))), ("notCompared", .array(notCompared.map { .string($0) })),
        ])
    }
}

extension VerifyCounts {
    /// `{"records": n, "values": n, "links": n, "fileBodies": n}`.
    public var json: JSONValue {
        .object([
            ("records", .number(String(records))), ("values", .number(String(values))),
            ("links", .number(String(links))), ("fileBodies", .number(String(fileBodies))),
        ])
    }
}

extension MigrationEngine {
    /// Compares source and target for one website with the strict verifier (`StrictVerifier`, issue 18):
    /// `identical` only when every record, column (the union of both sides' columns, limited to those the
    /// source's format carries), nested value, state, N:N link (both directions) and file body (SHA-256)
    /// in `scope` is equal modulo ids remapped by identity matching, and the target website holds no
    /// record or link the source lacks. Identity matching (ids, natural keys, `--targetWebSiteId`) pairs
    /// the records; the comparison of values is the verifier's own.
    /// - Parameters:
    ///   - source: the reference side.
    ///   - target: the environment checked.
    ///   - targetWebsiteID: the target website when its id differs from the source's.
    ///   - deploymentProfile: a pac deployment profile applied to the source first; the values it sets are
    ///     compared with the profile's values and never printed.
    ///   - scope: what is compared (default `.all`: every table but the environment-specific ones).
    ///   - carried: the columns the source's format carries (`.pacFolder` for `--path`, the schema's
    ///     fields for a CMT package, `.environment` for an environment).
    ///   - missingLookups: `.drop` leaves out lookups to records neither side has (listed as dropped).
    ///   - dataDirectory: where runs keep the lookups they cleared with `--missing-lookups drop`
    ///     (`DroppedLookupLedger`, by target organization and website): those are left out and listed.
    /// - Throws: what reading either side throws; `MigrationError.deploymentProfile` for a bad profile.
    public func verify(
        source: MigrationSource, target: any DataverseService, targetWebsiteID: UUID?,
        deploymentProfile: URL? = nil, scope: VerifyScope = .all, carried: CarriedColumns = .environment,
        missingLookups: MissingLookupPolicy = .fail,
        dataDirectory: URL = MigrationPaths.dataDirectory()
    ) async throws -> VerifyResult {
        let options = MigrationOptions(
            plan: PlanOptions(targetWebsiteID: targetWebsiteID, prune: true, missingLookups: missingLookups),
            deploymentProfile: deploymentProfile)
        let prepared = try await prepare(source: source, target: target, options: options)
        var items: [VerifyDifference] = []
        // Findings of identity matching: records it could not pair.
        for d in prepared.checks where d.check == .ambiguousMatch || d.check == .websiteNotFound {
            if let t = d.table { guard scope.includes(table: t) else { continue } }
            items.append(
                VerifyDifference(
                    kind: .matching, table: d.table ?? "-", id: d.recordID ?? PortalTables.noWebsite,
                    name: d.recordName, column: d.column, message: d.message))
        }
        // Website columns the plan keeps on purpose when the source website maps onto another one
        // (`--targetWebSiteId`: the target's name and domain stay): never written, so not compared.
        var scope = scope
        for k in prepared.plan.keptColumns {
            scope.excludedColumns[k.table, default: []].insert(k.column)
            scope.excludedColumnReasons[k.table] = "kept: the target website's own value, as --targetWebSiteId maps the source website onto it"
        }
        var verifier = StrictVerifier(catalog: catalog, carried: carried, scope: scope)
        verifier.droppedLookups = prepared.plan.droppedLookups
        // Lookups the last run into this website cleared on purpose (--missing-lookups drop).
        var ledgerLines: [String] = []
        if let org = try? await target.organizationInfo(),
            let ledger = DroppedLookupLedger.load(
                dataDirectory: dataDirectory, organizationID: org.organizationID,
                websiteID: prepared.plan.targetWebsiteID), !ledger.droppedLookups.isEmpty
        {
            verifier.droppedLookups += ledger.droppedLookups
            ledgerLines.append(
                "\(ledger.droppedLookups.count) lookup(s) cleared by the last \(ledger.command ?? "run") into this website "
                    + "(\(ISO8601DateFormatter().string(from: ledger.writtenAt))) with --missing-lookups drop: not compared")
        }
        verifier.hiddenColumns = prepared.hiddenColumns
        verifier.reportTargetOnly = prepared.planning.websiteScoped
        let outcome = verifier.compare(source: prepared.source, target: prepared.planning.targetSnapshot, idMap: prepared.plan.idMap)
        items += outcome.differences
        return VerifyResult(
            items: items,
            notCompared: Self.notCompared(source: prepared.source, target: prepared.planning.targetSnapshot, scope: scope)
                + ledgerLines + outcome.notCompared,
            checked: outcome.checked)
    }

    /// One line per table left out by `scope` that holds records on either side:
    /// `adx_websitebinding: 1 source and 0 target record(s) not compared (environment specific)`.
    static func notCompared(source: PortalSnapshot, target: PortalSnapshot, scope: VerifyScope) -> [String] {
        // The planner adds every portal language of the target (org-wide, matched by LCID, never pruned):
        // they only count when the source carries portal languages too.
        let sourceTables = Set(source.records.filter { !$0.value.isEmpty }.keys)
        let targetTables = Set(target.records.filter { !$0.value.isEmpty && ($0.key != "adx_portallanguage" || sourceTables.contains($0.key)) }.keys)
        let tables = sourceTables.union(targetTables)
        var lines: [String] = []
        for t in tables.sorted() where !scope.includes(table: t) {
            let why =
                scope.excludedReasons[t] ?? (scope.excludedTables.contains(t) ? "environment specific" : "not in \(scope.label ?? "the schema")")
            lines.append("\(t): \(source.records[t]?.count ?? 0) source and \(target.records[t]?.count ?? 0) target record(s) not compared (\(why))")
        }
        if let rels = scope.relationships {
            let names = Set(source.links.filter { !$0.value.isEmpty }.keys).union(target.links.filter { !$0.value.isEmpty }.keys)
            for r in names.sorted() where !rels.contains(r) {
                lines.append(
                    "\(r): \(source.links[r]?.count ?? 0) source and \(target.links[r]?.count ?? 0) target N:N link(s) not compared (not in \(scope.label ?? "the schema"))"
                )
            }
        }
        return lines
    }
}

import Foundation
import PortalModel

/// The result of `verify`: the differences between source and target, modulo remapped ids, and what
/// was left out of the comparison.
///
/// - `differences`: one line per difference; lines starting with four spaces detail the line before
///   (a changed column). Secret values are hidden.
/// - `notCompared`: one line per table left out with records on either side, saying why
///   (environment specific, or not in the schema of `verify --schemaFile`).
public struct VerifyResult: Sendable {
    public var differences: [String]
    public var notCompared: [String]
    public var identical: Bool { differences.isEmpty }

    public init(differences: [String], notCompared: [String] = []) {
        self.differences = differences
        self.notCompared = notCompared
    }
}

extension MigrationEngine {
    /// Compares source and target for one website: `identical` only when equal modulo remapped ids
    /// (issue 6 "Verify"). Every record, value (secrets hidden), state, N:N link and file body in `scope`
    /// is compared; target records of the website that the source lacks are differences too.
    /// Environment-specific tables (`TableCatalog.environmentSpecificTables`) are never compared; with a
    /// schema scope only the schema's tables, columns and N:N relationships are. Tables left out that hold
    /// records on either side are listed in `notCompared` with their record counts.
    /// - Parameters:
    ///   - source: the reference side.
    ///   - target: the environment checked.
    ///   - targetWebsiteID: the target website when its id differs from the source's.
    ///   - deploymentProfile: a pac deployment profile applied to the source first.
    ///   - scope: what is compared (default `.all`).
    /// - Throws: what reading either side throws.
    public func verify(source: MigrationSource, target: any DataverseService, targetWebsiteID: UUID?,
                       deploymentProfile: URL? = nil, scope: VerifyScope = .all) async throws -> VerifyResult {
        var options = MigrationOptions(plan: PlanOptions(targetWebsiteID: targetWebsiteID, prune: true), deploymentProfile: deploymentProfile)
        options.plan.missingLookups = .fail
        let prepared = try await prepare(source: source, target: target, options: options)
        let plan = prepared.plan
        var diffs: [String] = []
        for d in prepared.checks where d.check == "ambiguous-match" || d.check == "missing-lookup" || d.check == "website-not-found" {
            if let t = d.table {
                if let c = d.column { guard scope.includes(column: c, of: t) else { continue } }
                else { guard scope.includes(table: t) else { continue } }
            }
            diffs.append(d.description)
        }
        for r in plan.records where scope.includes(table: r.table) {
            let what = "\(r.table) \(r.sourceID?.dataverseString ?? r.targetID.dataverseString)\(PlanRenderer.label(r.name))"
            switch r.action {
            case .create: diffs.append("missing in the target: \(what)")
            case .update:
                let changes = r.changes.filter { scope.includes(column: $0.column, of: r.table) }
                if changes.isEmpty { break }
                diffs.append("differs: \(what)" + (r.targetID != r.sourceID ? " (target \(r.targetID.dataverseString))" : ""))
                for c in changes { diffs.append("    \(PlanRenderer.describe(c))") }
            default: break
            }
            let state = r.state.filter { scope.includes(column: $0.key, of: r.table) }
            if r.action != .create && !state.isEmpty {
                diffs.append("state differs: \(what): " + state.keys.sorted().map { "\($0) = \(state[$0]?.text ?? "null")" }.joined(separator: ", "))
            }
        }
        for d in plan.deletions where scope.includes(table: d.table) {
            diffs.append("only in the target: \(d.table) \(d.targetID.dataverseString)\(PlanRenderer.label(d.name))")
        }
        for l in plan.links where scope.includes(relationship: l.relationship) {
            for x in l.add { diffs.append("link missing in the target: \(l.relationship) \(x.first.id.dataverseString) ↔ \(x.second.id.dataverseString)") }
            for x in l.remove { diffs.append("link only in the target: \(l.relationship) \(x.first.id.dataverseString) ↔ \(x.second.id.dataverseString)") }
        }
        return VerifyResult(differences: diffs,
                            notCompared: Self.notCompared(source: prepared.source, target: prepared.planning.targetSnapshot, scope: scope))
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
            let why = scope.excludedReasons[t] ?? (scope.excludedTables.contains(t) ? "environment specific" : "not in \(scope.label ?? "the schema")")
            lines.append("\(t): \(source.records[t]?.count ?? 0) source and \(target.records[t]?.count ?? 0) target record(s) not compared (\(why))")
        }
        if let rels = scope.relationships {
            let names = Set(source.links.filter { !$0.value.isEmpty }.keys).union(target.links.filter { !$0.value.isEmpty }.keys)
            for r in names.sorted() where !rels.contains(r) {
                lines.append("\(r): \(source.links[r]?.count ?? 0) source and \(target.links[r]?.count ?? 0) target N:N link(s) not compared (not in \(scope.label ?? "the schema"))")
            }
        }
        return lines
    }
}

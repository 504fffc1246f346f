import Foundation
import PortalModel

/// Counts of one table in a plan or a result.
public struct TableCounts: Codable, Sendable, Hashable {
    public var created = 0
    public var updated = 0
    public var deleted = 0
    public var unchanged = 0
    public var failed = 0
    public init() {}
}

/// N:N links added and removed for one relationship.
public struct LinkCounts: Codable, Sendable, Hashable {
    public var added = 0
    public var removed = 0
    public init() {}
}

/// One failed record or link: table, id, name, column, Dataverse code and message.
public struct FailureEntry: Codable, Sendable, Hashable {
    public var table: String
    public var id: UUID
    public var name: String?
    public var column: String?
    public var code: String
    public var message: String

    public init(table: String, id: UUID, name: String?, column: String?, code: String, message: String) {
        self.table = table
        self.id = id
        self.name = name
        self.column = column
        self.code = code
        self.message = message
    }
}

/// What `plan` and `migrate` print with `--json` (issue 6 "Report"): one object with `plan` (before
/// writing) or `result` (after), each a map of table logical name → `TableCounts`; `links` by relationship
/// → `LinkCounts`; `failures`; the `checks` that failed; lookups dropped by `--missing-lookups drop`.
/// One record a plan changes, for `plan --json` (issue 24 item 4): `table`, `id` (in the target),
/// `sourceId` when matched to another id, `name`, `action` (`create`, `update`, `delete`), `matchedBy`
/// (`id`, `natural-key`, … for updates), and the names of the `columns` it sets (`statecode`/`statuscode`
/// included; values are not listed, so values a profile sets stay hidden).
public struct PlannedRecordEntry: Codable, Sendable, Hashable {
    public var table: String
    public var id: UUID
    public var sourceId: UUID?
    public var name: String?
    public var action: String
    public var matchedBy: String?
    public var columns: [String]
}

public struct MigrationReport: Sendable, Encodable {
    public enum Kind: String, Sendable, Codable { case plan, result }

    public var kind: Kind
    public var tables: [String: TableCounts]
    public var links: [String: LinkCounts]
    public var failures: [FailureEntry]
    public var checks: [Diagnostic]
    public var droppedLookups: [DroppedLookup]
    /// Matched records by how they matched (`id`, `natural-key`, `website`).
    public var matched: [String: Int]
    public var dryRun: Bool
    public var forced: Bool
    public var resumed: Bool
    /// Extensions removed from the target's blocked list for the run (and restored).
    public var unblockedExtensions: [String]
    /// Every warning of every stage (folder or package reading, deployment profile, planning, checks):
    /// reported, never stopping the run.
    public var warnings: [Diagnostic] = []
    /// Target values kept on purpose (environment-bound website columns under `--targetWebSiteId`).
    public var keptColumns: [KeptColumn] = []
    /// How columns the source's format carries but a record leaves out were treated (cleared, or kept
    /// with `--keep-absent-columns`); `nil` when the source's format is unknown.
    public var absentColumns: String?
    /// Columns cleared (updated to null) because the source record leaves them out, by table.
    public var clearedColumns: [String: Int] = [:]
    /// The read-back after writing (`MigrationEngine.readBack`, issue 18); `nil` for a plan, a dry run or `--no-verify`.
    public var verification: VerificationSummary?
    /// For a plan: every record it creates, updates or deletes (`records` in JSON); `nil` for a result.
    public var records: [PlannedRecordEntry]?

    public init(
        kind: Kind, tables: [String: TableCounts] = [:], links: [String: LinkCounts] = [:],
        failures: [FailureEntry] = [], checks: [Diagnostic] = [], droppedLookups: [DroppedLookup] = [],
        matched: [String: Int] = [:], dryRun: Bool = false, forced: Bool = false, resumed: Bool = false,
        unblockedExtensions: [String] = []
    ) {
        self.kind = kind
        self.tables = tables
        self.links = links
        self.failures = failures
        self.checks = checks
        self.droppedLookups = droppedLookups
        self.matched = matched
        self.dryRun = dryRun
        self.forced = forced
        self.resumed = resumed
        self.unblockedExtensions = unblockedExtensions
    }

    /// The plan's counts.
    public static func of(_ plan: MigrationPlan, checks: [Diagnostic], dryRun: Bool = false) -> MigrationReport {
        var r = MigrationReport(kind: .plan, checks: checks.filter { $0.severity == .error }, droppedLookups: plan.droppedLookups, dryRun: dryRun)
        r.warnings = checks.filter { $0.severity == .warning }
        r.takePlanNotes(plan)
        for p in plan.records {
            var c = r.tables[p.table] ?? TableCounts()
            switch p.action {
            case .create: c.created += 1
            case .update: c.updated += 1
            case .unchanged: if p.state.isEmpty && p.deferred.isEmpty { c.unchanged += 1 } else { c.updated += 1 }
            case .delete: c.deleted += 1
            }
            r.tables[p.table] = c
            if p.match != .none { r.matched[p.match.rawValue, default: 0] += 1 }
        }
        for d in plan.deletions { r.tables[d.table, default: TableCounts()].deleted += 1 }
        r.records =
            plan.deletions.map {
                PlannedRecordEntry(table: $0.table, id: $0.targetID, sourceId: nil, name: $0.name, action: "delete", matchedBy: nil, columns: [])
            }
            + plan.records.filter { !$0.writesNothing }.map { p in
                let action = p.action == .create ? "create" : "update"
                let columns =
                    p.action == .create
                    ? p.record.columns.keys.sorted()
                    : (p.changes.map(\.column) + p.deferred.map(\.column) + p.state.keys).sorted()
                return PlannedRecordEntry(
                    table: p.table, id: p.targetID, sourceId: p.sourceID == p.targetID ? nil : p.sourceID,
                    name: p.name, action: action,
                    matchedBy: p.action == .create || p.match == .none ? nil : p.match.rawValue,
                    columns: Array(Set(columns)).sorted())
            }
        for l in plan.links where !l.add.isEmpty || !l.remove.isEmpty {
            var c = LinkCounts()
            c.added = l.add.count
            c.removed = l.remove.count
            r.links[l.relationship] = c
        }
        return r
    }

    /// Copies what the plan says beyond counts: kept columns, the absent-column treatment, cleared columns.
    public mutating func takePlanNotes(_ plan: MigrationPlan) {
        keptColumns = plan.keptColumns
        absentColumns = plan.absentColumns
        clearedColumns = plan.clearedColumns
    }

    /// True when nothing failed, no check failed and the read-back (when run) found everything planned.
    public var succeeded: Bool { failures.isEmpty && checks.allSatisfy { $0.severity != .error } && (verification?.passed ?? true) }

    private enum Keys: String, CodingKey {
        case plan, result, links, failures, checks, droppedLookups, matched, dryRun, forced, resumed, unblockedExtensions, verification
        case warnings, keptColumns, absentColumns, clearedColumns, records
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(tables, forKey: kind == .plan ? .plan : .result)
        try c.encode(links, forKey: .links)
        try c.encode(failures, forKey: .failures)
        try c.encode(checks, forKey: .checks)
        try c.encode(droppedLookups, forKey: .droppedLookups)
        try c.encode(matched, forKey: .matched)
        try c.encode(dryRun, forKey: .dryRun)
        try c.encode(forced, forKey: .forced)
        try c.encode(resumed, forKey: .resumed)
        try c.encode(unblockedExtensions, forKey: .unblockedExtensions)
        try c.encodeIfPresent(verification, forKey: .verification)
        try c.encode(warnings, forKey: .warnings)
        try c.encode(keptColumns, forKey: .keptColumns)
        try c.encodeIfPresent(absentColumns, forKey: .absentColumns)
        try c.encode(clearedColumns, forKey: .clearedColumns)
        try c.encodeIfPresent(records, forKey: .records)
    }

    /// The report as one JSON object (sorted keys, GUIDs lowercase).
    public func jsonText() -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted]
        guard let data = try? e.encode(self), var text = String(data: data, encoding: .utf8) else { return "{}" }
        // Foundation writes UUIDs uppercase; Dataverse's form is lowercase.
        text = MigrationReport.lowercasingUUIDs(text)
        return text
    }

    static func lowercasingUUIDs(_ text: String) -> String {
        guard let re = try? NSRegularExpression(pattern: "[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}") else { return text }
        let ns = text as NSString
        var out = text
        for m in re.matches(in: text, range: NSRange(location: 0, length: ns.length)).reversed() {
            let r = Range(m.range, in: out)!
            out.replaceSubrange(r, with: out[r].lowercased())
        }
        return out
    }

    /// The human summary: per table counts, links, failures, failed checks.
    /// - Parameter verbose: list every table, and the absent-column rule even when nothing is cleared.
    public func humanSummary(verbose: Bool = false) -> String {
        var lines: [String] = []
        let verbPast = kind == .result
        lines.append(kind == .plan ? (dryRun ? "Plan (dry run, nothing written):" : "Plan:") : "Result:")
        // Tables where nothing changes are one line unless verbose (issue 24 item 4: a no-op re-upload
        // printed a line per table); a table with any change keeps its line, unchanged count included.
        let quiet = tables.filter { $0.value.deleted + $0.value.created + $0.value.updated + $0.value.failed == 0 }
        if !verbose && !quiet.isEmpty {
            let records = quiet.values.reduce(0) { $0 + $1.unchanged }
            lines.append(
                "  unchanged: \(records) record(s) in \(quiet.count) table(s)\(quiet.count == tables.count ? "" : " not listed") (-v lists every table)"
            )
        }
        for t in tables.keys.sorted() where verbose || quiet[t] == nil {
            let c = tables[t]!
            var parts: [String] = []
            if c.deleted > 0 { parts.append("\(c.deleted) \(verbPast ? "deleted" : "to delete")") }
            if c.created > 0 { parts.append("\(c.created) \(verbPast ? "created" : "to create")") }
            if c.updated > 0 { parts.append("\(c.updated) \(verbPast ? "updated" : "to update")") }
            if c.unchanged > 0 { parts.append("\(c.unchanged) unchanged") }
            if c.failed > 0 { parts.append("\(c.failed) failed") }
            lines.append("  \(t): " + (parts.isEmpty ? "nothing" : parts.joined(separator: ", ")))
        }
        for rel in links.keys.sorted() {
            let c = links[rel]!
            lines.append("  \(rel) (N:N): \(c.added) \(verbPast ? "added" : "to add"), \(c.removed) \(verbPast ? "removed" : "to remove")")
        }
        if !matched.isEmpty {
            lines.append("  matched: " + matched.keys.sorted().map { "\(matched[$0]!) by \($0)" }.joined(separator: ", "))
        }
        if !unblockedExtensions.isEmpty {
            lines.append("  extensions unblocked for the run and restored: \(unblockedExtensions.joined(separator: ", "))")
        }
        if resumed { lines.append("  resumed an interrupted run with the same arguments") }
        // The absent-column rule: said when it clears something, when the user chose to keep, or under -v.
        if let absentColumns, PlanRenderer.tellsAbsentColumns(absentColumns, cleared: clearedColumns, verbose: verbose) {
            lines.append("  \(absentColumns)")
        }
        for t in clearedColumns.keys.sorted() where clearedColumns[t]! > 0 {
            lines.append("  \(t): \(clearedColumns[t]!) column(s) \(verbPast ? "cleared" : "to clear") (absent in the source)")
        }
        for k in keptColumns {
            lines.append("  kept \(Diagnostic.record(k.table, k.recordID, column: k.column)) = \(k.value.map { "\"\($0)\"" } ?? "null"): \(k.reason)")
        }
        for d in droppedLookups {
            lines.append(
                "  dropped lookup \(Diagnostic.record(d.table, d.recordID, column: d.column)) → \(d.target) \(d.targetID.dataverseString) (missing in the target)"
            )
        }
        if !failures.isEmpty {
            lines.append("Failures (\(failures.count)):")
            for f in failures {
                lines.append(
                    "  \(Diagnostic.record(f.table, f.id, name: f.name, column: f.column)): \(f.code) \(f.message)"
                )
            }
        }
        if !warnings.isEmpty {
            lines.append("Warnings (\(warnings.count)):")
            for d in warnings.prefix(200) { lines.append("  \(d)") }
            if warnings.count > 200 { lines.append("  … and \(warnings.count - 200) more") }
        }
        if !checks.isEmpty {
            lines.append("Failed checks (\(checks.count)):")
            for d in checks.prefix(200) { lines.append("  \(d)") }
            if checks.count > 200 { lines.append("  … and \(checks.count - 200) more") }
        }
        if forced { lines.append("--force: records that failed a check were left out; exit code 1") }
        if let verification { lines += verification.humanLines }
        if kind == .plan && !forced { lines += NextSteps.afterFailedChecks(checks) }
        return lines.joined(separator: "\n")
    }
}

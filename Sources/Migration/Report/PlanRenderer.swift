import Foundation
import PortalModel

/// Prints a plan record by record for people: deletions first (issue 6 "Deletions: the plan lists them
/// first"), then writes in order, then N:N changes. Secret values print as "changed (value hidden)".
public enum PlanRenderer {
    /// The lines of the plan. `includeUnchanged` also lists records that stay as they are.
    public static func lines(_ plan: MigrationPlan, includeUnchanged: Bool = false) -> [String] {
        var out: [String] = []
        if !plan.deletions.isEmpty {
            out.append("Deletions (\(plan.deletions.count)):")
            for d in plan.deletions { out.append("  - delete \(d.table) \(d.targetID.dataverseString)\(label(d.name))") }
        }
        for r in plan.records {
            switch r.action {
            case .create:
                out.append("  + create \(r.table) \(r.targetID.dataverseString)\(label(r.name))")
            case .update:
                let how =
                    r.match == .naturalKey || r.match == .website ? " (matched \(r.sourceID?.dataverseString ?? "") by \(r.match.rawValue))" : ""
                out.append("  ~ update \(r.table) \(r.targetID.dataverseString)\(label(r.name))\(how)")
                for c in r.changes { out += describeLines(c).map { "      " + $0 } }
            case .unchanged:
                if !r.state.isEmpty || !r.deferred.isEmpty {
                    out.append("  ~ update \(r.table) \(r.targetID.dataverseString)\(label(r.name))")
                } else if includeUnchanged {
                    out.append("  = unchanged \(r.table) \(r.targetID.dataverseString)\(label(r.name))")
                }
            case .delete: break
            }
            if !r.state.isEmpty {
                out.append("      state: " + r.state.keys.sorted().map { "\($0) = \(r.state[$0]!.text ?? "null")" }.joined(separator: ", "))
            }
        }
        for k in plan.keptColumns {
            out.append(
                "  = keep \(Diagnostic.record(k.table, k.recordID, column: k.column)) = \(k.value.map { "\"\($0)\"" } ?? "null") (\(k.reason))")
        }
        for l in plan.links {
            for x in l.remove { out.append("  - unlink \(l.relationship) \(x.first.id.dataverseString) ↔ \(x.second.id.dataverseString)") }
            for x in l.add { out.append("  + link \(l.relationship) \(x.first.id.dataverseString) ↔ \(x.second.id.dataverseString)") }
        }
        if let note = plan.absentColumns, tellsAbsentColumns(note, cleared: plan.clearedColumns) {
            out.append("  (\(note))")
        }
        return out
    }

    /// Whether the absent-column rule (`PlanHints.absentColumnsNote`) is worth a line: when it cleared
    /// a column, when the user chose to keep absent columns (the note then says so), or under `-v`;
    /// not on every plan that clears nothing (issue 19, newcomer trial). Shared by the plan and the summary.
    public static func tellsAbsentColumns(_ note: String, cleared: [String: Int], verbose: Bool = false) -> Bool {
        verbose || !note.hasPrefix("absent columns cleared") || cleared.values.contains { $0 > 0 }
    }

    /// One changed column as lines: `describe(c)` for a short value; for a long HTML/Liquid value (several
    /// lines, or one line over `LineDiff.splitLength` characters) a line diff with `LineDiff.context`
    /// lines of context, `-` for the target's current lines and `+` for what the source writes (issue 24
    /// item 4: both sides truncated to the same prefix showed nothing of the edit).
    public static func describeLines(_ c: ColumnChange) -> [String] {
        guard !c.hidden, let old = c.old?.text, let new = c.new.text, LineDiff.isLong(old) || LineDiff.isLong(new),
            let diff = LineDiff.diff(old, new)
        else { return [describe(c)] }
        let added = diff.filter { $0.kind == .added }.count, removed = diff.filter { $0.kind == .removed }.count
        var lines = ["\(c.column): \(removed) line(s) replaced by \(added) (- target now, + source):"]
        for line in diff {
            switch line.kind {
            case .context: lines.append("    " + line.text)
            case .removed: lines.append("  - " + line.text)
            case .added: lines.append("  + " + line.text)
            case .gap: lines.append("    " + line.text)
            }
        }
        return lines
    }

    /// One changed column: `column: old → new`, or `column: changed (value hidden)` for secrets.
    public static func describe(_ c: ColumnChange) -> String {
        if c.hidden { return "\(c.column): changed (value hidden)" }
        return "\(c.column): \(show(c.old)) → \(show(c.new))"
    }

    static func show(_ v: FieldValue?) -> String {
        guard let v, let t = v.text else { return "null" }
        let one = t.replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n", with: "⏎")
        return one.count > 60 ? "\"\(one.prefix(57))…\"" : "\"\(one)\""
    }

    static func label(_ name: String?) -> String { name.map { " \"\($0)\"" } ?? "" }
}

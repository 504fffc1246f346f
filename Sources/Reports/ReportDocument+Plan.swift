import Foundation
import Migration
import PortalModel

extension ReportDocument {
    /// The report of a plan (`portal-migrate plan --report`), drawn the way a drift report is: the site
    /// map as it will be (pages created = added, updated = changed, deleted = removed), per table the
    /// records created, updated and deleted with their columns side by side (the target now | after the
    /// run; long values as a line diff; secrets and deployment-profile values hidden), N:N links added
    /// and removed, and the web files written.
    /// - Parameters:
    ///   - plan: the plan (`PreparedMigration.plan`).
    ///   - source: the source snapshot as planned (`PreparedMigration.source`).
    ///   - target: the target's records read for planning (`PlanningResult.targetSnapshot`).
    ///   - problems: lines for failed checks and warnings (shown first).
    ///   - hiddenColumns: `PlanOptions.hiddenKey` keys of values a deployment profile sets (never shown);
    ///     secrets (`Secrets.isHidden`) are hidden too.
    public static func plan(
        _ plan: MigrationPlan, source: PortalSnapshot, target: PortalSnapshot, sourceLabel: String, targetLabel: String,
        problems: [String] = [], hiddenColumns: Set<String> = [], generated: Date = Date()
    ) -> ReportDocument {
        let written = plan.records.filter { !$0.writesNothing }
        let creates = written.filter { $0.action == .create }.count
        let updates = written.count - creates
        let linksAdded = plan.links.reduce(0) { $0 + $1.add.count }, linksRemoved = plan.links.reduce(0) { $0 + $1.remove.count }
        var doc = ReportDocument(
            title: "Plan", subtitle: "\(sourceLabel) into \(targetLabel)", sourceLabel: "\(targetLabel) now", targetLabel: "after the run",
            verdict: plan.isEmpty
                ? "No changes: \(targetLabel) already holds \(sourceLabel)'s configuration."
                : "\(creates) record(s) to create, \(updates) to update, \(plan.deletions.count) to delete; \(linksAdded) N:N link(s) to add, \(linksRemoved) to remove.",
            verdictClass: problems.isEmpty ? (plan.deletions.isEmpty ? "ok" : "bad") : "bad", generated: generated)
        doc.counts = [
            ReportCount(label: "to create", value: creates, cls: "added", key: "create"),
            ReportCount(label: "to update", value: updates, cls: "changed", key: "update"),
            ReportCount(label: "to delete", value: plan.deletions.count, cls: "removed", key: "delete"),
            ReportCount(label: "unchanged", value: plan.records.count - written.count, cls: "same", key: "unchanged"),
            ReportCount(label: "N:N links to add", value: linksAdded, cls: "added", key: "links-add"),
            ReportCount(label: "N:N links to remove", value: linksRemoved, cls: "removed", key: "links-remove"),
        ]
        doc.legend = [
            ReportLegend(cls: "added", text: "created"), ReportLegend(cls: "removed", text: "deleted"),
            ReportLegend(cls: "changed", text: "updated"), ReportLegend(cls: "same", text: "unchanged"),
        ]
        doc.siteMap = ReportValues.nodes(SiteMap.plan(plan, source: source, target: target))
        let srcLabels = RecordKeyLabel(source), tgtLabels = RecordKeyLabel(target)
        let labels = [tgtLabels, srcLabels]
        var targetByID: [String: [UUID: EntityRecord]] = [:]
        for (t, rows) in target.records { for r in rows { targetByID[t, default: [:]][r.id] = r } }

        var byTable: [String: [ReportRecord]] = [:]
        for r in written {
            let key =
                r.sourceID.flatMap { srcLabels.label(r.table, $0) } ?? tgtLabels.label(r.table, r.targetID) ?? r.name ?? r.targetID.dataverseString
            var columns: [ReportColumn] = []
            if r.action == .create {
                for c in r.record.columns.keys.sorted() {
                    let v = ReportValues.display(r.record.columns[c], labels: labels)
                    let sourceRecord = r.sourceID.flatMap { srcLabels.record(r.table, $0) }
                    let hidden =
                        (r.changes.first { $0.column == c }?.hidden ?? false)
                        || Secrets.isHidden(r.record, column: c, hiddenColumns: hiddenColumns)
                        || sourceRecord.map { Secrets.isHidden($0, column: c, hiddenColumns: hiddenColumns) } ?? false
                    columns.append(ReportValues.column(c, source: nil, target: hidden ? VerifyDifference.hidden : v))
                }
            } else {
                for ch in r.changes.sorted(by: { $0.column < $1.column }) {
                    columns.append(
                        ch.hidden
                            ? ReportValues.column(ch.column, source: VerifyDifference.hidden, target: VerifyDifference.hidden)
                            : ReportValues.column(
                                ch.column, source: ReportValues.display(ch.old, labels: labels),
                                target: ReportValues.display(ch.new, labels: labels)))
                }
                for d in r.deferred where !columns.contains(where: { $0.column == d.column }) {
                    columns.append(
                        ReportValues.column(
                            d.column, source: ReportValues.display(targetByID[r.table]?[r.targetID]?.columns[d.column], labels: labels),
                            target: ReportValues.display(d.value, labels: labels)))
                }
            }
            for (c, v) in r.state.sorted(by: { $0.key < $1.key }) {
                columns.append(
                    ReportValues.column(c, source: r.action == .create ? nil : targetByID[r.table]?[r.targetID]?.columns[c]?.text, target: v.text))
            }
            let created = r.action == .create
            byTable[r.table, default: []].append(
                ReportRecord(
                    key: key, name: r.name ?? "",
                    ids: r.sourceID.map { $0 == r.targetID ? $0.dataverseString : "\($0.dataverseString) → \(r.targetID.dataverseString)" }
                        ?? r.targetID.dataverseString,
                    status: created ? "added" : "changed", statusText: created ? "create" : "update (\(r.match.rawValue) match)", columns: columns))
        }
        for r in plan.deletions {
            byTable[r.table, default: []].append(
                ReportRecord(
                    key: tgtLabels.label(r.table, r.targetID) ?? r.name ?? r.targetID.dataverseString,
                    name: r.name ?? "", ids: r.targetID.dataverseString, status: "removed",
                    statusText: "delete", columns: []))
        }
        for table in byTable.keys.sorted() {
            let rows = byTable[table]!
            let n = { (s: String) in rows.filter { $0.status == s }.count }
            doc.tables.append(
                ReportTable(table: table, summary: "\(n("added")) to create, \(n("changed")) to update, \(n("removed")) to delete", records: rows))
        }
        func end(_ ref: EntityReference) -> String {
            for l in labels { if let rec = l.record(ref.logicalName, ref.id) { return "\(ref.logicalName) \(l.label(rec))" } }
            if let s = plan.idMap.first(where: { $0.value == ref.id })?.key, let rec = srcLabels.record(ref.logicalName, s) {
                return "\(ref.logicalName) \(srcLabels.label(rec))"
            }
            return "\(ref.logicalName) \(ref.id.dataverseString)"
        }
        for l in plan.links {
            doc.links += l.add.map {
                ReportLink(relationship: l.relationship, first: end($0.first), second: end($0.second), status: "added", statusText: "add")
            }
            doc.links += l.remove.map {
                ReportLink(relationship: l.relationship, first: end($0.first), second: end($0.second), status: "removed", statusText: "remove")
            }
        }
        // Web files the plan writes (record or body), with the body now and after the run.
        let touched = Set(written.filter { $0.table == "adx_webfile" }.compactMap(\.sourceID))
        let touchedNotes = Set(written.filter { $0.table == "annotation" && $0.bodyKey != nil }.compactMap(\.sourceID))
        for f in source.records["adx_webfile"] ?? [] {
            let notes = (source.records["annotation"] ?? []).filter { $0.columns["objectid"]?.reference?.id == f.id }.map(\.id)
            guard touched.contains(f.id) || notes.contains(where: touchedNotes.contains) else { continue }
            let tid = plan.idMap[f.id] ?? f.id
            let after = ReportValues.body(of: f.id, fileName: ReportValues.fileName(f), in: source)
            let now = ReportValues.body(of: tid, fileName: ReportValues.fileName(f), in: target)
            let isNew = targetByID["adx_webfile"]?[tid] == nil
            doc.webFiles.append(
                ReportWebFile(
                    name: srcLabels.name(f), path: srcLabels.label(f), status: isNew ? "added" : "changed",
                    sourceSize: now.size, sourceHash: now.hash, targetSize: after.size, targetHash: after.hash,
                    sourceThumbnail: now.thumbnail, targetThumbnail: after.thumbnail))
        }
        doc.problems = problems
        doc.showExpected = false
        doc.notes =
            plan.skipped.map { "skipped \($0.table) \($0.name ?? $0.id.dataverseString): \($0.reason)" }
            + plan.keptColumns.map { "kept \($0.table) \($0.recordID.dataverseString) \($0.column): \($0.reason)" }
        return doc
    }
}

import Foundation
import Migration
import PortalModel

extension ReportDocument {
    /// The report of a drift comparison (`portal-migrate diff --report`): site map, per-table changed
    /// records with their columns side by side (long values as a line diff), N:N links, web files (size,
    /// SHA-256, thumbnails), values expected to differ, and what was not compared.
    public static func drift(_ r: DriftResult, generated: Date = Date()) -> ReportDocument {
        let s = r.source.label, t = r.target.label
        let differing = r.tables.filter(\.differs)
        var doc = ReportDocument(
            title: "Drift report",
            subtitle: "\(s) (\(r.source.model.rawValue) data model) compared with \(t) (\(r.target.model.rawValue) data model)",
            sourceLabel: s, targetLabel: t,
            verdict: r.identical
                ? "Same: \(t) holds \(s)'s configuration"
                    + (r.expected.isEmpty ? "." : " apart from \(r.expected.count) value(s) expected to differ.")
                : "Different: \(r.differences.count) difference(s) in \(differing.count) table(s).",
            verdictClass: r.identical ? "ok" : "bad", generated: generated)
        let records = r.differences.filter { [.column, .fileBody, .missingInTarget, .onlyInTarget, .notDeleted].contains($0.item.kind) }
        let linkDiffs = r.differences.filter { $0.item.kind == .linkMissingInTarget || $0.item.kind == .linkOnlyInTarget }
        doc.counts = [
            ReportCount(label: "differences", value: r.differences.count, cls: r.identical ? "same" : "changed", key: "differences"),
            ReportCount(label: "records changed", value: differing.reduce(0) { $0 + $1.changed }, cls: "changed", key: "changed"),
            ReportCount(label: "only in \(t) (added)", value: differing.reduce(0) { $0 + $1.onlyInTarget }, cls: "added", key: "added"),
            ReportCount(label: "only in \(s) (removed)", value: differing.reduce(0) { $0 + $1.onlyInSource }, cls: "removed", key: "removed"),
            ReportCount(label: "N:N links differing", value: linkDiffs.count, cls: "changed", key: "links"),
            ReportCount(label: "expected to differ", value: r.expected.count, cls: "info", key: "expected"),
            ReportCount(label: "paired by natural key", value: r.matchedByKey, cls: "info", key: "natural-key"),
        ]
        doc.legend = [
            ReportLegend(cls: "added", text: "only in \(t)"), ReportLegend(cls: "removed", text: "only in \(s)"),
            ReportLegend(cls: "changed", text: "changed"), ReportLegend(cls: "same", text: "same"),
        ]
        doc.siteMap = ReportValues.nodes(SiteMap.drift(r))

        var byTable: [String: [DriftDifference]] = [:]
        for d in records { byTable[d.item.table, default: []].append(d) }
        for table in byTable.keys.sorted() {
            var order: [UUID] = []
            var grouped: [UUID: [DriftDifference]] = [:]
            for d in byTable[table]! { if grouped[d.item.id] == nil { order.append(d.item.id) }; grouped[d.item.id, default: []].append(d) }
            let rows: [ReportRecord] = order.map { id in
                let ds = grouped[id]!, first = ds[0].item
                let status: ChangeStatus = first.kind == .missingInTarget ? .removed : first.kind == .onlyInTarget ? .added : .changed
                let text =
                    status == .removed ? "only in \(s)" : status == .added ? "only in \(t)" : first.kind == .notDeleted ? "still present" : "changed"
                let ids = first.targetID.map { "\(first.id.dataverseString) → \($0.dataverseString)" } ?? first.id.dataverseString
                return ReportRecord(
                    key: ds[0].key, name: first.name ?? "", ids: ids, status: status.rawValue, statusText: text,
                    columns: ds.filter { $0.item.column != nil && ($0.item.kind == .column || $0.item.kind == .fileBody) }
                        .map { ReportValues.column($0.item.column ?? "", source: $0.item.source, target: $0.item.target) })
            }
            let sorted = rows.sorted { ($0.key, $0.ids) < ($1.key, $1.ids) }
            let c = r.tables.first { $0.table == table }
            let summary = c.map { "\($0.changed) changed, \($0.onlyInTarget) only in \(t), \($0.onlyInSource) only in \(s), \($0.same) same" } ?? ""
            doc.tables.append(ReportTable(table: table, summary: summary, records: sorted))
        }
        doc.links = linkDiffs.map { d in
            let added = d.item.kind == .linkOnlyInTarget
            return ReportLink(
                relationship: d.item.table, first: d.key, second: d.otherKey ?? "", status: added ? "added" : "removed",
                statusText: added ? "only in \(t)" : "only in \(s)")
        }
        (doc.webFiles, doc.sameWebFiles) = webFiles(r)
        doc.expected = r.expected.map {
            ReportExpected(
                reason: $0.reason.text, table: $0.table, name: $0.name ?? "", column: $0.column ?? "",
                source: $0.source ?? "(none)", target: $0.target ?? "(none)")
        }
        doc.problems = r.differences.filter { $0.item.kind == .matching }.map { $0.line(source: s, target: t) }
        doc.notes = r.notCompared
        return doc
    }

    /// The web files of both sides, paired as the comparison paired them: those that differ, then the same.
    static func webFiles(_ r: DriftResult) -> ([ReportWebFile], [ReportWebFile]) {
        let src = r.source.snapshot.records["adx_webfile"] ?? [], tgt = r.target.snapshot.records["adx_webfile"] ?? []
        let srcLabels = RecordKeyLabel(r.source.snapshot), tgtLabels = RecordKeyLabel(r.target.snapshot)
        var tgtByID: [UUID: EntityRecord] = [:]
        for f in tgt { tgtByID[f.id] = f }
        let changedRecords = Set(r.differences.filter { $0.item.table == "adx_webfile" && $0.item.kind == .column }.map(\.item.id))
        var differ: [ReportWebFile] = [], same: [ReportWebFile] = []
        var seen = Set<UUID>()
        for f in src {
            let b1 = ReportValues.body(of: f.id, fileName: ReportValues.fileName(f), in: r.source.snapshot)
            let tid = r.idMap[f.id] ?? f.id
            if let g = tgtByID[tid] {
                seen.insert(tid)
                let b2 = ReportValues.body(of: g.id, fileName: ReportValues.fileName(g), in: r.target.snapshot)
                let changed = b1.digest != b2.digest || changedRecords.contains(f.id)
                let row = ReportWebFile(
                    name: srcLabels.name(f), path: srcLabels.label(f), status: changed ? "changed" : "same",
                    sourceSize: b1.size, sourceHash: b1.hash, targetSize: b2.size, targetHash: b2.hash,
                    sourceThumbnail: b1.thumbnail, targetThumbnail: b2.thumbnail)
                if changed { differ.append(row) } else { same.append(row) }
            } else {
                differ.append(
                    ReportWebFile(
                        name: srcLabels.name(f), path: srcLabels.label(f), status: "removed", sourceSize: b1.size,
                        sourceHash: b1.hash, targetSize: "", targetHash: "", sourceThumbnail: b1.thumbnail, targetThumbnail: ""))
            }
        }
        for g in tgt where !seen.contains(g.id) {
            let b2 = ReportValues.body(of: g.id, fileName: ReportValues.fileName(g), in: r.target.snapshot)
            differ.append(
                ReportWebFile(
                    name: tgtLabels.name(g), path: tgtLabels.label(g), status: "added", sourceSize: "", sourceHash: "",
                    targetSize: b2.size, targetHash: b2.hash, sourceThumbnail: "", targetThumbnail: b2.thumbnail))
        }
        return (differ.sorted { $0.path < $1.path }, same.sorted { $0.path < $1.path })
    }
}

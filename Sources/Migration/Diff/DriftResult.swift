import Foundation
import PortalModel

/// One difference of a drift comparison: the strict verifier's `VerifyDifference` plus the natural-key
/// label people recognise the record by in both environments (`RecordKeyLabel`).
///
/// - `key`: the record's label (`/about/`, `Search/Enabled`), or a link's first end (`adx_webrole Administrators`).
/// - `otherKey`: a link's second end; `nil` otherwise.
public struct DriftDifference: Sendable, Hashable {
    public var item: VerifyDifference
    public var key: String
    public var otherKey: String?

    public init(_ item: VerifyDifference, key: String, otherKey: String? = nil) {
        self.item = item
        self.key = key
        self.otherKey = otherKey
    }

    /// One line for people, naming the record by natural key and the sides by their labels:
    /// `adx_webpage /about/ [English]: adx_copy: local:dev "<p>a</p>" ≠ local:test "<p>b</p>"`.
    public func line(source: String, target: String) -> String {
        let d = item
        func show(_ v: String?) -> String {
            v.map { $0 == VerifyDifference.hidden || $0.hasPrefix("sha256:") ? $0 : "\"\(Self.short($0))\"" } ?? "(empty)"
        }
        switch d.kind {
        case .missingInTarget: return "only in \(source): \(d.table) \(key)"
        case .onlyInTarget: return "only in \(target): \(d.table) \(key)"
        case .column, .fileBody: return "changed: \(d.table) \(key): \(d.column ?? "?"): \(source) \(show(d.source)) ≠ \(target) \(show(d.target))"
        case .linkMissingInTarget: return "link only in \(source): \(d.table) \(key) ↔ \(otherKey ?? "?")"
        case .linkOnlyInTarget: return "link only in \(target): \(d.table) \(key) ↔ \(otherKey ?? "?")"
        case .notDeleted: return "still present: \(d.table) \(key)"
        case .matching: return "not paired: \(d.table) \(key): \(d.message ?? "")"
        }
    }

    /// The difference as terminal lines: `line`, except for a changed long HTML/Liquid value (several
    /// lines, or one line over `LineDiff.splitLength` characters), shown as a line diff with
    /// `LineDiff.context` lines of context, `-` for the first side's lines and `+` for the second's, as
    /// the plan shows a long value (issue 19: the terminal showed two cut-off values that looked alike).
    /// Hidden values and file bodies (hashes) stay on one line.
    public func lines(source: String, target: String) -> [String] {
        let d = item
        guard d.kind == .column, let a = d.source, let b = d.target, a != VerifyDifference.hidden, b != VerifyDifference.hidden,
            LineDiff.isLong(a) || LineDiff.isLong(b), let diff = LineDiff.diff(a, b)
        else { return [line(source: source, target: target)] }
        let removed = diff.filter { $0.kind == .removed }.count, added = diff.filter { $0.kind == .added }.count
        var out = [
            "changed: \(d.table) \(key): \(d.column ?? "?"): \(removed) line(s) of \(source) differ from \(added) of \(target) "
                + "(- \(source), + \(target)):"
        ]
        for l in diff {
            switch l.kind {
            case .context, .gap: out.append("    " + l.text)
            case .removed: out.append("  - " + l.text)
            case .added: out.append("  + " + l.text)
            }
        }
        return out
    }

    /// `text` on one line, at most 120 characters (`…` marks a cut); the report shows values in full.
    static func short(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\r\n", with: "⏎").replacingOccurrences(of: "\n", with: "⏎")
        return flat.count > 120 ? String(flat.prefix(119)) + "…" : flat
    }

    /// `VerifyDifference.json` plus `"key"` (and `"otherKey"` for a link).
    public var json: JSONValue {
        guard case .object(var members) = item.json else { return item.json }
        members.insert(("key", .string(key)), at: 2)
        if let otherKey { members.insert(("otherKey", .string(otherKey)), at: 3) }
        return .object(members)
    }
}

/// The records of one table: the same on both sides, changed, only in the source, only in the target.
public struct DriftTableCount: Sendable, Hashable, Codable {
    public var table: String
    public var same = 0
    public var changed = 0
    public var onlyInSource = 0
    public var onlyInTarget = 0

    public init(table: String) { self.table = table }

    /// True when the table holds a difference.
    public var differs: Bool { changed + onlyInSource + onlyInTarget > 0 }

    /// `{"table", "same", "changed", "onlyInSource", "onlyInTarget"}`.
    public var json: JSONValue {
        .object([
            ("table", .string(table)), ("same", .number(String(same))), ("changed", .number(String(changed))),
            ("onlyInSource", .number(String(onlyInSource))), ("onlyInTarget", .number(String(onlyInTarget))),
        ])
    }
}

/// What `DriftComparer.compare` found.
///
/// - `differences`: real differences (records, columns, file bodies, links, unpaired records), sorted by
///   table, id and column; `identical` when there is none.
/// - `expected`: differences bound to one environment (`ExpectedDifference`), never a failure.
/// - `tables`: per-table counts; `checked`: what the verifier compared; `notCompared`: what it left out and why.
/// - `idMap`, `matchKinds`: how source records paired with target records (source id → target id when
///   they differ; `.id`, `.naturalKey`, `.website` by source id).
/// - `source`, `target`: the two sides as read, for reports (site map, web files).
public struct DriftResult: Sendable {
    public var source: DriftSide
    public var target: DriftSide
    public var differences: [DriftDifference]
    public var expected: [ExpectedDifference]
    public var checked: VerifyCounts
    public var notCompared: [String]
    public var idMap: [UUID: UUID]
    public var matchKinds: [UUID: MatchKind]
    public var scope: VerifyScope
    public var tables: [DriftTableCount]

    /// True when the sides hold the same configuration, apart from what is expected to differ.
    public var identical: Bool { differences.isEmpty }

    /// Source records paired by natural key (ids differ).
    public var matchedByKey: Int { matchKinds.values.filter { $0 == .naturalKey }.count }

    /// The lines of `differences` (`DriftDifference.line`).
    public var lines: [String] { differences.map { $0.line(source: source.label, target: target.label) } }

    /// `{"identical", "source": {label, dataModel}, "target": {…}, "checked": {…}, "matchedByNaturalKey",
    /// "tables": [counts], "differences": [objects], "expectedToDiffer": [objects], "notCompared": [lines]}`.
    public var json: JSONValue {
        func side(_ s: DriftSide) -> JSONValue {
            .object([
                ("label", .string(s.label)), ("dataModel", .string(s.model.rawValue)),
                ("websiteId", s.websiteID.map { .string($0.dataverseString) } ?? .null),
            ])
        }
        return .object([
            ("identical", .bool(identical)), ("source", side(source)), ("target", side(target)), ("checked", checked.json),
            ("matchedByNaturalKey", .number(String(matchedByKey))),
            ("tables", .array(tables.filter(\.differs).map(\.json))),
            ("differences", .array(differences.map(\.json))), ("expectedToDiffer", .array(expected.map(\.json))),
            ("notCompared", .array(notCompared.map { .string($0) })),
        ])
    }

    /// The terminal summary: a heading, the tables that differ with their counts, each difference, the
    /// values expected to differ (count and lines), and one closing line.
    public func summary(verbose: Bool = false) -> [String] {
        var out: [String] = [
            "Drift: \(source.label) (\(source.model.rawValue) data model) → \(target.label) (\(target.model.rawValue) data model)",
            "Compared \(checked.records) records, \(checked.values) values, \(checked.links) N:N links, \(checked.fileBodies) file bodies; "
                + "\(matchedByKey) record(s) paired by natural key.",
        ]
        let differing = tables.filter(\.differs)
        if !differing.isEmpty {
            out.append("Tables that differ (same / changed / only in \(source.label) / only in \(target.label)):")
            for t in differing { out.append("  \(t.table): \(t.same) / \(t.changed) / \(t.onlyInSource) / \(t.onlyInTarget)") }
        }
        if !differences.isEmpty {
            out.append("\(differences.count) difference(s):")
            for d in differences { out += d.lines(source: source.label, target: target.label).map { "  " + $0 } }
        }
        if !expected.isEmpty {
            out.append("Expected to differ (\(expected.count), environment specific; not a failure):")
            out += expected.map { "  " + $0.line }
        }
        if verbose && !notCompared.isEmpty { out.append("Not compared:"); out += notCompared.map { "  - " + $0 } }
        out.append(
            identical
                ? "Same: \(target.label) holds \(source.label)'s configuration (apart from what is expected to differ)."
                : "Different: \(differences.count) difference(s) in \(differing.count) table(s).")
        return out
    }
}

extension VerifyDifference {
    /// The difference as terminal lines for `verify`: `line`, or for a changed long HTML/Liquid value a
    /// line diff of the source against the target (`DriftDifference.lines`), as `plan` and `diff` show one.
    public var lines: [String] {
        let key = id.dataverseString + (name.map { " \"\($0)\"" } ?? "") + (targetID.map { " (target \($0.dataverseString))" } ?? "")
        let diff = DriftDifference(self, key: key).lines(source: "source", target: "target")
        return diff.count > 1 ? diff : [line]
    }
}

import Foundation
import PortalModel

/// Matches source records to target records (issue 6 "Identity"; peers-and-pain B04, B05, B41, B42).
///
/// 1. The source website maps onto the target website (`--targetWebSiteId`).
/// 2. A record whose id the target has (same table) matches by id.
/// 3. Otherwise, in table dependency order and parent first, by natural key (`IdentityRules`) with the
///    key's lookups already remapped, so a page matches only under its matched parent (two pages named
///    alike under different parents never merge). Only target records of the target website that no
///    other source record claimed are candidates; a CMT schema's `updateCompare` columns
///    (`compareColumns`, by table) are tried before the natural key. Two candidates are an ambiguity: reported as an
///    `ambiguous-match` error diagnostic, never guessed. Portal languages match by LCID even with `byKey` off.
public struct IdentityMatcher: Sendable {
    public let catalog: TableCatalog
    /// Source id → target id, for matched records whose ids differ.
    public private(set) var idMap: [UUID: UUID] = [:]
    /// How each matched source record matched, by source id.
    public private(set) var kind: [UUID: MatchKind] = [:]
    /// Ambiguous keys.
    public private(set) var diagnostics: [Diagnostic] = []
    /// Target ids already matched, by table: ids are unique within a table, not across tables (in the
    /// enhanced model a site language and its portal language share one id, research/pac-portal-format.md §5).
    private var claimed: [String: Set<UUID>] = [:]

    public init(catalog: TableCatalog) { self.catalog = catalog }

    /// Matches `r` by natural key to the one unclaimed target record among `candidates`; with more
    /// than one, reports an `ambiguous-match` naming `describing` (the key columns) and matches none.
    /// - Returns: false when the match was ambiguous, true otherwise (matched, or no candidate left).
    private mutating func claimNaturalKey(_ r: EntityRecord, table: String, among candidates: [UUID], describing: String) -> Bool {
        let found = candidates.filter { !(claimed[table]?.contains($0) ?? false) }.sorted { $0.dataverseString < $1.dataverseString }
        if found.count == 1 {
            idMap[r.id] = found[0]
            kind[r.id] = .naturalKey
            claimed[table, default: []].insert(found[0])
        } else if found.count > 1 {
            diagnostics.append(
                Diagnostic(
                    check: .ambiguousMatch,
                    message:
                        "\(found.count) target records have the same \(describing): \(found.map(\.dataverseString).joined(separator: ", ")); not guessing",
                    table: table, recordID: r.id, recordName: r.string("adx_name") ?? r.string("name")))
            return false
        }
        return true
    }

    /// Runs the matching; results are in `idMap`, `kind` and `diagnostics`.
    /// - Parameter targetIDsByTable: the target's ids by table, when two tables may share an id (the
    ///   enhanced view's site language and portal language); `nil` takes the table from `targetByID`.
    public mutating func match(
        source: PortalSnapshot, tableOrder: [String], sourceWebsiteID: UUID, targetWebsiteID: UUID,
        targetByID: [UUID: EntityRecord], targetSnapshot: PortalSnapshot, byKey: Bool,
        compareColumns: [String: [String]] = [:], targetIDsByTable: [String: Set<UUID>]? = nil
    ) {
        if sourceWebsiteID != targetWebsiteID {
            idMap[sourceWebsiteID] = targetWebsiteID
            kind[sourceWebsiteID] = .website
            for t in PortalTables.websiteTables { claimed[t, default: []].insert(targetWebsiteID) }
        }
        for table in tableOrder {
            for r in source.records[table] ?? [] where r.id != sourceWebsiteID || sourceWebsiteID == targetWebsiteID {
                let inTarget = targetIDsByTable.map { $0[table]?.contains(r.id) ?? false } ?? (targetByID[r.id]?.logicalName == table)
                if inTarget, !(claimed[table]?.contains(r.id) ?? false) {
                    kind[r.id] = .id
                    claimed[table, default: []].insert(r.id)
                }
            }
        }
        for table in tableOrder {
            guard byKey || table == "adx_portallanguage" else { continue }
            let candidates = targetSnapshot.records[table] ?? []
            guard !candidates.isEmpty else { continue }
            let rows = SelfDepth.sorted(source.records[table] ?? [])
            // CMT's `updateCompare` columns first (matched as declared, case-insensitively), then the
            // natural key on top for records they leave unmatched.
            var ambiguous = Set<UUID>()
            if byKey, let compare = compareColumns[table], !compare.isEmpty {
                ambiguous = matchByCompareColumns(rows, table: table, columns: compare, candidates: candidates)
            }
            matchByNaturalKey(rows.filter { !ambiguous.contains($0.id) }, table: table, candidates: candidates)
        }
    }

    /// Matches the unmatched `rows` of `table` by a CMT schema's `updateCompare` `columns` (as declared,
    /// case-insensitively) among `candidates`. - Returns: the ids of the rows whose match was ambiguous
    /// (reported; not matched again by natural key).
    private mutating func matchByCompareColumns(
        _ rows: [EntityRecord], table: String, columns compare: [String], candidates: [EntityRecord]
    ) -> Set<UUID> {
        var ambiguous = Set<UUID>()
        var index: [String: [UUID]] = [:]
        for c in candidates { if let v = IdentityRules.keyValue(c, columns: compare, idMap: [:]) { index[v, default: []].append(c.id) } }
        for r in rows where kind[r.id] == nil {
            guard let value = IdentityRules.keyValue(r, columns: compare, idMap: idMap) else { continue }
            if !claimNaturalKey(
                r, table: table, among: index[value] ?? [],
                describing: compare.joined(separator: " + ") + " (the schema's updateCompare columns)")
            {
                ambiguous.insert(r.id)
            }
        }
        return ambiguous
    }

    /// Matches the unmatched `rows` of `table` (parent first) by natural key (`IdentityRules`) among
    /// `candidates`, with the key's lookups remapped through the matches so far.
    private mutating func matchByNaturalKey(_ rows: [EntityRecord], table: String, candidates: [EntityRecord]) {
        var keyCache: [String: [String: [UUID]]] = [:]
        for r in rows where kind[r.id] == nil {
            let columns = IdentityRules.key(for: r, catalog: catalog)
            guard !columns.isEmpty, let value = IdentityRules.keyValue(r, columns: columns, idMap: idMap) else { continue }
            let cacheKey = columns.joined(separator: ",")
            if keyCache[cacheKey] == nil {
                var index: [String: [UUID]] = [:]
                for c in candidates {
                    // A content-page key only applies to content pages, a root-page key to root pages.
                    guard IdentityRules.key(for: c, catalog: catalog) == columns,
                        let v = IdentityRules.keyValue(c, columns: columns, idMap: [:])
                    else { continue }
                    index[v, default: []].append(c.id)
                }
                keyCache[cacheKey] = index
            }
            _ = claimNaturalKey(r, table: table, among: keyCache[cacheKey]?[value] ?? [], describing: columns.joined(separator: " + "))
        }
    }
}

/// Orders a table's records parent first by their lookups to records of the same table (parent page,
/// root page, parent link, parent permission); cycles are cut where found.
public enum SelfDepth {
    /// Depth of each record: 0 without a same-table parent among `records`, else 1 + the parent's depth.
    public static func depths(_ records: [EntityRecord]) -> [UUID: Int] {
        let ids = Set(records.map(\.id))
        var parents: [UUID: [UUID]] = [:]
        for r in records {
            parents[r.id] = r.columns.keys.sorted().compactMap { c in
                guard let ref = r.columns[c]?.reference, ref.logicalName == r.logicalName, ref.id != r.id, ids.contains(ref.id) else { return nil }
                return ref.id
            }
        }
        var depth: [UUID: Int] = [:]
        var visiting = Set<UUID>()
        func visit(_ id: UUID) -> Int {
            if let d = depth[id] { return d }
            if visiting.contains(id) { return 0 }
            visiting.insert(id)
            let d = (parents[id] ?? []).map { visit($0) + 1 }.max() ?? 0
            visiting.remove(id)
            depth[id] = d
            return d
        }
        for r in records { _ = visit(r.id) }
        return depth
    }

    /// The records sorted by depth, then id.
    public static func sorted(_ records: [EntityRecord]) -> [EntityRecord] {
        let d = depths(records)
        return records.sorted { (d[$0.id] ?? 0, $0.id.dataverseString) < (d[$1.id] ?? 0, $1.id.dataverseString) }
    }
}

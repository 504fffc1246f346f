import Foundation
import PortalModel

/// Which website a plan reads and writes: the source website and the target website it maps onto
/// (`--targetWebSiteId`, else the same id), or, for a source without a website (a CMT package of
/// languages and settings, or of any tables), no website at all: the plan then covers the source's
/// tables (`websiteScoped` false, both ids `PortalTables.noWebsite`).
struct WebsiteScope: Sendable, Hashable {
    var sourceWebsiteID: UUID
    var targetWebsiteID: UUID
    var websiteScoped: Bool

    /// The scope of `source`: its `websiteID`, else the id of the first record of a website table (by
    /// table name), else no website. `targetWebsiteID` (`PlanOptions.targetWebsiteID`) maps the source
    /// website onto another; it is ignored without a source website.
    static func of(_ source: PortalSnapshot, targetWebsiteID: UUID?) -> WebsiteScope {
        let first = PortalTables.websiteTables.sorted().compactMap { source.records[$0]?.first?.id }.first
        guard let id = source.websiteID ?? first else {
            return WebsiteScope(sourceWebsiteID: PortalTables.noWebsite, targetWebsiteID: PortalTables.noWebsite, websiteScoped: false)
        }
        return WebsiteScope(sourceWebsiteID: id, targetWebsiteID: targetWebsiteID ?? id, websiteScoped: true)
    }
}

/// The target side of a plan, read once and indexed: the target's records in scope (the target
/// website's records, or every record of the source's tables without a website, plus every portal
/// language of the environment), the target records that carry a source id outside that scope, and
/// the table definitions. Every later stage looks target records up here instead of reading again.
///
/// Ids are unique within a table, not across tables (the enhanced view gives a site language and its
/// portal language one id, research/pac-portal-format.md §5): `byTable` is the exact index, `byID` one
/// record per id (in scope: the last table by name holding it; a record in scope wins over one read
/// outside it).
struct TargetIndex: Sendable {
    var scope: WebsiteScope
    /// The target's table definitions by logical name.
    var definitions: [String: TableDefinition]
    /// The records in scope as read (with every portal language), and their links and bodies.
    var snapshot: PortalSnapshot
    /// True when the target website exists in the target (always true without a website).
    var websiteExists: Bool
    /// System columns a plan by table keeps on its records (a CMT import naming owner, business
    /// unit, currency); empty for a website-scoped plan.
    var keptSystemColumns: Set<String>
    /// One target record per id: in scope (the last table by name holding the id), else read outside scope.
    private(set) var byID: [UUID: EntityRecord] = [:]
    /// Target records by table, then id: in scope and read outside scope.
    private(set) var byTable: [String: [UUID: EntityRecord]] = [:]
    /// Ids of the records in scope (`snapshot`'s records); what `--prune` may delete.
    let inScope: Set<UUID>
    /// File bodies of the target (`snapshot.bodies` and the notes read outside scope).
    var bodies: [FileBodyKey: FileBody]
    /// Enhanced model only: components of other sites of the environment carrying a source id
    /// (the enhanced view shows one site), by id, for the `other-site-records` check.
    var componentsElsewhere: [UUID: EntityRecord] = [:]

    /// Indexes `snapshot` (the records in scope). Pure.
    init(
        scope: WebsiteScope, definitions: [String: TableDefinition], snapshot: PortalSnapshot, websiteExists: Bool,
        keptSystemColumns: Set<String> = []
    ) {
        self.scope = scope
        self.definitions = definitions
        self.snapshot = snapshot
        self.websiteExists = websiteExists
        self.keptSystemColumns = keptSystemColumns
        for table in snapshot.records.keys.sorted() {
            for r in snapshot.records[table] ?? [] {
                byID[r.id] = r
                byTable[table, default: [:]][r.id] = r
            }
        }
        inScope = Set(byID.keys)
        bodies = snapshot.bodies
    }

    /// The target record of `table` with `id`, in scope or read outside it.
    func record(_ table: String, _ id: UUID) -> EntityRecord? { byTable[table]?[id] }

    /// True when the target has a record with `id` (any table) among those read.
    func has(_ id: UUID) -> Bool { byID[id] != nil }

    /// Adds a target record read outside scope (a source id the target holds under another website, or
    /// under none): `byTable` takes it, `byID` only when no record of that id is known yet.
    mutating func addOutsideScope(_ row: EntityRecord, table: String) {
        if byID[row.id] == nil { byID[row.id] = row }
        byTable[table, default: [:]][row.id] = row
    }

    /// The records read outside scope, by table then id (tables without any left out).
    var outsideScope: [String: [UUID: EntityRecord]] {
        byTable.mapValues { $0.filter { !inScope.contains($0.key) } }.filter { !$0.value.isEmpty }
    }

    /// The source ids of `source`'s records the index lacks in their own table.
    func absentIDs(of source: PortalSnapshot) -> [String: Set<UUID>] {
        var out: [String: Set<UUID>] = [:]
        for (table, rows) in source.records {
            let absent = Set(rows.map(\.id).filter { byTable[table]?[$0] == nil })
            if !absent.isEmpty { out[table] = absent }
        }
        return out
    }
}

extension Planner {
    /// The target-index stage: reads the target side of a plan of `source` (see `TargetIndex`).
    /// Reads: the table definitions; the target website's snapshot (or, without a website, every record
    /// and link of the source's tables and relationships); every portal language (a global table,
    /// matched by LCID); the records of the source's ids the scope lacks, by id per table (with a note's
    /// body); on an enhanced target, components of other sites with a source id.
    /// - Throws: `DataverseError` from the target (a failed read of other sites' components is ignored:
    ///   it only feeds a check).
    func targetIndex(of source: PortalSnapshot, options: PlanOptions, reader: SnapshotReader) async throws -> TargetIndex {
        let definitions = try await reader.definitionsByName()
        let scope = WebsiteScope.of(source, targetWebsiteID: options.targetWebsiteID)
        var snapshot: PortalSnapshot
        let exists: Bool
        if scope.websiteScoped {
            snapshot = try await reader.read(websiteID: scope.targetWebsiteID)
            exists = PortalTables.websiteTables.contains { t in snapshot.records[t]?.contains { $0.id == scope.targetWebsiteID } ?? false }
        } else {
            snapshot = try await reader.read(
                tables: Set(source.records.filter { !$0.value.isEmpty }.keys),
                relationships: Set(source.links.keys), keeping: options.keptSystemColumns)
            exists = true
        }
        if let language = definitions["adx_portallanguage"] {
            let have = Set(snapshot.records["adx_portallanguage"]?.map(\.id) ?? [])
            for r in try await target.retrieveAll(RecordQuery("adx_portallanguage")) where !have.contains(r.id) {
                snapshot.add(PortalTables.dataColumns(of: r, primaryID: language.primaryIDColumn))
            }
        }
        var index = TargetIndex(
            scope: scope, definitions: definitions, snapshot: snapshot, websiteExists: exists,
            keptSystemColumns: scope.websiteScoped ? [] : options.keptSystemColumns)
        // Source ids outside the target website's scope may still exist in the target (created earlier).
        for (table, ids) in index.absentIDs(of: source).sorted(by: { $0.key < $1.key }) {
            guard let def = definitions[table] else { continue }
            for r in try await reader.readByIDs(table, column: def.primaryIDColumn, ids: ids) {
                index.addOutsideScope(
                    PortalTables.dataColumns(of: r, primaryID: def.primaryIDColumn, keeping: index.keptSystemColumns), table: table)
                if table == "annotation" {
                    let key = FileBodyKey("annotation", r.id, "documentbody")
                    if let d = try await target.downloadFile(key) { index.bodies[key] = .data(d) }
                }
            }
        }
        if scope.websiteScoped {
            index.componentsElsewhere = try await componentsOfOtherSites(Set(index.absentIDs(of: source).values.joined()))
        }
        return index
    }
}

import Foundation
import PortalModel

/// Reads one website's portal configuration from any `DataverseService` into a `PortalSnapshot`.
///
/// Which records: every portal table (standard or enhanced model, `PortalTables.isPortalTable`) that
/// the service has, filtered to the website through the lookup chain to the website table:
/// - the website row itself (`adx_website`/`powerpagesite`) by id;
/// - tables with a lookup to a website table, by that lookup (`adx_websiteid eq ID`);
/// - tables whose only way to the website is a lookup to an already read table (web links through their
///   web link set, form steps through their advanced form, metadata through their form), by every such
///   lookup (`In` over the parent ids, in chunks), repeated until no new record is read, so a child is
///   found through any of its parents (a web link without a page still comes through its set);
/// - global tables (portal languages) by the ids the website's records reference;
/// - notes (`annotation`) whose `objectid` is a web file of the website, with their `documentbody` as
///   file bodies (`FileBodyKey("annotation", id, "documentbody")`) downloaded in groups and kept on
///   disk (`BodySpool`, `FileBody.file`), never all in memory.
/// N:N links of relationships whose two tables are portal tables, keeping links whose both ends were read.
///
/// System columns (`PortalTables.systemColumns`) are dropped so snapshots from services and files compare.
public struct SnapshotReader: Sendable {
    public let service: any DataverseService
    public let catalog: TableCatalog
    /// Most ids per `In` filter when reading child tables by parent id.
    public var chunkSize = 200
    /// System columns kept in the snapshot for every table (dropped by default): a pac download keeps
    /// `importsequencenumber` and `timezoneruleversionnumber` (research/pac-portal-format.md §2).
    public var keptSystemColumns: Set<String> = []
    /// System columns kept for one table, by logical name (pac writes `versionnumber` for `adx_botconsumer`).
    public var keptSystemColumnsByTable: [String: Set<String>] = [:]

    public init(service: any DataverseService, catalog: TableCatalog = .standard) {
        self.service = service
        self.catalog = catalog
    }

    /// Reads the website's snapshot, in steps (`SnapshotReader+Steps.swift`): `readWebsiteRows`,
    /// `readWebsiteTables`, `readChildTables`, `readGlobalTables`, `readWebFileNotes`, `readLinks`.
    /// - Parameter websiteID: the `adx_websiteid` or `powerpagesiteid`.
    /// - Returns: the snapshot; its `websiteID` is set. Empty (no records) when the website does not exist.
    /// - Throws: `DataverseError` from the service.
    public func read(websiteID: UUID) async throws -> PortalSnapshot {
        let defs = try await definitionsByName()
        let portalTables = defs.keys.filter { PortalTables.isPortalTable($0, catalog: catalog) && $0 != "annotation" }
        var state = SnapshotReadState(
            snapshot: PortalSnapshot(websiteID: websiteID), pending: Set(portalTables),
            tally: ReadTally(total: portalTables.count + (defs["annotation"] == nil ? 0 : 1)))
        try await readWebsiteRows(&state, websiteID: websiteID, definitions: defs)
        guard state.readIDs.values.contains(where: { !$0.isEmpty }) else {
            state.tally.finish()
            return state.snapshot
        }
        try await readWebsiteTables(&state, websiteID: websiteID, definitions: defs)
        try await readChildTables(&state, definitions: defs)
        try await readGlobalTables(&state, definitions: defs)
        try await readWebFileNotes(&state, definitions: defs)
        try await readLinks(&state, definitions: defs)
        for t in state.snapshot.records.keys { state.snapshot.records[t]?.sort { $0.id.dataverseString < $1.id.dataverseString } }
        state.tally.finish()
        return state.snapshot
    }

    /// Every record of `table` whose `column` is one of `ids`, read in chunks of `chunkSize` ids
    /// (side by side, `ConcurrentReads`); in chunk order.
    /// - Throws: what the service throws.
    /// - Parameter columns: the columns to read (`nil`: every column).
    public func readByIDs(_ table: String, column: String, ids: Set<UUID>, columns: [String]? = nil) async throws -> [EntityRecord] {
        try await readByIDs([(table, column, ids)], columns: columns).first ?? []
    }

    /// Several `readByIDs` queries at once: every chunk of every query side by side.
    /// - Parameters:
    ///   - onChunk: called in the calling task with each chunk's table and records as it arrives.
    ///   - cleaning: table definitions by logical name: each page of a table defined there is cleaned
    ///     (`clean`) as it arrives, so the raw rows are never held beside the cleaned ones (issue 20).
    /// - Returns: one array of records per query, in the queries' order.
    /// - Throws: what the service throws.
    func readByIDs(
        _ queries: [(table: String, column: String, ids: Set<UUID>)], columns: [String]? = nil,
        cleaning: [String: TableDefinition] = [:],
        onChunk: (String, [EntityRecord]) -> Void = { _, _ in }
    ) async throws -> [[EntityRecord]] {
        var chunks: [(query: Int, table: String, column: String, ids: ArraySlice<UUID>)] = []
        for (q, query) in queries.enumerated() {
            let sorted = query.ids.sorted { $0.dataverseString < $1.dataverseString }
            var start = 0
            while start < sorted.count {
                chunks.append((q, query.table, query.column, sorted[start..<min(start + chunkSize, sorted.count)]))
                start += chunkSize
            }
        }
        let rows = try await ConcurrentReads.map(
            chunks.map { ($0.table, $0.column, Array($0.ids)) },
            onResult: { i, r in onChunk(chunks[i].table, r) }
        ) { [self] table, column, ids in
            try await retrieveAll(
                RecordQuery(table, columns: columns, filter: .in(column, ids.map { .guid($0) })), cleaning: cleaning[table])
        }
        var out = [[EntityRecord]](repeating: [], count: queries.count)
        for (c, r) in zip(chunks, rows) { out[c.query] += r }
        return out
    }

    /// Most file body bytes (by the notes' `filesize`) asked for in one read of notes with their bodies.
    static let bodyGroupBytes = 4 * 1024 * 1024
    /// Most notes in one such read.
    static let bodyGroupNotes = 50
    /// Such reads in flight at once.
    static let bodyReadWidth = 4

    /// The note ids of `listed` in groups of at most `bodyGroupNotes` notes and about `bodyGroupBytes`
    /// bytes of body (a note without a `filesize` counts 1 MiB; a larger body is a group of its own).
    static func bodyGroups(_ listed: [EntityRecord]) -> [[UUID]] {
        var groups: [[UUID]] = []
        var current: [UUID] = []
        var bytes = 0
        var seen = Set<UUID>()
        for note in listed where seen.insert(note.id).inserted {
            var size = 1024 * 1024
            switch note["filesize"] {
            case .integer(let n)?: size = max(0, Int(n))
            case .bigInt(let n)?: size = max(0, Int(clamping: n))
            default: break
            }
            if !current.isEmpty && (current.count >= bodyGroupNotes || bytes + size > bodyGroupBytes) {
                groups.append(current)
                current = []
                bytes = 0
            }
            current.append(note.id)
            bytes += size
        }
        if !current.isEmpty { groups.append(current) }
        return groups
    }

    /// Reads the notes `ids` and spools their bodies.
    ///
    /// A service that keeps its bodies in the process (`DataverseService.fileStore`: the embedded
    /// environment) is asked for the notes without `documentbody` and hands each body over as bytes
    /// (`downloadFile`), so no body becomes base64 text inside the process. From any other service (the
    /// Web API) the notes come with every column, `documentbody` in the Web API's form, base64 text in
    /// the answer (research/dataverse-webapi.md §9.1), decoded here; a note without one has its body
    /// downloaded (`downloadFile`).
    /// - Returns: the notes without `documentbody`, their bodies as `FileBody.file`, and the body bytes.
    /// - Throws: what the service throws; `BodySpool` errors.
    static func readNotesWithBodies(
        _ ids: [UUID], definition: TableDefinition, service: any DataverseService
    ) async throws -> (notes: [EntityRecord], bodies: [(FileBodyKey, FileBody)], bytes: Int) {
        let inProcess = service.fileStore != nil
        let columns = inProcess ? definition.columns.map(\.logicalName).filter { $0 != "documentbody" } : nil
        var notes = try await service.retrieveAll(
            RecordQuery("annotation", columns: columns, filter: .in(definition.primaryIDColumn, ids.map { .guid($0) })))
        var bodies: [(FileBodyKey, FileBody)] = []
        var bytes = 0
        for i in notes.indices {
            let key = FileBodyKey("annotation", notes[i].id, "documentbody")
            let inline = notes[i].columns.removeValue(forKey: "documentbody")
            let data: Data?
            if !inProcess, case .string(let b64)? = inline, let d = Data(base64Encoded: b64) {
                data = d
            } else {
                data = try await service.downloadFile(key)
            }
            if let data {
                bodies.append((key, try BodySpool.shared.keep(data)))
                bytes += data.count
            }
        }
        return (notes, bodies, bytes)
    }

    /// Every record of `query`, page by page as `DataverseService.retrieveAll` reads them, each page
    /// cleaned (`clean`, by `definition`) as it arrives: the raw page (every system column the service
    /// returns) is dropped before the next is read, so a table is never held twice (issue 20: the
    /// read-back of the benchmark's L upload held 98 MB of raw rows beside 73 MB of cleaned ones).
    /// - Parameter definition: the table's definition; `nil` keeps the rows as read.
    /// - Throws: what `retrieve` throws; `DataverseError` when a page token repeats.
    func retrieveAll(_ query: RecordQuery, cleaning definition: TableDefinition?) async throws -> [EntityRecord] {
        guard let definition else { return try await service.retrieveAll(query) }
        return try await Self.retrieveAll(query, from: service) { clean($0, definition) }
    }

    /// Every record of `query` read from `service` page by page, `transform` applied to each record of
    /// a page as it arrives (the page itself is dropped before the next is read).
    /// - Throws: what `retrieve` throws; `DataverseError` when a page token repeats.
    static func retrieveAll(
        _ query: RecordQuery, from service: any DataverseService, transform: (EntityRecord) -> EntityRecord
    ) async throws -> [EntityRecord] {
        var all: [EntityRecord] = []
        var token: String? = nil
        var seen = Set<String>()
        repeat {
            let page = try await service.retrieve(query, pageSize: 5000, page: token)
            for r in page.records { all.append(transform(r)) }
            token = page.nextPage
            if let t = token, !seen.insert(t).inserted {
                throw DataverseError(code: "pm:paging", message: "the server returned the same next page twice", logicalName: query.table)
            }
            if let top = query.top, all.count >= top { return Array(all.prefix(top)) }
        } while token != nil
        return all
    }

    /// The service's table definitions by logical name.
    public func definitionsByName() async throws -> [String: TableDefinition] {
        var d: [String: TableDefinition] = [:]
        for t in try await service.tableDefinitions() { d[t.logicalName] = t }
        return d
    }

    func clean(_ r: EntityRecord, _ def: TableDefinition) -> EntityRecord {
        var out = r
        let kept = keptSystemColumns.union(keptSystemColumnsByTable[def.logicalName] ?? [])
        out.columns = r.columns.filter {
            PortalTables.isDataColumn($0.key, primaryID: def.primaryIDColumn) || (kept.contains($0.key) && $0.key != def.primaryIDColumn)
        }
        return out
    }
}

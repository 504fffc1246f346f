import Foundation
import PortalModel

/// What `SnapshotReader.read` has read so far, handed from step to step: the snapshot, the ids read by
/// table, the portal tables not reached yet, and the progress tally.
struct SnapshotReadState {
    var snapshot: PortalSnapshot
    /// Ids read, by table (a table queried with no record found has an empty set).
    var readIDs: [String: Set<UUID>] = [:]
    /// Portal tables (notes excepted) not read yet.
    var pending: Set<String>
    var tally: ReadTally

    /// Adds `rows` of `table` (already cleaned, `SnapshotReader.retrieveAll(_:cleaning:)`) to the
    /// snapshot and their ids to `readIDs`.
    mutating func store(_ table: String, _ rows: [EntityRecord]) {
        snapshot.records[table, default: []].append(contentsOf: rows)
        readIDs[table, default: []].formUnion(rows.map(\.id))
    }
}

/// One query of records by the ids in one of their columns (`In`, in chunks): a child table by a
/// lookup to read parents, or a global table by its primary id.
struct IDQuery: Sendable, Hashable {
    var table: String
    var column: String
    var ids: Set<UUID>
}

/// The steps of `SnapshotReader.read`, in order; the choice of what to query is a static function of
/// what was read (unit-tested on hand-built definitions), the reads are the instance methods.
extension SnapshotReader {
    // MARK: 1. Website rows

    /// Reads the website row of each website table (by primary id).
    func readWebsiteRows(_ state: inout SnapshotReadState, websiteID: UUID, definitions defs: [String: TableDefinition]) async throws {
        for table in PortalTables.websiteTables.sorted() where state.pending.contains(table) {
            guard let def = defs[table] else { continue }
            let rows = try await retrieveAll(RecordQuery(table, filter: .equal(def.primaryIDColumn, .guid(websiteID))), cleaning: def)
            state.store(table, rows)
            state.pending.remove(table)
            state.tally.table(table, records: rows.count)
        }
    }

    // MARK: 2. Tables with a lookup to a website table

    /// The pending tables with a lookup to a website table, with the lookup to read them by
    /// (`adx_websiteid`/`powerpagesiteid` when there, else the first), in table order.
    static func websiteLookups(pending: Set<String>, definitions defs: [String: TableDefinition]) -> [(table: String, column: String)] {
        pending.sorted().compactMap { table in
            guard let def = defs[table] else { return nil }
            let lookups = def.lookups.filter { col in col.targets.contains { PortalTables.websiteTables.contains($0) } }
            guard let first = lookups.first else { return nil }
            let preferred = lookups.first { $0.logicalName == "adx_websiteid" || $0.logicalName == "powerpagesiteid" } ?? first
            return (table, preferred.logicalName)
        }
    }

    /// Reads every table `websiteLookups` names, side by side, each page cleaned as it arrives.
    func readWebsiteTables(_ state: inout SnapshotReadState, websiteID: UUID, definitions defs: [String: TableDefinition]) async throws {
        let direct = Self.websiteLookups(pending: state.pending, definitions: defs)
        var tally = state.tally
        let rows = try await ConcurrentReads.map(direct, onResult: { i, rows in tally.table(direct[i].table, records: rows.count) }) {
            [self] table, column in
            try await retrieveAll(RecordQuery(table, filter: .equal(column, .guid(websiteID))), cleaning: defs[table])
        }
        state.tally = tally
        for (d, rows) in zip(direct, rows) where defs[d.table] != nil {
            state.store(d.table, rows)
            state.pending.remove(d.table)
        }
    }

    // MARK: 3. Child tables

    /// The pending tables reachable through lookups to read tables (or to other such tables), found
    /// until no more is: a lookup to the table itself does not count.
    static func childTables(pending: Set<String>, readTables: Set<String>, definitions defs: [String: TableDefinition]) -> Set<String> {
        var children = Set<String>()
        var grew = true
        while grew {
            grew = false
            for table in pending.subtracting(children).sorted() {
                guard let def = defs[table] else { continue }
                if def.lookups.contains(where: { col in col.targets.contains { $0 != table && (readTables.contains($0) || children.contains($0)) } })
                {
                    children.insert(table)
                    grew = true
                }
            }
        }
        return children
    }

    /// One round of child queries: per child table, lookup and parent table, the parent ids not queried
    /// yet by that lookup (recorded in `queried`, keyed `table.column`), in table and lookup order.
    static func childRound(
        _ children: Set<String>, readIDs: [String: Set<UUID>], queried: inout [String: Set<UUID>],
        definitions defs: [String: TableDefinition]
    ) -> [IDQuery] {
        var round: [IDQuery] = []
        for table in children.sorted() {
            guard let def = defs[table] else { continue }
            for lookup in def.lookups.sorted(by: { $0.logicalName < $1.logicalName }) {
                for target in lookup.targets.sorted() where target != table {
                    guard let parents = readIDs[target] else { continue }
                    let key = table + "." + lookup.logicalName
                    let fresh = parents.subtracting(queried[key] ?? [])
                    guard !fresh.isEmpty else { continue }
                    queried[key, default: []].formUnion(fresh)
                    round.append(IDQuery(table: table, column: lookup.logicalName, ids: fresh))
                }
            }
        }
        return round
    }

    /// Reads the child tables through every lookup to a read table, round after round until a round
    /// reads nothing new: a web link is reached through its web link set even when its page lookup is
    /// empty, and parents read in a later round are queried too. Each round's queries run side by side.
    func readChildTables(_ state: inout SnapshotReadState, definitions defs: [String: TableDefinition]) async throws {
        let children = Self.childTables(pending: state.pending, readTables: Set(state.readIDs.keys), definitions: defs)
        var queried: [String: Set<UUID>] = [:]
        var progress = true
        while progress {
            progress = false
            let round = Self.childRound(children, readIDs: state.readIDs, queried: &queried, definitions: defs)
            var counted = Set<UUID>()
            let readIDs = state.readIDs
            var tally = state.tally
            let found = try await readByIDs(
                round.map { ($0.table, $0.column, $0.ids) }, cleaning: defs,
                onChunk: { table, rows in
                    tally.records(rows.filter { !(readIDs[table]?.contains($0.id) ?? false) && counted.insert($0.id).inserted }.count)
                })
            state.tally = tally
            for (q, rows) in zip(round, found) {
                guard defs[q.table] != nil else { continue }
                let known = state.readIDs[q.table] ?? []
                var seen = Set<UUID>()
                let unique = rows.filter { !known.contains($0.id) && seen.insert($0.id).inserted }
                if !unique.isEmpty {
                    state.store(q.table, unique)
                    progress = true
                } else if state.readIDs[q.table] == nil {
                    state.readIDs[q.table] = []
                }
            }
        }
        state.pending.subtract(children)
        state.tally.tablesDone(children.count)
    }

    // MARK: 4. Global tables

    /// The pending tables the read records reference (portal languages…), by primary id.
    static func globalQueries(pending: Set<String>, records: [String: [EntityRecord]], definitions defs: [String: TableDefinition]) -> [IDQuery] {
        var referenced: [String: Set<UUID>] = [:]
        for rows in records.values {
            for r in rows {
                for v in r.columns.values {
                    if let ref = v.reference, pending.contains(ref.logicalName) { referenced[ref.logicalName, default: []].insert(ref.id) }
                }
            }
        }
        return pending.sorted().compactMap { table in
            guard let def = defs[table], let ids = referenced[table], !ids.isEmpty else { return nil }
            return IDQuery(table: table, column: def.primaryIDColumn, ids: ids)
        }
    }

    /// Reads the records of global tables that the website's records reference.
    func readGlobalTables(_ state: inout SnapshotReadState, definitions defs: [String: TableDefinition]) async throws {
        let globals = Self.globalQueries(pending: state.pending, records: state.snapshot.records, definitions: defs)
        for (g, rows) in zip(globals, try await readByIDs(globals.map { ($0.table, $0.column, $0.ids) }, cleaning: defs)) {
            guard defs[g.table] != nil else { continue }
            state.store(g.table, rows)
            state.pending.remove(g.table)
            state.tally.table(g.table, records: rows.count)
        }
    }

    // MARK: 5. Notes of web files

    /// Reads the notes of the web files read, ids and sizes first, then the notes with their bodies in
    /// groups of about `bodyGroupBytes` (`bodyGroups`), each group's bodies spooled to disk (`BodySpool`)
    /// as it arrives, so the bodies held in memory at once stay near `bodyReadWidth` groups.
    func readWebFileNotes(_ state: inout SnapshotReadState, definitions defs: [String: TableDefinition]) async throws {
        guard let noteDef = defs["annotation"], let ids = state.readIDs["adx_webfile"], !ids.isEmpty else { return }
        let sizeColumns = noteDef.column("filesize") == nil ? [noteDef.primaryIDColumn] : [noteDef.primaryIDColumn, "filesize"]
        let listed = try await readByIDs("annotation", column: "objectid", ids: ids, columns: sizeColumns)
        var bodiesDone = 0, bodyBytes = 0
        let total = listed.count
        let service = self.service
        let read = try await ConcurrentReads.map(
            Self.bodyGroups(listed), width: Self.bodyReadWidth,
            onResult: { _, r in
                bodiesDone += r.notes.count
                bodyBytes += r.bytes
                ProgressSink.emit(.fileBodiesRead(done: bodiesDone, total: total, bytes: bodyBytes))
            }
        ) { group in try await Self.readNotesWithBodies(group, definition: noteDef, service: service) }
        var notes = 0
        for r in read {
            notes += r.notes.count
            for (key, body) in r.bodies { state.snapshot.bodies[key] = body }
            for note in r.notes { state.snapshot.add(clean(note, noteDef)) }
        }
        state.tally.table("annotation", records: notes)
    }

    // MARK: 6. N:N links

    /// The N:N relationships between portal tables whose first side has read records (and whose second
    /// side was read), each once, in table order, with the ids read on each side.
    static func linkQueries(readIDs: [String: Set<UUID>], definitions defs: [String: TableDefinition], catalog: TableCatalog)
        -> [(name: String, firstIDs: Set<UUID>, secondIDs: Set<UUID>)]
    {
        var seen = Set<String>()
        var out: [(name: String, firstIDs: Set<UUID>, secondIDs: Set<UUID>)] = []
        for def in defs.values.sorted(by: { $0.logicalName < $1.logicalName }) {
            for rel in def.relationships where seen.insert(rel.name).inserted {
                guard PortalTables.isPortalTable(rel.entity1, catalog: catalog), PortalTables.isPortalTable(rel.entity2, catalog: catalog),
                    let firstIDs = readIDs[rel.entity1], !firstIDs.isEmpty, let secondIDs = readIDs[rel.entity2]
                else { continue }
                out.append((rel.name, firstIDs, secondIDs))
            }
        }
        return out
    }

    /// Reads the links of `linkQueries`, one relationship per read, side by side, keeping the links
    /// whose both ends were read.
    func readLinks(_ state: inout SnapshotReadState, definitions defs: [String: TableDefinition]) async throws {
        let relationships = Self.linkQueries(readIDs: state.readIDs, definitions: defs, catalog: catalog)
        let service = self.service
        let linkSets = try await ConcurrentReads.map(relationships.map { ($0.name, $0.firstIDs) }) { name, firstIDs in
            try await service.retrieveLinks(relationship: name, firstIDs: firstIDs)
        }
        for (rel, links) in zip(relationships, linkSets) {
            for l in links where rel.firstIDs.contains(l.first.id) && rel.secondIDs.contains(l.second.id) {
                state.snapshot.link(rel.name, l)
            }
        }
    }
}

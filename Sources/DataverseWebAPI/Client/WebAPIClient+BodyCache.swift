import Foundation
import PortalModel

/// The client's `BodyVersionCache`, opened once the environment's organization id is known.
actor BodyCacheHolder {
    private var cache: BodyVersionCache?
    private var resolved = false

    func cache(_ open: () async -> BodyVersionCache?) async -> BodyVersionCache? {
        if !resolved {
            cache = await open()
            resolved = true
        }
        return cache
    }
}

extension WebAPIClient {
    /// Most note bodies read at once when filling a page from the environment.
    static let bodyReadWidth = 16

    /// The cache for this environment, `nil` when `Configuration.bodyCacheDirectory` is not set or the
    /// organization id cannot be read.
    func bodyCache() async -> BodyVersionCache? {
        guard let root = configuration.bodyCacheDirectory else { return nil }
        return await bodyCacheHolder.cache {
            guard let who = try? await whoAmI() else { return nil }
            return BodyVersionCache(
                folder: BodyVersionCache.folder(
                    dataDirectory: root, environmentURL: configuration.environmentURL,
                    organizationID: who.organizationID))
        }
    }

    /// Whether `retrieve` answers `query` through the cache: a read of a portal table (`adx_*`,
    /// `powerpage*`, `mspp_*`) or of notes, when a cache directory is configured.
    func readsThroughCache(_ query: RecordQuery) -> Bool {
        guard configuration.bodyCacheDirectory != nil else { return false }
        let t = query.table
        return t == "annotation" || t.hasPrefix("adx_") || t.hasPrefix("powerpage") || t.hasPrefix("mspp_")
    }

    /// Most ids in one read of the records whose version moved.
    static let changedReadChunk = 100

    /// A page of records through the cache (issue 20), the same records `retrievePage` gives:
    /// 1. the page is read with the primary id only (`$select=<id>`): ids and ETags (Dataverse sends
    ///    `@odata.etag`, `W/"<versionnumber>"`, on every record whatever `$select` says);
    /// 2. a record whose ETag and selected columns are those kept comes from the cache; the others are
    ///    read by id (`In` over at most `changedReadChunk` ids, as many reads side by side as requests
    ///    in flight are advised) and kept with the ETag they came with, one append per read (`RecordLog`);
    ///    a record without an ETag is always read; one deleted meanwhile is left out;
    /// 3. notes are read without `documentbody`; each body comes from the cache when the note's version
    ///    is the one kept, else from the environment (`annotations(<id>)?$select=documentbody`, kept
    ///    with the ETag of that answer).
    /// - Throws: what the reads throw.
    func retrieveThroughCache(_ query: RecordQuery, pageSize: Int, page: String?, cache: BodyVersionCache) async throws -> RecordPage {
        let table = try await tableMetadata(query.table)
        let pk = table.definition.primaryIDColumn
        let notes = query.table == "annotation"
        let wantsBody = notes && (query.columns?.contains("documentbody") ?? true)
        var fetchColumns = query.columns
        if notes { fetchColumns = (query.columns ?? table.definition.columns.map(\.logicalName)).filter { $0 != "documentbody" } }
        let selection = fetchColumns.map { $0.sorted().joined(separator: ",") } ?? "*"
        // The row's `modifiedon` beside its ETag, when the table has one (BodyVersionCache.versionKey).
        let stamped = table.definition.columns.contains { $0.logicalName == "modifiedon" }
        if stamped, let cols = fetchColumns, !cols.contains("modifiedon") { fetchColumns = cols + ["modifiedon"] }
        var keysOnly = query
        keysOnly.columns = stamped ? [pk, "modifiedon"] : [pk]
        let (idPage, tags, idItems) = try await retrievePage(keysOnly, pageSize: pageSize, page: page)
        let etags: [String?] = tags.indices.map { i in
            tags[i].map { BodyVersionCache.versionKey(etag: $0, modifiedOn: i < idItems.count ? idItems[i]["modifiedon"]?.stringValue : nil) }
        }
        let coding = RecordCoding(table: table) { $0 }
        let fetched = fetchColumns.map(Set.init)
        func decode(_ item: JSONValue) throws -> EntityRecord {
            var r = try coding.decode(item)
            if let fetched, r.columns.keys.contains(where: { !fetched.contains($0) }) { r.columns = r.columns.filter { fetched.contains($0.key) } }
            return r
        }
        var records = [EntityRecord?](repeating: nil, count: idPage.records.count)
        var missing: [UUID] = []
        for (i, key) in idPage.records.enumerated() {
            if let etag = etags[i], let item = cache.record(query.table, id: key.id, etag: etag, selection: selection),
                let r = try? decode(item), r.id == key.id
            {
                records[i] = r
            } else {
                missing.append(key.id)
            }
        }
        var read: [UUID: EntityRecord] = [:]
        var chunks: [ArraySlice<UUID>] = []
        var start = 0
        while start < missing.count {
            chunks.append(missing[start..<min(missing.count, start + Self.changedReadChunk)])
            start += Self.changedReadChunk
        }
        // The chunks side by side, as many as the requests the environment advises in flight (the gate
        // bounds the total): one after another, the read-back of a table of thousands of records was tens
        // of round trips in a row while the other slots stood idle (issue 20, wall ÷ floor).
        let width = max(1, await gate.limit)
        let columns = fetchColumns
        try await withThrowingTaskGroup(of: [(EntityRecord, JSONValue)].self) { group in
            var next = 0
            func add() {
                guard next < chunks.count else { return }
                let ids = chunks[next]
                next += 1
                group.addTask {
                    let q = RecordQuery(query.table, columns: columns, filter: .in(pk, ids.map { .guid($0) }))
                    var out: [(EntityRecord, JSONValue)] = []
                    var token: String? = nil
                    var seen = Set<String>()
                    repeat {
                        let (p, _, items) = try await self.retrievePage(q, pageSize: 5000, page: token)
                        out.append(contentsOf: zip(p.records, items))
                        token = p.nextPage
                        if let t = token, !seen.insert(t).inserted { break }
                    } while token != nil
                    return out
                }
            }
            for _ in 0..<width { add() }
            while let part = try await group.next() {
                for (r, _) in part { read[r.id] = r }
                cache.remember(query.table, selection: selection, items: part.map { ($0.0.id, $0.1) })
                add()
            }
        }
        var result = RecordPage(records: [], nextPage: idPage.nextPage, totalCount: idPage.totalCount)
        for (i, key) in idPage.records.enumerated() {
            if let r = records[i] ?? read[key.id] { result.records.append(r) }
        }
        guard wantsBody else { return result }
        var etagByID: [UUID: String?] = [:]
        for (i, key) in idPage.records.enumerated() where i < etags.count { etagByID[key.id] = etags[i] }
        var bodyless: [Int] = []
        for i in result.records.indices {
            // The note's row version: the ETag its id was listed with (the same form `readNoteBody` keeps).
            guard let version = etagByID[result.records[i].id] ?? nil,
                let kept = cache.body(id: result.records[i].id, version: version)
            else { bodyless.append(i); continue }
            if let data = kept { result.records[i]["documentbody"] = .string(data.base64EncodedString()) }
        }
        // `bodyReadWidth` reads in flight, the next started as each one is answered (reads in slices
        // waited for the slowest of each slice before starting the next).
        let bodyIDs = bodyless.map { result.records[$0].id }
        try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            var next = 0
            func add() {
                guard next < bodyless.count else { return }
                let i = bodyless[next], id = bodyIDs[next]
                next += 1
                group.addTask { (i, try await self.readNoteBody(id, cache: cache)) }
            }
            for _ in 0..<Self.bodyReadWidth { add() }
            while let (i, text) = try await group.next() {
                if let text { result.records[i]["documentbody"] = .string(text) }
                add()
            }
        }
        if let wanted = query.columns.map(Set.init) {
            for i in result.records.indices where result.records[i].columns.keys.contains(where: { !wanted.contains($0) }) {
                result.records[i].columns = result.records[i].columns.filter { wanted.contains($0.key) }
            }
        }
        return result
    }

    /// Reads one note's `documentbody` (base64, `nil` when empty) and keeps it with the version key
    /// (ETag and `modifiedon`) of the same answer.
    func readNoteBody(_ id: UUID, cache: BodyVersionCache) async throws -> String? {
        let set = try await entitySetName("annotation")
        let stamped = try await tableMetadata("annotation").definition.columns.contains { $0.logicalName == "modifiedon" }
        let select = stamped ? "documentbody,modifiedon" : "documentbody"
        let json = try await getJSON("\(set)(\(id.dataverseString))?$select=\(select)", logicalName: "annotation")
        let text = json["documentbody"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        if let tag = json["@odata.etag"]?.stringValue {
            let version = BodyVersionCache.versionKey(etag: tag, modifiedOn: json["modifiedon"]?.stringValue)
            let data = text.flatMap { Data(base64Encoded: $0, options: .ignoreUnknownCharacters) }
            // A body that is not base64 is passed on as read and not kept.
            if text == nil || data != nil { cache.remember(id: id, version: version, body: data) }
        }
        return text
    }

    /// Forgets the cached records (and note bodies) that `changeSets` write or delete (before they are sent).
    func forgetWrittenNotes(_ changeSets: [ChangeSet]) async {
        guard configuration.bodyCacheDirectory != nil else { return }
        var written: [String: [UUID]] = [:]
        for op in changeSets.flatMap(\.operations) { written[op.logicalName, default: []].append(op.recordID) }
        guard !written.isEmpty, let cache = await bodyCache() else { return }
        for (table, ids) in written {
            cache.forget(table, ids: ids)
            if table == "annotation" { for id in ids { cache.forget(id) } }
        }
    }
}

import Foundation
import PortalModel

/// An enhanced-data-model environment seen as a standard-model one, so the one migration engine
/// (plan, checks, apply, journal, verify, download) works on `powerpagesite` /
/// `powerpagecomponent` sites unchanged (DESIGN.md "One engine"; issue 9).
///
/// Reads of `adx_website`, `adx_websitelanguage`, `adx_portallanguage`, every table with a
/// `PowerPageComponentType`, and the notes of web files are answered from the base environment's
/// `powerpagesite`, `powerpagesitelanguage` and `powerpagecomponent` rows through
/// `EnhancedSnapshotMapping.standard(from:)`; N:N links between component tables come from the GUID
/// arrays in `content`. Writes are translated:
/// - create/upsert/update/delete of a component table → the same on `powerpagecomponent` (same id),
///   an update merging the changed keys into the stored `content` JSON (other keys kept as they are);
/// - `adx_website` → `powerpagesite`; `adx_websitelanguage` → `powerpagesitelanguage` (its language
///   code and LCID from the `adx_portallanguage` written before it, or already there);
///   `adx_portallanguage` → remembered for its site language (there is no such enhanced table);
/// - associate/disassociate between component tables → the owner's `content` array (research
///   emulator-facts.md §4.3) and a `powerpagecomponent_powerpagecomponent` link (dataverse-webapi.md §11.3);
/// - a web file note with `documentbody` → `uploadFile` of the web file component's `filecontent`
///   (chunked by the client over 4 MB, research/dataverse-webapi.md §9.2).
///
/// Every other table passes through to the base environment. A web file's note id is the service's
/// (pac writes the file column's file id, research/emulator-facts.md §4.2 type 3): the view gives it
/// the source's id for that note when a source is being written, else `webFileNoteID(forWebFile:)`;
/// the MIME type is inferred from the file name's extension unless `content` keeps another.
///
/// Concurrency: the base rows are read once into caches; `execute` calls may run in parallel, each
/// claiming the rows it merges into until it has written and re-read them (see `execute`), so no
/// interleaving loses a merge into `content` (issue 16, R01).
public actor EnhancedModelService: DataverseService {
    public nonisolated let base: any DataverseService
    let mapping: EnhancedSnapshotMapping
    let catalog: TableCatalog
    var view: PortalSnapshot?
    /// True once the base rows are in the caches (`loadRows()`); `loading` is the read in progress.
    var rowsLoaded = false
    var loading: Task<Void, Error>?
    /// Rows (by id: component, site or site language; for a web file note its file) whose cached
    /// state a running `execute` reads, merges into and writes: no other `execute` translates an
    /// operation on them until that one has written and re-read them (`claim(_:)`).
    var claimed: Set<UUID> = []
    /// Calls of `execute` waiting for rows others claimed, in arrival order.
    var waiting: [(rows: Set<UUID>, resume: CheckedContinuation<Void, Never>)] = []
    /// Rows whose write completed but whose re-read failed: re-read before they are next merged into.
    var unsettled: Set<UUID> = []
    var components: [UUID: EntityRecord] = [:]
    var sites: [UUID: EntityRecord] = [:]
    var languages: [UUID: EntityRecord] = [:]
    var portalLanguages: [UUID: EntityRecord] = [:]
    /// The site of each record of the standard view, by id (web file notes: their file's site).
    var viewSites: [UUID: UUID] = [:]

    /// Columns outside the catalog the tables accept, by standard table (`content` takes any key).
    var openColumns: [String: Set<String>]
    /// The site whose portal languages `adx_portallanguage` reads return (`nil`: every site's). In the
    /// enhanced model a portal language is part of one site's language, so two sites in English give
    /// two portal languages with LCID 1033; a plan for one site must see only that site's.
    let siteScope: UUID?
    /// Empty columns of the source's records by id: a create leaves nulls out, but `content` keeps
    /// the empty keys the source has (`adx_filecontent: ` of v2 pages), so they are written as JSON null.
    var sourceNulls: [UUID: [String]]
    /// The note id the source being written gives each web file's note, by web file id. A web file
    /// note's id is the service's (pac writes the file column's file id as `annotationid`, which changes
    /// with every upload of the body: research/emulator-facts.md §4.2 type 3), so the view gives a web
    /// file's note the source's id for it: a plan and its read-back pair them, and an unchanged
    /// re-upload finds its notes. Other web files' notes get `webFileNoteID(forWebFile:)`.
    var sourceNoteIDs: [UUID: UUID]

    /// - Parameters:
    ///   - base: the environment holding the enhanced tables.
    ///   - source: a snapshot about to be written here: its columns that the catalog does not know
    ///     (camelCase content keys such as `adx_createRecordDisplayLabel`) are declared as text
    ///     columns, since `content` accepts any key (research/emulator-facts.md §4.4).
    ///   - siteScope: the site planned or verified (`--targetWebSiteId`, else the source website's id;
    ///     `nil` takes the website of `source`): `adx_portallanguage` reads answer that site's languages
    ///     only, none while it does not exist; records of other sites are not read (a record of
    ///     another site with a source id is not this site's: verify reports it missing); a written
    ///     component whose site no lookup tells goes into this site.
    public init(
        base: any DataverseService, catalog: TableCatalog = .standard, acceptingColumnsOf source: PortalSnapshot? = nil,
        siteScope: UUID? = nil
    ) {
        self.base = base
        // A snapshot about to be written names its site: reads and writes are that site's.
        self.siteScope =
            siteScope ?? source.flatMap { s in s.websiteID ?? (s.records["adx_website"]?.count == 1 ? s.records["adx_website"]?.first?.id : nil) }
        self.catalog = catalog
        self.mapping = EnhancedSnapshotMapping(catalog: catalog)
        (openColumns, sourceNulls, sourceNoteIDs) = Self.facts(of: source, catalog: catalog)
    }

    /// Learns what a snapshot about to be written here needs (as `init(acceptingColumnsOf:)` does):
    /// its columns outside the catalog as open text columns of their tables, its empty columns, its
    /// web file notes' ids. Called by the planner for a source read after this service was made (an
    /// environment being migrated), so an enhanced target without an enhanced site yet accepts the
    /// source's content keys (`adx_websitelanguage.adx_systemlanguage`, camelCase list keys; issue 16, R04).
    public func prepare(toWrite source: PortalSnapshot) {
        let (open, nulls, notes) = Self.facts(of: source, catalog: catalog)
        for (t, cs) in open { openColumns[t, default: []].formUnion(cs) }
        sourceNulls.merge(nulls) { _, new in new }
        sourceNoteIDs.merge(notes) { _, new in new }
        view = nil
    }

    /// What `init` and `prepare(toWrite:)` learn from a source: open columns by table, empty columns
    /// by record id, note id by web file id.
    static func facts(of source: PortalSnapshot?, catalog: TableCatalog)
        -> (open: [String: Set<String>], nulls: [UUID: [String]], notes: [UUID: UUID])
    {
        var open: [String: Set<String>] = [:]
        var nulls: [UUID: [String]] = [:]
        for (table, records) in source?.records ?? [:] where Self.mappedTables.contains(table) {
            let def = catalog.table(table)
            for r in records {
                for c in r.columns.keys where def?.column(c) == nil { open[table, default: []].insert(c) }
                let empty = r.columns.filter { $0.value.isNull }.map(\.key)
                if !empty.isEmpty { nulls[r.id] = empty }
            }
        }
        var noteIDs: [UUID: UUID] = [:]
        for note in source?.records["annotation"] ?? [] {
            guard case .lookup(let ref)? = note["objectid"], ref.logicalName == "adx_webfile" || note["objecttypecode"]?.text == "adx_webfile" else {
                continue
            }
            noteIDs[ref.id] = note.id
        }
        return (open, nulls, noteIDs)
    }

    /// The standard tables this service answers from the enhanced tables.
    public static let mappedTables: Set<String> = Set(PowerPageComponentType.allCases.map(\.standardTable))
        .union(["adx_website", "adx_websitelanguage", "adx_portallanguage", "annotation"])

    /// The enhanced-model tables this service reads and writes underneath.
    public static let enhancedTables: Set<String> = ["powerpagesite", "powerpagesitelanguage", "powerpagecomponent"]

    /// True when `websiteID` is a `powerpagesite` of `service` (an enhanced-model site).
    /// - Throws: `DataverseError` from the environment other than a missing table.
    public static func isEnhancedSite(_ websiteID: UUID, in service: any DataverseService) async throws -> Bool {
        do {
            let found = try await service.retrieveAll(
                RecordQuery(
                    "powerpagesite", columns: ["name"],
                    filter: .equal("powerpagesiteid", .guid(websiteID)), top: 1))
            return !found.isEmpty
        } catch let e as DataverseError where e.isNotFound {
            return false
        }
    }

    /// True when the environment has enhanced sites and no standard ones (a target to write the
    /// enhanced model into when no website is named).
    public static func prefersEnhancedModel(_ service: any DataverseService) async throws -> Bool {
        let enhanced = (try? await service.retrieveAll(RecordQuery("powerpagesite", columns: ["name"], top: 1))) ?? []
        let standard = (try? await service.retrieveAll(RecordQuery("adx_website", columns: ["adx_name"], top: 1))) ?? []
        return !enhanced.isEmpty && standard.isEmpty
    }

    // MARK: Reading

    /// The standard-shaped view of every enhanced site of the base environment, built from the row
    /// caches (`components`, `sites`, `languages`: read from the base once, then kept by every write
    /// this service makes and refreshed from the base for the rows it wrote); rebuilt after a write.
    func standardView() async throws -> PortalSnapshot {
        try await loadRows()
        return try currentView()
    }

    /// Reads every `powerpagesite`, `powerpagesitelanguage` and `powerpagecomponent` row of the base
    /// into the caches, once; concurrent callers wait for the same read.
    /// - Throws: `DataverseError` from the base (the next call reads again).
    func loadRows() async throws {
        if rowsLoaded { return }
        if let t = loading { return try await t.value }
        let t = Task { try await self.readRows() }
        loading = t
        do { try await t.value } catch { loading = nil; throw error }
    }

    private func readRows() async throws {
        let siteRecords = try await base.retrieveAll(RecordQuery("powerpagesite"))
        let languageRecords = try await base.retrieveAll(RecordQuery("powerpagesitelanguage"))
        let componentRecords = try await base.retrieveAll(RecordQuery("powerpagecomponent"))
        sites = Dictionary(siteRecords.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        languages = Dictionary(languageRecords.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        components = Dictionary(componentRecords.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        rowsLoaded = true
        view = nil
    }

    /// The standard view of the cached rows (built when a write or a read invalidated it).
    /// - Throws: what `EnhancedSnapshotMapping.standard(from:)` throws for a row it cannot map.
    func currentView() throws -> PortalSnapshot {
        if let v = view { return v }
        let byID: (EntityRecord, EntityRecord) -> Bool = { $0.id.dataverseString < $1.id.dataverseString }
        let siteRecords = sites.values.sorted(by: byID)
        let languageRecords = languages.values.sorted(by: byID)
        var componentsBySite: [UUID: [EntityRecord]] = [:]
        for c in components.values { if let s = c.lookupID("powerpagesiteid") { componentsBySite[s, default: []].append(c) } }
        var all = PortalSnapshot()
        viewSites = [:]
        for site in siteRecords {
            var s = PortalSnapshot(websiteID: site.id)
            s.add(site)
            for l in languageRecords where l.lookupID("powerpagesiteid") == site.id { s.add(l) }
            for c in (componentsBySite[site.id] ?? []).sorted(by: byID) { s.add(c) }
            let standard = Self.stableWebFileNotes(try mapping.standard(from: s), noteIDs: sourceNoteIDs)
            for (_, records) in standard.records {
                for r in records {
                    viewSites[r.id] = site.id
                    all.add(r)
                }
            }
            for (rel, links) in standard.links { for l in links { all.link(rel, l) } }
        }
        view = all
        return all
    }

    /// The `content` key of a web file component holding the MIME type its note was given, when that
    /// differs from the one its file name implies (`mimeType(forFileName:)`). The file column is
    /// written with a file name only (research/dataverse-webapi.md §9.2, as VS Code does), so a MIME
    /// type of a folder's `.webfile.yml` that the name does not imply is kept here; absent otherwise.
    public static let explicitMimeTypeKey = "filecontent_mimetype"

    /// The `content` key of a web file component holding its note's file name as the source gave it,
    /// when that is not the component's name or holds a `%` (the file column's name is the service's,
    /// which may decode it: issue 16 "Changed on the way back"); absent otherwise.
    public static let explicitFileNameKey = "filecontent_name"

    /// The id of the note the view synthesizes for a web file component's `filecontent`: the component
    /// id with its bytes XOR-ed with a fixed mask, so it is the same on every read and download (the
    /// file id, which pac writes as `annotationid`, changes on every upload of the body) and never
    /// equal to the component id.
    public static func webFileNoteID(forWebFile component: UUID) -> UUID { WebFileNote.id(forWebFile: component) }

    /// A site's standard view with its web file notes given `webFileNoteID(forWebFile:)` ids and
    /// their MIME types: the explicit one kept in the component's `content`
    /// (`explicitMimeTypeKey`, removed from the web file record), else the one the file name implies.
    /// `noteIDs`: web file id → the id to give its note instead (`sourceNoteIDs`).
    static func stableWebFileNotes(_ snapshot: PortalSnapshot, noteIDs: [UUID: UUID] = [:]) -> PortalSnapshot {
        var out = snapshot
        let column = EnhancedComponentMapping.column(forContentKey: explicitMimeTypeKey)
        let nameColumn = EnhancedComponentMapping.column(forContentKey: explicitFileNameKey)
        var explicit: [UUID: FieldValue] = [:]
        var explicitNames: [UUID: FieldValue] = [:]
        out.records["adx_webfile"] = (snapshot.records["adx_webfile"] ?? []).map { file in
            var file = file
            if let m = file.columns.removeValue(forKey: column), !m.isNull { explicit[file.id] = m }
            if let n = file.columns.removeValue(forKey: nameColumn), !n.isNull { explicitNames[file.id] = n }
            return file
        }
        guard let notes = snapshot.records["annotation"] else { return out }
        out.records["annotation"] = notes.map { note in
            var note = note
            guard let file = note.lookupID("objectid") else { return note }
            let id = noteIDs[file] ?? webFileNoteID(forWebFile: file)
            if let body = out.bodies.removeValue(forKey: FileBodyKey("annotation", note.id, "documentbody")) {
                out.bodies[FileBodyKey("annotation", id, "documentbody")] = body
            }
            note.id = id
            if let n = explicitNames[file] { note["filename"] = n }
            if let m = explicit[file] {
                note["mimetype"] = m
            } else if note["mimetype"] == nil, let name = note.string("filename") {
                note["mimetype"] = .string(mimeType(forFileName: name))
            }
            return note
        }
        return out
    }

    public func retrieve(_ query: RecordQuery, pageSize: Int, page: String?) async throws -> RecordPage {
        if Self.enhancedTables.contains(query.table) { return RecordPage(records: []) }
        guard Self.mappedTables.contains(query.table) else { return try await base.retrieve(query, pageSize: pageSize, page: page) }
        let v = try await standardView()
        let primary = catalog.table(query.table)?.primaryIDColumn ?? query.table + "id"
        var records = (v.records[query.table] ?? []).filter { query.filter?.matches($0, primaryIDColumn: primary) ?? true }
        if query.table == "adx_portallanguage", let scope = siteScope {
            records = records.filter { languages[$0.id]?.lookupID("powerpagesiteid") == scope }
        }
        if let scope = siteScope { records = records.filter { viewSites[$0.id].map { $0 == scope } ?? true } }
        if query.table == "annotation" {
            // Notes that are not web file bodies are real annotations of the base environment.
            let real = try await base.retrieveAll(query)
            let seen = Set(records.map(\.id))
            records += real.filter { !seen.contains($0.id) }
        }
        records.sort { $0.id.dataverseString < $1.id.dataverseString }
        if let cols = query.columns {
            let keep = Set(cols)
            records = records.map { r in
                var r = r; r.columns = r.columns.filter { keep.contains($0.key) }; return r
            }
        }
        if let top = query.top { records = Array(records.prefix(top)) }
        let start = page.flatMap(Int.init) ?? 0
        let size = max(1, pageSize)
        let slice = Array(records.dropFirst(start).prefix(size))
        let next = start + size < records.count ? String(start + size) : nil
        return RecordPage(records: slice, nextPage: next)
    }

    public func tableDefinitions() async throws -> [TableDefinition] {
        // The enhanced tables themselves are hidden: their rows are the mapped tables' rows (same ids).
        var defs = try await base.tableDefinitions().filter {
            !Self.mappedTables.contains($0.logicalName) && !Self.enhancedTables.contains($0.logicalName)
        }
        let seen = try await standardView()
        for name in Self.mappedTables.sorted() {
            guard var d = catalog.table(name) else { continue }
            var extra = openColumns[name] ?? []
            for r in seen.records[name] ?? [] { extra.formUnion(r.columns.keys) }
            for c in extra.sorted() where d.column(c) == nil { d.columns.append(ColumnDefinition(c, .string)) }
            defs.append(d)
        }
        return defs
    }

    public func organizationInfo() async throws -> OrganizationInfo { try await base.organizationInfo() }
    public func whoAmI() async throws -> WhoAmIResult { try await base.whoAmI() }

    public func retrieveLinks(relationship: String, firstIDs: Set<UUID>?) async throws -> Set<ManyToManyLink> {
        guard let rel = catalog.relationship(relationship), isComponentRelationship(rel) else {
            return try await base.retrieveLinks(relationship: relationship, firstIDs: firstIDs)
        }
        let links = try await standardView().links[relationship] ?? []
        guard let ids = firstIDs else { return links }
        return links.filter { ids.contains($0.first.id) }
    }

    /// A web file note's body is its component's `filecontent` (`baseFileKey(_:)`); other bodies are the base's.
    public func downloadFile(_ key: FileBodyKey) async throws -> Data? {
        try await base.downloadFile(try await baseFileKey(key))
    }

    func isComponentRelationship(_ rel: ManyToManyRelationship) -> Bool {
        PowerPageComponentType(standardTable: rel.entity1) != nil && PowerPageComponentType(standardTable: rel.entity2) != nil
    }

    // MARK: Writing

    /// Writes standard-model change sets as enhanced-model operations (see the type's description).
    ///
    /// Several calls may run at once (the applier sends change sets in parallel): each first claims
    /// the rows whose cached state its operations merge into (a component's or site's `content`, the
    /// owner of an N:N link, a web file's component), waiting while another call holds one of them;
    /// translates against the caches; writes; re-reads the rows it wrote from the base (so a failed
    /// write leaves nothing stale and a service-assigned value is seen); then releases them. So two
    /// calls never merge into the same `content` from the same starting point, and a later merge
    /// always starts from the earlier one's written result (issue 16, R01).
    public func execute(_ changeSets: [ChangeSet], options: ExecuteOptions) async throws -> [OperationResult] {
        try await loadRows()
        var rows: Set<UUID> = []
        for cs in changeSets { for op in cs.operations { rows.formUnion(try rowsMerged(by: op)) } }
        await claim(rows)
        defer { release(rows) }
        let stale = rows.intersection(unsettled)
        if !stale.isEmpty {
            try await reread(stale, tables: Self.enhancedTables)
            unsettled.subtract(stale)
        }
        var results: [OperationResult] = []
        var written: [String: Set<UUID>] = [:]
        var stopped = false
        for cs in changeSets {
            if stopped {
                results += cs.operations.map { _ in
                    .failure(DataverseError(code: DataverseError.Code.notExecuted, message: "not executed: an earlier change set failed"))
                }
                continue
            }
            var translated: [DataverseOperation] = []
            var owners: [Int] = [] // translated op → original op index
            var early: [Int: OperationResult] = [:]
            for (i, op) in cs.operations.enumerated() {
                do {
                    let ops = try translate(op)
                    if ops.isEmpty { early[i] = .success(op.recordID) }
                    translated += ops
                    owners += Array(repeating: i, count: ops.count)
                } catch let e as DataverseError {
                    early[i] = .failure(e)
                }
            }
            view = nil // the caches hold this change set's merges now
            for op in translated where Self.enhancedTables.contains(op.logicalName) {
                if case .associate = op { continue }
                if case .disassociate = op { continue }
                written[op.logicalName, default: []].insert(op.recordID)
            }
            var baseResults: [OperationResult] = []
            if !translated.isEmpty {
                if cs.atomic, early.values.contains(where: { !$0.isSuccess }) {
                    baseResults = translated.map { _ in
                        .failure(
                            DataverseError(code: DataverseError.Code.rolledBack, message: "rolled back: another operation of the change set failed"))
                    }
                } else {
                    do {
                        baseResults = try await base.execute([ChangeSet(translated, atomic: cs.atomic)], options: options)
                    } catch {
                        // Whatever reached the base is unknown: the rows written are re-read before their next merge.
                        for (_, ids) in written { unsettled.formUnion(ids) }
                        view = nil
                        throw error
                    }
                }
            }
            for (op, result) in zip(translated, baseResults) where result.isSuccess {
                if case .delete("powerpagesite", let site) = op { forgetSite(site) }
            }
            for i in cs.operations.indices {
                if let e = early[i] { results.append(e); continue }
                let mine = zip(owners, baseResults).filter { $0.0 == i }.map(\.1)
                if let failure = mine.first(where: { !$0.isSuccess }) {
                    results.append(failure)
                } else {
                    results.append(.success(cs.operations[i].recordID))
                }
            }
            if !options.continueOnError, results.contains(where: { !$0.isSuccess }) { stopped = true }
        }
        // The rows as the base now holds them: a failed write's merge is undone in the caches, and
        // what the service assigned (a file column's id and name, defaults) is seen by the next read.
        for (table, ids) in written {
            do { try await reread(ids, tables: [table]) } catch { unsettled.formUnion(ids) }
        }
        view = nil
        return results
    }

    /// The ids of the cached rows whose state translating `op` reads and writes back: the record's
    /// own row (a component, site or site language keeps the id of its standard record), a web
    /// file note's file component, the owning component of an N:N link between component tables.
    /// - Throws: what building the view throws (a web file note is found through it).
    func rowsMerged(by op: DataverseOperation) throws -> Set<UUID> {
        switch op {
        case .create(let r, _), .upsert(let r), .update(let r, _):
            guard r.logicalName == "annotation" else { return [r.id] }
            var ids: Set<UUID> = [r.id]
            if let f = r.lookupID("objectid") {
                ids.insert(f)
            } else if let f = try currentView().record("annotation", r.id)?.lookupID("objectid") {
                ids.insert(f)
            }
            return ids
        case .delete(let table, let id):
            guard table == "annotation" else { return [id] }
            return Set([id] + [try currentView().record("annotation", id)?.lookupID("objectid")].compactMap { $0 })
        case .uploadFile(let key, _, _):
            guard key.logicalName == "annotation" else { return [key.id] }
            return Set([key.id] + [try currentView().record("annotation", key.id)?.lookupID("objectid")].compactMap { $0 })
        case .associate(let name, let link), .disassociate(let name, let link):
            guard let rel = catalog.relationship(name), isComponentRelationship(rel) else { return [] }
            return [Self.owner(of: link, in: rel).owner]
        }
    }

    /// The component whose `content` array holds an N:N link between component tables, and the other
    /// side: the first side, except that a web role's links are held by the other record (research
    /// emulator-facts.md §4.3).
    static func owner(of link: ManyToManyLink, in rel: ManyToManyRelationship) -> (owner: UUID, other: UUID, ownerIsFirst: Bool) {
        let ownerIsFirst = !(rel.entity1 == "adx_webrole" && rel.entity2 != "adx_webrole")
        return ownerIsFirst ? (link.first.id, link.second.id, true) : (link.second.id, link.first.id, false)
    }

    /// Waits until none of `rows` is claimed by another call and none is awaited by an earlier
    /// waiter, then claims them (first come, first served: merges into one row keep their order).
    func claim(_ rows: Set<UUID>) async {
        if rows.isEmpty { return }
        if claimed.isDisjoint(with: rows), !waiting.contains(where: { !$0.rows.isDisjoint(with: rows) }) {
            claimed.formUnion(rows)
            return
        }
        await withCheckedContinuation { waiting.append((rows, $0)) }
    }

    /// Releases `rows` and resumes, in arrival order, every waiter whose rows are all free.
    func release(_ rows: Set<UUID>) {
        if rows.isEmpty { return }
        claimed.subtract(rows)
        var blocked: Set<UUID> = []
        var still: [(rows: Set<UUID>, resume: CheckedContinuation<Void, Never>)] = []
        for w in waiting {
            if claimed.isDisjoint(with: w.rows), blocked.isDisjoint(with: w.rows) {
                claimed.formUnion(w.rows)
                w.resume.resume()
            } else {
                blocked.formUnion(w.rows)
                still.append(w)
            }
        }
        waiting = still
    }

    /// Replaces the cached rows with these ids by the base's (removing those it no longer has).
    /// - Throws: `DataverseError` from the base.
    func reread(_ ids: Set<UUID>, tables: Set<String>) async throws {
        let list = ids.sorted { $0.dataverseString < $1.dataverseString }
        for table in tables.sorted() {
            for start in stride(from: 0, to: list.count, by: 50) {
                let chunk = Array(list[start..<min(start + 50, list.count)])
                let rows = try await base.retrieveAll(RecordQuery(table, filter: .in(table + "id", chunk.map { .guid($0) })))
                let found = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
                for id in chunk {
                    switch table {
                    case "powerpagesite": sites[id] = found[id]
                    case "powerpagesitelanguage": languages[id] = found[id]
                    default: components[id] = found[id]
                    }
                }
            }
        }
        view = nil
    }

    /// Drops a deleted site and what the base deletes with it (its languages and components, cascade
    /// of `powerpagesiteid`, research/emulator-facts.md) from the caches.
    func forgetSite(_ site: UUID) {
        sites[site] = nil
        languages = languages.filter { $0.value.lookupID("powerpagesiteid") != site }
        components = components.filter { $0.value.lookupID("powerpagesiteid") != site }
        view = nil
    }

    /// The base operations for one standard operation; empty when nothing is to be written.
    /// Updates the cached component rows so later operations of the same call see earlier ones.
    func translate(_ op: DataverseOperation) throws -> [DataverseOperation] {
        switch op {
        case .create(let r, let body): return try write(r, mode: .create, body: body)
        case .upsert(let r): return try write(r, mode: .upsert)
        case .update(let r, let body): return try write(r, mode: .update, body: body)
        case .delete(let table, let id):
            switch table {
            case "adx_website": return [.delete("powerpagesite", id)]
            case "adx_websitelanguage": return [.delete("powerpagesitelanguage", id)]
            case "adx_portallanguage": return []
            case "annotation":
                if let note = try currentView().record("annotation", id), note.lookupID("objectid") != nil { return [] }
                return [op]
            default:
                if PowerPageComponentType(standardTable: table) != nil { components[id] = nil; return [.delete("powerpagecomponent", id)] }
                return [op]
            }
        case .associate(let name, let link), .disassociate(let name, let link):
            guard let rel = catalog.relationship(name), isComponentRelationship(rel) else { return [op] }
            var associate = false
            if case .associate = op { associate = true }
            let (owner, other, ownerIsFirst) = Self.owner(of: link, in: rel)
            guard var component = components[owner] else {
                throw DataverseError(
                    httpStatus: 404, code: DataverseError.Code.objectDoesNotExist,
                    message: "powerpagecomponent \(owner.dataverseString) does not exist", logicalName: "powerpagecomponent", recordID: owner)
            }
            var members = try contentMembers(component)
            let key =
                members.first(where: {
                    mapping.components.relationship(forContentKey: $0.0, table: ownerIsFirst ? rel.entity1 : rel.entity2)?.name == rel.name
                })?.0 ?? rel.name
            var ids = members.first(where: { $0.0 == key })?.1.arrayValue ?? []
            let text = JSONValue.string(other.dataverseString)
            if associate {
                if !ids.contains(where: { $0.stringValue.flatMap(UUID.init(dataverse:)) == other }) { ids.append(text) }
            } else {
                ids.removeAll { $0.stringValue.flatMap(UUID.init(dataverse:)) == other }
            }
            set(&members, key, .array(ids))
            component["content"] = .string(JSONValue.object(members).serialized)
            components[owner] = component
            let selfLink = ManyToManyLink(EntityReference("powerpagecomponent", owner), EntityReference("powerpagecomponent", other))
            return [
                .update(EntityRecord("powerpagecomponent", id: owner, columns: ["content": component["content"] ?? .null])),
                associate
                    ? .associate(relationship: "powerpagecomponent_powerpagecomponent", selfLink)
                    : .disassociate(relationship: "powerpagecomponent_powerpagecomponent", selfLink),
            ]
        case .uploadFile(let key, let name, let body):
            if key.logicalName == "annotation", let note = try currentView().record("annotation", key.id), let file = note.lookupID("objectid") {
                return [.uploadFile(FileBodyKey("powerpagecomponent", file, "filecontent"), fileName: name, body: body)]
            }
            return [op]
        }
    }

    enum Mode { case create, upsert, update }

    /// The base operations for a record write; `body` (a note's `documentbody` as bytes) goes with the
    /// note to the base, or becomes the web file component's `filecontent` upload.
    func write(_ record: EntityRecord, mode: Mode, body: OperationBody? = nil) throws -> [DataverseOperation] {
        func op(_ r: EntityRecord) -> DataverseOperation {
            switch mode {
            case .create: return .create(r)
            case .upsert: return .upsert(r)
            case .update: return .update(r)
            }
        }
        let table = record.logicalName
        switch table {
        case "adx_portallanguage":
            var merged = portalLanguages[record.id] ?? EntityRecord(table, id: record.id)
            for (k, v) in record.columns { merged[k] = v }
            portalLanguages[record.id] = merged
            // A site language with the same id (v2) takes its code and LCID.
            guard languages[record.id] != nil else { return [] }
            var patch = EntityRecord("powerpagesitelanguage", id: record.id)
            if let v = record["adx_lcid"] { patch["lcid"] = mapping.integer(v) }
            if let v = record["adx_languagecode"] { patch["languagecode"] = v }
            if let v = record["adx_displayname"] { patch["displayname"] = v }
            return patch.columns.isEmpty ? [] : [.update(patch)]
        case "annotation":
            // A web file's note: created with its `objectid`, updated by the id the view gave it.
            let viewNote = try currentView().record("annotation", record.id)
            guard let file = record.lookupID("objectid") ?? viewNote?.lookupID("objectid"),
                isWebFile(file) || record["objecttypecode"]?.text == "adx_webfile"
            else {
                switch mode {
                case .create: return [.create(record, body: body)]
                case .upsert: return [.upsert(record)]
                case .update: return [.update(record, body: body)]
                }
            }
            return try writeWebFileNote(record, body: body, file: file, viewNote: viewNote)
        case "adx_website", "adx_websitelanguage":
            return try writeSiteOrLanguage(record, mode: mode).map(op)
        default:
            guard PowerPageComponentType(standardTable: table) != nil else { return [op(record)] }
            return try writeComponent(record, mode: mode).map(op)
        }
    }

    func writeSiteOrLanguage(_ record: EntityRecord, mode: Mode) throws -> [EntityRecord] {
        let isSite = record.logicalName == "adx_website"
        let target = isSite ? "powerpagesite" : "powerpagesitelanguage"
        let existing = isSite ? sites[record.id] : languages[record.id]
        var members = try existing.map(contentMembers) ?? []
        var row = EntityRecord(target, id: record.id)
        let skipped = isSite ? EnhancedSnapshotMapping.siteSkipped : EnhancedSnapshotMapping.languageSkipped
        var full = record
        if mode != .update { for c in sourceNulls[record.id] ?? [] where full.columns[c] == nil { full.columns[c] = .null } }
        let json = mapping.contentJSON(of: full, skipping: skipped).objectValue ?? []
        if mode == .update || existing != nil { for (k, v) in json { set(&members, k, v) } } else { members = json }
        row["content"] = .string(JSONValue.object(members).serialized)
        if let name = record["adx_name"] { row["name"] = name }
        if isSite {
            if let s = record["statecode"] ?? record["adx_statecode"] { row["statecode"] = mapping.state(s, status: false) }
            if let s = record["statuscode"] ?? record["adx_statuscode"] { row["statuscode"] = mapping.state(s, status: true) }
            if mode != .update, existing == nil { row["datamodelversion"] = .string("2") }
            var stored = existing ?? EntityRecord(target, id: record.id)
            for (k, v) in row.columns { stored[k] = v }
            sites[record.id] = stored
        } else {
            if let s = record["statecode"] { row["statecode"] = mapping.state(s, status: false) }
            if let s = record["statuscode"] { row["statuscode"] = mapping.state(s, status: true) }
            if let site = record.lookupID("adx_websiteid") { row["powerpagesiteid"] = .lookup(EntityReference("powerpagesite", site)) }
            let pid = record.lookupID("adx_portallanguageid") ?? record.id
            if let pl = portalLanguages[pid] {
                if let v = pl["adx_lcid"] { row["lcid"] = mapping.integer(v) }
                if let v = pl["adx_languagecode"] { row["languagecode"] = v }
                if let v = pl["adx_displayname"] { row["displayname"] = v }
            } else if let pl = try currentView().record("adx_portallanguage", pid) {
                if let v = pl["adx_lcid"] { row["lcid"] = mapping.integer(v) }
                if let v = pl["adx_languagecode"] { row["languagecode"] = v }
            }
            var stored = existing ?? EntityRecord(target, id: record.id)
            for (k, v) in row.columns { stored[k] = v }
            languages[record.id] = stored
        }
        return [row]
    }

    /// True when `id` is a web file component (written before, or read).
    func isWebFile(_ id: UUID) -> Bool {
        guard let type = PowerPageComponentType(standardTable: "adx_webfile"), let c = components[id] else { return false }
        return c["powerpagecomponenttype"] == .choice(type.rawValue)
    }

    /// The base operations for a web file note: its `documentbody` → an upload of the component's
    /// `filecontent` (chunked by the client over 4 MB); its `mimetype` → the component's
    /// `explicitMimeTypeKey` in `content` when the file name does not imply it (removed when it does).
    /// The body comes as bytes (`body`, what the engine sends) or, from a caller that writes the
    /// column as Dataverse stores it, as base64 text in `documentbody`.
    /// - Throws: `DataverseError` (invalid argument, naming the note) for a body that is not base64, or
    ///   a new file name without a body (the file column takes its name with its bytes).
    func writeWebFileNote(_ record: EntityRecord, body: OperationBody?, file: UUID, viewNote: EntityRecord?) throws -> [DataverseOperation] {
        var ops: [DataverseOperation] = []
        let name = record.string("filename") ?? viewNote?.string("filename") ?? components[file]?.string("name") ?? "file"
        if let body, body.column == "documentbody" {
            ops.append(.uploadFile(FileBodyKey("powerpagecomponent", file, "filecontent"), fileName: name, body: body.body))
        } else if case .string(let b64)? = record["documentbody"] {
            guard let data = Data(base64Encoded: b64, options: .ignoreUnknownCharacters) else {
                throw DataverseError(
                    code: DataverseError.Code.invalidArgument, message: "documentbody is not base64",
                    logicalName: "annotation", recordID: record.id, column: "documentbody")
            }
            ops.append(.uploadFile(FileBodyKey("powerpagecomponent", file, "filecontent"), fileName: name, body: .data(data)))
        } else if let viewNote, let newName = record.string("filename"), newName != viewNote.string("filename") {
            throw DataverseError(
                code: DataverseError.Code.invalidArgument,
                message: "web file \(file.dataverseString): file name \(viewNote.string("filename") ?? "") → \(newName) without new bytes; "
                    + "in the enhanced model a file name is written with the file's bytes (change the file as well)",
                logicalName: "annotation", recordID: record.id, column: "filename")
        }
        var explicit: [(String, JSONValue?)] = []
        if let mime = record["mimetype"] {
            let text = mime.text ?? ""
            explicit.append((Self.explicitMimeTypeKey, text.isEmpty || text == Self.mimeType(forFileName: name) ? nil : .string(text)))
        }
        if let given = record.string("filename") {
            // The folder's name byte for byte (issue 16: `DARK_BLUE%20(1).png` came back decoded): kept in
            // `content` unless it is the web file's own name and holds nothing a service may decode.
            let own = components[file]?.string("name")
            explicit.append((Self.explicitFileNameKey, given == own && !given.contains("%") ? nil : .string(given)))
        }
        if !explicit.isEmpty, var component = components[file] {
            var members = try contentMembers(component)
            var changed = false
            for (key, wanted) in explicit where members.first(where: { $0.0 == key })?.1 != wanted {
                if let wanted { set(&members, key, wanted) } else { members.removeAll { $0.0 == key } }
                changed = true
            }
            if changed {
                let content = FieldValue.string(JSONValue.object(members).serialized)
                component["content"] = content
                components[file] = component
                ops.append(.update(EntityRecord("powerpagecomponent", id: file, columns: ["content": content])))
            }
        }
        return ops
    }

    /// The site of a component being written: the record's `adx_websiteid`, else the site it is in
    /// already, else `siteScope` (the site being written), else the site of the first record its
    /// lookups name that has one (natural key columns first: a web link's web link set, a form
    /// metadata's form; then the others by column name), else the environment's only site. Never
    /// "the first site": a web link or form metadata has no website column (trial finding 3).
    /// - Throws: `DataverseError` (invalid argument) naming the record when none of these tells.
    func site(of record: EntityRecord) throws -> UUID {
        if let id = record.lookupID("adx_websiteid") { return id }
        if let id = components[record.id]?.lookupID("powerpagesiteid") { return id }
        if let scope = siteScope { return scope }
        let key = catalog.table(record.logicalName)?.naturalKey ?? []
        let others = record.columns.keys.filter { !key.contains($0) }.sorted()
        for column in key + others {
            guard case .lookup(let ref)? = record.columns[column] else { continue }
            if sites[ref.id] != nil { return ref.id }
            if let id = components[ref.id]?.lookupID("powerpagesiteid") ?? languages[ref.id]?.lookupID("powerpagesiteid") { return id }
        }
        if sites.count == 1, let only = sites.keys.first { return only }
        throw DataverseError(
            code: DataverseError.Code.invalidArgument,
            message: "no powerpagesite for \(record.logicalName) \(record.id.dataverseString): no website lookup, and \(sites.count) sites",
            logicalName: record.logicalName, recordID: record.id)
    }

    func writeComponent(_ record: EntityRecord, mode: Mode) throws -> [EntityRecord] {
        let siteID = try site(of: record)
        // A component of another site is not this site's to rewrite (the view hides it: a create
        // that found it taken falls back to an update, which stops here instead of moving nothing).
        if let scope = siteScope, siteID != scope, record.lookupID("adx_websiteid") == nil, components[record.id] != nil {
            throw DataverseError(
                code: DataverseError.Code.invalidArgument,
                message: "\(record.logicalName) \(record.id.dataverseString) belongs to powerpagesite \(siteID.dataverseString), "
                    + "not to \(scope.dataverseString) being written; not changed",
                logicalName: record.logicalName, recordID: record.id)
        }
        var source = record
        if mode != .update { for c in sourceNulls[record.id] ?? [] where source.columns[c] == nil { source.columns[c] = .null } }
        for c in EnhancedComponentMapping.fileColumns { source.columns[c] = nil }
        guard var row = mapping.components.component(from: source, siteID: siteID, languageID: mapping.languageID(of: record)) else { return [] }
        let existing = components[record.id]
        if let existing, mode != .create {
            var members = try contentMembers(existing)
            for (k, v) in try contentMembers(row) { set(&members, k, v) }
            row["content"] = .string(JSONValue.object(members).serialized)
        }
        if mode == .update {
            // Only the changed columns: the type and site stay; name/state only when given.
            let def = catalog.table(record.logicalName)
            if record[def?.primaryNameColumn ?? "adx_name"] == nil { row.columns["name"] = nil }
            row.columns["powerpagecomponenttype"] = nil
            if record["adx_websiteid"] == nil { row.columns["powerpagesiteid"] = nil }
        }
        var stored = existing ?? EntityRecord("powerpagecomponent", id: record.id)
        for (k, v) in row.columns { stored[k] = v }
        components[record.id] = stored
        return [row]
    }

    func contentMembers(_ row: EntityRecord) throws -> [(String, JSONValue)] {
        guard let text = row.string("content"), !text.isEmpty else { return [] }
        do { return try JSONValue.parse(text).objectValue ?? [] } catch {
            throw DataverseError(
                code: DataverseError.Code.invalidArgument, message: "content of \(row.logicalName) \(row.id.dataverseString) is not JSON: \(error)",
                logicalName: row.logicalName, recordID: row.id, column: "content")
        }
    }

    func set(_ members: inout [(String, JSONValue)], _ key: String, _ value: JSONValue) {
        if let i = members.firstIndex(where: { $0.0 == key }) { members[i].1 = value } else { members.append((key, value)) }
    }

    /// The MIME type of a file name's extension (the common web file types; `application/octet-stream`
    /// otherwise). Inferred: the enhanced model's file column does not return one through the
    /// service interface.
    public static func mimeType(forFileName name: String) -> String { WebFileNote.mimeType(forFileName: name) }
}

import Foundation
import Crypto
import PortalModel

extension PortalFolder {
    /// Writes `snapshot` as a pac site folder at `root` (the folder that holds or will hold `website.yml`).
    ///
    /// File names come, in order of preference, from the records already in the folder at `root`
    /// (found by the id inside each YAML), from `layout`, and otherwise from the record names by pac's
    /// rules with `_xxxxxxxx` suffixes only for new collisions. YAML is emitted by `PacYAMLEmitter`
    /// (keys in pac's order, list records by id); content files are written byte-exact; files whose
    /// bytes are already right are not rewritten. Files that are not pac's are left untouched.
    ///
    /// - Throws: `PortalFolderError` when the existing folder cannot be read (duplicate ids, bad YAML)
    ///   or a file cannot be written; checks run before the first write.
    @discardableResult
    public func write(
        _ snapshot: PortalSnapshot, layout: FolderLayout? = nil, to root: URL,
        options: FolderWriteOptions = FolderWriteOptions()
    ) throws -> FolderWriteSummary {
        let root = root.standardizedFileURL
        var existing: FolderLayout?
        if FileManager.default.fileExists(atPath: root.appendingPathComponent("website.yml").path) {
            // Either data model: a v2 folder is re-downloaded over too (issue 9).
            existing = try PortalFolder(catalog: TableCatalog(tables: [])).read(root, model: nil).content.layout
        }
        var writer = FolderWriter(snapshot: snapshot, catalog: catalog, given: layout, existing: existing, options: options)
        let outputs = try writer.build()
        return try writer.commit(outputs, to: root)
    }
}

/// One file to write.
enum FolderOutput {
    case data(Data)
    case copy(URL)
}

struct FolderWriter {
    let snapshot: PortalSnapshot
    let coding: PacValueCoding
    let given: FolderLayout?
    let existing: FolderLayout?
    let options: FolderWriteOptions
    let generation: FolderLayout.Generation
    var placements: [RecordKey: RecordPlacement] = [:]
    var skipped: [String] = []
    var takenPaths: Set<String> = []
    /// relationship → owner id → related ids
    var linkIndex: [String: [UUID: [UUID]]] = [:]
    var manifestRecords: [String: [(id: UUID, name: String, checksum: String)]] = [:]

    init(snapshot: PortalSnapshot, catalog: TableCatalog, given: FolderLayout?, existing: FolderLayout?, options: FolderWriteOptions) {
        self.snapshot = snapshot
        self.coding = PacValueCoding(catalog: catalog)
        self.given = given
        self.existing = existing
        self.options = options
        self.generation = options.generation ?? existing?.generation ?? given?.generation ?? .new
        var merged = given?.placements ?? [:]
        for (k, v) in existing?.placements ?? [:] { merged[k] = v }
        self.placements = merged
    }

    func emitter(for path: String) -> PacYAMLEmitter {
        let crlf = (existing?.crlfFiles.contains(path) ?? false) || (given?.crlfFiles.contains(path) ?? false)
        return PacYAMLEmitter(lineBreak: crlf ? "\r\n" : "\n", blockBreaks: options.yamlBlockBreaks)
    }

    // MARK: Building

    mutating func build() throws -> [String: FolderOutput] {
        var out: [String: FolderOutput] = [:]
        indexLinks()
        let presentKeys = Set(snapshot.records.flatMap { t, rs in rs.map { RecordKey(t, $0.id) } })
        // Placements of records no longer in the snapshot do not reserve names.
        placements = placements.filter { presentKeys.contains($0.key) }
        takenPaths = Set(placements.values.map { $0.file.lowercased() })

        for table in snapshot.tableNames where PacFolderFormat.byTable[table] == nil && table != "annotation" {
            for r in snapshot.records[table] ?? [] { skipped.append("\(table) \(r.id.dataverseString)") }
        }

        // website.yml
        for site in snapshot.records["adx_website"] ?? [] {
            let t = PacFolderFormat.byTable["adx_website"]!
            out["website.yml"] = .data(Data(emitter(for: "website.yml").emit(.mapping(pairs(site, t))).utf8))
            noteManifest(site, t, text: "")
        }
        // Top-level lists.
        for t in PacFolderFormat.tables {
            guard case .topLevelList(let path) = t.kind, let records = snapshot.records[t.table], !records.isEmpty else { continue }
            let items = records.sorted { $0.id.dataverseString < $1.id.dataverseString }.map { r -> YAMLValue in
                noteManifest(r, t, text: "")
                return .mapping(pairs(r, t))
            }
            out[path] = .data(Data(emitter(for: path).emit(.sequence(items)).utf8))
        }
        // Record files, parents before children.
        let order = [
            "adx_webpage", "adx_webtemplate", "adx_contentsnippet", "adx_webfile", "adx_pagetemplate", "adx_entitylist",
            "adx_entitypermission", "adx_entityform", "adx_webform", "adx_webformstep", "adx_weblinkset", "adx_poll",
            "adx_pollplacement", "adx_communityforum", "adx_columnpermissionprofile", "adx_cloudflowconsumer",
        ]
        for table in order {
            guard let t = PacFolderFormat.byTable[table], let records = snapshot.records[table] else { continue }
            try assignPaths(records, t)
            for r in records {
                guard let file = placements[RecordKey(table, r.id)]?.file else { continue }
                try writeRecordFile(r, t, file: file, into: &out)
            }
        }
        // Child lists next to their parents.
        for t in PacFolderFormat.tables {
            guard case .childList(let parentTable, let parentColumn) = t.kind, let records = snapshot.records[t.table] else { continue }
            var groups: [String: [EntityRecord]] = [:]
            for r in records {
                var file = placements[RecordKey(t.table, r.id)]?.file
                if file == nil, let pid = PacValueCoding.guidText(r.columns[parentColumn]).flatMap({ UUID(dataverse: $0) }),
                    let parentFile = placements[RecordKey(parentTable, pid)]?.file
                {
                    file = String(parentFile.dropLast(4)) + ".\(t.suffix).yml"
                }
                guard let f = file else { skipped.append("\(t.table) \(r.id.dataverseString)"); continue }
                placements[RecordKey(t.table, r.id)] = placements[RecordKey(t.table, r.id)] ?? RecordPlacement(file: f)
                groups[f, default: []].append(r)
            }
            for (file, rs) in groups {
                let items = rs.sorted { $0.id.dataverseString < $1.id.dataverseString }.map { r -> YAMLValue in
                    noteManifest(r, t, text: "")
                    return .mapping(pairs(r, t))
                }
                out[file] = .data(Data(emitter(for: file).emit(.sequence(items)).utf8))
            }
        }
        for r in snapshot.records["annotation"] ?? [] where !attachedNotes.contains(r.id) {
            skipped.append("annotation \(r.id.dataverseString)")
        }
        try buildManifests(into: &out)
        for path in out.keys {
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            if path.hasPrefix("/") || parts.contains("..") || parts.contains(".") || parts.contains("") {
                throw PortalFolderError.io(file: path, message: "refusing to write a path outside the site folder")
            }
        }
        return out
    }

    var attachedNotes: Set<UUID> = []

    /// Indexes N:N links by relationship and record on both sides; `pairs` only writes the lists the
    /// record's layout (or pac's table of relationships) puts on that record.
    mutating func indexLinks() {
        for (name, links) in snapshot.links {
            for link in links {
                linkIndex[name, default: [:]][link.first.id, default: []].append(link.second.id)
                if link.first.id != link.second.id {
                    linkIndex[name, default: [:]][link.second.id, default: []].append(link.first.id)
                }
            }
        }
    }

    /// The YAML pairs of a record in pac's key order (side-file columns and the implied website lookup left out).
    func pairs(_ r: EntityRecord, _ t: PacTableLayout, excluding: Set<String> = []) -> [YAMLPair] {
        let placement = placements[RecordKey(t.table, r.id)]
        let side = Set(t.sideFiles.map(\.column))
        var ps = [YAMLPair(t.idColumn, .scalar(r.id.dataverseString))]
        for (k, v) in r.columns where !side.contains(k) && !excluding.contains(k) && k != t.idColumn {
            if !(placement?.keys.contains(k) ?? false) && !(t.table == "adx_website" && k == "adx_websiteid") {
                if PacFolderFormat.unwrittenColumns.contains(k) { continue }
                // Standard-model pac omits null columns; v2 writes the empty keys `content` has (`adx_filecontent: `,
                // pac-yaml-emission.md §6), which are the only nulls an enhanced view's record carries (issue 16).
                if v.isNull && options.yamlBlockBreaks != .v2 { continue }
                if k == "statecode", v.text == "0" { continue }
                if k == "statuscode", v.text == "1" { continue }
            }
            // v2 writes an empty multi-select as the empty text `content` holds (`''`).
            let emptySelection = options.yamlBlockBreaks == .v2 && v == .multiChoice([])
            ps.append(YAMLPair(k, NestedContentValue.node(column: k, value: v) ?? (emptySelection ? .scalar("") : coding.encode(v))))
        }
        let readKeys = (existing?.placements[RecordKey(t.table, r.id)] ?? given?.placements[RecordKey(t.table, r.id)])?.keys
        let nn =
            readKeys?.filter { PortalFolder.relationship($0, table: t.table, catalog: coding.catalog) != nil }
            ?? PacFolderFormat.relationships.filter { $0.owner == t.table }.map(\.name)
        for name in nn {
            let ids = (linkIndex[name]?[r.id] ?? []).map(\.dataverseString).sorted()
            // v2 omits an empty N:N key (pac-yaml-emission.md §6) unless the folder read had it.
            if ids.isEmpty && options.yamlBlockBreaks == .v2 && readKeys == nil { continue }
            ps.append(YAMLPair(name, .sequence(ids.map(YAMLValue.scalar))))
        }
        for e in placement?.extras ?? [] where !ps.contains(where: { $0.key == e.key }) { ps.append(e) }
        return YAMLPair.pacSorted(ps)
    }

    // MARK: Names

    func languageCode(_ r: EntityRecord, _ t: PacTableLayout) -> String? {
        guard let col = t.languageColumn, let wl = PacValueCoding.guidText(r.columns[col]).flatMap({ UUID(dataverse: $0) }) else { return nil }
        guard let lang = snapshot.record("adx_websitelanguage", wl),
            let pl = PacValueCoding.guidText(lang.columns["adx_portallanguageid"]).flatMap({ UUID(dataverse: $0) }),
            let code = snapshot.record("adx_portallanguage", pl)?.columns["adx_languagecode"]?.text, !code.isEmpty
        else {
            // A partial download holds no website languages: the codes come with the options.
            return options.languageCodes[wl].map(PacNames.sanitize)
        }
        return PacNames.sanitize(code)
    }

    func recordName(_ r: EntityRecord, _ t: PacTableLayout) -> String {
        let n = r.columns[t.nameColumn]?.text ?? ""
        return n.isEmpty ? r.id.dataverseString : n
    }

    /// The most bytes a record file's name adds to its base (issue 17 "Long names"): the language
    /// code, the table suffix and the longest last part (`yml`, a content file's part such as
    /// `custom_javascript.js`, a child list's `<suffix>.yml`); content pages may add a collision suffix.
    func nameAddition(_ t: PacTableLayout) -> Int {
        var parts = ["yml"] + t.sideFiles.map(\.part)
        for c in PacFolderFormat.tables {
            if case .childList(let parent, _) = c.kind, parent == t.table { parts.append(c.suffix + ".yml") }
        }
        let lang = t.languageColumn != nil || t.table == "adx_webpage" ? 1 + longestLanguageCode : 0
        return lang + 1 + t.suffix.utf8.count + 1 + (parts.map(\.utf8.count).max() ?? 3) + (t.table == "adx_webpage" ? 9 : 0)
    }

    /// The longest sanitized language code of the snapshot's portal languages, in UTF-8 bytes.
    var longestLanguageCode: Int {
        (snapshot.records["adx_portallanguage"] ?? []).compactMap { $0.columns["adx_languagecode"]?.text }
            .map { PacNames.sanitize($0).utf8.count }.max() ?? 0
    }

    func directory(of file: String) -> String { (file as NSString).deletingLastPathComponent }

    /// Candidate path of a new record: (directory, base, language).
    func candidate(_ r: EntityRecord, _ t: PacTableLayout) -> (dir: (String) -> String, base: String, lang: String?)? {
        guard case .recordFile(let dir, let perFolder) = t.kind else { return nil }
        let base = PacNames.fitted(
            PacNames.sanitize(recordName(r, t)), id: r.id, longestAddition: nameAddition(t),
            keepExtension: t.table == "adx_webfile")
        let lang = languageCode(r, t)
        if t.table == "adx_webformstep" {
            guard let form = PacValueCoding.guidText(r.columns["adx_webform"]).flatMap({ UUID(dataverse: $0) }),
                let formFile = placements[RecordKey("adx_webform", form)]?.file
            else { return nil }
            let formDir = directory(of: formFile)
            return ({ "\(formDir)/\(dir)/\(PacNames.folder($0))" }, base, lang)
        }
        return ({ perFolder ? "\(dir)/\(PacNames.folder($0))" : dir }, base, lang)
    }

    mutating func assignPaths(_ records: [EntityRecord], _ t: PacTableLayout) throws {
        var fresh: [(EntityRecord, dir: (String) -> String, base: String, lang: String?)] = []
        for r in records where placements[RecordKey(t.table, r.id)] == nil {
            if t.table == "adx_webpage", r.columns["adx_isroot"]?.text?.lowercased() != "true",
                let root = PacValueCoding.guidText(r.columns["adx_rootwebpageid"]).flatMap({ UUID(dataverse: $0) }), root != r.id
            {
                continue // content pages after their roots
            }
            guard let c = candidate(r, t) else { skipped.append("\(t.table) \(r.id.dataverseString)"); continue }
            fresh.append((r, c.dir, c.base, c.lang))
        }
        func path(_ dir: (String) -> String, _ base: String, _ lang: String?) -> String {
            "\(dir(base))/\(base)\(lang.map { ".\($0)" } ?? "").\(t.suffix).yml"
        }
        var groups: [String: [Int]] = [:]
        for (i, f) in fresh.enumerated() { groups[path(f.dir, f.base, f.lang).lowercased(), default: []].append(i) }
        for (lower, members) in groups.sorted(by: { $0.key < $1.key }) {
            let collide = members.count > 1 || takenPaths.contains(lower)
            for i in members {
                let f = fresh[i]
                var base = f.base
                if collide {
                    base = PacNames.addSuffix(PacNames.collisionSuffix(f.0.id), to: base, beforeExtension: t.table == "adx_webfile")
                    base = PacNames.fitted(base, id: f.0.id, longestAddition: nameAddition(t), keepExtension: t.table == "adx_webfile")
                }
                let p = path(f.dir, base, f.lang)
                takenPaths.insert(p.lowercased())
                placements[RecordKey(t.table, f.0.id)] = RecordPlacement(file: p)
            }
        }
        guard t.table == "adx_webpage" else { return }
        // Content pages: named after their root page and language (research/pac-portal-format.md §1.3).
        for r in records where placements[RecordKey(t.table, r.id)] == nil {
            guard let root = PacValueCoding.guidText(r.columns["adx_rootwebpageid"]).flatMap({ UUID(dataverse: $0) }),
                let rootRecord = snapshot.record("adx_webpage", root),
                let rootFile = placements[RecordKey("adx_webpage", root)]?.file
            else {
                skipped.append("adx_webpage \(r.id.dataverseString)"); continue
            }
            var rootBase = String((rootFile as NSString).lastPathComponent.dropLast(".webpage.yml".count))
            if let rl = languageCode(rootRecord, t), rootBase.hasSuffix(".\(rl)") { rootBase = String(rootBase.dropLast(rl.count + 1)) }
            let lang = languageCode(r, t)
            var p = "\(directory(of: rootFile))/content-pages/\(rootBase)\(lang.map { ".\($0)" } ?? "").webpage.yml"
            if takenPaths.contains(p.lowercased()) {
                p = "\(directory(of: rootFile))/content-pages/\(rootBase)\(PacNames.collisionSuffix(r.id))\(lang.map { ".\($0)" } ?? "").webpage.yml"
            }
            takenPaths.insert(p.lowercased())
            placements[RecordKey(t.table, r.id)] = RecordPlacement(file: p)
        }
    }

    // MARK: Record files

    mutating func writeRecordFile(_ r: EntityRecord, _ t: PacTableLayout, file: String, into out: inout [String: FolderOutput]) throws {
        var text: String
        var checksumExtra = ""
        if t.table == "adx_webfile" {
            let notes = (snapshot.records["annotation"] ?? []).filter {
                PacValueCoding.guidText($0.columns["objectid"]) == r.id.dataverseString
            }
            let note = notes.max { a, b in
                let da = a.columns["modifiedon"].flatMap { if case .dateTime(let d) = $0 { return d } else { return nil } }
                let db = b.columns["modifiedon"].flatMap { if case .dateTime(let d) = $0 { return d } else { return nil } }
                return (da?.ticks ?? Int64.min) < (db?.ticks ?? Int64.min)
            }
            var ps = pairs(r, t)
            if let note {
                attachedNotes.insert(note.id)
                let noteLayout = PacTableLayout("annotation", suffix: "webfile", .recordFile(directory: "web-files", perRecordFolder: false))
                let audit: Set<String> = [
                    "documentbody", "modifiedon", "createdon", "modifiedby", "createdby", "ownerid",
                    "owninguser", "owningbusinessunit", "overriddencreatedon", "versionnumber",
                ]
                var np = [YAMLPair("annotationid", .scalar(note.id.dataverseString))]
                let noteKeys =
                    (existing?.placements[RecordKey("annotation", note.id)] ?? given?.placements[RecordKey("annotation", note.id)])?.keys ?? []
                for (k, v) in note.columns where !audit.contains(k) && PacFolderFormat.annotationColumns.contains(k) {
                    if v.isNull && !noteKeys.contains(k) { continue }
                    np.append(YAMLPair(k, coding.encode(v)))
                }
                _ = noteLayout
                ps += YAMLPair.pacSorted(np) // v1: web-file keys sorted, then note keys sorted (emission §3)
                let content =
                    placements[RecordKey("adx_webfile", r.id)]?.contentFile
                    ?? String(file.dropLast(".webfile.yml".count))
                if let body = snapshot.bodies[FileBodyKey("annotation", note.id, "documentbody")] {
                    switch body {
                    case .data(let d): out[content] = .data(d)
                    case .file(let u): out[content] = .copy(u)
                    }
                    checksumExtra = content
                }
                placements[RecordKey("annotation", note.id)] = RecordPlacement(file: file, contentFile: content)
                noteManifest(note, noteLayout, text: content)
            }
            text = emitter(for: file).emit(.mapping(ps))
        } else {
            text = emitter(for: file).emit(.mapping(pairs(r, t)))
        }
        out[file] = .data(Data(text.utf8))
        var sideText = ""
        for side in t.sideFiles {
            let value = r.columns[side.column]?.text ?? ""
            let path = String(file.dropLast(3)) + side.part
            let present = (existing?.sideFiles.contains(path) ?? false) || (given?.sideFiles.contains(path) ?? false)
            // A record read from a folder keeps its side files as they were (new-layout downloads
            // still omit some, e.g. snippets whose value is null); new records follow the generation.
            let known = (existing?.placements[RecordKey(t.table, r.id)] ?? given?.placements[RecordKey(t.table, r.id)]) != nil
            if !value.isEmpty || (generation == .new && (present || !known)) {
                out[path] = .data(Data(value.utf8))
            }
            sideText += "\u{0}\(side.column)\u{0}\(value)"
        }
        noteManifest(r, t, text: text + sideText + checksumExtra)
    }

    // MARK: Manifests

    /// Records an entry for the environment manifest: SHA-256 of the record's canonical form (its
    /// columns in pac's key order as YAML, plus its content files).
    mutating func noteManifest(_ r: EntityRecord, _ t: PacTableLayout, text: String) {
        guard options.environmentHost != nil else { return }
        let canonical = PacYAMLEmitter().emit(.mapping(pairs(r, t))) + text
        let sum = SHA256.hash(data: Data(canonical.utf8)).map { String(format: "%02x", $0) }.joined()
        let name = r.columns[t.nameColumn]?.text ?? r.columns["filename"]?.text ?? r.id.dataverseString
        manifestRecords[t.table, default: []].append((r.id, name, sum))
    }

    mutating func buildManifests(into out: inout [String: FolderOutput]) throws {
        var manifests = given?.manifests ?? [:]
        for (k, v) in existing?.manifests ?? [:] { manifests[k] = v }
        if let host = options.environmentHost {
            let path = ".portalconfig/\(host)-manifest.yml"
            let previous = manifests[path]
            var env = PortalManifest()
            for (table, entries) in manifestRecords {
                env.sections[table] = entries.sorted { $0.id.dataverseString < $1.id.dataverseString }.map {
                    PortalManifest.Entry(recordID: $0.id.dataverseString, displayName: $0.name, checkSum: $0.checksum, isDeleted: false)
                }
            }
            // One entry per link, in pac's orientation (issue 16: each link was listed twice, once reversed).
            for (name, links) in snapshot.links where !links.isEmpty {
                guard let owner = PacFolderFormat.relationships.first(where: { $0.name == name }) else { continue }
                env.sections[name] = PortalManifest.associationEntries(links, owner: owner.owner, related: owner.related)
            }
            // Records gone since the last download: deleted in the env manifest and in manifest.yml.
            var deleteTracking = manifests[".portalconfig/manifest.yml"] ?? PortalManifest()
            for (section, entries) in previous?.sections ?? [:] {
                let now = Set((env.sections[section] ?? []).map { "\($0.recordID)|\($0.displayName ?? "")" })
                for e in entries where !now.contains("\(e.recordID)|\(e.displayName ?? "")") {
                    env.sections[section, default: []].append(
                        .init(
                            recordID: e.recordID, displayName: e.displayName,
                            checkSum: e.checkSum, isDeleted: true))
                    let tracked = deleteTracking.sections[section] ?? []
                    if !tracked.contains(where: { $0.recordID == e.recordID && $0.displayName == e.displayName }) {
                        deleteTracking.sections[section, default: []].append(
                            .init(recordID: e.recordID, displayName: e.displayName, checkSum: nil, isDeleted: true))
                    }
                }
            }
            manifests[path] = env
            manifests[".portalconfig/manifest.yml"] = deleteTracking
        }
        for (path, m) in manifests {
            out[path] = .data(Data(emitter(for: path).emit(m.yaml).utf8))
        }
    }

    // MARK: Commit

    func commit(_ outputs: [String: FolderOutput], to root: URL) throws -> FolderWriteSummary {
        var written: [String] = [], unchanged = 0, removed: [String] = []
        // Every path is checked before the first write (links, names too long, files where folders
        // belong): a folder is never left half written because of a name that could be checked first.
        let stale = staleFiles(outputs, root: root)
        var refused: [SafeWriteError] = []
        for path in outputs.keys.sorted() + stale.remove {
            do { try SafeFileWriter.check(path, under: root) } catch let e as SafeWriteError { refused.append(e) }
        }
        if !refused.isEmpty { throw PortalFolderError.refusedWrites(refused) }
        for path in outputs.keys.sorted() {
            do {
                let data: Data
                switch outputs[path]! {
                case .data(let d):
                    data = d
                case .copy(let src):
                    if src.standardizedFileURL.path == root.appendingPathComponent(path).standardizedFileURL.path { unchanged += 1; continue }
                    data = try Data(contentsOf: src)
                }
                if try SafeFileWriter.write(data, to: path, under: root, skipIfUnchanged: true) {
                    written.append(path)
                } else {
                    unchanged += 1
                }
            } catch let e as SafeWriteError {
                throw PortalFolderError.io(file: e.path, message: e.description + " (changed while writing; files before it were written)")
            } catch let e as PortalFolderError {
                throw e
            } catch {
                throw PortalFolderError.io(file: path, message: error.localizedDescription)
            }
        }
        for path in stale.remove {
            do { try SafeFileWriter.remove(path, under: root) } catch let e as SafeWriteError {
                throw PortalFolderError.io(file: e.path, message: e.description)
            }
            removed.append(path)
        }
        return FolderWriteSummary(written: written, unchanged: unchanged, removed: removed, kept: stale.kept, skipped: skipped.sorted())
    }

    /// The files of records gone from the snapshot: those to remove, and those kept because no
    /// earlier download from this environment listed them (added by hand).
    func staleFiles(_ outputs: [String: FolderOutput], root: URL) -> (remove: [String], kept: [String]) {
        let fm = FileManager.default
        var removed: [String] = []
        var kept: [String] = []
        if options.removeStaleFiles, let existing {
            // On a download only records an earlier download from this environment listed may go:
            // a record file the environment never had was added by hand and is kept (and reported).
            var protected: [String] = []
            if let host = options.environmentHost {
                let sections = existing.manifests[".portalconfig/\(host)-manifest.yml"]?.sections ?? [:]
                let listed = Set(sections.values.flatMap { $0.map { $0.recordID.lowercased() } })
                for (key, placement) in existing.placements.sorted(by: { $0.key < $1.key })
                where outputs[placement.file] == nil && !listed.contains(key.id.dataverseString.lowercased()) {
                    protected.append(placement.file)
                    if let content = placement.contentFile { protected.append(content) }
                }
            }
            let protectedStems = protected.filter { $0.hasSuffix(".yml") }.map { String($0.dropLast(4)) + "." }
            var old = Set(existing.placements.values.flatMap { [$0.file] + ($0.contentFile.map { [$0] } ?? []) })
            old.formUnion(existing.sideFiles)
            for path in old.sorted() where outputs[path] == nil {
                let url = root.appendingPathComponent(path)
                guard fm.fileExists(atPath: url.path) else { continue }
                if protected.contains(path) || protectedStems.contains(where: { path.hasPrefix($0) }) {
                    kept.append(path)
                    continue
                }
                removed.append(path)
            }
        }
        return (removed, kept)
    }
}

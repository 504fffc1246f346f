import Foundation

/// What `EnhancedSnapshotMapping.enhanced(from:)` returns: the enhanced snapshot and what of the
/// standard one has no enhanced counterpart.
public struct EnhancedConversion: Sendable {
    /// `powerpagesite`, `powerpagesitelanguage` and `powerpagecomponent` records, the component ↔
    /// component N:N links, and `filecontent` bodies.
    public var snapshot: PortalSnapshot
    /// Standard table → ids of its records that have no enhanced counterpart (tags, URL history, ads,
    /// polls, notes that are not web file bodies, …), sorted by table. Listed in the plan as not
    /// migrated, never dropped silently.
    public var notMigrated: [String: [UUID]]
    /// N:N relationship → number of links that have no enhanced counterpart (links to contacts, to
    /// tables without a component type).
    public var notMigratedLinks: [String: Int]

    /// One line per table / relationship left out, for a plan: `adx_tag: 3 record(s) not migrated (no
    /// enhanced-model counterpart)`.
    public var notMigratedLines: [String] {
        notMigrated.keys.sorted().map { "\($0): \(notMigrated[$0]?.count ?? 0) record(s) not migrated (no enhanced-model counterpart)" }
            + notMigratedLinks.keys.sorted().map { "\($0): \(notMigratedLinks[$0] ?? 0) N:N link(s) not migrated (no enhanced-model counterpart)" }
    }
}

/// Maps a whole website between the standard data model (`adx_*` records, as a pac folder of either
/// model reads them) and the enhanced data model (`powerpagesite`, `powerpagesitelanguage`,
/// `powerpagecomponent`), both ways.
///
/// Standard → enhanced (research/dataverse-webapi.md §11.3, research/emulator-facts.md §4):
/// - `adx_website` → `powerpagesite` (same id): `name` ← `adx_name`; every other column goes into
///   `content` under its name without the `adx_` prefix (`defaultlanguage`, `headerwebtemplateid`,
///   `statecode`, …); `statecode`/`statuscode` also as columns.
/// - `adx_websitelanguage` (+ its `adx_portallanguage`) → `powerpagesitelanguage` (the website
///   language's id; in a v2 folder both ids are equal, pac-portal-format.md §5): `name`, `lcid`,
///   `languagecode`, `displayname` from the portal language; the website language's other columns
///   (`publishingstate`, `systemlanguage`, …) into `content`.
/// - every record of a table with a `PowerPageComponentType` → `powerpagecomponent` with the same id
///   (`EnhancedComponentMapping`); `powerpagesitelanguageid` from the record's lookup to
///   `adx_websitelanguage`, if any.
/// - N:N links between component tables → GUID arrays in the owning component's `content` under the
///   relationship name (the side that is not `adx_webrole` owns it), plus a
///   `powerpagecomponent_powerpagecomponent` link (research §11.3: copy both).
/// - web file notes (`annotation` whose `objectid` is an `adx_webfile`) → the web file component's
///   `filecontent` body; the note's id, file name and MIME type as the component's `filecontent`,
///   `filecontent_name` and `filecontent_mimetype` (pac writes them back as note-style keys).
/// - anything else → `EnhancedConversion.notMigrated` / `notMigratedLinks`.
///
/// Enhanced → standard is the inverse; `adx_portallanguage` is rebuilt from the site language with
/// the same id (as pac v2 folders have it), and content array keys in either spelling become links.
public struct EnhancedSnapshotMapping: Sendable {
    public var catalog: TableCatalog
    /// The record-level mapping used for components.
    public var components: EnhancedComponentMapping

    public init(catalog: TableCatalog = .standard) {
        self.catalog = catalog
        self.components = EnhancedComponentMapping(catalog: catalog)
    }

    /// Columns of `adx_website` not written into `powerpagesite.content`. A standard record's
    /// `statecode`/`statuscode` are the site's columns only (research/emulator-facts.md §4.3); a v2
    /// folder's `adx_statecode`/`adx_statuscode` keys go into `content` as well, and come back as such.
    public static let siteSkipped: Set<String> = [
        "adx_name", "ownerid", "owningbusinessunit", "createdon", "modifiedon",
        "createdby", "modifiedby", "versionnumber", "overriddencreatedon",
        "statecode", "statuscode",
    ]
    /// Columns of `adx_websitelanguage` not written into `powerpagesitelanguage.content`.
    public static let languageSkipped: Set<String> = [
        "adx_name", "adx_websiteid", "adx_portallanguageid", "statecode", "statuscode",
        "ownerid", "owningbusinessunit", "createdon", "modifiedon", "createdby", "modifiedby",
        "versionnumber",
    ]

    // MARK: standard → enhanced

    /// Maps a standard-shaped snapshot of one website to the enhanced model.
    ///
    /// - Parameter standard: `adx_*` records of one website (the `websiteID`, or the only
    ///   `adx_website`), N:N links and note bodies.
    /// - Returns: the enhanced snapshot (its `websiteID` is the `powerpagesite` id, equal to the
    ///   `adx_website` id) and what has no counterpart.
    /// - Throws: `EnhancedMappingError.noWebsite` when the website cannot be found.
    public func enhanced(from standard: PortalSnapshot) throws -> EnhancedConversion {
        let websites = standard.records["adx_website"] ?? []
        let website: EntityRecord
        if let id = standard.websiteID {
            guard let w = websites.first(where: { $0.id == id }) else {
                throw EnhancedMappingError.noWebsite("adx_website \(id.dataverseString) is not in the snapshot")
            }
            website = w
        } else {
            guard websites.count == 1, let w = websites.first else {
                throw EnhancedMappingError.noWebsite("\(websites.count) adx_website records and no website id")
            }
            website = w
        }
        let siteID = website.id
        var out = PortalSnapshot(websiteID: siteID)
        var notMigrated: [String: [UUID]] = [:]
        var notMigratedLinks: [String: Int] = [:]

        // The site.
        var site = EntityRecord("powerpagesite", id: siteID)
        if let name = website["adx_name"] { site["name"] = name }
        site["content"] = .string(contentJSON(of: website, skipping: Self.siteSkipped).serialized)
        if let s = website["statecode"] ?? website["adx_statecode"] { site["statecode"] = state(s, status: false) }
        if let s = website["statuscode"] ?? website["adx_statuscode"] { site["statuscode"] = state(s, status: true) }
        out.add(site)
        for other in websites where other.id != siteID { notMigrated["adx_website", default: []].append(other.id) }

        // Site languages.
        let portalLanguages = Dictionary((standard.records["adx_portallanguage"] ?? []).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var usedPortalLanguages: Set<UUID> = []
        for wl in standard.records["adx_websitelanguage"] ?? [] {
            var lang = EntityRecord("powerpagesitelanguage", id: wl.id)
            if let name = wl["adx_name"] { lang["name"] = name }
            lang["powerpagesiteid"] = .lookup(EntityReference("powerpagesite", siteID))
            if let pid = wl.lookupID("adx_portallanguageid"), let pl = portalLanguages[pid] {
                usedPortalLanguages.insert(pid)
                if let v = pl["adx_lcid"] { lang["lcid"] = integer(v) }
                if let v = pl["adx_languagecode"] { lang["languagecode"] = v }
                if let v = pl["adx_displayname"] { lang["displayname"] = v }
            }
            lang["content"] = .string(contentJSON(of: wl, skipping: Self.languageSkipped).serialized)
            if let s = wl["statecode"] { lang["statecode"] = s }
            if let s = wl["statuscode"] { lang["statuscode"] = s }
            out.add(lang)
        }
        for id in portalLanguages.keys where !usedPortalLanguages.contains(id) {
            notMigrated["adx_portallanguage", default: []].append(id)
        }

        // Web-role and other links between component tables, by owning record.
        var ownedLinks: [UUID: [String: [UUID]]] = [:]
        for (name, links) in standard.links {
            guard let rel = catalog.relationship(name) ?? catalog.relationships.first(where: { $0.name.lowercased() == name.lowercased() }),
                PowerPageComponentType(standardTable: rel.entity1) != nil,
                PowerPageComponentType(standardTable: rel.entity2) != nil
            else {
                notMigratedLinks[name, default: 0] += links.count
                continue
            }
            let ownerIsFirst = !(rel.entity1 == "adx_webrole" && rel.entity2 != "adx_webrole")
            for link in links.sorted() {
                let (owner, other) = ownerIsFirst ? (link.first.id, link.second.id) : (link.second.id, link.first.id)
                ownedLinks[owner, default: [:]][rel.name, default: []].append(other)
                out.link(
                    "powerpagecomponent_powerpagecomponent",
                    ManyToManyLink(EntityReference("powerpagecomponent", owner), EntityReference("powerpagecomponent", other)))
            }
        }

        // Web file notes → filecontent.
        var fileNotes: [UUID: EntityRecord] = [:]
        let webFiles = Set((standard.records["adx_webfile"] ?? []).map(\.id))
        for note in standard.records["annotation"] ?? [] {
            if let ref = note["objectid"]?.reference ?? note["objectid"].flatMap(Self.guidReference),
                webFiles.contains(ref.id), fileNotes[ref.id] == nil
            {
                fileNotes[ref.id] = note
            } else {
                notMigrated["annotation", default: []].append(note.id)
            }
        }

        // Components.
        for table in standard.tableNames where !["adx_website", "adx_websitelanguage", "adx_portallanguage", "annotation"].contains(table) {
            for record in standard.records[table] ?? [] {
                var source = record
                if table == "adx_webfile", let note = fileNotes[record.id] {
                    source["filecontent"] = .guid(note.id)
                    if let n = note["filename"] { source["filecontent_name"] = n }
                    if let m = note["mimetype"] { source["filecontent_mimetype"] = m }
                    if let body = standard.bodies[FileBodyKey("annotation", note.id, "documentbody")] {
                        out.bodies[FileBodyKey("powerpagecomponent", record.id, "filecontent")] = body
                    }
                }
                guard
                    let component = components.component(
                        from: source, siteID: siteID, languageID: languageID(of: record),
                        webRoleLinks: ownedLinks[record.id] ?? [:])
                else {
                    notMigrated[table, default: []].append(record.id)
                    continue
                }
                out.add(component)
            }
        }
        return EnhancedConversion(
            snapshot: out, notMigrated: notMigrated.mapValues { $0.sorted { $0.dataverseString < $1.dataverseString } },
            notMigratedLinks: notMigratedLinks)
    }

    /// The `adx_websitelanguage` a record refers to (its first lookup to that table, by column name).
    public func languageID(of record: EntityRecord) -> UUID? {
        for column in record.columns.keys.sorted() {
            if case .lookup(let r)? = record.columns[column], r.logicalName == "adx_websitelanguage" { return r.id }
        }
        return nil
    }

    static func guidReference(_ value: FieldValue) -> EntityReference? {
        switch value {
        case .guid(let u): return EntityReference("", u)
        case .string(let s): return UUID(dataverse: s).map { EntityReference("", $0) }
        default: return nil
        }
    }

    /// `content` JSON of a site or site-language record: every column but the skipped ones and the
    /// primary id, without the `adx_` prefix, in column name order.
    public func contentJSON(of record: EntityRecord, skipping skipped: Set<String>) -> JSONValue {
        let def = catalog.table(record.logicalName)
        let idColumn = def?.primaryIDColumn ?? record.logicalName + "id"
        var members: [(String, JSONValue)] = []
        for column in record.columns.keys.sorted() where column != idColumn && !skipped.contains(column) {
            guard let value = record.columns[column] else { continue }
            let json = def?.column(column) != nil ? value.json : EnhancedComponentMapping.contentJSON(unknown: value)
            members.append((EnhancedComponentMapping.contentKey(forColumn: column), json))
        }
        return .object(members)
    }

    /// A state (`status` false) or status value from any numeric form (`.state`, `.integer`, text).
    public func state(_ value: FieldValue, status: Bool) -> FieldValue {
        switch value {
        case .state(let v), .status(let v), .choice(let v): return status ? .status(v) : .state(v)
        case .integer(let v): return status ? .status(Int(v)) : .state(Int(v))
        case .string(let s): if let v = Int(s) { return status ? .status(v) : .state(v) }; return value
        default: return value
        }
    }

    /// An integer value from text or a choice; other values unchanged.
    public func integer(_ value: FieldValue) -> FieldValue {
        switch value {
        case .integer: return value
        case .string(let s): if let v = Int32(s) { return .integer(v) }; return value
        case .choice(let v): return .integer(Int32(truncatingIfNeeded: v))
        default: return value
        }
    }

    // MARK: enhanced → standard

    /// Maps an enhanced snapshot of one site back to standard-shaped `adx_*` records (as a v2 pac
    /// folder holds them).
    ///
    /// - Parameter enhanced: `powerpagesite` (the `websiteID`, or the only one), its
    ///   `powerpagesitelanguage` and `powerpagecomponent` records, links and `filecontent` bodies.
    /// - Throws: `EnhancedMappingError.noSite`; `EnhancedMappingError` naming the component and
    ///   key when a component's type or `content` cannot be mapped.
    public func standard(from enhanced: PortalSnapshot) throws -> PortalSnapshot {
        let sites = enhanced.records["powerpagesite"] ?? []
        let site: EntityRecord
        if let id = enhanced.websiteID {
            guard let s = sites.first(where: { $0.id == id }) else {
                throw EnhancedMappingError.noSite("powerpagesite \(id.dataverseString) is not in the snapshot")
            }
            site = s
        } else {
            guard sites.count == 1, let s = sites.first else {
                throw EnhancedMappingError.noSite("\(sites.count) powerpagesite records and no site id")
            }
            site = s
        }
        let siteRef = EntityReference("adx_website", site.id)
        var out = PortalSnapshot(websiteID: site.id)

        var website = EntityRecord("adx_website", id: site.id)
        if let name = site["name"] { website["adx_name"] = name }
        try fill(&website, fromContent: site, componentID: site.id.dataverseString)
        // The state columns, unless `content` carries them as a v2 folder's `adx_statecode` keys.
        if website["adx_statecode"] == nil, let s = site["statecode"] { website["statecode"] = s }
        if website["adx_statuscode"] == nil, let s = site["statuscode"] { website["statuscode"] = s }
        out.add(website)

        for lang in enhanced.records["powerpagesitelanguage"] ?? [] where lang.lookupID("powerpagesiteid") ?? site.id == site.id {
            var wl = EntityRecord("adx_websitelanguage", id: lang.id)
            if let name = lang["name"] { wl["adx_name"] = name }
            wl["adx_portallanguageid"] = .lookup(EntityReference("adx_portallanguage", lang.id))
            if catalog.table("adx_websitelanguage")?.column("adx_websiteid") != nil { wl["adx_websiteid"] = .lookup(siteRef) }
            try fill(&wl, fromContent: lang, componentID: lang.id.dataverseString)
            if let s = lang["statecode"] { wl["statecode"] = s }
            if let s = lang["statuscode"] { wl["statuscode"] = s }
            out.add(wl)
            var pl = EntityRecord("adx_portallanguage", id: lang.id)
            if let v = lang["displayname"] { pl["adx_displayname"] = v }
            if let v = lang["languagecode"] { pl["adx_languagecode"] = v }
            if let v = lang["lcid"] { pl["adx_lcid"] = typed(v, table: "adx_portallanguage", column: "adx_lcid") }
            if let name = lang["name"] { pl["adx_name"] = name }
            // The system language is the LCID in every portal language (research/emulator-facts.md §2.1).
            if let v = wl["adx_systemlanguage"] ?? lang["lcid"] {
                pl["adx_systemlanguage"] = typed(v, table: "adx_portallanguage", column: "adx_systemlanguage")
            }
            // A portal language's state is its site language's (there is no portal language row).
            if let s = lang["statecode"] { pl["statecode"] = s }
            if let s = lang["statuscode"] { pl["statuscode"] = s }
            out.add(pl)
        }

        var contentLinks: Set<Set<UUID>> = []
        for component in enhanced.records["powerpagecomponent"] ?? [] where component.lookupID("powerpagesiteid") ?? site.id == site.id {
            let mapped = try components.record(from: component)
            var record = mapped.record
            if record.columns["adx_websiteid"] != nil { record["adx_websiteid"] = .lookup(siteRef) }
            out.add(record)
            for (name, ids) in mapped.links {
                guard let rel = catalog.relationship(name) else { continue }
                for other in ids {
                    contentLinks.insert([component.id, other])
                    let otherTable = rel.entity1 == record.logicalName ? rel.entity2 : rel.entity1
                    let mine = EntityReference(record.logicalName, record.id), theirs = EntityReference(otherTable, other)
                    let ownerIsFirst = rel.entity1 == record.logicalName && !(rel.entity1 == "adx_webrole" && rel.entity2 != "adx_webrole")
                    out.link(rel.name, ownerIsFirst ? ManyToManyLink(mine, theirs) : ManyToManyLink(theirs, mine))
                }
            }
            if record.logicalName == "adx_webfile", case .guid(let noteID)? = component["filecontent"] {
                var note = EntityRecord("annotation", id: noteID)
                note["filename"] = component["filecontent_name"] ?? record["adx_name"] ?? .null
                if let m = component["filecontent_mimetype"] { note["mimetype"] = m }
                note["isdocument"] = typed(.string("true"), table: "annotation", column: "isdocument")
                note["objectid"] = typed(.lookup(EntityReference("adx_webfile", record.id)), table: "annotation", column: "objectid")
                note["objecttypecode"] = typed(.string("adx_webfile"), table: "annotation", column: "objecttypecode")
                if let body = enhanced.bodies[FileBodyKey("powerpagecomponent", component.id, "filecontent")] {
                    out.bodies[FileBodyKey("annotation", noteID, "documentbody")] = body
                }
                out.add(note)
            }
        }
        return out
    }

    /// Adds a site or site-language record's `content` keys as `adx_` columns, typed by the catalog.
    func fill(_ record: inout EntityRecord, fromContent source: EntityRecord, componentID: String) throws {
        guard let text = source.string("content"), !text.isEmpty else { return }
        let json: JSONValue
        do { json = try JSONValue.parse(text) } catch {
            throw EnhancedMappingError(componentID: componentID, key: "content", problem: "not JSON: \(error)")
        }
        guard let pairs = json.objectValue else { throw EnhancedMappingError(componentID: componentID, key: "content", problem: "not a JSON object") }
        let def = catalog.table(record.logicalName)
        for (key, value) in pairs {
            let column = EnhancedComponentMapping.column(forContentKey: key)
            if let col = def?.column(column) {
                do { record[column] = try FieldValue(json: value, as: col.type, lookupTarget: col.targets.first) } catch {
                    throw EnhancedMappingError(componentID: componentID, key: key, problem: "\(error)")
                }
            } else {
                record[column] = EnhancedComponentMapping.verbatim(value)
            }
        }
    }

    /// A value as the catalog types `table.column` (text kept when the column is unknown).
    func typed(_ value: FieldValue, table: String, column: String) -> FieldValue {
        guard let col = catalog.table(table)?.column(column) else {
            if case .lookup(let r) = value { return .string(r.id.dataverseString) }
            return value
        }
        if case .lookup(let r) = value { return col.type.isReference ? .lookup(r) : .string(r.id.dataverseString) }
        guard let text = value.text, let v = try? FieldValue.parse(text, as: col.type, lookupTarget: col.targets.first) else { return value }
        return v
    }
}

extension EnhancedSnapshotMapping {
    /// `snapshot` with its web file notes given the ids, file names and MIME types `existing` has for
    /// the same web files. In the enhanced model a web file's note is synthesized from the file column
    /// (research/emulator-facts.md §4.2, type 3), so its id is not stable across environments; a
    /// re-download into a folder keeps the folder's values, as file names are kept (no churn in git).
    /// Bodies move with the ids.
    public static func adoptingNotes(of existing: PortalSnapshot, in snapshot: PortalSnapshot) -> PortalSnapshot {
        var byFile: [UUID: EntityRecord] = [:]
        for note in existing.records["annotation"] ?? [] {
            if let file = note.lookupID("objectid") ?? note["objectid"].flatMap({ UUID(dataverse: $0.text ?? "") }) { byFile[file] = note }
        }
        var out = snapshot
        out.records["annotation"] = (snapshot.records["annotation"] ?? []).map { note in
            guard let file = note.lookupID("objectid"), let old = byFile[file] else { return note }
            var adopted = note
            adopted.id = old.id
            if old["filename"] == note["filename"], let m = old["mimetype"] { adopted["mimetype"] = m }
            if let body = out.bodies.removeValue(forKey: FileBodyKey("annotation", note.id, "documentbody")) {
                out.bodies[FileBodyKey("annotation", old.id, "documentbody")] = body
            }
            return adopted
        }
        return out
    }
}

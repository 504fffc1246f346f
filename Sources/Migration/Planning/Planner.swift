import Foundation
import PortalModel

/// What planning produces: the plan and what the checks before writing need to know about the target.
public struct PlanningResult: Sendable {
    public var plan: MigrationPlan
    /// The target's table definitions by logical name.
    public var targetDefinitions: [String: TableDefinition]
    /// True when the target website (`--targetWebSiteId`, else the source website's id) exists in the target.
    public var targetWebsiteExists: Bool
    /// The target's records of the target website, by id (for verify's listing of extra records).
    public var targetSnapshot: PortalSnapshot
    /// False when the source has no website and the plan covers the source's tables instead
    /// (`targetSnapshot` then holds every target record of those tables).
    public var websiteScoped: Bool = true
    /// Target records of the source's ids read outside the target website's scope (records the target
    /// already has under another website, or under none), by table then id: the `other-site-records`
    /// check (`CrossSiteCheck`) names those of another website.
    public var targetOutsideScope: [String: [UUID: EntityRecord]] = [:]
}

/// Decides every write of a migration by comparing a source snapshot with a target's current records
/// (issue 6 "Plan" and "Identity"; DESIGN.md "Identity", "Ordering").
///
/// Steps: read the target website's snapshot; match each source record to a target record by id, then by
/// natural key (`IdentityRules`, in dependency order so parent lookups are already remapped), portal
/// languages by LCID; remap every lookup and N:N link to target ids; find lookups whose record the
/// target lacks (missing-lookup diagnostics, or dropped with `.drop`); per record compare the columns to
/// write with the target's values; order tables (`DependencyOrder`) and records within a table parent
/// first, deferring only lookups to records written later; with `prune`, delete target records and links
/// the source lacks. The output is deterministic for the same inputs.
public struct Planner: Sendable {
    public let target: any DataverseService
    public let catalog: TableCatalog

    /// System columns written with a create when the source has them, and never compared or updated:
    /// `importsequencenumber` (IsValidForCreate only) and `timezoneruleversionnumber` (valid for create and
    /// update). pac writes both into its YAML "when set" and uploads what the YAML holds
    /// (research/pac-portal-format.md §2 "Columns that are written"), so a folder uploaded into a fresh
    /// environment downloads back with them. `versionnumber` is not among them: Dataverse assigns it on
    /// every write (the row version behind `@odata.etag`, research/dataverse-webapi.md "Representation")
    /// and is not a writable column, so it cannot round-trip through any real environment.
    public static let createOnlySystemColumns: Set<String> = ["importsequencenumber", "timezoneruleversionnumber"]

    /// Website columns bound to the environment the website lives in, by table: the host name
    /// (`adx_primarydomainname`, enhanced `primarydomainname`: the portal host provisioned for the
    /// website record in that environment, research/code-sites-and-admin-api.md B.8 and
    /// pac-portal-format.md `.portalconfig/websitebinding.yml`, download only) and the website's name
    /// (`adx_name`/`name`: the natural key of the website (`TableCatalog`), shown for the site in that
    /// environment's site lists and given when the host is bound, "Reactivate": name + web address,
    /// research/code-sites-and-admin-api.md B.8). Website bindings (`adx_websitebinding`) and the portal
    /// app are not columns of the website: bindings are a table never written
    /// (`TableCatalog.environmentSpecificTables`), the portal app is not portal configuration.
    /// When the source website is mapped onto another website (`--targetWebSiteId`), the target keeps
    /// these (`MigrationPlan.keptColumns`); an absent column never clears them.
    public static let environmentBoundWebsiteColumns: [String: Set<String>] = [
        "adx_website": ["adx_name", "adx_primarydomainname"], "powerpagesite": ["name", "primarydomainname"],
    ]

    /// The `website-in-both-models` check: a website the plan creates must not already exist in the
    /// target under the same id in the other data model (an `adx_website` behind an enhanced-model
    /// write, a `powerpagesite` behind a standard one), or the target would hold one website id in both
    /// models (issue 16, R06: a standard folder read as enhanced created a second website with the
    /// same id). `nil` when the other model's table is absent or has no such record.
    func websiteInOtherModel(_ websiteID: UUID) async throws -> Diagnostic? {
        let enhanced = target as? EnhancedModelService
        let base = enhanced?.base ?? target
        let (table, writing) = enhanced == nil ? ("powerpagesite", "adx_website") : ("adx_website", "powerpagesite")
        guard let rows = try? await base.retrieveAll(RecordQuery(table, filter: .equal(table + "id", .guid(websiteID)), top: 1)),
            let found = rows.first
        else { return nil }
        let model = enhanced == nil ? "enhanced data model (v2)" : "standard data model (v1)"
        let name = found.string(table == "adx_website" ? "adx_name" : "name")
        return Diagnostic(
            check: "website-in-both-models",
            message:
                "the target already holds this website as \(table) (the \(model)); writing it as \(writing) would give the target one website id in both models. "
                + "Write it in the model the target has (--modelVersion / --targetModelVersion \(enhanced == nil ? "2" : "1")), or, for a folder, check that it is the site you mean",
            table: writing, recordID: websiteID, recordName: name)
    }

    /// The `website-same-name` warning: the plan creates a website while the target already has another
    /// website of the same name (a target provisioned and not cleaned: a CMT import, an upload or a
    /// migration would leave it two sites of one name). Names both websites and how to write into the
    /// existing one instead (`--targetWebSiteId`). Empty when the target has no other website of that name.
    func websitesOfSameName(_ site: EntityRecord?, creating id: UUID) async -> [Diagnostic] {
        guard let site, let name = site.string("adx_name") ?? site.string("name"), !name.isEmpty else { return [] }
        let base = (target as? EnhancedModelService)?.base ?? target
        var out: [Diagnostic] = []
        for (table, column) in [("adx_website", "adx_name"), ("powerpagesite", "name")] {
            guard let rows = try? await base.retrieveAll(RecordQuery(table, filter: .equal(column, .string(name)))) else { continue }
            for other in rows.sorted(by: { $0.id.dataverseString < $1.id.dataverseString }) where other.id != id {
                out.append(
                    Diagnostic(
                        check: "website-same-name", severity: .warning,
                        message:
                            "the target already has \(table) \(other.id.dataverseString) \"\(name)\"; this run creates website \(id.dataverseString) with the same name beside it. "
                            + "To write into the existing website instead, pass --targetWebSiteId \(other.id.dataverseString) "
                            + "(migrate, plan and data import take it; for a site folder: migrate --path FOLDER --to TARGET --targetWebSiteId …)",
                        table: site.logicalName, recordID: id, recordName: name))
            }
        }
        return out
    }

    /// `source` with the natural-key columns its format carries but a record leaves out set to their
    /// absent value (null; pac's active state), so a record matches by natural key as the same record
    /// read from an environment does (where the column is there, null): a CMT `data.xml` leaves out a
    /// root page's empty `adx_parentpageid`, and without it the page matched nothing and was created a
    /// second time in a provisioned target. `updateCompare` columns are left as they are (a null there
    /// would match every target record whose column is empty).
    func keyColumnsFilled(_ source: PortalSnapshot, hints: PlanHints) -> PortalSnapshot {
        guard hints.format != nil else { return source }
        var out = source
        for (table, rows) in source.records {
            for i in rows.indices {
                let r = rows[i]
                for column in IdentityRules.key(for: r, catalog: catalog)
                where r.columns[column] == nil && hints.carries(column, of: table) {
                    out.records[table]![i].columns[column] = hints.absentValue(of: column)
                }
            }
        }
        return out
    }

    /// True for a column an absent source value may clear: not a file or image column (their bodies are
    /// compared as files, not as column values) and not a note's `documentbody`.
    static func isClearable(_ column: ColumnDefinition) -> Bool {
        column.type != .file && column.type != .image && column.logicalName != "documentbody"
    }

    public init(target: any DataverseService, catalog: TableCatalog = .standard) {
        self.target = target
        self.catalog = catalog
    }

    /// Plans the migration of `source` into the target.
    /// A source without a website is planned by table: the target side is every record of the source's
    /// tables (`SnapshotReader.read(tables:relationships:)`), and `websiteScoped` is false.
    /// - Throws: `DataverseError` from the target.
    public func plan(source: PortalSnapshot, options: PlanOptions) async throws -> PlanningResult {
        // Tables never written (environment-specific): their records are listed as skipped.
        var source = source
        var skipped: [SkippedRecord] = []
        for (table, reason) in options.skippedTables.sorted(by: { $0.key < $1.key }) {
            for r in (source.records[table] ?? []).sorted(by: { $0.id.dataverseString < $1.id.dataverseString }) {
                skipped.append(
                    SkippedRecord(table: table, id: r.id, name: PortalTables.primaryName(r, definitions: [:], catalog: catalog), reason: reason))
            }
            source.records[table] = nil
        }
        // N:N links with a record of such a table are not written either: listed, one per link.
        if !options.skippedTables.isEmpty {
            for (rel, links) in source.links.sorted(by: { $0.key < $1.key }) {
                let ends = catalog.relationship(rel).map { [$0.entity1, $0.entity2] }
                var kept = Set<ManyToManyLink>()
                for l in links.sorted() {
                    let tables = [ends?[0] ?? l.first.logicalName, ends?[1] ?? l.second.logicalName]
                    guard let i = tables.firstIndex(where: { options.skippedTables[$0] != nil }) else { kept.insert(l); continue }
                    let other = i == 0 ? l.first : l.second
                    skipped.append(
                        SkippedRecord(
                            table: rel, id: (i == 0 ? l.second : l.first).id, name: nil,
                            reason: "N:N link with \(tables[i]) \(other.id.dataverseString): \(options.skippedTables[tables[i]] ?? "")"))
                }
                source.links[rel] = kept
            }
        }
        // An enhanced target learns the source's content keys before it is asked for its columns (issue 16, R04).
        if let enhanced = target as? EnhancedModelService { await enhanced.prepare(toWrite: source) }
        let reader = SnapshotReader(service: target, catalog: catalog)
        let defs = try await reader.definitionsByName()
        let sourceWebsiteID: UUID, targetWebsiteID: UUID
        var targetSnap: PortalSnapshot
        let targetWebsiteExists: Bool
        let websiteScoped: Bool
        if let id = source.websiteID ?? PortalTables.websiteTables.sorted().compactMap({ source.records[$0]?.first?.id }).first {
            websiteScoped = true
            sourceWebsiteID = id
            targetWebsiteID = options.targetWebsiteID ?? sourceWebsiteID
            targetSnap = try await reader.read(websiteID: targetWebsiteID)
            targetWebsiteExists = PortalTables.websiteTables.contains { t in targetSnap.records[t]?.contains { $0.id == targetWebsiteID } ?? false }
        } else {
            // No website (a CMT package of languages and settings, or of any tables): by table.
            websiteScoped = false
            sourceWebsiteID = PortalTables.noWebsite
            targetWebsiteID = PortalTables.noWebsite
            targetSnap = try await reader.read(
                tables: Set(source.records.filter { !$0.value.isEmpty }.keys),
                relationships: Set(source.links.keys), keeping: options.keptSystemColumns)
            targetWebsiteExists = true
        }

        // System columns written in a plan by table (a CMT import naming owner, business unit, currency).
        let kept = websiteScoped ? Set<String>() : options.keptSystemColumns

        // Every portal language of the target (a global table, matched by LCID).
        if defs["adx_portallanguage"] != nil {
            let have = Set(targetSnap.records["adx_portallanguage"]?.map(\.id) ?? [])
            let pk = defs["adx_portallanguage"]!.primaryIDColumn
            for r in try await target.retrieveAll(RecordQuery("adx_portallanguage")) where !have.contains(r.id) {
                targetSnap.add(PortalTables.dataColumns(of: r, primaryID: pk))
            }
        }
        var targetByID: [UUID: EntityRecord] = [:]
        // By table too: the enhanced view gives a site language and its portal language one id.
        var targetByTable: [String: [UUID: EntityRecord]] = [:]
        for table in targetSnap.records.keys.sorted() {
            for r in targetSnap.records[table] ?? [] { targetByID[r.id] = r; targetByTable[table, default: [:]][r.id] = r }
        }
        let inScope = Set(targetByID.keys)
        var targetBodies = targetSnap.bodies

        // Source ids outside the target website's scope may still exist in the target (created earlier).
        for (table, rows) in source.records.sorted(by: { $0.key < $1.key }) {
            guard let def = defs[table] else { continue }
            let absent = Set(rows.map(\.id).filter { targetByTable[table]?[$0] == nil })
            guard !absent.isEmpty else { continue }
            for r in try await reader.readByIDs(table, column: def.primaryIDColumn, ids: absent) {
                let row = PortalTables.dataColumns(of: r, primaryID: def.primaryIDColumn, keeping: kept)
                if targetByID[r.id] == nil { targetByID[r.id] = row }
                targetByTable[table, default: [:]][r.id] = row
                if table == "annotation" {
                    let key = FileBodyKey("annotation", r.id, "documentbody")
                    if let d = try await target.downloadFile(key) { targetBodies[key] = .data(d) }
                }
            }
        }

        // The enhanced view reads one site's components only: source ids that are components of another
        // site of the environment are read from the environment itself, for the other-site-records check.
        var componentsElsewhere: [UUID: EntityRecord] = [:]
        if websiteScoped, let enhanced = target as? EnhancedModelService {
            let absent = Set(source.records.flatMap { t, rows in rows.filter { targetByTable[t]?[$0.id] == nil }.map(\.id) })
            if !absent.isEmpty,
                let rows = try? await SnapshotReader(service: enhanced.base, catalog: catalog)
                    .readByIDs("powerpagecomponent", column: "powerpagecomponentid", ids: absent)
            {
                for r in rows { componentsElsewhere[r.id] = r }
            }
        }

        // Table order from the lookups the source's records actually hold.
        var lookupTables: [String: Set<String>] = [:]
        for (table, rows) in source.records {
            for r in rows { for v in r.columns.values { if let ref = v.reference { lookupTables[table, default: []].insert(ref.logicalName) } } }
        }
        let sourceTables = Set(source.records.filter { !$0.value.isEmpty }.keys)
        let tableOrder = DependencyOrder.order(sourceTables) { lookupTables[$0] ?? [] }
        let rank = Dictionary(uniqueKeysWithValues: tableOrder.enumerated().map { ($1, $0) })

        // Identity.
        var matcher = IdentityMatcher(catalog: catalog)
        matcher.match(
            source: keyColumnsFilled(source, hints: options.hints), tableOrder: tableOrder, sourceWebsiteID: sourceWebsiteID,
            targetWebsiteID: targetWebsiteID, targetByID: targetByID, targetSnapshot: targetSnap,
            byKey: options.match == .key, compareColumns: options.compareColumns,
            targetIDsByTable: targetByTable.mapValues { Set($0.keys) })
        let idMap = matcher.idMap
        var diagnostics = options.hints.warnings + matcher.diagnostics
        if websiteScoped && !targetWebsiteExists {
            if let d = try await websiteInOtherModel(targetWebsiteID) { diagnostics.append(d) }
            let site = PortalTables.websiteTables.sorted().compactMap { t in source.records[t]?.first { $0.id == sourceWebsiteID } }.first
            diagnostics += await websitesOfSameName(site, creating: targetWebsiteID)
        }

        // Remap every source record into target ids.
        func mapRef(_ v: FieldValue) -> FieldValue {
            switch v {
            case .lookup(let r): if let t = idMap[r.id] { return .lookup(EntityReference(r.logicalName, t, name: r.name)) }
            case .owner(let r): if let t = idMap[r.id] { return .owner(EntityReference(r.logicalName, t, name: r.name)) }
            default: break
            }
            return v
        }
        var mapped: [String: [EntityRecord]] = [:]
        var plannedTable: [UUID: String] = [:]
        for table in tableOrder {
            let pk = PortalTables.primaryID(table, definitions: defs, catalog: catalog)
            for src in source.records[table] ?? [] {
                var m = PortalTables.dataColumns(of: src, primaryID: pk, keeping: kept)
                m.id = idMap[src.id] ?? src.id
                m.columns = m.columns.mapValues(mapRef)
                mapped[table, default: []].append(m)
                plannedTable[m.id] = table
            }
        }

        // Lookups whose record is neither in the target nor written by the plan.
        var unresolved: [String: Set<UUID>] = [:]
        for rows in mapped.values {
            for r in rows {
                for v in r.columns.values {
                    if let ref = v.reference, targetByID[ref.id] == nil, plannedTable[ref.id] == nil {
                        unresolved[ref.logicalName, default: []].insert(ref.id)
                    }
                }
            }
        }
        var existingElsewhere = Set<UUID>()
        for (table, ids) in unresolved.sorted(by: { $0.key < $1.key }) {
            guard let def = defs[table] else { continue }
            for r in try await reader.readByIDs(table, column: def.primaryIDColumn, ids: ids) { existingElsewhere.insert(r.id) }
        }
        var dropped: [DroppedLookup] = []
        for table in tableOrder {
            for i in (mapped[table] ?? []).indices {
                let r = mapped[table]![i]
                for (column, v) in r.columns.sorted(by: { $0.key < $1.key }) {
                    guard let ref = v.reference, targetByID[ref.id] == nil, plannedTable[ref.id] == nil,
                        !existingElsewhere.contains(ref.id)
                    else { continue }
                    let name = PortalTables.primaryName(r, definitions: defs, catalog: catalog)
                    switch options.missingLookups {
                    case .fail:
                        diagnostics.append(
                            Diagnostic(
                                check: "missing-lookup",
                                message:
                                    "the lookup points to \(ref.logicalName) \(ref.id.dataverseString)\(ref.name.map { " \"\($0)\"" } ?? ""), which the target does not have",
                                table: table, recordID: source.records[table]?[i].id ?? r.id, recordName: name, column: column))
                    case .drop:
                        mapped[table]![i].columns[column] = .null
                        dropped.append(DroppedLookup(table: table, recordID: r.id, column: column, target: ref.logicalName, targetID: ref.id))
                    }
                }
            }
        }
        let existingBefore = Set(targetByID.keys).union(existingElsewhere)

        // Per record: action, changed columns, state.
        var records: [RecordPlan] = []
        var keptColumns: [KeptColumn] = []
        var clearedColumns: [String: Int] = [:]
        for table in tableOrder {
            let def = defs[table]
            let sources = source.records[table] ?? []
            let pk = PortalTables.primaryID(table, definitions: defs, catalog: catalog)
            let clearable =
                def.map { d in
                    options.hints.clearableColumns(of: table, targetColumns: Set(d.columns.filter { Planner.isClearable($0) }.map(\.logicalName)))
                        .filter {
                            PortalTables.isDataColumn($0, primaryID: pk) && !(options.ignoredColumns[table]?.contains($0) ?? false)
                                && !(Planner.environmentBoundWebsiteColumns[table]?.contains($0) ?? false)
                        }
                } ?? []
            for (i, m) in (mapped[table] ?? []).enumerated() {
                var m = m
                let src = sources[i]
                let existing = targetByTable[table]?[m.id]
                var absent = Set<String>()
                if let existing {
                    // Columns the source's format carries but this record leaves out: empty in the source.
                    // A column the target does not return either (an enhanced website's state) is left alone.
                    for column in clearable.sorted() where m.columns[column] == nil && existing.columns[column] != nil {
                        let v = options.hints.absentValue(of: column)
                        if !ValueComparison.equal(v, existing.columns[column]) {
                            m.columns[column] = v
                            absent.insert(column)
                        }
                    }
                    // The source website mapped onto another website: the target keeps its own
                    // environment-bound columns (name and host), listed as kept.
                    if PortalTables.websiteTables.contains(table), src.id != m.id {
                        for column in (Planner.environmentBoundWebsiteColumns[table] ?? []).sorted() where m.columns[column] != nil {
                            if !ValueComparison.equal(m.columns[column], existing.columns[column]) {
                                keptColumns.append(
                                    KeptColumn(
                                        table: table, recordID: m.id, column: column, value: existing.columns[column]?.text,
                                        reason:
                                            "bound to the target's environment; the source's value \(PlanRenderer.show(m.columns[column])) is not written"
                                    ))
                            }
                            m.columns[column] = nil
                        }
                    }
                }
                let name = PortalTables.primaryName(src, definitions: defs, catalog: catalog)
                var payload = EntityRecord(table, id: m.id)
                var changes: [ColumnChange] = []
                var state: [String: FieldValue] = [:]
                for (column, value) in m.columns.sorted(by: { $0.key < $1.key }) {
                    if let def, def.column(column) == nil { continue } // schema drift: reported by the checks
                    if options.ignoredColumns[table]?.contains(column) ?? false { continue }
                    if PortalTables.stateColumns.contains(column) {
                        // A new record's default state (0 / 1) goes with the create, so the target holds
                        // it as the source does; other states are set after the create.
                        if existing == nil,
                            (column == "statecode" && ValueComparison.equal(value, .state(0)))
                                || (column == "statuscode" && ValueComparison.equal(value, .status(1)))
                        {
                            payload.columns[column] = value
                        }
                        continue
                    }
                    if existing == nil {
                        if value.isNull { continue }
                    } else if ValueComparison.equal(value, existing!.columns[column]) {
                        continue
                    }
                    payload.columns[column] = value
                    changes.append(
                        ColumnChange(
                            column: column, old: existing?.columns[column], new: value,
                            hidden: Secrets.isHidden(src, column: column, hiddenColumns: options.hiddenColumns)))
                }
                // Create-only system columns the source holds (pac folders carry them; Dataverse accepts
                // them on create): written with the create, never compared.
                if existing == nil {
                    for column in Planner.createOnlySystemColumns.sorted() {
                        if let v = src.columns[column], !v.isNull, def?.column(column) != nil || def == nil { payload.columns[column] = v }
                    }
                }
                // State and status last.
                // A null state in the source (an environment returns one for a record it never gave a
                // state) stands for the active state: a state is never written empty.
                let sc = m.columns["statecode"].map { $0.isNull ? PlanHints.activeState["statecode"]! : $0 }
                let st = m.columns["statuscode"].map { $0.isNull ? PlanHints.activeState["statuscode"]! : $0 }
                if let existing {
                    let differs =
                        (sc.map { !ValueComparison.equal($0, existing.columns["statecode"]) } ?? false)
                        || (st.map { !ValueComparison.equal($0, existing.columns["statuscode"]) } ?? false)
                    if differs { if let sc { state["statecode"] = sc }; if let st { state["statuscode"] = st } }
                } else {
                    let isDefault =
                        (sc == nil || ValueComparison.equal(sc, .state(0)))
                        && (st == nil || ValueComparison.equal(st, .status(1)))
                    if !isDefault { if let sc { state["statecode"] = sc }; if let st { state["statuscode"] = st } }
                }
                // File body of a note.
                var bodyKey: FileBodyKey? = nil
                if table == "annotation" {
                    let key = FileBodyKey("annotation", src.id, "documentbody")
                    if let body = source.bodies[key] {
                        let targetKey = FileBodyKey("annotation", m.id, "documentbody")
                        let same: Bool
                        if existing == nil {
                            same = false
                        } else if let tb = targetBodies[targetKey] {
                            same = (try? body.load()) == (try? tb.load())
                        } else {
                            same = false
                        }
                        if !same {
                            bodyKey = key
                            changes.append(
                                ColumnChange(
                                    column: "documentbody", old: nil,
                                    new: .string("(\((try? body.size()) ?? 0) bytes)"), hidden: true))
                        }
                    }
                }
                if existing != nil && options.skipUpdateTables.contains(table) {
                    // skipupdate: an existing record is left as it is.
                    payload.columns = [:]
                    changes = []
                    state = [:]
                    bodyKey = nil
                }
                // Every update to null of a column the target holds counts as cleared (a column left out by
                // the source's format, or a null an environment source returns).
                let cleared = changes.filter { c in existing != nil && c.new.isNull && !ValueComparison.equal(c.old, .null) }.count
                if cleared > 0 { clearedColumns[table, default: 0] += cleared }
                var action: RecordAction = existing == nil ? .create : (changes.isEmpty ? .unchanged : .update)
                if action == .unchanged && options.rewriteUnchanged && !options.skipUpdateTables.contains(table) {
                    // --forceUploadAll: rewrite the record with every data column the source has.
                    for (column, value) in m.columns where !PortalTables.stateColumns.contains(column) && (def?.column(column) != nil || def == nil) {
                        payload.columns[column] = value
                    }
                    if !payload.columns.isEmpty { action = .update }
                }
                records.append(
                    RecordPlan(
                        table: table, sourceID: src.id, targetID: m.id, name: name, action: action,
                        match: existing == nil ? .none : matcher.kind[src.id] ?? .id,
                        record: payload, changes: changes, deferred: [], state: state,
                        bodyKey: bodyKey, depth: 0))
            }
        }

        // Ordering within tables and deferral of lookups to records written later.
        Scheduler.schedule(&records, rank: rank, existingBefore: existingBefore)

        // Deletions: with prune, target records of the website no source record maps to; and the
        // explicit deletions (a pac manifest's IsDeleted entries) the source does not also hold.
        let claimed = Set(records.map(\.targetID))
        var toDelete: [String: [UUID: EntityRecord]] = [:]
        if options.prune {
            for (table, rows) in targetSnap.records
            where table != "adx_portallanguage" && !PortalTables.websiteTables.contains(table) && options.skippedTables[table] == nil {
                for r in rows where inScope.contains(r.id) && !claimed.contains(r.id) { toDelete[table, default: [:]][r.id] = r }
            }
        }
        for (table, ids) in options.explicitDeletions.sorted(by: { $0.key < $1.key }) {
            let wanted = ids.map { idMap[$0] ?? $0 }.filter { !claimed.contains($0) }
            guard let def = defs[table] else {
                for id in wanted.sorted(by: { $0.dataverseString < $1.dataverseString }) {
                    skipped.append(SkippedRecord(table: table, id: id, name: nil, reason: "deletion requested, but the target has no table \(table)"))
                }
                continue
            }
            var found: [UUID: EntityRecord] = [:]
            for id in wanted { if let r = targetByID[id], r.logicalName == table { found[id] = r } }
            let unread = Set(wanted).subtracting(found.keys)
            if !unread.isEmpty {
                for r in try await reader.readByIDs(table, column: def.primaryIDColumn, ids: unread) { found[r.id] = r }
            }
            // The enhanced view shows one site: an id it does not show may be another site (or one of
            // its components) in the environment itself, refused below like any record of another site.
            if let enhanced = target as? EnhancedModelService {
                let hidden = Set(wanted).subtracting(found.keys)
                let baseTable = PortalTables.websiteTables.contains(table) ? "powerpagesite" : "powerpagecomponent"
                if !hidden.isEmpty,
                    let rows = try? await SnapshotReader(service: enhanced.base, catalog: catalog)
                        .readByIDs(baseTable, column: baseTable + "id", ids: hidden)
                {
                    for r in rows { found[r.id] = r }
                }
            }
            for id in wanted.sorted(by: { $0.dataverseString < $1.dataverseString }) {
                if let r = found[id], !inScope.contains(id) && !(PortalTables.websiteTables.contains(table) && id == targetWebsiteID) {
                    // Only records of the website being written are deleted (as --prune scopes).
                    let site = SiteMembership.website(of: r, known: [:], parent: { targetByID[$0] })
                    let owner =
                        PortalTables.websiteTables.contains(table)
                        ? "it is another website"
                        : site.map { "it belongs to website \($0.dataverseString)" } ?? "it belongs to no website the target links it to"
                    diagnostics.append(
                        Diagnostic(
                            check: "deletion-outside-site",
                            message:
                                "\(options.explicitDeletionsFile) marks it IsDeleted, but \(owner), not to website \(targetWebsiteID.dataverseString) being written; records of another site are never deleted (remove the entry)",
                            table: table, recordID: id, recordName: PortalTables.primaryName(r, definitions: defs, catalog: catalog)))
                } else if let r = found[id] {
                    toDelete[table, default: [:]][id] = r
                } else {
                    skipped.append(SkippedRecord(table: table, id: id, name: nil, reason: "deletion requested; already absent in the target"))
                }
            }
        }
        let deletions = Self.deletionPlans(toDelete, tableOrder: tableOrder, definitions: defs, catalog: catalog)

        // N:N links.
        let links = Self.linkPlans(
            source: source.links, target: targetSnap.links, idMap: idMap, prune: options.prune,
            explicitRemovals: options.explicitLinkRemovals, deletedRecords: Set(deletions.map(\.targetID)))

        var plan = MigrationPlan(
            sourceWebsiteID: sourceWebsiteID, targetWebsiteID: targetWebsiteID,
            tableOrder: tableOrder, records: records, deletions: deletions, links: links,
            idMap: idMap, diagnostics: diagnostics, droppedLookups: dropped,
            skipped: skipped)
        plan.keptColumns = keptColumns
        plan.absentColumns = options.hints.absentColumnsNote
        plan.clearedColumns = clearedColumns
        var result = PlanningResult(
            plan: plan, targetDefinitions: defs, targetWebsiteExists: targetWebsiteExists,
            targetSnapshot: targetSnap, websiteScoped: websiteScoped)
        result.targetOutsideScope = targetByTable.mapValues { $0.filter { !inScope.contains($0.key) } }.filter { !$0.value.isEmpty }
        if !componentsElsewhere.isEmpty { result.targetOutsideScope["powerpagecomponent"] = componentsElsewhere }
        return result
    }
}

import Foundation
import PortalModel

/// An in-memory `DataverseService` used to test the server's protocol layer on its own: records by
/// table, N:N links, file bodies, atomic change sets (all or nothing), `versionnumber` bumped on
/// every write, duplicate and missing-record errors with Dataverse's codes. Platform behaviours of
/// the embedded environment are tested against `LocalEnvironment` itself.
actor MemoryService: DataverseService {
    let definitions: [TableDefinition]
    var records: [String: [UUID: EntityRecord]] = [:]
    var links: [String: Set<ManyToManyLink>] = [:]
    var files: [FileBodyKey: Data] = [:]
    var version: Int64 = 1000
    var executeCalls: [ExecuteOptions] = []
    let org = OrganizationInfo(
        organizationID: UUID(), name: "memory", languageCode: 1033, blockedAttachments: ["exe", "js"],
        maxUploadFileSize: 5_242_880, version: "9.2.0.0")

    init(tables: [TableDefinition] = TestTables.all) { self.definitions = tables }

    func table(_ name: String) throws -> TableDefinition {
        guard let t = definitions.first(where: { $0.logicalName == name }) else {
            throw DataverseError(httpStatus: 404, code: DataverseError.Code.resourceNotFound, message: "no table \(name)")
        }
        return t
    }

    /// Inserts records directly (test setup), bumping versions.
    func seed(_ rs: [EntityRecord]) {
        for var r in rs {
            version += 1
            r.columns["versionnumber"] = .bigInt(version)
            records[r.logicalName, default: [:]][r.id] = r
        }
    }

    func count(_ table: String) -> Int { records[table]?.count ?? 0 }
    func record(_ table: String, _ id: UUID) -> EntityRecord? { records[table]?[id] }

    func retrieve(_ query: RecordQuery, pageSize: Int, page: String?) async throws -> RecordPage {
        let t = try table(query.table)
        var rows = (records[query.table] ?? [:]).values.filter { query.filter?.matches($0, primaryIDColumn: t.primaryIDColumn) ?? true }
        rows.sort { a, b in
            for k in query.orderBy {
                let va = a.columns[k.column] ?? .null, vb = b.columns[k.column] ?? .null
                if va.isNull != vb.isNull { return va.isNull != k.descending }
                if let c = RecordFilter.compare(va, vb), c != 0 { return (c < 0) != k.descending }
            }
            return a.id.dataverseString < b.id.dataverseString
        }
        if let top = query.top { rows = Array(rows.prefix(top)) }
        let offset = page.flatMap { Int($0.dropFirst(7)) } ?? 0
        let slice = Array(rows.dropFirst(offset).prefix(pageSize))
        let next = offset + slice.count < rows.count ? "offset:\(offset + slice.count)" : nil
        let projected = slice.map { r -> EntityRecord in
            guard let cols = query.columns else { return r }
            var p = EntityRecord(r.logicalName, id: r.id)
            for c in cols { p.columns[c] = r.columns[c] ?? .null }
            return p
        }
        return RecordPage(records: projected, nextPage: next, totalCount: nil)
    }

    func tableDefinitions() async throws -> [TableDefinition] { definitions }
    func organizationInfo() async throws -> OrganizationInfo { org }
    func whoAmI() async throws -> WhoAmIResult { WhoAmIResult(userID: UUID(), businessUnitID: UUID(), organizationID: org.organizationID) }

    func retrieveLinks(relationship: String, firstIDs: Set<UUID>?) async throws -> Set<ManyToManyLink> {
        (links[relationship] ?? []).filter { firstIDs?.contains($0.first.id) ?? true }
    }

    func downloadFile(_ key: FileBodyKey) async throws -> Data? { files[key] }

    func execute(_ changeSets: [ChangeSet], options: ExecuteOptions) async throws -> [OperationResult] {
        executeCalls.append(options)
        var out: [OperationResult] = []
        for cs in changeSets {
            let saved = (records, links, files, version)
            var results: [OperationResult] = []
            var failed = false
            for op in cs.operations {
                if failed && cs.atomic {
                    results.append(.failure(DataverseError(code: DataverseError.Code.rolledBack, message: "rolled back"))); continue
                }
                do {
                    results.append(.success(try apply(op)))
                } catch let e as DataverseError {
                    results.append(.failure(e)); failed = true
                }
            }
            if failed && cs.atomic {
                (records, links, files, version) = saved
                results = results.map { r in r.isSuccess ? .failure(DataverseError(code: DataverseError.Code.rolledBack, message: "rolled back")) : r
                }
            }
            out += results
        }
        return out
    }

    private func apply(_ op: DataverseOperation) throws -> UUID? {
        switch op {
        case .create(var r, _):
            _ = try table(r.logicalName)
            if records[r.logicalName]?[r.id] != nil {
                throw DataverseError(
                    httpStatus: 412, code: DataverseError.Code.duplicateRecord, message: "A record with matching key values already exists.")
            }
            version += 1
            r.columns["versionnumber"] = .bigInt(version)
            records[r.logicalName, default: [:]][r.id] = r
            return r.id
        case .update(let r, _):
            guard var existing = records[r.logicalName]?[r.id] else {
                throw DataverseError(
                    httpStatus: 404, code: DataverseError.Code.objectDoesNotExist,
                    message: "\(r.logicalName) With Id = \(r.id.dataverseString) Does Not Exist")
            }
            for (k, v) in r.columns { existing.columns[k] = v }
            version += 1
            existing.columns["versionnumber"] = .bigInt(version)
            records[r.logicalName]?[r.id] = existing
            return r.id
        case .upsert(let r):
            return records[r.logicalName]?[r.id] == nil ? try apply(.create(r)) : try apply(.update(r))
        case .delete(let t, let id):
            guard records[t]?[id] != nil else {
                throw DataverseError(
                    httpStatus: 404, code: DataverseError.Code.objectDoesNotExist, message: "\(t) With Id = \(id.dataverseString) Does Not Exist")
            }
            records[t]?[id] = nil
            return id
        case .associate(let rel, let l):
            links[rel, default: []].insert(l)
            return nil
        case .disassociate(let rel, let l):
            links[rel]?.remove(l)
            return nil
        case .uploadFile(let k, let name, let body):
            if org.blocks(fileName: name) {
                throw DataverseError(
                    httpStatus: 400, code: DataverseError.Code.attachmentBlocked,
                    message: "The attachment is either not a valid type or is too large. It cannot be uploaded or downloaded.")
            }
            files[k] = try body.load()
            return k.id
        }
    }
}

/// Small table definitions in the shape of the portal catalog, with a mixed-case navigation property
/// (`adx_websitelanguage.adx_WebsiteId`, research/dataverse-webapi.md §1.3) and an N:N relationship.
enum TestTables {
    static let website = TableDefinition(
        logicalName: "adx_website", displayName: "Website", entitySetName: "adx_websites", primaryIDColumn: "adx_websiteid",
        primaryNameColumn: "adx_name",
        columns: [ColumnDefinition("adx_name", .string), ColumnDefinition("versionnumber", .bigInt)])
    static let language = TableDefinition(
        logicalName: "adx_websitelanguage", displayName: "Website Language", entitySetName: "adx_websitelanguages",
        primaryIDColumn: "adx_websitelanguageid", primaryNameColumn: "adx_name",
        columns: [
            ColumnDefinition("adx_name", .string),
            ColumnDefinition("adx_websiteid", .lookup, targets: ["adx_website"], navigationProperty: "adx_WebsiteId"),
            ColumnDefinition("versionnumber", .bigInt),
        ])
    static let webpage = TableDefinition(
        logicalName: "adx_webpage", displayName: "Web Page", entitySetName: "adx_webpages", primaryIDColumn: "adx_webpageid",
        primaryNameColumn: "adx_name",
        columns: [
            ColumnDefinition("adx_name", .string), ColumnDefinition("adx_partialurl", .string),
            ColumnDefinition("adx_displayorder", .integer), ColumnDefinition("adx_hiddenfromsitemap", .boolean),
            ColumnDefinition("adx_publishingstateid", .choice), ColumnDefinition("modifiedon", .dateTime),
            ColumnDefinition("adx_websiteid", .lookup, targets: ["adx_website"], navigationProperty: "adx_websiteid"),
            ColumnDefinition("adx_parentpageid", .lookup, targets: ["adx_webpage"], navigationProperty: "adx_parentpageid"),
            ColumnDefinition("versionnumber", .bigInt),
        ])
    static let permissionRole = ManyToManyRelationship(
        name: "adx_entitypermission_webrole", entity1: "adx_entitypermission", entity2: "adx_webrole",
        intersectEntity: "adx_entitypermission_webrole", entity1IDColumn: "adx_entitypermissionid", entity2IDColumn: "adx_webroleid")
    static let permission = TableDefinition(
        logicalName: "adx_entitypermission", displayName: "Table Permission", entitySetName: "adx_entitypermissions",
        primaryIDColumn: "adx_entitypermissionid", primaryNameColumn: "adx_entityname",
        columns: [ColumnDefinition("adx_entityname", .string), ColumnDefinition("versionnumber", .bigInt)],
        relationships: [permissionRole])
    static let role = TableDefinition(
        logicalName: "adx_webrole", displayName: "Web Role", entitySetName: "adx_webroles", primaryIDColumn: "adx_webroleid",
        primaryNameColumn: "adx_name", columns: [ColumnDefinition("adx_name", .string), ColumnDefinition("versionnumber", .bigInt)],
        relationships: [permissionRole])
    static let component = TableDefinition(
        logicalName: "powerpagecomponent", displayName: "Power Pages Component", entitySetName: "powerpagecomponents",
        primaryIDColumn: "powerpagecomponentid", primaryNameColumn: "name",
        columns: [ColumnDefinition("name", .string), ColumnDefinition("filecontent", .file), ColumnDefinition("versionnumber", .bigInt)],
        dataModel: .enhanced)
    static let all = [website, language, webpage, permission, role, component]
}

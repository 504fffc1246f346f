import Foundation
import Logging
import PortalModel

/// Answers Web API v9.2 requests against any `DataverseService` (research/dataverse-webapi.md §12.1):
/// entity sets and records (GET with `$select`/`$filter`/`$orderby`/`$top`/`$count` and paging,
/// POST, PATCH as update or upsert, DELETE, `If-Match`/`If-None-Match`), single properties and file
/// columns, single-valued and N:N `$ref`, `$batch`, metadata (`EntityDefinitions`,
/// `RelationshipDefinitions`), `WhoAmI()`, `RetrieveVersion()` and `organizations`.
///
/// It is independent of the HTTP server: `EnvironmentServer` turns HTTP into `WebRequest`s, and
/// `$batch` feeds its inner requests through the same code. Every failure is answered with the
/// Dataverse error shape (`ODataError`); nothing thrown escapes `handle`.
///
/// Behaviour that needs more than `DataverseService` follows its conventions: the ETag is the
/// record's `versionnumber` column when the environment has one.
public final class WebAPIHandler: Sendable {
    /// The root path the Web API is served under.
    public static let apiRoot = "/api/data/v9.2/"

    let service: any DataverseService
    let tables: TableDirectory
    let baseURLBox = Locked("http://127.0.0.1/api/data/v9.2/")
    let fileSessions = Locked<[String: FileUploadSession]>([:])
    let logger: Logger

    /// - Parameters:
    ///   - service: the environment served.
    ///   - logger: for debug detail; never given tokens or secrets.
    public init(service: any DataverseService, logger: Logger = Logger(label: "EnvironmentServer")) {
        self.service = service
        self.tables = TableDirectory(service: service)
        self.logger = logger
    }

    /// The absolute Web API root written into `@odata.context`, `@odata.nextLink` and `OData-EntityId`
    /// (`http://127.0.0.1:PORT/api/data/v9.2/`).
    public var baseURL: String {
        get { baseURLBox.current }
        set { baseURLBox.withLock { $0 = newValue } }
    }

    /// Answers one request; failures become Dataverse error responses.
    public func handle(_ request: WebRequest) async -> WebResponse {
        do {
            return try await route(request)
        } catch let e as ODataError {
            return .error(e)
        } catch let e as DataverseError {
            return .error(ODataError(e))
        } catch {
            return .error(ODataError(status: 500, code: "0x80040216", message: "An unexpected error occurred: \(error)"))
        }
    }

    // MARK: Routing

    func route(_ request: WebRequest) async throws -> WebResponse {
        let segments = try parseResourcePath(request.path)
        guard let first = segments.first else {
            guard request.method == "GET" else { throw ODataError.methodNotAllowed(request.method, request.path) }
            return try await serviceDocument()
        }
        switch first.name {
        case "$batch":
            guard request.method == "POST" else { throw ODataError.methodNotAllowed(request.method, request.path) }
            return await batch(request)
        case "$metadata":
            return try await csdl()
        case "WhoAmI" where first.key == "":
            let w = try await service.whoAmI()
            return .json(
                .object([
                    ("@odata.context", .string(baseURL + "$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse")),
                    ("BusinessUnitId", .string(w.businessUnitID.dataverseString)),
                    ("UserId", .string(w.userID.dataverseString)),
                    ("OrganizationId", .string(w.organizationID.dataverseString)),
                ]))
        case "RetrieveVersion" where first.key == "":
            let o = try await service.organizationInfo()
            return .json(
                .object([
                    ("@odata.context", .string(baseURL + "$metadata#Microsoft.Dynamics.CRM.RetrieveVersionResponse")),
                    ("Version", .string(o.version)),
                ]))
        case "EntityDefinitions", "RelationshipDefinitions":
            guard request.method == "GET" else { throw ODataError.methodNotAllowed(request.method, request.path) }
            return try await metadata(request, segments: segments)
        default:
            guard let table = try await tables.table(entitySet: first.name) else {
                if first.name == "organizations" { return try await organizations(request, key: first.key) }
                if let rel = try await intersectRelationship(entitySet: first.name) {
                    return try await intersectQuery(request, relationship: rel, segments: segments)
                }
                throw ODataError.resourceNotFound(first.name)
            }
            return try await entitySet(request, table: table, segments: segments)
        }
    }

    func entitySet(_ request: WebRequest, table: TableDefinition, segments: [PathSegment]) async throws -> WebResponse {
        let set = segments[0]
        if segments.count == 1 && set.key == nil {
            switch request.method {
            case "GET": return try await query(request, table: table)
            case "POST": return try await write(request)
            default: throw ODataError.methodNotAllowed(request.method, request.path)
            }
        }
        guard let keyText = set.key else { throw ODataError.resourceNotFound(segments[1].name) }
        if segments.count == 1 {
            switch request.method {
            case "GET":
                let id = try await resolveKey(keyText, table: table, mustExist: true)!
                return try await retrieveOne(request, table: table, id: id)
            case "PATCH", "DELETE": return try await write(request)
            default: throw ODataError.methodNotAllowed(request.method, request.path)
            }
        }
        let second = segments[1]
        if let column = table.column(second.name), !column.isLookup {
            if column.type == .file || column.type == .image, request.method == "PATCH" {
                return try await uploadFile(request, table: table, keyText: keyText, column: column)
            }
            if request.method == "GET" {
                guard segments.count == 2 || (segments.count == 3 && segments[2].name == "$value") else {
                    throw ODataError.resourceNotFound(segments.last!.name)
                }
                let id = try await resolveKey(keyText, table: table, mustExist: true)!
                if column.type == .file || column.type == .image {
                    return try await downloadFile(table: table, id: id, column: column, range: request.header("Range"))
                }
                return try await property(table: table, id: id, column: column, raw: segments.count == 3)
            }
        }
        return try await write(request)
    }

    // MARK: Reading

    /// Resolves a key predicate to a record id. Alternate keys are looked up with a filter; when
    /// `mustExist`, a missing record throws 404 `0x80040217`, else `nil` is returned for it.
    func resolveKey(_ text: String, table: TableDefinition, mustExist: Bool) async throws -> UUID? {
        switch try RecordKey.parse(text, primaryIDColumn: table.primaryIDColumn) {
        case .id(let id):
            if mustExist, try await fetch(table, id, columns: []) == nil { throw ODataError.recordNotFound(table.logicalName, id) }
            return id
        case .alternate(let pairs):
            let filter = try alternateKeyFilter(pairs, table: table)
            let page = try await service.retrieve(
                RecordQuery(table.logicalName, columns: [], filter: filter, top: 2),
                pageSize: 2, page: nil)
            if page.records.count > 1 {
                throw ODataError.badRequest("The key values '\(text)' match more than one \(table.logicalName) record.")
            }
            if let r = page.records.first { return r.id }
            if mustExist {
                throw ODataError(
                    status: 404, code: DataverseError.Code.objectDoesNotExist,
                    message: "\(table.logicalName) With Ids = \(text) Do Not Exist")
            }
            return nil
        }
    }

    /// The filter an alternate key stands for: each named column equal to its value.
    func alternateKeyFilter(_ pairs: [String: String], table: TableDefinition) throws -> RecordFilter {
        var parts: [RecordFilter] = []
        for (name, value) in pairs.sorted(by: { $0.key < $1.key }) {
            let c = try FilterParser.resolveProperty(name, in: table)
            let v: FieldValue
            if c.isLookup || c.type == .uniqueIdentifier {
                guard let u = UUID(dataverse: value) else { throw ODataError.badRequest("'\(value)' is not a valid GUID for \(name).") }
                v = .guid(u)
            } else {
                do { v = try FieldValue.parse(value, as: c.type) } catch { throw ODataError.badRequest("\(error)") }
            }
            parts.append(.equal(c.logicalName, v))
        }
        return parts.count == 1 ? parts[0] : .and(parts)
    }

    /// One record by id with the given columns (`nil`: all; `[]`: only the id), `nil` when missing.
    func fetch(_ table: TableDefinition, _ id: UUID, columns: [String]?) async throws -> EntityRecord? {
        let q = RecordQuery(table.logicalName, columns: columns, filter: .equal(table.primaryIDColumn, .guid(id)), top: 1)
        return try await service.retrieve(q, pageSize: 1, page: nil).records.first { $0.id == id }
    }

    /// Columns to read for a selection: the selected ones plus `versionnumber` for the ETag (Dataverse
    /// sends `@odata.etag` on every record whatever `$select` says, research/dataverse-webapi.md §2; the
    /// embedded environment keeps `versionnumber` on every table, system tables such as `annotation` too).
    func readColumns(_ select: [ColumnDefinition]?, table: TableDefinition) -> [String]? {
        guard let select else { return nil }
        var names = select.map(\.logicalName).filter { $0 != table.primaryIDColumn }
        if table.column("versionnumber") != nil || service.versionNumberOnEveryTable, !names.contains("versionnumber") {
            names.append("versionnumber")
        }
        return names
    }

    func contextURL(_ table: TableDefinition, _ select: [ColumnDefinition]?, entity: Bool) -> String {
        var s = baseURL + "$metadata#" + table.entitySetName
        if let select { s += "(" + select.map(RecordRepresentation.propertyName).joined(separator: ",") + ")" }
        if entity { s += "/$entity" }
        return s
    }

    func query(_ request: WebRequest, table: TableDefinition) async throws -> WebResponse {
        let options = try QueryOptions(request, table: table)
        let prefs = Preferences(request.header("Prefer"))
        let maxPage = prefs.maxPageSize ?? 5000
        // Dataverse ignores $top when odata.maxpagesize is sent (research/dataverse-webapi.md §2.2).
        let top = prefs.maxPageSize == nil ? options.top : nil
        let query = RecordQuery(
            table.logicalName, columns: readColumns(options.select, table: table),
            filter: options.filter, orderBy: options.orderBy, top: top)
        var pageNumber = 1
        var token: String? = nil
        if let st = options.skipToken {
            (pageNumber, token) = try SkipToken.decode(st)
        }
        let pageSize = max(1, min(maxPage, top ?? maxPage))
        var page = RecordPage(records: [])
        if top != 0 { page = try await service.retrieve(query, pageSize: pageSize, page: token) }
        var records = page.records
        if let top, records.count > top { records = Array(records.prefix(top)) }
        let rep = RecordRepresentation(table: table, select: options.select, preferences: prefs)
        var body: [(String, JSONValue)] = [("@odata.context", .string(contextURL(table, options.select, entity: false)))]
        if options.count {
            let n: Int
            if let c = page.totalCount { n = min(c, 5000) } else { n = try await countRecords(table, filter: options.filter) }
            body.append(("@odata.count", .number(String(n))))
        }
        body.append(("value", .array(records.map { .object(rep.members($0)) })))
        if top == nil, let next = page.nextPage {
            var q = request.query.filter { $0.0 != "$skiptoken" }
            q.append(("$skiptoken", SkipToken.encode(page: pageNumber + 1, token: next)))
            let qs = q.map { WebRequest.encodeQueryComponent($0.0) + "=" + WebRequest.encodeQueryComponent($0.1) }.joined(separator: "&")
            body.append(("@odata.nextLink", .string(baseURL + table.entitySetName + "?" + qs)))
        }
        var headers: [(String, String)] = []
        if let applied = prefs.applied { headers.append(("Preference-Applied", applied)) }
        return .json(.object(body), headers: headers)
    }

    /// The number of matching records, at most 5,000 as Dataverse counts (research/dataverse-webapi.md §2.1).
    func countRecords(_ table: TableDefinition, filter: RecordFilter?) async throws -> Int {
        var n = 0
        var token: String? = nil
        repeat {
            let page = try await service.retrieve(
                RecordQuery(table.logicalName, columns: [], filter: filter),
                pageSize: 5000, page: token)
            n += page.records.count
            token = page.nextPage
        } while token != nil && n < 5000
        return min(n, 5000)
    }

    func retrieveOne(_ request: WebRequest, table: TableDefinition, id: UUID) async throws -> WebResponse {
        let options = try QueryOptions(request, table: table)
        let prefs = Preferences(request.header("Prefer"))
        guard let record = try await fetch(table, id, columns: readColumns(options.select, table: table)) else {
            throw ODataError.recordNotFound(table.logicalName, id)
        }
        let etag = RecordRepresentation.etag(record)
        if let inm = request.header("If-None-Match"), let etag, inm == etag, prefs.annotationPatterns.isEmpty {
            return WebResponse(status: 304, headers: [("OData-Version", "4.0"), ("ETag", etag)])
        }
        let rep = RecordRepresentation(table: table, select: options.select, preferences: prefs)
        var headers: [(String, String)] = []
        if let etag { headers.append(("ETag", etag)) }
        if let applied = prefs.applied { headers.append(("Preference-Applied", applied)) }
        return .json(
            .object([("@odata.context", .string(contextURL(table, options.select, entity: true)))] + rep.members(record)),
            headers: headers)
    }

    func property(table: TableDefinition, id: UUID, column: ColumnDefinition, raw: Bool) async throws -> WebResponse {
        if column.type == .file || column.type == .image {
            return try await downloadFile(table: table, id: id, column: column, range: nil)
        }
        guard let record = try await fetch(table, id, columns: [column.logicalName]) else {
            throw ODataError.recordNotFound(table.logicalName, id)
        }
        let value = record.columns[column.logicalName] ?? .null
        if raw {
            guard let t = value.text else { return .noContent() }
            return WebResponse(status: 200, headers: [("Content-Type", "text/plain"), ("OData-Version", "4.0")], body: Data(t.utf8))
        }
        if value.isNull { return .noContent() }
        return .json(
            .object([
                ("@odata.context", .string(baseURL + "$metadata#\(table.entitySetName)(\(id.dataverseString))/\(column.logicalName)")),
                ("value", value.json),
            ]))
    }

    func serviceDocument() async throws -> WebResponse {
        let catalog = try await tables.current()
        var sets = catalog.tables.values.map(\.entitySetName)
        if catalog.table(entitySet: "organizations") == nil { sets.append("organizations") }
        let value: [JSONValue] =
            sets.sorted().map {
                .object([("name", .string($0)), ("kind", .string("EntitySet")), ("url", .string($0))])
            }
            + ["WhoAmI", "RetrieveVersion"].map {
                .object([("name", .string($0)), ("kind", .string("FunctionImport")), ("url", .string($0))])
            }
        return .json(.object([("@odata.context", .string(baseURL + "$metadata")), ("value", .array(value))]))
    }

    /// The organization row (`organizations`) from `organizationInfo()` when the environment has no
    /// organization table of its own (research/dataverse-webapi.md §8).
    func organizations(_ request: WebRequest, key: String?) async throws -> WebResponse {
        guard request.method == "GET" else { throw ODataError.methodNotAllowed(request.method, request.path) }
        let o = try await service.organizationInfo()
        if let key, UUID(dataverse: key) != o.organizationID {
            throw ODataError.recordNotFound("organization", UUID(dataverse: key) ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
        }
        let all: [(String, JSONValue)] = [
            ("name", .string(o.name)),
            ("languagecode", .number(String(o.languageCode))),
            ("blockedattachments", .string(o.blockedAttachments.joined(separator: ";"))),
            ("maxuploadfilesize", .number(String(o.maxUploadFileSize))),
            ("version", .string(o.version)),
            ("organizationid", .string(o.organizationID.dataverseString)),
        ]
        var row = all
        if let select = request.queryValue("$select") {
            let names = select.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            for n in names where !all.contains(where: { $0.0 == n }) {
                throw ODataError.propertyNotFound(n, table: "organization")
            }
            row = all.filter { names.contains($0.0) || $0.0 == "organizationid" }
        }
        if key != nil {
            return .json(.object([("@odata.context", .string(baseURL + "$metadata#organizations/$entity"))] + row))
        }
        return .json(.object([("@odata.context", .string(baseURL + "$metadata#organizations")), ("value", .array([.object(row)]))]))
    }
}

/// The `$skiptoken` of a nextLink: Dataverse's paging-cookie shape
/// (`<cookie pagenumber="2" pagingcookie="…" istracking="False" />`, research/dataverse-webapi.md §2.2)
/// carrying the served environment's opaque page token, percent-encoded.
enum SkipToken {
    static func encode(page: Int, token: String) -> String {
        let cookie = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? token
        return "<cookie pagenumber=\"\(page)\" pagingcookie=\"\(cookie)\" istracking=\"False\" />"
    }

    /// - Throws: `ODataError` 400 when the token is not one this server wrote.
    static func decode(_ text: String) throws -> (Int, String) {
        func attribute(_ name: String) -> String? {
            guard let r = text.range(of: "\(name)=\"") else { return nil }
            guard let end = text[r.upperBound...].firstIndex(of: "\"") else { return nil }
            return String(text[r.upperBound..<end])
        }
        guard let p = attribute("pagenumber"), let page = Int(p), let cookie = attribute("pagingcookie"),
            let token = cookie.removingPercentEncoding
        else {
            throw ODataError.badRequest("The $skiptoken '\(text)' is not valid.")
        }
        return (page, token)
    }
}

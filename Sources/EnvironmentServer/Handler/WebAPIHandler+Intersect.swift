import Foundation
import PortalModel

/// Read-only entity sets of N:N intersect tables (`<intersect>set`, for example
/// `adx_entitypermission_webroleset`; research/dataverse-webapi.md §1.3 [T]): each row carries the
/// intersect id and the two side ids, so a client reads every link of a relationship in a few pages
/// instead of one `$ref` request per record. Supports `$select`, `$filter` on the id columns,
/// `$count`, `$top` and paging with `Prefer: odata.maxpagesize`.
extension WebAPIHandler {
    /// The N:N relationship whose intersect entity set is `entitySet`, `nil` when none.
    func intersectRelationship(entitySet: String) async throws -> ManyToManyRelationship? {
        let catalog = try await tables.current()
        return catalog.relationships.first { IntersectTable.entitySetName($0) == entitySet }
    }

    /// Answers `GET <intersect>set`; other methods are refused (write links with `$ref`).
    /// - Throws: `ODataError` 405 for writes, 400 for bad query options.
    func intersectQuery(
        _ request: WebRequest, relationship rel: ManyToManyRelationship,
        segments: [PathSegment]
    ) async throws -> WebResponse {
        guard request.method == "GET" else { throw ODataError.methodNotAllowed(request.method, request.path) }
        guard segments.count == 1, segments[0].key == nil else { throw ODataError.resourceNotFound(segments.last!.name) }
        let table = IntersectTable.definition(rel)
        let options = try QueryOptions(request, table: table)
        let prefs = Preferences(request.header("Prefer"))
        let links = try await service.retrieveLinks(relationship: rel.name, firstIDs: nil).sorted()
        var rows = links.map { IntersectTable.record(rel, $0) }
        if let f = options.filter { rows = rows.filter { f.matches($0, primaryIDColumn: table.primaryIDColumn) } }
        let total = rows.count
        if prefs.maxPageSize == nil, let top = options.top { rows = Array(rows.prefix(top)) }
        let pageSize = max(1, prefs.maxPageSize ?? 5000)
        var offset = 0
        if let st = options.skipToken {
            let (_, token) = try SkipToken.decode(st)
            guard let o = Int(token), o >= 0 else { throw ODataError.badRequest("The $skiptoken '\(st)' is not valid.") }
            offset = o
        }
        let page = Array(rows.dropFirst(offset).prefix(pageSize))
        let selected = options.select?.map(\.logicalName)
        var body: [(String, JSONValue)] = [("@odata.context", .string(baseURL + "$metadata#" + table.entitySetName))]
        if options.count { body.append(("@odata.count", .number(String(min(total, 5000))))) }
        body.append(
            (
                "value",
                .array(
                    page.map { record in
                        var members: [(String, JSONValue)] = []
                        for column in [table.primaryIDColumn, rel.entity1IDColumn, rel.entity2IDColumn]
                        where selected == nil || selected!.contains(column) || column == table.primaryIDColumn {
                            let value: FieldValue = column == table.primaryIDColumn ? .guid(record.id) : (record[column] ?? .null)
                            members.append((column, value.json))
                        }
                        return .object(members)
                    })
            ))
        if offset + page.count < rows.count {
            var q = request.query.filter { $0.0 != "$skiptoken" }
            q.append(("$skiptoken", SkipToken.encode(page: offset / pageSize + 2, token: String(offset + page.count))))
            let qs = q.map { WebRequest.encodeQueryComponent($0.0) + "=" + WebRequest.encodeQueryComponent($0.1) }.joined(separator: "&")
            body.append(("@odata.nextLink", .string(baseURL + table.entitySetName + "?" + qs)))
        }
        var headers: [(String, String)] = []
        if let applied = prefs.applied { headers.append(("Preference-Applied", applied)) }
        return .json(.object(body), headers: headers)
    }
}

/// The shape the embedded server gives an N:N intersect table: entity set `<intersect>set`, primary id
/// `<intersect>id` (a stable id derived from the two side ids), and the two side id columns.
enum IntersectTable {
    static func entitySetName(_ rel: ManyToManyRelationship) -> String { rel.intersectEntity + "set" }

    static func definition(_ rel: ManyToManyRelationship) -> TableDefinition {
        TableDefinition(
            logicalName: rel.intersectEntity, displayName: rel.intersectEntity,
            entitySetName: entitySetName(rel), primaryIDColumn: rel.intersectEntity + "id",
            primaryNameColumn: nil,
            columns: [
                ColumnDefinition(rel.entity1IDColumn, .uniqueIdentifier),
                ColumnDefinition(rel.entity2IDColumn, .uniqueIdentifier),
            ],
            dataModel: .standard, source: "intersect table of \(rel.name)")
    }

    /// One link as a row; the row id mixes both side ids so it is the same on every read.
    static func record(_ rel: ManyToManyRelationship, _ link: ManyToManyLink) -> EntityRecord {
        let a = link.first.id.uuid, b = link.second.id.uuid
        let mixed = withUnsafeBytes(of: a) { pa in
            withUnsafeBytes(of: b) { pb in (0..<16).map { pa[$0] ^ pb[(15 - $0)] } }
        }
        let id = UUID(
            uuid: (
                mixed[0], mixed[1], mixed[2], mixed[3], mixed[4], mixed[5], mixed[6], mixed[7],
                mixed[8], mixed[9], mixed[10], mixed[11], mixed[12], mixed[13], mixed[14], mixed[15]
            ))
        return EntityRecord(
            rel.intersectEntity, id: id,
            columns: [
                rel.entity1IDColumn: .guid(link.first.id), rel.entity2IDColumn: .guid(link.second.id),
            ])
    }
}

import Foundation
import GRDB
import PortalModel

/// Reads: pages of records, single records, N:N links and file bodies.
extension LocalEnvironment {
    /// Dataverse's default and maximum page size (research/dataverse-webapi.md §2.2).
    public static let maxPageSize = 5000

    /// A page of records. Records come in id order unless `query.orderBy` is given (ties by id).
    ///
    /// - Parameters:
    ///   - pageSize: 1…5,000 (larger values are capped at 5,000).
    ///   - page: a token from the previous page, `nil` for the first.
    /// - Throws: `DataverseError` 0x8006088a (HTTP 404) for an unknown table; 0x0 (HTTP 400) for an
    ///   unknown column in `columns`, `filter` or `orderBy`; `pm:paging` for a token this store did not make.
    public func retrieve(_ query: RecordQuery, pageSize: Int, page: String?) async throws -> RecordPage {
        let def = try table(query.table)
        try validate(query, def)
        let size = max(1, min(pageSize, LocalEnvironment.maxPageSize))
        let token = try page.map { try PageToken(text: $0, table: def.logicalName) }
        let returned = token?.returned ?? 0
        var pageLimit = size
        if let top = query.top {
            pageLimit = min(pageLimit, max(0, top - returned))
            if pageLimit == 0 { return RecordPage(records: []) }
        }
        let selected = query.columns
        let limit = pageLimit
        return try await pool.read { db -> RecordPage in
            func matches(_ r: EntityRecord) -> Bool {
                query.filter?.matches(r, primaryIDColumn: def.primaryIDColumn) ?? true
            }
            if query.orderBy.isEmpty {
                var after = ""
                if case .after(let id)? = token?.position { after = id }
                var sql = "SELECT id, data, versionnumber, createdon, modifiedon FROM records WHERE logicalname = ? AND id > ?"
                var arguments: StatementArguments = [def.logicalName, after]
                if let (condition, extra) = query.filter.flatMap({ LocalEnvironment.indexedCondition($0, def) }) {
                    sql += " AND " + condition
                    arguments += extra
                }
                let cursor = try Row.fetchCursor(db, sql: sql + " ORDER BY id", arguments: arguments)
                var records: [EntityRecord] = []
                var more = false
                while let row = try cursor.next() {
                    let r = try LocalEnvironment.record(row, def)
                    guard matches(r) else { continue }
                    if records.count == limit { more = true; break }
                    records.append(r)
                }
                let total = returned + records.count
                let hitTop = query.top.map { total >= $0 } ?? false
                let next =
                    more && !hitTop && !records.isEmpty
                    ? PageToken(position: .after(records[records.count - 1].id.dataverseString), returned: total).text : nil
                return RecordPage(records: try records.map { try self.project($0, def, selected, db) }, nextPage: next)
            }
            var all: [EntityRecord] = []
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT id, data, versionnumber, createdon, modifiedon FROM records WHERE logicalname = ? ORDER BY id
                    """, arguments: [def.logicalName])
            while let row = try rows.next() {
                let r = try LocalEnvironment.record(row, def)
                if matches(r) { all.append(r) }
            }
            let keys = query.orderBy
            all.sort { a, b in
                for k in keys {
                    let va = k.column == def.primaryIDColumn ? FieldValue.guid(a.id) : (a.columns[k.column] ?? .null)
                    let vb = k.column == def.primaryIDColumn ? FieldValue.guid(b.id) : (b.columns[k.column] ?? .null)
                    let order: Int
                    switch (va.isNull, vb.isNull) {
                    case (true, true): order = 0
                    case (true, false): order = -1
                    case (false, true): order = 1
                    default:
                        order =
                            RecordFilter.compare(va, vb) ?? ((va.text ?? "") < (vb.text ?? "") ? -1 : ((va.text ?? "") == (vb.text ?? "") ? 0 : 1))
                    }
                    if order != 0 { return k.descending ? order > 0 : order < 0 }
                }
                return a.id.dataverseString < b.id.dataverseString
            }
            var offset = 0
            if case .offset(let o)? = token?.position { offset = o }
            let slice = Array(all.dropFirst(offset).prefix(limit))
            let end = offset + slice.count
            let total = returned + slice.count
            let hitTop = query.top.map { total >= $0 } ?? false
            let next = end < all.count && !hitTop ? PageToken(position: .offset(end), returned: total).text : nil
            return RecordPage(records: try slice.map { try self.project($0, def, selected, db) }, nextPage: next)
        }
    }

    /// One record by id, with all columns or only `columns`.
    /// - Throws: `DataverseError` 0x8006088a for an unknown table, 0x0 for an unknown column,
    ///   0x80040217 (HTTP 404) when the record does not exist.
    public func retrieve(_ logicalName: String, id: UUID, columns: [String]? = nil) async throws -> EntityRecord {
        let def = try table(logicalName)
        try validate(RecordQuery(logicalName, columns: columns), def)
        return try await pool.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT id, data, versionnumber, createdon, modifiedon FROM records WHERE logicalname = ? AND id = ?
                        """, arguments: [logicalName, id.dataverseString])
            else {
                throw LocalEnvironment.missingRecord(logicalName, id)
            }
            return try self.project(try LocalEnvironment.record(row, def), def, columns, db)
        }
    }

    /// A record's row version (`versionnumber`, the Web API's `@odata.etag` value `W/"<version>"`).
    /// - Throws: `DataverseError` 0x80040217 when the record does not exist, 0x8006088a for an unknown table.
    public func version(_ logicalName: String, id: UUID) async throws -> Int64 {
        _ = try table(logicalName)
        return try await pool.read { db in
            guard
                let v = try Int64.fetchOne(
                    db, sql: "SELECT versionnumber FROM records WHERE logicalname = ? AND id = ?",
                    arguments: [logicalName, id.dataverseString])
            else {
                throw LocalEnvironment.missingRecord(logicalName, id)
            }
            return v
        }
    }

    /// The number of records of a table. - Throws: `DataverseError` 0x8006088a for an unknown table.
    public func count(_ logicalName: String) async throws -> Int {
        _ = try table(logicalName)
        return try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM records WHERE logicalname = ?", arguments: [logicalName]) ?? 0
        }
    }

    public func retrieveLinks(relationship: String, firstIDs: Set<UUID>?) async throws -> Set<ManyToManyLink> {
        guard catalog.relationship(relationship) != nil else { throw LocalEnvironment.unknownTable(relationship) }
        return try await pool.read { db in
            var links = Set<ManyToManyLink>()
            let rows = try Row.fetchCursor(
                db, sql: "SELECT firsttable, firstid, secondtable, secondid FROM links WHERE relationship = ?",
                arguments: [relationship])
            while let row = try rows.next() {
                let a: String = row["firstid"], b: String = row["secondid"]
                guard let first = UUID(dataverse: a), let second = UUID(dataverse: b) else { continue }
                if let ids = firstIDs, !ids.contains(first) { continue }
                links.insert(ManyToManyLink(EntityReference(row["firsttable"], first), EntityReference(row["secondtable"], second)))
            }
            return links
        }
    }

    /// A stored file body with its file name and MIME type.
    public struct StoredFile: Sendable, Hashable {
        public var fileName: String?
        public var mimeType: String?
        public var data: Data
    }

    /// The body of a file column or an annotation's `documentbody` with its name, `nil` when empty.
    /// - Throws: `DataverseError` 0x8006088a for an unknown table, 0x80040217 when the record is missing.
    public func file(_ key: FileBodyKey) async throws -> StoredFile? {
        _ = try table(key.logicalName)
        return try await pool.read { db in
            guard
                try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM records WHERE logicalname = ? AND id = ?",
                    arguments: [key.logicalName, key.id.dataverseString]) ?? false
            else {
                throw LocalEnvironment.missingRecord(key.logicalName, key.id)
            }
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT filename, mimetype, data FROM bodies WHERE logicalname = ? AND id = ? AND columnname = ?
                        """, arguments: [key.logicalName, key.id.dataverseString, key.column])
            else { return nil }
            return StoredFile(fileName: row["filename"], mimeType: row["mimetype"], data: row["data"])
        }
    }

    public func downloadFile(_ key: FileBodyKey) async throws -> Data? {
        try await file(key)?.data
    }

    /// Bytes `range` of a body (for chunked downloads); the range is clipped to the body's size.
    /// - Throws: as `file(_:)`.
    public func downloadFile(_ key: FileBodyKey, range: Range<Int>) async throws -> Data? {
        guard let data = try await file(key)?.data else { return nil }
        let lower = max(0, min(range.lowerBound, data.count)), upper = max(lower, min(range.upperBound, data.count))
        return data.subdata(in: lower..<upper)
    }

    // MARK: - Helpers

    /// A SQL condition narrowing the rows a filter can match, using the lookup index (`refs`) for
    /// `lookup eq GUID` and `In(lookup, [GUID…])`, and the key for `primaryid eq GUID` and
    /// `In(primaryid, [GUID…])`, found at the top level or in an `and`.
    /// The full filter is still applied to every row; this only skips rows that cannot match.
    static func indexedCondition(_ filter: RecordFilter, _ def: PortalModel.TableDefinition) -> (String, StatementArguments)? {
        switch filter {
        case .compare(let column, .eq, let value):
            let id: UUID?
            switch value {
            case .guid(let g): id = g
            case .lookup(let r), .owner(let r): id = r.id
            case .string(let s): id = UUID(dataverse: s)
            default: id = nil
            }
            guard let id else { return nil }
            if column == def.primaryIDColumn { return ("id = ?", [id.dataverseString]) }
            guard def.column(column)?.isLookup == true else { return nil }
            return (
                "id IN (SELECT id FROM refs WHERE targetid = ? AND logicalname = ? AND columnname = ?)",
                [id.dataverseString, def.logicalName, column]
            )
        case .in(let column, let values):
            // Performance (issue 11): `In` over ids or a lookup (how readers fetch records by parent id
            // in chunks) used to decode the whole table for every chunk.
            guard !values.isEmpty, values.count <= 900 else { return nil }
            var ids: [String] = []
            for value in values {
                switch value {
                case .guid(let g): ids.append(g.dataverseString)
                case .lookup(let r), .owner(let r): ids.append(r.id.dataverseString)
                case .string(let s): guard let g = UUID(dataverse: s) else { return nil }; ids.append(g.dataverseString)
                default: return nil
                }
            }
            let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
            if column == def.primaryIDColumn { return ("id IN (\(marks))", StatementArguments(ids)) }
            guard def.column(column)?.isLookup == true else { return nil }
            return (
                "id IN (SELECT id FROM refs WHERE targetid IN (\(marks)) AND logicalname = ? AND columnname = ?)",
                StatementArguments(ids + [def.logicalName, column])
            )
        case .and(let parts):
            for p in parts { if let c = indexedCondition(p, def) { return c } }
            return nil
        default:
            return nil
        }
    }

    func validate(_ query: RecordQuery, _ def: PortalModel.TableDefinition) throws {
        var names = Set(query.columns ?? [])
        names.formUnion(query.filter?.columns ?? [])
        names.formUnion(query.orderBy.map(\.column))
        for name in names.sorted() where def.column(name) == nil && name != def.primaryIDColumn && SystemTables.systemColumns[name] == nil {
            throw DataverseError(
                httpStatus: 400, code: DataverseError.Code.queryPropertyNotFound,
                message: "Could not find a property named '\(name)' on type 'Microsoft.Dynamics.CRM.\(def.logicalName)'.",
                logicalName: def.logicalName, column: name)
        }
    }

    /// A record from a store row, with the system columns added.
    static func record(_ row: Row, _ def: PortalModel.TableDefinition) throws -> EntityRecord {
        let idText: String = row["id"]
        guard let id = UUID(dataverse: idText) else {
            throw DataverseError(code: "pm:store", message: "the stored id '\(idText)' is not a GUID", logicalName: def.logicalName)
        }
        var columns = try StoredValue.decode(row["data"], logicalName: def.logicalName, id: id)
        columns["versionnumber"] = .bigInt(row["versionnumber"])
        columns["createdon"] = .dateTime(DateTimeValue(ticks: row["createdon"]))
        columns["modifiedon"] = .dateTime(DateTimeValue(ticks: row["modifiedon"]))
        return EntityRecord(def.logicalName, id: id, columns: columns)
    }

    /// Keeps the selected columns (every table column, null when empty, plus the system columns when
    /// `columns` is nil) and loads annotation bodies as base64 when selected.
    func project(_ record: EntityRecord, _ def: PortalModel.TableDefinition, _ columns: [String]?, _ db: Database) throws -> EntityRecord {
        let wanted = columns ?? (def.columns.map(\.logicalName) + SystemTables.systemColumns.keys.sorted())
        var out = EntityRecord(def.logicalName, id: record.id)
        for name in wanted where name != def.primaryIDColumn {
            if WriteSession.isBodyColumn(def.logicalName, name) {
                let data = try Data.fetchOne(
                    db,
                    sql: """
                        SELECT data FROM bodies WHERE logicalname = ? AND id = ? AND columnname = 'documentbody'
                        """, arguments: [def.logicalName, record.id.dataverseString])
                out[name] = data.map { .string($0.base64EncodedString()) } ?? .null
                continue
            }
            out[name] = record.columns[name] ?? .null
        }
        return out
    }
}

extension LocalEnvironment {
    /// SQLite's `PRAGMA integrity_check` result lines (`["ok"]` for a sound file).
    public func integrityCheck() async throws -> [String] {
        try await pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }
}

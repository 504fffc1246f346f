import Foundation
import PortalModel

/// Exports the records, N:N links and notes a CMT schema names from an environment into a `CMTPackage`
/// (what `portal-migrate data export` and CMT's export do, research/cmt-format.md §1.6, §2).
///
/// Per schema entity: the entity's `<filter>` is applied — as a `RecordFilter` on the service when it
/// only has conditions on the entity's own columns, otherwise evaluated locally after reading the
/// linked tables (annotation → web file → website). Only the schema's non-empty fields are kept; like CMT, big
/// integer values (`versionnumber`) are not written. Annotation `documentbody` bodies are downloaded
/// into `snapshot.bodies`. The N:N relationships listed under the entity are read for the exported
/// records, with the entity on the first side.
public struct CMTExporter: Sendable {
    public let service: any DataverseService

    public init(service: any DataverseService) { self.service = service }

    /// The number of records and links exported for one table.
    public struct TableProgress: Sendable, Hashable {
        public var table: String
        public var records: Int
        public var links: Int
    }

    /// Exports the package.
    /// - Parameters:
    ///   - schema: the schema to export.
    ///   - schemaData: the schema file's bytes, copied verbatim into the package (CMT copies the file).
    ///   - timestamp: the `data.xml` timestamp (default now, ISO UTC with seven fraction digits).
    ///   - progress: called after each table.
    /// - Throws: `CMTError.invalidSchema` naming a table the environment lacks; `CMTError.unsupportedValue`
    ///   naming table, column and the first record when a `partylist` field's table has records; `CMTError` from the
    ///   FetchXML filters; `DataverseError` from the service.
    public func export(
        schema: CMTSchema, schemaData: Data? = nil, timestamp: String = DateTimeValue(Date()).iso8601Ticks,
        progress: @Sendable (TableProgress) -> Void = { _ in }
    ) async throws -> CMTPackage {
        let definitions = Dictionary(try await service.tableDefinitions().map { ($0.logicalName, $0) }, uniquingKeysWith: { a, _ in a })
        var snapshot = PortalSnapshot()
        var linkedCache: [String: [EntityRecord]] = [:]
        var recordsRead = 0
        ProgressSink.emit(.stage(.readingSource))
        ProgressSink.emit(.tablesRead(tablesDone: 0, tablesTotal: schema.entities.count, records: 0, table: nil))
        for (index, entity) in schema.entities.enumerated() {
            guard let definition = definitions[entity.name] else {
                throw CMTError(.invalidSchema, "the environment has no table '\(entity.name)'", entity: entity.name)
            }
            let known = Set(definition.columns.map(\.logicalName))
            // Party lists are activity-party records, not columns a query can select (research/cmt-format.md §2.5).
            let wanted = entity.fields.filter { !$0.isPartyList }.map(\.name).filter { $0 != entity.primaryIDField && known.contains($0) }
            // Bodies (a note's base64 documentbody) are not read with the records: every note's body at once
            // is the whole site's files as text (900 MB at the benchmark's L size, issue 20). They are read
            // afterwards in small groups and spooled to disk (`spoolBodies`).
            let bodyFields = entity.fields.filter { CMTDataFile.isBodyField(entity: entity.name, field: $0) && known.contains($0.name) }.map(\.name)
            let queried = wanted.filter { !bodyFields.contains($0) }
            let types = Dictionary(entity.fields.compactMap { f in f.type.map { (f.name, $0) } }, uniquingKeysWith: { a, _ in a })
            let filter = try entity.fetchFilter()
            var records: [EntityRecord]
            if let f = filter, f.links.isEmpty {
                let rf = try f.recordFilter { types[$0] }
                records = try await service.retrieveAll(RecordQuery(entity.name, columns: queried, filter: rf))
            } else {
                records = try await service.retrieveAll(RecordQuery(entity.name, columns: queried))
                // No record to filter: the linked tables are not needed (and the environment may lack them).
                if let f = filter, !records.isEmpty {
                    for table in Self.linkedTables(f.links) where linkedCache[table] == nil {
                        guard definitions[table] != nil else {
                            throw CMTError(.invalidSchema, "the filter links to table '\(table)', which the environment lacks", entity: entity.name)
                        }
                        linkedCache[table] = try await service.retrieveAll(RecordQuery(table))
                    }
                    let cache = linkedCache
                    let ids = Dictionary(definitions.map { ($0.key, $0.value.primaryIDColumn) }, uniquingKeysWith: { a, _ in a })
                    let source = FetchRecordSource(records: { cache[$0] ?? [] }, primaryIDColumn: { ids[$0] ?? "\($0)id" })
                    records = f.filter(records, table: entity.name, source: source)
                }
            }
            if let party = entity.fields.first(where: \.isPartyList), let first = records.first {
                throw CMTError(
                    .unsupportedValue,
                    "party list columns (activity parties) are not exported; remove the field from the schema "
                        + "to export the other columns (\(records.count) record(s) of the table would need it)",
                    entity: entity.name, recordID: first.id.dataverseString, field: party.name)
            }
            let fieldNames = Set(queried)
            for var record in records {
                record.columns = record.columns.filter { name, value in
                    guard fieldNames.contains(name), !value.isNull else { return false } // CMT omits empty values
                    if case .bigInt = value { return false } // CMT never writes bigint values (research/cmt-format.md §1.4)
                    return true
                }
                snapshot.add(record)
            }
            if !bodyFields.isEmpty, !records.isEmpty {
                try await spoolBodies(
                    of: entity.name, ids: records.map(\.id), fields: bodyFields, primaryID: definition.primaryIDColumn,
                    into: &snapshot)
            }
            var linkCount = 0
            let exportedIDs = Set(records.map(\.id))
            for rel in entity.relationships where rel.manyToMany {
                let links = try await service.retrieveLinks(relationship: rel.name, firstIDs: nil)
                for link in links {
                    // Keep the schema entity on the first side, as data.xml lists links under it.
                    let oriented =
                        link.first.logicalName == entity.name && exportedIDs.contains(link.first.id)
                        ? link
                        : (link.second.logicalName == entity.name && exportedIDs.contains(link.second.id) && link.first.logicalName != entity.name
                            ? ManyToManyLink(link.second, link.first) : nil)
                    guard let l = oriented else { continue }
                    snapshot.link(rel.name, l)
                    linkCount += 1
                }
            }
            progress(TableProgress(table: entity.name, records: records.count, links: linkCount))
            recordsRead += records.count
            ProgressSink.emit(.tablesRead(tablesDone: index + 1, tablesTotal: schema.entities.count, records: recordsRead, table: entity.name))
        }
        return CMTPackage(schema: schema, schemaData: schemaData, snapshot: snapshot, timestamp: timestamp)
    }

    /// The records read per query when reading bodies (`spoolBodies`): 16 notes, a few MB of base64 text
    /// for typical web files.
    static let bodyGroupSize = 16

    /// Reads the body columns of the exported records `ids` in groups of `bodyGroupSize` and keeps each
    /// body in the process's body spool (`BodySpool`, `FileBody.file`): an inline base64 value is
    /// decoded, a record whose value the query does not return has its body downloaded
    /// (`downloadFile`). Empty bodies are left out, as before.
    /// - Throws: `DataverseError` from the service; `CMTError.writeFailed` when a body cannot be spooled.
    func spoolBodies(of table: String, ids: [UUID], fields: [String], primaryID: String, into snapshot: inout PortalSnapshot) async throws {
        var start = 0
        while start < ids.count {
            let group = Array(ids[start..<min(start + Self.bodyGroupSize, ids.count)])
            start += group.count
            var rows = try await service.retrieveAll(RecordQuery(table, columns: fields, filter: .in(primaryID, group.map { .guid($0) })))
            for i in rows.indices {
                for field in fields {
                    let key = FileBodyKey(table, rows[i].id, field)
                    let data: Data?
                    if case .string(let text)? = rows[i].columns.removeValue(forKey: field) {
                        data = Data(base64Encoded: text, options: .ignoreUnknownCharacters)
                    } else {
                        data = try await service.downloadFile(key)
                    }
                    guard let data, !data.isEmpty else { continue }
                    do { snapshot.bodies[key] = try BodySpool.shared.keep(data) } catch {
                        throw CMTError(
                            .writeFailed, "the body cannot be kept on disk while exporting (\(CMTPackage.plainReason(error)))",
                            entity: table, recordID: rows[i].id.dataverseString, field: field)
                    }
                }
            }
            rows.removeAll()
        }
    }

    /// Every table a filter's link-entities name, nested ones included.
    static func linkedTables(_ links: [FetchLinkEntity]) -> [String] {
        links.flatMap { [$0.name] + linkedTables($0.links) }
    }
}

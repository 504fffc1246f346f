import Foundation
import GRDB
import PortalModel

/// One write transaction against the store: validates and applies `DataverseOperation`s with the
/// environment's rules (types, lookups, unknown columns, duplicate ids) and platform behaviours
/// (`PlatformBehaviour`). Lives only inside a GRDB write closure.
final class WriteSession {
    let db: Database
    let catalog: TableCatalog
    /// The organization settings in force (updated when this session writes the organization row).
    var organization: OrganizationInfo
    /// The behaviours in force for this session (plug-in rules removed when bypassed).
    let rules: Set<PlatformBehaviour>
    let now: DateTimeValue

    /// A stored record: typed columns (without body columns) and system values.
    struct Stored {
        var columns: [String: FieldValue]
        var versionNumber: Int64
        var createdOn: Int64
        var modifiedOn: Int64
    }

    /// The column of a table held in `bodies` rather than in the record JSON.
    static func isBodyColumn(_ table: String, _ column: String) -> Bool {
        table == "annotation" && column == "documentbody"
    }

    init(db: Database, catalog: TableCatalog, organization: OrganizationInfo, rules: Set<PlatformBehaviour>) {
        self.db = db
        self.catalog = catalog
        self.organization = organization
        self.rules = rules
        self.now = DateTimeValue(Date())
    }

    /// Reads settings and switches from the store.
    convenience init(db: Database, catalog: TableCatalog, bypassPlugins: Bool) throws {
        let org = try LocalEnvironment.organization(db)
        var rules = try LocalEnvironment.behaviours(db)
        if bypassPlugins { rules = rules.filter { !$0.isPlugin } }
        self.init(db: db, catalog: catalog, organization: org, rules: rules)
    }

    // MARK: - Low-level store access

    func table(_ name: String) throws -> PortalModel.TableDefinition {
        guard let t = catalog.table(name) else { throw LocalEnvironment.unknownTable(name) }
        return t
    }

    func load(_ table: String, _ id: UUID) throws -> Stored? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT data, versionnumber, createdon, modifiedon FROM records WHERE logicalname = ? AND id = ?
                        """), arguments: [table, id.dataverseString])
        else { return nil }
        let columns = try StoredValue.decode(row["data"], logicalName: table, id: id)
        return Stored(columns: columns, versionNumber: row["versionnumber"], createdOn: row["createdon"], modifiedOn: row["modifiedon"])
    }

    func exists(_ table: String, _ id: UUID) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT 1 FROM records WHERE logicalname = ? AND id = ?"),
            arguments: [table, id.dataverseString]) ?? false
    }

    /// Writes a record's full column set, bumping its row version and `modifiedon`, and refreshes its
    /// lookup index rows.
    func save(_ table: String, _ id: UUID, _ columns: [String: FieldValue], createdOn: Int64?) throws {
        let version = try StoreSchema.nextRowVersion(db)
        let data = try StoredValue.encode(columns)
        let key = id.dataverseString
        if let created = createdOn {
            try db.cachedStatement(
                sql: """
                    UPDATE records SET data = ?, versionnumber = ?, modifiedon = ?, createdon = ? WHERE logicalname = ? AND id = ?
                    """
            ).execute(arguments: [data, version, now.ticks, created, table, key])
        } else {
            try db.cachedStatement(
                sql: """
                    INSERT INTO records (logicalname, id, data, versionnumber, createdon, modifiedon) VALUES (?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [table, key, data, version, now.ticks, now.ticks])
        }
        if createdOn != nil {
            try db.cachedStatement(sql: "DELETE FROM refs WHERE logicalname = ? AND id = ?").execute(arguments: [table, key])
        }
        for (column, value) in columns {
            guard let ref = value.reference else { continue }
            try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO refs (logicalname, id, columnname, targettable, targetid) VALUES (?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [table, key, column, ref.logicalName, ref.id.dataverseString])
        }
    }

    func setBody(_ key: FileBodyKey, fileName: String?, mimeType: String?, data: Data?) throws {
        if let data {
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO bodies (logicalname, id, columnname, filename, mimetype, data) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [key.logicalName, key.id.dataverseString, key.column, fileName, mimeType, data])
        } else {
            try db.execute(
                sql: "DELETE FROM bodies WHERE logicalname = ? AND id = ? AND columnname = ?",
                arguments: [key.logicalName, key.id.dataverseString, key.column])
        }
    }

    func hasBody(_ key: FileBodyKey) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT 1 FROM bodies WHERE logicalname = ? AND id = ? AND columnname = ?",
            arguments: [key.logicalName, key.id.dataverseString, key.column]) ?? false
    }

    /// Records pointing at `(table, id)`: (their table, id, lookup column).
    func referencing(_ table: String, _ id: UUID) throws -> [(String, UUID, String)] {
        try Row.fetchAll(
            db, sql: "SELECT logicalname, id, columnname FROM refs WHERE targetid = ? AND targettable = ?",
            arguments: [id.dataverseString, table]
        ).compactMap { row in
            let idText: String = row["id"]
            guard let uuid = UUID(dataverse: idText) else { return nil }
            return (row["logicalname"], uuid, row["columnname"])
        }
    }

    // MARK: - Operations

    /// Applies one operation. - Returns: the record id written (nil for N:N).
    /// - Throws: `DataverseError` with the Dataverse code of the failure.
    func apply(_ op: DataverseOperation) throws -> UUID? {
        switch op {
        case .create(let r, let body): return try create(r, body: body)
        case .update(let r, let body): try update(r, body: body); return r.id
        case .upsert(let r):
            _ = try table(r.logicalName)
            if try exists(r.logicalName, r.id) { try update(r) } else { _ = try create(r) }
            return r.id
        case .delete(let t, let id):
            _ = try table(t)
            guard try exists(t, id) else { throw LocalEnvironment.missingRecord(t, id) }
            var visited = Set<String>()
            try delete(t, id, visited: &visited)
            return id
        case .associate(let rel, let link): try associate(rel, link); return nil
        case .disassociate(let rel, let link): try disassociate(rel, link); return nil
        case .uploadFile(let key, let name, let body): try upload(key, fileName: name, body: body); return key.id
        }
    }

    /// Validated, type-normalised columns to write, and an annotation body when one is given
    /// (`base64Length`: the body's length as Dataverse counts it against `maxuploadfilesize`, in
    /// characters of base64 text; `data` `nil` clears the body).
    struct Prepared {
        var columns: [String: FieldValue]
        var body: (base64Length: Int, data: Data?)?
    }

    /// The length of `byteCount` bytes as base64 text (padded): what Dataverse checks against
    /// `maxuploadfilesize` for a note's `documentbody` (research/emulator-facts.md §1.2: the limit applies to the
    /// base64-encoded size [V R7]).
    static func base64Length(_ byteCount: Int) -> Int { (byteCount + 2) / 3 * 4 }

    /// Validates `record`'s columns against the table; `body` is the record's file body as bytes (a
    /// note's `documentbody` from `DataverseOperation`), read here. A `documentbody` column given as text
    /// (the Web API's base64 form, from the server) is decoded; given both, the bytes win.
    /// - Throws: `DataverseError` for a bad column or value, a body on a table without one, or a body
    ///   file that cannot be read.
    func prepare(_ record: EntityRecord, _ def: PortalModel.TableDefinition, body operationBody: OperationBody? = nil) throws -> Prepared {
        var out: [String: FieldValue] = [:]
        var body: (Int, Data?)?
        for (name, value) in record.columns.sorted(by: { $0.key < $1.key }) {
            if name == def.primaryIDColumn {
                if case .guid(let g) = value, g != record.id {
                    throw DataverseError(
                        httpStatus: 400, code: DataverseError.Code.invalidArgument,
                        message: "The primary key \(name) (\(g.dataverseString)) does not match the record id",
                        logicalName: def.logicalName, recordID: record.id, column: name)
                }
                continue
            }
            if SystemTables.systemColumns[name] != nil { continue }
            guard let column = def.column(name) else {
                throw DataverseError(
                    httpStatus: 400, code: DataverseError.Code.invalidPayloadProperty,
                    message:
                        "Error identified in Payload provided by the user for Entity :'\(def.entitySetName)' ----> InnerException : Microsoft.OData.ODataException: The property '\(name)' does not exist on type 'Microsoft.Dynamics.CRM.\(def.logicalName)'. Make sure to only use property names that are defined by the type or mark the type as open type.",
                    logicalName: def.logicalName, recordID: record.id, column: name)
            }
            if WriteSession.isBodyColumn(def.logicalName, name) {
                switch value {
                case .null: body = (0, nil)
                case .string(let text):
                    guard let data = Data(base64Encoded: text, options: [.ignoreUnknownCharacters]) else {
                        throw DataverseError(
                            httpStatus: 400, code: DataverseError.Code.invalidArgument,
                            message: "documentbody is not valid base64", logicalName: def.logicalName,
                            recordID: record.id, column: name)
                    }
                    body = (text.utf8.count, data)
                default:
                    throw WriteSession.wrongType(value, column, def, record.id)
                }
                continue
            }
            guard let typed = WriteSession.coerce(value, to: column) else {
                throw WriteSession.wrongType(value, column, def, record.id)
            }
            if let ref = typed.reference {
                guard catalog.table(ref.logicalName) != nil, try exists(ref.logicalName, ref.id) else {
                    throw DataverseError(
                        httpStatus: 404, code: DataverseError.Code.objectDoesNotExist,
                        message: "\(ref.logicalName) With Id = \(ref.id.dataverseString) Does Not Exist",
                        logicalName: def.logicalName, recordID: record.id, column: name)
                }
            }
            out[name] = typed
        }
        if let operationBody {
            guard WriteSession.isBodyColumn(def.logicalName, operationBody.column) else {
                throw DataverseError(
                    httpStatus: 400, code: DataverseError.Code.invalidArgument,
                    message: "'\(operationBody.column)' of \(def.logicalName) does not take a file body with the record (upload it instead)",
                    logicalName: def.logicalName, recordID: record.id, column: operationBody.column)
            }
            let data = try WriteSession.load(operationBody.body, def.logicalName, record.id, operationBody.column)
            body = (WriteSession.base64Length(data.count), data)
        }
        // Dataverse fills a note's `objecttypecode` from its `objectid` (research/dataverse-webapi.md §9.1).
        if def.logicalName == "annotation", let target = out["objectid"]?.reference?.logicalName,
            def.column("objecttypecode") != nil, record.columns["objecttypecode"] == nil
        {
            out["objecttypecode"] = .string(target)
        }
        return Prepared(columns: out, body: body.map { (base64Length: $0.0, data: $0.1) })
    }

    static func wrongType(_ value: FieldValue, _ column: PortalModel.ColumnDefinition, _ def: PortalModel.TableDefinition, _ id: UUID)
        -> DataverseError
    {
        var detail = ""
        if let ref = value.reference, column.type.isReference {
            detail = ": \(ref.logicalName) is not a target of this lookup (targets: \(column.targets.joined(separator: ", ")))"
        }
        return DataverseError(
            httpStatus: 400, code: DataverseError.Code.invalidArgument,
            message:
                "Incorrect type of attribute value \(value.text.map { "'\($0)'" } ?? "") for column '\(column.logicalName)' of type \(column.type.webAPIAttributeType)\(detail)",
            logicalName: def.logicalName, recordID: id, column: column.logicalName)
    }

    /// Converts a value to the column's type where Dataverse would accept it (an integer for a choice,
    /// a decimal for money, …); `nil` when it does not fit.
    static func coerce(_ v: FieldValue, to column: PortalModel.ColumnDefinition) -> FieldValue? {
        if v.isNull { return .null }
        func decimal(_ i: Int64) -> ExactDecimal { ExactDecimal(Decimal(i)) }
        switch (column.type, v) {
        case (.string, .string), (.memo, .string), (.entityName, .string): return v
        case (.integer, .integer): return v
        case (.integer, .bigInt(let i)): return Int32(exactly: i).map(FieldValue.integer)
        case (.bigInt, .bigInt): return v
        case (.bigInt, .integer(let i)): return .bigInt(Int64(i))
        case (.decimal, .decimal(let d)), (.decimal, .money(let d)): return .decimal(d)
        case (.decimal, .integer(let i)): return .decimal(decimal(Int64(i)))
        case (.decimal, .bigInt(let i)): return .decimal(decimal(i))
        case (.money, .money(let d)), (.money, .decimal(let d)): return .money(d)
        case (.money, .integer(let i)): return .money(decimal(Int64(i)))
        case (.money, .bigInt(let i)): return .money(decimal(i))
        case (.double, .double): return v
        case (.double, .decimal(let d)), (.double, .money(let d)): return Double(d.text).map(FieldValue.double)
        case (.double, .integer(let i)): return .double(Double(i))
        case (.double, .bigInt(let i)): return .double(Double(i))
        case (.boolean, .boolean): return v
        case (.dateTime, .dateTime): return v
        case (.uniqueIdentifier, .guid): return v
        case (.choice, .choice(let i)), (.choice, .state(let i)), (.choice, .status(let i)): return .choice(i)
        case (.choice, .integer(let i)): return .choice(Int(i))
        case (.multiChoice, .multiChoice): return v
        case (.state, .state(let i)), (.state, .choice(let i)): return .state(i)
        case (.state, .integer(let i)): return .state(Int(i))
        case (.status, .status(let i)), (.status, .choice(let i)): return .status(i)
        case (.status, .integer(let i)): return .status(Int(i))
        case (.lookup, .lookup(let r)), (.lookup, .owner(let r)):
            guard column.targets.isEmpty || column.targets.contains(r.logicalName) else { return nil }
            return .lookup(r)
        case (.owner, .owner(let r)), (.owner, .lookup(let r)):
            guard column.targets.isEmpty || column.targets.contains(r.logicalName) else { return nil }
            return .owner(r)
        case (.file, .guid), (.image, .guid): return v
        default: return nil
        }
    }

    /// Dataverse gives a new record the active state (0) and its default status reason (1) when the
    /// create does not set them; pac folders leave them out for active records
    /// (research/pac-portal-format.md §2). Applied to every record this environment creates.
    static func withDefaultState(_ def: PortalModel.TableDefinition, _ columns: [String: FieldValue]) -> [String: FieldValue] {
        var out = columns
        if def.column("statecode") != nil, out["statecode"]?.isNull ?? true { out["statecode"] = .state(0) }
        if def.column("statuscode") != nil, out["statuscode"]?.isNull ?? true { out["statuscode"] = .status(1) }
        return out
    }

    func create(_ record: EntityRecord, body: OperationBody? = nil) throws -> UUID {
        let def = try table(record.logicalName)
        if try exists(def.logicalName, record.id) {
            throw DataverseError(
                httpStatus: 412, code: DataverseError.Code.duplicateRecord,
                message: LocalEnvironmentMessages.duplicateRecord,
                logicalName: def.logicalName, recordID: record.id)
        }
        var prepared = try prepare(record, def, body: body)
        prepared.columns = WriteSession.withDefaultState(def, prepared.columns)
        try checkRules(def, record.id, merged: prepared.columns, written: prepared, isCreate: true)
        try save(def.logicalName, record.id, prepared.columns, createdOn: nil)
        try storeBody(def, record.id, prepared, merged: prepared.columns)
        try afterCreate(def, record.id, prepared.columns)
        return record.id
    }

    func update(_ record: EntityRecord, body: OperationBody? = nil) throws {
        let def = try table(record.logicalName)
        guard let stored = try load(def.logicalName, record.id) else {
            throw LocalEnvironment.missingRecord(def.logicalName, record.id)
        }
        let prepared = try prepare(record, def, body: body)
        var merged = stored.columns
        for (k, v) in prepared.columns { merged[k] = v.isNull ? nil : v }
        try checkRules(def, record.id, merged: merged, written: prepared, isCreate: false)
        try save(def.logicalName, record.id, merged, createdOn: stored.createdOn)
        try storeBody(def, record.id, prepared, merged: merged)
        if def.logicalName == "organization" && record.id == organization.organizationID {
            try syncOrganizationSettings(from: merged)
        }
    }

    /// Keeps the settings the write path enforces (`StoreSchema` meta `organization`) equal to the
    /// organization row after a write to it, e.g. `PATCH organizations(id)` over the Web API with a new
    /// `blockedattachments`, so later notes are checked against the new list (issue 4 defect:
    /// `--unblock-extensions` over HTTP).
    func syncOrganizationSettings(from columns: [String: FieldValue]) throws {
        var org = organization
        if let text = columns["blockedattachments"]?.text { org.blockedAttachments = OrganizationInfo.parseBlockedAttachments(text) }
        if case .integer(let size)? = columns["maxuploadfilesize"] { org.maxUploadFileSize = Int(size) }
        if case .integer(let language)? = columns["languagecode"] { org.languageCode = Int(language) }
        if case .string(let name)? = columns["name"] { org.name = name }
        guard org != organization else { return }
        try StoreSchema.setMeta(db, "organization", org)
        organization = org
    }

    func storeBody(_ def: PortalModel.TableDefinition, _ id: UUID, _ prepared: Prepared, merged: [String: FieldValue]) throws {
        guard let body = prepared.body else { return }
        let key = FileBodyKey(def.logicalName, id, "documentbody")
        if let data = body.data {
            try setBody(key, fileName: merged["filename"]?.text, mimeType: merged["mimetype"]?.text, data: data)
            if def.column("filesize") != nil {
                var cols = merged
                cols["filesize"] = .integer(Int32(clamping: data.count))
                try db.execute(
                    sql: "UPDATE records SET data = ? WHERE logicalname = ? AND id = ?",
                    arguments: [try StoredValue.encode(cols), def.logicalName, id.dataverseString])
            }
        } else {
            try setBody(key, fileName: nil, mimeType: nil, data: nil)
        }
    }

    // MARK: - N:N

    func relationship(_ name: String) throws -> ManyToManyRelationship {
        guard let rel = catalog.relationship(name) else { throw LocalEnvironment.unknownTable(name) }
        return rel
    }

    func associate(_ name: String, _ link: ManyToManyLink) throws {
        let rel = try relationship(name)
        let (first, second) = try orient(rel, link)
        for ref in [first, second] where try !exists(ref.logicalName, ref.id) {
            throw LocalEnvironment.missingRecord(ref.logicalName, ref.id)
        }
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO links (relationship, firsttable, firstid, secondtable, secondid) VALUES (?, ?, ?, ?, ?)
                """, arguments: [rel.name, first.logicalName, first.id.dataverseString, second.logicalName, second.id.dataverseString])
    }

    func disassociate(_ name: String, _ link: ManyToManyLink) throws {
        let rel = try relationship(name)
        let (first, second) = try orient(rel, link)
        try db.execute(
            sql: "DELETE FROM links WHERE relationship = ? AND firstid = ? AND secondid = ?",
            arguments: [rel.name, first.id.dataverseString, second.id.dataverseString])
    }

    /// Puts a link's ends in the relationship's entity-1/entity-2 order (accepting them swapped).
    func orient(_ rel: ManyToManyRelationship, _ link: ManyToManyLink) throws -> (EntityReference, EntityReference) {
        if link.first.logicalName == rel.entity1 && link.second.logicalName == rel.entity2 { return (link.first, link.second) }
        if link.first.logicalName == rel.entity2 && link.second.logicalName == rel.entity1 { return (link.second, link.first) }
        throw DataverseError(
            httpStatus: 400, code: DataverseError.Code.invalidArgument,
            message: "relationship \(rel.name) links \(rel.entity1) and \(rel.entity2), not \(link.first.logicalName) and \(link.second.logicalName)",
            logicalName: link.first.logicalName, recordID: link.first.id)
    }

    // MARK: - Files

    /// The default `MaxSizeInKB` of a File column: 32,768 KB (research/emulator-facts.md §1.2).
    static let fileColumnMaxBytes = 32_768 * 1024

    /// The bytes of a body given with an operation.
    /// - Throws: `DataverseError` (invalid argument, naming the record and column) when a file body cannot be read.
    static func load(_ body: FileBody, _ table: String, _ id: UUID, _ column: String) throws -> Data {
        do { return try body.load() } catch {
            throw DataverseError(
                code: DataverseError.Code.invalidArgument, message: "cannot read the file body: \(error.localizedDescription)",
                logicalName: table, recordID: id, column: column)
        }
    }

    func upload(_ key: FileBodyKey, fileName: String, body: FileBody) throws {
        let def = try table(key.logicalName)
        if WriteSession.isBodyColumn(key.logicalName, key.column) {
            var r = EntityRecord(key.logicalName, id: key.id)
            r["filename"] = .string(fileName)
            try update(r, body: OperationBody(column: key.column, body: body))
            return
        }
        let data = try WriteSession.load(body, key.logicalName, key.id, key.column)
        guard let column = def.column(key.column), column.type == .file || column.type == .image else {
            throw DataverseError(
                httpStatus: 400, code: DataverseError.Code.invalidArgument,
                message: "'\(key.column)' is not a file or image column of \(key.logicalName)",
                logicalName: key.logicalName, recordID: key.id, column: key.column)
        }
        guard var stored = try load(key.logicalName, key.id) else { throw LocalEnvironment.missingRecord(key.logicalName, key.id) }
        if rules.contains(.attachmentRules) {
            if organization.blocks(fileName: fileName) { throw attachmentBlocked(key.logicalName, key.id, key.column) }
            if data.count > WriteSession.fileColumnMaxBytes { throw attachmentTooLarge(key.logicalName, key.id, key.column) }
        }
        stored.columns[key.column] = .guid(UUID())
        try save(key.logicalName, key.id, stored.columns, createdOn: stored.createdOn)
        try setBody(key, fileName: fileName, mimeType: nil, data: data)
    }

    func attachmentBlocked(_ t: String, _ id: UUID, _ column: String) -> DataverseError {
        DataverseError(
            httpStatus: 400, code: DataverseError.Code.attachmentBlocked,
            message: LocalEnvironmentMessages.attachmentBlocked, logicalName: t, recordID: id, column: column)
    }

    func attachmentTooLarge(_ t: String, _ id: UUID, _ column: String) -> DataverseError {
        DataverseError(
            httpStatus: 400, code: DataverseError.Code.attachmentTooLarge,
            message: LocalEnvironmentMessages.attachmentTooLarge, logicalName: t, recordID: id, column: column)
    }
}

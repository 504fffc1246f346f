import Foundation

/// Maps standard-model `adx_*` records to enhanced-model `powerpagecomponent` rows and back.
///
/// A component's `content` is a JSON object whose keys are the adx column names without the `adx_`
/// prefix; lookups are bare lowercase GUID strings; web-role links of a component are GUID arrays
/// under the N:N relationship name, with or without the `adx_` prefix (research/emulator-facts.md
/// §4.1–4.3, research/dataverse-webapi.md §11.3). Keys the catalog does not know (camelCase keys such
/// as `createRecordDisplayLabel`) are kept verbatim as `adx_<key>` columns.
///
/// Columns that are not content: the primary id (the component id), the primary name (`name`),
/// `adx_websiteid` (`powerpagesiteid`), state/status and system columns.
public struct EnhancedComponentMapping: Sendable {
    /// The catalog that types the adx columns when mapping back.
    public var catalog: TableCatalog

    public init(catalog: TableCatalog = .standard) { self.catalog = catalog }

    /// Columns never written into `content`.
    static let systemColumns: Set<String> = [
        "statecode", "statuscode", "adx_statecode", "adx_statuscode", "adx_websiteid", "ownerid", "owningbusinessunit",
        "createdon", "modifiedon", "createdby", "modifiedby", "versionnumber", "overriddencreatedon",
    ]

    /// The `content` key of an adx column: `adx_partialurl` → `partialurl`; other names unchanged.
    public static func contentKey(forColumn column: String) -> String {
        column.hasPrefix("adx_") ? String(column.dropFirst(4)) : column
    }

    /// The adx column of a `content` key: `partialurl` → `adx_partialurl` (pac's on-disk key).
    public static func column(forContentKey key: String) -> String { "adx_" + key }

    /// Builds the component row for a standard record.
    ///
    /// - Parameters:
    ///   - record: an `adx_*` record whose table has a component type (`PowerPageComponentType(standardTable:)`).
    ///   - siteID: the `powerpagesite` id (`powerpagesiteid` lookup).
    ///   - languageID: the `powerpagesitelanguage` id for language-specific components, or `nil`.
    ///   - webRoleLinks: N:N relationship name → related ids, written into `content` as GUID arrays.
    /// - Returns: a `powerpagecomponent` record with the same id, or `nil` when the table has no
    ///   enhanced counterpart (tags, URL history, ads, polls, …).
    public func component(
        from record: EntityRecord, siteID: UUID, languageID: UUID? = nil,
        webRoleLinks: [String: [UUID]] = [:]
    ) -> EntityRecord? {
        guard let type = PowerPageComponentType(standardTable: record.logicalName) else { return nil }
        let def = catalog.table(record.logicalName)
        let idColumn = def?.primaryIDColumn ?? record.logicalName + "id"
        let nameColumn = def?.primaryNameColumn ?? "adx_name"
        var content: [(String, JSONValue)] = []
        for column in record.columns.keys.sorted()
        where column != idColumn && column != nameColumn
            && !Self.systemColumns.contains(column) && !Self.fileColumns.contains(column)
        {
            guard let value = record.columns[column] else { continue }
            let known = def?.column(column) != nil
            content.append((Self.contentKey(forColumn: column), known ? value.json : Self.contentJSON(unknown: value, column: column)))
        }
        for (relationship, ids) in webRoleLinks.sorted(by: { $0.key < $1.key }) {
            content.append((relationship, .array(ids.map { .string($0.dataverseString) })))
        }
        var columns: [String: FieldValue] = [
            "powerpagecomponenttype": .choice(type.rawValue),
            "powerpagesiteid": .lookup(EntityReference("powerpagesite", siteID)),
            "content": .string(JSONValue.object(content).serialized),
        ]
        if let name = record.columns[nameColumn] { columns["name"] = name }
        if let languageID { columns["powerpagesitelanguageid"] = .lookup(EntityReference("powerpagesitelanguage", languageID)) }
        if let s = record.columns["statecode"] ?? record.columns["adx_statecode"] { columns["statecode"] = s }
        if let s = record.columns["statuscode"] ?? record.columns["adx_statuscode"] { columns["statuscode"] = s }
        for column in Self.fileColumns { if let v = record.columns[column] { columns[column] = v } }
        return EntityRecord("powerpagecomponent", id: record.id, columns: columns)
    }

    /// What `record(from:)` returns: the adx record and the N:N links found in `content`.
    public struct MappedRecord: Sendable, Equatable {
        public var record: EntityRecord
        /// Relationship name (`adx_entitypermission_webrole`) → related ids.
        public var links: [String: [UUID]]
    }

    /// Builds the standard record for a component row.
    ///
    /// - Throws: `EnhancedMappingError` naming the component and key when the type is missing or
    ///   unknown, `content` is not a JSON object, or a value does not fit its column.
    public func record(from component: EntityRecord) throws -> MappedRecord {
        let cid = component.id.dataverseString
        guard case .choice(let raw)? = component.columns["powerpagecomponenttype"] ?? nil,
            let type = PowerPageComponentType(rawValue: raw)
        else {
            throw EnhancedMappingError(componentID: cid, key: "powerpagecomponenttype", problem: "missing or unknown component type")
        }
        let table = type.standardTable
        let def = catalog.table(table)
        var columns: [String: FieldValue] = [:]
        var links: [String: [UUID]] = [:]
        if let name = component.columns["name"] { columns[def?.primaryNameColumn ?? "adx_name"] = name }
        if let s = component.columns["statecode"] { columns["statecode"] = s }
        if let s = component.columns["statuscode"] { columns["statuscode"] = s }
        if let text = component.string("content"), !text.isEmpty {
            let json: JSONValue
            do { json = try JSONValue.parse(text) } catch {
                throw EnhancedMappingError(componentID: cid, key: "content", problem: "not JSON: \(error)")
            }
            guard let pairs = json.objectValue else {
                throw EnhancedMappingError(componentID: cid, key: "content", problem: "not a JSON object")
            }
            for (key, value) in pairs {
                let prefixed = Self.column(forContentKey: key)
                if case .array(let items) = value, let rel = relationship(forContentKey: key, table: table) {
                    var ids: [UUID] = []
                    for item in items {
                        guard let text = item.stringValue, let id = UUID(dataverse: text) else {
                            throw EnhancedMappingError(componentID: cid, key: key, problem: "\(item.serialized) is not a GUID")
                        }
                        ids.append(id)
                    }
                    links[rel.name, default: []].append(contentsOf: ids)
                    continue
                }
                if let col = def?.column(prefixed) {
                    do {
                        columns[prefixed] = try FieldValue(json: value, as: col.type, lookupTarget: col.targets.first)
                    } catch {
                        throw EnhancedMappingError(componentID: cid, key: key, problem: "\(error)")
                    }
                } else {
                    columns[prefixed] = Self.verbatim(value)
                }
            }
        }
        if let site = component.lookupID("powerpagesiteid"), def?.column("adx_websiteid") != nil {
            columns["adx_websiteid"] = .lookup(EntityReference("adx_website", site))
        }
        return MappedRecord(record: EntityRecord(table, id: component.id, columns: columns), links: links)
    }

    /// A value under a key the catalog does not know, kept as its text: strings as they are,
    /// booleans as `true`/`false`, numbers as their JSON text, arrays and objects as their JSON text
    /// (pac folder readers keep unknown keys as text, so this is the inverse of `contentJSON(unknown:)`).
    static func verbatim(_ value: JSONValue) -> FieldValue {
        switch value {
        case .null: return .null
        case .string(let s): return .string(s)
        case .bool(let b): return .string(b ? "true" : "false")
        case .number(let n): return .string(n)
        default: return .string(value.serialized)
        }
    }

    /// The `content` JSON of a column the catalog does not know: text that reads as a JSON boolean
    /// or integer is written as one (`adx_createRecordTargetType: 0` → `"createRecordTargetType": 0`,
    /// as the component JSON has it), other text as a string, typed values as `FieldValue.json`.
    /// A nested column (`nestedContentColumns`) whose text is a JSON object or array is written as that
    /// object (the inverse of `verbatim`, which reads it as its JSON text).
    static func contentJSON(unknown value: FieldValue, column: String? = nil) -> JSONValue {
        guard case .string(let s) = value else { return value.json }
        if let column, nestedContentColumns.contains(column), let json = try? JSONValue.parse(s) {
            switch json {
            case .object, .array: return json;
            default: break
            }
        }
        if s == "true" { return .bool(true) }
        if s == "false" { return .bool(false) }
        if let i = Int64(s), String(i) == s { return .number(s) }
        return .string(s)
    }

    /// Columns whose `content` value is a JSON object pac writes as a nested YAML mapping (v2 lists'
    /// `adx_settingsDetails`, research/pac-yaml-emission.md §5.5, emulator-facts.md §4.2 type 17); a
    /// snapshot holds them as the object's JSON text.
    public static let nestedContentColumns: Set<String> = ["adx_settingsDetails"]

    /// Columns of a web file component that describe its `filecontent` file rather than `content`:
    /// the file id (`filecontent`, which pac writes as the note's `annotationid`), its file name and
    /// MIME type (research/emulator-facts.md §4.2, type 3).
    public static let fileColumns: [String] = ["filecontent", "filecontent_name", "filecontent_mimetype"]

    /// The standard N:N relationship a `content` array key names, for a component of `table`: the key
    /// with or without the `adx_` prefix, in any letter case (`entitypermission_webrole`,
    /// `adx_entitypermission_webrole`, `adx_CloudFlowConsumer_adx_webrole`; research/emulator-facts.md §4.3).
    public func relationship(forContentKey key: String, table: String) -> ManyToManyRelationship? {
        let wanted = [key.lowercased(), "adx_" + key.lowercased()]
        return catalog.relationships.first {
            wanted.contains($0.name.lowercased()) && ($0.entity1 == table || $0.entity2 == table)
        }
    }
}

/// A snapshot, or one of its records, that cannot be mapped between the data models: a
/// `powerpagecomponent` that cannot become an adx record (`componentID`, `key`), or a snapshot without
/// the one website or site to map (`noWebsite`, `noSite`). The one error of the data-model mapping.
public struct EnhancedMappingError: Error, DiagnosticConvertible, Equatable, Sendable {
    /// The table of the record at fault (`powerpagecomponent`; `adx_website`/`powerpagesite` for a
    /// snapshot without its website).
    public var table = "powerpagecomponent"
    /// The record id (a component's), or empty when the problem is the snapshot's, not one record's.
    public var componentID: String
    /// The column or `content` key at fault; empty when none.
    public var key: String
    public var problem: String

    /// The standard snapshot has no `adx_website` (or several and no `websiteID`).
    public static func noWebsite(_ why: String) -> EnhancedMappingError {
        EnhancedMappingError(table: "adx_website", componentID: "", key: "", problem: "no website to map to a powerpagesite: \(why)")
    }

    /// The enhanced snapshot has no `powerpagesite` (or several and no `websiteID`).
    public static func noSite(_ why: String) -> EnhancedMappingError {
        EnhancedMappingError(table: "powerpagesite", componentID: "", key: "", problem: "no powerpagesite to map to an adx_website: \(why)")
    }

    public var description: String {
        componentID.isEmpty ? problem : "\(table) \(componentID), \(key): \(problem)"
    }

    /// One `enhanced-mapping` diagnostic naming the table, the record and the column (or `content` key).
    public var diagnostics: [Diagnostic] {
        [
            Diagnostic(
                check: .enhancedMapping, message: description, table: table, recordID: UUID(dataverse: componentID),
                column: key.isEmpty ? nil : key)
        ]
    }
}

import Foundation
import PortalModel

extension WebAPIHandler {
    /// `EntityDefinitions[(LogicalName='x')][/Attributes[/cast]|/ManyToOneRelationships|/OneToManyRelationships|/ManyToManyRelationships|/Keys]`
    /// and `RelationshipDefinitions[/cast]` (research/dataverse-webapi.md §7), built from the served
    /// environment's `tableDefinitions()`. Lists take `$select` and `$filter` (string and boolean
    /// properties); entity definitions take `$expand=Attributes($select=…)`. Metadata is not paged.
    /// - Throws: 404 `0x8006088a` for an unknown segment, 404 `0x80040217` for an unknown table key.
    func metadata(_ request: WebRequest, segments: [PathSegment]) async throws -> WebResponse {
        let catalog = try await tables.current()
        let all = catalog.tables.values.sorted { $0.logicalName < $1.logicalName }
        let first = segments[0]
        if first.name == "RelationshipDefinitions" {
            guard first.key == nil else { throw ODataError.resourceNotFound(first.name) }
            var objects = all.flatMap { manyToOne($0, catalog: catalog) }
            var seen = Set<String>()
            for t in all {
                for r in t.relationships where seen.insert(r.name).inserted { objects.append(manyToMany(r)) }
            }
            if segments.count > 1 { objects = try cast(objects, segments[1].name) }
            guard segments.count <= 2 else { throw ODataError.resourceNotFound(segments[2].name) }
            return try list(objects, request: request, context: "RelationshipDefinitions")
        }
        guard let key = first.key else {
            guard segments.count == 1 else { throw ODataError.resourceNotFound(segments[1].name) }
            let expand = try attributeExpansion(request)
            var objects = all.map { entity($0) }
            objects = try filtered(objects, request: request)
            objects = try selected(objects, request: request)
            if let expand {
                objects = zip(objects, try filteredTables(all, request: request)).map { obj, t in
                    obj + [("Attributes", .array(attributes(t).map { .object(project($0, expand)) }))]
                }
            }
            return .json(
                .object([("@odata.context", .string(baseURL + "$metadata#EntityDefinitions")), ("value", .array(objects.map { .object($0) }))]))
        }
        let table: TableDefinition?
        if let u = UUID(dataverse: key) {
            table = all.first { WebAPIHandler.metadataID($0.logicalName) == u }
        } else {
            guard case .alternate(let pairs) = try RecordKey.parse(key, primaryIDColumn: "MetadataId"), let name = pairs["LogicalName"],
                pairs.count == 1
            else {
                throw ODataError.badRequest("EntityDefinitions are addressed by MetadataId or LogicalName.")
            }
            table = catalog.table(name)
        }
        guard let table else {
            throw ODataError(
                status: 404, code: DataverseError.Code.objectDoesNotExist,
                message: "Could not find entity with key '\(key)'.")
        }
        if segments.count == 1 {
            var obj = try selected([entity(table)], request: request)[0]
            if let expand = try attributeExpansion(request) {
                obj.append(("Attributes", .array(attributes(table).map { .object(project($0, expand)) })))
            }
            return .json(.object([("@odata.context", .string(baseURL + "$metadata#EntityDefinitions/$entity"))] + obj))
        }
        var objects: [[(String, JSONValue)]]
        switch segments[1].name {
        case "Attributes":
            objects = attributes(table)
            if let k = segments[1].key {
                let name: String?
                if case .alternate(let p) = try RecordKey.parse(k, primaryIDColumn: "MetadataId") { name = p["LogicalName"] } else { name = nil }
                guard
                    let a = objects.first(where: { o in
                        o.contains {
                            ($0.0 == "MetadataId" && $0.1.stringValue == k.lowercased()) || ($0.0 == "LogicalName" && $0.1.stringValue == name)
                        }
                    })
                else {
                    throw ODataError(status: 404, code: DataverseError.Code.objectDoesNotExist, message: "Could not find attribute with key '\(k)'.")
                }
                return .json(
                    .object(
                        [("@odata.context", .string(baseURL + "$metadata#EntityDefinitions('\(table.logicalName)')/Attributes/$entity"))]
                            + (try selected([a], request: request)[0])))
            }
            if segments.count > 2 { objects = try cast(objects, segments[2].name) }
        case "ManyToOneRelationships": objects = manyToOne(table, catalog: catalog)
        case "OneToManyRelationships":
            objects = all.flatMap { manyToOne($0, catalog: catalog) }.filter {
                $0.contains { $0.0 == "ReferencedEntity" && $0.1.stringValue == table.logicalName }
            }
        case "ManyToManyRelationships": objects = table.relationships.map(manyToMany)
        case "Keys": objects = []
        default: throw ODataError.resourceNotFound(segments[1].name)
        }
        return try list(objects, request: request, context: "EntityDefinitions('\(table.logicalName)')/\(segments[1].name)")
    }

    private func list(_ objects: [[(String, JSONValue)]], request: WebRequest, context: String) throws -> WebResponse {
        let objs = try selected(try filtered(objects, request: request), request: request)
        return .json(.object([("@odata.context", .string(baseURL + "$metadata#" + context)), ("value", .array(objs.map { .object($0) }))]))
    }

    /// Keeps the objects of a type cast segment (`Microsoft.Dynamics.CRM.LookupAttributeMetadata`).
    private func cast(_ objects: [[(String, JSONValue)]], _ segment: String) throws -> [[(String, JSONValue)]] {
        guard segment.hasPrefix("Microsoft.Dynamics.CRM.") else { throw ODataError.resourceNotFound(segment) }
        return objects.filter { o in o.contains { $0.0 == "@odata.type" && $0.1.stringValue == "#" + segment } }
    }

    /// `$expand=Attributes` or `$expand=Attributes($select=a,b)`: `nil` when not asked, else the
    /// selected attribute properties (empty for all).
    private func attributeExpansion(_ request: WebRequest) throws -> [String]? {
        guard let e = request.queryValue("$expand") else { return nil }
        guard e.hasPrefix("Attributes") else { throw ODataError.badRequest("Only $expand=Attributes is supported on EntityDefinitions.") }
        guard let open = e.firstIndex(of: "("), let close = e.lastIndex(of: ")") else { return [] }
        for option in e[e.index(after: open)..<close].split(separator: ";") where option.hasPrefix("$select=") {
            return option.dropFirst(8).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        return []
    }

    private func project(_ o: [(String, JSONValue)], _ names: [String]) -> [(String, JSONValue)] {
        names.isEmpty ? o : o.filter { names.contains($0.0) || $0.0 == "MetadataId" || $0.0 == "@odata.type" }
    }

    private func selected(_ objects: [[(String, JSONValue)]], request: WebRequest) throws -> [[(String, JSONValue)]] {
        guard let s = request.queryValue("$select") else { return objects }
        let names = s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if let sample = objects.first {
            for n in names where !sample.contains(where: { $0.0 == n }) { throw ODataError.propertyNotFound(n, table: "EntityMetadata") }
        }
        return objects.map { project($0, names) }
    }

    private func filteredTables(_ tables: [TableDefinition], request: WebRequest) throws -> [TableDefinition] {
        guard request.queryValue("$filter") != nil else { return tables }
        let keep = Set(try filtered(tables.map { entity($0) }, request: request).compactMap { o in o.first { $0.0 == "LogicalName" }?.1.stringValue })
        return tables.filter { keep.contains($0.logicalName) }
    }

    /// Applies `$filter` to metadata objects through their string and boolean properties.
    private func filtered(_ objects: [[(String, JSONValue)]], request: WebRequest) throws -> [[(String, JSONValue)]] {
        guard let text = request.queryValue("$filter") else { return objects }
        var columns: [String: AttributeType] = [:]
        for o in objects {
            for (k, v) in o where !k.hasPrefix("@") {
                switch v {
                case .string: columns[k] = k == "MetadataId" ? .uniqueIdentifier : .string
                case .bool: columns[k] = .boolean
                default: break
                }
            }
        }
        let table = TableDefinition(
            logicalName: "metadata", displayName: "Metadata", entitySetName: "metadata",
            primaryIDColumn: "metadataid", primaryNameColumn: nil,
            columns: columns.sorted { $0.key < $1.key }.map { ColumnDefinition($0.key, $0.value) })
        let filter = try FilterParser.parse(text, table: table)
        return objects.filter { o in
            var r = EntityRecord("metadata", id: UUID())
            for (k, v) in o {
                switch v {
                case .string(let s):
                    r.columns[k] = columns[k] == .uniqueIdentifier ? (UUID(dataverse: s).map { .guid($0) } ?? .string(s)) : .string(s)
                case .bool(let b): r.columns[k] = .boolean(b)
                default: break
                }
            }
            return filter.matches(r)
        }
    }

    // MARK: Objects

    private func label(_ s: String) -> JSONValue {
        .object([("UserLocalizedLabel", .object([("Label", .string(s)), ("LanguageCode", .number("1033"))]))])
    }

    func entity(_ t: TableDefinition) -> [(String, JSONValue)] {
        [
            ("@odata.type", .string("#Microsoft.Dynamics.CRM.EntityMetadata")),
            ("MetadataId", .string(WebAPIHandler.metadataID(t.logicalName).dataverseString)),
            ("LogicalName", .string(t.logicalName)),
            ("SchemaName", .string(t.logicalName)),
            ("EntitySetName", .string(t.entitySetName)),
            ("LogicalCollectionName", .string(t.entitySetName)),
            ("PrimaryIdAttribute", .string(t.primaryIDColumn)),
            ("PrimaryNameAttribute", t.primaryNameColumn.map { .string($0) } ?? .null),
            ("DisplayName", label(t.displayName)),
            ("IsIntersect", .bool(false)),
            ("IsCustomEntity", .bool(t.dataModel == .standard)),
        ]
    }

    func attributes(_ t: TableDefinition) -> [[(String, JSONValue)]] {
        var cols = t.columns
        if t.column(t.primaryIDColumn) == nil { cols.insert(ColumnDefinition(t.primaryIDColumn, .uniqueIdentifier), at: 0) }
        return cols.map { c in
            var o: [(String, JSONValue)] = [
                ("@odata.type", .string("#Microsoft.Dynamics.CRM.\(WebAPIHandler.metadataTypeName(c.type))")),
                ("MetadataId", .string(WebAPIHandler.metadataID(t.logicalName + "." + c.logicalName).dataverseString)),
                ("LogicalName", .string(c.logicalName)),
                ("SchemaName", .string(c.logicalName)),
                ("EntityLogicalName", .string(t.logicalName)),
                ("AttributeType", .string(c.type.webAPIAttributeType)),
                ("AttributeTypeName", .object([("Value", .string(WebAPIHandler.attributeTypeName(c.type)))])),
                ("AttributeOf", .null),
                ("IsPrimaryId", .bool(c.logicalName == t.primaryIDColumn)),
                ("IsPrimaryName", .bool(c.logicalName == t.primaryNameColumn)),
                ("IsValidForRead", .bool(true)),
                ("IsValidForCreate", .bool(c.logicalName != "versionnumber")),
                ("IsValidForUpdate", .bool(c.logicalName != "versionnumber" && c.logicalName != t.primaryIDColumn)),
                ("DisplayName", label(c.displayName ?? c.logicalName)),
            ]
            if c.isLookup { o.append(("Targets", .array(c.targets.map { .string($0) }))) }
            return o
        }
    }

    /// One N:1 relationship per lookup column and target table.
    func manyToOne(_ t: TableDefinition, catalog: TableCatalog) -> [[(String, JSONValue)]] {
        t.lookups.flatMap { c in
            c.targets.map { target -> [(String, JSONValue)] in
                let schema = "\(target)_\(t.logicalName)_\(c.logicalName)"
                return [
                    ("@odata.type", .string("#Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata")),
                    ("MetadataId", .string(WebAPIHandler.metadataID(schema).dataverseString)),
                    ("SchemaName", .string(schema)),
                    ("RelationshipType", .string("OneToManyRelationship")),
                    ("ReferencedEntity", .string(target)),
                    ("ReferencedAttribute", .string(catalog.table(target)?.primaryIDColumn ?? target + "id")),
                    ("ReferencingEntity", .string(t.logicalName)),
                    ("ReferencingAttribute", .string(c.logicalName)),
                    (
                        "ReferencingEntityNavigationPropertyName",
                        (c.navigationProperty(forTarget: target) ?? c.navigationProperty).map { .string($0) } ?? .null
                    ),
                    ("ReferencedEntityNavigationPropertyName", .string(schema)),
                    ("IsHierarchical", .bool(target == t.logicalName)),
                ]
            }
        }
    }

    func manyToMany(_ r: ManyToManyRelationship) -> [(String, JSONValue)] {
        [
            ("@odata.type", .string("#Microsoft.Dynamics.CRM.ManyToManyRelationshipMetadata")),
            ("MetadataId", .string(WebAPIHandler.metadataID(r.name).dataverseString)),
            ("SchemaName", .string(r.name)),
            ("RelationshipType", .string("ManyToManyRelationship")),
            ("IntersectEntityName", .string(r.intersectEntity)),
            ("Entity1LogicalName", .string(r.entity1)),
            ("Entity2LogicalName", .string(r.entity2)),
            ("Entity1IntersectAttribute", .string(r.entity1IDColumn)),
            ("Entity2IntersectAttribute", .string(r.entity2IDColumn)),
            ("Entity1NavigationPropertyName", .string(r.entity1NavigationProperty ?? r.name)),
            ("Entity2NavigationPropertyName", .string(r.entity2NavigationProperty ?? r.name)),
        ]
    }

    /// `AttributeTypeName.Value` of a column type (research/dataverse-webapi.md §7.1).
    static func attributeTypeName(_ t: AttributeType) -> String {
        switch t {
        case .string: return "StringType"
        case .memo: return "MemoType"
        case .integer: return "IntegerType"
        case .bigInt: return "BigIntType"
        case .decimal: return "DecimalType"
        case .double: return "DoubleType"
        case .money: return "MoneyType"
        case .boolean: return "BooleanType"
        case .dateTime: return "DateTimeType"
        case .uniqueIdentifier: return "UniqueidentifierType"
        case .choice: return "PicklistType"
        case .multiChoice: return "MultiSelectPicklistType"
        case .lookup: return "LookupType"
        case .owner: return "OwnerType"
        case .state: return "StateType"
        case .status: return "StatusType"
        case .file: return "FileType"
        case .image: return "ImageType"
        case .entityName: return "EntityNameType"
        }
    }

    /// The metadata class of a column type (`LookupAttributeMetadata`), used in `@odata.type` and casts.
    static func metadataTypeName(_ t: AttributeType) -> String {
        switch t {
        case .string: return "StringAttributeMetadata"
        case .memo: return "MemoAttributeMetadata"
        case .integer: return "IntegerAttributeMetadata"
        case .bigInt: return "BigIntAttributeMetadata"
        case .decimal: return "DecimalAttributeMetadata"
        case .double: return "DoubleAttributeMetadata"
        case .money: return "MoneyAttributeMetadata"
        case .boolean: return "BooleanAttributeMetadata"
        case .dateTime: return "DateTimeAttributeMetadata"
        case .uniqueIdentifier: return "UniqueIdentifierAttributeMetadata"
        case .choice: return "PicklistAttributeMetadata"
        case .multiChoice: return "MultiSelectPicklistAttributeMetadata"
        case .lookup, .owner: return "LookupAttributeMetadata"
        case .state: return "StateAttributeMetadata"
        case .status: return "StatusAttributeMetadata"
        case .file: return "FileAttributeMetadata"
        case .image: return "ImageAttributeMetadata"
        case .entityName: return "EntityNameAttributeMetadata"
        }
    }

    /// A stable MetadataId derived from a name (two FNV-1a 64-bit hashes), so ids do not change between runs.
    static func metadataID(_ name: String) -> UUID {
        func fnv(_ seed: UInt64) -> UInt64 {
            var h = seed
            for b in name.utf8 { h ^= UInt64(b); h = h &* 0x100000001b3 }
            return h
        }
        let a = fnv(0xcbf29ce484222325), b = fnv(0x84222325cbf29ce4)
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 { bytes[i] = UInt8((a >> (8 * UInt64(i))) & 0xff); bytes[8 + i] = UInt8((b >> (8 * UInt64(i))) & 0xff) }
        bytes[6] = (bytes[6] & 0x0f) | 0x50
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }

    /// A small generated CSDL document for the served tables (research/dataverse-webapi.md §7.3).
    func csdl() async throws -> WebResponse {
        let catalog = try await tables.current()
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "<", with: "&lt;")
        }
        var x =
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\">\n<edmx:DataServices>\n<Schema Namespace=\"Microsoft.Dynamics.CRM\" Alias=\"mscrm\" xmlns=\"http://docs.oasis-open.org/odata/ns/edm\">\n"
        let sorted = catalog.tables.values.sorted { $0.logicalName < $1.logicalName }
        for t in sorted {
            x += "<EntityType Name=\"\(esc(t.logicalName))\"><Key><PropertyRef Name=\"\(esc(t.primaryIDColumn))\"/></Key>"
            x += "<Property Name=\"\(esc(t.primaryIDColumn))\" Type=\"Edm.Guid\"/>"
            for c in t.columns where c.logicalName != t.primaryIDColumn {
                x += "<Property Name=\"\(esc(RecordRepresentation.propertyName(c)))\" Type=\"\(WebAPIHandler.edmType(c.type))\"/>"
                if c.isLookup, let nav = c.navigationProperty, let target = c.targets.first {
                    x += "<NavigationProperty Name=\"\(esc(nav))\" Type=\"mscrm.\(esc(target))\"/>"
                }
            }
            x += "</EntityType>\n"
        }
        x += "<EntityContainer Name=\"System\">"
        for t in sorted { x += "<EntitySet Name=\"\(esc(t.entitySetName))\" EntityType=\"mscrm.\(esc(t.logicalName))\"/>" }
        x += "</EntityContainer>\n</Schema>\n</edmx:DataServices>\n</edmx:Edmx>\n"
        return WebResponse(status: 200, headers: [("Content-Type", "application/xml"), ("OData-Version", "4.0")], body: Data(x.utf8))
    }

    static func edmType(_ t: AttributeType) -> String {
        switch t {
        case .string, .memo, .entityName, .multiChoice: return "Edm.String"
        case .integer, .choice, .state, .status: return "Edm.Int32"
        case .bigInt: return "Edm.Int64"
        case .decimal, .money: return "Edm.Decimal"
        case .double: return "Edm.Double"
        case .boolean: return "Edm.Boolean"
        case .dateTime: return "Edm.DateTimeOffset"
        case .uniqueIdentifier, .lookup, .owner, .file, .image: return "Edm.Guid"
        }
    }
}

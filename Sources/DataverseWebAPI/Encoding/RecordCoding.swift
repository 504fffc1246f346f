import Foundation
import PortalModel

/// Converts `EntityRecord`s to Web API JSON bodies and Web API JSON back to typed records
/// (research/dataverse-webapi.md §2.3, §3.1, §3.2).
///
/// Writing: ordinary columns as `"column": value` (`FieldValue.json`); lookups and owners as
/// `"<navigation property>@odata.bind": "/<target entity set>(<guid>)"` with the navigation name from
/// `TableMetadata`; a null lookup as `"<navigation property>@odata.bind": null` (omitted on create);
/// the primary id column included on create so the record keeps its id; file and image columns
/// left out (they are uploaded separately).
///
/// Reading: `_x_value` properties become lookup `x` with the target from the
/// `@Microsoft.Dynamics.CRM.lookuplogicalname` annotation or the column's single target and the
/// name from the `FormattedValue` annotation; every other property is decoded by the column's type.
/// Properties the metadata does not know are decoded by their JSON kind (booleans, whole numbers as
/// integers, other numbers as decimals, strings as strings).
public struct RecordCoding: Sendable {
    public let table: TableMetadata
    /// Entity set name of a table's logical name (for `@odata.bind` references).
    public let entitySet: @Sendable (String) throws -> String

    public init(table: TableMetadata, entitySet: @escaping @Sendable (String) throws -> String) {
        self.table = table
        self.entitySet = entitySet
    }

    /// The JSON body for a create (`includeID: true`), update or upsert.
    /// - Throws: what `entitySet` throws for an unknown lookup target table.
    public func body(_ record: EntityRecord, includeID: Bool) throws -> JSONValue {
        var members: [(String, JSONValue)] = []
        if includeID { members.append((table.definition.primaryIDColumn, .string(record.id.dataverseString))) }
        for name in record.columns.keys.sorted() {
            guard let value = record.columns[name], name != table.definition.primaryIDColumn else { continue }
            let type = table.type(of: name)
            if type == .file || type == .image { continue }
            switch value {
            case .lookup(let r), .owner(let r):
                let nav = table.navigationProperty(column: name, target: r.logicalName)
                members.append(("\(nav)@odata.bind", .string("/\(try entitySet(r.logicalName))(\(r.id.dataverseString))")))
            case .null where type?.isReference == true:
                if includeID { continue }
                let target = table.column(name)?.targets.first ?? ""
                members.append(("\(table.navigationProperty(column: name, target: target))@odata.bind", .null))
            case .null where includeID:
                continue
            default:
                members.append((name, value.json))
            }
        }
        return .object(members)
    }

    /// Decodes one record object of a response.
    /// - Throws: `DataverseError` (code `pm:decode`) naming the table, record and column when the id is
    ///   missing or a value does not fit its column's type.
    public func decode(_ json: JSONValue) throws -> EntityRecord {
        guard let members = json.objectValue else {
            throw DataverseError(
                code: "pm:decode", message: "a record in the response is not a JSON object", logicalName: table.definition.logicalName)
        }
        let pk = table.definition.primaryIDColumn
        guard let idText = json[pk]?.stringValue, let id = UUID(dataverse: idText) else {
            throw DataverseError(code: "pm:decode", message: "a record in the response has no \(pk)", logicalName: table.definition.logicalName)
        }
        var record = EntityRecord(table.definition.logicalName, id: id)
        let annotations = Self.lookupAnnotations(members)
        for (key, value) in members {
            // Annotations (`x@odata.etag`, `_x_value@…`) are read with their property, not as columns.
            if key.utf8.contains(UInt8(ascii: "@")) || key == pk { continue }
            do {
                if let column = Self.lookupColumn(key) {
                    if value.isNull { record[column] = .null; continue }
                    guard let s = value.stringValue, let ref = UUID(dataverse: s) else {
                        throw FieldValueError(text: value.serialized, type: .lookup)
                    }
                    let annotated = annotations?.table[Substring(key)]?.stringValue
                    guard let target = annotated ?? table.column(column).flatMap({ $0.targets.count == 1 ? $0.targets[0] : nil }) else {
                        throw FieldValueError(text: s, type: .lookup, reason: "the lookup's target table is not known")
                    }
                    let name = annotations?.formatted[Substring(key)]?.stringValue
                    let r = EntityReference(target, ref, name: name)
                    record[column] = table.type(of: column) == .owner || column == "ownerid" ? .owner(r) : .lookup(r)
                    continue
                }
                if let type = table.type(of: key) {
                    if type.isReference { continue } // only read through _x_value
                    record[key] = try FieldValue(json: value, as: type)
                } else {
                    record[key] = Self.inferred(value)
                }
            } catch let e as FieldValueError {
                throw DataverseError(
                    code: "pm:decode", message: e.description, logicalName: table.definition.logicalName,
                    recordID: id, column: key)
            }
        }
        return record
    }

    /// The lookup column of a `_<column>_value` property (`nil` for any other name), compared as bytes.
    static func lookupColumn(_ key: String) -> String? {
        let u = key.utf8
        guard u.count > 7, u.first == UInt8(ascii: "_"), u.suffix(6).elementsEqual("_value".utf8) else { return nil }
        return String(decoding: u.dropFirst().dropLast(6), as: UTF8.self)
    }

    /// The lookup annotations of a record object, by the property they annotate (`_x_value`): the
    /// target table (`@Microsoft.Dynamics.CRM.lookuplogicalname`) and the primary name
    /// (`@OData.Community.Display.V1.FormattedValue`), the first of each when repeated; `nil` when the
    /// object has none. One pass over the members instead of a search by name per lookup.
    static func lookupAnnotations(_ members: [(String, JSONValue)]) -> (table: [Substring: JSONValue], formatted: [Substring: JSONValue])? {
        var table: [Substring: JSONValue] = [:]
        var formatted: [Substring: JSONValue] = [:]
        var any = false
        for (key, value) in members where key.utf8.first == UInt8(ascii: "_") {
            guard let at = key.utf8.firstIndex(of: UInt8(ascii: "@")) else { continue }
            let property = key[..<at]
            let annotation = key.utf8[key.utf8.index(after: at)...]
            if annotation.elementsEqual("Microsoft.Dynamics.CRM.lookuplogicalname".utf8) {
                if table[property] == nil { table[property] = value; any = true }
            } else if annotation.elementsEqual("OData.Community.Display.V1.FormattedValue".utf8) {
                if formatted[property] == nil { formatted[property] = value; any = true }
            }
        }
        return any ? (table, formatted) : nil
    }

    /// A value for a property the metadata does not describe, by its JSON kind.
    static func inferred(_ v: JSONValue) -> FieldValue {
        switch v {
        case .null: return .null
        case .bool(let b): return .boolean(b)
        case .number(let n):
            if let i = Int32(n) { return .integer(i) }
            if let i = Int64(n) { return .bigInt(i) }
            if let d = ExactDecimal(n) { return .decimal(d) }
            return .string(n)
        case .string(let s): return .string(s)
        default: return .string(v.serialized)
        }
    }
}

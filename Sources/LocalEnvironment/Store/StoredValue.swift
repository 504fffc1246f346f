import Foundation
import PortalModel

/// How a typed `FieldValue` is kept in the store's JSON column: a small array
/// `[kind, text, target?, name?]` where `kind` names the `FieldValue` case, `text` is the value's
/// invariant text (`FieldValue.text`, exact for decimals, dates and doubles) and, for lookups and
/// owners, `target` is the referenced table and `name` the optional primary name.
enum StoredValue {
    /// Encodes a record's columns as JSON text (keys sorted, so equal records give equal text).
    static func encode(_ columns: [String: FieldValue]) throws -> String {
        var object: [String: [String?]] = [:]
        for (name, value) in columns where !value.isNull {
            object[name] = encode(value)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(object)
        return String(decoding: data, as: UTF8.self)
    }

    /// Decodes JSON text made by `encode(_:)`.
    /// - Throws: `DataverseError` with code `pm:store` when the stored text is damaged.
    static func decode(_ text: String, logicalName: String, id: UUID) throws -> [String: FieldValue] {
        // JSONValue's byte parser rather than JSONDecoder: records are decoded for every read and
        // existence check, and Codable decoding was ~10% of the embedded server's time (performance).
        var object: [String: [String?]] = [:]
        do {
            guard case .object(let members) = try JSONValue.parse(Data(text.utf8)) else {
                throw DataverseError(code: "pm:store", message: "not a JSON object")
            }
            object.reserveCapacity(members.count)
            for (name, value) in members {
                guard case .array(let items) = value else {
                    throw DataverseError(code: "pm:store", message: "the value of \(name) is not an array")
                }
                var parts: [String?] = []
                parts.reserveCapacity(items.count)
                for item in items {
                    switch item {
                    case .string(let s): parts.append(s)
                    case .null: parts.append(nil)
                    default: throw DataverseError(code: "pm:store", message: "the value of \(name) holds \(item.serialized)")
                    }
                }
                object[name] = parts
            }
        } catch {
            throw DataverseError(
                code: "pm:store", message: "the stored record is damaged: \(error)",
                logicalName: logicalName, recordID: id)
        }
        var columns: [String: FieldValue] = [:]
        for (name, parts) in object {
            guard let value = decode(parts) else {
                throw DataverseError(
                    code: "pm:store", message: "the stored value \(parts) is damaged",
                    logicalName: logicalName, recordID: id, column: name)
            }
            columns[name] = value
        }
        return columns
    }

    static func encode(_ value: FieldValue) -> [String?] {
        switch value {
        case .null: return ["null"]
        case .string(let s): return ["string", s]
        case .integer: return ["integer", value.text]
        case .bigInt: return ["bigInt", value.text]
        case .decimal: return ["decimal", value.text]
        case .double(let d): return ["double", String(d)]
        case .money: return ["money", value.text]
        case .boolean(let b): return ["boolean", b ? "1" : "0"]
        case .dateTime(let d): return ["dateTime", String(d.ticks)]
        case .guid: return ["guid", value.text]
        case .choice: return ["choice", value.text]
        case .multiChoice(let vs): return ["multiChoice", vs.map(String.init).joined(separator: ",")]
        case .lookup(let r): return ["lookup", r.id.dataverseString, r.logicalName, r.name]
        case .owner(let r): return ["owner", r.id.dataverseString, r.logicalName, r.name]
        case .state: return ["state", value.text]
        case .status: return ["status", value.text]
        }
    }

    static func decode(_ parts: [String?]) -> FieldValue? {
        guard let kind = parts.first ?? nil else { return nil }
        if kind == "null" { return .null }
        guard parts.count >= 2, let text = parts[1] else { return nil }
        switch kind {
        case "string": return .string(text)
        case "integer": return Int32(text).map(FieldValue.integer)
        case "bigInt": return Int64(text).map(FieldValue.bigInt)
        case "decimal": return ExactDecimal(text).map(FieldValue.decimal)
        case "money": return ExactDecimal(text).map(FieldValue.money)
        case "double": return Double(text).map(FieldValue.double)
        case "boolean": return .boolean(text == "1")
        case "dateTime": return Int64(text).map { .dateTime(DateTimeValue(ticks: $0)) }
        case "guid": return UUID(dataverse: text).map(FieldValue.guid)
        case "choice": return Int(text).map(FieldValue.choice)
        case "state": return Int(text).map(FieldValue.state)
        case "status": return Int(text).map(FieldValue.status)
        case "multiChoice":
            if text.isEmpty { return .multiChoice([]) }
            var values: [Int] = []
            for part in text.split(separator: ",") {
                guard let v = Int(part) else { return nil }
                values.append(v)
            }
            return .multiChoice(values)
        case "lookup", "owner":
            guard parts.count >= 3, let target = parts[2], let id = UUID(dataverse: text) else { return nil }
            let name = parts.count >= 4 ? parts[3] : nil
            let ref = EntityReference(target, id, name: name)
            return kind == "lookup" ? .lookup(ref) : .owner(ref)
        default: return nil
        }
    }
}

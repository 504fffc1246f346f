import Foundation
import PortalModel

/// Converts between `data.xml` `value` attributes and typed `FieldValue`s by the schema field's type
/// (research/cmt-format.md §2.2, §2.3).
///
/// Reading is tolerant: booleans in any case, GUIDs with or without braces, dates in ISO form or the
/// en-US culture form of 2017–2019 exports (`12/19/2017 4:57:00 PM`, taken as UTC). Writing is CMT's
/// form: strings HTML-encoded, `True`/`False`, invariant numbers, ISO UTC dates with seven fraction
/// digits, multi-select as `[-1,v1,…,-1]`.
public enum CMTValueCodec {
    /// The typed value of one `<field>` of `data.xml`.
    /// - Parameters:
    ///   - raw: the `value` attribute after XML unescaping.
    ///   - field: the schema field (its `type` and `lookupType`).
    ///   - lookupEntity: the `lookupentity` attribute, when present.
    ///   - lookupName: the `lookupentityname` attribute, when present.
    /// - Returns: the value; `.null` for empty non-string text.
    /// - Throws: `CMTError.invalidValue` (message only; the caller adds file, entity, record and field)
    ///   when the text does not fit; `CMTError.unsupportedValue` for `partylist`.
    public static func parse(_ raw: String, field: CMTField, lookupEntity: String? = nil, lookupName: String? = nil) throws -> FieldValue {
        if field.isPartyList {
            throw CMTError(.unsupportedValue, "party list values (activity parties) are not supported", field: field.name)
        }
        guard let type = field.type else {
            throw CMTError(.invalidValue, "unknown field type '\(field.typeName)'", field: field.name)
        }
        func bad(_ why: String = "") -> CMTError {
            CMTError(.invalidValue, "'\(raw)' is not a valid \(field.typeName) value" + (why.isEmpty ? "" : " (\(why))"), field: field.name)
        }
        switch type {
        case .string, .memo, .entityName:
            return .string(XMLEscaping.htmlDecode(raw))
        case .dateTime:
            let t = raw.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { return .null }
            if let d = DateTimeValue(iso8601: t) ?? cultureDate(t) { return .dateTime(d) }
            throw bad()
        case .multiChoice:
            var t = raw.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { return .null }
            if t.hasPrefix("[") && t.hasSuffix("]") { t = String(t.dropFirst().dropLast()) }
            var values: [Int] = []
            for part in t.split(separator: ",") {
                guard let v = Int(part.trimmingCharacters(in: .whitespaces)) else { throw bad() }
                values.append(v)
            }
            // CMT brackets the sorted values with a -1 sentinel at both ends (research/cmt-format.md §2.2).
            if values.first == -1 { values.removeFirst() }
            if values.last == -1 { values.removeLast() }
            return .multiChoice(values)
        case .lookup, .owner:
            let t = raw.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { return .null }
            guard let id = UUID(dataverse: t) else { throw bad("not a GUID") }
            let target =
                (lookupEntity?.isEmpty == false ? lookupEntity : nil)
                ?? (field.lookupTypes.count == 1 ? field.lookupTypes[0] : nil)
            guard let table = target else {
                throw bad("no lookupentity and the field's lookupType names \(field.lookupTypes.count) tables")
            }
            // The table must be one the column can point to: a lookupentity naming another table would
            // link the record to the wrong row or to none (issue 17).
            let allowed =
                field.lookupTypes.filter { !$0.isEmpty }.isEmpty
                ? (type == .owner ? ["systemuser", "team"] : [])
                : field.lookupTypes.filter { !$0.isEmpty }
            if !allowed.isEmpty, !allowed.contains(table) {
                throw CMTError(
                    .invalidValue,
                    "lookupentity=\"\(table)\" is not a table this column points to (data_schema.xml gives "
                        + "lookupType=\"\(allowed.joined(separator: "|"))\"); correct the lookupentity or the schema",
                    field: field.name)
            }
            let name = (lookupName?.isEmpty ?? true) ? nil : lookupName
            let ref = EntityReference(table, id, name: name)
            return type == .owner ? .owner(ref) : .lookup(ref)
        default:
            do {
                return try FieldValue.parse(raw, as: type, lookupTarget: nil)
            } catch {
                throw bad()
            }
        }
    }

    /// The `value`, `lookupentity` and `lookupentityname` CMT writes for a value; `nil` for `.null` (CMT
    /// omits empty values, research/cmt-format.md §2.1) and for values the field type cannot hold.
    /// The `value` is not yet XML-escaped; strings are HTML-encoded here.
    public static func format(_ value: FieldValue, field: CMTField) -> (value: String, lookupEntity: String?, lookupName: String?)? {
        switch value {
        case .null: return nil
        case .string(let s): return (XMLEscaping.htmlEncode(s), nil, nil)
        case .lookup(let r), .owner(let r): return (r.id.dataverseString, r.logicalName, r.name)
        case .multiChoice(let vs):
            return ("[" + ([-1] + vs.sorted() + [-1]).map(String.init).joined(separator: ",") + "]", nil, nil)
        case .guid(let u): return (u.dataverseString, nil, nil)
        default:
            guard let text = value.text else { return nil }
            return (text, nil, nil)
        }
    }

    /// Parses the en-US culture date-time of older exports: `M/d/yyyy h:mm[:ss] AM|PM` or 24-hour
    /// `M/d/yyyy H:mm[:ss]`, and a date alone `M/d/yyyy`; the result is taken as UTC, since CMT wrote the
    /// SDK's UTC values with `DateTime.ToString()` [INF, research/cmt-format.md §2.1]. `nil` for other text.
    public static func cultureDate(_ text: String) -> DateTimeValue? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard (1...3).contains(parts.count) else { return nil }
        let date = parts[0].split(separator: "/", omittingEmptySubsequences: false)
        guard date.count == 3, let month = Int(date[0]), let day = Int(date[1]), let year = Int(date[2]),
            (1...12).contains(month), (1...31).contains(day), date[2].count == 4
        else { return nil }
        var hour = 0, minute = 0, second = 0
        if parts.count >= 2 {
            let time = parts[1].split(separator: ":", omittingEmptySubsequences: false)
            guard (2...3).contains(time.count), let h = Int(time[0]), let m = Int(time[1]) else { return nil }
            hour = h; minute = m
            if time.count == 3 { guard let s = Int(time[2]) else { return nil }; second = s }
            if parts.count == 3 {
                let ampm = parts[2].uppercased()
                guard (1...12).contains(hour) else { return nil }
                if ampm == "AM" { if hour == 12 { hour = 0 } } else if ampm == "PM" { if hour != 12 { hour += 12 } } else { return nil }
            }
            guard hour < 24, minute < 60, second < 60 else { return nil }
        }
        func pad(_ v: Int, _ n: Int) -> String { String(repeating: "0", count: max(0, n - String(v).count)) + String(v) }
        return DateTimeValue(iso8601: "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))Z")
    }
}

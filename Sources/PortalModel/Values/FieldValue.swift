import Foundation

/// A typed Dataverse column value, as the portal tables use them.
///
/// One case per Dataverse column type (research/dataverse-webapi.md §2.3, research/cmt-format.md §3).
/// String and memo share `.string`; choice, state and status are distinct so a format can write each
/// the way it must. `.null` is an explicit empty value: a column present with no value, which clears
/// the column in the target.
public enum FieldValue: Hashable, Sendable {
    case null
    /// Single or multiple lines of text.
    case string(String)
    /// Whole number, 32-bit.
    case integer(Int32)
    /// Big integer, 64-bit.
    case bigInt(Int64)
    /// Decimal number, exact.
    case decimal(ExactDecimal)
    /// Floating point number.
    case double(Double)
    /// Currency amount, exact.
    case money(ExactDecimal)
    /// Two options.
    case boolean(Bool)
    /// Date and time in UTC.
    case dateTime(DateTimeValue)
    /// Unique identifier that is not a lookup.
    case guid(UUID)
    /// Choice option value.
    case choice(Int)
    /// Multi-select choice option values, in the order given.
    case multiChoice([Int])
    /// Lookup (or customer) to a record of a named table.
    case lookup(EntityReference)
    /// Owner: a system user or team.
    case owner(EntityReference)
    /// `statecode`.
    case state(Int)
    /// `statuscode`.
    case status(Int)

    /// True for `.null`.
    public var isNull: Bool { if case .null = self { return true }; return false }

    /// The referenced record of a lookup or owner value.
    public var reference: EntityReference? {
        switch self {
        case .lookup(let r), .owner(let r): return r
        default: return nil
        }
    }

    /// The value's text in invariant culture, as CMT and pac write it (research/cmt-format.md §3):
    /// strings as is, numbers with `.` and no grouping, booleans `True`/`False`, dates
    /// `yyyy-MM-ddTHH:mm:ss.fffffffZ`, GUIDs lowercase, multi-select `1,2,3`, references by GUID.
    /// `.null` gives `nil`.
    public var text: String? {
        switch self {
        case .null: return nil
        case .string(let s): return s
        case .integer(let v): return String(v)
        case .bigInt(let v): return String(v)
        case .decimal(let d), .money(let d): return d.text
        case .double(let d): return FieldValue.invariantDouble(d)
        case .boolean(let b): return b ? "True" : "False"
        case .dateTime(let d): return d.iso8601Ticks
        case .guid(let u): return u.dataverseString
        case .choice(let v), .state(let v), .status(let v): return String(v)
        case .multiChoice(let vs): return vs.map(String.init).joined(separator: ",")
        case .lookup(let r), .owner(let r): return r.id.dataverseString
        }
    }

    /// Parses invariant-culture text into a value of `type`.
    ///
    /// - Parameters:
    ///   - text: the text; empty text is `.null` for every type except string and memo.
    ///   - type: the column's type from the catalog or metadata.
    ///   - lookupTarget: the target table of a lookup or owner column (required for those types).
    /// - Throws: `FieldValueError` naming the text and the type when it does not fit (a string where a
    ///   number is needed, an integer out of 32-bit range, a bad GUID or date, a lookup without target).
    public static func parse(_ text: String, as type: AttributeType, lookupTarget: String? = nil) throws -> FieldValue {
        if type == .string || type == .memo || type == .entityName { return .string(text) }
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.isEmpty { return .null }
        func bad() -> FieldValueError { FieldValueError(text: text, type: type) }
        switch type {
        case .string, .memo, .entityName: return .string(text)
        case .integer:
            guard let v = Int32(t) else { throw bad() }
            return .integer(v)
        case .bigInt:
            guard let v = Int64(t) else { throw bad() }
            return .bigInt(v)
        case .decimal:
            guard let d = ExactDecimal(t) else { throw bad() }
            return .decimal(d)
        case .money:
            guard let d = ExactDecimal(t) else { throw bad() }
            return .money(d)
        case .double:
            guard let d = Double(t), d.isFinite else { throw bad() }
            return .double(d)
        case .boolean:
            switch t.lowercased() {
            case "true", "1", "yes": return .boolean(true)
            case "false", "0", "no": return .boolean(false)
            default: throw bad()
            }
        case .dateTime:
            guard let d = DateTimeValue(iso8601: t) else { throw bad() }
            return .dateTime(d)
        case .uniqueIdentifier:
            guard let u = UUID(dataverse: t) else { throw bad() }
            return .guid(u)
        case .choice, .state, .status:
            guard let v = Int(t) else { throw bad() }
            return type == .choice ? .choice(v) : type == .state ? .state(v) : .status(v)
        case .multiChoice:
            var values: [Int] = []
            for part in t.split(separator: ",", omittingEmptySubsequences: false) {
                guard let v = Int(part.trimmingCharacters(in: .whitespaces)) else { throw bad() }
                values.append(v)
            }
            return .multiChoice(values)
        case .lookup, .owner:
            guard let u = UUID(dataverse: t) else { throw bad() }
            guard let target = lookupTarget else {
                throw FieldValueError(text: text, type: type, reason: "the lookup's target table is not known")
            }
            let r = EntityReference(target, u)
            return type == .owner ? .owner(r) : .lookup(r)
        case .file, .image:
            guard let u = UUID(dataverse: t) else { throw bad() }
            return .guid(u)
        }
    }

    /// The value as Web API JSON (research/dataverse-webapi.md §2.3): strings, numbers (decimals and
    /// money with their exact text), booleans, dates as UTC ISO 8601 with `Z`, GUIDs lowercase,
    /// multi-select as the comma-separated string the Web API uses, references as their GUID string
    /// (the `_x_value` form; writing a lookup uses `@odata.bind`, which is the client's job).
    public var json: JSONValue {
        switch self {
        case .null: return .null
        case .string(let s): return .string(s)
        case .integer(let v): return .number(String(v))
        case .bigInt(let v): return .number(String(v))
        case .decimal(let d), .money(let d): return .number(d.text)
        case .double(let d): return .number(FieldValue.invariantDouble(d))
        case .boolean(let b): return .bool(b)
        case .dateTime(let d): return .string(d.iso8601)
        case .guid(let u): return .string(u.dataverseString)
        case .choice(let v), .state(let v), .status(let v): return .number(String(v))
        case .multiChoice(let vs): return .string(vs.map(String.init).joined(separator: ","))
        case .lookup(let r), .owner(let r): return .string(r.id.dataverseString)
        }
    }

    /// Decodes Web API JSON into a value of `type`.
    /// - Parameters:
    ///   - json: the property's JSON value; `null` gives `.null`.
    ///   - lookupTarget: for lookups, the target table (from `@Microsoft.Dynamics.CRM.lookuplogicalname`
    ///     or the column's single target).
    /// - Throws: `FieldValueError` when the JSON kind does not fit the type.
    public init(json: JSONValue, as type: AttributeType, lookupTarget: String? = nil) throws {
        switch json {
        case .null: self = .null
        case .bool(let b):
            guard type == .boolean else { throw FieldValueError(text: json.serialized, type: type) }
            self = .boolean(b)
        case .number(let n):
            if type == .string || type == .memo { self = .string(n); return }
            self = try FieldValue.parse(n, as: type, lookupTarget: lookupTarget)
        case .string(let s):
            switch type {
            case .integer, .bigInt, .decimal, .double, .money, .boolean, .choice, .state, .status:
                throw FieldValueError(text: s, type: type, reason: "a JSON string where a \(type.rawValue) is expected")
            case .multiChoice where s.isEmpty:
                // An empty selection as the enhanced model's `content` holds it (pac v2 writes `''`; issue 16).
                self = .multiChoice([])
            default:
                self = try FieldValue.parse(s, as: type, lookupTarget: lookupTarget)
            }
        case .array, .object:
            throw FieldValueError(text: json.serialized, type: type)
        }
    }

    /// Round-trip text for a double: integral values without fraction (`5`), others Swift's shortest
    /// exact form with an upper-case exponent as .NET's invariant "R" format writes it.
    static func invariantDouble(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return String(d).replacingOccurrences(of: "e", with: "E")
    }
}

/// A text or JSON value that does not fit its column's type.
public struct FieldValueError: Error, CustomStringConvertible, Equatable, Sendable {
    public let text: String
    public let type: AttributeType
    public let reason: String?

    public init(text: String, type: AttributeType, reason: String? = nil) {
        self.text = text
        self.type = type
        self.reason = reason
    }

    public var description: String {
        "'\(text)' is not a valid \(type.rawValue) value" + (reason.map { ": \($0)" } ?? "")
    }
}

import Foundation

/// A condition on records, the subset of OData `$filter` (and of FetchXML conditions) the tool uses:
/// comparisons, null tests, string functions, `In`, and `and`/`or`/`not`
/// (research/dataverse-webapi.md §2.1, §12.1).
///
/// Column names are logical names. A lookup column is compared by the referenced GUID (`.guid` or
/// `.lookup` value); the Web API renders it as `_x_value`.
public indirect enum RecordFilter: Hashable, Sendable {
    public enum Comparison: String, Sendable, Hashable, CaseIterable {
        case eq, ne, gt, ge, lt, le
    }
    public enum StringFunction: String, Sendable, Hashable, CaseIterable {
        case contains, startswith, endswith
    }

    case compare(String, Comparison, FieldValue)
    case isNull(String)
    case isNotNull(String)
    case string(StringFunction, String, String)
    case `in`(String, [FieldValue])
    case and([RecordFilter])
    case or([RecordFilter])
    case not(RecordFilter)

    /// `column eq value`.
    public static func equal(_ column: String, _ value: FieldValue) -> RecordFilter { .compare(column, .eq, value) }

    /// Every column name the filter mentions, for validation against a table's columns.
    public var columns: Set<String> {
        switch self {
        case .compare(let c, _, _), .isNull(let c), .isNotNull(let c), .string(_, let c, _), .in(let c, _): return [c]
        case .and(let fs), .or(let fs): return fs.reduce(into: Set()) { $0.formUnion($1.columns) }
        case .not(let f): return f.columns
        }
    }

    /// Evaluates the filter on a record in memory. Comparisons follow Dataverse: a null column equals
    /// only null, string comparisons ignore case (the default collation), lookups compare by id.
    public func matches(_ record: EntityRecord, primaryIDColumn: String? = nil) -> Bool {
        func value(_ c: String) -> FieldValue {
            if let p = primaryIDColumn, c == p { return .guid(record.id) }
            return record.columns[c] ?? .null
        }
        switch self {
        case .isNull(let c): return value(c).isNull
        case .isNotNull(let c): return !value(c).isNull
        case .compare(let c, let op, let v):
            let lhs = value(c)
            if lhs.isNull || v.isNull {
                switch op {
                case .eq: return lhs.isNull && v.isNull
                case .ne: return lhs.isNull != v.isNull
                default: return false
                }
            }
            guard let order = RecordFilter.compare(lhs, v) else { return op == .ne }
            switch op {
            case .eq: return order == 0
            case .ne: return order != 0
            case .gt: return order > 0
            case .ge: return order >= 0
            case .lt: return order < 0
            case .le: return order <= 0
            }
        case .string(let fn, let c, let needle):
            guard let hay = value(c).text?.lowercased() else { return false }
            let n = needle.lowercased()
            switch fn {
            case .contains: return hay.contains(n)
            case .startswith: return hay.hasPrefix(n)
            case .endswith: return hay.hasSuffix(n)
            }
        case .in(let c, let vs):
            let lhs = value(c)
            return vs.contains { RecordFilter.compare(lhs, $0) == 0 }
        case .and(let fs): return fs.allSatisfy { $0.matches(record, primaryIDColumn: primaryIDColumn) }
        case .or(let fs): return fs.contains { $0.matches(record, primaryIDColumn: primaryIDColumn) }
        case .not(let f): return !f.matches(record, primaryIDColumn: primaryIDColumn)
        }
    }

    /// Orders two non-null values of compatible kinds: -1, 0, 1; `nil` when they cannot be compared.
    public static func compare(_ a: FieldValue, _ b: FieldValue) -> Int? {
        func cmp<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x == y ? 0 : 1) }
        func number(_ v: FieldValue) -> Decimal? {
            switch v {
            case .integer(let i): return Decimal(Int(i))
            case .bigInt(let i): return Decimal(i)
            case .decimal(let d), .money(let d): return d.value
            case .double(let d): return Decimal(d)
            case .choice(let i), .state(let i), .status(let i): return Decimal(i)
            default: return nil
            }
        }
        func guid(_ v: FieldValue) -> UUID? {
            switch v {
            case .guid(let u): return u
            case .lookup(let r), .owner(let r): return r.id
            case .string(let s): return UUID(dataverse: s)
            default: return nil
            }
        }
        if let x = number(a), let y = number(b) { return cmp(x, y) }
        if let x = guid(a), let y = guid(b) { return cmp(x.dataverseString, y.dataverseString) }
        switch (a, b) {
        case let (.string(x), .string(y)):
            return cmp(x.lowercased(), y.lowercased())
        case let (.boolean(x), .boolean(y)): return cmp(x ? 1 : 0, y ? 1 : 0)
        case let (.dateTime(x), .dateTime(y)): return cmp(x, y)
        case let (.dateTime(x), .string(y)):
            guard let d = DateTimeValue(iso8601: y) else { return nil }
            return cmp(x, d)
        case let (.multiChoice(x), .multiChoice(y)): return x == y ? 0 : nil
        default: return nil
        }
    }
}

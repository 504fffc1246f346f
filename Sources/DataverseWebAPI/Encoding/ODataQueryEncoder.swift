import Foundation
import PortalModel

/// Builds Web API query strings from `RecordQuery`/`RecordFilter` (research/dataverse-webapi.md §2.1).
///
/// - Lookup and owner columns are addressed as `_<column>_value` and compared with unquoted GUIDs,
///   as powerplatform-vscode sends them.
/// - Strings are quoted with `'`, an inner `'` doubled (`'O''Bryan'`).
/// - Dates are unquoted ISO 8601 UTC literals; booleans `true`/`false`; null `null`.
/// - `In` becomes `Microsoft.Dynamics.CRM.In(PropertyName='col',PropertyValues=["a","b"])` (values in
///   double quotes, so values holding `'` need no escaping).
/// - Query option values are percent-encoded (`+` → `%2B`, `&` → `%26`, space → `%20`).
public struct ODataQueryEncoder: Sendable {
    /// The table's metadata: decides which columns are lookups and the primary id column.
    public let table: TableMetadata

    public init(table: TableMetadata) { self.table = table }

    /// The property name a column has in queries: `_x_value` for lookups and owners.
    public func property(_ column: String) -> String {
        if let t = table.type(of: column), t.isReference { return "_\(column)_value" }
        return column
    }

    /// The `$filter` expression (not yet percent-encoded).
    public func filter(_ f: RecordFilter) -> String {
        switch f {
        case .compare(let c, let op, let v): return "\(property(c)) \(op.rawValue) \(literal(v, column: c))"
        case .isNull(let c): return "\(property(c)) eq null"
        case .isNotNull(let c): return "\(property(c)) ne null"
        case .string(let fn, let c, let needle): return "\(fn.rawValue)(\(property(c)),\(Self.quote(needle)))"
        case .in(let c, let vs):
            let values = vs.map { v -> String in Self.doubleQuoted(v.text ?? "") }
            return "Microsoft.Dynamics.CRM.In(PropertyName=\(Self.quote(property(c))),PropertyValues=[\(values.joined(separator: ","))])"
        case .and(let fs): return fs.isEmpty ? "true" : fs.map { "(\(filter($0)))" }.joined(separator: " and ")
        case .or(let fs): return fs.isEmpty ? "false" : fs.map { "(\(filter($0)))" }.joined(separator: " or ")
        case .not(let f): return "not (\(filter(f)))"
        }
    }

    /// An OData literal for a value compared with `column`.
    public func literal(_ v: FieldValue, column: String) -> String {
        switch v {
        case .null: return "null"
        case .string(let s):
            if column == table.definition.primaryIDColumn || (table.type(of: column).map { $0.isReference || $0 == .uniqueIdentifier } ?? false),
                let u = UUID(dataverse: s)
            {
                return u.dataverseString
            }
            return Self.quote(s)
        case .boolean(let b): return b ? "true" : "false"
        case .dateTime(let d): return d.iso8601
        case .guid(let u): return u.dataverseString
        case .lookup(let r), .owner(let r): return r.id.dataverseString
        case .multiChoice(let vs): return Self.quote(vs.map(String.init).joined(separator: ","))
        default: return v.text ?? "null"
        }
    }

    /// The query string (without `?`) for a first page: `$select`, `$filter`, `$orderby`, `$top`.
    /// `$top` is sent only when `top` fits in one page, since Dataverse ignores it together with
    /// `odata.maxpagesize` (research/dataverse-webapi.md §2.1); `useTop` tells the caller whether it did.
    public func queryString(_ q: RecordQuery, pageSize: Int) -> (query: String, useTop: Bool) {
        var parts: [String] = []
        if let cols = q.columns {
            var names = cols.map(property)
            if !names.contains(table.definition.primaryIDColumn) { names.insert(table.definition.primaryIDColumn, at: 0) }
            parts.append("$select=" + Self.encode(names.joined(separator: ",")))
        }
        if let f = q.filter { parts.append("$filter=" + Self.encode(filter(f))) }
        if !q.orderBy.isEmpty {
            var keys = q.orderBy.map { "\(property($0.column)) \($0.descending ? "desc" : "asc")" }
            if !q.orderBy.contains(where: { $0.column == table.definition.primaryIDColumn }) {
                keys.append("\(table.definition.primaryIDColumn) asc")
            }
            parts.append("$orderby=" + Self.encode(keys.joined(separator: ",")))
        }
        var useTop = false
        if let top = q.top, top <= pageSize {
            parts.append("$top=\(top)")
            useTop = true
        }
        return (parts.joined(separator: "&"), useTop)
    }

    /// `'text'` with inner quotes doubled.
    ///
    /// Without Foundation's `replacingOccurrences` (NSString bridging: with `doubleQuoted`, 1.4 % of an
    /// upload's CPU, every `In` filter of a read quoting up to hundreds of ids; issue 20).
    public static func quote(_ s: String) -> String {
        guard s.utf8.contains(UInt8(ascii: "'")) else { return "'" + s + "'" }
        var out = "'"
        for c in s.unicodeScalars {
            if c == "'" { out += "''" } else { out.unicodeScalars.append(c) }
        }
        return out + "'"
    }

    /// `"text"` with `\` and `"` escaped by a backslash (a value of `Microsoft.Dynamics.CRM.In`'s
    /// `PropertyValues` list).
    static func doubleQuoted(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") }) else { return "\"" + s + "\"" }
        var out = "\""
        for c in s.unicodeScalars {
            if c == "\\" || c == "\"" { out += "\\" }
            out.unicodeScalars.append(c)
        }
        return out + "\""
    }

    /// Percent-encodes a query option value (`PercentEncoding.queryValue`, shared with the server).
    public static func encode(_ s: String) -> String {
        PercentEncoding.queryValue.encode(s)
    }

    /// Percent-encodes a path segment value (`x-ms-file-name` in a query, alternate key values):
    /// `PercentEncoding.pathComponent`.
    public static func encodeComponent(_ s: String) -> String {
        PercentEncoding.pathComponent.encode(s)
    }
}

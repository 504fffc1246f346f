import Foundation
import PortalModel

/// Writes records as Web API JSON (research/dataverse-webapi.md §2.3, §12.1 item 4):
/// `@odata.etag` (`W/"<versionnumber>"`) first when the record carries `versionnumber`, then the
/// columns in the table's order (or `$select` order), lookups as `_x_value` preceded by their
/// annotations when asked (`OData.Community.Display.V1.FormattedValue` when the reference carries a
/// name, `Microsoft.Dynamics.CRM.associatednavigationproperty`, `Microsoft.Dynamics.CRM.lookuplogicalname`),
/// and the primary id last. Columns a record lacks are written as `null`.
public struct RecordRepresentation: Sendable {
    public static let formattedValue = "OData.Community.Display.V1.FormattedValue"
    public static let lookupLogicalName = "Microsoft.Dynamics.CRM.lookuplogicalname"
    public static let associatedNavigationProperty = "Microsoft.Dynamics.CRM.associatednavigationproperty"

    public let table: TableDefinition
    public let columns: [ColumnDefinition]
    public let preferences: Preferences

    /// - Parameters:
    ///   - select: the `$select` columns, `nil` for every column of the table.
    public init(table: TableDefinition, select: [ColumnDefinition]?, preferences: Preferences) {
        self.table = table
        self.columns = (select ?? table.columns).filter { $0.logicalName != table.primaryIDColumn }
        self.preferences = preferences
    }

    /// The property name a column is read under: `_x_value` for lookups, else the logical name.
    public static func propertyName(_ c: ColumnDefinition) -> String {
        c.isLookup ? "_\(c.logicalName)_value" : c.logicalName
    }

    /// The ETag of a record: `W/"<versionnumber>"`, `nil` when it has none.
    public static func etag(_ record: EntityRecord) -> String? {
        switch record.columns["versionnumber"] {
        case .bigInt(let v)?: return "W/\"\(v)\""
        case .integer(let v)?: return "W/\"\(v)\""
        default: return nil
        }
    }

    /// One record as a JSON object's members.
    public func members(_ record: EntityRecord) -> [(String, JSONValue)] {
        var out: [(String, JSONValue)] = []
        if let e = RecordRepresentation.etag(record) { out.append(("@odata.etag", .string(e))) }
        let formatted = preferences.includes(Self.formattedValue)
        let logical = preferences.includes(Self.lookupLogicalName)
        let nav = preferences.includes(Self.associatedNavigationProperty)
        for c in columns {
            let value = record.columns[c.logicalName] ?? .null
            let name = Self.propertyName(c)
            if c.isLookup {
                if let ref = value.reference {
                    if formatted, let n = ref.name { out.append(("\(name)@\(Self.formattedValue)", .string(n))) }
                    if nav, let np = c.navigationProperty(forTarget: ref.logicalName) ?? c.navigationProperty {
                        out.append(("\(name)@\(Self.associatedNavigationProperty)", .string(np)))
                    }
                    if logical { out.append(("\(name)@\(Self.lookupLogicalName)", .string(ref.logicalName))) }
                }
                out.append((name, value.json))
            } else {
                if formatted, !value.isNull, let f = Self.formatted(value, type: c.type) {
                    out.append(("\(name)@\(Self.formattedValue)", .string(f)))
                }
                out.append((name, value.json))
            }
        }
        out.append((table.primaryIDColumn, .string(record.id.dataverseString)))
        return out
    }

    /// A formatted value for the types whose label is their own text (numbers, dates, yes/no); choice
    /// labels are not known to the server and are left out.
    static func formatted(_ v: FieldValue, type: AttributeType) -> String? {
        switch v {
        case .boolean(let b): return b ? "Yes" : "No"
        case .integer, .bigInt, .decimal, .double, .money: return v.text
        case .dateTime(let d): return d.iso8601
        default: return nil
        }
    }
}

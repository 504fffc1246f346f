import Foundation
import PortalModel

/// Converts between YAML text in pac files and typed `FieldValue`s, by the column's type in the
/// catalog (DESIGN.md "Values by column type"; research/pac-portal-format.md §2).
///
/// Reading keeps text: a column the catalog does not know (or a catalog still empty) becomes
/// `.string(text)`, which writes back to the same bytes. Writing uses pac's text for typed values
/// (research/pac-yaml-emission.md §5.1): `true`/`false`, plain integers, lower-case GUIDs, dates with
/// seven fraction digits and `Z`, multi-select choices as a list of integers sorted ascending.
struct PacValueCoding: Sendable {
    let catalog: TableCatalog

    /// The catalog column of a table, if known.
    func column(_ table: String, _ column: String) -> ColumnDefinition? {
        catalog.table(table)?.column(column)
    }

    /// Decodes a scalar or null value of `table.column`.
    /// - Parameter siblingTable: the record's `objecttypecode` text, used as the target of a
    ///   polymorphic lookup such as `annotation.objectid`.
    /// - Throws: `FieldValueError` when the text does not fit the column's type.
    func decode(_ value: YAMLValue, table: String, column name: String, siblingTable: String?) throws -> FieldValue {
        guard case .scalar(let text) = value else { return .null }
        guard let col = column(table, name) else { return .string(text) }
        switch col.type {
        case .multiChoice where text.isEmpty:
            return .multiChoice([]) // `''`: an empty selection as pac v2 writes it (issue 16), not a missing key
        case .string, .memo, .entityName:
            return .string(text)
        case .lookup, .owner:
            let target: String?
            if col.targets.count == 1 {
                target = col.targets[0]
            } else if let s = siblingTable, col.targets.isEmpty || col.targets.contains(s) {
                target = s
            } else {
                target = nil
            }
            guard let t = target else {
                guard UUID(dataverse: text) != nil else { throw FieldValueError(text: text, type: col.type) }
                return .string(text)
            }
            return try FieldValue.parse(text, as: col.type, lookupTarget: t)
        default:
            return try FieldValue.parse(text, as: col.type)
        }
    }

    /// True when a list value under this key is a multi-select choice column (by the catalog, or for
    /// an unknown column when every item is an integer).
    func isMultiChoice(table: String, column name: String, items: [YAMLValue]) -> Bool {
        if let col = column(table, name) { return col.type == .multiChoice }
        return !items.isEmpty && items.allSatisfy { $0.text.flatMap { Int($0) } != nil }
    }

    /// The YAML for a value as pac writes it.
    func encode(_ value: FieldValue) -> YAMLValue {
        switch value {
        case .null: return .null
        case .string(let s): return .scalar(s)
        case .boolean(let b): return .scalar(b ? "true" : "false")
        case .multiChoice(let vs): return .sequence(vs.sorted().map { .scalar(String($0)) })
        case .dateTime(let d): return .scalar(d.iso8601Ticks)
        default: return .scalar(value.text ?? "")
        }
    }

    /// The GUID text a lookup-like value refers to, typed or kept as text.
    static func guidText(_ value: FieldValue?) -> String? {
        switch value {
        case .lookup(let r)?, .owner(let r)?: return r.id.dataverseString
        case .guid(let u)?: return u.dataverseString
        case .string(let s)?: return UUID(dataverse: s)?.dataverseString
        default: return nil
        }
    }
}

import Foundation

/// Which columns a source format carries for a table: what a record read from that format can say
/// about a column, so a comparison can tell "the source holds this column empty" from "the source's
/// format never speaks about this column".
///
/// - `environment`: a record read from a Dataverse environment (Web API or embedded) speaks about
///   every column; a column it does not return is empty.
/// - `pacFolder`: a pac site folder (either data model) leaves out the keys of empty columns and
///   writes every data column of the table that has a value (research/pac-portal-format.md §2
///   "Nulls", "Columns not written", "Columns that are written"): a column of the table's catalog
///   definition whose key is absent is empty, except `statecode`/`statuscode`, which pac leaves out on
///   active records (absent means 0 / 1). Columns the catalog does not know for the table are carried
///   only where the file holds their key. Owner and audit columns are never written (system columns,
///   compared by nobody).
/// - `schema`: a Configuration Migration Tool package carries the fields its `data_schema.xml` names
///   for each entity, by logical name (research/cmt-format.md); a named field absent from a record's
///   `<field>` list is empty; fields not named are not carried; tables not named carry nothing.
public enum CarriedColumns: Sendable, Hashable {
    case environment
    case pacFolder
    case schema([String: Set<String>])

    /// The columns of `table` the format carries, by logical name; `nil` means every column (the
    /// record's own columns and any other the other side holds).
    public func columns(of table: String, catalog: TableCatalog) -> Set<String>? {
        switch self {
        case .environment: return nil
        case .pacFolder:
            guard let def = catalog.table(table) else { return [] }
            return Set(def.columns.map(\.logicalName)).subtracting([def.primaryIDColumn])
        case .schema(let fields): return fields[table] ?? []
        }
    }

    /// The value an absent carried column stands for: `.state(0)` / `.status(1)` for `statecode` /
    /// `statuscode` (pac leaves them out on active records; Dataverse never stores a table's state as
    /// empty, so a record built without them is active), `.null` for every other column.
    public func absentValue(of column: String) -> FieldValue {
        switch column {
        case "statecode": return .state(0)
        case "statuscode": return .status(1)
        default: return .null
        }
    }

    /// How the format is named in output: `a Dataverse environment`, `a pac folder`, `the CMT schema`.
    public var label: String {
        switch self {
        case .environment: return "a Dataverse environment"
        case .pacFolder: return "a pac folder"
        case .schema: return "the package's CMT schema"
        }
    }
}

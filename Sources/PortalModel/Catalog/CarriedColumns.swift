import Foundation

/// Which columns a source format carries for a table: what a record read from that format can say
/// about a column, so a comparison can tell "the source holds this column empty" from "the source's
/// format never speaks about this column".
///
/// - `environment`: a record read from a Dataverse environment speaks about every column of its table;
///   a column it does not return is empty.
/// - `declared(columns, format)`: the format writes these columns, by table logical name, and leaves
///   out the keys of empty ones; a listed column absent from a record is empty, a column not listed is
///   not carried (the other side's value is not compared), a table not listed carries nothing. The
///   lists are the ones the planner uses (`PlanHints.carriedColumns`): a pac folder's are
///   `PacFolderFormat.carriedColumns` (research/pac-portal-format.md §2 "Nulls"), a CMT package's the
///   fields its `data_schema.xml` names (research/cmt-format.md). `format` names it in output
///   (`a pac folder`, `the package's CMT schema`).
public enum CarriedColumns: Sendable, Hashable {
    case environment
    case declared([String: Set<String>], format: String)

    /// The columns of `table` the format carries, by logical name; `nil` means every column (the
    /// record's own columns and any other the other side holds).
    public func columns(of table: String) -> Set<String>? {
        switch self {
        case .environment: return nil
        case .declared(let columns, _): return columns[table] ?? []
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

    /// How the format is named in output: `a Dataverse environment`, or the declared format's name.
    public var label: String {
        switch self {
        case .environment: return "a Dataverse environment"
        case .declared(_, let format): return format
        }
    }
}

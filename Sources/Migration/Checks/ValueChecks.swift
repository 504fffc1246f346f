import Foundation
import PortalModel

/// Checks of the source's values against what Dataverse accepts, before the first write (issue 17:
/// a 10 MB `adx_name` or `statecode: 7` used to be refused by Dataverse halfway through a run).
///
/// - `value-too-long`: a primary name over `ColumnLimits.singleLineTextMaxLength` characters (a
///   `powerpagecomponent` name over `componentNameMaxLength`), any text over `multilineTextMaxLength`.
/// - `option-out-of-range`: a portal table's `statecode` outside `ColumnLimits.portalStateCodes`.
/// - `empty-id`: a record whose id is the all-zero GUID (no record has it; Dataverse would give the
///   record a new id and every lookup to it would break).
/// One error per record and column, naming both.
public enum ValueChecks {
    static let zero = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    /// The diagnostics for the source (tables in `definitions` use their primary name column; others
    /// the catalog's).
    public static func run(source: PortalSnapshot, definitions: [String: TableDefinition],
                           catalog: TableCatalog = .standard) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for table in source.tableNames {
            let def = definitions[table] ?? catalog.table(table)
            let nameColumn = def?.primaryNameColumn
            for r in source.records[table] ?? [] {
                let name = nameColumn.flatMap { r.columns[$0]?.text }.map { String($0.prefix(80)) }
                if r.id == zero {
                    out.append(Diagnostic(check: "empty-id", message: "the record's id is the all-zero GUID, which no record has; give it its real id",
                                          table: table, recordID: r.id, recordName: name))
                }
                for (column, value) in r.columns.sorted(by: { $0.key < $1.key }) {
                    switch value {
                    case .string(let s):
                        let length = s.utf16.count
                        let limit = column == nameColumn
                            ? (table == "powerpagecomponent" ? ColumnLimits.componentNameMaxLength : ColumnLimits.singleLineTextMaxLength)
                            : ColumnLimits.multilineTextMaxLength
                        if length > limit {
                            out.append(Diagnostic(check: "value-too-long",
                                message: "\(length) characters; Dataverse accepts at most \(limit) in \(column == nameColumn ? "the primary name column" : "a text column")",
                                table: table, recordID: r.id, recordName: name, column: column))
                        }
                    case .state(let v) where column == "statecode" && ColumnLimits.isPortalTable(table):
                        if !ColumnLimits.portalStateCodes.contains(v) {
                            out.append(Diagnostic(check: "option-out-of-range",
                                message: "statecode \(v) is not a state of \(table) (0 Active, 1 Inactive)",
                                table: table, recordID: r.id, recordName: name, column: column))
                        }
                    default:
                        continue
                    }
                }
            }
        }
        return out
    }
}

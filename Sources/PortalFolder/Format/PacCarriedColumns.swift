import Foundation
import PortalModel

extension PacFolderFormat {
    /// The columns a pac folder carries for each table it holds, by table logical name: what a record
    /// read from a folder can say about a column, so a key left out of a record's YAML is known to
    /// stand for an empty column (pac omits the key of a null column, research/pac-portal-format.md §2
    /// "Nulls"; issue 16, R02).
    ///
    /// - a table of pac's layout (`tables`): every column of its catalog definition (the columns pac
    ///   writes when set, `CatalogData+Pac.swift` and the schema files) except the primary id and
    ///   `unwrittenColumns` (owner and audit columns, the implied `adx_websiteid`, a note's body);
    ///   side-file columns (`adx_copy`, `adx_source`, …) are carried: an absent side file is an empty column;
    /// - `annotation`: the note columns merged into a `.webfile.yml` (`annotationColumns`) but the id;
    /// - any other table: nothing (pac does not write it).
    ///
    /// System columns pac writes when set (`downloadedSystemColumns`) are included where the catalog
    /// lists them; the planner never compares them.
    public static func carriedColumns(catalog: TableCatalog = .standard) -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        for t in tables {
            guard let def = catalog.table(t.table) else { continue }
            out[t.table] = Set(def.columns.map(\.logicalName)).subtracting(unwrittenColumns).subtracting([def.primaryIDColumn, t.idColumn])
        }
        out["annotation"] = annotationColumns.subtracting(["annotationid"])
        return out
    }

    /// What an absent carried column stands for when not null: pac leaves out `statecode: 0` and
    /// `statuscode: 1` of active records (research/pac-portal-format.md §2 "Columns that are written").
    public static let absentColumnValues: [String: FieldValue] = ["statecode": .state(0), "statuscode": .status(1)]
}

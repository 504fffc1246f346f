import Foundation

/// Limits Dataverse puts on column values, checked before the first write so a run never stops
/// halfway on a value Dataverse refuses (issue 17 "Checks before any write").
///
/// The catalog's column types come from CMT schema files, whose `string` type covers both single line
/// and multiple lines of text, so lengths are checked by what is certain:
/// - a table's primary name column is always single line of text: at most `singleLineTextMaxLength`
///   characters (Microsoft Learn, "Types of columns": single line of text, maximum length 4,000;
///   research/dataverse-webapi.md §11 gives `name (≤400)` for `powerpagecomponent`, narrower, but only
///   for that table) — **[V-doc]** for the 4,000 platform maximum;
/// - any text column: at most `multilineTextMaxLength` characters (the multiple-lines-of-text maximum,
///   1,048,576; research/dataverse-webapi.md §11 and code-sites-and-admin-api.md for `content`) **[V-doc]**;
/// - `statecode` of a portal table (`adx_*`, `powerpage*`, `mspp_*`): `portalStateCodes`, Active (0) and
///   Inactive (1). Custom tables are created with exactly these two states and portal tables add none
///   **[A: assumption from the solution's tables; no portal table with a third state has been seen]**.
///   Status reasons (`statuscode`) can be added by customizers, so they are not checked.
/// Lengths count UTF-16 code units, as .NET strings (and so Dataverse) do **[I]**.
public enum ColumnLimits {
    /// The maximum length of a single line of text column (and so of every primary name column).
    public static let singleLineTextMaxLength = 4_000
    /// The maximum length of a multiple lines of text column: the most any text column holds.
    public static let multilineTextMaxLength = 1_048_576
    /// The `powerpagecomponent.name` maximum (research/dataverse-webapi.md §11).
    public static let componentNameMaxLength = 400
    /// The states of a portal table's `statecode`.
    public static let portalStateCodes: Set<Int> = [0, 1]

    /// True for tables of the portal solutions (`adx_*`, `powerpage*`, `mspp_*`).
    public static func isPortalTable(_ table: String) -> Bool {
        table.hasPrefix("adx_") || table.hasPrefix("powerpage") || table.hasPrefix("mspp_")
    }
}

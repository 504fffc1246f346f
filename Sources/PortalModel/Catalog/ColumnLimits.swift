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
///   Status reasons (`statuscode`) can be added by customizers; only the default pairs are allowed
///   (`portalStatusByState`, an assumption marked there).
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

// MARK: Per-column facts (red-team F3)

extension ColumnLimits {
    /// The values Dataverse accepts in a choice (option set) column, by table and column. The catalog
    /// (CMT schemas) knows only that a column is a choice, not its options; these come from
    /// research/dataverse-webapi.md §"Useful choice values" (S17) **[V]** and, for the page template's
    /// `adx_type`, research/emulator-facts.md §6 (756150000 rewrite, 756150001 web template) **[V R15]**.
    /// A choice column not listed here is not checked (customizers may add options).
    public static let choiceValues: [String: [String: [Int: String]]] = [
        "adx_entitypermission": [
            "adx_scope": [
                756150000: "Global", 756150001: "Contact", 756150002: "Account",
                756150003: "Parent", 756150004: "Self",
            ]
        ],
        "adx_webpageaccesscontrolrule": [
            "adx_right": [1: "Grant Change", 2: "Restrict Read"],
            "adx_scope": [1: "All content", 2: "Exclude direct child web files"],
        ],
        "adx_contentsnippet": ["adx_type": [756150000: "Text", 756150001: "HTML"]],
        "adx_webfile": ["adx_contentdisposition": [756150000: "inline", 756150001: "attachment"]],
        "adx_webformmetadata": [
            "adx_type": [
                100000000: "Attribute", 100000001: "Section", 100000002: "Tab",
                100000003: "Purchase", 100000004: "Subgrid", 100000005: "Notes",
                756150000: "Timeline",
            ]
        ],
        "adx_pagetemplate": ["adx_type": [756150000: "Rewrite", 756150001: "Web Template"]],
    ]

    /// The maximum length of a text column where it is known (research/platform-behaviours.md, "Column
    /// metadata" of adx_webpage: `adx_partialurl` max 100 **[V-doc]**). **[A: assumption]** the other
    /// portal tables with a partial URL (web file, website, forum, …) declare it the same way (one
    /// Adxstudio column definition copied between tables); other text columns fall back to the
    /// documented defaults above (`singleLineTextMaxLength` for primary names, `multilineTextMaxLength`
    /// for the rest).
    public static func textMaxLength(table: String, column: String) -> Int? {
        if column == "adx_partialurl" && isPortalTable(table) { return 100 }
        return nil
    }

    /// The status reasons allowed with each state of a portal table: statecode 0 (Active) ↔
    /// statuscode 1, statecode 1 (Inactive) ↔ statuscode 2, Dataverse's default pairs (a deactivated
    /// page is statecode 1, statuscode 2: research/platform-behaviours.md) **[A: assumption — a
    /// customizer may add status reasons to a portal table; none has been seen in the corpus]**.
    public static let portalStatusByState: [Int: Set<Int>] = [0: [1], 1: [2]]
}

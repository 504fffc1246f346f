/// The built-in catalog data: named blocks of text in the catalog line format (CATALOG.md), parsed
/// once, lazily, into `TableCatalog.standard`.
///
/// - `sources`: source abbreviations (CatalogData+Sources.swift).
/// - `schemaTables`: every table of Microsoft's six portal schema files (generated,
///   CatalogData+Schemas.swift).
/// - `pacTables`: tables and columns seen in real pac folders but in no schema file
///   (CatalogData+Pac.swift).
/// - `systemTables`: the Dataverse system tables portal lookups point to (CatalogData+System.swift).
/// - `enhancedTables`: the enhanced data model (CatalogData+Enhanced.swift).
enum CatalogData {
    /// The blocks in parse order.
    static var blocks: [(name: String, text: String)] {
        [
            ("sources", sources), ("schemaTables", schemaTables), ("pacTables", pacTables),
            ("systemTables", systemTables), ("enhancedTables", enhancedTables),
        ]
    }
}

extension TableCatalog {
    /// The built-in catalog: every table of Microsoft's six portal schema files, every table and
    /// column seen in the real pac folders of the corpus, the system tables portal lookups point to,
    /// and the enhanced data model tables. See CATALOG.md for the sources and the names to confirm.
    public static let standard: TableCatalog = {
        do {
            return TableCatalog(tables: try CatalogTextParser.parse(CatalogData.blocks))
        } catch {
            // The data is compiled in and every block is parsed by CatalogTests; reaching this is a
            // programming error in the catalog text, not bad user input.
            fatalError("built-in table catalog is invalid: \(error)")
        }
    }()
}

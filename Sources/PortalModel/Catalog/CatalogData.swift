// Placeholder until the catalog data lands (issue 2): the built-in table definitions.
extension TableCatalog {
    /// The built-in catalog.
    public static let standard = TableCatalog(tables: [])
}

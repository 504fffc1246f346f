import ConfigurationMigration
import Foundation
import Migration
import PortalModel

extension VerifyScope {
    /// The scope of `--schemaFile` (`verify`, `diff`): only the tables, columns and N:N relationships the
    /// Configuration Migration Tool schema file at `url` names (`CMTSchema.columnsByTable`,
    /// `manyToManyRelationships`: what `data export` with that schema carries); other tables are listed
    /// as not compared. `label` names the file (`the schema css.xml`).
    /// - Throws: `CMTError` naming the file when it cannot be read, or its line when it is not a CMT
    ///   schema (`CMTProblems` for several problems).
    public static func schemaFile(_ url: URL) throws -> VerifyScope {
        let schema = try CMTSchema(contentsOf: url)
        return VerifyScope(
            columnsByTable: schema.columnsByTable, relationships: schema.manyToManyRelationships,
            label: "the schema \(url.lastPathComponent)")
    }
}

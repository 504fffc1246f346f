import Foundation
import PortalModel

extension MigrationUseCases {
    /// `check`: what the portal rules look at for a source read by its adapter (`RunSource.read`).
    ///
    /// - Tables carried: a source whose format declares its tables (a CMT package's schema:
    ///   `SourceMeaning.declaredColumns`) carries exactly those, so a rule needing a table the package
    ///   did not export is not run; `tablesOnly` (`--schemaFile`) narrows them further. A folder or an
    ///   environment carries every table (`nil`).
    /// - `isFolder`: the source is a folder of files people edit (a pac folder, a code-site project):
    ///   the rules for folders only (a secret written in a file) apply.
    ///
    /// Example: `PortalRules.run(MigrationUseCases.checkInput(try RunSource.read(source), isFolder: true))`.
    public static func checkInput(_ source: RunSource, isFolder: Bool, tablesOnly: Set<String>? = nil) -> PortalRuleInput {
        let declared = source.meaning.declaredColumns
        var carried: Set<String>? = declared.isEmpty ? nil : Set(declared.keys)
        if let tablesOnly { carried = (carried ?? Set(TableCatalog.standard.tables.keys)).intersection(tablesOnly) }
        return PortalRuleInput(snapshot: source.snapshot ?? PortalSnapshot(), tablesCarried: carried, isFolder: isFolder)
    }
}

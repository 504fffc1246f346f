import ConfigurationMigration
import Foundation
import Migration
import PortalFolder
import PortalModel

extension SourceFactory {
    /// `check` of a file source (a pac folder, a code-site project, a CMT package): reads it with its
    /// adapter and runs the portal rules on what it carries (`MigrationUseCases.checkInput`), the
    /// reader's own notes (warnings, a manifest contradiction) reported with the rules' findings.
    ///
    /// A folder that cannot be read is the check's answer, not an error: every problem of it
    /// (`PortalFolderError.diagnostics`, each with file and line) is a finding. Writes nothing.
    /// - Parameters:
    ///   - file: the source and its format (`fileSource(data:path:)`).
    ///   - model: `--modelVersion`; `nil` detects.
    ///   - schemaFile: a CMT schema file; only the tables it names are checked (`check --data --schemaFile`).
    ///   - skipping: rules not to run (`--skip-check`).
    /// - Returns: the findings in display order; `DiagnosticExit.code` gives the exit code.
    /// - Throws: what the adapter throws for a package (`CMTError`, file and line) or a data-model
    ///   mismatch; `CMTError` for a schema file that cannot be read.
    public static func check(
        _ file: (format: SourceFormat, source: any PortalSource), model: DataModel?, schemaFile: URL? = nil,
        skipping: Set<PortalRuleID> = []
    ) throws -> [Diagnostic] {
        let read: RunSource
        do { read = try RunSource.read(file.source, model: model) } catch let e as PortalFolderError { return e.diagnostics }
        let only = try schemaFile.map { try CMTSchema(contentsOf: $0).tableNames }
        let input = MigrationUseCases.checkInput(read, isFolder: file.format.isFolder, tablesOnly: only)
        return MigrationUseCases.check(input, notes: read.meaning.notes, skipping: skipping)
    }
}

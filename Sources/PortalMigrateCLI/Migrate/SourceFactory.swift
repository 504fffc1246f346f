import CodeSite
import ConfigurationMigration
import Foundation
import Migration
import PortalFolder
import PortalModel

/// Maps a command's source options to a `RunSource` (issue 19): a file format is its adapter's
/// `PortalSource`, named by one line in `fileSource`; an environment is `--from` + `--webSiteId`.
/// A new source format needs its module and one line there (and the option that names its files).
enum SourceFactory {
    /// The file source the options name, if any: one line per format.
    static func fileSource(data: String?, path: String?) -> (any PortalSource)? {
        if let data { return CMTPackageSource(URL(fileURLWithPath: data)) }
        if let path, CodeSiteSource.isProject(URL(fileURLWithPath: path)) { return CodeSiteSource(URL(fileURLWithPath: path)) }
        if let path { return PacFolderSource(URL(fileURLWithPath: path)) }
        return nil
    }

    /// The source: the file source the options name, else website `webSiteId` of environment `from`.
    /// - Parameter modelVersion: `--modelVersion` (`nil` detects).
    /// - Throws: `UserFacingError` for a missing `--from` or `--webSiteId` (exit 64), a file that
    ///   cannot be read (file and line) or a data-model mismatch (exit 2); the environment's errors.
    static func source(
        data: String? = nil, path: String?, from: String?, webSiteId: String?, modelVersion: DataModel?,
        verbose: Bool
    ) async throws -> RunSource {
        if let file = fileSource(data: data, path: path) { return try read(file, model: modelVersion) }
        guard let from else {
            throw UserFacingError("give the source with --from (an environment) or --path (a site folder)", exitCode: PortalMigrateExit.usage)
        }
        let service = try EnvironmentResolver.service(for: from, verbose: verbose)
        let id = try WebsiteIDOption.required(webSiteId, option: "--webSiteId")
        return try await RunSource.environment(service, name: from, websiteID: id, model: modelVersion)
    }

    /// Reads a file source; its warnings are printed as read (`warning: …` on stderr).
    /// - Throws: what the adapter throws (a `DiagnosticConvertible` naming file and line; exit 2).
    static func read(_ source: any PortalSource, model: DataModel?) throws -> RunSource {
        let run = try RunSource.read(source, model: model)
        for note in run.meaning.notes where note.severity == .warning { printErr("warning: \(note.message)") }
        return run
    }
}

/// `--modelVersion` / `--targetModelVersion` parsing and help (issue 9); the rules are `DataModelPolicy`'s.
enum ModelVersionOption {
    /// The help text of `--modelVersion` / `-mv`.
    static let help = "Data model: 1|Standard or 2|Enhanced (pac's flag). Default: detected from the folder or the site."

    /// The help text of `--targetModelVersion` (`plan`, `migrate`, `verify`).
    static let targetHelp =
        "Data model of the target: 1|Standard or 2|Enhanced. Default: that of the target website if it exists, "
        + "else the source's if enhanced, else enhanced when the target has only enhanced sites. --targetModelVersion 2 from a "
        + "standard site bridges it into the enhanced model (powerpagecomponent); tables without an enhanced counterpart "
        + "(tags, URL history, ads, polls, …) are listed as not migrated."

    /// Parses `--modelVersion` (or the option named `option`); `nil` means detect.
    /// - Throws: `UserFacingError` with the usage exit code for another value.
    static func parse(_ text: String?, option: String = "--modelVersion") throws -> DataModel? {
        guard let text else { return nil }
        guard let model = DataModel(modelVersionArgument: text) else {
            throw UserFacingError("\(option) \(text): expected 1, 2, Standard or Enhanced", exitCode: PortalMigrateExit.usage)
        }
        return model
    }
}

extension SourceFactory {
    /// The scope of `--schemaFile` (`verify`, `diff`): only the tables, columns and N:N relationships the CMT schema names.
    /// - Throws: `UserFacingError` when the file cannot be read or is not a CMT schema (file and line).
    static func verifyScope(schemaFile: String?) throws -> VerifyScope {
        guard let schemaFile else { return .all }
        let url = URL(fileURLWithPath: schemaFile)
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw UserFacingError("cannot read the schema file \(schemaFile): \(error.localizedDescription)")
        }
        let schema = try CMTSchema(data: data, file: url.lastPathComponent)
        var columns: [String: Set<String>] = [:]
        var relationships: Set<String> = []
        for e in schema.entities {
            columns[e.name, default: []].formUnion(e.fields.map(\.name))
            relationships.formUnion(e.relationships.filter(\.manyToMany).map(\.name))
        }
        return VerifyScope(columnsByTable: columns, relationships: relationships, label: "the schema \(url.lastPathComponent)")
    }
}

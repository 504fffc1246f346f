import CodeSite
import ConfigurationMigration
import Foundation
import Migration
import PortalFolder
import PortalModel

/// A file format a command reads a source from: the option that names its files, how a path is
/// recognized as one, and its adapter (the format module's `PortalSource`).
struct SourceFormat: Sendable {
    /// The option naming a file source: `--path` (a folder) or `--data` (a CMT package).
    enum Option: String, Sendable {
        case path = "--path"
        case data = "--data"
    }

    /// A short name: `cmt-package`, `code-site`, `pac-folder` (tests, messages).
    let name: String
    let option: Option
    /// True for a folder of files people edit (a pac folder, a code-site project): the rules run on
    /// folders only (`PortalRule.folderOnly`, a secret written in a file) apply to it.
    let isFolder: Bool
    /// True when the file or folder at the URL is in this format. Formats are tried in the order of
    /// `SourceFactory.formats`; the last one of an option takes what the others do not recognize.
    let recognizes: @Sendable (URL) -> Bool
    /// The adapter that reads the file or folder at the URL.
    let reader: @Sendable (URL) -> any PortalSource
}

/// Maps a command's source options to a `RunSource` (issue 19): a file source is read by the first
/// format of `formats` that recognizes it; an environment is `--from` + `--webSiteId`. Every command
/// that reads a source (`upload`, `plan`, `migrate`, `verify`, `diff`, `check`, `data import`) reads
/// it here.
///
/// A new source format needs its module (a `PortalSource`) and one line in `formats`.
enum SourceFactory {
    /// Every file format the commands read, in the order they are tried for their option. A new
    /// format is one line here (before the catch-all of its option).
    static let formats: [SourceFormat] = [
        SourceFormat(name: "cmt-package", option: .data, isFolder: false, recognizes: { _ in true }, reader: { CMTPackageSource($0) }),
        SourceFormat(name: "code-site", option: .path, isFolder: true, recognizes: CodeSiteSource.isProject, reader: { CodeSiteSource($0) }),
        SourceFormat(name: "pac-folder", option: .path, isFolder: true, recognizes: { _ in true }, reader: { PacFolderSource($0) }),
    ]

    /// The format of the file or folder `path` given with `option`: the first of `formats` that
    /// recognizes it (`nil` only when no format takes the option).
    static func format(_ option: SourceFormat.Option, at path: String) -> SourceFormat? {
        let url = URL(fileURLWithPath: path)
        return formats.first { $0.option == option && $0.recognizes(url) }
    }

    /// The file source the options name, with its format, if any (`--data` before `--path`).
    static func fileSource(data: String?, path: String?) -> (format: SourceFormat, source: any PortalSource)? {
        for (option, given) in [(SourceFormat.Option.data, data), (.path, path)] {
            guard let given, let format = format(option, at: given) else { continue }
            return (format, format.reader(URL(fileURLWithPath: given)))
        }
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
        if let file = fileSource(data: data, path: path) { return try read(file.source, model: modelVersion) }
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

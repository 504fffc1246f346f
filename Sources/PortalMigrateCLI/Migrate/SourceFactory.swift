import ArgumentParser
import FileFormats
import Foundation
import Migration
import PortalModel

/// The command line's side of the source factory (`FileFormats.SourceFactory` decides which adapter
/// reads a path): a command's source options as a `RunSource`, and the reader's warnings said as read.
extension SourceFactory {
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

/// `--modelVersion` / `-mv` (pac's flag) of `download`, `upload`, `plan`, `migrate`, `verify` and `check`.
struct ModelVersionOptions: ParsableArguments {
    @Option(
        name: [.customLong("modelVersion"), .customLong("mv", withSingleDash: true)], help: ArgumentHelp(ModelVersionOption.help),
        completion: Completions.modelVersions)
    var modelVersion: String?

    init() {}

    /// The data model asked for; `nil` detects. - Throws: a usage error (exit 64) for another value.
    func model() throws -> DataModel? { try ModelVersionOption.parse(modelVersion) }
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

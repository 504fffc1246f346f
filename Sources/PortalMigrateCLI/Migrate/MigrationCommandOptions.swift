import ArgumentParser
import DataverseWebAPI
import FileFormats
import Foundation
import Migration
import PortalFolder
import PortalModel

extension MatchMode: ExpressibleByArgument {}
extension MissingLookupPolicy: ExpressibleByArgument {}

/// The source, target and identity options shared by `plan`, `migrate` and `verify`.
struct MigrationEndpointOptions: ParsableArguments {
    @Option(
        name: .customLong("from"), help: "Source environment: auth profile name or index, URL, or local:NAME.",
        completion: Completions.environments)
    var from: String?

    @Option(
        name: [.customLong("webSiteId"), .customLong("id", withSingleDash: true)], help: "The source website's id (adx_websiteid or powerpagesiteid)."
    )
    var webSiteId: String?

    @Option(
        name: [.customLong("path"), .customShort("p")], help: "Source: a pac site folder (the one holding website.yml) instead of --from/--webSiteId."
    )
    var path: String?

    @Option(
        name: .customLong("to"), help: "Target environment; defaults to --environment or the selected auth profile.",
        completion: Completions.environments)
    var to: String?

    @Option(name: .customLong("targetWebSiteId"), help: "Map the source website onto this existing website of the target.")
    var targetWebSiteId: String?

    @Option(name: .customLong("match"), help: "How records are matched: key (id, then natural key) or id (ids only).")
    var match: MatchMode = .key

    @Option(name: .customLong("missing-lookups"), help: "Lookups to records the target lacks: fail (a failed check) or drop (clear and list).")
    var missingLookups: MissingLookupPolicy = .fail

    @Option(
        name: [.customLong("deploymentProfile"), .customLong("dp", withSingleDash: true)],
        help: "A pac deployment profile file whose values replace the source's by record id.")
    var deploymentProfile: String?

    @OptionGroup var modelVersion: ModelVersionOptions

    @Option(name: .customLong("targetModelVersion"), help: ArgumentHelp(ModelVersionOption.targetHelp))
    var targetModelVersion: String?

    init() {}

    /// The source: `--data` (when the command has it) or `--path` read by their adapters, else the
    /// website `--webSiteId` of `--from` (`SourceFactory`).
    func source(data: String? = nil, verbose: Bool) async throws -> RunSource {
        try await SourceFactory.source(
            data: data, path: path, from: from, webSiteId: webSiteId,
            modelVersion: try modelVersion.model(), verbose: verbose)
    }

    /// The choices these options give (the command adds its own).
    func choices() throws -> RunChoices {
        var c = RunChoices()
        c.targetWebsiteID = try WebsiteIDOption.parse(targetWebSiteId, option: "--targetWebSiteId")
        c.match = match
        c.missingLookups = missingLookups
        c.deploymentProfile = try profileURL()
        c.targetModel = try ModelVersionOption.parse(targetModelVersion, option: "--targetModelVersion")
        return c
    }

    /// `--deploymentProfile FILE` (`DeploymentProfile.file`: a missing file is refused, exit 2).
    func profileURL() throws -> URL? { try deploymentProfile.map { try DeploymentProfile.file($0) } }

    /// The target spec: `--to`, else `--environment`.
    func targetSpec(_ global: GlobalOptions) -> String? { to ?? global.environment }
}

/// The one parser of website ids given on the command line (`--webSiteId`, `--targetWebSiteId`).
enum WebsiteIDOption {
    /// `text` as a GUID (`nil` when the option was not given).
    /// - Throws: a usage error (exit 64) naming the option when it is not a GUID.
    static func parse(_ text: String?, option: String) throws -> UUID? {
        guard let text else { return nil }
        guard let id = UUID(dataverse: text) else { throw UserFacingError("\(option) '\(text)' is not a GUID", exitCode: PortalMigrateExit.usage) }
        return id
    }

    /// A required id: a usage error (exit 64) when it is missing.
    static func required(_ text: String?, option: String) throws -> UUID {
        guard let id = try parse(text, option: option) else { throw UserFacingError("\(option) is required", exitCode: PortalMigrateExit.usage) }
        return id
    }
}

/// Opens services and turns engine errors into exit codes; shared by the migration commands.
enum MigrationCommandSupport {
    static func service(_ spec: String?, verbose: Bool) throws -> any DataverseService {
        try EnvironmentResolver.service(for: spec, verbose: verbose)
    }

    /// The target of a run: the environment of `spec` (its blocked attachment list is written as
    /// `RunTarget` decides).
    static func target(_ spec: String?, verbose: Bool) throws -> RunTarget {
        RunTarget(try service(spec, verbose: verbose), name: spec)
    }

    /// Runs `body`; failed checks print the diagnostics (and the JSON report) and exit 2. Every other
    /// library error reaches `ProblemReport` in `runMain` (its message, file and line, exit code).
    static func run(json: Bool, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch MigrationError.checksFailed(let all) {
            // The failed checks, and the warnings of every stage when the caller passed them too.
            let diagnostics = all.filter { $0.severity == .error }, warnings = all.filter { $0.severity == .warning }
            if json {
                var report = MigrationReport(kind: .plan, checks: diagnostics)
                report.warnings = warnings
                printOut(report.jsonText())
            }
            for d in warnings.prefix(200) { printErr(DiagnosticRenderer.line(d)) }
            printErr("error: \(diagnostics.count) check(s) failed before writing; nothing was written:")
            for d in diagnostics.prefix(200) { printErr("  \(d)") }
            if diagnostics.count > 200 { printErr("  … and \(diagnostics.count - 200) more") }
            for line in NextSteps.afterFailedChecks(diagnostics) { printErr(line) }
            throw ExitCode(PortalMigrateExit.checkFailed.rawValue)
        }
    }
}

/// Ends the command with `code` (a use case's outcome: `MigrationReport.exitCode`, `VerifyResult.exitCode`,
/// …) when it is not 0.
func exitWith(_ code: Int32) throws {
    if code != 0 { throw ExitCode(code) }
}

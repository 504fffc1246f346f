import ArgumentParser
import DataverseWebAPI
import Foundation
import LocalEnvironment
import Migration
import PortalFolder
import PortalModel

extension MatchMode: ExpressibleByArgument {}
extension MissingLookupPolicy: ExpressibleByArgument {}

/// The source, target and identity options shared by `plan`, `migrate` and `verify`.
struct MigrationEndpointOptions: ParsableArguments {
    @Option(name: .customLong("from"), help: "Source environment: auth profile name or index, URL, or local:NAME.")
    var from: String?

    @Option(name: .customLong("webSiteId"), help: "The source website's id (adx_websiteid or powerpagesiteid).")
    var webSiteId: String?

    @Option(name: [.customLong("path"), .customShort("p")], help: "Source: a pac site folder (the one holding website.yml) instead of --from/--webSiteId (plan and verify).")
    var path: String?

    @Option(name: .customLong("to"), help: "Target environment; defaults to --environment or the selected auth profile.")
    var to: String?

    @Option(name: .customLong("targetWebSiteId"), help: "Map the source website onto this existing website of the target.")
    var targetWebSiteId: String?

    @Option(name: .customLong("match"), help: "How records are matched: key (id, then natural key) or id (ids only).")
    var match: MatchMode = .key

    @Option(name: .customLong("missing-lookups"), help: "Lookups to records the target lacks: fail (a failed check) or drop (clear and list).")
    var missingLookups: MissingLookupPolicy = .fail

    @Option(name: .customLong("deploymentProfile"), help: "A pac deployment profile file whose values replace the source's by record id.")
    var deploymentProfile: String?

    @Option(name: [.customLong("modelVersion"), .customLong("mv", withSingleDash: true)], help: ArgumentHelp(EnhancedModelOptions.help))
    var modelVersion: String?

    @Option(name: .customLong("targetModelVersion"), help: ArgumentHelp(EnhancedModelOptions.targetHelp))
    var targetModelVersion: String?

    init() {}

    /// `--from`; a usage error when it is missing.
    func fromSpec() throws -> String {
        guard let f = from else { throw UserFacingError("--from is required (or --path for plan and verify)", exitCode: PortalMigrateExit.usage) }
        return f
    }

    /// The source of `plan`/`verify`: the site folder of `--path` (read by `PortalFolder`, standard data
    /// model; `manifest.yml` deletions are not part of it), else the website `--webSiteId` of `--from`.
    /// - Throws: `UserFacingError` for a missing option or a folder error (file and line).
    func source(verbose: Bool) throws -> MigrationSource {
        if let p = path {
            let content = try FolderCommandSupport.folderErrors { try PortalFolder().read(URL(fileURLWithPath: p)) }
            return .snapshot(content.snapshot, organization: nil)
        }
        let service = try MigrationCommandSupport.service(try fromSpec(), verbose: verbose)
        return .environment(service, websiteID: try websiteID())
    }

    func websiteID() throws -> UUID {
        guard let webSiteId else { throw UserFacingError("--webSiteId is required", exitCode: PortalMigrateExit.usage) }
        guard let id = UUID(dataverse: webSiteId) else { throw UserFacingError("--webSiteId '\(webSiteId)' is not a GUID", exitCode: PortalMigrateExit.usage) }
        return id
    }

    func targetWebsiteID() throws -> UUID? {
        guard let t = targetWebSiteId else { return nil }
        guard let id = UUID(dataverse: t) else { throw UserFacingError("--targetWebSiteId '\(t)' is not a GUID", exitCode: PortalMigrateExit.usage) }
        return id
    }

    func profileURL() throws -> URL? {
        guard let p = deploymentProfile else { return nil }
        let url = URL(fileURLWithPath: p)
        guard FileManager.default.fileExists(atPath: url.path) else { throw UserFacingError("no deployment profile file at \(p)") }
        return url
    }

    /// The target spec: `--to`, else `--environment`.
    func targetSpec(_ global: GlobalOptions) -> String? { to ?? global.environment }
}

/// Opens services and turns engine errors into exit codes; shared by the migration commands.
enum MigrationCommandSupport {
    static func service(_ spec: String?, verbose: Bool) throws -> any DataverseService {
        try EnvironmentResolver.service(for: spec, verbose: verbose)
    }

    /// The writer of the target's blocked list: direct for embedded environments, `PATCH organizations` otherwise.
    static func blockedWriter(_ service: any DataverseService) -> any BlockedAttachmentsWriter {
        if let env = service as? LocalEnvironment { return LocalBlockedAttachmentsWriter(env: env) }
        return ServiceBlockedAttachmentsWriter(service: service)
    }

    /// Runs `body`, mapping engine errors: failed checks print the diagnostics (and the JSON report) and exit 2.
    static func run(json: Bool, _ body: () async throws -> Void) async throws {
        do {
            try await userFacing(body)
        } catch let e as MigrationError {
            switch e {
            case .checksFailed(let all):
                // The failed checks, and the warnings of every stage when the caller passed them too.
                let diagnostics = all.filter { $0.severity == .error }, warnings = all.filter { $0.severity == .warning }
                if json {
                    var report = MigrationReport(kind: .plan, checks: diagnostics)
                    report.warnings = warnings
                    printOut(report.jsonText())
                }
                for d in warnings.prefix(200) { printErr("warning: \(d)") }
                printErr("error: \(diagnostics.count) check(s) failed before writing; nothing was written:")
                for d in diagnostics.prefix(200) { printErr("  \(d)") }
                if diagnostics.count > 200 { printErr("  … and \(diagnostics.count - 200) more") }
                for line in NextSteps.afterFailedChecks(diagnostics) { printErr(line) }
                throw ExitCode(PortalMigrateExit.checkFailed.rawValue)
            default:
                throw UserFacingError(e.description)
            }
        } catch let stopped as ApplyStopped {
            // One report for a target that stopped answering, not one line per remaining record.
            throw UserFacingError(stopped.description, exitCode: PortalMigrateExit.recordsFailed)
        }
    }

    /// The environment URL of a Web API target (what `ApplyStopped` names), `nil` for an embedded one.
    static func environmentURL(_ service: any DataverseService) -> String? {
        (service as? WebAPIClient)?.configuration.environmentURL.absoluteString
    }

    /// Prints human text on stdout, or on stderr when `--json` owns stdout.
    static func say(_ text: String, json: Bool) {
        if json { printErr(text) } else { printOut(text) }
    }
}

/// Sets an embedded environment's blocked list directly (its organization row is not a table).
struct LocalBlockedAttachmentsWriter: BlockedAttachmentsWriter {
    let env: LocalEnvironment
    func setBlockedAttachments(_ extensions: [String]) async throws {
        try await env.updateOrganization(blockedAttachments: extensions)
    }
}

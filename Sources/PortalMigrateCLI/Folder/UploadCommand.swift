import ArgumentParser
import FileFormats
import Foundation
import Migration
import PortalFolder
import PortalModel

/// `portal-migrate upload`: uploads a pac site folder through the migration engine.
public struct UploadCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "upload",
        abstract: "Upload a pac-compatible site folder to an environment (plan, check, write).",
        discussion: """
            Reads PATH (the folder holding website.yml), plans against the target, runs every check before the first \
            write and writes only what differs (--forceUploadAll: every record).

            Records and N:N links that .portalconfig/manifest.yml marks IsDeleted: true are deleted in the target \
            (listed in the plan; --yes or a terminal confirms). Website bindings are download-only, as in pac: \
            listed as skipped, never written.

            Stale copies of a record in two files, YAML errors and values that do not fit their column stop the \
            upload with exit code 2, naming the files. If the target stops answering, the upload stops with exit \
            code 1; rerun the same command to resume.

            After writing, the target is read back and compared with the folder by the strict verifier (as \
            `verify --path` does): exit code 0 means every record, column pac carries, N:N link and file body of \
            the folder is in the target; each discrepancy is named and the exit code is 1. --no-verify skips it.

            Example: portal-migrate upload --path ./site/my-site --environment local:test --yes
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var writing: WritingRunOptions
    @Option(name: [.customLong("path"), .customShort("p")], help: "The site folder (the one holding website.yml).")
    var path: String
    @Option(
        name: [.customLong("deploymentProfile"), .customLong("dp", withSingleDash: true)],
        help: "deployment-profiles/<NAME>.deployment.yml of the folder.")
    var deploymentProfile: String?
    @Flag(name: [.customLong("forceUploadAll"), .customShort("f")], help: "Rewrite every record the target already has, even when nothing differs.")
    var forceUploadAll = false
    @Flag(name: .long, help: "Also delete target records and N:N links the folder does not have.")
    var prune = false
    @Flag(name: .long, help: "Do not ask before deleting (manifest.yml deletions and --prune).")
    var yes = false
    @Option(
        name: .customLong("unblock-extensions"),
        help: "Extensions to remove from the target's blocked list for the run (comma-separated); restored after.")
    var unblockExtensions: String?
    @OptionGroup var modelVersion: ModelVersionOptions
    @Option(name: .customLong("missing-lookups"), help: "Lookups to records the target lacks: fail (a failed check) or drop (clear and list).")
    var missingLookups: MissingLookupPolicy = .fail

    public init() {}

    public func run() async throws {
        try await MigrationCommandSupport.run(json: global.json) {
            let source = try SourceFactory.read(PacFolderSource(URL(fileURLWithPath: path)), model: try modelVersion.model())
            var choices = RunChoices()
            choices.deploymentProfile = try profileURL()
            let target = try MigrationCommandSupport.target(global.environment, verbose: global.verbose)
            choices.prune = prune
            choices.rewriteUnchanged = forceUploadAll
            choices.missingLookups = missingLookups
            choices.unblockExtensions = RunChoices.extensions(unblockExtensions)
            writing.apply(to: &choices)
            let pending = try await MigrationUseCases.prepare(Self.runKind, source: source, target: target, choices: choices)
            try await RunRendering.confirmAndApply(pending, target: target, verbose: global.verbose, yes: yes, json: global.json)
        }
    }

    /// `--deploymentProfile NAME`: the folder's profile file of that name (`DeploymentProfile.file`).
    func profileURL() throws -> URL? {
        try deploymentProfile.map { try DeploymentProfile.file($0, inSiteFolder: URL(fileURLWithPath: path)) }
    }
}

/// `portal-migrate paportal …` and `portal-migrate pages …`: pac's command names for the folder commands.
public struct PaportalCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "paportal", abstract: "pac-compatible alias: paportal list | download | upload.",
        discussion: """
            pac's names for the folder commands, with pac's short options (-p, -id, -dp, -mv, -env, -o, -ie, -xe).

            Example: portal-migrate pages download -p ./site -id 6f0c7d5e-0000-0000-0000-000000000001 -env local:dev
            """,
        subcommands: [ListCommand.self, DownloadCommand.self, UploadCommand.self], aliases: ["pages", "powerpages"])
    public init() {}
}

import ArgumentParser
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
    @OptionGroup var write: WriteOptions
    @OptionGroup var massDelete: MassDeleteOptions
    @Option(name: [.customLong("path"), .customShort("p")], help: "The site folder (the one holding website.yml).")
    var path: String
    @Option(name: [.customLong("deploymentProfile"), .customLong("dp", withSingleDash: true)], help: "deployment-profiles/<NAME>.deployment.yml of the folder.")
    var deploymentProfile: String?
    @Flag(name: [.customLong("forceUploadAll"), .customShort("f")], help: "Rewrite every record the target already has, even when nothing differs.")
    var forceUploadAll = false
    @Flag(name: .long, help: "Also delete target records and N:N links the folder does not have.")
    var prune = false
    @Flag(name: .long, help: "Do not ask before deleting (manifest.yml deletions and --prune).")
    var yes = false
    @Flag(name: .long, help: "Proceed without the records that fail a check; exit code 1.")
    var force = false
    @Option(name: .customLong("unblock-extensions"), help: "Extensions to remove from the target's blocked list for the run (comma-separated); restored after.")
    var unblockExtensions: String?
    @Option(name: [.customLong("modelVersion"), .customLong("mv", withSingleDash: true)], help: ArgumentHelp(EnhancedModelOptions.help))
    var modelVersion: String?
    @Option(name: .customLong("missing-lookups"), help: "Lookups to records the target lacks: fail (a failed check) or drop (clear and list).")
    var missingLookups: MissingLookupPolicy = .fail
    @Flag(name: .customLong("keep-absent-columns"), help: ArgumentHelp(KeepAbsentColumns.help))
    var keepAbsentColumns = false

    public init() {}

    public func run() async throws {
        try await MigrationCommandSupport.run(json: global.json) {
            let json = global.json
            let root = URL(fileURLWithPath: path)
            let (content, model) = try EnhancedModelOptions.readFolder(root, modelVersion: modelVersion)
            var profileURL: URL?
            if let name = deploymentProfile {
                let url = root.appendingPathComponent("deployment-profiles/\(name).deployment.yml")
                guard FileManager.default.fileExists(atPath: url.path) else {
                    throw UserFacingError("no deployment profile \(name) (expected \(url.path))")
                }
                profileURL = url
            }
            for d in content.unreadableDeletions {
                printErr("warning: .portalconfig/manifest.yml: \(d.section) entry \(d.recordID.dataverseString) has an unreadable association name \(d.displayName ?? ""); ignored")
            }
            let spec = global.environment
            let target = EnhancedModelOptions.service(try MigrationCommandSupport.service(spec, verbose: global.verbose),
                                                      model: model, writing: content.snapshot)
            let runKey = ["upload", root.standardizedFileURL.path, spec ?? "-", prune ? "prune" : "-", deploymentProfile ?? "-",
                          forceUploadAll ? "all" : "-", keepAbsentColumns ? "keep-absent" : "-"].joined(separator: "|")
            var plan = PlanOptions(prune: prune, missingLookups: missingLookups)
            // manifest.yml IsDeleted entries are deleted; download-only tables are not uploaded.
            EnhancedModelOptions.addFolderPlan(content, to: &plan, keepAbsentColumns: keepAbsentColumns)
            plan.rewriteUnchanged = forceUploadAll
            massDelete.apply(to: &plan)
            EnhancedModelOptions.listUnmapped(&plan, target: model)
            var options = MigrationOptions(plan: plan, unblockExtensions: MigrationCommandSupport.extensions(unblockExtensions),
                                           deploymentProfile: profileURL, runKey: runKey, targetKey: spec ?? "default")
            options.blockedAttachmentsWriter = MigrationCommandSupport.blockedWriter(EnhancedModelOptions.base(target))
            try await MigrationCommandSupport.prepareConfirmApply(
                engine: MigrationEngine(), source: .snapshot(content.snapshot, organization: nil), target: target, options: options,
                settings: MigrationRunSettings(verbose: global.verbose, dryRun: write.dryRun, yes: yes, force: force, json: json,
                                              verify: !write.noVerify))
        }
    }
}

/// `portal-migrate paportal …` and `portal-migrate pages …`: pac's command names for the folder commands.
public struct PaportalCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "paportal", abstract: "pac-compatible alias: paportal list | download | upload.",
        subcommands: [ListCommand.self, DownloadCommand.self, UploadCommand.self], aliases: ["pages", "powerpages"])
    public init() {}
}

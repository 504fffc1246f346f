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
        Reads PATH (the folder holding website.yml), plans against the target, runs every check before the first
        write and writes only what differs. Stale copies of a record in two files, YAML errors and values that do
        not fit their column stop the upload with exit code 2, naming the files.
        Example: portal-migrate upload --path ./site/my-site --environment local:test --yes
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var write: WriteOptions
    @Option(name: [.customLong("path"), .customShort("p")], help: "The site folder (the one holding website.yml).")
    var path: String
    @Option(name: [.customLong("deploymentProfile"), .customLong("dp", withSingleDash: true)], help: "deployment-profiles/<NAME>.deployment.yml of the folder.")
    var deploymentProfile: String?
    @Flag(name: [.customLong("forceUploadAll"), .customShort("f")], help: "Accepted for pac compatibility; every record is compared with the target.")
    var forceUploadAll = false
    @Flag(name: .long, help: "Also delete target records and N:N links the folder does not have.")
    var prune = false
    @Flag(name: .long, help: "Do not ask before deleting.")
    var yes = false
    @Option(name: .customLong("unblock-extensions"), help: "Extensions to remove from the target's blocked list for the run (comma-separated); restored after.")
    var unblockExtensions: String?
    @Option(name: [.customLong("modelVersion"), .customLong("mv", withSingleDash: true)], help: "Data model: 1 (standard).")
    var modelVersion: String = "1"
    @Option(name: .customLong("missing-lookups"), help: "Lookups to records the target lacks: fail (a failed check) or drop (clear and list).")
    var missingLookups: MissingLookupPolicy = .fail

    public init() {}

    public func run() async throws {
        try await MigrationCommandSupport.run(json: global.json) {
            let json = global.json
            try FolderCommandSupport.requireStandardModel(modelVersion)
            let root = URL(fileURLWithPath: path)
            let content = try FolderCommandSupport.folderErrors { try PortalFolder().read(root) }
            var profileURL: URL?
            if let name = deploymentProfile {
                let url = root.appendingPathComponent("deployment-profiles/\(name).deployment.yml")
                guard FileManager.default.fileExists(atPath: url.path) else {
                    throw UserFacingError("no deployment profile \(name) (expected \(url.path))")
                }
                profileURL = url
            }
            if !content.deletions.isEmpty {
                printErr("warning: manifest.yml lists \(content.deletions.count) deleted record(s); deleting them in the target is not supported yet")
            }
            let spec = global.environment
            let target = try MigrationCommandSupport.service(spec, verbose: global.verbose)
            let unblock = Set((unblockExtensions ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty })
            let runKey = ["upload", root.standardizedFileURL.path, spec ?? "-", prune ? "prune" : "-", deploymentProfile ?? "-"].joined(separator: "|")
            var options = MigrationOptions(plan: PlanOptions(prune: prune, missingLookups: missingLookups), force: false, dryRun: write.dryRun,
                                           unblockExtensions: unblock, deploymentProfile: profileURL,
                                           runKey: runKey, targetKey: spec ?? "default")
            options.blockedAttachmentsWriter = MigrationCommandSupport.blockedWriter(target)
            let engine = MigrationEngine()
            let source = MigrationSource.snapshot(content.snapshot, organization: nil)
            let prepared = try await engine.prepare(source: source, target: target, options: options)
            if global.verbose || write.dryRun || !prepared.plan.deletions.isEmpty {
                let lines = PlanRenderer.lines(prepared.plan)
                MigrationCommandSupport.say(lines.isEmpty ? "No changes." : lines.joined(separator: "\n"), json: json)
            }
            if !prepared.errors.isEmpty { throw MigrationError.checksFailed(prepared.errors) }
            if write.dryRun {
                var report = prepared.report
                report.dryRun = true
                MigrationCommandSupport.say(report.humanSummary(), json: json)
                if json { printOut(report.jsonText()) }
                return
            }
            if !prepared.plan.deletions.isEmpty && !yes {
                guard isatty(0) != 0 else {
                    throw UserFacingError("\(prepared.plan.deletions.count) record(s) would be deleted; pass --yes to confirm")
                }
                FileHandle.standardError.write(Data("Delete \(prepared.plan.deletions.count) record(s) in the target? [y/N] ".utf8))
                guard let answer = readLine(), answer.lowercased().hasPrefix("y") else {
                    throw UserFacingError("nothing written: deletions not confirmed")
                }
            }
            let report = try await engine.migrate(source: source, target: target, options: options) { line in
                MigrationCommandSupport.say(line, json: json)
            }
            MigrationCommandSupport.say(report.humanSummary(), json: json)
            if json { printOut(report.jsonText()) }
            if !report.failures.isEmpty || report.forced { throw ExitCode(PortalMigrateExit.recordsFailed.rawValue) }
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

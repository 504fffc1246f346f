import ArgumentParser
import Foundation
import Migration
import PortalModel

/// `portal-migrate migrate`: copies one website from an environment to another, directly.
public struct MigrateCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Migrate a website from one environment to another (plan, check, write, resume).",
        discussion: """
            Plans first (see `plan`), runs every check before the first write (schema drift, base language, \
            blocked extensions and file sizes, lookups to records the target lacks, website not found) and stops \
            with exit code 2 if one fails, unless --force. Writes in dependency order with $batch change sets in \
            parallel, journalled under the data directory: rerun the same command after an interruption to resume.

            --targetModelVersion 2 migrates a standard-model site into the enhanced data model (powerpagesite, \
            powerpagecomponent): records of tables without an enhanced counterpart (tags, URL history, ads, polls, …) \
            and their N:N links are listed as not migrated, with their counts; they are not failures.

            After writing, the target is read back and compared with the source by the strict verifier (as \
            `verify` does): exit code 0 means every record, column, N:N link and file body planned is in the \
            target; each discrepancy is named and the exit code is 1. --no-verify skips the read-back.

            Exit codes: 0 all written and read back; 1 some records failed, --force left records out, or the \
            read-back found a discrepancy; 2 a check failed.

            Example: portal-migrate migrate --from dev --to test --webSiteId 6f0c… --targetWebSiteId 1d2e… --yes
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var endpoints: MigrationEndpointOptions
    @OptionGroup var writing: WritingRunOptions
    @Flag(name: .long, help: "Also delete target records and N:N links the source does not have.")
    var prune = false
    @Flag(name: .long, help: "Do not ask before deleting.")
    var yes = false
    @Option(
        name: .customLong("unblock-extensions"),
        help: "Extensions to remove from the target's blocked list for the run (comma-separated); the list is restored after.")
    var unblockExtensions: String?
    @Flag(
        name: .customLong("no-bypass-plugins"),
        help: "Let the target's custom plug-ins run (content pages the platform creates are matched, not duplicated).")
    var noBypassPlugins = false
    @Option(
        name: .customLong("changeset-size"),
        help: "Operations per $batch request (default: chosen per pass from its size and the requests in flight).")
    var changeSetSize: Int?
    @Option(
        name: .customLong("parallelism"),
        help: "$batch requests in flight at once (default: the target's x-ms-dop-hint, halved on throttling, at most 52).")
    var parallelism: Int?

    public init() {}

    public func run() async throws {
        try await MigrationCommandSupport.run(json: global.json) {
            // The source is --from (an environment) or --path (a pac folder or code-site project), as for
            // plan and verify: one source factory for every command (issue 24 item 7: --path was offered and refused).
            let source = try await endpoints.source(verbose: global.verbose)
            guard let toSpec = endpoints.targetSpec(global) else {
                throw UserFacingError("give the target with --to", exitCode: PortalMigrateExit.usage)
            }
            let target = try MigrationCommandSupport.target(toSpec, verbose: global.verbose)
            var choices = try endpoints.choices()
            choices.prune = prune
            choices.unblockExtensions = RunChoices.extensions(unblockExtensions)
            choices.bypassPlugins = !noBypassPlugins
            choices.changeSetSize = changeSetSize
            choices.parallelism = parallelism
            writing.apply(to: &choices)
            let pending = try await MigrationUseCases.prepare(Self.runKind, source: source, target: target, choices: choices)
            try await RunRendering.confirmAndApply(pending, target: target, verbose: global.verbose, yes: yes, json: global.json)
        }
    }
}

import ArgumentParser
import CodeSite
import DataverseWebAPI
import Foundation
import Migration
import PortalFolder
import PortalModel

/// `portal-migrate code-site upload`: a code-site project and its build output into a site, in
/// the phases of `CodeSiteUpload` (assets, verified → landing page switch → stale bundles deleted, each checked).
public struct CodeSiteUploadCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "upload",
        abstract: "Upload a code-site project and its build output (new assets first, old bundles deleted last).",
        discussion: """
            Reads ROOTPATH/powerpages.config.json and ROOTPATH/.powerpages-site/ (the current layout; the layout used before \
            August 2025 is read with a notice), and the build output (compiledPath, or --compiledPath): every file becomes a \
            web file, every folder a web page, the landing page (defaultLandingPage, default index.html) the Home page's copy.

            The site: --webSiteId, else the one in .powerpages-site/website.yml, else the one site of the project's name; \
            a new site only with --create (never silently).

            Everything is planned and checked before the first write (blocked extensions and sizes included: --unblock-extensions js \
            allows .js for the run). Then, each step verified before the next: (1) the new build's assets; (2) with includeSource, \
            the project's source files (everything but .git/, .github/, node_modules/, .powerpages-site/, the build output, what \
            the root .gitignore and sourceExcludePatterns match) into the site's source-file table; (3) every file the new \
            landing page references must be a web file of the site; (4) the landing page itself; (5) only then the old bundles \
            — web files that bundleFilePatterns (default: pac's ten patterns) match and the new build does not hold — are \
            deleted, each deletion checked. A step that fails stops the rest with exit code 1, and the site keeps serving a \
            complete build.

            Example: portal-migrate code-site upload --rootPath ./car-sales --environment local:test --unblock-extensions js --yes
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var write: WriteOptions
    @Option(
        name: [.customLong("rootPath"), .customLong("rp", withSingleDash: true)],
        help: "The project folder (powerpages.config.json, .powerpages-site/).")
    var rootPath: String
    @Option(
        name: [.customLong("compiledPath"), .customLong("cp", withSingleDash: true)],
        help: "The build output folder, relative to --rootPath (wins over compiledPath).")
    var compiledPath: String?
    @Option(name: [.customLong("siteName"), .customLong("sn", withSingleDash: true)], help: "The site's name (wins over siteName).")
    var siteName: String?
    @Option(
        name: [.customLong("webSiteId"), .customLong("id", withSingleDash: true)], help: "Upload into this site (a powerpagesite id of the target).")
    var webSiteId: String?
    @Flag(name: .long, help: "Create a new site when the target has neither the project's site nor one of its name.")
    var create = false
    @Option(
        name: .customLong("unblock-extensions"),
        help: "Extensions to remove from the target's blocked list for the run (comma-separated); restored after.")
    var unblockExtensions: String?
    @Flag(name: .long, help: "Do not ask before deleting the old bundles.")
    var yes = false
    @Flag(name: .long, help: "Proceed without the records that fail a check; exit code 1.")
    var force = false

    public init() {}

    public func run() async throws {
        try await MigrationCommandSupport.run(json: global.json) {
            let project = try CodeSiteProject.read(root: URL(fileURLWithPath: rootPath), compiledPath: compiledPath, siteName: siteName)
            defer { project.removeWorkFolder() }
            for n in project.notices { printErr(n) }
            let build = try project.requiredBuildOutput()
            let siteID = try WebsiteIDOption.parse(webSiteId, option: "--webSiteId")
            let target = try MigrationCommandSupport.target(global.environment, verbose: global.verbose)
            let upload = try await CodeSiteUpload.prepare(
                project, build: build, target: target, choices: choices(), webSiteID: siteID, create: create)
            let bundles = try await upload.staleBundles()
            var out = CodeSiteUploadReport(upload, bundles: bundles)
            show(upload, build: build, bundles: bundles)
            try upload.stopIfChecksFailed()
            guard !write.dryRun else { return finishDryRun(upload, out) }
            try confirm(upload, deleting: bundles.inTarget.count)
            let (json, verbose) = (global.json, global.verbose)
            let outcome = try await upload.deploy(
                stale: bundles.inTarget,
                runStep: { _, pending in try await CodeSiteUploadCommand.apply(pending, target: target, json: json, verbose: verbose) },
                say: { printHuman($0, json: json) })
            out.add(outcome)
            if global.json { printOut(out.jsonText()) }
            if let message = outcome.failureMessage { throw UserFacingError(message, exitCode: PortalMigrateExit.recordsFailed) }
            say(upload.doneMessage(out))
        }
    }

    /// The run's choices: `--unblock-extensions`, `--force`, `--dry-run`, `--no-verify`.
    func choices() -> RunChoices {
        var choices = RunChoices()
        choices.unblockExtensions = RunChoices.extensions(unblockExtensions)
        write.apply(to: &choices, force: force)
        return choices
    }

    /// `--dry-run`: the plan's report (and the `--json` object of phase 0); nothing written.
    func finishDryRun(_ upload: CodeSiteUpload, _ out: CodeSiteUploadReport) {
        RunRendering.printReport(upload.overall.planReport, json: false)
        if global.json { printOut(out.jsonText()) }
    }

    /// Before the first write: the warnings of phase 0, the deletions of stale bundles confirmed (--yes
    /// or a "y" on a terminal), and the blocked-list change announced.
    /// - Throws: `UserFacingError` when the deletions are not confirmed.
    func confirm(_ upload: CodeSiteUpload, deleting stale: Int) throws {
        for w in upload.overall.warningsToTell { printErr(DiagnosticRenderer.line(w)) }
        if stale > 0 && !yes { try RunRendering.confirmDeletions(stale) }
        if let notice = upload.unblockNotice { say(notice) }
    }

    /// Phase 0 as the user reads it before anything is written (`CodeSiteUpload.overview`), and the
    /// plan with --verbose or --dry-run.
    func show(_ upload: CodeSiteUpload, build: URL, bundles: StaleBundles) {
        for line in upload.overview(build: build, bundles: bundles, verbose: global.verbose) { say(line) }
        if global.verbose || write.dryRun {
            let lines = PlanRenderer.lines(upload.overall.plan) + RunRendering.skippedLines(upload.overall.plan)
            say(lines.isEmpty ? "No changes." : lines.joined(separator: "\n"))
        }
    }

    /// Applies one step (no confirmation: the command asked before the first step) and prints its summary.
    /// - Throws: `UserFacingError` when the target stopped answering; what the engine throws.
    static func apply(_ pending: PendingRun, target: RunTarget, json: Bool, verbose: Bool) async throws -> MigrationReport {
        try pending.stopIfChecksFailed()
        for w in pending.warningsToTell where w.check != .folder { printErr(DiagnosticRenderer.line(w)) }
        let report = try await RunRendering.apply(pending, target: target, json: json)
        printHuman(verbose || !report.wroteEverything ? report.humanSummary() : "  " + CodeSiteUpload.compactSummary(report), json: json)
        return report
    }

    func say(_ text: String) { printHuman(text, json: global.json) }
}

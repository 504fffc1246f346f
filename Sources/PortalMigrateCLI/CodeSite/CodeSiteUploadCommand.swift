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
            let root = URL(fileURLWithPath: rootPath)
            let project = try CodeSiteProject.read(root: root, compiledPath: compiledPath, siteName: siteName)
            defer { project.removeWorkFolder() }
            for n in project.notices { printErr(n) }
            guard let build = project.buildOutput else {
                throw UserFacingError(
                    "no build output folder: give --compiledPath or compiledPath in \(root.path)/powerpages.config.json",
                    exitCode: PortalMigrateExit.usage)
            }
            let siteID = try WebsiteIDOption.parse(webSiteId, option: "--webSiteId")
            let target = try MigrationCommandSupport.target(global.environment, verbose: global.verbose)
            var choices = RunChoices()
            choices.unblockExtensions = RunChoices.extensions(unblockExtensions)
            write.apply(to: &choices, force: force)
            let upload = try await CodeSiteUpload.prepare(project, build: build, target: target, choices: choices, webSiteID: siteID, create: create)
            let bundles = try await upload.staleBundles()
            var out = CodeSiteUploadReport(upload, layout: project.layout, bundles: bundles)
            show(upload, project: project, build: build, bundles: bundles)
            try upload.stopIfChecksFailed()
            if write.dryRun {
                RunRendering.printReport(upload.overall.planReport, json: false)
                if global.json { printOut(out.jsonText()) }
                return
            }
            try confirm(upload, deleting: bundles.inTarget.count, unblocking: choices.unblockExtensions)
            let (json, verbose) = (global.json, global.verbose)
            let outcome = try await upload.deploy(
                stale: bundles.inTarget,
                runStep: { _, pending in try await CodeSiteCommandSupport.apply(pending, target: target, json: json, verbose: verbose) },
                say: { MigrationCommandSupport.say($0, json: json) })
            out.add(outcome)
            if global.json { printOut(out.jsonText()) }
            if let message = outcome.failureMessage { throw UserFacingError(message, exitCode: PortalMigrateExit.recordsFailed) }
            say(
                "Code site uploaded: \(upload.merge.webFiles.count) build file(s) in site \(upload.binding.siteID.dataverseString), "
                    + "\(out.deletedBundles.count) stale bundle(s) deleted"
                    + (upload.sourceFiles.map { ", \($0.items.count) source file(s)" } ?? "") + ".")
        }
    }

    /// Before the first write: the warnings of phase 0, the deletions of stale bundles confirmed (--yes
    /// or a "y" on a terminal), and the blocked-list change announced.
    /// - Throws: `UserFacingError` when the deletions are not confirmed.
    func confirm(_ upload: CodeSiteUpload, deleting stale: Int, unblocking extensions: Set<String>) throws {
        for w in upload.overall.warningsToTell { printErr("warning: \(w)") }
        if stale > 0 && !yes { try RunRendering.confirmDeletions(stale) }
        if !extensions.isEmpty {
            say(
                "The target's blocked attachment list will be changed for each step (allowing "
                    + "\(extensions.sorted().joined(separator: ", "))) and restored at its end.")
        }
    }

    /// Phase 0 as the user reads it before anything is written: the site and how it was found, the
    /// build and its landing page's references, the bundle patterns and stale bundles, the source
    /// files, and the plan (with --verbose or --dry-run).
    func show(_ upload: CodeSiteUpload, project: CodeSiteProject, build: URL, bundles: StaleBundles) {
        let verbose = global.verbose
        say(upload.binding.description)
        say(
            "Build output \(build.path): \(upload.merge.webFiles.count) file(s); the landing page \(project.config.landingPage) "
                + "references \(upload.merge.landingReferences.count) file(s), all in the build.")
        for c in upload.merge.created.prefix(verbose ? .max : 20) { say("  new \(c)") }
        if upload.merge.created.count > 20 && !verbose { say("  … and \(upload.merge.created.count - 20) more (--verbose lists all)") }
        let source = upload.patterns.isDefault ? "pac's defaults (no bundleFilePatterns in powerpages.config.json)" : "bundleFilePatterns"
        say("Bundle patterns (\(source)): \(upload.patterns.patterns.joined(separator: ", "))")
        if !bundles.folderOnly.isEmpty {
            say(
                "Stale bundles in .powerpages-site/ that the new build does not hold, left out of the upload "
                    + "(the target does not have them) (\(bundles.folderOnly.count)):")
            for s in bundles.folderOnly { say("  - \(s.path) (matches \(s.pattern))") }
        }
        if bundles.inTarget.isEmpty {
            say("Stale bundles in the target: none.")
        } else {
            say("Stale bundles in the target, deleted only after the new build is uploaded and verified (\(bundles.inTarget.count)):")
            for s in bundles.inTarget { say("  - \(s.path) (\(s.id.dataverseString), matches \(s.pattern))") }
        }
        if let files = upload.sourceFiles { CodeSiteCommandSupport.show(files, json: global.json, verbose: verbose) }
        if verbose || write.dryRun {
            let lines = PlanRenderer.lines(upload.overall.plan) + RunRendering.skippedLines(upload.overall.plan)
            say(lines.isEmpty ? "No changes." : lines.joined(separator: "\n"))
        }
    }

    func say(_ text: String) { MigrationCommandSupport.say(text, json: global.json) }
}

/// The `--json` object of `code-site upload`: the site, how it was bound, the stale bundles and the
/// report of each step (`MigrationReport` JSON).
struct CodeSiteUploadReport {
    var site: UUID
    var binding: String
    var layout: String
    var buildFiles: Int
    var landingReferences: [String]
    var staleBundles: [String] = []
    var folderStaleBundles: [String] = []
    var deletedBundles: [String] = []
    var refusedBundles: [String] = []
    var phases: [String: MigrationReport] = [:]
    var sourceFiles: SourceFileOutcome?

    /// Phase 0's part: the site, how it was bound, the build and the stale bundles found.
    init(_ upload: CodeSiteUpload, layout: CodeSiteLayout, bundles: StaleBundles) {
        site = upload.binding.siteID
        binding = upload.binding.reason.rawValue
        self.layout = layout.rawValue
        buildFiles = upload.merge.webFiles.count
        landingReferences = upload.merge.landingReferences
        staleBundles = bundles.inTarget.map(\.name)
        folderStaleBundles = bundles.folderOnly.map(\.name)
    }

    /// The steps' part: each step's report, the source files, the bundles deleted and refused.
    mutating func add(_ outcome: CodeSiteDeployOutcome) {
        for (step, report) in outcome.reports { phases[step.rawValue] = report }
        sourceFiles = outcome.sourceFiles
        deletedBundles = outcome.deleted.map(\.name)
        refusedBundles = outcome.refused.map(\.name)
    }

    /// The object as JSON text (sorted keys): `{"codeSite": {site, boundBy, layout, buildFiles, landingReferences,
    /// staleBundles, folderStaleBundles, deletedBundles, refusedBundles, sourceFiles}, "steps": {step: report}}`.
    func jsonText() -> String {
        var phaseObjects: [String: Any] = [:]
        for (k, r) in phases { phaseObjects[k] = (try? JSONSerialization.jsonObject(with: Data(r.jsonText().utf8))) ?? [:] }
        let obj: [String: Any] = [
            "codeSite": [
                "site": site.dataverseString, "boundBy": binding, "layout": layout, "buildFiles": buildFiles,
                "landingReferences": landingReferences, "staleBundles": staleBundles, "folderStaleBundles": folderStaleBundles,
                "deletedBundles": deletedBundles, "refusedBundles": refusedBundles,
                "sourceFiles": sourceFiles.map {
                    [
                        "created": $0.created, "updated": $0.updated, "uploaded": $0.uploaded, "unchanged": $0.unchanged,
                        "failures": $0.failures, "differences": $0.differences,
                    ] as [String: Any]
                } ?? NSNull(),
            ] as [String: Any],
            "steps": phaseObjects,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// Shared by the code-site commands.
enum CodeSiteCommandSupport {
    /// Applies one step (no confirmation: the command asked before the first step) and prints its summary.
    /// - Throws: `UserFacingError` when the target stopped answering; what the engine throws.
    static func apply(_ pending: PendingRun, target: RunTarget, json: Bool, verbose: Bool) async throws -> MigrationReport {
        try pending.stopIfChecksFailed()
        for w in pending.warningsToTell where w.check != .folder { printErr("warning: \(w)") }
        let report = try await RunRendering.apply(pending, target: target, json: json)
        if verbose || !report.wroteEverything {
            MigrationCommandSupport.say(report.humanSummary(), json: json)
        } else {
            MigrationCommandSupport.say("  " + CodeSiteUpload.compactSummary(report), json: json)
        }
        return report
    }

    /// Phase 0's source files: what will be written, left out, or kept (the plan of `includeSource`).
    static func show(_ plan: SourceFilePlan, json: Bool, verbose: Bool) {
        MigrationCommandSupport.say(
            "Source files (includeSource): \(plan.items.count) file(s); \(plan.creates.count) new, \(plan.updates.count) changed, "
                + "\(plan.uploads.count) with new bytes, \(plan.unchanged) unchanged.", json: json)
        for (path, pattern) in plan.excluded {
            MigrationCommandSupport.say("  left out: \(path) (listed in source-files/, excluded by \(pattern))", json: json)
        }
        for item in plan.items where item.body == nil {
            MigrationCommandSupport.say(
                "  \(item.partialURL): listed in source-files/ but not in the project; its row is kept without bytes", json: json)
        }
        if !plan.onlyInTarget.isEmpty {
            MigrationCommandSupport.say(
                "  \(plan.onlyInTarget.count) source file(s) of the site that the project no longer has are kept in the target: "
                    + plan.onlyInTarget.prefix(verbose ? .max : 10).joined(separator: ", "), json: json)
        }
    }
}

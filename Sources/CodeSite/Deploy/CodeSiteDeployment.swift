import Foundation
import Migration
import PortalModel

/// The steps of a code-site upload after phase 0, in order (`CodeSiteUpload.deploy`).
public enum CodeSiteStep: String, Sendable, CaseIterable {
    /// The new build's assets (every record but the landing page's new body), verified.
    case assets
    /// The source files (`includeSource`), verified; skipped when off.
    case sourceFiles
    /// Every file the new landing page references is a web file of the target.
    case references
    /// The landing page (web file and Home copy), verified.
    case landingPage
    /// The stale bundles and tombstones deleted, each deletion checked.
    case cleanUp

    /// `Step 1 of 5: the new build's assets`.
    public func title(of count: Int = CodeSiteStep.allCases.count) -> String {
        let n = (CodeSiteStep.allCases.firstIndex(of: self) ?? 0) + 1
        switch self {
        case .assets: return "Step \(n) of \(count): the new build's assets"
        case .sourceFiles: return "Step \(n) of \(count): the source files (includeSource)"
        case .references: return "Step \(n) of \(count): every file the new landing page references"
        case .landingPage: return "Step \(n) of \(count): the landing page"
        case .cleanUp: return "Step \(n) of \(count): the stale bundles"
        }
    }
}

/// The stale bundles of an upload, as phase 0 found them: in the target (deleted in the last step)
/// and in the folder only (left out of the upload: the target does not have them).
public struct StaleBundles: Sendable {
    public var inTarget: [BuildMerge.StaleBundle]
    public var folderOnly: [BuildMerge.StaleBundle]
}

/// What `CodeSiteUpload.deploy` did, step by step, and why it stopped when it did.
public struct CodeSiteDeployOutcome: Sendable {
    /// The engine's report of each engine step (`assets`, `landingPage`, `cleanUp`).
    public var reports: [CodeSiteStep: MigrationReport] = [:]
    public var sourceFiles: SourceFileOutcome?
    /// Server logic whose code did not reach the target (`server-logic/<name>: message`).
    public var serverLogicFailures: [String] = []
    /// Landing-page references the target lacked (step `references`).
    public var missingReferences: [String] = []
    public var deleted: [BuildMerge.StaleBundle] = []
    /// Stale bundles still in the target after the clean-up (the target refused their deletion).
    public var refused: [BuildMerge.StaleBundle] = []
    /// The step that did not complete, `nil` when every step passed.
    public var failedStep: CodeSiteStep?

    /// What the user reads when a step failed: what was and was not done, and what to do (exit code 1).
    public var failureMessage: String? {
        guard let failedStep else { return nil }
        switch failedStep {
        case .assets:
            return "step 1 (the new build's assets) did not complete; the landing page was not switched and no bundle "
                + "was deleted, so the site still serves the previous build. Fix what is named above and run the same command again"
        case .sourceFiles:
            let named = (sourceFiles?.failures ?? []) + (sourceFiles?.differences ?? [])
            return "step 2 (the source files) did not complete: \(named.joined(separator: "; ")); the landing page was not switched "
                + "and no bundle was deleted, so the site still serves the previous build. Run the same command again"
        case .references:
            return "step 3: the target lacks \(missingReferences.count) file(s) the new landing page references "
                + "(\(missingReferences.joined(separator: ", "))); the landing page was not switched and nothing was deleted"
        case .landingPage:
            return "step 4 (the landing page) did not complete; no bundle was deleted. Run the same command again"
        case .cleanUp:
            if refused.isEmpty { return "step 5 (the stale bundles) did not complete; see the report above. The site serves the new build" }
            return "clean-up: the target did not delete \(refused.count) old bundle(s): "
                + refused.map { "\($0.path) (\($0.id.dataverseString))" }.joined(separator: ", ")
                + "; the site serves the new build. Delete them in the target, or run the same command again"
        }
    }
}

extension CodeSiteUpload {
    /// The stale bundles (phase 0, reads the target).
    /// - Throws: `DataverseError` from the target.
    public func staleBundles() async throws -> StaleBundles {
        let inTarget = try await staleBundlesInTarget()
        let folderOnly = merge.staleBundles.filter { s in !inTarget.contains { $0.id == s.id } }
        return StaleBundles(inTarget: inTarget, folderOnly: folderOnly)
    }

    /// Stops before the first write when a check of phase 0 failed: the engine's checks of the whole
    /// upload (unless `force`), then the source files' (blocked extensions, sizes).
    /// - Throws: `MigrationError.checksFailed`; `CodeSiteError.sourceFiles`.
    public func stopIfChecksFailed() throws {
        try overall.stopIfChecksFailed()
        if let problems = sourceFiles?.problems, !problems.isEmpty { throw CodeSiteError.sourceFiles(problems: problems) }
    }

    /// True when an engine step wrote every record and its read-back passed (`MigrationReport.wroteEverything`).
    public static func passed(_ report: MigrationReport) -> Bool { report.wroteEverything }

    /// One line for a step that passed: what it wrote, over every table, and its read-back
    /// (`created 2, updated 1, deleted 0, unchanged 137 record(s); read back and verified`).
    public static func compactSummary(_ report: MigrationReport) -> String {
        let t = report.tables.values.reduce(into: TableCounts()) { sum, c in
            sum.created += c.created
            sum.updated += c.updated
            sum.deleted += c.deleted
            sum.unchanged += c.unchanged
        }
        var text = "created \(t.created), updated \(t.updated), deleted \(t.deleted), unchanged \(t.unchanged) record(s)"
        if report.verification != nil { text += "; read back and verified" }
        if !report.unblockedExtensions.isEmpty { text += "; blocked list restored" }
        return text
    }

    /// Runs steps 1–5 (`CodeSiteStep`), each verified before the next; a step that fails stops the
    /// others, so the site keeps serving a complete build (the old one before the landing page step,
    /// the new one after). Call after phase 0's checks passed and the user agreed to the deletions.
    /// - Parameters:
    ///   - stale: the stale bundles to delete in the last step (`staleBundles().inTarget`).
    ///   - runStep: applies one engine step (the caller renders it); the engine's `PendingRun.apply`
    ///     when it has nothing to show.
    ///   - say: one line of progress for the user (a step's title, the source files' summary).
    /// - Returns: what each step did and the step that failed, if any.
    /// - Throws: what `runStep` throws; `DataverseError` when the target stops answering.
    public func deploy(
        stale: [BuildMerge.StaleBundle],
        runStep: (CodeSiteStep, PendingRun) async throws -> MigrationReport,
        say: (String) -> Void
    ) async throws -> CodeSiteDeployOutcome {
        var out = CodeSiteDeployOutcome()
        say(CodeSiteStep.assets.title())
        let assets = try await runStep(.assets, try await assetsRun())
        out.reports[.assets] = assets
        guard Self.passed(assets) else { out.failedStep = .assets; return out }
        if !project.serverLogic.isEmpty {
            let code = try await ServerLogicCode.upload(project.serverLogic, to: target.service)
            out.serverLogicFailures = code.failures
            say(
                "  server logic code: \(code.uploaded) uploaded, \(project.serverLogic.count - code.uploaded - code.failures.count) unchanged"
                    + (code.failures.isEmpty ? "; read back and verified" : "; failed: " + code.failures.joined(separator: "; ")))
            guard code.failures.isEmpty else { out.failedStep = .assets; return out }
        }

        if let sourceFiles {
            say(CodeSiteStep.sourceFiles.title())
            let result = try await sourceFiles.apply(
                to: target.service, blockedAttachmentsWriter: target.blockedAttachmentsWriter,
                targetKey: target.name ?? "default", dataDirectory: choices.dataDirectory)
            out.sourceFiles = result
            say("  " + result.summary)
            guard result.passed else { out.failedStep = .sourceFiles; return out }
        } else {
            say(CodeSiteStep.sourceFiles.title() + ": none (includeSource is off)")
        }

        out.missingReferences = try await missingLandingAssets()
        guard out.missingReferences.isEmpty else { out.failedStep = .references; return out }
        say(CodeSiteStep.references.title() + " (\(merge.landingReferences.count)) is in the target.")

        say(CodeSiteStep.landingPage.title())
        let switched = try await runStep(.landingPage, try await switchRun())
        out.reports[.landingPage] = switched
        guard Self.passed(switched) else { out.failedStep = .landingPage; return out }

        say(CodeSiteStep.cleanUp.title() + (stale.isEmpty ? ": none to delete" : ": deleting \(stale.count)"))
        let cleanUp = try await runStep(.cleanUp, try await cleanUpRun(stale))
        out.reports[.cleanUp] = cleanUp
        out.refused = try await bundlesStillPresent(stale)
        out.deleted = stale.filter { s in !out.refused.contains(s) }
        if !out.refused.isEmpty || !Self.passed(cleanUp) { out.failedStep = .cleanUp }
        return out
    }
}

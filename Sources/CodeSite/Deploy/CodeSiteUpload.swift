import Foundation
import Migration
import PortalFolder
import PortalModel

/// `code-site upload` as a use case (issue 23): a code-site project and its build output written into
/// a site through the one engine (plan, checks, journal, verify), in an order that never leaves the
/// site serving a landing page whose script answers 404 (research §A.3 F2, F3; alm-landscape N4):
///
/// 0. `prepare`: bind the site (`SiteBinding`), merge the build (`BuildMerge`), and plan and check the
///    **whole** upload once — blocked extensions, sizes, values, lookups — before anything is written;
/// 1. `uploadAssets`: every record and file except the landing page's new body (the Home content
///    pages' copy and the landing web file keep what the site has), read back and verified;
/// 2. `checkLandingAssets`: every file the new landing page references is a web file of the target;
/// 3. `switchLandingPage`: the landing page (web file and Home copy), verified;
/// 4. `cleanUp`: only now the stale bundles (web files the bundle patterns match that the new build
///    does not hold, in the folder or in the target) and `.portalconfig/manifest.yml` tombstones are
///    deleted, each deletion checked by reading the target again.
///
/// A phase that fails stops the next ones: the site keeps serving a complete build (the old one
/// before phase 3, the new one after).
public struct CodeSiteUpload: Sendable {
    public let project: CodeSiteProject
    public let merge: BuildMerge
    public let binding: SiteBinding
    public let patterns: BundlePatterns
    let target: RunTarget
    let choices: RunChoices
    let meaning: SourceMeaning
    /// The use-case kind of every step: `.upload`, or `.migrate` when the folder's site is mapped onto
    /// another site of the target (`SiteBinding.targetWebsiteID`): only that kind scopes the enhanced
    /// view to the target site, without which the target site is invisible to the plan
    /// (`MigrationUseCases.prepare`: an upload's view is not scoped to one site). The rules that
    /// differ between the two kinds are otherwise set here (models, prune off).
    let kind: RunKind
    /// The whole upload planned and checked (phase 0), for the command to show.
    public let overall: PendingRun
    /// The source files' upload (`includeSource`), planned and checked in phase 0; `nil` when off.
    public let sourceFiles: SourceFilePlan?

    /// Phase 0 (writes nothing).
    /// - Parameters:
    ///   - build: the build output folder.
    ///   - webSiteID, create: `--webSiteId`, `--create` (`SiteBinding.decide`).
    ///   - choices: the run's choices (`unblockExtensions`, `force`, `dryRun`, `verifyAfterWrite`, …);
    ///     the target website and models are set here.
    /// - Throws: `CodeSiteError` (build output, landing page references), `SiteBindingError`, what
    ///   `MigrationUseCases.prepare` throws.
    public static func prepare(
        _ project: CodeSiteProject, build: URL, target: RunTarget, choices: RunChoices,
        webSiteID: UUID?, create: Bool
    ) async throws -> CodeSiteUpload {
        let patterns = BundlePatterns(project.config.bundleFilePatterns)
        let merge = try BuildMerge.merge(project, build: build, patterns: patterns)
        guard let folderSite = project.websiteID else { throw CodeSiteError.noSiteFolder(root: project.root.path) }
        let binding = try await SiteBinding.decide(
            folderSite: folderSite, siteName: project.siteName, webSiteID: webSiteID,
            create: create, target: target.service)
        var choices = choices
        choices.targetWebsiteID = binding.targetWebsiteID
        choices.sourceModel = .enhanced
        choices.targetModel = .enhanced
        choices.prune = false
        var meaning = PacFolderSource.meaning(of: project.content)
        meaning.format = "a code site (.powerpages-site)"
        meaning.explicitDeletions = [:] // applied in phase 4 only
        meaning.explicitLinkRemovals = [:]
        var checkChoices = choices
        checkChoices.dryRun = true
        let kind: RunKind = binding.targetWebsiteID == nil ? .upload : .migrate
        let overall = try await MigrationUseCases.prepare(
            kind, source: source(merge.snapshot, project, meaning, phase: "check"),
            target: target, choices: checkChoices)
        let sourceFiles =
            project.config.includeSource
            ? try await SourceFilePlan.make(project, site: binding.siteID, target: target.service, unblockExtensions: choices.unblockExtensions)
            : nil
        return CodeSiteUpload(
            project: project, merge: merge, binding: binding, patterns: patterns, target: target, choices: choices,
            meaning: meaning, kind: kind, overall: overall, sourceFiles: sourceFiles)
    }

    static func source(_ snapshot: PortalSnapshot, _ project: CodeSiteProject, _ meaning: SourceMeaning, phase: String) -> RunSource {
        var s = snapshot
        s.websiteID = project.websiteID
        // The journal key differs per phase, so phase 2 never resumes phase 1's journal.
        return RunSource(snapshot: s, model: .enhanced, meaning: meaning, location: project.root.path + "#code-site-" + phase)
    }

    /// Phase 1: the run that uploads the new build's assets (everything but the landing page's new body).
    /// - Throws: what `MigrationUseCases.prepare` throws.
    public func assetsRun() async throws -> PendingRun {
        try await MigrationUseCases.prepare(
            kind, source: Self.source(merge.assetsOnly, project, meaning, phase: "assets"),
            target: target, choices: choices)
    }

    /// Phase 2: the web files the landing page references that the target lacks (build-relative paths);
    /// empty when every one is there. Reads the target's web files and pages of the site.
    /// - Throws: `DataverseError` from the target.
    public func missingLandingAssets() async throws -> [String] {
        let present = try await targetWebFilePaths()
        let folder = (project.config.landingPage as NSString).deletingLastPathComponent
        return merge.landingReferences.filter { ref in
            let direct = ref.lowercased(), nested = (folder as NSString).appendingPathComponent(ref).lowercased()
            return !present.contains(direct) && !present.contains(nested)
        }
    }

    /// Phase 3: the run that switches the landing page (the whole snapshot: only the landing page differs by now).
    public func switchRun() async throws -> PendingRun {
        try await MigrationUseCases.prepare(
            kind, source: Self.source(merge.snapshot, project, meaning, phase: "switch"),
            target: target, choices: choices)
    }

    /// The stale bundles of phase 4: the folder's (`merge.staleBundles`) that the target has, and the target site's web files
    /// the patterns match whose name the new build does not hold (a folder not kept between runs has
    /// none of its own: research §A.3 F2 b), by id, with the pattern that matched.
    /// - Throws: `DataverseError` from the target.
    public func staleBundlesInTarget() async throws -> [BuildMerge.StaleBundle] {
        let buildNames = Set(merge.webFiles.keys.map { ($0 as NSString).lastPathComponent.lowercased() })
        let inTarget = try await targetWebFiles()
        let targetIDs = Set(inTarget.map(\.id))
        var out = merge.staleBundles.filter { targetIDs.contains($0.id) }
        var seen = Set(out.map(\.id))
        let pages = try await targetRootPages()
        for f in inTarget {
            let name = f.string("adx_name") ?? f.string("adx_partialurl") ?? ""
            guard !buildNames.contains(name.lowercased()), let p = patterns.match(name), seen.insert(f.id).inserted else { continue }
            out.append(BuildMerge.StaleBundle(id: f.id, name: name, pattern: p, path: BuildMerge.webFilePath(f, pages: pages)))
        }
        return out.sorted { ($0.path.lowercased(), $0.id.uuidString) < ($1.path.lowercased(), $1.id.uuidString) }
    }

    /// Phase 4: deletes `stale` and the folder's manifest tombstones.
    public func cleanUpRun(_ stale: [BuildMerge.StaleBundle]) async throws -> PendingRun {
        var m = meaning
        m.explicitDeletions = PacFolderSource.meaning(of: project.content).explicitDeletions
        m.explicitLinkRemovals = PacFolderSource.meaning(of: project.content).explicitLinkRemovals
        m.explicitDeletions["adx_webfile", default: []].formUnion(stale.map(\.id))
        var choices = choices
        choices.massDelete = nil // the bundle patterns chose these deletions; they are listed before writing
        return try await MigrationUseCases.prepare(
            kind, source: Self.source(merge.snapshot, project, m, phase: "cleanup"),
            target: target, choices: choices)
    }

    /// After phase 4: the stale bundles still in the target (each deletion checked by reading again).
    public func bundlesStillPresent(_ stale: [BuildMerge.StaleBundle]) async throws -> [BuildMerge.StaleBundle] {
        let ids = Set(try await targetWebFiles().map(\.id))
        return stale.filter { ids.contains($0.id) }
    }

    /// The target site's web files (`adx_webfile` view of the bound site: name, partial URL, parent page).
    /// - Throws: `DataverseError` from the target.
    public func targetWebFiles() async throws -> [EntityRecord] {
        let view = DataModelPolicy.service(target.service, model: .enhanced, site: binding.siteID)
        return try await view.retrieveAll(RecordQuery("adx_webfile", columns: ["adx_name", "adx_partialurl", "adx_parentpageid", "adx_websiteid"]))
            .filter { $0.lookupID("adx_websiteid") == nil || $0.lookupID("adx_websiteid") == binding.siteID }
    }

    /// The target's web files as site paths (`assets/index-3f9a1c.js`, lower-cased; `BuildMerge.webFilePath`).
    func targetWebFilePaths() async throws -> Set<String> {
        let pages = try await targetRootPages()
        return Set(try await targetWebFiles().compactMap { BuildMerge.webFilePath($0, pages: pages)?.lowercased() })
    }

    /// The target site's root web pages by id.
    func targetRootPages() async throws -> [UUID: EntityRecord] {
        let view = DataModelPolicy.service(target.service, model: .enhanced, site: binding.siteID)
        let pages = try await view.retrieveAll(
            RecordQuery("adx_webpage", columns: ["adx_partialurl", "adx_parentpageid", "adx_rootwebpageid", "adx_websiteid"]))
        return Dictionary(pages.filter { $0.lookupID("adx_rootwebpageid") == nil }.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }
}

import Foundation
import Migration
import PortalModel

/// What a code-site upload found and did, as one JSON object (`code-site upload --json`): the site and
/// how it was bound, the build, the stale bundles, and each step's report (`MigrationReport` JSON).
public struct CodeSiteUploadReport: Sendable {
    public var site: UUID
    /// How the site was found (`SiteBinding.Reason` raw value).
    public var binding: String
    /// The project's `.powerpages-site` layout (`CodeSiteLayout` raw value).
    public var layout: String
    public var buildFiles: Int
    /// The build-relative paths the landing page references.
    public var landingReferences: [String]
    /// Stale bundles in the target (deleted in the last step), by name.
    public var staleBundles: [String] = []
    /// Stale bundles in the folder only (left out of the upload), by name.
    public var folderStaleBundles: [String] = []
    public var deletedBundles: [String] = []
    /// Stale bundles the target still holds after the clean-up.
    public var refusedBundles: [String] = []
    /// Each engine step's report by step name (`CodeSiteStep` raw value).
    public var steps: [String: MigrationReport] = [:]
    public var sourceFiles: SourceFileOutcome?

    /// Phase 0's part: the site, how it was bound, the build and the stale bundles found.
    public init(_ upload: CodeSiteUpload, bundles: StaleBundles) {
        site = upload.binding.siteID
        binding = upload.binding.reason.rawValue
        layout = upload.project.layout.rawValue
        buildFiles = upload.merge.webFiles.count
        landingReferences = upload.merge.landingReferences
        staleBundles = bundles.inTarget.map(\.name)
        folderStaleBundles = bundles.folderOnly.map(\.name)
    }

    /// The steps' part: each step's report, the source files, the bundles deleted and refused.
    public mutating func add(_ outcome: CodeSiteDeployOutcome) {
        for (step, report) in outcome.reports { steps[step.rawValue] = report }
        sourceFiles = outcome.sourceFiles
        deletedBundles = outcome.deleted.map(\.name)
        refusedBundles = outcome.refused.map(\.name)
    }

    /// The object as JSON text (sorted keys): `{"codeSite": {site, boundBy, layout, buildFiles, landingReferences,
    /// staleBundles, folderStaleBundles, deletedBundles, refusedBundles, sourceFiles}, "steps": {step: report}}`;
    /// `sourceFiles` is `{created, updated, uploaded, unchanged, failures, differences}` or `null`.
    public func jsonText() -> String {
        var stepObjects: [String: Any] = [:]
        for (k, r) in steps { stepObjects[k] = (try? JSONSerialization.jsonObject(with: Data(r.jsonText().utf8))) ?? [:] }
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
            "steps": stepObjects,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

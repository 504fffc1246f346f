import Foundation
import Migration

extension CodeSiteUpload {
    /// Phase 0 as a user reads it before anything is written, one line each: the site and how it was
    /// found, the build and its landing page's references, the records created for the build (the
    /// first 20 unless `verbose`), the bundle patterns, the stale bundles in the folder and in the
    /// target, and the source files (`SourceFilePlan.overview`). The plan itself is not among them.
    public func overview(build: URL, bundles: StaleBundles, verbose: Bool) -> [String] {
        var lines = [
            binding.description,
            "Build output \(build.path): \(merge.webFiles.count) file(s); the landing page \(project.config.landingPage) "
                + "references \(merge.landingReferences.count) file(s), all in the build.",
        ]
        lines += merge.created.prefix(verbose ? .max : 20).map { "  new \($0)" }
        if merge.created.count > 20 && !verbose { lines.append("  … and \(merge.created.count - 20) more (--verbose lists all)") }
        let source = patterns.isDefault ? "pac's defaults (no bundleFilePatterns in powerpages.config.json)" : "bundleFilePatterns"
        lines.append("Bundle patterns (\(source)): \(patterns.patterns.joined(separator: ", "))")
        if !bundles.folderOnly.isEmpty {
            lines.append(
                "Stale bundles in .powerpages-site/ that the new build does not hold, left out of the upload "
                    + "(the target does not have them) (\(bundles.folderOnly.count)):")
            lines += bundles.folderOnly.map { "  - \($0.path) (matches \($0.pattern))" }
        }
        if bundles.inTarget.isEmpty {
            lines.append("Stale bundles in the target: none.")
        } else {
            lines.append("Stale bundles in the target, deleted only after the new build is uploaded and verified (\(bundles.inTarget.count)):")
            lines += bundles.inTarget.map { "  - \($0.path) (\($0.id.dataverseString), matches \($0.pattern))" }
        }
        return lines + (sourceFiles?.overview(verbose: verbose) ?? [])
    }

    /// The line announcing the blocked attachment list's change for the run, `nil` when no extension
    /// is unblocked (`RunChoices.unblockExtensions`).
    public var unblockNotice: String? {
        guard !choices.unblockExtensions.isEmpty else { return nil }
        return "The target's blocked attachment list will be changed for each step (allowing "
            + "\(choices.unblockExtensions.sorted().joined(separator: ", "))) and restored at its end."
    }

    /// The last line of an upload whose every step passed.
    public func doneMessage(_ report: CodeSiteUploadReport) -> String {
        "Code site uploaded: \(merge.webFiles.count) build file(s) in site \(binding.siteID.dataverseString), "
            + "\(report.deletedBundles.count) stale bundle(s) deleted"
            + (sourceFiles.map { ", \($0.items.count) source file(s)" } ?? "") + "."
    }
}

extension SourceFilePlan {
    /// Phase 0's source files (`includeSource`) as a user reads them: what will be written, left out
    /// or kept (the target's source files the project no longer has: the first 10 unless `verbose`).
    public func overview(verbose: Bool) -> [String] {
        var lines = [
            "Source files (includeSource): \(items.count) file(s); \(creates.count) new, \(updates.count) changed, "
                + "\(uploads.count) with new bytes, \(unchanged) unchanged."
        ]
        lines += excluded.map { "  left out: \($0.path) (listed in source-files/, excluded by \($0.pattern))" }
        lines += items.filter { $0.body == nil }.map {
            "  \($0.partialURL): listed in source-files/ but not in the project; its row is kept without bytes"
        }
        if !onlyInTarget.isEmpty {
            lines.append(
                "  \(onlyInTarget.count) source file(s) of the site that the project no longer has are kept in the target: "
                    + onlyInTarget.prefix(verbose ? .max : 10).joined(separator: ", "))
        }
        return lines
    }
}

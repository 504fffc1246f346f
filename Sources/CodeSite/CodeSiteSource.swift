import Foundation
import PortalFolder
import PortalModel

/// A code-site project as a source of `plan --path`, `verify --path` and `diff --path` (the
/// `PortalSource` of the use cases): the `.powerpages-site/` records with the build output merged as
/// `code-site upload` writes it (without the stale bundles), or the records alone when the project
/// has no build output.
///
/// Example: `try CodeSiteSource(URL(fileURLWithPath: "./car-sales")).read(model: nil)`.
public struct CodeSiteSource: PortalSource {
    /// The project root (or its `.powerpages-site/` folder, taken as its parent).
    public var root: URL

    public init(_ path: URL) {
        let p = path.standardizedFileURL
        root = p.lastPathComponent == ".powerpages-site" ? p.deletingLastPathComponent() : p
    }

    /// True when `path` is a code-site project (a folder holding `.powerpages-site/website.yml`) or
    /// its `.powerpages-site/` folder in the current layout, which pac's folder reader does not read.
    public static func isProject(_ path: URL) -> Bool {
        let p = path.standardizedFileURL
        let fm = FileManager.default
        if fm.fileExists(atPath: CodeSiteProject.siteFolder(of: p).appendingPathComponent("website.yml").path) { return true }
        return p.lastPathComponent == ".powerpages-site" && fm.fileExists(atPath: p.appendingPathComponent("website.yml").path)
            && CodeSiteLayout.detect(p) == .current
    }

    public var location: String { root.path }

    /// - Throws: `CodeSiteError`, `PortalFolderError`; `DataModelMismatchError` when `model` is standard
    ///   (a code site is always of the enhanced data model, research §A.0).
    public func read(model: DataModel?) throws -> SourceRead {
        if let model, model != .enhanced {
            throw DataModelMismatchError(path: root.path, found: .enhanced, requested: model)
        }
        let project = try CodeSiteProject.read(root: root)
        var snapshot = project.content.snapshot
        if let compiled = project.config.compiledPath, !compiled.isEmpty {
            let build = URL(fileURLWithPath: compiled, relativeTo: root).standardizedFileURL
            if FileManager.default.fileExists(atPath: build.path) {
                snapshot = try BuildMerge.merge(project, build: build, patterns: BundlePatterns(project.config.bundleFilePatterns)).snapshot
            }
            // Assumption: without a build output the site's records alone are the source (plan/verify of the metadata).
        }
        snapshot.websiteID = project.websiteID
        var meaning = PacFolderSource.meaning(of: project.content)
        meaning.format = "a code site (.powerpages-site)"
        return SourceRead(snapshot: snapshot, model: .enhanced, meaning: meaning)
    }
}

import Foundation
import PortalFolder
import PortalModel

/// A code-site project read from disk: `powerpages.config.json`, the `.powerpages-site/` folder
/// (either layout) as a snapshot of the enhanced site's records (`adx_*` tables, the ids being the
/// `powerpagesite` / `powerpagecomponent` ids), and what reading it noticed.
///
/// The site folder is read by PortalFolder's enhanced reader (`readEnhanced`); a current-layout
/// folder is first rewritten key by key into the legacy layout in a work folder (`CurrentToLegacy`),
/// which `removeWorkFolder()` deletes once the snapshot's file bodies are no longer needed.
public struct CodeSiteProject: Sendable {
    /// The project root (the folder holding `powerpages.config.json` and `.powerpages-site/`).
    public var root: URL
    /// The config, with the command line's `--compiledPath` / `--siteName` applied.
    public var config: CodeSiteConfig
    /// The layout found on disk.
    public var layout: CodeSiteLayout
    /// The site's records as read (before any build is merged).
    public var content: PortalFolderContent
    /// Warnings and notices (the upgrade notice of a legacy folder first).
    public var notices: [String] = []
    /// Source files listed in `source-files/` (current layout).
    public var sourceFiles: [SourceFileEntry] = []
    /// Server logic in `server-logic/` (its records and role links are also in `content.snapshot`).
    public var serverLogic: [ServerLogicEntry] = []
    /// The work folder holding the transcoded copy while a file body still points into it; `nil` once
    /// every body points at the project's own files (the usual case) and for a legacy folder read in place.
    public var workFolder: URL?

    /// The `.powerpages-site/` folder of `root`.
    public static func siteFolder(of root: URL) -> URL { root.appendingPathComponent(".powerpages-site", isDirectory: true) }

    /// The site's id (`website.yml`).
    public var websiteID: UUID? { content.snapshot.websiteID ?? content.snapshot.records["adx_website"]?.first?.id }

    /// The site's name: `--siteName`, the config's `siteName`, else `website.yml`'s name.
    public var siteName: String? {
        config.siteName ?? content.snapshot.records["adx_website"]?.first?.string("adx_name")
    }

    /// Reads the project at `root`.
    /// - Parameters:
    ///   - compiledPath: `--compiledPath` (wins over the config).
    ///   - siteName: `--siteName` (wins over the config).
    /// - Throws: `CodeSiteError` (bad config, no site folder, a site file that is not YAML) and the
    ///   enhanced reader's `PortalFolderError` (file and line of the site folder; for a current-layout
    ///   folder the file is named as the user's file where one maps to it).
    public static func read(root: URL, compiledPath: String? = nil, siteName: String? = nil) throws -> CodeSiteProject {
        let root = root.standardizedFileURL
        var config = try CodeSiteConfig.read(projectRoot: root)
        if let compiledPath { config.compiledPath = compiledPath }
        if let siteName { config.siteName = siteName }
        let site = siteFolder(of: root)
        guard FileManager.default.fileExists(atPath: site.appendingPathComponent("website.yml").path) else {
            throw CodeSiteError.noSiteFolder(root: root.path)
        }
        let layout = CodeSiteLayout.detect(site)
        var notices: [String] = []
        var work: URL?
        var content: PortalFolderContent
        switch layout {
        case .legacy:
            notices.append(
                "notice: \(site.path) is in the code-site layout used before the August 2025 format change "
                    + "(pac refuses it: \"upload-code-site with old format is not supported\"); it is read and uploaded as is, "
                    + "and `code-site download` writes the current layout, in which: "
                    + CodeSiteLayout.upgradeChanges.joined(separator: "; ") + ".")
            content = try PortalFolder().readEnhanced(site)
        case .current:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "pm-codesite-\(UUID().uuidString.prefix(8))", isDirectory: true)
            work = folder
            var transcoder = CurrentToLegacy(source: site, target: folder)
            do {
                try transcoder.run()
                var read = try PortalFolder().readEnhanced(folder)
                // File bodies point at the user's files (the work folder's are copies), so the work folder goes now.
                read.snapshot.bodies = read.snapshot.bodies.mapValues { body in
                    guard case .file(let url) = body else { return body }
                    let rel = String(url.standardizedFileURL.path.dropFirst(folder.standardizedFileURL.path.count + 1))
                    guard let origin = transcoder.origins[rel], origin.count == 1 else { return body }
                    return .file(site.appendingPathComponent(origin[0]))
                }
                content = read
                if !read.snapshot.bodies.values.contains(where: {
                    if case .file(let u) = $0 { return u.path.hasPrefix(folder.path) }; return false
                }) {
                    try? FileManager.default.removeItem(at: folder)
                    work = nil
                }
            } catch let e as PortalFolderError {
                try? FileManager.default.removeItem(at: folder)
                let origin = e.file.flatMap { transcoder.origins[$0] }
                let named = origin.map {
                    $0.count == 1 ? ".powerpages-site/" + $0[0] : "one of " + $0.map { ".powerpages-site/" + $0 }.joined(separator: ", ")
                }
                throw CodeSiteError.badSiteFile(
                    file: named ?? ".powerpages-site/" + (e.file ?? ""), line: origin?.count == 1 ? e.line : nil,
                    problem: e.description)
            } catch {
                try? FileManager.default.removeItem(at: folder)
                throw error
            }
            for rel in transcoder.leftOut {
                notices.append("warning: .powerpages-site/\(rel): not a file of a code site's records this version reads; left out")
            }
        }
        // A web file's note is a document; older folders leave `isdocument` out (research §A.1.6: "isdocument (in later copies)"),
        // while the enhanced model always answers true: the note says so, so a read-back matches.
        content.snapshot.records["annotation"] = content.snapshot.records["annotation"]?.map { note in
            var note = note
            if note.columns["isdocument"] == nil || note.columns["isdocument"] == .null { note.columns["isdocument"] = .boolean(true) }
            return note
        }
        var project = CodeSiteProject(root: root, config: config, layout: layout, content: content, notices: notices, workFolder: work)
        project.sourceFiles = try SourceFileEntry.read(siteFolder: site)
        project.serverLogic = try ServerLogicEntry.read(siteFolder: site)
        ServerLogicEntry.add(project.serverLogic, to: &project.content.snapshot, site: project.websiteID)
        for w in content.ignored + content.warnings { project.notices.append("warning: \(w)") }
        return project
    }

    /// The build output folder (`compiledPath` relative to the root), `nil` when neither the config
    /// nor the command line names one.
    public var buildOutput: URL? {
        guard let compiled = config.compiledPath, !compiled.isEmpty else { return nil }
        return URL(fileURLWithPath: compiled, relativeTo: root).standardizedFileURL
    }

    /// The build output folder (`buildOutput`), which an upload needs.
    /// - Throws: `CodeSiteError.noBuildOutput` saying where to name one (`--compiledPath` or
    ///   `compiledPath` in `powerpages.config.json`).
    public func requiredBuildOutput() throws -> URL {
        guard let buildOutput else {
            throw CodeSiteError.noBuildOutput(
                problem: "no build output folder: give --compiledPath or compiledPath in \(root.path)/powerpages.config.json")
        }
        return buildOutput
    }

    /// Deletes the work folder (after the snapshot's file bodies were uploaded).
    public func removeWorkFolder() {
        if let workFolder { try? FileManager.default.removeItem(at: workFolder) }
    }
}

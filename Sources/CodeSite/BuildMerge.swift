import Foundation
import PortalFolder
import PortalModel

/// A build output merged into a code site's records (research/code-sites-and-admin-api.md §A.1.4):
///
/// 1. every file under `compiledPath` is a web file named by its file name, under the web page of its
///    folder (Home for the top);
/// 2. every sub-folder is a web page named after it (`partialurl` = folder name, parent = the page of
///    the parent folder), with one content page per website language;
/// 3. the Home content pages' `copy` is the landing page's text;
/// 4. the site setting `CodeSite/Enabled = true` exists.
///
/// Existing records are matched by parent page and name, ignoring case (research §A.1.3: web-file
/// folders come back lower-cased), so an unchanged name keeps its id and a rebuilt file only changes
/// its note's bytes. Web files matched by the bundle patterns that the new build does not hold are
/// the **stale bundles**: taken out of the snapshot (so they are never uploaded) and returned, to be
/// deleted only after the new build is in the target and verified.
public struct BuildMerge: Sendable {
    /// The snapshot to upload: the site's records with the build merged, stale bundles left out.
    public var snapshot: PortalSnapshot
    /// The same snapshot without the landing page's new body (the Home content pages and the landing
    /// web file's note are left out, so the target keeps what it has): what phase 1 uploads, so the
    /// site keeps serving the old page until every asset the new one references is in the target.
    public var assetsOnly: PortalSnapshot
    /// Web files of the site folder matched by the patterns and absent from the build.
    public var staleBundles: [StaleBundle]
    /// The build's files as web files: build-relative path → web file id.
    public var webFiles: [String: UUID]
    /// Paths the landing page references (relative to the build output).
    public var landingReferences: [String]
    /// The landing page's web file id.
    public var landingWebFile: UUID?
    /// Records created for the build (new web pages and web files), for messages.
    public var created: [String] = []

    /// A web file to delete after the switch.
    public struct StaleBundle: Sendable, Equatable {
        public var id: UUID
        public var name: String
        public var pattern: String
        /// Where the site serves it (`browser/chunk-5XZ6AZEN.js`): its page chain below Home, then its
        /// partial URL; the name alone when its page is not in the site (a dangling parent, research §A.1.4 item 7).
        public var path: String

        public init(id: UUID, name: String, pattern: String, path: String? = nil) {
            self.id = id
            self.name = name
            self.pattern = pattern
            self.path = path ?? name
        }
    }

    /// The site path of a web page (`app/browser`; `""` for Home): the partial URLs of its chain of
    /// parent pages below the root page without parent. `nil` for a page not in `pages` or a chain
    /// that does not reach Home (dangling parents, loops: at most 64 steps, no recursion).
    public static func pagePath(_ page: UUID?, pages: [UUID: EntityRecord]) -> String? {
        var parts: [String] = [], current = page, hops = 0
        while let id = current, let p = pages[id], hops < 64 {
            hops += 1
            guard let parent = p.lookupID("adx_parentpageid") else { return parts.reversed().joined(separator: "/") }
            parts.append(p.string("adx_partialurl") ?? "")
            current = parent
        }
        return nil
    }

    /// The site path of a web file (`assets/index-3f9a1c.js`), `nil` when its page chain does not reach Home.
    public static func webFilePath(_ file: EntityRecord, pages: [UUID: EntityRecord]) -> String? {
        guard let dir = pagePath(file.lookupID("adx_parentpageid"), pages: pages),
            let name = file.string("adx_partialurl") ?? file.string("adx_name")
        else { return nil }
        return dir.isEmpty ? name : dir + "/" + name
    }

    /// Merges the build output at `build` into `project`'s records.
    /// - Throws: `CodeSiteError.noBuildOutput` when `build` is not a folder or holds no landing page;
    ///   `CodeSiteError.missingAssets` when the landing page references a file the build lacks;
    ///   `CodeSiteError.badSiteFile` when the site has no Home page or no website language.
    public static func merge(_ project: CodeSiteProject, build: URL, patterns: BundlePatterns) throws -> BuildMerge {
        let files = try buildFiles(build)
        let landing = try LandingInput.read(build: build, files: files, landingPage: project.config.landingPage)
        let anchors = try SiteAnchors(project.content.snapshot, site: project.websiteID ?? UUID())
        var result = BuildMerge(
            snapshot: anchors.snapshot, assetsOnly: anchors.snapshot, staleBundles: [], webFiles: [:],
            landingReferences: landing.references)
        let pageByPath = result.mergeFolders(of: files, anchors)
        let kept = result.mergeWebFiles(files, build: build, landingPage: landing.path, pageByPath: pageByPath, anchors)
        result.takeOutStaleBundles(keeping: kept, patterns: patterns, anchors)
        result.setLandingCopy(landing.html, anchors)
        result.enableCodeSite(anchors)
        return result
    }

    mutating func add(_ record: EntityRecord) {
        snapshot.add(record)
        assetsOnly.add(record)
    }

    mutating func replace(_ record: EntityRecord) {
        for s in [\BuildMerge.snapshot, \BuildMerge.assetsOnly] {
            if self[keyPath: s].records[record.logicalName]?.contains(where: { $0.id == record.id }) == true {
                self[keyPath: s].records[record.logicalName] = self[keyPath: s].records[record.logicalName]!.map { $0.id == record.id ? record : $0 }
            } else {
                self[keyPath: s].add(record)
            }
        }
    }

    /// The Home page: the root web page with partial URL `/` and no parent (the Home site marker's page first).
    static func homePage(_ snapshot: PortalSnapshot) -> EntityRecord? {
        let pages = snapshot.records["adx_webpage"] ?? []
        if let marker = (snapshot.records["adx_sitemarker"] ?? []).first(where: { $0.string("adx_name") == "Home" }),
            let id = marker.lookupID("adx_pageid"), let page = pages.first(where: { $0.id == id })
        {
            return page
        }
        return pages.first { $0.string("adx_partialurl") == "/" && $0.lookupID("adx_parentpageid") == nil && $0.lookupID("adx_rootwebpageid") == nil }
    }

    /// The files of the build output (relative paths with `/`, sorted); symbolic links are refused.
    /// - Throws: `CodeSiteError.noBuildOutput` when `build` is not a folder or links outside.
    public static func buildFiles(_ build: URL) throws -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: build.path, isDirectory: &isDir), isDir.boolValue else {
            throw CodeSiteError.noBuildOutput(
                problem: "the build output folder \(build.path) does not exist; build the project "
                    + "(npm run build) or give --compiledPath / compiledPath in powerpages.config.json")
        }
        return try ProjectTree.files(
            under: build,
            links: .refuse { rel in
                CodeSiteError.noBuildOutput(problem: "\(build.path)/\(rel) is a symbolic link; the build output must hold the files themselves")
            })
    }
}

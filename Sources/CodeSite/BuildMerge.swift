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
        let snapshot = project.content.snapshot
        let files = try buildFiles(build)
        let landing = project.config.landingPage
        guard files.contains(where: { $0.caseInsensitiveCompare(landing) == .orderedSame }) else {
            throw CodeSiteError.noBuildOutput(
                problem: "the build output \(build.path) has no landing page \(landing) "
                    + "(defaultLandingPage); build the project first, or pass --compiledPath")
        }
        let html = String(decoding: try Data(contentsOf: build.appendingPathComponent(landing)), as: UTF8.self)
        let references = LandingPage.references(in: html)
        let landingFolder = (landing as NSString).deletingLastPathComponent
        let lowerFiles = Set(files.map { $0.lowercased() })
        let missing = references.filter { ref in
            !lowerFiles.contains(ref.lowercased()) && !lowerFiles.contains(((landingFolder as NSString).appendingPathComponent(ref)).lowercased())
        }
        if !missing.isEmpty { throw CodeSiteError.missingAssets(landingPage: landing, missing: missing) }

        let site = project.websiteID ?? UUID()
        let pages = snapshot.records["adx_webpage"] ?? []
        guard let home = homePage(snapshot) else {
            throw CodeSiteError.badSiteFile(
                file: ".powerpages-site/web-pages", line: nil,
                problem: "the site has no Home page (a root web page with partial URL /); download the site again")
        }
        let languages = snapshot.records["adx_websitelanguage"] ?? []
        guard !languages.isEmpty else {
            throw CodeSiteError.badSiteFile(file: ".powerpages-site/site-languages", line: nil, problem: "the site has no website language")
        }
        let published =
            (snapshot.records["adx_publishingstate"] ?? []).first { $0.string("adx_name")?.lowercased() == "published" }
            ?? (snapshot.records["adx_publishingstate"] ?? []).first
        var result = BuildMerge(snapshot: snapshot, assetsOnly: snapshot, staleBundles: [], webFiles: [:], landingReferences: references)

        // Pages by (parent, partial URL), root pages only.
        var pageByPath: [String: UUID] = ["": home.id]
        func key(_ parent: UUID, _ segment: String) -> String { parent.uuidString + "/" + segment.lowercased() }
        var rootPages: [String: UUID] = [:]
        for p in pages where p.columns["adx_isroot"] == .boolean(true) || p.lookupID("adx_rootwebpageid") == nil {
            if let parent = p.lookupID("adx_parentpageid"), let url = p.string("adx_partialurl") { rootPages[key(parent, url)] = p.id }
        }
        let pageTemplate =
            pages.first { $0.id != home.id && $0.lookupID("adx_parentpageid") == home.id }?.columns["adx_pagetemplateid"]
            ?? home.columns["adx_pagetemplateid"]
        let folders = Set(
            files.compactMap { f -> String? in
                let d = (f as NSString).deletingLastPathComponent
                return d.isEmpty ? nil : d
            }
        ).flatMap { d -> [String] in
            let parts = d.split(separator: "/").map(String.init)
            return (1...parts.count).map { parts.prefix($0).joined(separator: "/") }
        }
        for folder in Set(folders).sorted(by: { $0.split(separator: "/").count < $1.split(separator: "/").count || $0 < $1 }) {
            let parentPath = (folder as NSString).deletingLastPathComponent
            let segment = (folder as NSString).lastPathComponent
            let parent = pageByPath[parentPath]!
            if let existing = rootPages[key(parent, segment)] { pageByPath[folder] = existing; continue }
            let id = UUID()
            pageByPath[folder] = id
            var page = EntityRecord(
                "adx_webpage", id: id,
                columns: [
                    "adx_name": .string(segment), "adx_partialurl": .string(segment), "adx_title": .string(segment),
                    "adx_parentpageid": .lookup(EntityReference("adx_webpage", parent)), "adx_isroot": .boolean(true),
                    "adx_displayorder": .integer(2), "adx_feedbackpolicy": .choice(756150000),
                    "adx_hiddenfromsitemap": .boolean(false), "adx_excludefromsearch": .boolean(false),
                    "adx_enablerating": .boolean(false), "adx_enabletracking": .boolean(false),
                    "adx_sharedpageconfiguration": .boolean(false), "adx_websiteid": .lookup(EntityReference("adx_website", site)),
                ])
            if let pageTemplate { page.columns["adx_pagetemplateid"] = pageTemplate }
            if let published { page.columns["adx_publishingstateid"] = .lookup(published.reference) }
            result.add(page)
            result.created.append("web page \(folder)")
            for language in languages {
                var content = page
                content.id = UUID()
                content.columns["adx_isroot"] = .boolean(false)
                content.columns["adx_rootwebpageid"] = .lookup(page.reference)
                content.columns["adx_webpagelanguageid"] = .lookup(language.reference)
                result.add(content)
            }
        }

        // Web files by (parent page, name).
        var webFileByKey: [String: EntityRecord] = [:]
        for f in snapshot.records["adx_webfile"] ?? [] {
            if let parent = f.lookupID("adx_parentpageid"), let name = f.string("adx_partialurl") ?? f.string("adx_name") {
                webFileByKey[key(parent, name)] = f
            }
        }
        let notesByFile = Dictionary(
            (snapshot.records["annotation"] ?? []).compactMap { n in n.lookupID("objectid").map { ($0, n) } },
            uniquingKeysWith: { a, _ in a })
        let templateFile = (snapshot.records["adx_webfile"] ?? []).first
        var kept: Set<UUID> = []
        for file in files {
            let name = (file as NSString).lastPathComponent
            let parent = pageByPath[(file as NSString).deletingLastPathComponent]!
            let url = build.appendingPathComponent(file)
            var record: EntityRecord
            if let existing = webFileByKey[key(parent, name)] {
                record = existing
            } else {
                record = EntityRecord("adx_webfile", id: UUID(), columns: templateFile?.columns ?? [:])
                for c in ["adx_webfileid", "adx_displayorder", "adx_summary"] { record.columns[c] = nil }
                record.columns["adx_name"] = .string(name)
                record.columns["adx_partialurl"] = .string(name)
                record.columns["adx_parentpageid"] = .lookup(EntityReference("adx_webpage", parent))
                record.columns["adx_websiteid"] = .lookup(EntityReference("adx_website", site))
                if templateFile == nil {
                    for c in ["adx_enabletracking", "adx_excludefromsearch", "adx_hiddenfromsitemap"] { record.columns[c] = .boolean(false) }
                    record.columns["adx_contentdisposition"] = .choice(756150000)
                }
                if let published { record.columns["adx_publishingstateid"] = .lookup(published.reference) }
                result.created.append("web file \(file)")
                result.add(record)
            }
            kept.insert(record.id)
            result.webFiles[file] = record.id
            var note = notesByFile[record.id] ?? EntityRecord("annotation", id: WebFileNote.id(forWebFile: record.id))
            note.columns["objectid"] = .lookup(record.reference)
            note.columns["objecttypecode"] = .string("adx_webfile")
            note.columns["filename"] = .string(name)
            note.columns["isdocument"] = .boolean(true)
            if note.columns["mimetype"] == nil || notesByFile[record.id] == nil {
                note.columns["mimetype"] = .string(WebFileNote.mimeType(forFileName: name))
            }
            result.replace(note)
            result.snapshot.bodies[FileBodyKey("annotation", note.id, "documentbody")] = .file(url)
            if file.caseInsensitiveCompare(landing) == .orderedSame {
                result.landingWebFile = record.id
                // Phase 1 leaves the landing page's body as the target has it: the note is not in that snapshot.
                result.assetsOnly.bodies[FileBodyKey("annotation", note.id, "documentbody")] = nil
                result.assetsOnly.records["annotation"]?.removeAll { $0.id == note.id }
            } else {
                result.assetsOnly.bodies[FileBodyKey("annotation", note.id, "documentbody")] = .file(url)
            }
        }

        // Stale bundles: the site folder's web files the patterns match and the build does not hold.
        let rootPagesByID = Dictionary(pages.filter { $0.lookupID("adx_rootwebpageid") == nil }.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for f in snapshot.records["adx_webfile"] ?? [] where !kept.contains(f.id) {
            let name = f.string("adx_name") ?? f.string("adx_partialurl") ?? ""
            guard let pattern = patterns.match(name) else { continue }
            result.staleBundles.append(StaleBundle(id: f.id, name: name, pattern: pattern, path: webFilePath(f, pages: rootPagesByID)))
            for s in [\BuildMerge.snapshot, \BuildMerge.assetsOnly] {
                result[keyPath: s].records["adx_webfile"]?.removeAll { $0.id == f.id }
                if let note = notesByFile[f.id] {
                    result[keyPath: s].records["annotation"]?.removeAll { $0.id == note.id }
                    result[keyPath: s].bodies[FileBodyKey("annotation", note.id, "documentbody")] = nil
                }
            }
        }

        // Landing page into the Home content pages' copy (phase 2 only), CodeSite/Enabled.
        // Phase 1 leaves the Home content pages as the target has them: they are not in that snapshot
        // (nothing looks a content page up), so the site serves the old landing page until the switch.
        for var content in pages where content.lookupID("adx_rootwebpageid") == home.id && content.id != home.id {
            content.columns["adx_copy"] = .string(html)
            result.snapshot.records["adx_webpage"] = result.snapshot.records["adx_webpage"]!.map { $0.id == content.id ? content : $0 }
            result.assetsOnly.records["adx_webpage"]?.removeAll { $0.id == content.id }
        }
        let settings = snapshot.records["adx_sitesetting"] ?? []
        if !settings.contains(where: { $0.string("adx_name")?.lowercased() == "codesite/enabled" }) {
            let setting = EntityRecord(
                "adx_sitesetting", id: UUID(),
                columns: [
                    "adx_name": .string("CodeSite/Enabled"), "adx_value": .string("true"), "adx_description": .string("Site created from code"),
                    "adx_websiteid": .lookup(EntityReference("adx_website", site)),
                ])
            result.add(setting)
            result.created.append("site setting CodeSite/Enabled")
        }
        return result
    }

    private mutating func add(_ record: EntityRecord) {
        snapshot.add(record)
        assetsOnly.add(record)
    }

    private mutating func replace(_ record: EntityRecord) {
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
        var out: [String] = [], pending = [""]
        while let dir = pending.popLast() {
            let url = dir.isEmpty ? build : build.appendingPathComponent(dir)
            for name in try FileManager.default.contentsOfDirectory(atPath: url.path) {
                let rel = dir.isEmpty ? name : dir + "/" + name
                let values = try build.appendingPathComponent(rel).resourceValues(forKeys: [.isDirectoryKey, .isSymbolicLinkKey])
                if values.isSymbolicLink == true {
                    throw CodeSiteError.noBuildOutput(
                        problem: "\(build.path)/\(rel) is a symbolic link; the build output must hold the files themselves")
                }
                if values.isDirectory == true { pending.append(rel) } else { out.append(rel) }
            }
        }
        return out.sorted()
    }
}

import Foundation
import PortalFolder
import PortalModel

// The steps of `BuildMerge.merge`, in order: the landing page read and checked, the site's anchors
// (Home, languages, publishing state), build folders as web pages, build files as web files with
// their notes, stale bundles taken out, the landing page into the Home content pages, and the
// `CodeSite/Enabled` setting. Each step reads the snapshot as the project has it and writes into
// `snapshot` (everything) and `assetsOnly` (phase 1: without the landing page's new body).

extension BuildMerge {
    /// The landing page of a build: its path (as configured), its text and the paths it references.
    struct LandingInput {
        var path: String
        var html: String
        var references: [String]

        /// Reads and checks the landing page of `build`.
        /// - Throws: `CodeSiteError.noBuildOutput` when the build holds no such file;
        ///   `CodeSiteError.missingAssets` when it references files the build lacks.
        static func read(build: URL, files: [String], landingPage landing: String) throws -> LandingInput {
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
                !lowerFiles.contains(ref.lowercased())
                    && !lowerFiles.contains(((landingFolder as NSString).appendingPathComponent(ref)).lowercased())
            }
            if !missing.isEmpty { throw CodeSiteError.missingAssets(landingPage: landing, missing: missing) }
            return LandingInput(path: landing, html: html, references: references)
        }
    }

    /// What every step hangs new records on: the site's snapshot, its id, Home page, website
    /// languages, published state and the template of new pages.
    struct SiteAnchors {
        var snapshot: PortalSnapshot
        var site: UUID
        var pages: [EntityRecord]
        var home: EntityRecord
        var languages: [EntityRecord]
        var published: EntityRecord?
        var pageTemplate: FieldValue?

        /// - Throws: `CodeSiteError.badSiteFile` when the site has no Home page or no website language.
        init(_ snapshot: PortalSnapshot, site: UUID) throws {
            self.snapshot = snapshot
            self.site = site
            pages = snapshot.records["adx_webpage"] ?? []
            guard let home = BuildMerge.homePage(snapshot) else {
                throw CodeSiteError.badSiteFile(
                    file: ".powerpages-site/web-pages", line: nil,
                    problem: "the site has no Home page (a root web page with partial URL /); download the site again")
            }
            self.home = home
            languages = snapshot.records["adx_websitelanguage"] ?? []
            guard !languages.isEmpty else {
                throw CodeSiteError.badSiteFile(
                    file: ".powerpages-site/site-languages", line: nil, problem: "the site has no website language")
            }
            let states = snapshot.records["adx_publishingstate"] ?? []
            published = states.first { $0.string("adx_name")?.lowercased() == "published" } ?? states.first
            pageTemplate =
                pages.first { $0.id != home.id && $0.lookupID("adx_parentpageid") == home.id }?.columns["adx_pagetemplateid"]
                ?? home.columns["adx_pagetemplateid"]
        }

        /// The key of a child by parent and name, ignoring case (web-file folders come back lower-cased).
        static func key(_ parent: UUID, _ segment: String) -> String { parent.uuidString + "/" + segment.lowercased() }

        var websiteLookup: FieldValue { .lookup(EntityReference("adx_website", site)) }
    }

    /// Step: every folder of the build becomes a root web page under the page of its parent folder
    /// (matched by parent and partial URL when it exists), with one content page per website language.
    /// - Returns: build folder path (`""` for the top) → web page id.
    mutating func mergeFolders(of files: [String], _ a: SiteAnchors) -> [String: UUID] {
        var pageByPath: [String: UUID] = ["": a.home.id]
        var rootPages: [String: UUID] = [:]
        for p in a.pages where p.columns["adx_isroot"] == .boolean(true) || p.lookupID("adx_rootwebpageid") == nil {
            if let parent = p.lookupID("adx_parentpageid"), let url = p.string("adx_partialurl") {
                rootPages[SiteAnchors.key(parent, url)] = p.id
            }
        }
        let folders = Set(
            files.compactMap { f -> String? in
                let d = (f as NSString).deletingLastPathComponent
                return d.isEmpty ? nil : d
            }
        ).flatMap { d -> [String] in
            let parts = d.split(separator: "/").map(String.init)
            return (1...parts.count).map { parts.prefix($0).joined(separator: "/") }
        }
        // Parents before children: by depth, then by name.
        for folder in Set(folders).sorted(by: { $0.split(separator: "/").count < $1.split(separator: "/").count || $0 < $1 }) {
            let segment = (folder as NSString).lastPathComponent
            let parent = pageByPath[(folder as NSString).deletingLastPathComponent]!
            if let existing = rootPages[SiteAnchors.key(parent, segment)] {
                pageByPath[folder] = existing
                continue
            }
            let page = Self.newPage(named: segment, parent: parent, a)
            pageByPath[folder] = page.id
            add(page)
            created.append("web page \(folder)")
            for language in a.languages {
                var content = page
                content.id = UUID()
                content.columns["adx_isroot"] = .boolean(false)
                content.columns["adx_rootwebpageid"] = .lookup(page.reference)
                content.columns["adx_webpagelanguageid"] = .lookup(language.reference)
                add(content)
            }
        }
        return pageByPath
    }

    /// A new root web page for a build folder.
    static func newPage(named segment: String, parent: UUID, _ a: SiteAnchors) -> EntityRecord {
        var page = EntityRecord(
            "adx_webpage", id: UUID(),
            columns: [
                "adx_name": .string(segment), "adx_partialurl": .string(segment), "adx_title": .string(segment),
                "adx_parentpageid": .lookup(EntityReference("adx_webpage", parent)), "adx_isroot": .boolean(true),
                "adx_displayorder": .integer(2), "adx_feedbackpolicy": .choice(756150000),
                "adx_hiddenfromsitemap": .boolean(false), "adx_excludefromsearch": .boolean(false),
                "adx_enablerating": .boolean(false), "adx_enabletracking": .boolean(false),
                "adx_sharedpageconfiguration": .boolean(false), "adx_websiteid": a.websiteLookup,
            ])
        if let template = a.pageTemplate { page.columns["adx_pagetemplateid"] = template }
        if let published = a.published { page.columns["adx_publishingstateid"] = .lookup(published.reference) }
        return page
    }

    /// Step: every file of the build becomes a web file under the page of its folder (matched by
    /// parent page and name, so an unchanged name keeps its id), its note's body the file on disk. The
    /// landing page's note stays out of `assetsOnly` (phase 1 keeps the target's landing page).
    /// - Returns: the ids of the web files the build holds.
    mutating func mergeWebFiles(
        _ files: [String], build: URL, landingPage landing: String, pageByPath: [String: UUID], _ a: SiteAnchors
    ) -> Set<UUID> {
        var webFileByKey: [String: EntityRecord] = [:]
        for f in a.snapshot.records["adx_webfile"] ?? [] {
            if let parent = f.lookupID("adx_parentpageid"), let name = f.string("adx_partialurl") ?? f.string("adx_name") {
                webFileByKey[SiteAnchors.key(parent, name)] = f
            }
        }
        let notesByFile = Self.notesByWebFile(a.snapshot)
        let templateFile = (a.snapshot.records["adx_webfile"] ?? []).first
        var kept: Set<UUID> = []
        for file in files {
            let name = (file as NSString).lastPathComponent
            let parent = pageByPath[(file as NSString).deletingLastPathComponent]!
            let url = build.appendingPathComponent(file)
            let record: EntityRecord
            if let existing = webFileByKey[SiteAnchors.key(parent, name)] {
                record = existing
            } else {
                record = Self.newWebFile(named: name, parent: parent, template: templateFile, a)
                created.append("web file \(file)")
                add(record)
            }
            kept.insert(record.id)
            webFiles[file] = record.id
            var note = notesByFile[record.id] ?? EntityRecord("annotation", id: WebFileNote.id(forWebFile: record.id))
            note.columns["objectid"] = .lookup(record.reference)
            note.columns["objecttypecode"] = .string("adx_webfile")
            note.columns["filename"] = .string(name)
            note.columns["isdocument"] = .boolean(true)
            if note.columns["mimetype"] == nil || notesByFile[record.id] == nil {
                note.columns["mimetype"] = .string(WebFileNote.mimeType(forFileName: name))
            }
            replace(note)
            let bodyKey = FileBodyKey("annotation", note.id, "documentbody")
            snapshot.bodies[bodyKey] = .file(url)
            if file.caseInsensitiveCompare(landing) == .orderedSame {
                landingWebFile = record.id
                // Phase 1 leaves the landing page's body as the target has it: the note is not in that snapshot.
                assetsOnly.bodies[bodyKey] = nil
                assetsOnly.records["annotation"]?.removeAll { $0.id == note.id }
            } else {
                assetsOnly.bodies[bodyKey] = .file(url)
            }
        }
        return kept
    }

    /// A new web file for a build file, its columns copied from an existing web file of the site when
    /// there is one (or the defaults a web file needs).
    static func newWebFile(named name: String, parent: UUID, template: EntityRecord?, _ a: SiteAnchors) -> EntityRecord {
        var record = EntityRecord("adx_webfile", id: UUID(), columns: template?.columns ?? [:])
        for c in ["adx_webfileid", "adx_displayorder", "adx_summary"] { record.columns[c] = nil }
        record.columns["adx_name"] = .string(name)
        record.columns["adx_partialurl"] = .string(name)
        record.columns["adx_parentpageid"] = .lookup(EntityReference("adx_webpage", parent))
        record.columns["adx_websiteid"] = a.websiteLookup
        if template == nil {
            for c in ["adx_enabletracking", "adx_excludefromsearch", "adx_hiddenfromsitemap"] { record.columns[c] = .boolean(false) }
            record.columns["adx_contentdisposition"] = .choice(756150000)
        }
        if let published = a.published { record.columns["adx_publishingstateid"] = .lookup(published.reference) }
        return record
    }

    /// The note of each web file (the first, when a web file has several).
    static func notesByWebFile(_ snapshot: PortalSnapshot) -> [UUID: EntityRecord] {
        Dictionary(
            (snapshot.records["annotation"] ?? []).compactMap { n in n.lookupID("objectid").map { ($0, n) } },
            uniquingKeysWith: { a, _ in a })
    }

    /// Step: the site's web files that the bundle patterns match and the build does not hold become
    /// `staleBundles`, taken out of both snapshots with their notes and bodies (deleted only after the
    /// switch, by the caller).
    mutating func takeOutStaleBundles(keeping kept: Set<UUID>, patterns: BundlePatterns, _ a: SiteAnchors) {
        let notesByFile = Self.notesByWebFile(a.snapshot)
        let rootPagesByID = Dictionary(
            a.pages.filter { $0.lookupID("adx_rootwebpageid") == nil }.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for f in a.snapshot.records["adx_webfile"] ?? [] where !kept.contains(f.id) {
            let name = f.string("adx_name") ?? f.string("adx_partialurl") ?? ""
            guard let pattern = patterns.match(name) else { continue }
            staleBundles.append(
                StaleBundle(id: f.id, name: name, pattern: pattern, path: Self.webFilePath(f, pages: rootPagesByID)))
            for s in [\BuildMerge.snapshot, \BuildMerge.assetsOnly] {
                self[keyPath: s].records["adx_webfile"]?.removeAll { $0.id == f.id }
                if let note = notesByFile[f.id] {
                    self[keyPath: s].records["annotation"]?.removeAll { $0.id == note.id }
                    self[keyPath: s].bodies[FileBodyKey("annotation", note.id, "documentbody")] = nil
                }
            }
        }
    }

    /// Step: the landing page's text into the Home content pages' `adx_copy` (phase 2 only). Phase 1
    /// leaves the Home content pages as the target has them: they are not in `assetsOnly` (nothing
    /// looks a content page up), so the site serves the old landing page until the switch.
    mutating func setLandingCopy(_ html: String, _ a: SiteAnchors) {
        for var content in a.pages where content.lookupID("adx_rootwebpageid") == a.home.id && content.id != a.home.id {
            content.columns["adx_copy"] = .string(html)
            snapshot.records["adx_webpage"] = snapshot.records["adx_webpage"]!.map { $0.id == content.id ? content : $0 }
            assetsOnly.records["adx_webpage"]?.removeAll { $0.id == content.id }
        }
    }

    /// Step: the site setting `CodeSite/Enabled = true`, unless the site has it (any case).
    mutating func enableCodeSite(_ a: SiteAnchors) {
        let settings = a.snapshot.records["adx_sitesetting"] ?? []
        guard !settings.contains(where: { $0.string("adx_name")?.lowercased() == "codesite/enabled" }) else { return }
        add(
            EntityRecord(
                "adx_sitesetting", id: UUID(),
                columns: [
                    "adx_name": .string("CodeSite/Enabled"), "adx_value": .string("true"),
                    "adx_description": .string("Site created from code"), "adx_websiteid": a.websiteLookup,
                ]))
        created.append("site setting CodeSite/Enabled")
    }
}

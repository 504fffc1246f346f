import Foundation
import PortalModel

/// A seeded generator of standard-model portals (`adx_*`) of a chosen size, for tests and the benchmark.
///
/// The same seed and parameters always give the same snapshot (ids, names, values, file bytes), built from
/// a SplitMix64 stream. Shape: one website with one website language (English, LCID 1033) and the
/// website ↔ website language cycle, publishing states, web templates, page templates, a page tree of root
/// pages each with its content page, web files with one note each (bodies totalling `webFileBytes`), content
/// snippets, site settings (some with secret-looking names), web roles, site markers, web link sets and
/// links, table permissions and page access rules linked to roles through N:N relationships.
///
/// Example: `let s = SyntheticPortal.generate(seed: 7, records: 2_000, webFileBytes: 1_000_000)`.
public enum SyntheticPortal {
    /// The portal language's LCID the generated website uses.
    public static let lcid = 1033

    /// Generates a portal snapshot.
    /// - Parameters:
    ///   - seed: the random seed.
    ///   - records: the approximate total number of records, 500…30,000 (values outside are clamped).
    ///   - webFileBytes: the total size of the web files' bodies, spread over the files.
    /// - Returns: a snapshot whose `websiteID` is the generated website.
    public static func generate(seed: UInt64, records: Int = 500, webFileBytes: Int = 100_000) -> PortalSnapshot {
        var rng = SplitMix64(seed: seed)
        let total = min(max(records, 500), 30_000)
        var s = PortalSnapshot()
        func id() -> UUID { rng.uuid() }
        func ref(_ t: String, _ u: UUID) -> FieldValue { .lookup(EntityReference(t, u)) }

        let website = id(), portalLanguage = id(), websiteLanguage = id()
        s.websiteID = website
        let header = id(), footer = id()
        s.add(
            EntityRecord(
                "adx_portallanguage", id: portalLanguage,
                columns: [
                    "adx_name": .string("English"), "adx_lcid": .integer(Int32(lcid)), "adx_languagecode": .string("en-US"),
                    "adx_systemlanguage": .integer(Int32(lcid)), "adx_displayname": .string("English"),
                ]))
        s.add(
            EntityRecord(
                "adx_website", id: website,
                columns: [
                    "adx_name": .string("Synthetic \(seed)"), "adx_primarydomainname": .string("synthetic-\(seed).example"),
                    "adx_defaultlanguage": ref("adx_websitelanguage", websiteLanguage),
                    "adx_headerwebtemplateid": ref("adx_webtemplate", header), "adx_footerwebtemplateid": ref("adx_webtemplate", footer),
                ]))
        let site = ref("adx_website", website)
        let published = id(), draft = id()
        s.add(
            EntityRecord(
                "adx_publishingstate", id: published,
                columns: [
                    "adx_name": .string("Published"), "adx_websiteid": site, "adx_isvisible": .boolean(true),
                    "adx_isdefault": .boolean(true), "adx_displayorder": .integer(2),
                ]))
        s.add(
            EntityRecord(
                "adx_publishingstate", id: draft,
                columns: [
                    "adx_name": .string("Draft"), "adx_websiteid": site, "adx_isvisible": .boolean(false),
                    "adx_isdefault": .boolean(false), "adx_displayorder": .integer(1),
                ]))
        s.add(
            EntityRecord(
                "adx_websitelanguage", id: websiteLanguage,
                columns: [
                    "adx_name": .string("English"), "adx_websiteid": site, "adx_portallanguageid": ref("adx_portallanguage", portalLanguage),
                    "adx_publishingstate": ref("adx_publishingstate", published),
                ]))
        let lang = ref("adx_websitelanguage", websiteLanguage)
        let pub = ref("adx_publishingstate", published)

        // Budget: pages (root + content) ~40%, snippets 15%, settings 12%, links 10%, files+notes 8%, the rest.
        let templates = max(4, total / 50)
        var webTemplates: [UUID] = [header, footer]
        for i in 0..<templates {
            let t = i < 2 ? webTemplates[i] : id()
            if i >= 2 { webTemplates.append(t) }
            s.add(
                EntityRecord(
                    "adx_webtemplate", id: t,
                    columns: [
                        "adx_name": .string(i == 0 ? "Header" : i == 1 ? "Footer" : "Template \(i)"), "adx_websiteid": site,
                        "adx_source": .string("{% comment %}\(seed)-\(i){% endcomment %}<div>\(rng.words(6))</div>"),
                    ]))
        }
        var pageTemplates: [UUID] = []
        for i in 0..<max(2, total / 100) {
            let t = id()
            pageTemplates.append(t)
            s.add(
                EntityRecord(
                    "adx_pagetemplate", id: t,
                    columns: [
                        "adx_name": .string("Page template \(i)"), "adx_websiteid": site, "adx_type": .choice(756_150_001),
                        "adx_webtemplateid": ref("adx_webtemplate", webTemplates[i % webTemplates.count]),
                        "adx_entityname": .string("adx_webpage"), "adx_usewebsiteheaderandfooter": .boolean(true),
                    ]))
        }
        let pagePairs = max(3, total * 2 / 10)
        var roots: [UUID] = []
        for i in 0..<pagePairs {
            let root = id(), content = id()
            let parent: UUID? = i == 0 ? nil : roots[Int(rng.next() % UInt64(min(roots.count, 1 + i / 3)))]
            var cols: [String: FieldValue] = [
                "adx_name": .string(i == 0 ? "Home" : "Page \(i) \(rng.words(2))"), "adx_title": .string("Title \(i)"),
                "adx_websiteid": site, "adx_partialurl": .string(i == 0 ? "/" : "page-\(i)"),
                "adx_pagetemplateid": ref("adx_pagetemplate", pageTemplates[i % pageTemplates.count]),
                "adx_publishingstateid": pub, "adx_displayorder": .integer(Int32(i)),
                "adx_hiddenfromsitemap": .boolean(rng.next() % 5 == 0),
            ]
            if let parent { cols["adx_parentpageid"] = ref("adx_webpage", parent) }
            var r = cols
            r["adx_isroot"] = .boolean(true)
            s.add(EntityRecord("adx_webpage", id: root, columns: r))
            var c = cols
            c["adx_isroot"] = .boolean(false)
            c["adx_rootwebpageid"] = ref("adx_webpage", root)
            c["adx_webpagelanguageid"] = lang
            c["adx_copy"] = .string("<p>\(rng.words(12))</p>")
            s.add(EntityRecord("adx_webpage", id: content, columns: c))
            roots.append(root)
        }
        let files = max(2, total * 4 / 100)
        let perFile = max(1, webFileBytes / files)
        let extensions = ["css", "png", "txt", "html", "json"]
        for i in 0..<files {
            let file = id(), note = id()
            let ext = extensions[i % extensions.count]
            let name = "file-\(i).\(ext)"
            s.add(
                EntityRecord(
                    "adx_webfile", id: file,
                    columns: [
                        "adx_name": .string(name), "adx_partialurl": .string(name), "adx_websiteid": site,
                        "adx_parentpageid": ref("adx_webpage", roots[i % roots.count]), "adx_publishingstateid": pub,
                    ]))
            s.add(
                EntityRecord(
                    "annotation", id: note,
                    columns: [
                        "subject": .string(name), "filename": .string(name),
                        "mimetype": .string(ext == "css" ? "text/css" : "application/octet-stream"),
                        "isdocument": .boolean(true), "objectid": ref("adx_webfile", file), "objecttypecode": .string("adx_webfile"),
                    ]))
            s.bodies[FileBodyKey("annotation", note, "documentbody")] = .data(
                rng.bytes(i == files - 1 ? max(1, webFileBytes - perFile * (files - 1)) : perFile))
        }
        for i in 0..<max(5, total * 15 / 100) {
            s.add(
                EntityRecord(
                    "adx_contentsnippet", id: id(),
                    columns: [
                        "adx_name": .string("Snippet/\(i)"), "adx_websiteid": site, "adx_contentsnippetlanguageid": lang,
                        "adx_value": .string(rng.words(8)), "adx_type": .choice(i % 2 == 0 ? 756_150_000 : 756_150_001),
                    ]))
        }
        for i in 0..<max(5, total * 12 / 100) {
            let name = i % 10 == 0 ? "Authentication/Provider\(i)/ClientSecret" : "Setting/\(i)"
            s.add(
                EntityRecord(
                    "adx_sitesetting", id: id(),
                    columns: [
                        "adx_name": .string(name), "adx_websiteid": site, "adx_value": .string(rng.words(3)),
                    ]))
        }
        var roles: [UUID] = []
        for (i, name) in ["Administrators", "Authenticated Users", "Anonymous Users"].enumerated() {
            let r = id()
            roles.append(r)
            s.add(
                EntityRecord(
                    "adx_webrole", id: r,
                    columns: [
                        "adx_name": .string(name), "adx_websiteid": site, "adx_authenticatedusersrole": .boolean(i == 1),
                        "adx_anonymoususersrole": .boolean(i == 2),
                    ]))
        }
        for (i, name) in ["Home", "Page Not Found", "Access Denied", "Profile"].enumerated() {
            s.add(
                EntityRecord(
                    "adx_sitemarker", id: id(),
                    columns: [
                        "adx_name": .string(name), "adx_websiteid": site, "adx_pageid": ref("adx_webpage", roots[i % roots.count]),
                    ]))
        }
        let linkSets = [id(), id()]
        for (i, ls) in linkSets.enumerated() {
            s.add(
                EntityRecord(
                    "adx_weblinkset", id: ls,
                    columns: [
                        "adx_name": .string(i == 0 ? "Primary Navigation" : "Footer"), "adx_websiteid": site, "adx_websitelanguageid": lang,
                    ]))
        }
        for i in 0..<max(4, total / 10) {
            s.add(
                EntityRecord(
                    "adx_weblink", id: id(),
                    columns: [
                        "adx_name": .string("Link \(i)"), "adx_weblinksetid": ref("adx_weblinkset", linkSets[i % 2]),
                        "adx_pageid": ref("adx_webpage", roots[i % roots.count]), "adx_displayorder": .integer(Int32(i)),
                        "adx_publishingstateid": pub,
                    ]))
        }
        for i in 0..<max(2, total * 3 / 100) {
            let p = id()
            s.add(
                EntityRecord(
                    "adx_entitypermission", id: p,
                    columns: [
                        "adx_entityname": .string("Permission \(i)"), "adx_entitylogicalname": .string(i % 2 == 0 ? "contact" : "account"),
                        "adx_websiteid": site, "adx_scope": .choice(756_150_000), "adx_read": .boolean(true),
                        "adx_write": .boolean(i % 3 == 0),
                    ]))
            s.link(
                "adx_entitypermission_webrole",
                ManyToManyLink(
                    EntityReference("adx_entitypermission", p),
                    EntityReference("adx_webrole", roles[i % roles.count])))
        }
        for i in 0..<max(2, total / 100) {
            let r = id()
            s.add(
                EntityRecord(
                    "adx_webpageaccesscontrolrule", id: r,
                    columns: [
                        "adx_name": .string("Rule \(i)"), "adx_websiteid": site, "adx_webpageid": ref("adx_webpage", roots[(i + 1) % roots.count]),
                        "adx_right": .choice(i % 2 == 0 ? 1 : 2), "adx_scope": .choice(1),
                    ]))
            s.link(
                "adx_webpageaccesscontrolrule_webrole",
                ManyToManyLink(
                    EntityReference("adx_webpageaccesscontrolrule", r),
                    EntityReference("adx_webrole", roles[(i + 1) % roles.count])))
        }
        return s
    }
}

/// SplitMix64: a small, fast, seedable generator (Steele, Lea, Flood 2014), so generated portals are
/// the same on every platform.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A version-4-shaped UUID from the stream.
    public mutating func uuid() -> UUID {
        let a = next(), b = next()
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 { bytes[i] = UInt8(truncatingIfNeeded: a >> (8 * UInt64(i))) }
        for i in 0..<8 { bytes[8 + i] = UInt8(truncatingIfNeeded: b >> (8 * UInt64(i))) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }

    /// `count` words from a small vocabulary, space-separated.
    public mutating func words(_ count: Int) -> String {
        let vocabulary = [
            "portal", "page", "case", "service", "customer", "knowledge", "article", "support", "profile",
            "search", "contact", "account", "help", "news", "event", "forum", "idea", "blog", "team", "product",
        ]
        return (0..<count).map { _ in vocabulary[Int(next() % UInt64(vocabulary.count))] }.joined(separator: " ")
    }

    /// `count` bytes from the stream.
    public mutating func bytes(_ count: Int) -> Data {
        var d = Data(capacity: count)
        while d.count < count {
            var v = next()
            for _ in 0..<min(8, count - d.count) { d.append(UInt8(truncatingIfNeeded: v)); v >>= 8 }
        }
        return d
    }
}

extension SyntheticPortal {
    /// A seeded site with the shapes that silent losses need (issue 18 "Generated sites"), built on
    /// `generate(seed:records:webFileBytes:)` (whose output, used by the benchmark and other tests, is
    /// unchanged) and then varied by a second stream of the same seed:
    ///
    /// - more web roles (24) and N:N links of 0–20 roles per table permission and page access rule, so
    ///   a relationship holds far more links than any `$batch` change set and its links straddle every
    ///   batch boundary;
    /// - a second language (French, LCID 1036) with its website language and content pages for some root
    ///   pages, and content snippets in it;
    /// - inactive records (`statecode` 1, `statuscode` 2) among snippets, settings and pages;
    /// - explicitly empty (`.null`) columns, Unicode (accents, CJK, emoji, right-to-left) and very long
    ///   names and values (up to 2,000 characters);
    /// - nested values: site settings holding JSON objects with arrays and nested objects;
    /// - web files from 0 bytes up to `largestFile` bytes (default 64 KB; above the 4 MB chunk size when
    ///   asked, e.g. `5 * 1_048_576`).
    ///
    /// The same seed and parameters always give the same snapshot.
    /// - Parameters:
    ///   - seed: the random seed.
    ///   - records: as for `generate` (500…30,000).
    ///   - largestFile: the size in bytes of the largest web file body.
    /// - Returns: a snapshot whose `websiteID` is the generated website.
    public static func varied(seed: UInt64, records: Int = 500, largestFile: Int = 65_536) -> PortalSnapshot {
        var s = generate(seed: seed, records: records, webFileBytes: 20_000)
        var rng = SplitMix64(seed: seed ^ 0x5EED_0F_1A7E_D_5173)
        func id() -> UUID { rng.uuid() }
        func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(max(n, 1))) }
        func ref(_ t: String, _ u: UUID) -> FieldValue { .lookup(EntityReference(t, u)) }
        let website = s.websiteID!
        let site = ref("adx_website", website)
        let unicode = ["Café déjà vu", "日本語のページ", "Ünïcødé ✓ 🚀", "עברית ومرحبا", "Ελληνικά — «quotes» & <tags>", "emoji 👩‍💻 zwj"]
        func longText(_ n: Int) -> String { String((rng.words(n / 6 + 1) + " " + unicode[pick(unicode.count)]).prefix(n)) }

        // Web roles and 0–20 links per permission and access rule.
        var roles = s.records["adx_webrole"]?.map(\.id) ?? []
        for i in 0..<21 {
            let r = id()
            roles.append(r)
            s.add(
                EntityRecord(
                    "adx_webrole", id: r,
                    columns: [
                        "adx_name": .string(i % 4 == 0 ? "Rôle \(i) \(unicode[i % unicode.count])" : "Role \(i)"), "adx_websiteid": site,
                        "adx_description": i % 3 == 0 ? .null : .string(longText(40 + pick(200))),
                    ]))
        }
        for (table, rel) in [
            ("adx_entitypermission", "adx_entitypermission_webrole"), ("adx_webpageaccesscontrolrule", "adx_webpageaccesscontrolrule_webrole"),
        ] {
            s.links[rel] = []
            for r in s.records[table] ?? [] {
                let count = pick(21)
                var chosen = Set<UUID>()
                while chosen.count < count { chosen.insert(roles[pick(roles.count)]) }
                for role in chosen { s.link(rel, ManyToManyLink(EntityReference(table, r.id), EntityReference("adx_webrole", role))) }
            }
        }

        // A second language with content pages and snippets.
        let french = id(), frenchSite = id()
        s.add(
            EntityRecord(
                "adx_portallanguage", id: french,
                columns: [
                    "adx_name": .string("French"), "adx_lcid": .integer(1036), "adx_languagecode": .string("fr-FR"),
                    "adx_systemlanguage": .integer(1036), "adx_displayname": .string("Français"),
                ]))
        let published = s.records["adx_publishingstate"]?.first { $0.string("adx_name") == "Published" }?.id
        s.add(
            EntityRecord(
                "adx_websitelanguage", id: frenchSite,
                columns: [
                    "adx_name": .string("Français"), "adx_websiteid": site, "adx_portallanguageid": ref("adx_portallanguage", french),
                    "adx_publishingstate": published.map { ref("adx_publishingstate", $0) } ?? .null,
                ]))
        let roots = (s.records["adx_webpage"] ?? []).filter { $0.columns["adx_isroot"] == .boolean(true) }
        for (i, root) in roots.enumerated() where i % 3 == 0 {
            var c = root.columns
            c["adx_isroot"] = .boolean(false)
            c["adx_rootwebpageid"] = ref("adx_webpage", root.id)
            c["adx_webpagelanguageid"] = ref("adx_websitelanguage", frenchSite)
            c["adx_title"] = .string("Titre \(i) \(unicode[i % unicode.count])")
            c["adx_copy"] = .string("<p>\(longText(100 + pick(1_900)))</p>")
            c["adx_parentpageid"] = nil
            s.add(EntityRecord("adx_webpage", id: id(), columns: c))
        }
        for i in 0..<12 {
            s.add(
                EntityRecord(
                    "adx_contentsnippet", id: id(),
                    columns: [
                        "adx_name": .string("Extrait/\(i)/\(unicode[i % unicode.count])"), "adx_websiteid": site,
                        "adx_contentsnippetlanguageid": ref("adx_websitelanguage", frenchSite),
                        "adx_value": i % 4 == 0 ? .null : .string(longText(10 + pick(2_000))), "adx_type": .choice(756_150_000),
                    ]))
        }

        // Inactive records, empty columns, nested JSON values.
        for table in ["adx_contentsnippet", "adx_sitesetting", "adx_webpage"] {
            for i in (s.records[table] ?? []).indices where pick(10) == 0 {
                if table == "adx_webpage", s.records[table]![i].string("adx_partialurl") == "/" { continue }
                s.records[table]![i].columns["statecode"] = .state(1)
                s.records[table]![i].columns["statuscode"] = .status(2)
            }
        }
        for i in (s.records["adx_contentsnippet"] ?? []).indices where pick(6) == 0 {
            s.records["adx_contentsnippet"]![i].columns["adx_value"] = .null
        }
        for i in (s.records["adx_sitesetting"] ?? []).indices where pick(5) == 0 {
            let nested = #"{"enabled":true,"providers":["aad","b2c"],"limits":{"max":\#(pick(1000)),"names":["\#(unicode[pick(unicode.count)])"]}}"#
            s.records["adx_sitesetting"]![i].columns["adx_value"] = .string(nested)
            s.records["adx_sitesetting"]![i].columns["adx_description"] = pick(2) == 0 ? .null : .string(longText(300))
        }

        // Web files from 0 bytes up to `largestFile`.
        let notes = (s.records["annotation"] ?? []).map(\.id).sorted { $0.dataverseString < $1.dataverseString }
        for (i, note) in notes.enumerated() {
            let size = i == 0 ? 0 : i == 1 ? largestFile : pick(min(largestFile, 32_768))
            s.bodies[FileBodyKey("annotation", note, "documentbody")] = .data(rng.bytes(size))
        }
        return s
    }
}

extension SyntheticPortal {
    /// Version 2 of a generated site, as an editor would leave it (issue 18: "deletions and renames
    /// between two versions of the site"), seeded by `seed`:
    ///
    /// - columns emptied (content snippet values, content page copy, site setting descriptions);
    /// - columns set that version 1 has empty (a page summary);
    /// - records renamed, deactivated and reactivated;
    /// - content snippets deleted and added;
    /// - N:N links removed and added (roles of table permissions and page access rules);
    /// - a web file body changed.
    ///
    /// Deleted records reach a target only with `--prune` (or pac's manifest deletions).
    /// - Parameters:
    ///   - v1: the site's first version (`varied(seed:…)`).
    ///   - seed: the random seed of the edits.
    /// - Returns: the edited snapshot (same website id).
    public static func nextVersion(of v1: PortalSnapshot, seed: UInt64) -> PortalSnapshot {
        var s = v1
        var rng = SplitMix64(seed: seed ^ 0x0000_0002_0000_0002)
        func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(max(n, 1))) }
        let site = FieldValue.lookup(EntityReference("adx_website", v1.websiteID!))
        func edit(_ table: String, every n: Int, _ change: (inout EntityRecord) -> Void) {
            for i in (s.records[table] ?? []).indices where pick(n) == 0 { change(&s.records[table]![i]) }
        }
        edit("adx_contentsnippet", every: 5) { $0.columns["adx_value"] = nil }
        edit("adx_webpage", every: 6) { r in
            if r.columns["adx_isroot"] == .boolean(false) {
                r.columns["adx_copy"] = nil
            } else {
                r.columns["adx_summary"] = .string("Summary added in v2")
            }
        }
        edit("adx_sitesetting", every: 6) { $0.columns["adx_description"] = .null }
        edit("adx_webrole", every: 4) { r in r.columns["adx_name"] = .string((r.string("adx_name") ?? "") + " (renamed)") }
        edit("adx_contentsnippet", every: 8) { r in
            let inactive = r.columns["statecode"] == .state(1)
            r.columns["statecode"] = .state(inactive ? 0 : 1)
            r.columns["statuscode"] = .status(inactive ? 1 : 2)
        }
        let removed = Set((s.records["adx_contentsnippet"] ?? []).filter { _ in pick(10) == 0 }.map(\.id))
        s.records["adx_contentsnippet"]?.removeAll { removed.contains($0.id) }
        for i in 0..<5 {
            s.add(
                EntityRecord(
                    "adx_contentsnippet", id: rng.uuid(),
                    columns: [
                        "adx_name": .string("Added in v2/\(i)"), "adx_websiteid": site, "adx_value": .string(rng.words(5)),
                        "adx_type": .choice(756_150_000),
                    ]))
        }
        let roles = (s.records["adx_webrole"] ?? []).map(\.id)
        for (table, rel) in [
            ("adx_entitypermission", "adx_entitypermission_webrole"), ("adx_webpageaccesscontrolrule", "adx_webpageaccesscontrolrule_webrole"),
        ] {
            var links = s.links[rel] ?? []
            for l in links.sorted() where pick(4) == 0 { links.remove(l) }
            for r in s.records[table] ?? [] where pick(3) == 0 {
                links.insert(ManyToManyLink(EntityReference(table, r.id), EntityReference("adx_webrole", roles[pick(roles.count)])))
            }
            s.links[rel] = links
        }
        if let key = s.bodies.keys.sorted().last, let body = try? s.bodies[key]?.load() {
            var changed = body
            if changed.isEmpty { changed.append(1) } else { changed[changed.count - 1] ^= 0xFF }
            s.bodies[key] = .data(changed)
        }
        return s
    }
}

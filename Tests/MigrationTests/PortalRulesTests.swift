import Foundation
@testable import Migration
import PortalModel
import Testing
import TestSupport

/// The portal rules of `portal-migrate check` (issue 21 "Portal checks"): a small site every rule
/// accepts, and for each rule one change that triggers it (and only rules that change can trigger).
@Suite("Portal rules")
struct PortalRulesTests {
    static func id(_ n: Int) -> UUID { UUID(uuidString: String(format: "22222222-0000-0000-0000-%012d", n))! }
    static let site = id(1), language = id(2), home = id(3), homeContent = id(4), about = id(5), contact = id(6)
    static let pageTemplate = id(7), webTemplate = id(8), pageCopy = id(9), snippet = id(10), marker = id(11)
    static let search = id(12), webapi = id(13), appSecret = id(14), permission = id(15), anonymous = id(16)
    static let authenticated = id(17), file = id(18), note = id(19), permissionSelf = id(20), otherSite = id(21)

    static func ref(_ table: String, _ id: UUID) -> FieldValue { .lookup(EntityReference(table, id)) }
    static var w: FieldValue { ref("adx_website", site) }

    /// A site every rule accepts: two languages' worth of home page (root + content page), two child
    /// pages, page template → web template whose Liquid includes an existing template, a built-in one
    /// and an existing snippet, the Home marker, settings (Web API enabled for a permitted table, an
    /// empty secret), a global read permission for authenticated users, a self-scope write permission for
    /// anonymous users, a web file with its note and body.
    static func good() -> PortalSnapshot {
        var s = PortalSnapshot(websiteID: site)
        s.add(
            EntityRecord(
                "adx_website", id: site, columns: ["adx_name": .string("Site"), "adx_headerwebtemplateid": ref("adx_webtemplate", pageCopy)]))
        s.add(EntityRecord("adx_websitelanguage", id: language, columns: ["adx_name": .string("English"), "adx_websiteid": w]))
        func page(_ id: UUID, _ name: String, _ url: String, parent: UUID?, root: UUID? = nil) {
            var c: [String: FieldValue] = [
                "adx_name": .string(name), "adx_partialurl": .string(url), "adx_websiteid": w,
                "adx_pagetemplateid": ref("adx_pagetemplate", pageTemplate), "statecode": .state(0),
                "adx_isroot": .boolean(root == nil),
            ]
            if let parent { c["adx_parentpageid"] = ref("adx_webpage", parent) }
            if let root { c["adx_rootwebpageid"] = ref("adx_webpage", root); c["adx_webpagelanguageid"] = ref("adx_websitelanguage", language) }
            s.add(EntityRecord("adx_webpage", id: id, columns: c))
        }
        page(home, "Home", "/", parent: nil)
        page(homeContent, "Home", "/", parent: nil, root: home)
        page(about, "About", "about", parent: home)
        page(contact, "Contact", "contact", parent: home)
        s.add(
            EntityRecord(
                "adx_pagetemplate", id: pageTemplate,
                columns: [
                    "adx_name": .string("Default"), "adx_websiteid": w,
                    "adx_webtemplateid": ref("adx_webtemplate", webTemplate),
                ]))
        s.add(
            EntityRecord(
                "adx_webtemplate", id: webTemplate,
                columns: [
                    "adx_name": .string("Default Layout"), "adx_websiteid": w,
                    "adx_source": .string(
                        "{% include 'Page Copy' %}{{ snippets['Footer'] }}{% include 'page_copy' %}{% editable snippets \"footer\" %}"),
                ]))
        s.add(
            EntityRecord(
                "adx_webtemplate", id: pageCopy,
                columns: [
                    "adx_name": .string("Page Copy"), "adx_websiteid": w,
                    "adx_source": .string("{{ page.adx_copy }}"),
                ]))
        s.add(
            EntityRecord("adx_contentsnippet", id: snippet, columns: ["adx_name": .string("Footer"), "adx_websiteid": w, "adx_value": .string("©")]))
        s.add(
            EntityRecord(
                "adx_sitemarker", id: marker, columns: ["adx_name": .string("Home"), "adx_websiteid": w, "adx_pageid": ref("adx_webpage", home)]))
        func setting(_ id: UUID, _ name: String, _ value: String) {
            s.add(EntityRecord("adx_sitesetting", id: id, columns: ["adx_name": .string(name), "adx_value": .string(value), "adx_websiteid": w]))
        }
        setting(search, "Search/Enabled", "true")
        setting(webapi, "Webapi/contact/enabled", "true")
        setting(appSecret, "Authentication/OpenAuth/Facebook/AppSecret", "")
        func permission(_ id: UUID, scope: Int, write: Bool, role: UUID) {
            s.add(
                EntityRecord(
                    "adx_entitypermission", id: id,
                    columns: [
                        "adx_entityname": .string("Contacts"), "adx_entitylogicalname": .string("contact"), "adx_websiteid": w,
                        "adx_scope": .choice(scope), "adx_read": .boolean(true), "adx_write": .boolean(write), "adx_create": .boolean(false),
                    ]))
            s.link("adx_entitypermission_webrole", ManyToManyLink(EntityReference("adx_entitypermission", id), EntityReference("adx_webrole", role)))
        }
        s.add(
            EntityRecord(
                "adx_webrole", id: anonymous,
                columns: ["adx_name": .string("Anonymous Users"), "adx_anonymoususersrole": .boolean(true), "adx_websiteid": w]))
        s.add(
            EntityRecord(
                "adx_webrole", id: authenticated,
                columns: ["adx_name": .string("Authenticated Users"), "adx_anonymoususersrole": .boolean(false), "adx_websiteid": w]))
        permission(Self.permission, scope: 756150000, write: false, role: authenticated)
        permission(permissionSelf, scope: 756150004, write: true, role: anonymous)
        s.add(
            EntityRecord(
                "adx_webfile", id: file, columns: ["adx_name": .string("logo.png"), "adx_partialurl": .string("logo.png"), "adx_websiteid": w]))
        s.add(EntityRecord("annotation", id: note, columns: ["filename": .string("logo.png"), "objectid": ref("adx_webfile", file)]))
        s.bodies[FileBodyKey("annotation", note, "documentbody")] = .data(Data([0x89, 0x50, 0x4e, 0x47]))
        return s
    }

    /// Replaces a column of one record.
    static func set(_ s: inout PortalSnapshot, _ table: String, _ id: UUID, _ column: String, _ value: FieldValue?) {
        guard let i = s.records[table]?.firstIndex(where: { $0.id == id }) else { Issue.record("no \(table) \(id)"); return }
        s.records[table]![i].columns[column] = value
    }

    /// For each rule: the change that triggers it, and the input flags to run with.
    static func triggering(_ rule: PortalRuleID) -> PortalRuleInput {
        var s = good()
        var folder = true
        switch rule {
        case .duplicateRootPartialURL:
            set(&s, "adx_webpage", contact, "adx_partialurl", .string("ABOUT"))
        case .homeSiteMarker:
            set(&s, "adx_sitemarker", marker, "adx_name", .string("home"))
        case .contentPageWithoutRoot:
            set(&s, "adx_webpage", homeContent, "adx_rootwebpageid", .null)
        case .contentPageLanguage:
            set(&s, "adx_webpage", homeContent, "adx_webpagelanguageid", ref("adx_websitelanguage", id(99)))
        case .parentPageOtherWebsite:
            s.add(
                EntityRecord(
                    "adx_webpage", id: id(98),
                    columns: [
                        "adx_name": .string("Elsewhere"), "adx_partialurl": .string("/"),
                        "adx_websiteid": ref("adx_website", otherSite), "adx_isroot": .boolean(true),
                    ]))
            set(&s, "adx_webpage", about, "adx_parentpageid", ref("adx_webpage", id(98)))
        case .missingPageTemplate:
            set(&s, "adx_pagetemplate", pageTemplate, "statecode", .state(1))
        case .missingWebTemplate:
            set(&s, "adx_pagetemplate", pageTemplate, "adx_webtemplateid", ref("adx_webtemplate", id(97)))
        case .liquidMissingWebTemplate:
            set(&s, "adx_webtemplate", webTemplate, "adx_source", .string("{%- include 'Page Header' -%}"))
        case .missingSnippet:
            set(&s, "adx_webtemplate", webTemplate, "adx_source", .string("{{ snippets[\"Header/Logo\"] }}{% include 'Page Copy' %}"))
        case .duplicateSiteSetting:
            s.add(
                EntityRecord(
                    "adx_sitesetting", id: id(96),
                    columns: ["adx_name": .string("search/enabled"), "adx_value": .string("false"), "adx_websiteid": w]))
        case .webFileWithoutContent:
            s.bodies[FileBodyKey("annotation", note, "documentbody")] = .data(Data())
        case .anonymousGlobalWrite:
            set(&s, "adx_entitypermission", permissionSelf, "adx_scope", .choice(756150000))
        case .anonymousGlobalAccess:
            s.link(
                "adx_entitypermission_webrole",
                ManyToManyLink(EntityReference("adx_entitypermission", permission), EntityReference("adx_webrole", anonymous)))
        case .webAPIWithoutPermission:
            set(&s, "adx_sitesetting", webapi, "adx_name", .string("Webapi/account/enabled"))
        case .secretInPlainText:
            set(&s, "adx_sitesetting", appSecret, "adx_value", .string("0123456789abcdef"))
            folder = true
        }
        return PortalRuleInput(snapshot: s, isFolder: folder)
    }

    @Test("the good site trips no rule")
    func goodSite() {
        let found = PortalRules.run(PortalRuleInput(snapshot: Self.good(), isFolder: true))
        #expect(found.isEmpty, "\(found.map(\.description))")
    }

    @Test("each rule is triggered by its change, names a record and column, and no error rule fires but its own", arguments: PortalRuleID.allCases)
    func triggers(_ rule: PortalRuleID) {
        let found = PortalRules.run(Self.triggering(rule))
        let mine = found.filter { $0.check == .rule(rule) }
        #expect(!mine.isEmpty, "\(rule.rawValue) did not fire: \(found.map(\.description))")
        #expect(mine.allSatisfy { $0.severity == PortalRules.rule(rule).severity && $0.table != nil && $0.recordID != nil })
        #expect(mine.allSatisfy { $0.fix != nil }, "every diagnostic says what to do")
        // Skipping the rule silences it.
        #expect(PortalRules.run(Self.triggering(rule), skipping: [rule]).allSatisfy { $0.check != .rule(rule) })
    }

    @Test("the secret rule is for folders only and never shows the value")
    func secretFolderOnly() {
        var input = Self.triggering(.secretInPlainText)
        #expect(PortalRules.run(input).contains { $0.check == .rule(.secretInPlainText) && !$0.description.contains("0123456789abcdef") })
        input.isFolder = false
        #expect(!PortalRules.run(input).contains { $0.check == .rule(.secretInPlainText) })
        var s = input.snapshot
        Self.set(&s, "adx_sitesetting", Self.appSecret, "adx_value", .string("${OS.FACEBOOK_SECRET}"))
        #expect(PortalRules.run(PortalRuleInput(snapshot: s, isFolder: true)).isEmpty)
    }

    @Test("a rule needing a table the source did not carry is not run (a package without site markers)")
    func tablesCarried() {
        var s = Self.good()
        s.records["adx_sitemarker"] = nil
        let all = Set(s.records.keys)
        #expect(PortalRules.run(PortalRuleInput(snapshot: s, tablesCarried: all)).isEmpty)
        #expect(PortalRules.run(PortalRuleInput(snapshot: s)).contains { $0.check == .rule(.homeSiteMarker) })
    }

    @Test("before writing: only error rules, and references the target may hold are not reported")
    func beforeWriting() {
        var s = Self.good()
        Self.set(&s, "adx_webpage", Self.about, "adx_pagetemplateid", Self.ref("adx_pagetemplate", Self.id(95)))
        s.records["annotation"] = nil
        #expect(PortalRules.run(PortalRuleInput(snapshot: s)).contains { $0.check == .rule(.missingPageTemplate) })
        #expect(PortalRules.run(.beforeWriting(s), minimum: .error).isEmpty)
        // An inactive template the source holds is still reported.
        Self.set(&s, "adx_pagetemplate", Self.pageTemplate, "statecode", .state(1))
        #expect(PortalRules.run(.beforeWriting(s), minimum: .error).contains { $0.check == .rule(.missingPageTemplate) })
    }

    @Test("diagnostics do not depend on the order records come in (property, seed printed)")
    func orderIndependent() {
        let seed = UInt64(Date().timeIntervalSince1970 * 1000) & 0xFFFF_FFFF
        print("PortalRulesTests.orderIndependent seed \(seed)")
        var rng = SplitMix64(seed: seed)
        for rule in PortalRuleID.allCases {
            let input = Self.triggering(rule)
            var shuffled = input
            for t in shuffled.snapshot.records.keys { shuffled.snapshot.records[t]!.shuffle(using: &rng) }
            #expect(PortalRules.run(input) == PortalRules.run(shuffled), "seed \(seed), rule \(rule.rawValue)")
        }
    }

    @Test("--skip-check takes rule ids, also comma-separated, and names the rules for an unknown one")
    func skipIDs() throws {
        #expect(
            try PortalRules.ids(["home-site-marker,missing-snippet", "secret-in-plain-text"]) == [
                .homeSiteMarker, .missingSnippet, .secretInPlainText,
            ])
        #expect(throws: MigrationError.self) { try PortalRules.ids(["home"]) }
    }
}

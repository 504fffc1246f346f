import Foundation
import PortalModel

/// Rules about web pages and the Home site marker (research/platform-behaviours.md §2, §3.3, §7.3).
enum PageRules {
    static let all: [PortalRule] = [
        duplicateRootPartialURL, homeSiteMarker, contentPageWithoutRoot, contentPageLanguage,
        parentPageOtherWebsite,
    ]

    /// A root page: `adx_isroot` true or absent (absent = legacy single-language mode, both root and
    /// content page; platform-behaviours.md §2.1).
    static func isRoot(_ r: EntityRecord) -> Bool { PortalRuleInput.flag(r, "adx_isroot") != false }

    /// Two active root pages of one website under the same parent with the same partial URL (compared
    /// without case, as the runtime resolves URLs): the runtime marks the URL duplicate and answers 404.
    static let duplicateRootPartialURL = PortalRule(
        id: .duplicateRootPartialURL, severity: .error,
        summary: "two active root pages of one website under the same parent page with the same partial URL (the URL answers 404)",
        source: "research/platform-behaviours.md §3.3 [V-src ContentMapUrlMapping.cs]", needs: ["adx_webpage"]
    ) { input, rule in
        var groups: [String: [EntityRecord]] = [:]
        for p in input.rows("adx_webpage") where isRoot(p) && PortalRuleInput.isActive(p) {
            guard let url = p.string("adx_partialurl"), !url.isEmpty else { continue }
            let key = [input.website(p)?.dataverseString ?? "-", p.lookupID("adx_parentpageid")?.dataverseString ?? "-", url.lowercased()]
            groups[key.joined(separator: "|"), default: []].append(p)
        }
        return groups.values.filter { $0.count > 1 }.flatMap { pages in
            pages.map { p in
                let others = pages.filter { $0.id != p.id }.map(PortalRuleInput.label).joined(separator: ", ")
                return rule.diagnostic(
                    "partial URL \"\(p.string("adx_partialurl") ?? "")\" is also the partial URL of \(others) under the same parent page; "
                        + "the runtime answers 404 for both", p, column: "adx_partialurl",
                    fix: "give one of them another partial URL, or deactivate or delete the stale copy")
            }
        }
    }

    /// No site marker named exactly `Home` (case-sensitive), or one without a page, pointing to a page
    /// the website lacks, or to an inactive page: the site map throws
    /// `Website {0} must have a web page with the site marker Home.`
    static let homeSiteMarker = PortalRule(
        id: .homeSiteMarker, severity: .error,
        summary: "no site marker named Home, or one pointing to no page, a missing page or an inactive page (the site map fails)",
        source: "research/platform-behaviours.md §7.3 [V-src ContentMapCrmSiteMapProvider.cs; V-doc Site Checker]",
        needs: ["adx_sitemarker", "adx_webpage", "adx_website"]
    ) { input, rule in
        let pages = input.byID("adx_webpage")
        var out: [Diagnostic] = []
        for site in input.rows("adx_website") {
            let markers = input.rows("adx_sitemarker").filter { input.website($0) == site.id && $0.string("adx_name") == "Home" }
            guard let home = markers.first else {
                if input.targetMayHoldReferences { continue } // the target may have its Home marker
                out.append(
                    rule.diagnostic(
                        "the website has no site marker named Home (exactly, case-sensitive); the site map cannot start", site,
                        fix: "add a site marker Home pointing to the home page (partial URL /)"))
                continue
            }
            guard let pageID = home.lookupID("adx_pageid") else {
                out.append(
                    rule.diagnostic(
                        "the Home site marker points to no page; the site map cannot start", home, column: "adx_pageid",
                        fix: "set the marker's page to the home page (partial URL /)"))
                continue
            }
            guard let page = pages[pageID] else {
                if input.targetMayHoldReferences { continue }
                out.append(
                    rule.diagnostic(
                        "the Home site marker points to web page \(pageID.dataverseString), which the website does not have",
                        home, column: "adx_pageid", fix: "point it to the home page, or add the missing page to the source"))
                continue
            }
            if !PortalRuleInput.isActive(page) {
                out.append(
                    rule.diagnostic(
                        "the Home site marker points to the inactive web page \(PortalRuleInput.label(page))", home,
                        column: "adx_pageid", fix: "activate that page or point the marker to the active home page"))
            }
        }
        return out
    }

    /// An active content page (`adx_isroot` false) without a root page, or whose root the source lacks or
    /// has deactivated: the runtime treats it as not existing (its language's URL answers 404).
    static let contentPageWithoutRoot = PortalRule(
        id: .contentPageWithoutRoot, severity: .warning,
        summary: "a content page without a root page, or whose root page is missing or inactive (the runtime ignores it)",
        source: "research/platform-behaviours.md §2.2, §2.4 [V-src ContentMapUrlMapping.cs]", needs: ["adx_webpage"]
    ) { input, rule in
        let pages = input.byID("adx_webpage")
        var out: [Diagnostic] = []
        for p in input.rows("adx_webpage") where !isRoot(p) && PortalRuleInput.isActive(p) {
            guard let rootID = p.lookupID("adx_rootwebpageid") else {
                out.append(
                    rule.diagnostic(
                        "the content page has no root page (adx_rootwebpageid is empty); the runtime ignores it", p,
                        column: "adx_rootwebpageid", fix: "set its root page, or delete the orphan content page"))
                continue
            }
            guard let root = pages[rootID] else {
                if input.targetMayHoldReferences { continue }
                out.append(
                    rule.diagnostic(
                        "the content page's root page \(rootID.dataverseString) is not in the website; the runtime ignores it",
                        p, column: "adx_rootwebpageid", fix: "add the root page to the source, or delete the orphan content page"))
                continue
            }
            if !PortalRuleInput.isActive(root) {
                out.append(
                    rule.diagnostic(
                        "the content page's root page \(PortalRuleInput.label(root)) is inactive; the runtime ignores the content page",
                        p, column: "adx_rootwebpageid", fix: "activate the root page or deactivate the content page"))
            }
        }
        return out
    }

    /// An active content page in a language its website does not have (`adx_webpagelanguageid` not a
    /// website language of the page's website): never served.
    static let contentPageLanguage = PortalRule(
        id: .contentPageLanguage, severity: .warning,
        summary: "a content page in a language its website does not have (never served)",
        source: "research/platform-behaviours.md §2.1, §7.1 [V-src ContextLanguageInfo.cs]",
        needs: ["adx_webpage", "adx_websitelanguage"]
    ) { input, rule in
        let languages = input.byID("adx_websitelanguage")
        var out: [Diagnostic] = []
        for p in input.rows("adx_webpage") where !isRoot(p) && PortalRuleInput.isActive(p) {
            guard let lang = p.lookupID("adx_webpagelanguageid") else {
                out.append(
                    rule.diagnostic(
                        "the content page has no language (adx_webpagelanguageid is empty); it is never served", p,
                        column: "adx_webpagelanguageid", fix: "set one of the website's languages"))
                continue
            }
            guard let language = languages[lang] else {
                if input.targetMayHoldReferences { continue }
                out.append(
                    rule.diagnostic(
                        "the content page's language \(lang.dataverseString) is not a language of the website; it is never served",
                        p, column: "adx_webpagelanguageid", fix: "add that website language, or delete the content page"))
                continue
            }
            if let a = input.website(language), let b = input.website(p), a != b {
                out.append(
                    rule.diagnostic(
                        "the content page's language \(PortalRuleInput.label(language)) belongs to website \(a.dataverseString), "
                            + "not to the page's website \(b.dataverseString)", p, column: "adx_webpagelanguageid",
                        fix: "use the language of the page's own website"))
            }
        }
        return out
    }

    /// A web page whose parent page belongs to another website: the runtime loads only the current
    /// website's pages, so the page gets no URL.
    static let parentPageOtherWebsite = PortalRule(
        id: .parentPageOtherWebsite, severity: .error,
        summary: "a web page whose parent page belongs to another website (the page gets no URL)",
        source: "research/platform-behaviours.md §4 content map scope [V-src CmsSolutionDefinitionProvider.cs]",
        needs: ["adx_webpage"]
    ) { input, rule in
        let pages = input.byID("adx_webpage")
        return input.rows("adx_webpage").compactMap { p in
            guard let parentID = p.lookupID("adx_parentpageid"), let parent = pages[parentID],
                let mine = p.lookupID("adx_websiteid"), let theirs = parent.lookupID("adx_websiteid"), mine != theirs
            else { return nil }
            return rule.diagnostic(
                "the parent page \(PortalRuleInput.label(parent)) belongs to website \(theirs.dataverseString), "
                    + "not to the page's website \(mine.dataverseString)", p, column: "adx_parentpageid",
                fix: "choose a parent page of the same website")
        }
    }
}

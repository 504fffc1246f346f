import Foundation
import PortalModel

/// What every record of a provisioned site points at: the website, its base website language and its
/// Published publishing state. The language and state are `nil` when the environment (or, when
/// collecting, the standard catalog) lacks their table; a lookup to them is then null.
struct SiteAnchors {
    let websiteID: UUID
    let languageID: UUID?
    let publishedStateID: UUID?

    /// `adx_websiteid` of the site's records.
    var website: FieldValue { .lookup(EntityReference("adx_website", websiteID)) }
    /// `adx_websitelanguageid` (and the like) of language-bound records; null without a language.
    var language: FieldValue { languageID.map { .lookup(EntityReference("adx_websitelanguage", $0)) } ?? .null }
    /// `adx_publishingstateid` of pages and web links; null without publishing states.
    var publishedState: FieldValue { publishedStateID.map { .lookup(EntityReference("adx_publishingstate", $0)) } ?? .null }
}

/// The root web page ids of a provisioned site by page name (the template's names: `Home`, `Search`…).
struct ProvisionedPages {
    var ids: [String: UUID] = [:]

    /// A lookup to the root page `name`; null when `name` is `nil` or no such page was written.
    func ref(_ name: String?) -> FieldValue {
        name.flatMap { ids[$0] }.map { .lookup(EntityReference("adx_webpage", $0)) } ?? .null
    }
}

/// The steps of `Provisioner.run`, in the order it calls them. Each writes (or collects) its records
/// through `insert`/`amend`/`link`, so a table the environment lacks is skipped the same way in every step.
extension Provisioner {
    /// The `adx_website` record, under a fresh id, its primary domain `<first 8 id characters>.portal.local`.
    /// - Returns: the website id (returned even when the table is missing, as the portal app names it).
    mutating func addWebsite(name: String) throws -> UUID {
        let siteID = UUID()
        try insert(
            "adx_website", ["adx_name": .string(name), "adx_primarydomainname": .string("\(siteID.dataverseString.prefix(8)).portal.local")],
            id: siteID)
        return siteID
    }

    /// The site's one website language: the portal language (`adx_portallanguage`) whose LCID is the
    /// organization's base language, named after that language (`PortalLanguages`, or `Language <LCID>`
    /// when unknown), active; the website's `adx_defaultlanguage` is set to it.
    /// - Returns: the website language id, `nil` when the table is missing.
    mutating func addBaseLanguage(websiteID: UUID) throws -> UUID? {
        let lcid = session.organization.languageCode
        let portalLanguage = try session.all("adx_portallanguage").first { $0.1["adx_lcid"] == .integer(Int32(lcid)) }?.0
        let language = PortalLanguages.language(lcid: lcid)
        let siteLanguage = try insert(
            "adx_websitelanguage",
            [
                "adx_name": .string(language?.name ?? "Language \(lcid)"), "adx_websiteid": ref("adx_website", websiteID),
                "adx_portallanguageid": ref("adx_portallanguage", portalLanguage),
                "statecode": .state(0), "statuscode": .status(1),
            ])
        if let siteLanguage {
            try amend("adx_website", websiteID, ["adx_defaultlanguage": .lookup(EntityReference("adx_websitelanguage", siteLanguage))])
        }
        return siteLanguage
    }

    /// Two publishing states: `Published` (default, visible, order 2) and `Draft` (hidden, order 1).
    /// - Returns: the Published state's id, `nil` when the table is missing.
    mutating func addPublishingStates(websiteID: UUID) throws -> UUID? {
        let site = ref("adx_website", websiteID)
        let published = try insert(
            "adx_publishingstate",
            [
                "adx_name": .string("Published"), "adx_websiteid": site,
                "adx_displayorder": .integer(2), "adx_isdefault": .boolean(true),
                "adx_isvisible": .boolean(true),
            ])
        try insert(
            "adx_publishingstate",
            [
                "adx_name": .string("Draft"), "adx_websiteid": site, "adx_displayorder": .integer(1),
                "adx_isdefault": .boolean(false), "adx_isvisible": .boolean(false),
            ])
        return published
    }

    /// One web template per template name, its Liquid source a comment naming it and a `div` showing
    /// the page's copy. - Returns: the web template ids by name.
    mutating func addWebTemplates(_ site: SiteAnchors) throws -> [String: UUID] {
        var webTemplates: [String: UUID] = [:]
        for t in template.webTemplates {
            webTemplates[t] = try insert(
                "adx_webtemplate",
                [
                    "adx_name": .string(t), "adx_websiteid": site.website,
                    "adx_source": .string(
                        "{% comment %} \(t): PortalMigrate \(template.name) template {% endcomment %}\n<div class=\"\(t.lowercased().replacingOccurrences(of: " ", with: "-"))\">{{ page.adx_copy }}</div>"
                    ),
                ])
        }
        return webTemplates
    }

    /// One page template per template entry, pointing at its web template when it names one.
    /// - Returns: the page template ids by name.
    mutating func addPageTemplates(_ site: SiteAnchors, webTemplates: [String: UUID]) throws -> [String: UUID] {
        var pageTemplates: [String: UUID] = [:]
        for t in template.pageTemplates {
            var cols: [String: FieldValue] = [
                "adx_name": .string(t.name), "adx_websiteid": site.website, "adx_type": .choice(t.type),
                "adx_entityname": .string("adx_webpage"), "adx_isdefault": .boolean(false),
                "adx_usewebsiteheaderandfooter": .boolean(true),
            ]
            if let u = t.rewriteURL { cols["adx_rewriteurl"] = .string(u) }
            if let w = t.webTemplate { cols["adx_webtemplateid"] = ref("adx_webtemplate", webTemplates[w]) }
            if let d = t.description { cols["adx_description"] = .string(d) }
            pageTemplates[t.name] = try insert("adx_pagetemplate", cols)
        }
        return pageTemplates
    }

    /// The template's pages, in order (display order 1, 2, …; a parent before its children): a root
    /// page each (`adx_isroot` true) and, when the site has a language, a content page in that language
    /// pointing at its root (the portal's own provisioning leaves both). Top-level pages get feedback
    /// policy 756150005; a child points at its parent's root page. Stops at the first page when the
    /// environment lacks `adx_webpage`.
    /// - Returns: the root page ids by page name.
    mutating func addPages(_ site: SiteAnchors, pageTemplates: [String: UUID]) throws -> ProvisionedPages {
        var pages = ProvisionedPages()
        for (index, page) in template.pages.enumerated() {
            var cols: [String: FieldValue] = [
                "adx_name": .string(page.name), "adx_title": .string(page.name), "adx_websiteid": site.website,
                "adx_partialurl": .string(page.partialURL), "adx_pagetemplateid": ref("adx_pagetemplate", pageTemplates[page.pageTemplate]),
                "adx_publishingstateid": site.publishedState, "adx_hiddenfromsitemap": .boolean(page.hiddenFromSitemap),
                "adx_excludefromsearch": .boolean(page.excludedFromSearch), "adx_displayorder": .integer(Int32(index + 1)),
                "adx_copy": .string("<p>\(page.name)</p>"), "adx_enablerating": .boolean(false),
            ]
            if page.parent == nil { cols["adx_feedbackpolicy"] = .choice(756_150_005) }
            if let parent = page.parent { cols["adx_parentpageid"] = pages.ref(parent) }
            var root = cols
            root["adx_isroot"] = .boolean(true)
            guard let rootID = try insert("adx_webpage", root) else { break }
            pages.ids[page.name] = rootID
            if site.languageID != nil {
                var content = cols
                content["adx_isroot"] = .boolean(false)
                content["adx_rootwebpageid"] = ref("adx_webpage", rootID)
                content["adx_webpagelanguageid"] = site.language
                try insert("adx_webpage", content)
            }
        }
        return pages
    }

    /// The template's content snippets (in the site's language) and site settings (a `nil` value is null).
    mutating func addSnippetsAndSiteSettings(_ site: SiteAnchors) throws {
        for (name, value, type) in template.snippets {
            try insert(
                "adx_contentsnippet",
                [
                    "adx_name": .string(name), "adx_value": .string(value), "adx_type": .choice(type),
                    "adx_websiteid": site.website, "adx_contentsnippetlanguageid": site.language,
                ])
        }
        for (name, value) in template.siteSettings {
            try insert(
                "adx_sitesetting", ["adx_name": .string(name), "adx_value": value.map(FieldValue.string) ?? .null, "adx_websiteid": site.website])
        }
    }

    /// The template's web roles with their anonymous/authenticated flags. - Returns: role ids by name.
    mutating func addWebRoles(_ site: SiteAnchors) throws -> [String: UUID] {
        var roles: [String: UUID] = [:]
        for (name, anonymous, authenticated) in template.webRoles {
            roles[name] = try insert(
                "adx_webrole",
                [
                    "adx_name": .string(name), "adx_websiteid": site.website,
                    "adx_anonymoususersrole": .boolean(anonymous),
                    "adx_authenticatedusersrole": .boolean(authenticated),
                ])
        }
        return roles
    }

    /// The template's site markers, each pointing at its page's root (null when it names none).
    mutating func addSiteMarkers(_ site: SiteAnchors, pages: ProvisionedPages) throws {
        for (name, page) in template.siteMarkers {
            try insert("adx_sitemarker", ["adx_name": .string(name), "adx_websiteid": site.website, "adx_pageid": pages.ref(page)])
        }
    }

    /// The template's web link sets (in the site's language) and their links, ordered 1, 2, … within
    /// a set, published, each pointing at its page's root (null when it names none).
    mutating func addWebLinkSets(_ site: SiteAnchors, pages: ProvisionedPages) throws {
        for (setName, links) in template.webLinkSets {
            let setID = try insert(
                "adx_weblinkset", ["adx_name": .string(setName), "adx_websiteid": site.website, "adx_websitelanguageid": site.language])
            for (i, (linkName, page)) in links.enumerated() {
                try insert(
                    "adx_weblink",
                    [
                        "adx_name": .string(linkName), "adx_weblinksetid": ref("adx_weblinkset", setID),
                        "adx_pageid": pages.ref(page), "adx_displayorder": .integer(Int32(i + 1)),
                        "adx_publishingstateid": site.publishedState,
                    ])
            }
        }
    }

    /// The template's web files under the Home page, each with one note (`annotation`) holding its
    /// content as the document body (base64 text, the wire form the environment accepts). Stops at the
    /// first file when the environment lacks `adx_webfile`.
    mutating func addWebFiles(_ site: SiteAnchors, pages: ProvisionedPages) throws {
        for file in template.webFiles {
            guard
                let fileID = try insert(
                    "adx_webfile",
                    [
                        "adx_name": .string(file.name), "adx_partialurl": .string(file.name), "adx_websiteid": site.website,
                        "adx_parentpageid": pages.ref("Home"), "adx_publishingstateid": site.publishedState,
                    ])
            else { break }
            try insert(
                "annotation",
                [
                    "subject": .string(file.name), "filename": .string(file.name), "mimetype": .string(file.mimeType),
                    "documentbody": .string(Data(file.content.utf8).base64EncodedString()), "isdocument": .boolean(true),
                    "objectid": .lookup(EntityReference("adx_webfile", fileID)), "objecttypecode": .string("adx_webfile"),
                ])
        }
    }

    /// A web page access control rule granting Change (right 1) on the Home page, linked to the
    /// `Administrators` web role when the template has one.
    mutating func addHomeAccessRule(_ site: SiteAnchors, pages: ProvisionedPages, roles: [String: UUID]) throws {
        if let rule = try insert(
            "adx_webpageaccesscontrolrule",
            [
                "adx_name": .string("Grant Change to Administrators"), "adx_right": .choice(1), "adx_websiteid": site.website,
                "adx_webpageid": pages.ref("Home"),
            ]), let admin = roles["Administrators"]
        {
            try link(
                "adx_webpageaccesscontrolrule_webrole",
                ManyToManyLink(EntityReference("adx_webpageaccesscontrolrule", rule), EntityReference("adx_webrole", admin)))
        }
    }

    /// The portal app (`pm_portalapp`) hosting the website: standard data model, this template's name,
    /// subdomain `site-<first 8 website id characters>`. - Returns: the portal app id.
    mutating func addPortalApp(name: String, websiteID: UUID) throws -> UUID {
        let appID = UUID()
        try insert(
            "pm_portalapp",
            [
                "pm_name": .string(name), "pm_websiterecordid": .guid(websiteID), "pm_template": .string(template.name),
                "pm_datamodel": .string("standard"), "pm_subdomain": .string("site-\(websiteID.dataverseString.prefix(8))"),
            ],
            id: appID)
        return appID
    }
}

import Foundation
import PortalModel

/// Expands a `PortalTemplate` into records inside one write session (plug-ins bypassed: content pages
/// are written explicitly, one per website language, as the portal's own provisioning leaves them).
///
/// With `collectOnly` nothing is written: the standard-model records (shaped by
/// `TableCatalog.standard`) and N:N links are gathered in `collected`/`collectedLinks` for
/// `EnhancedProvisioner`, which turns them into enhanced-model rows.
struct Provisioner {
    let session: WriteSession
    let template: PortalTemplate
    let collectOnly: Bool
    private var counts: [String: Int] = [:]
    /// The records made when `collectOnly`, in creation order.
    private(set) var collected: [EntityRecord] = []
    /// The N:N links made when `collectOnly`: relationship name and link.
    private(set) var collectedLinks: [(String, ManyToManyLink)] = []

    init(session: WriteSession, template: PortalTemplate, collectOnly: Bool = false) {
        self.session = session
        self.template = template
        self.collectOnly = collectOnly
    }

    /// Creates a record with the columns the table has; `nil` when the environment (or, when
    /// collecting, the standard catalog) lacks the table.
    @discardableResult
    mutating func insert(_ table: String, _ columns: [String: FieldValue], id: UUID = UUID()) throws -> UUID? {
        if collectOnly {
            guard let def = TableCatalog.standard.table(table) ?? session.catalog.table(table) else { return nil }
            collected.append(EntityRecord(table, id: id, columns: session.fitted(def, columns)))
            return id
        }
        guard let def = session.catalog.table(table) else { return nil }
        _ = try session.create(EntityRecord(table, id: id, columns: session.fitted(def, columns)))
        counts[table, default: 0] += 1
        return id
    }

    /// Sets columns of a record made earlier (written or collected).
    mutating func amend(_ table: String, _ id: UUID, _ columns: [String: FieldValue]) throws {
        if collectOnly {
            guard let i = collected.firstIndex(where: { $0.logicalName == table && $0.id == id }) else { return }
            for (k, v) in columns { collected[i].columns[k] = v }
            return
        }
        guard let def = session.catalog.table(table) else { return }
        var r = EntityRecord(table, id: id)
        r.columns = session.fitted(def, columns)
        if !r.columns.isEmpty { try session.update(r) }
    }

    /// Links two records (written or collected) when the relationship exists.
    mutating func link(_ relationship: String, _ link: ManyToManyLink) throws {
        if collectOnly {
            if TableCatalog.standard.relationship(relationship) != nil { collectedLinks.append((relationship, link)) }
            return
        }
        if session.catalog.relationship(relationship) != nil { try session.associate(relationship, link) }
    }

    func ref(_ table: String, _ id: UUID?) -> FieldValue {
        id.map { .lookup(EntityReference(table, $0)) } ?? .null
    }

    mutating func run(name: String) throws -> ProvisionResult {
        let siteID = UUID()
        try insert(
            "adx_website", ["adx_name": .string(name), "adx_primarydomainname": .string("\(siteID.dataverseString.prefix(8)).portal.local")],
            id: siteID)
        let site = ref("adx_website", siteID)

        // Base language: the portal language whose LCID is the organization's base language.
        let lcid = session.organization.languageCode
        let portalLanguage = try session.all("adx_portallanguage").first { $0.1["adx_lcid"] == .integer(Int32(lcid)) }?.0
        let language = PortalLanguages.language(lcid: lcid)
        let siteLanguage = try insert(
            "adx_websitelanguage",
            [
                "adx_name": .string(language?.name ?? "Language \(lcid)"), "adx_websiteid": site,
                "adx_portallanguageid": ref("adx_portallanguage", portalLanguage),
                "statecode": .state(0), "statuscode": .status(1),
            ])
        let langRef = ref("adx_websitelanguage", siteLanguage)
        if let siteLanguage {
            try amend("adx_website", siteID, ["adx_defaultlanguage": .lookup(EntityReference("adx_websitelanguage", siteLanguage))])
        }

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
        let state = ref("adx_publishingstate", published)

        var webTemplates: [String: UUID] = [:]
        for t in template.webTemplates {
            webTemplates[t] = try insert(
                "adx_webtemplate",
                [
                    "adx_name": .string(t), "adx_websiteid": site,
                    "adx_source": .string(
                        "{% comment %} \(t): PortalMigrate \(template.name) template {% endcomment %}\n<div class=\"\(t.lowercased().replacingOccurrences(of: " ", with: "-"))\">{{ page.adx_copy }}</div>"
                    ),
                ])
        }
        var pageTemplates: [String: UUID] = [:]
        for t in template.pageTemplates {
            var cols: [String: FieldValue] = [
                "adx_name": .string(t.name), "adx_websiteid": site, "adx_type": .choice(t.type),
                "adx_entityname": .string("adx_webpage"), "adx_isdefault": .boolean(false),
                "adx_usewebsiteheaderandfooter": .boolean(true),
            ]
            if let u = t.rewriteURL { cols["adx_rewriteurl"] = .string(u) }
            if let w = t.webTemplate { cols["adx_webtemplateid"] = ref("adx_webtemplate", webTemplates[w]) }
            if let d = t.description { cols["adx_description"] = .string(d) }
            pageTemplates[t.name] = try insert("adx_pagetemplate", cols)
        }

        var pages: [String: UUID] = [:]
        for (index, page) in template.pages.enumerated() {
            var cols: [String: FieldValue] = [
                "adx_name": .string(page.name), "adx_title": .string(page.name), "adx_websiteid": site,
                "adx_partialurl": .string(page.partialURL), "adx_pagetemplateid": ref("adx_pagetemplate", pageTemplates[page.pageTemplate]),
                "adx_publishingstateid": state, "adx_hiddenfromsitemap": .boolean(page.hiddenFromSitemap),
                "adx_excludefromsearch": .boolean(page.excludedFromSearch), "adx_displayorder": .integer(Int32(index + 1)),
                "adx_copy": .string("<p>\(page.name)</p>"), "adx_enablerating": .boolean(false),
            ]
            if page.parent == nil { cols["adx_feedbackpolicy"] = .choice(756_150_005) }
            if let parent = page.parent { cols["adx_parentpageid"] = ref("adx_webpage", pages[parent]) }
            var root = cols
            root["adx_isroot"] = .boolean(true)
            guard let rootID = try insert("adx_webpage", root) else { break }
            pages[page.name] = rootID
            if siteLanguage != nil {
                var content = cols
                content["adx_isroot"] = .boolean(false)
                content["adx_rootwebpageid"] = ref("adx_webpage", rootID)
                content["adx_webpagelanguageid"] = langRef
                try insert("adx_webpage", content)
            }
        }

        for (name, value, type) in template.snippets {
            try insert(
                "adx_contentsnippet",
                [
                    "adx_name": .string(name), "adx_value": .string(value), "adx_type": .choice(type),
                    "adx_websiteid": site, "adx_contentsnippetlanguageid": langRef,
                ])
        }
        for (name, value) in template.siteSettings {
            try insert("adx_sitesetting", ["adx_name": .string(name), "adx_value": value.map(FieldValue.string) ?? .null, "adx_websiteid": site])
        }
        var roles: [String: UUID] = [:]
        for (name, anonymous, authenticated) in template.webRoles {
            roles[name] = try insert(
                "adx_webrole",
                [
                    "adx_name": .string(name), "adx_websiteid": site,
                    "adx_anonymoususersrole": .boolean(anonymous),
                    "adx_authenticatedusersrole": .boolean(authenticated),
                ])
        }
        for (name, page) in template.siteMarkers {
            try insert(
                "adx_sitemarker",
                [
                    "adx_name": .string(name), "adx_websiteid": site,
                    "adx_pageid": page.map { ref("adx_webpage", pages[$0]) } ?? .null,
                ])
        }
        for (setName, links) in template.webLinkSets {
            let setID = try insert("adx_weblinkset", ["adx_name": .string(setName), "adx_websiteid": site, "adx_websitelanguageid": langRef])
            for (i, (linkName, page)) in links.enumerated() {
                try insert(
                    "adx_weblink",
                    [
                        "adx_name": .string(linkName), "adx_weblinksetid": ref("adx_weblinkset", setID),
                        "adx_pageid": page.map { ref("adx_webpage", pages[$0]) } ?? .null,
                        "adx_displayorder": .integer(Int32(i + 1)), "adx_publishingstateid": state,
                    ])
            }
        }
        for file in template.webFiles {
            guard
                let fileID = try insert(
                    "adx_webfile",
                    [
                        "adx_name": .string(file.name), "adx_partialurl": .string(file.name), "adx_websiteid": site,
                        "adx_parentpageid": ref("adx_webpage", pages["Home"]), "adx_publishingstateid": state,
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
        if let rule = try insert(
            "adx_webpageaccesscontrolrule",
            [
                "adx_name": .string("Grant Change to Administrators"), "adx_right": .choice(1), "adx_websiteid": site,
                "adx_webpageid": ref("adx_webpage", pages["Home"]),
            ]), let admin = roles["Administrators"]
        {
            try link(
                "adx_webpageaccesscontrolrule_webrole",
                ManyToManyLink(
                    EntityReference("adx_webpageaccesscontrolrule", rule), EntityReference("adx_webrole", admin)))
        }

        let appID = UUID()
        try insert(
            "pm_portalapp",
            [
                "pm_name": .string(name), "pm_websiterecordid": .guid(siteID), "pm_template": .string(template.name),
                "pm_datamodel": .string("standard"), "pm_subdomain": .string("site-\(siteID.dataverseString.prefix(8))"),
            ],
            id: appID)
        return ProvisionResult(websiteId: siteID, portalAppId: appID, template: template.name, recordCounts: counts)
    }
}

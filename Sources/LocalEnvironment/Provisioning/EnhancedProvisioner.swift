import Foundation
import PortalModel

/// Provisions a template as an enhanced-data-model site (research/dataverse-webapi.md §11.3,
/// research/emulator-facts.md §4): the same content a standard provisioning makes, written as one
/// `powerpagesite`, one `powerpagesitelanguage` per website language (its id serving as website
/// language and portal language, as in v2 folders, research/pac-portal-format.md §5) and one
/// `powerpagecomponent` per configuration record.
///
/// - Each adx record becomes the component of its type with the same id (`EnhancedComponentMapping`):
///   `content` holds the adx columns without the prefix, lookups as GUID strings, web-role links as
///   GUID arrays under the `adx_`-spelled relationship name (what pac v2 writes, §4.3); the same links
///   are also rows of the `powerpagecomponent_powerpagecomponent` N:N.
/// - Language-specific components (content pages, snippets, link sets) get `powerpagesitelanguageid`.
/// - Web file bodies go into the `filecontent` file column instead of notes.
/// - The site's `content` carries `defaultlanguage`, `headerwebtemplateid`, `footerwebtemplateid` and
///   `website_language` (the keys of code-site `website.yml`, §4.2, marked [I] as content keys);
///   `datamodelversion` is `2` ([I]: the column's values are not documented in the research).
/// - A table permission for contacts (global scope, read) linked to Administrators and Authenticated
///   Users is added, so the enhanced starter also exercises table permissions and their role links.
struct EnhancedProvisioner {
    let session: WriteSession
    let mapping = EnhancedComponentMapping()
    private(set) var counts: [String: Int] = [:]

    init(session: WriteSession) { self.session = session }

    /// The N:N relationships whose links become `content` arrays (the adx spelling pac v2 writes).
    static let roleRelationships: Set<String> = [
        "adx_webpageaccesscontrolrule_webrole", "adx_entitypermission_webrole",
        "adx_websiteaccess_webrole",
    ]
    /// Lookup columns whose target is the website language, by adx table.
    static let languageColumns = [
        "adx_webpage": "adx_webpagelanguageid", "adx_contentsnippet": "adx_contentsnippetlanguageid",
        "adx_weblinkset": "adx_websitelanguageid",
    ]

    private mutating func create(_ record: EntityRecord) throws {
        _ = try session.create(record)
        counts[record.logicalName, default: 0] += 1
    }

    /// Writes the records a collecting `Provisioner` made for `template`.
    /// - Throws: `DataverseError` when a write is refused.
    mutating func run(template: PortalTemplate, name: String) throws -> ProvisionResult {
        var provisioner = Provisioner(session: session, template: template, collectOnly: true)
        _ = try provisioner.run(name: name)
        var records = provisioner.collected
        var links = provisioner.collectedLinks

        // The table permission the enhanced starter adds.
        let roleIDs = Dictionary(
            records.filter { $0.logicalName == "adx_webrole" }.compactMap { r in r.string("adx_name").map { ($0, r.id) } },
            uniquingKeysWith: { a, _ in a })
        let permission = UUID()
        records.append(
            EntityRecord(
                "adx_entitypermission", id: permission,
                columns: [
                    "adx_entityname": .string("Contacts"), "adx_entitylogicalname": .string("contact"), "adx_scope": .choice(756_150_000),
                    "adx_read": .boolean(true), "adx_write": .boolean(false), "adx_create": .boolean(false), "adx_delete": .boolean(false),
                    "adx_append": .boolean(false), "adx_appendto": .boolean(false),
                ]))
        for role in ["Administrators", "Authenticated Users"] {
            guard let r = roleIDs[role] else { continue }
            links.append(
                (
                    "adx_entitypermission_webrole",
                    ManyToManyLink(
                        EntityReference("adx_entitypermission", permission),
                        EntityReference("adx_webrole", r))
                ))
        }

        guard let website = records.first(where: { $0.logicalName == "adx_website" }) else {
            throw DataverseError(code: DataverseError.Code.invalidArgument, message: "the template made no website")
        }
        let siteID = website.id
        let lcid = session.organization.languageCode
        let webTemplates = Dictionary(
            records.filter { $0.logicalName == "adx_webtemplate" }.compactMap { r in r.string("adx_name").map { ($0, r.id) } },
            uniquingKeysWith: { a, _ in a })
        let languages = records.filter { $0.logicalName == "adx_websitelanguage" }
        let published = records.first { $0.logicalName == "adx_publishingstate" && $0["adx_isdefault"] == .boolean(true) }?.id
        var siteContent: [(String, JSONValue)] = []
        if let language = languages.first { siteContent.append(("defaultlanguage", .string(language.id.dataverseString))) }
        if let h = webTemplates["Header"] { siteContent.append(("headerwebtemplateid", .string(h.dataverseString))) }
        if let f = webTemplates["Footer"] { siteContent.append(("footerwebtemplateid", .string(f.dataverseString))) }
        siteContent.append(("website_language", .number(String(lcid))))
        try create(
            EntityRecord(
                "powerpagesite", id: siteID,
                columns: [
                    "name": website["adx_name"] ?? .string(name), "content": .string(JSONValue.object(siteContent).serialized),
                    "datamodelversion": .string("2"), "primarydomainname": website["adx_primarydomainname"] ?? .null,
                    "statecode": .state(0), "statuscode": .status(1),
                ]))
        let siteRef = FieldValue.lookup(EntityReference("powerpagesite", siteID))
        for language in languages {
            let info = PortalLanguages.language(lcid: lcid)
            var content: [(String, JSONValue)] = [("systemlanguage", .number(String(lcid)))]
            if let published { content.append(("publishingstate", .string(published.dataverseString))) }
            try create(
                EntityRecord(
                    "powerpagesitelanguage", id: language.id,
                    columns: [
                        "name": language["adx_name"] ?? .string(info?.name ?? "Language \(lcid)"),
                        "languagecode": .string(info?.code ?? String(lcid)), "lcid": .integer(Int32(clamping: lcid)),
                        "displayname": .string(info?.displayName ?? "Language \(lcid)"), "content": .string(JSONValue.object(content).serialized),
                        "powerpagesiteid": siteRef, "statecode": .state(0), "statuscode": .status(1),
                    ]))
        }

        var roleLinks: [UUID: [String: [UUID]]] = [:]
        for (relationship, link) in links where Self.roleRelationships.contains(relationship) {
            roleLinks[link.first.id, default: [:]][relationship, default: []].append(link.second.id)
        }
        var bodies: [(UUID, EntityRecord)] = []
        var componentIDs = Set<UUID>()
        for record in records {
            switch record.logicalName {
            case "adx_website", "adx_websitelanguage":
                continue
            case "annotation":
                if let file = record.lookupID("objectid") { bodies.append((file, record)) }
                continue
            case "pm_portalapp":
                var app = record
                app["pm_datamodel"] = .string("enhanced")
                try create(app)
                continue
            default:
                break
            }
            let language = Self.languageColumns[record.logicalName].flatMap { record.lookupID($0) }
            var columns = record
            if columns["statecode"] == nil { columns["statecode"] = .state(0) }
            if columns["statuscode"] == nil { columns["statuscode"] = .status(1) }
            guard
                let component = mapping.component(
                    from: columns, siteID: siteID, languageID: language,
                    webRoleLinks: roleLinks[record.id] ?? [:])
            else { continue }
            try create(component)
            componentIDs.insert(component.id)
        }
        for (relationship, link) in links where Self.roleRelationships.contains(relationship) {
            guard componentIDs.contains(link.first.id), componentIDs.contains(link.second.id) else { continue }
            try session.associate(
                "powerpagecomponent_powerpagecomponent",
                ManyToManyLink(
                    EntityReference("powerpagecomponent", link.first.id), EntityReference("powerpagecomponent", link.second.id)))
        }
        for (file, note) in bodies where componentIDs.contains(file) {
            guard let text = note.string("documentbody"), let data = Data(base64Encoded: text) else { continue }
            try session.upload(
                FileBodyKey("powerpagecomponent", file, "filecontent"),
                fileName: note.string("filename") ?? "file", body: .data(data))
        }
        guard let app = records.first(where: { $0.logicalName == "pm_portalapp" }) else {
            throw DataverseError(code: DataverseError.Code.invalidArgument, message: "the environment has no portal app table")
        }
        return ProvisionResult(websiteId: siteID, portalAppId: app.id, template: template.name, recordCounts: counts)
    }
}

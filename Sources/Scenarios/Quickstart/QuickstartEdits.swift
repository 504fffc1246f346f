import Foundation
import PortalModel

/// The edits a maker would make to a freshly provisioned source portal before migrating it, written
/// through any `DataverseService` (the embedded environment in-process, or the Web API client over
/// HTTP): there is no `portal-migrate` command that edits records, so `quickstart` writes them itself
/// and prints what it changed.
///
/// Edits (standard data model, table and column names from the catalog):
/// - a new web page `Quickstart` (`quickstart`) under Home, created with plug-ins on so the platform
///   adds its content page (behaviour E3, research/platform-behaviours.md);
/// - the copy of Home's content page(s) changed;
/// - a content snippet `Quickstart/Greeting` (HTML);
/// - a web file `quickstart-pixel.png` under Home with its body in a note (`annotation.documentbody`);
/// - a table permission (`adx_entitypermission`) reading contacts at global scope, linked to the web
///   roles Authenticated Users and Administrators (N:N `adx_entitypermission_webrole`);
/// - the site setting `Authentication/OpenAuth/Microsoft/ClientSecret` given a secret value (never
///   printed) and `…/ClientId` a client id.
struct QuickstartEdits {
    /// The site setting that holds a secret.
    static let secretSettingName = "Authentication/OpenAuth/Microsoft/ClientSecret"
    static let clientIDSettingName = "Authentication/OpenAuth/Microsoft/ClientId"
    /// A 1×1 transparent PNG (the web file's body).
    static let pixelPNG =
        Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==") ?? Data()
    static let snippetValue = "<p>Hello from the PortalMigrate quickstart.</p>"
    static let homeCopy = "<h1>Home</h1><p>Edited in the source environment by the quickstart.</p>"

    var pageID = UUID()
    var snippetID = UUID()
    var webFileID = UUID()
    var noteID = UUID()
    var permissionID = UUID()
    /// The secret site setting's id (found in the provisioned site).
    var secretSettingID: UUID?
    /// Operations that succeeded.
    var written = 0
    /// One line per change, for the console.
    var changes: [String] = []

    /// Finds the records to edit in website `websiteID` and writes the edits.
    /// - Parameter secret: the value the secret site setting gets; never printed.
    /// - Throws: `ScenarioSetupError` naming a template record that is missing or an operation that failed.
    static func apply(to service: any DataverseService, websiteID: UUID, secret: String) async throws -> QuickstartEdits {
        var edits = QuickstartEdits()
        let site = FieldValue.lookup(EntityReference("adx_website", websiteID))
        func rows(_ table: String, _ filters: [RecordFilter]) async throws -> [EntityRecord] {
            try await service.retrieveAll(RecordQuery(table, filter: .and([.equal("adx_websiteid", .guid(websiteID))] + filters)))
        }
        guard let home = try await rows("adx_webpage", [.equal("adx_partialurl", .string("/")), .equal("adx_isroot", .boolean(true))]).first else {
            throw ScenarioSetupError("the provisioned website \(websiteID.dataverseString) has no root Home page (adx_webpage, partial URL /)")
        }
        let homeContent = try await service.retrieveAll(RecordQuery("adx_webpage", filter: .equal("adx_rootwebpageid", .guid(home.id))))
        guard let language = try await rows("adx_websitelanguage", []).first else {
            throw ScenarioSetupError("the provisioned website has no website language (adx_websitelanguage)")
        }
        let published = try await rows("adx_publishingstate", [.equal("adx_name", .string("Published"))]).first
        let roles = try await rows("adx_webrole", [])
        let roleIDs = roles.filter { ["Authenticated Users", "Administrators"].contains($0.string("adx_name") ?? "") }.map(\.id)
        guard roleIDs.count == 2 else {
            throw ScenarioSetupError("the provisioned website lacks the web roles Authenticated Users and Administrators")
        }
        let settings = try await rows("adx_sitesetting", [.in("adx_name", [.string(secretSettingName), .string(clientIDSettingName)])])
        guard let secretSetting = settings.first(where: { $0.string("adx_name") == secretSettingName }) else {
            throw ScenarioSetupError("the provisioned website has no site setting \(secretSettingName)")
        }
        edits.secretSettingID = secretSetting.id

        var page = EntityRecord(
            "adx_webpage", id: edits.pageID,
            columns: [
                "adx_name": .string("Quickstart"), "adx_title": .string("Quickstart"), "adx_partialurl": .string("quickstart"),
                "adx_websiteid": site, "adx_parentpageid": .lookup(home.reference),
                "adx_copy": .string("<h1>Quickstart</h1><p>A page made in the source environment.</p>"),
                "adx_hiddenfromsitemap": .boolean(false), "adx_displayorder": .integer(50),
            ])
        if let t = home.lookupID("adx_pagetemplateid") { page.columns["adx_pagetemplateid"] = .lookup(EntityReference("adx_pagetemplate", t)) }
        if let p = published { page.columns["adx_publishingstateid"] = .lookup(p.reference) }

        var operations: [(DataverseOperation, String)] = [
            (.create(page), "created web page Quickstart (/quickstart) under Home; the platform adds its content page")
        ]
        for content in homeContent {
            operations.append(
                (
                    .update(EntityRecord("adx_webpage", id: content.id, columns: ["adx_copy": .string(homeCopy)])),
                    "changed the copy of Home's content page \(content.id.dataverseString)"
                ))
        }
        operations.append(
            (
                .create(
                    EntityRecord(
                        "adx_contentsnippet", id: edits.snippetID,
                        columns: [
                            "adx_name": .string("Quickstart/Greeting"), "adx_value": .string(snippetValue), "adx_type": .choice(756_150_001),
                            "adx_websiteid": site, "adx_contentsnippetlanguageid": .lookup(language.reference),
                        ])), "created content snippet Quickstart/Greeting"
            ))
        var file = EntityRecord(
            "adx_webfile", id: edits.webFileID,
            columns: [
                "adx_name": .string("quickstart-pixel.png"), "adx_partialurl": .string("quickstart-pixel.png"),
                "adx_websiteid": site, "adx_parentpageid": .lookup(home.reference),
            ])
        if let p = published { file.columns["adx_publishingstateid"] = .lookup(p.reference) }
        operations.append((.create(file), "created web file quickstart-pixel.png under Home"))
        operations.append(
            (
                .create(
                    EntityRecord(
                        "annotation", id: edits.noteID,
                        columns: [
                            "subject": .string("quickstart-pixel.png"), "filename": .string("quickstart-pixel.png"), "mimetype": .string("image/png"),
                            "documentbody": .string(pixelPNG.base64EncodedString()), "isdocument": .boolean(true),
                            "objectid": .lookup(EntityReference("adx_webfile", edits.webFileID)),
                        ])), "attached its body (\(pixelPNG.count) bytes) as a note"
            ))
        operations.append(
            (
                .create(
                    EntityRecord(
                        "adx_entitypermission", id: edits.permissionID,
                        columns: [
                            "adx_entityname": .string("Quickstart: read contacts"), "adx_entitylogicalname": .string("contact"),
                            "adx_scope": .choice(756_150_000), "adx_read": .boolean(true), "adx_write": .boolean(false),
                            "adx_create": .boolean(false), "adx_delete": .boolean(false), "adx_append": .boolean(false),
                            "adx_appendto": .boolean(false), "adx_websiteid": site,
                        ])), "created table permission 'Quickstart: read contacts' (global scope)"
            ))
        for role in roleIDs {
            operations.append(
                (
                    .associate(
                        relationship: "adx_entitypermission_webrole",
                        ManyToManyLink(
                            EntityReference("adx_entitypermission", edits.permissionID), EntityReference("adx_webrole", role))),
                    "linked it to web role \(roles.first { $0.id == role }?.string("adx_name") ?? role.dataverseString)"
                ))
        }
        operations.append(
            (
                .update(EntityRecord("adx_sitesetting", id: secretSetting.id, columns: ["adx_value": .string(secret)])),
                "set site setting \(secretSettingName) to a secret value (not shown)"
            ))
        if let clientID = settings.first(where: { $0.string("adx_name") == clientIDSettingName }) {
            operations.append(
                (
                    .update(EntityRecord("adx_sitesetting", id: clientID.id, columns: ["adx_value": .string("4f3b0c1e-quickstart-client")])),
                    "set site setting \(clientIDSettingName)"
                ))
        }

        // One operation per change set, in order: the note needs its web file, the links their permission.
        let results = try await service.execute(
            operations.map { ChangeSet([$0.0], atomic: true) },
            options: ExecuteOptions(bypassCustomPlugins: false, continueOnError: false))
        for ((op, text), result) in zip(operations, results) {
            if let error = result.error {
                throw ScenarioSetupError("\(text): \(op.logicalName) \(op.recordID.dataverseString) failed: \(error)")
            }
            edits.written += 1
            edits.changes.append(text)
        }
        guard results.count == operations.count else {
            throw ScenarioSetupError("the environment answered \(results.count) of \(operations.count) edits")
        }
        edits.written += 1 // the content page the platform created for the new page
        return edits
    }

    /// Reads the edits back from `service`.
    /// - Parameter secret: the value the secret site setting must hold.
    /// - Throws: `ScenarioSetupError` naming the first edit that is not there.
    func check(in service: any DataverseService, secret: String) async throws {
        func one(_ table: String, _ id: UUID) async throws -> EntityRecord {
            let idColumn = table == "annotation" ? "annotationid" : "\(table)id"
            guard let r = try await service.retrieveAll(RecordQuery(table, filter: .equal(idColumn, .guid(id)))).first else {
                throw ScenarioSetupError("\(table) \(id.dataverseString) is not in the environment")
            }
            return r
        }
        _ = try await one("adx_webpage", pageID)
        let content = try await service.retrieveAll(RecordQuery("adx_webpage", filter: .equal("adx_rootwebpageid", .guid(pageID))))
        guard !content.isEmpty else { throw ScenarioSetupError("the new page Quickstart has no content page") }
        guard try await one("adx_contentsnippet", snippetID).string("adx_value") == Self.snippetValue else {
            throw ScenarioSetupError("the snippet Quickstart/Greeting does not hold its value")
        }
        _ = try await one("adx_webfile", webFileID)
        let body = try await service.downloadFile(FileBodyKey("annotation", noteID, "documentbody"))
        guard body == Self.pixelPNG else { throw ScenarioSetupError("the web file's note body differs from what was written") }
        _ = try await one("adx_entitypermission", permissionID)
        let links = try await service.retrieveLinks(relationship: "adx_entitypermission_webrole", firstIDs: [permissionID])
        guard links.count == 2 else { throw ScenarioSetupError("the table permission has \(links.count) web role link(s), not 2") }
        if let id = secretSettingID {
            guard try await one("adx_sitesetting", id).string("adx_value") == secret else {
                throw ScenarioSetupError("the secret site setting does not hold the value written (value not shown)")
            }
        }
    }
}

import Foundation
import GRDB
import PortalModel

/// The steps of Microsoft's site migration procedure on an embedded environment: provision a portal
/// from a template, delete the website record, delete the portal app, provision a portal app from an
/// existing website record, reset (research/emulator-facts.md §3, §5; platform-behaviours.md §1.1 P7).
extension LocalEnvironment {
    /// Provisions a new portal: website, website language (the organization's base language),
    /// publishing states, pages with one content page each, templates, snippets, settings, roles,
    /// markers, link sets, web files (with notes) and a portal app bound to the website, all under fresh
    /// random GUIDs. Tables or columns the environment lacks are skipped.
    ///
    /// With `dataModel` `.enhanced` the same content is written as an enhanced-data-model site
    /// (`EnhancedProvisioner`): one `powerpagesite`, its `powerpagesitelanguage`, one
    /// `powerpagecomponent` per configuration record (web file bodies in `filecontent`, role links in
    /// `content` and the component N:N) plus a table permission; the portal app says `enhanced`.
    ///
    /// - Parameters:
    ///   - template: `starter` or `customer-self-service` (`PortalTemplate.all`).
    ///   - name: the website name; defaults to the template's display name.
    ///   - dataModel: `.standard` (default, `adx_*` tables) or `.enhanced`.
    /// - Throws: `LocalEnvironmentError.unknownTemplate`; `DataverseError` when the environment has no
    ///   `adx_website` (standard) or `powerpagesite` (enhanced) table, or a write is refused.
    @discardableResult
    public func provision(template templateName: String, name: String? = nil, dataModel: DataModel = .standard) async throws -> ProvisionResult {
        let template = try PortalTemplate.named(templateName)
        let enhanced = dataModel == .enhanced
        _ = try table(enhanced ? "powerpagesite" : "adx_website")
        let catalog = self.catalog
        return try await pool.write { db in
            let session = try WriteSession(db: db, catalog: catalog, bypassPlugins: true)
            if enhanced {
                var provisioner = EnhancedProvisioner(session: session)
                return try provisioner.run(template: template, name: name ?? template.displayName)
            }
            var provisioner = Provisioner(session: session, template: template)
            return try provisioner.run(name: name ?? template.displayName)
        }
    }

    /// Binds a new portal app to an existing website record (the "provision from existing website"
    /// step). - Returns: the portal app id.
    /// - Throws: `LocalEnvironmentError.websiteNotFound`, `.portalAppExists`.
    @discardableResult
    public func provisionPortalApp(existingWebsite websiteID: UUID) async throws -> UUID {
        let catalog = self.catalog
        return try await pool.write { db in
            let session = try WriteSession(db: db, catalog: catalog, bypassPlugins: true)
            guard let site = try session.website(websiteID) else { throw LocalEnvironmentError.websiteNotFound(websiteID) }
            if try !session.portalApps(for: websiteID).isEmpty { throw LocalEnvironmentError.portalAppExists(websiteID) }
            let appID = UUID()
            _ = try session.create(
                EntityRecord(
                    "pm_portalapp", id: appID,
                    columns: [
                        "pm_name": .string(site.name), "pm_websiterecordid": .guid(websiteID),
                        "pm_template": .string("existing-website"), "pm_datamodel": .string(site.dataModel),
                    ]))
            return appID
        }
    }

    /// Deletes the portal app(s) bound to a website; the website record and its configuration stay.
    /// - Throws: `LocalEnvironmentError.portalAppNotFound`.
    public func deletePortalApp(websiteID: UUID) async throws {
        let catalog = self.catalog
        try await pool.write { db in
            let session = try WriteSession(db: db, catalog: catalog, bypassPlugins: false)
            let apps = try session.portalApps(for: websiteID)
            guard !apps.isEmpty else { throw LocalEnvironmentError.portalAppNotFound(websiteID) }
            var visited = Set<String>()
            for app in apps { try session.delete("pm_portalapp", app, visited: &visited) }
        }
    }

    /// Deletes a website record; the environment's cascade rules (C1…) remove its configuration.
    /// A portal app bound to it stays (its website id then points at nothing), as in Microsoft's procedure.
    /// - Throws: `LocalEnvironmentError.websiteNotFound`.
    public func deleteWebsite(_ websiteID: UUID) async throws {
        let catalog = self.catalog
        try await pool.write { db in
            let session = try WriteSession(db: db, catalog: catalog, bypassPlugins: false)
            guard let site = try session.website(websiteID) else { throw LocalEnvironmentError.websiteNotFound(websiteID) }
            var visited = Set<String>()
            try session.delete(site.table, websiteID, visited: &visited)
        }
    }

    /// Removes the portal app bound to the website (when any) and the website with its configuration.
    /// - Throws: `LocalEnvironmentError.websiteNotFound` when neither a website nor an app exists for the id.
    public func reset(websiteID: UUID) async throws {
        let catalog = self.catalog
        try await pool.write { db in
            let session = try WriteSession(db: db, catalog: catalog, bypassPlugins: false)
            let apps = try session.portalApps(for: websiteID)
            let site = try session.website(websiteID)
            guard site != nil || !apps.isEmpty else { throw LocalEnvironmentError.websiteNotFound(websiteID) }
            var visited = Set<String>()
            for app in apps { try session.delete("pm_portalapp", app, visited: &visited) }
            if let site { try session.delete(site.table, websiteID, visited: &visited) }
        }
    }

    /// The environment's websites (standard `adx_website` and enhanced `powerpagesite`), sorted by
    /// name: `WebsiteListing.websites(in:)` over this environment, the same rows `list` shows for an
    /// environment over the Web API.
    /// - Throws: `DataverseError` when a read fails.
    public func websites() async throws -> [WebsiteSummary] {
        try await WebsiteListing.websites(in: self)
    }

    /// The data model of website `websiteID` (`WebsiteListing.dataModel(ofWebsite:in:)`), `nil` when
    /// the environment has no such website.
    public func dataModel(ofWebsite websiteID: UUID) async throws -> DataModel? {
        try await WebsiteListing.dataModel(ofWebsite: websiteID, in: self)
    }
}

extension WriteSession {
    struct Site { var table: String; var name: String; var dataModel: String }

    func website(_ id: UUID) throws -> Site? {
        for (table, nameColumn, model) in [("adx_website", "adx_name", "standard"), ("powerpagesite", "name", "enhanced")]
        where catalog.table(table) != nil {
            if let r = try load(table, id) { return Site(table: table, name: r.columns[nameColumn]?.text ?? "", dataModel: model) }
        }
        return nil
    }

    /// Every record of a table (id, columns), in id order.
    func all(_ table: String) throws -> [(UUID, [String: FieldValue])] {
        guard catalog.table(table) != nil else { return [] }
        return try Row.fetchAll(db, sql: "SELECT id, data FROM records WHERE logicalname = ? ORDER BY id", arguments: [table])
            .compactMap { row in
                let text: String = row["id"]
                guard let id = UUID(dataverse: text) else { return nil }
                return (id, try StoredValue.decode(row["data"], logicalName: table, id: id))
            }
    }

    func portalApps(for websiteID: UUID) throws -> [UUID] {
        try all("pm_portalapp").filter { $0.1["pm_websiterecordid"] == .guid(websiteID) }.map(\.0)
    }

}

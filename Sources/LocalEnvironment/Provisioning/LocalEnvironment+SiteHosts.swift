import Foundation
import GRDB
import PortalModel

// `SiteHost` (the `pm_portalapp` row seen as the admin API's website object) is PortalModel's, shared
// with `EnvironmentServer`'s admin API through the `SiteHosting` capability
// (LocalEnvironment+Capabilities.swift).

extension LocalEnvironment {
    /// Every site host, oldest first.
    /// - Throws: `DataverseError` when the store cannot be read.
    public func siteHosts() async throws -> [SiteHost] {
        let catalog = self.catalog
        return try await pool.read { db in
            let session = try WriteSession(db: db, catalog: catalog, bypassPlugins: true)
            return try session.siteHosts()
        }
    }

    /// Provisions a new website from a built-in template (as `provision(template:name:dataModel:)`)
    /// and gives its portal app the admin API's `subdomain` and `hostTemplate` name, in one transaction
    /// that first checks that no other host uses `subdomain`.
    /// The host gets the id `hostID` (the admin API announces it before the work is done).
    /// - Throws: `LocalEnvironmentError.subdomainTaken`, `LocalEnvironmentError.unknownTemplate`; `DataverseError` as `provision`.
    public func createSiteHost(
        template templateName: String, hostTemplate: String, name: String, subdomain: String,
        dataModel: DataModel = .standard, hostID: UUID = UUID()
    ) async throws -> SiteHost {
        let template = try PortalTemplate.named(templateName)
        _ = try table(dataModel == .enhanced ? "powerpagesite" : "adx_website")
        let catalog = self.catalog
        return try await pool.write { db in
            let session = try WriteSession(db: db, catalog: catalog, bypassPlugins: true)
            try session.requireFreeSubdomain(subdomain)
            let result: ProvisionResult
            if dataModel == .enhanced {
                var provisioner = EnhancedProvisioner(session: session)
                result = try provisioner.run(template: template, name: name)
            } else {
                var provisioner = Provisioner(session: session, template: template)
                result = try provisioner.run(name: name)
            }
            // The provisioner's portal app is replaced by one with the announced id, subdomain and template name.
            guard var columns = try session.load("pm_portalapp", result.portalAppId)?.columns else {
                throw LocalEnvironmentError.portalAppNotFound(result.websiteId)
            }
            var visited = Set<String>()
            try session.delete("pm_portalapp", result.portalAppId, visited: &visited)
            columns["pm_portalappid"] = nil
            columns["pm_subdomain"] = .string(subdomain)
            columns["pm_template"] = .string(hostTemplate)
            _ = try session.create(EntityRecord("pm_portalapp", id: hostID, columns: columns))
            guard let host = try session.siteHosts().first(where: { $0.id == hostID }) else {
                throw LocalEnvironmentError.portalAppNotFound(result.websiteId)
            }
            return host
        }
    }

    /// Binds a new host to an existing website record (the admin API's create with `websiteRecordId`,
    /// the procedure's last step): one transaction that checks the record exists, has no host yet and
    /// that `subdomain` is free. The website record itself is not changed.
    /// - Throws: `LocalEnvironmentError.websiteNotFound`, `.portalAppExists`; `LocalEnvironmentError.subdomainTaken`.
    public func bindSiteHost(
        existingWebsite websiteID: UUID, hostTemplate: String, name: String, subdomain: String,
        hostID: UUID = UUID()
    ) async throws -> SiteHost {
        let catalog = self.catalog
        return try await pool.write { db in
            let session = try WriteSession(db: db, catalog: catalog, bypassPlugins: true)
            guard let site = try session.website(websiteID) else { throw LocalEnvironmentError.websiteNotFound(websiteID) }
            if try !session.portalApps(for: websiteID).isEmpty { throw LocalEnvironmentError.portalAppExists(websiteID) }
            try session.requireFreeSubdomain(subdomain)
            let appID = hostID
            _ = try session.create(
                EntityRecord(
                    "pm_portalapp", id: appID,
                    columns: [
                        "pm_name": .string(name), "pm_websiterecordid": .guid(websiteID), "pm_template": .string(hostTemplate),
                        "pm_datamodel": .string(site.dataModel), "pm_subdomain": .string(subdomain),
                    ]))
            guard let host = try session.siteHosts().first(where: { $0.id == appID }) else {
                throw LocalEnvironmentError.portalAppNotFound(websiteID)
            }
            return host
        }
    }

    /// Deletes one host (portal app) by its id; the website record and its configuration stay, so the
    /// site shows as inactive (research/code-sites-and-admin-api.md §B.1 "Delete (host only)").
    /// - Returns: false when no host has this id.
    @discardableResult
    public func deleteSiteHost(_ hostID: UUID) async throws -> Bool {
        let catalog = self.catalog
        return try await pool.write { db in
            let session = try WriteSession(db: db, catalog: catalog, bypassPlugins: false)
            guard try session.exists("pm_portalapp", hostID) else { return false }
            var visited = Set<String>()
            try session.delete("pm_portalapp", hostID, visited: &visited)
            return true
        }
    }
}

extension WriteSession {
    func siteHosts() throws -> [SiteHost] {
        guard catalog.table("pm_portalapp") != nil else { return [] }
        return try Row.fetchAll(db, sql: "SELECT id, data, createdon FROM records WHERE logicalname = 'pm_portalapp' ORDER BY createdon, id")
            .compactMap { row in
                let text: String = row["id"]
                guard let id = UUID(dataverse: text) else { return nil }
                let c = try StoredValue.decode(row["data"], logicalName: "pm_portalapp", id: id)
                let site: UUID?
                switch c["pm_websiterecordid"] {
                case .guid(let g)?: site = g
                case .string(let s)?: site = UUID(dataverse: s)
                default: site = nil
                }
                let created: Int64 = row["createdon"]
                return SiteHost(
                    id: id, name: c["pm_name"]?.text ?? "", websiteRecordId: site, template: c["pm_template"]?.text ?? "",
                    dataModel: c["pm_datamodel"]?.text ?? "standard", subdomain: c["pm_subdomain"]?.text,
                    createdOn: DateTimeValue(ticks: created).date)
            }
    }

    /// - Throws: `LocalEnvironmentError.subdomainTaken` when a host already uses `subdomain` (compared
    ///   without regard to case: host names are case-insensitive).
    func requireFreeSubdomain(_ subdomain: String) throws {
        if try siteHosts().contains(where: { $0.subdomain?.lowercased() == subdomain.lowercased() }) {
            throw LocalEnvironmentError.subdomainTaken(subdomain)
        }
    }
}

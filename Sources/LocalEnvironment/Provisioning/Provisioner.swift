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

    /// Writes (or collects) one standard-model site: the website, its base language and publishing
    /// states, then the template's content in a fixed order (later steps point at what earlier ones
    /// made), and last the portal app that hosts it. Each step is in `Provisioner+Steps.swift`.
    /// - Returns: the website and portal app ids and the records written per table (empty counts
    ///   when collecting).
    /// - Throws: `DataverseError` when a write is refused.
    mutating func run(name: String) throws -> ProvisionResult {
        let websiteID = try addWebsite(name: name)
        let language = try addBaseLanguage(websiteID: websiteID)
        let published = try addPublishingStates(websiteID: websiteID)
        let site = SiteAnchors(websiteID: websiteID, languageID: language, publishedStateID: published)
        let webTemplates = try addWebTemplates(site)
        let pageTemplates = try addPageTemplates(site, webTemplates: webTemplates)
        let pages = try addPages(site, pageTemplates: pageTemplates)
        try addSnippetsAndSiteSettings(site)
        let roles = try addWebRoles(site)
        try addSiteMarkers(site, pages: pages)
        try addWebLinkSets(site, pages: pages)
        try addWebFiles(site, pages: pages)
        try addHomeAccessRule(site, pages: pages, roles: roles)
        let appID = try addPortalApp(name: name, websiteID: websiteID)
        return ProvisionResult(websiteId: websiteID, portalAppId: appID, template: template.name, recordCounts: counts)
    }
}

extension LocalEnvironment {
    /// Runs `steps` on a `Provisioner` over one write session of this environment (plug-ins bypassed,
    /// as `provision` opens it), so single steps can be run and checked in-process.
    /// - Throws: what `steps` throws (`DataverseError` when a write is refused); nothing is kept then.
    func withProvisioner<T: Sendable>(
        template: PortalTemplate, collectOnly: Bool, _ steps: @escaping @Sendable (inout Provisioner) throws -> T
    ) async throws -> T {
        let catalog = self.catalog
        return try await pool.write { db in
            var provisioner = Provisioner(
                session: try WriteSession(db: db, catalog: catalog, bypassPlugins: true), template: template, collectOnly: collectOnly)
            return try steps(&provisioner)
        }
    }
}

import ArgumentParser
import DataverseWebAPI
import Environments
import Foundation
import PortalModel

/// `portal-migrate site list --environment ENV [--json]`.
struct SiteListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the sites of an environment, with website records that have no site (inactive).",
        discussion: """
            Joins the admin API's sites with the environment's website records (adx_website, powerpagesite). \
            States: active, provisioning, failed, inactive (a website record with no site), no-record (a site \
            whose website record is not in the environment).

            --json prints {"environmentId", "sites": [{"state", "siteId", "name", "status", "websiteUrl", \
            "subdomain", "websiteRecordId", "websiteRecordName", "dataModel", "templateName", "language", "createdOn"}]}.

            Example: portal-migrate site list --environment https://contoso.crm.dynamics.com --json
            """)
    @OptionGroup var site: SiteOptions

    func run() async throws {
        let c = try await site.open()
        defer { c.close() }
        let rows = try await c.rows()
        if site.json {
            printJSON([("environmentId", .string(c.admin.environmentID)), ("sites", .array(rows.map(\.json)))])
            return
        }
        guard !rows.isEmpty else {
            printOut("No sites and no website records in \(c.label).")
            return
        }
        printOut("Sites of \(c.label) (Power Platform environment \(c.admin.environmentID)):")
        for line in rows.flatMap({ $0.lines(label: c.label) }) { printOut(line) }
    }
}

/// How a `site` command names one site: `--id` (the site's own id) or `--webSiteId` (the website
/// record it serves, as pac names website records).
struct SiteSelection: ParsableArguments {
    @Option(name: .customLong("id"), help: "The site id (`site list` shows it).") var id: String?
    @Option(name: [.customLong("webSiteId"), .customLong("id", withSingleDash: true)], help: "The website record id the site serves.") var webSiteId:
        String?

    func validate() throws {
        guard (id == nil) != (webSiteId == nil) else { throw ValidationError("give exactly one of --id or --webSiteId") }
        if let w = webSiteId, UUID(dataverse: w) == nil { throw ValidationError("'\(w)' is not a GUID (--webSiteId)") }
    }

    /// The site named. - Throws: `EnvironmentsError` when none matches, or several serve the record.
    func find(in c: SiteEnvironment) async throws -> PowerPagesWebsite {
        if let id { return try await c.site(id: id) }
        return try await c.site(servingRecord: UUID(dataverse: webSiteId ?? "") ?? UUID(), as: webSiteId ?? "")
    }
}

import ArgumentParser
import DataverseWebAPI
import Environments
import Foundation
import PortalModel

/// `portal-migrate site create --environment ENV --name N --subdomain S --template T [--language LCID]
/// [--existing-website ID] [--no-wait] [--json]`.
struct SiteCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a site from a template, or give an existing website record a site (--existing-website).",
        discussion: """
            Without --existing-website the service makes a new website record from the template. With it, the \
            site serves that website record (for example one a migration wrote): the procedure's last step, also \
            called reactivating an inactive site. Waits for the operation unless --no-wait.

            Templates (Microsoft's reference): \(CreateWebsiteRequest.documentedTemplates.joined(separator: ", ")). \
            The embedded environment builds the Power Pages ones and CustomerSelfServicePortal/CustomerPortal.

            --json prints {"operation": "create", "status", "siteId", "websiteRecordId", "websiteUrl", "operationLocation"}; \
            with --no-wait {"accepted": true, "operationLocation"}.

            Examples:
              portal-migrate site create --environment TARGET --name Contoso --subdomain contoso --template StarterLayout1
              portal-migrate site create --environment TARGET --existing-website 461a50ae-9496-419e-a58b-14d56165b009 --name Contoso --subdomain contoso --template DefaultPortalTemplate
            """)
    @OptionGroup var site: SiteOptions
    @Option(help: "The site's display name (at most 200 characters).") var name: String
    @Option(help: "The site's web address: https://SUBDOMAIN.powerappsportals.com (2–63 lower-case letters, digits, hyphens).")
    var subdomain: String
    @Option(help: "The template name (also required when binding an existing website record).") var template: String
    @Option(help: "The base language LCID (default: the website record's, else the environment's base language).") var language: Int?
    @Option(name: .customLong("existing-website"), help: "Give this existing website record (adx_website or powerpagesite id) a site.")
    var existingWebsite: String?
    @OptionGroup var wait: SiteWaitOptions

    func validate() throws {
        try usageRule { try SiteEnvironment.checkNewSite(name: name, subdomain: subdomain, language: language) }
        if let w = existingWebsite, UUID(dataverse: w) == nil { throw ValidationError("'\(w)' is not a GUID (--existing-website)") }
    }

    func run() async throws {
        let c = try await site.open()
        defer { c.close() }
        let request = try await c.createRequest(
            name: name, subdomain: subdomain, template: template, language: language, existingWebsite: existingWebsite.flatMap { UUID(dataverse: $0) }
        )
        if let created = try await Self.create(c, request, wait: wait, json: site.json) { Self.report(created, c: c, json: site.json) }
    }

    /// Sends the create and, unless `--no-wait`, waits with status lines on stderr.
    /// - Returns: `nil` with `--no-wait` (after printing where to follow the operation).
    static func create(_ c: SiteEnvironment, _ request: CreateWebsiteRequest, wait: SiteWaitOptions, json: Bool) async throws -> SiteCreation? {
        let action = SiteEnvironment.createAction(request)
        return try await c.create(
            request, wait: try wait.siteWait(),
            accepted: { location in
                if wait.noWait {
                    SiteOperationWaiter.accepted(action, location: location, label: c.label, json: json, extra: [("operation", .string("create"))])
                } else {
                    SiteOperationWaiter.waiting(action)
                }
            },
            report: { printErr($0) })
    }

    static func report(_ r: SiteCreation, c: SiteEnvironment, json: Bool) {
        let record = r.websiteRecordID
        let url = r.websiteURL
        if json {
            printJSON([
                ("operation", .string("create")), ("status", .string(r.state.status)),
                ("siteId", r.site.map { .string($0.id) } ?? .null), ("websiteRecordId", record.map { .string($0.lowercased()) } ?? .null),
                ("websiteUrl", url.map { .string($0) } ?? .null), ("operationLocation", .string(r.location.absoluteString)),
            ])
        } else {
            printOut(
                "Created site '\(r.site?.name ?? "")' at \(url ?? "?") (site \(r.site?.id ?? "?"), website record \(record ?? "?")) in \(c.label).")
        }
    }
}

/// `portal-migrate site delete --environment ENV (--id ID | --webSiteId ID) [--yes] [--no-wait]`.
struct SiteDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete a site (its host and web address); the website record and its configuration stay.",
        discussion: """
            The website record then shows as inactive in `site list`; `site create --existing-website ID` gives it \
            a site again. Asks for confirmation on a terminal; pass --yes otherwise.

            Example: portal-migrate site delete --environment TARGET --webSiteId 461a50ae-9496-419e-a58b-14d56165b009 --yes
            """)
    @OptionGroup var site: SiteOptions
    @OptionGroup var selection: SiteSelection
    @Flag(help: "Delete without asking.") var yes = false
    @OptionGroup var wait: SiteWaitOptions

    func run() async throws {
        let c = try await site.open()
        defer { c.close() }
        let target = try await selection.find(in: c)
        let label = "site '\(target.name ?? "")' (\(target.websiteUrl ?? target.id))"
        try confirmOrRefuse(
            "Delete \(label)? Its website record \(target.websiteRecordId ?? "-") and configuration stay.", yes: yes,
            refusal: "\(label) would be deleted; pass --yes to confirm")
        let action = "deleting \(label)"
        let location = try await c.admin.deleteWebsite(id: target.id)
        if wait.noWait {
            SiteOperationWaiter.accepted(
                action, location: location, label: c.label, json: site.json,
                extra: [("operation", .string("delete")), ("siteId", .string(target.id))])
            return
        }
        let state = try await SiteOperationWaiter.wait(c, location, action: action, options: wait)
        if site.json {
            printJSON([
                ("operation", .string("delete")), ("status", .string(state.status)), ("siteId", .string(target.id)),
                ("websiteRecordId", target.websiteRecordId.map { .string($0.lowercased()) } ?? .null),
            ])
        } else {
            printOut("Deleted \(label) in \(c.label); website record \(target.websiteRecordId ?? "-") stays (inactive).")
        }
    }
}

/// `portal-migrate site restart --environment ENV (--id ID | --webSiteId ID)`.
struct SiteRestartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart", abstract: "Restart a site (for example so that it serves changed web files at once).",
        discussion: "Example: portal-migrate site restart --environment TARGET --webSiteId 461a50ae-9496-419e-a58b-14d56165b009")
    @OptionGroup var site: SiteOptions
    @OptionGroup var selection: SiteSelection

    func run() async throws {
        let c = try await site.open()
        defer { c.close() }
        let target = try await selection.find(in: c)
        try await c.admin.restartWebsite(id: target.id)
        if site.json {
            printJSON([("operation", .string("restart")), ("siteId", .string(target.id))])
        } else {
            printOut("Restarted site '\(target.name ?? "")' (\(target.websiteUrl ?? target.id)) in \(c.label).")
        }
    }
}

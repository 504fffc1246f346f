import ArgumentParser
import DataverseWebAPI
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
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 200 else { throw ValidationError("--name takes 1 to 200 characters") }
        guard Self.validSubdomain(subdomain) else {
            throw ValidationError(
                "--subdomain '\(subdomain)' must be 2 to 63 lower-case letters, digits or hyphens, not starting or ending with a hyphen")
        }
        if let l = language, l <= 0 { throw ValidationError("--language takes a positive LCID such as 1033") }
        if let w = existingWebsite, UUID(dataverse: w) == nil { throw ValidationError("'\(w)' is not a GUID (--existing-website)") }
    }

    /// Microsoft's client's rule (research/code-sites-and-admin-api.md §B.2, [V-code]).
    static func validSubdomain(_ s: String) -> Bool {
        s.range(of: "^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])$", options: .regularExpression) != nil
    }

    func run() async throws {
        let c = try await SiteContext.resolve(site)
        defer { c.close() }
        let record = existingWebsite.flatMap { UUID(dataverse: $0) }
        var lcid = language ?? c.baseLanguage
        if let record {
            // Checked here first so the message can point at `list` (the service answers 404 too).
            let records = try await WebsiteListing.websites(in: c.service)
            guard let r = records.first(where: { $0.websiteId == record }) else {
                throw UserFacingError(
                    "no website record \(record.dataverseString) in \(c.label); `portal-migrate list --environment \(c.label)` shows the website records (upload or import the configuration first)"
                )
            }
            if language == nil { lcid = r.baseLanguage }
        }
        let request = CreateWebsiteRequest(
            name: name, subdomain: subdomain, templateName: CreateWebsiteRequest.canonicalTemplate(template),
            dataverseOrganizationId: c.organizationID, selectedBaseLanguage: lcid, websiteRecordId: record)
        let result = try await Self.create(c, request, wait: wait, json: site.json)
        if let result { Self.report(result, c: c, json: site.json) }
    }

    /// The outcome of a create that was waited for.
    struct Created {
        var state: AdminOperationState
        var site: PowerPagesWebsite?
        var location: URL
    }

    /// Sends the create and, unless `--no-wait`, waits and finds the new site. - Returns: `nil` with `--no-wait`.
    static func create(_ c: SiteContext, _ request: CreateWebsiteRequest, wait: SiteWaitOptions, json: Bool) async throws -> Created? {
        let what = request.websiteRecordId.map { "website record \($0.dataverseString)" } ?? "a new website record from \(request.templateName)"
        let action = "creating site '\(request.name)' (\(what))"
        let location = try await c.admin.createWebsite(request)
        if wait.noWait {
            SiteOperationWaiter.accepted(action, location: location, label: c.label, json: json, extra: [("operation", .string("create"))])
            return nil
        }
        let state = try await SiteOperationWaiter.wait(c.admin, location, action: action, options: wait)
        let sites = try await c.admin.websites()
        let record = state.websiteRecordId.flatMap { UUID(uuidString: $0) } ?? request.websiteRecordId
        let made =
            sites.first { $0.subdomain?.lowercased() == request.subdomain.lowercased() }
            ?? sites.first { record != nil && $0.websiteRecordID == record }
        return Created(state: state, site: made, location: location)
    }

    static func report(_ r: Created, c: SiteContext, json: Bool) {
        let record = r.state.websiteRecordId ?? r.site?.websiteRecordId
        let url = r.state.websiteUrl ?? r.site?.websiteUrl
        if json {
            printOut(
                JSONValue.object([
                    ("operation", .string("create")), ("status", .string(r.state.status)),
                    ("siteId", r.site.map { .string($0.id) } ?? .null), ("websiteRecordId", record.map { .string($0.lowercased()) } ?? .null),
                    ("websiteUrl", url.map { .string($0) } ?? .null), ("operationLocation", .string(r.location.absoluteString)),
                ]).serialized)
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
        let c = try await SiteContext.resolve(site)
        defer { c.close() }
        let target = try await selection.find(in: c)
        let label = "site '\(target.name ?? "")' (\(target.websiteUrl ?? target.id))"
        try confirmSite(
            "Delete \(label)? Its website record \(target.websiteRecordId ?? "-") and configuration stay.", yes: yes,
            refusal: "\(label) would be deleted")
        let action = "deleting \(label)"
        let location = try await c.admin.deleteWebsite(id: target.id)
        if wait.noWait {
            SiteOperationWaiter.accepted(
                action, location: location, label: c.label, json: site.json,
                extra: [("operation", .string("delete")), ("siteId", .string(target.id))])
            return
        }
        let state = try await SiteOperationWaiter.wait(c.admin, location, action: action, options: wait)
        if site.json {
            printOut(
                JSONValue.object([
                    ("operation", .string("delete")), ("status", .string(state.status)), ("siteId", .string(target.id)),
                    ("websiteRecordId", target.websiteRecordId.map { .string($0.lowercased()) } ?? .null),
                ]).serialized)
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
        let c = try await SiteContext.resolve(site)
        defer { c.close() }
        let target = try await selection.find(in: c)
        try await c.admin.restartWebsite(id: target.id)
        if site.json {
            printOut(JSONValue.object([("operation", .string("restart")), ("siteId", .string(target.id))]).serialized)
        } else {
            printOut("Restarted site '\(target.name ?? "")' (\(target.websiteUrl ?? target.id)) in \(c.label).")
        }
    }
}

import DataverseWebAPI
import Foundation
import Migration
import PortalModel

/// How long-running admin API operations (create, delete) are waited for.
public struct SiteWait: Sendable, Hashable {
    /// Return as soon as the service accepted the operation.
    public var noWait: Bool
    /// Between status polls when the service does not say (`Retry-After`); Microsoft's client: 10 s.
    public var pollInterval: Duration
    /// Stop waiting after this long (the operation may still finish).
    public var timeout: Duration
    /// A status line is reported when the status changes, else at most once per this interval
    /// (provisioning takes minutes, research §B.3).
    public var reportInterval: Duration

    public init(
        noWait: Bool = false, pollInterval: Duration = .seconds(10), timeout: Duration = .seconds(900), reportInterval: Duration = .seconds(30)
    ) {
        self.noWait = noWait
        self.pollInterval = pollInterval
        self.timeout = timeout
        self.reportInterval = reportInterval
    }
}

extension SiteWait {
    /// A wait as a user gives it: whole seconds between polls and minutes before giving up, each at
    /// least 1 (the report interval stays 30 s).
    /// - Throws: `EnvironmentsError.invalidOption` (usage) naming `--poll-interval` or `--timeout-minutes`.
    public init(noWait: Bool, pollIntervalSeconds: Int, timeoutMinutes: Int) throws {
        guard pollIntervalSeconds >= 1 else { throw EnvironmentsError.invalidOption("--poll-interval must be at least 1 second") }
        guard timeoutMinutes >= 1 else { throw EnvironmentsError.invalidOption("--timeout-minutes must be at least 1") }
        self.init(noWait: noWait, pollInterval: .seconds(pollIntervalSeconds), timeout: .seconds(timeoutMinutes * 60))
    }
}

/// A create that was waited for: its final state and the site it made, found in the admin API's list.
public struct SiteCreation: Sendable, Hashable {
    public var state: AdminOperationState
    /// The new site: the one at the request's subdomain, else the one serving the website record the
    /// operation (or the request) named; `nil` when the list shows neither.
    public var site: PowerPagesWebsite?
    /// The operation's `Operation-Location`.
    public var location: URL
    /// The website record id the site serves, as answered (the operation's, else the site's).
    public var websiteRecordID: String? { state.websiteRecordId ?? site?.websiteRecordId }
    /// The site's address, as answered (the operation's, else the site's).
    public var websiteURL: String? { state.websiteUrl ?? site?.websiteUrl }
}

extension SiteEnvironment {
    /// The admin API's sites joined with the environment's website records (`SiteRow.join`).
    /// - Throws: `PowerPagesAdminError`; what reading the website records throws.
    public func rows() async throws -> [SiteRow] {
        let sites = try await admin.websites()
        let records = try await WebsiteListing.websites(in: service)
        return SiteRow.join(sites: sites, records: records)
    }

    /// The site with id `id` (compared ignoring case).
    /// - Throws: `EnvironmentsError.noSiteWithID`; `PowerPagesAdminError`.
    public func site(id: String) async throws -> PowerPagesWebsite {
        guard let s = try await admin.websites().first(where: { $0.id.caseInsensitiveCompare(id) == .orderedSame }) else {
            throw EnvironmentsError.noSiteWithID(id, label: label)
        }
        return s
    }

    /// The one site serving website record `record` (`text`: the id as the user typed it, for messages).
    /// - Throws: `EnvironmentsError.noSiteServesRecord`, `.severalSitesServeRecord`; `PowerPagesAdminError`.
    public func site(servingRecord record: UUID, as text: String) async throws -> PowerPagesWebsite {
        let matching = try await admin.websites().filter { $0.websiteRecordID == record }
        guard let first = matching.first else { throw EnvironmentsError.noSiteServesRecord(text, label: label) }
        guard matching.count == 1 else {
            throw EnvironmentsError.severalSitesServeRecord(text, sites: matching.map { "\($0.id) (\($0.websiteUrl ?? "-"))" })
        }
        return first
    }

    /// The create request for a site named `name` at `subdomain` from `template` (Microsoft's name, any
    /// case: `CreateWebsiteRequest.canonicalTemplate`). With `existingWebsite` the site serves that
    /// website record, which must be in the environment (checked here so the message can point at
    /// `list`; the service answers 404 too). The language is `language`, else the existing record's,
    /// else the environment's base language.
    /// - Throws: `EnvironmentsError.noWebsiteRecord`; what reading the website records throws.
    public func createRequest(
        name: String, subdomain: String, template: String, language: Int? = nil, existingWebsite: UUID? = nil
    ) async throws -> CreateWebsiteRequest {
        var lcid = language ?? baseLanguage
        if let existingWebsite {
            let records = try await WebsiteListing.websites(in: service)
            guard let r = records.first(where: { $0.websiteId == existingWebsite }) else {
                throw EnvironmentsError.noWebsiteRecord(existingWebsite, label: label)
            }
            if language == nil { lcid = r.baseLanguage }
        }
        return CreateWebsiteRequest(
            name: name, subdomain: subdomain, templateName: CreateWebsiteRequest.canonicalTemplate(template),
            dataverseOrganizationId: organizationID, selectedBaseLanguage: lcid, websiteRecordId: existingWebsite)
    }

    /// The rules of a new site's options, checked before anything is sent: a name of 1 to 200
    /// characters, not only spaces (what the embedded admin API's create answers 400 to); a subdomain
    /// of 2 to 63 lower-case letters, digits or hyphens, not starting or ending with one
    /// (`CreateWebsiteRequest.isValidSubdomain`); a positive language LCID. `nil`: not given.
    /// - Throws: `EnvironmentsError.invalidOption` (usage) naming the option and the rule.
    public static func checkNewSite(name: String? = nil, subdomain: String? = nil, language: Int? = nil) throws {
        if let name, name.trimmingCharacters(in: .whitespaces).isEmpty || name.count > 200 {
            throw EnvironmentsError.invalidOption("--name takes 1 to 200 characters")
        }
        if let subdomain, !CreateWebsiteRequest.isValidSubdomain(subdomain) {
            throw EnvironmentsError.invalidOption(
                "--subdomain '\(subdomain)' must be 2 to 63 lower-case letters, digits or hyphens, not starting or ending with a hyphen")
        }
        if let language, language <= 0 { throw EnvironmentsError.invalidOption("--language takes a positive LCID such as 1033") }
    }

    /// What a create is called in progress lines and errors: `creating site 'NAME' (website record ID)`
    /// or `… (a new website record from TEMPLATE)`.
    public static func createAction(_ request: CreateWebsiteRequest) -> String {
        let what = request.websiteRecordId.map { "website record \($0.dataverseString)" } ?? "a new website record from \(request.templateName)"
        return "creating site '\(request.name)' (\(what))"
    }

    /// Sends the create and, unless `wait.noWait`, waits for it and finds the new site.
    /// - Parameters:
    ///   - accepted: told the operation's location once the service accepted it.
    ///   - report: told a status line while waiting (`wait(for:…)`).
    /// - Returns: `nil` with `wait.noWait`.
    /// - Throws: `PowerPagesAdminError`; `AdminOperationFailure` (failed, or still running at the timeout).
    public func create(
        _ request: CreateWebsiteRequest, wait: SiteWait, accepted: (URL) -> Void = { _ in }, report: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws -> SiteCreation? {
        let action = Self.createAction(request)
        let location = try await admin.createWebsite(request)
        accepted(location)
        if wait.noWait { return nil }
        let state = try await self.wait(for: location, action: action, wait: wait, report: report)
        let sites = try await admin.websites()
        let record = state.websiteRecordId.flatMap { UUID(uuidString: $0) } ?? request.websiteRecordId
        let made =
            sites.first { $0.subdomain?.lowercased() == request.subdomain.lowercased() }
            ?? sites.first { record != nil && $0.websiteRecordID == record }
        return SiteCreation(state: state, site: made, location: location)
    }

    /// Waits for the operation at `location` (`PowerPagesAdminClient.wait`), telling `report` a line
    /// `"  ACTION: STATUS (N s)"` when the status changes and at most once per `wait.reportInterval`
    /// while it does not.
    /// - Throws: `AdminOperationFailure` (failed after it started, or still running at the timeout),
    ///   `PowerPagesAdminError`.
    public func wait(
        for location: URL, action: String, wait: SiteWait, report: @escaping @Sendable (String) -> Void
    ) async throws -> AdminOperationState {
        let last = StatusReportThrottle(interval: wait.reportInterval)
        return try await admin.wait(for: location, action: action, interval: wait.pollInterval, timeout: wait.timeout) { state, elapsed in
            if last.shouldReport(state.status, elapsed) { report("  \(action): \(state.status) (\(elapsed.components.seconds) s)") }
        }
    }

    /// The subdomain of the temporary site `prepareTarget` makes when none is given: `pm-prepare-` and
    /// 8 random lower-case hex characters (a valid subdomain, `CreateWebsiteRequest.isValidSubdomain`).
    public static func preparationSubdomain() -> String { "pm-prepare-" + UUID().uuidString.lowercased().prefix(8) }

    /// Plans Microsoft's one-time preparation of a standard-data-model target (`TargetPreparation`):
    /// the temporary site's name, template (`CreateWebsiteRequest.canonicalTemplate`), subdomain
    /// (`preparationSubdomain` when none is given) and language, and the website records already in
    /// the environment, which the preparation never touches. Writes nothing.
    /// - Throws: what reading the website records throws.
    public func planPreparation(template: String, subdomain: String?, name: String, language: Int?) async throws -> TargetPreparationPlan {
        TargetPreparationPlan(
            label: label, name: name, template: CreateWebsiteRequest.canonicalTemplate(template),
            subdomain: subdomain ?? Self.preparationSubdomain(), language: language ?? baseLanguage,
            existing: try await WebsiteListing.websites(in: service))
    }

    /// Runs `plan` (`planPreparation`, shown to the user first): creates the site, deletes its website
    /// record and the site. Website records already in the environment are not touched.
    /// - Parameters:
    ///   - step: told each step as it is done.
    ///   - waiting: told the action (`createAction`, `deleting the preparation site ID`) before each wait.
    ///   - report: told status lines while waiting.
    /// - Returns: `nil` only when `wait.noWait` (which the preparation cannot honour: callers refuse it).
    /// - Throws: what `create`, `TargetPreparation.finish` and the admin API throw.
    public func prepareTarget(
        _ plan: TargetPreparationPlan, wait: SiteWait, step: (TargetPreparation.Step) -> Void, waiting: (String) -> Void = { _ in },
        report: @escaping @Sendable (String) -> Void
    ) async throws -> TargetPreparation.Outcome? {
        let request = CreateWebsiteRequest(
            name: plan.name, subdomain: plan.subdomain, templateName: plan.template, dataverseOrganizationId: organizationID,
            selectedBaseLanguage: plan.language)
        guard let created = try await create(request, wait: wait, accepted: { _ in waiting(Self.createAction(request)) }, report: report)
        else { return nil }
        return try await TargetPreparation.finish(
            .init(
                siteID: created.site?.id,
                websiteRecordID: created.state.websiteRecordId.flatMap { UUID(uuidString: $0) } ?? created.site?.websiteRecordID),
            before: Set(plan.existing.map(\.websiteId)), in: service, label: label,
            deleteSite: { id in
                let location = try await admin.deleteWebsite(id: id)
                let action = "deleting the preparation site \(id)"
                waiting(action)
                _ = try await self.wait(for: location, action: action, wait: wait, report: report)
            },
            step: step)
    }
}

/// What `SiteEnvironment.prepareTarget` will do, planned before anything is written, for the user to
/// read (`lines`) and confirm.
public struct TargetPreparationPlan: Sendable, Hashable {
    /// The environment as the user named it.
    public var label: String
    /// The temporary site's name, template (canonical), subdomain and base language (LCID).
    public var name: String
    public var template: String
    public var subdomain: String
    public var language: Int
    /// The website records already in the environment (never touched).
    public var existing: [WebsiteSummary]

    /// The plan as a user reads it: the three steps and the website records left alone.
    public var lines: [String] {
        var lines = [
            "Plan for \(label) (the one-time preparation of a standard data model target):",
            "  1. create site '\(name)' from template \(template) at subdomain \(subdomain): installs the template's solutions and default records",
            "  2. delete the new website record and, with it, its configuration records",
            "  3. delete the new site (the portal app); the Portal Management app stays",
        ]
        if !existing.isEmpty {
            let names = existing.map { "\($0.name) (\($0.websiteId.dataverseString))" }.joined(separator: ", ")
            lines.append("  The \(existing.count) website record(s) already in the environment are not touched: \(names).")
        }
        return lines
    }

    /// What to do once the environment is prepared.
    public var done: String {
        "\(label) is prepared: it has the template's solutions and no new website. Next: upload or import the configuration, then "
            + "`portal-migrate site create --environment \(label) --existing-website ID --name NAME --subdomain SUBDOMAIN --template \(template)`."
    }
}

extension TargetPreparation.Step {
    /// The step as a user reads it when it is done (step 1 adds a note when the site made is of the
    /// enhanced data model, which Microsoft says needs no preparation).
    public var lines: [String] {
        switch self {
        case .created(let siteID, let record, let model):
            let line = "  1. created site \(siteID) with website record \(record.dataverseString) (\(model.rawValue))"
            guard model == .enhanced else { return [line] }
            return [
                line,
                "note: the environment made an enhanced data model site; Microsoft says enhanced targets need no preparation. Continuing as planned.",
            ]
        case .deletedWebsiteRecord(let record, let counts):
            return ["  2. deleted website record \(record.dataverseString) and its configuration (\(counts) records)"]
        case .deletedSite(let siteID):
            return ["  3. deleted site \(siteID)"]
        }
    }
}

/// Decides which status reads become a progress line: a changed status, or the same one after
/// `interval` since the last line.
final class StatusReportThrottle: @unchecked Sendable {
    private let interval: Duration
    private var status = ""
    private var at: Duration = .zero
    private var reported = false
    private let lock = NSLock()

    init(interval: Duration) { self.interval = interval }

    func shouldReport(_ s: String, _ elapsed: Duration) -> Bool {
        lock.withLock {
            guard !reported || s != status || elapsed - at >= interval else { return false }
            reported = true
            status = s
            at = elapsed
            return true
        }
    }
}

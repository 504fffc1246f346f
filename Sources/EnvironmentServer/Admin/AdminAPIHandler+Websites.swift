import Foundation
import PortalModel

/// The website operations of the embedded admin API (research/code-sites-and-admin-api.md §B.1–§B.4, §B.8).
extension AdminAPIHandler {
    // MARK: List and get

    func list(_ c: Context, skip: Int) async throws -> WebResponse {
        let all = try await websites(c)
        let start = min(max(0, skip), all.count)
        let page = Array(all[start..<min(all.count, start + options.pageSize)])
        var fields: [(String, JSONValue)] = [("@odata.metadata", .string(c.base + "/$metadata#websites"))]
        if start + page.count < all.count {
            fields.append(("@odata.nextLink", .string(c.base + "/websites?api-version=\(c.version)&skip=\(start + page.count)")))
        }
        fields.append(("value", .array(page)))
        return .jsonPlain(.object(fields))
    }

    func get(_ c: Context, id: String) async throws -> WebResponse {
        guard let hostID = UUID(uuidString: id) else { throw notFound(id) }
        guard let dto = try await websites(c).first(where: { $0["id"]?.stringValue == hostID.uuidString.lowercased() }) else {
            throw notFound(id)
        }
        return .jsonPlain(dto)
    }

    func notFound(_ id: String) -> AdminFailure {
        AdminFailure(404, "WebsiteNotFound", "No website with id '\(id)' in this environment.", target: "websiteId")
    }

    /// Every host as a `WebsiteDto` (§B.4): stored hosts, oldest first, then hosts still being created.
    func websites(_ c: Context) async throws -> [JSONValue] {
        let hosts = try await c.hosting.siteHosts()
        let records = Dictionary(try await WebsiteListing.websites(in: c.service).map { ($0.websiteId, $0) }, uniquingKeysWith: { a, _ in a })
        let owner = try await c.service.whoAmI().userID
        let running = operations.current.values.filter { $0.status == .inProgress || $0.status == .notStarted }
        var result: [JSONValue] = []
        for h in hosts {
            let status = running.first { $0.hostID == h.id }?.status ?? .complete
            let model = h.websiteRecordId.flatMap { records[$0]?.dataModel } ?? h.dataModel
            result.append(
                dto(
                    c, id: h.id, name: h.name, recordID: h.websiteRecordId, subdomain: h.subdomain ?? "",
                    template: AdminTemplates.adminName(forHostTemplate: h.template),
                    language: h.websiteRecordId.flatMap { records[$0]?.baseLanguage } ?? c.organization.languageCode,
                    status: status, created: h.createdOn, dataModel: model, owner: owner))
        }
        let stored = Set(hosts.map(\.id))
        for p in pending.current.values.sorted(by: { $0.created < $1.created }) where !stored.contains(p.id) {
            let model = p.websiteRecordID.flatMap { records[$0]?.dataModel } ?? "standard"
            result.append(
                dto(
                    c, id: p.id, name: p.name, recordID: p.websiteRecordID, subdomain: p.subdomain, template: p.template,
                    language: p.language, status: p.status, created: p.created, dataModel: model, owner: owner))
        }
        return result
    }

    /// One `WebsiteDto` with every documented field (§B.4) plus `dataModel` and `languageCode`, which
    /// real responses carry. Values the embedded environment has no notion of are fixed: `type`
    /// `Trial`, `siteVisibility` `private`, `packageInstallStatus` `Installed` (Assumption).
    func dto(
        _ c: Context, id: UUID, name: String, recordID: UUID?, subdomain: String, template: String, language: Int,
        status: AdminOperation.Status, created: Date, dataModel: String, owner: UUID
    ) -> JSONValue {
        let environmentID = c.organization.organizationID.uuidString.lowercased()
        return .object([
            ("id", .string(id.uuidString.lowercased())),
            ("name", .string(name)),
            ("websiteRecordId", recordID.map { .string($0.uuidString.lowercased()) } ?? .null),
            ("websiteUrl", .string(Self.websiteURL(subdomain))),
            ("subdomain", .string(subdomain)),
            ("customHostNames", .array([])),
            ("templateName", .string(template)),
            ("selectedBaseLanguage", .number(String(language))),
            ("languageCode", .string(String(language))),
            ("status", .string(status.rawValue)),
            ("packageInstallStatus", .string(status == .complete ? "Installed" : status == .failed ? "InstallFailed" : "Installing")),
            ("packageVersion", .string("9.7.4.0")),
            ("type", .string("Trial")),
            ("trialExpiringInDays", .number("90")),
            ("suspendedWebsiteDeletingInDays", .number("0")),
            ("siteVisibility", .string("private")),
            ("isCustomErrorEnabled", .bool(false)),
            ("isEarlyUpgradeEnabled", .bool(false)),
            ("createdOn", .string(AdminJSON.timestamp(created))),
            ("ownerId", .string(owner.uuidString.lowercased())),
            ("tenantId", .string("00000000-0000-0000-0000-000000000000")),
            ("environmentId", .string(environmentID)),
            ("environmentName", .string(c.organization.name)),
            ("dataverseInstanceUrl", .string(c.origin + "/")),
            ("dataverseOrganizationId", .string(environmentID)),
            ("applicationUserAadAppId", .string("00000000-0000-0000-0000-000000000000")),
            ("dataModel", .string(dataModel == "enhanced" ? "Enhanced" : "Standard")),
        ])
    }

    /// `https://<subdomain>.powerappsportals.com` (research §B.4). The embedded environment serves no site
    /// runtime at this address.
    static func websiteURL(_ subdomain: String) -> String { "https://\(subdomain).powerappsportals.com" }

    // MARK: Create

    func create(_ c: Context, body: Data) async throws -> WebResponse {
        guard let json = try? JSONValue.parse(body), json.objectValue != nil else {
            throw AdminFailure(
                400, "InvalidRequestBody",
                "The request body must be a JSON object with name, subdomain, templateName, dataverseOrganizationId and selectedBaseLanguage.")
        }
        func required(_ field: String) throws -> JSONValue {
            guard let v = json[field], !v.isNull else {
                throw AdminFailure(400, "InvalidRequestBody", "The field '\(field)' is required.", target: field)
            }
            return v
        }
        guard let name = try required("name").stringValue, !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 200 else {
            throw AdminFailure(400, "InvalidRequestBody", "name must be a text of 1 to 200 characters.", target: "name")
        }
        guard let subdomain = try required("subdomain").stringValue, SiteHost.isValidSubdomain(subdomain) else {
            throw AdminFailure(
                400, "InvalidSubdomain", "subdomain must be 2 to 63 lower-case letters, digits or hyphens, not starting or ending with a hyphen.",
                target: "subdomain")
        }
        let templateText = try required("templateName").stringValue ?? ""
        guard let template = AdminTemplates.canonical(templateText) else {
            throw AdminFailure(
                400, "InvalidTemplateName",
                "Unknown templateName '\(templateText)'; valid values: \(AdminTemplates.documented.joined(separator: ", ")).", target: "templateName")
        }
        guard let embedded = AdminTemplates.embedded(template) else {
            throw AdminFailure(
                400, "TemplateNotAvailable",
                "The embedded environment cannot build the template '\(template)'; it imitates: \(AdminTemplates.available.joined(separator: ", ")).",
                target: "templateName")
        }
        guard let org = try required("dataverseOrganizationId").stringValue.flatMap(UUID.init(uuidString:)) else {
            throw AdminFailure(400, "InvalidRequestBody", "dataverseOrganizationId must be a GUID.", target: "dataverseOrganizationId")
        }
        guard org == c.organization.organizationID else {
            throw AdminFailure(
                400, "InvalidOrganizationId",
                "dataverseOrganizationId \(org.uuidString.lowercased()) is not this environment's organization (\(c.organization.organizationID.uuidString.lowercased())).",
                target: "dataverseOrganizationId")
        }
        guard let language = try required("selectedBaseLanguage").intValue, language > 0 else {
            throw AdminFailure(
                400, "InvalidRequestBody", "selectedBaseLanguage must be a positive LCID such as 1033.", target: "selectedBaseLanguage")
        }
        var recordID: UUID?
        if let r = json["websiteRecordId"], !r.isNull {
            guard let id = r.stringValue.flatMap(UUID.init(uuidString:)) else {
                throw AdminFailure(400, "InvalidRequestBody", "websiteRecordId must be a GUID.", target: "websiteRecordId")
            }
            recordID = id
        }
        try await checkAvailable(c, subdomain: subdomain, recordID: recordID, language: language)
        let hostID = UUID()
        let op = AdminOperation(id: UUID(), kind: .create, hostID: hostID, status: .inProgress, started: Date())
        pending.withLock {
            $0[hostID] = PendingHost(
                id: hostID, name: name, subdomain: subdomain, template: template, language: language,
                websiteRecordID: recordID, status: .inProgress, created: Date())
        }
        let fails = takeFailure()
        let hosting = c.hosting
        let existing = recordID
        return await start(op, c) { [self] in
            if fails {
                self.pending.withLock { $0[hostID]?.status = .failed }
                return .failure(
                    "ProvisioningFailed",
                    "Provisioning of '\(name)' failed after it started (injected failure: env serve --fail-site-operations). Nothing was created; delete the failed site and create it again."
                )
            }
            do {
                let host: SiteHost
                if let existing {
                    host = try await hosting.bindSiteHost(
                        existingWebsite: existing, hostTemplate: template, name: name, subdomain: subdomain, hostID: hostID)
                } else {
                    host = try await hosting.createSiteHost(
                        template: embedded, hostTemplate: template, name: name, subdomain: subdomain, dataModel: .standard, hostID: hostID)
                }
                self.pending.withLock { $0[hostID] = nil }
                return .success(url: Self.websiteURL(subdomain), record: host.websiteRecordId)
            } catch {
                self.pending.withLock { $0[hostID]?.status = .failed }
                return .failure("ProvisioningFailed", "Provisioning of '\(name)' failed: \(error)")
            }
        }
    }

    /// The synchronous refusals of a create (§B.5, §D 8): subdomain taken (400 `SubdomainConflict`),
    /// language the environment cannot provision, record unknown (404) or already hosted (409).
    func checkAvailable(_ c: Context, subdomain: String, recordID: UUID?, language: Int) async throws {
        let hosts = try await c.hosting.siteHosts()
        let pendingHosts = pending.current.values
        let lower = subdomain.lowercased()
        if hosts.contains(where: { $0.subdomain?.lowercased() == lower }) || pendingHosts.contains(where: { $0.subdomain.lowercased() == lower }) {
            throw AdminFailure(
                400, "SubdomainConflict", "The subdomain '\(subdomain)' is already in use. Choose another subdomain.", target: "subdomain")
        }
        if let recordID {
            guard try await WebsiteListing.dataModel(ofWebsite: recordID, in: c.service) != nil else {
                throw AdminFailure(
                    404, "WebsiteRecordNotFound",
                    "No website record (adx_website or powerpagesite) with id \(recordID.uuidString.lowercased()) in this environment.",
                    target: "websiteRecordId")
            }
            if hosts.contains(where: { $0.websiteRecordId == recordID })
                || pendingHosts.contains(where: { $0.websiteRecordID == recordID && $0.status != .failed })
            {
                throw AdminFailure(
                    409, "WebsiteAlreadyExists", "The website record \(recordID.uuidString.lowercased()) already has a site.",
                    target: "websiteRecordId")
            }
        } else if language != c.organization.languageCode {
            // Assumption: the embedded provisioning writes the organization's base language only.
            throw AdminFailure(
                400, "LanguageNotAvailable",
                "The embedded environment provisions sites in its base language \(c.organization.languageCode) only (change it with `env settings --language`).",
                target: "selectedBaseLanguage")
        }
    }

    // MARK: Delete and restart

    func delete(_ c: Context, id: String) async throws -> WebResponse {
        guard let hostID = UUID(uuidString: id) else { throw notFound(id) }
        if let p = pending.current[hostID] {
            guard p.status == .failed else {
                throw AdminFailure(409, "OperationInProgress", "The website \(id) is still being created; wait for its operation to finish.")
            }
            let op = AdminOperation(id: UUID(), kind: .delete, hostID: hostID, status: .inProgress, started: Date())
            return await start(op, c) { [self] in
                self.pending.withLock { $0[hostID] = nil }
                return .success(url: nil, record: p.websiteRecordID)
            }
        }
        guard let host = try await c.hosting.siteHosts().first(where: { $0.id == hostID }) else { throw notFound(id) }
        if operations.current.values.contains(where: { $0.hostID == hostID && $0.status == .inProgress }) {
            throw AdminFailure(409, "OperationInProgress", "An operation on website \(id) is still running; wait for it to finish.")
        }
        let op = AdminOperation(id: UUID(), kind: .delete, hostID: hostID, status: .inProgress, started: Date())
        let fails = takeFailure()
        let hosting = c.hosting
        return await start(op, c) {
            if fails {
                return .failure(
                    "DeleteFailed",
                    "Deleting the site '\(host.name)' failed after it started (injected failure: env serve --fail-site-operations). The site is unchanged; delete it again."
                )
            }
            do {
                try await hosting.deleteSiteHost(hostID)
                return .success(url: nil, record: host.websiteRecordId)
            } catch {
                return .failure("DeleteFailed", "Deleting the site '\(host.name)' failed: \(error)")
            }
        }
    }

    func restart(_ c: Context, id: String) async throws -> WebResponse {
        guard let hostID = UUID(uuidString: id) else { throw notFound(id) }
        if pending.current[hostID] != nil {
            throw AdminFailure(409, "OperationInProgress", "The website \(id) has no running site yet (its creation has not completed).")
        }
        guard try await c.hosting.siteHosts().contains(where: { $0.id == hostID }) else { throw notFound(id) }
        return WebResponse(status: 200)
    }

    // MARK: Operations

    /// The outcome of an operation's work.
    enum Outcome: Sendable {
        case success(url: String?, record: UUID?)
        case failure(String, String)
    }

    /// True when this operation is to fail after it started (`AdminAPIOptions.failOperations`).
    func takeFailure() -> Bool {
        failuresLeft.withLock { n in
            guard n > 0 else { return false }
            n -= 1
            return true
        }
    }

    /// Records `op`, runs `work` now (no delay) or after `operationDelayMilliseconds` in a task, and
    /// answers 202 with `Operation-Location` (Assumption: `Retry-After: 1` while a delay applies).
    func start(_ op: AdminOperation, _ c: Context, work: @escaping @Sendable () async -> Outcome) async -> WebResponse {
        operations.withLock { $0[op.id] = op }
        let finish: @Sendable (Outcome) -> Void = { [self] outcome in
            self.operations.withLock { ops in
                guard var o = ops[op.id] else { return }
                o.finished = Date()
                switch outcome {
                case .success(let url, let record):
                    o.status = .complete
                    o.websiteURL = url
                    o.websiteRecordID = record
                case .failure(let code, let message):
                    o.status = .failed
                    o.error = (code, message)
                }
                ops[op.id] = o
            }
        }
        let delay = options.operationDelayMilliseconds
        if delay == 0 {
            finish(await work())
        } else {
            Task {
                try? await Task.sleep(for: .milliseconds(delay))
                finish(await work())
            }
        }
        var headers: [(String, String)] = [("Operation-Location", c.base + "/operations/\(op.id.uuidString.lowercased())?api-version=\(c.version)")]
        if delay > 0 { headers.append(("Retry-After", "1")) }
        return WebResponse(status: 202, headers: headers)
    }

    func operation(id: String) -> WebResponse {
        guard let opID = UUID(uuidString: id), let op = operations.current[opID] else {
            return Self.error(404, "OperationNotFound", "No operation with id '\(id)'.")
        }
        var r = WebResponse.jsonPlain(op.json())
        // Assumption: like the 202, a running operation says when to look again.
        if op.status == .inProgress || op.status == .notStarted { r.headers.append(("Retry-After", "1")) }
        return r
    }
}

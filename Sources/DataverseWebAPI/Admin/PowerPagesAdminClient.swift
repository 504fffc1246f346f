import Foundation
import PortalModel

/// A client for the Power Pages admin API of one Power Platform environment
/// (research/code-sites-and-admin-api.md Part B): list and get sites, create a site from a template or
/// bound to an existing website record, delete a site (the host only), restart a site, and follow
/// long-running operations at their `Operation-Location`.
///
/// Requests: `<cloud.apiBase>/powerpages/environments/{environmentID}/websites…?api-version=…`, with
/// `Authorization: Bearer <token>` from `tokenProvider` (a user's token for `cloud.audience`; research
/// §B.6). A 401 refreshes the token once. 429, 502, 503 and 504 are retried up to three times
/// (waiting `Retry-After`, else 1, 2, 4 s) except for a create, which is retried only on 429 (Assumption:
/// a create the service may have received is not sent twice). Tokens never appear in errors or logs.
///
/// ```swift
/// let admin = PowerPagesAdminClient(cloud: .commercial, environmentID: "8a1e…", tokenProvider: provider)
/// let location = try await admin.createWebsite(CreateWebsiteRequest(name: "Contoso", subdomain: "contoso",
///     templateName: "DefaultPortalTemplate", dataverseOrganizationId: org, selectedBaseLanguage: 1033,
///     websiteRecordId: record))
/// let done = try await admin.wait(for: location, action: "create the site") { state, elapsed in print(state.status) }
/// ```
public struct PowerPagesAdminClient: Sendable {
    public let cloud: PowerPlatformCloud
    /// The Power Platform environment id (a GUID or `Default-<tenant>`).
    public let environmentID: String
    public let tokenProvider: any TokenProvider
    public let transport: any HTTPTransport
    /// `api-version` of list, get, delete and restart (what VS Code and Microsoft's CLIs use, research §B.9).
    public var apiVersion = "2022-03-01-preview"
    /// `api-version` of create (the 2024-10-01 reference, research §B.2).
    public var createAPIVersion = "2024-10-01"
    public var requestTimeout: Duration = .seconds(120)
    /// True when `tokenProvider` gives service-principal tokens (only used to word a 403).
    public var servicePrincipal = false

    public init(
        cloud: PowerPlatformCloud, environmentID: String, tokenProvider: any TokenProvider,
        transport: any HTTPTransport = AsyncHTTPTransport()
    ) {
        self.cloud = cloud
        self.environmentID = environmentID
        self.tokenProvider = tokenProvider
        self.transport = transport
    }

    /// `<apiBase>/powerpages/environments/{environmentID}`.
    public var environmentBase: String {
        var s = cloud.apiBase.absoluteString
        while s.hasSuffix("/") { s.removeLast() }
        return s + "/powerpages/environments/" + (environmentID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? environmentID)
    }

    func url(_ path: String, version: String, extra: String = "") throws -> URL {
        guard let u = URL(string: environmentBase + path + "?api-version=" + version + extra) else {
            throw PowerPagesAdminError(action: "form a URL", status: 0, code: "", message: "cannot form an admin API URL for \(path)")
        }
        return u
    }

    // MARK: Operations on sites

    /// Every site of the environment (follows `@odata.nextLink` on the same origin).
    /// - Throws: `PowerPagesAdminError`.
    public func websites() async throws -> [PowerPagesWebsite] {
        var next: URL? = try url("/websites", version: apiVersion)
        var result: [PowerPagesWebsite] = []
        var pages = 0
        while let u = next, pages < 1000 {
            pages += 1
            let json = try await sendJSON("GET", u, action: "list the sites")
            result += (json["value"]?.arrayValue ?? []).compactMap(PowerPagesWebsite.init(json:))
            next = json["@odata.nextLink"]?.stringValue.flatMap { URL(string: $0) }.flatMap { sameOrigin($0) ? $0 : nil }
        }
        return result
    }

    /// One site by its (host) id.
    /// - Throws: `PowerPagesAdminError` (404 for an unknown id).
    public func website(id: String) async throws -> PowerPagesWebsite {
        let json = try await sendJSON("GET", try url("/websites/" + id, version: apiVersion), action: "read site \(id)")
        guard let w = PowerPagesWebsite(json: json) else {
            throw PowerPagesAdminError(action: "read site \(id)", status: 200, code: "", message: "the answer has no id")
        }
        return w
    }

    /// Starts creating a site. - Returns: the operation's URL (`Operation-Location`).
    /// - Throws: `PowerPagesAdminError` for a refusal (400 `SubdomainConflict`, 404, 409, …).
    public func createWebsite(_ request: CreateWebsiteRequest) async throws -> URL {
        let r = try await send(
            "POST", try url("/websites", version: createAPIVersion), body: request.json.data,
            action: "create the site", retryTransient: false)
        return try operationLocation(r, action: "create the site")
    }

    /// Starts deleting a site (its host; the website record stays and shows as inactive).
    /// - Returns: the operation's URL. - Throws: `PowerPagesAdminError` (404 for an unknown id).
    public func deleteWebsite(id: String) async throws -> URL {
        let r = try await send("DELETE", try url("/websites/" + id, version: apiVersion), action: "delete site \(id)")
        return try operationLocation(r, action: "delete site \(id)")
    }

    /// Restarts a site (200; research §B.1). - Throws: `PowerPagesAdminError`.
    public func restartWebsite(id: String) async throws {
        _ = try await send("POST", try url("/websites/\(id)/restart", version: apiVersion), body: Data(), action: "restart site \(id)")
    }

    // MARK: Long-running operations

    /// Reads an operation once. - Throws: `PowerPagesAdminError` for a non-2xx answer.
    public func operationState(_ location: URL) async throws -> AdminOperationState {
        AdminOperationState(json: try await sendJSON("GET", location, action: "read the operation"))
    }

    /// Polls `location` until the operation succeeds or fails (research §B.3): first at once, then every
    /// `Retry-After` seconds when the service sends it, else every `interval` (Microsoft's client: 10 s);
    /// non-2xx poll answers are retried (up to 5 in a row); `progress` hears every state read.
    /// - Returns: the final state when it succeeded.
    /// - Throws: `AdminOperationFailure` when it failed or `timeout` passed; `PowerPagesAdminError`
    ///   after 5 failed polls in a row.
    public func wait(
        for location: URL, action: String, interval: Duration = .seconds(10), timeout: Duration = .seconds(900),
        progress: @Sendable (AdminOperationState, Duration) -> Void = { _, _ in }
    ) async throws -> AdminOperationState {
        let clock = ContinuousClock()
        let started = clock.now
        var failures = 0
        var last: AdminOperationState?
        while true {
            var pause = interval
            do {
                let r = try await send("GET", location, action: "read the operation of \(action)", retries: 0)
                failures = 0
                let state = AdminOperationState(json: (try? JSONValue.parse(r.body)) ?? .object([]))
                last = state
                progress(state, clock.now - started)
                switch state.phase {
                case .succeeded: return state
                case .failed: throw AdminOperationFailure(action: action, state: state, location: location, timedOut: false)
                case .running: break
                }
                if let s = r.header("Retry-After").flatMap(Int.init), s >= 0 { pause = .seconds(s) }
            } catch let e as PowerPagesAdminError {
                failures += 1
                if failures >= 5 || e.status == 401 || e.status == 403 { throw e }
            }
            if clock.now - started + pause > timeout {
                throw AdminOperationFailure(action: action, state: last, location: location, timedOut: true)
            }
            try await Task.sleep(for: pause)
        }
    }

    // MARK: Sending

    func sameOrigin(_ u: URL) -> Bool {
        u.scheme?.lowercased() == cloud.apiBase.scheme?.lowercased() && u.host?.lowercased() == cloud.apiBase.host?.lowercased()
            && u.port == cloud.apiBase.port
    }

    /// The `Operation-Location` of a 202, resolved against the API base; a URL on another origin is
    /// refused (as Microsoft's client does, research §B.2), and `api-version` is added when missing.
    func operationLocation(_ r: HTTPResponseMessage, action: String) throws -> URL {
        guard let text = r.header("Operation-Location") ?? r.header("Location"),
            var u = URL(string: text, relativeTo: cloud.apiBase)?.absoluteURL
        else {
            throw PowerPagesAdminError(
                action: action, status: r.status, code: "",
                message: "the service accepted the request but sent no Operation-Location to follow")
        }
        guard sameOrigin(u) else {
            throw PowerPagesAdminError(
                action: action, status: r.status, code: "",
                message: "the Operation-Location \(u.absoluteString) is not on \(cloud.apiBase.absoluteString); not followed")
        }
        if !(u.query ?? "").contains("api-version="),
            let with = URL(string: u.absoluteString + ((u.query ?? "").isEmpty ? "?" : "&") + "api-version=" + apiVersion)
        {
            u = with
        }
        return u
    }

    func sendJSON(_ method: String, _ url: URL, action: String) async throws -> JSONValue {
        let r = try await send(method, url, action: action)
        do { return try JSONValue.parse(r.body) } catch {
            throw PowerPagesAdminError(action: action, status: r.status, code: "", message: "the answer is not JSON: \(error)")
        }
    }

    /// Sends one request with token, refresh on 401 and retries (see the type's description).
    /// - Returns: the 2xx answer. - Throws: `PowerPagesAdminError` for any other outcome.
    func send(
        _ method: String, _ url: URL, body: Data? = nil, action: String, retryTransient: Bool = true,
        retries: Int = 3
    ) async throws -> HTTPResponseMessage {
        var refreshed = false
        var attempt = 0
        while true {
            var request = HTTPRequestMessage(
                method: method, url: url, headers: [("Accept", "application/json"), ("User-Agent", "portal-migrate/0.1")], body: body)
            if body != nil { request.setHeader("Content-Type", "application/json") }
            let token: String?
            do { token = try await tokenProvider.token(forceRefresh: refreshed) } catch let e as AuthenticationError {
                throw PowerPagesAdminError(
                    action: action, status: 0, code: "", message: "no token for the admin API (\(cloud.audience)): \(e.description)")
            }
            if let token { request.setHeader("Authorization", "Bearer " + token) }
            let response: HTTPResponseMessage
            do { response = try await transport.send(request, timeout: requestTimeout) } catch {
                if attempt < retries && retryTransient {
                    attempt += 1
                    try await Task.sleep(for: .seconds(1 << (attempt - 1)))
                    continue
                }
                throw PowerPagesAdminError(
                    action: action, status: 0, code: "",
                    message: "the admin API at \(cloud.apiBase.absoluteString) did not answer (\(error))")
            }
            if response.isSuccess { return response }
            if response.status == 401 && !refreshed {
                refreshed = true
                continue
            }
            let transient = response.status == 429 || (retryTransient && [502, 503, 504].contains(response.status))
            if transient && attempt < retries {
                attempt += 1
                let wait = response.header("Retry-After").flatMap(Int.init).map { min(max($0, 0), 60) } ?? (1 << (attempt - 1))
                try await Task.sleep(for: .seconds(wait))
                continue
            }
            throw PowerPagesAdminError(action: action, response: response, servicePrincipal: servicePrincipal)
        }
    }
}

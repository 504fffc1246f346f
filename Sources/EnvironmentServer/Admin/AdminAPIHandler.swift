import Foundation
import Logging
import PortalModel

/// The Power Pages admin API of an embedded environment (issue 22) — of any service with the
/// `siteHosting` capability (issue 19) — served by `EnvironmentServer` on the same port as the Web API,
/// under the documented paths
/// (research/code-sites-and-admin-api.md §B.1; what to imitate: §D 6–13):
///
/// | request | answer |
/// |---|---|
/// | `GET /powerpages/environments/{env}/websites[?skip=n]` | 200 `{"@odata.metadata", "@odata.nextLink"?, "value": [WebsiteDto…]}` |
/// | `GET …/websites/{id}` | 200 `WebsiteDto`; 404 |
/// | `POST …/websites` (create; with `websiteRecordId`: bind an existing record) | 202 + `Operation-Location`; 400/404/409 |
/// | `DELETE …/websites/{id}` (the host only; the website record stays) | 202 + `Operation-Location`; 404 |
/// | `POST …/websites/{id}/restart` (also `start`, `stop`) | 200; 404 |
/// | `GET …/operations/{id}` (the `Operation-Location`; its path is an assumption, §E 1) | 200 operation JSON |
///
/// Every request needs `api-version` `2022-03-01-preview` or `2024-10-01` (400 otherwise). `{env}` is
/// the environment's organization id (Assumption: a real Power Platform environment id is another GUID
/// or `Default-<tenant>`; the embedded environment has only its organization id). With
/// `ServerOptions.requireToken`, a token issued by the server's token endpoint for the audience
/// `http://127.0.0.1:PORT/powerpages` is required (Assumption: the loopback stand-in for the per-cloud
/// `https://api.powerplatform.com`, research §B.6), and client-credential tokens are refused with 403
/// (`AdminAPIOptions.rejectServicePrincipals`).
///
/// Errors use the documented envelope `{"error":{"code","message","target","details":[]}}` (§B.5).
/// Codes are `SubdomainConflict` (documented by Microsoft's client, [V-code]) and, as assumptions
/// (exact strings not seen, §E 2): `MissingApiVersionParameter`, `InvalidApiVersionParameter`,
/// `InvalidAuthenticationToken`, `InvalidAuthenticationTokenAudience`, `ServicePrincipalNotSupported`,
/// `EnvironmentNotFound`, `InvalidRequestBody`, `InvalidSubdomain`, `InvalidTemplateName`,
/// `TemplateNotAvailable` (embedded only), `InvalidOrganizationId`, `LanguageNotAvailable` (embedded
/// only), `WebsiteRecordNotFound` (404), `WebsiteAlreadyExists` (409), `WebsiteNotFound` (404),
/// `OperationInProgress` (409), `OperationNotFound` (404).
public final class AdminAPIHandler: Sendable {
    /// Paths this handler answers start with this.
    public static let pathPrefix = "/powerpages/"
    /// The API versions accepted (research §B.1).
    public static let apiVersions = ["2022-03-01-preview", "2024-10-01"]

    /// True for the paths this handler answers.
    public static func handles(_ path: String) -> Bool { path.hasPrefix(pathPrefix) }

    /// The token audience of the admin API served at `origin` (`http://127.0.0.1:PORT`):
    /// `http://127.0.0.1:PORT/powerpages`; the scope to ask for is this with `/.default`.
    public static func audience(origin: String) -> String { origin + "/powerpages" }

    /// The environment served: its records (organization, websites, caller) through `DataverseService`.
    let service: any DataverseService
    /// Its site host operations, `nil` when it hosts no sites (then every request answers 501).
    let hosting: (any SiteHosting)?
    let tokens: TokenService
    let options: AdminAPIOptions
    let requireToken: Bool
    let logger: Logger
    let operations = Locked<[UUID: AdminOperation]>([:])
    let pending = Locked<[UUID: PendingHost]>([:])
    let failuresLeft: Locked<Int>

    /// - Parameters:
    ///   - service: the environment served; the admin API works only for a service with `siteHosting`
    ///     (the embedded environment; others answer 501).
    ///   - tokens: the server's token service (to check audience and grant of bearer tokens).
    public init(service: any DataverseService, tokens: TokenService, options: AdminAPIOptions, requireToken: Bool, logger: Logger) {
        self.service = service
        self.hosting = service.siteHosting
        self.tokens = tokens
        self.options = options
        self.requireToken = requireToken
        self.logger = logger
        self.failuresLeft = Locked(options.failOperations)
    }

    /// Answers one admin API request. `path` is percent-decoded and starts with `/powerpages/`;
    /// `headers` have lower-case names; `origin` is `http://127.0.0.1:PORT`.
    public func handle(
        method: String, path: String, query: [(String, String)], headers: [String: String], body: Data,
        origin: String
    ) async -> WebResponse {
        let parts = path.dropFirst(Self.pathPrefix.count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3, parts[0] == "environments", !parts[1].isEmpty else {
            return Self.error(404, "ResourceNotFound", "No admin API resource at \(path).")
        }
        guard let version = query.first(where: { $0.0 == "api-version" })?.1 else {
            return Self.error(
                400, "MissingApiVersionParameter",
                "The api-version query parameter is required; supported: \(Self.apiVersions.joined(separator: ", ")).")
        }
        guard Self.apiVersions.contains(version) else {
            return Self.error(
                400, "InvalidApiVersionParameter",
                "The api-version '\(version)' is not supported; supported: \(Self.apiVersions.joined(separator: ", ")).")
        }
        if let refused = authorize(headers["authorization"], origin: origin) { return refused }
        guard let hosting else {
            return Self.error(501, "NotImplemented", "The admin API is served only for embedded environments.")
        }
        let organization: OrganizationInfo
        do { organization = try await service.organizationInfo() } catch {
            return Self.error(500, "InternalServerError", "The environment could not be read: \(error)")
        }
        guard UUID(uuidString: parts[1]) == organization.organizationID else {
            return Self.error(
                404, "EnvironmentNotFound",
                "No environment with id '\(parts[1])'. The embedded environment's id is its organization id \(organization.organizationID.uuidString.lowercased()).",
                target: "environmentId")
        }
        let context = Context(
            service: service, hosting: hosting, organization: organization, origin: origin,
            base: origin + "/powerpages/environments/" + parts[1], version: version)
        let rest = Array(parts.dropFirst(2))
        do {
            switch (method, rest.count, rest.first) {
            case ("GET", 1, "websites"): return try await list(context, skip: Int(query.first { $0.0 == "skip" }?.1 ?? "") ?? 0)
            case ("POST", 1, "websites"): return try await create(context, body: body)
            case ("GET", 2, "websites"): return try await get(context, id: rest[1])
            case ("DELETE", 2, "websites"): return try await delete(context, id: rest[1])
            case ("POST", 3, "websites") where ["restart", "start", "stop"].contains(rest[2]): return try await restart(context, id: rest[1])
            case ("GET", 2, "operations"): return operation(id: rest[1])
            default:
                return Self.error(404, "ResourceNotFound", "No admin API operation \(method) \(path).")
            }
        } catch let e as AdminFailure {
            return Self.error(e.status, e.code, e.message, target: e.target)
        } catch {
            return Self.error(500, "InternalServerError", "\(error)")
        }
    }

    /// What one request needs to know about the environment.
    struct Context {
        /// The environment's records (organization, websites, caller).
        var service: any DataverseService
        /// Its site hosts.
        var hosting: any SiteHosting
        var organization: OrganizationInfo
        var origin: String
        /// `http://127.0.0.1:PORT/powerpages/environments/{env}`.
        var base: String
        var version: String
    }

    /// `nil` when the request may proceed, else the 401/403 answer.
    func authorize(_ authorization: String?, origin: String) -> WebResponse? {
        guard requireToken else { return nil }
        guard let grant = tokens.grant(authorization: authorization) else {
            var r = Self.error(401, "InvalidAuthenticationToken", "A valid bearer token for the Power Pages admin API is required.")
            r.headers.append(("WWW-Authenticate", "Bearer authorization_uri=\(origin)/common/oauth2/authorize"))
            return r
        }
        let audience = Self.audience(origin: origin)
        guard grant.scope.split(separator: " ").contains(where: { $0.lowercased().hasPrefix(audience.lowercased()) }) else {
            return Self.error(
                401, "InvalidAuthenticationTokenAudience",
                "The access token was not issued for the Power Pages admin API; ask for the scope \(audience)/.default.")
        }
        if options.rejectServicePrincipals && grant.clientCredentials {
            return Self.error(
                403, "ServicePrincipalNotSupported",
                "The Power Pages admin API does not accept service principal (client credentials) tokens; sign in as a user.")
        }
        return nil
    }

    /// The error envelope of research §B.5.
    static func error(_ status: Int, _ code: String, _ message: String, target: String? = nil) -> WebResponse {
        .jsonPlain(
            .object([
                (
                    "error",
                    .object([
                        ("code", .string(code)), ("message", .string(message)), ("target", target.map { .string($0) } ?? .null),
                        ("details", .array([])),
                    ])
                )
            ]), status: status)
    }
}

/// A refusal of an admin API request, answered with the error envelope.
struct AdminFailure: Error {
    var status: Int
    var code: String
    var message: String
    var target: String?

    init(_ status: Int, _ code: String, _ message: String, target: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.target = target
    }
}

extension AdminAPIHandler {
    /// A handler for an environment used in-process (no server, no tokens): what the `site` commands
    /// use for `local:NAME`. The environment needs the `siteHosting` capability (the embedded
    /// environment has it); without it every request answers 501. Operations run before they are
    /// answered unless `options.operationDelayMilliseconds` is set.
    public static func inProcess(environment: any DataverseService, options: AdminAPIOptions = AdminAPIOptions()) -> AdminAPIHandler {
        AdminAPIHandler(
            service: environment, tokens: TokenService(options: ServerOptions()), options: options, requireToken: false,
            logger: EnvironmentServer.quietLogger())
    }
}

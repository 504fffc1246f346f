import DataverseWebAPI
import EnvironmentServer
import Foundation
import LocalEnvironment
import PortalModel

/// An environment as the `site` operations need it: its Dataverse (website records, organization id and
/// base language) and its Power Pages admin API (sites), both resolved from what the user named
/// (research/code-sites-and-admin-api.md Part B).
///
/// - `local:NAME`: the embedded environment opened in this process, its admin API answered in-process
///   by `AdminAPIHandler` (no server; operations finish before they are answered). The Power Platform
///   environment id is the organization id unless given.
/// - a URL or auth profile: `WebAPIClient` for Dataverse; `PowerPagesAdminClient` for the cloud the URL
///   belongs to (`PowerPlatformCloud.forEnvironment`, or `adminAPIURL`), with a user's token for the
///   admin API's audience (`AuthProfile.adminTokenProvider`, or the bearer token in
///   `adminTokenVariable`; a loopback URL without a profile: no token). The environment id is the
///   organization id on loopback (the embedded server's convention), else what
///   `RetrieveCurrentOrganization` answers (`WebAPIClient.powerPlatformEnvironmentID`).
public struct SiteEnvironment: Sendable {
    /// The environment's Dataverse.
    public let service: any DataverseService
    /// Its Power Pages admin API.
    public let admin: PowerPagesAdminClient
    /// How the environment was named, for messages and next commands (`local:dev`, `http://127.0.0.1:5555`).
    public let label: String
    public let organizationID: UUID
    /// The organization's base language (LCID).
    public let baseLanguage: Int
    /// The embedded environment when `local:NAME` (closed by `close()`).
    public let local: LocalEnvironment?
    /// Which admin API is used, for `--verbose` (`nil` in-process): cloud, environment id, token audience.
    public let adminDescription: String?

    public init(
        service: any DataverseService, admin: PowerPagesAdminClient, label: String, organizationID: UUID, baseLanguage: Int,
        local: LocalEnvironment?, adminDescription: String? = nil
    ) {
        self.service = service
        self.admin = admin
        self.label = label
        self.organizationID = organizationID
        self.baseLanguage = baseLanguage
        self.local = local
        self.adminDescription = adminDescription
    }

    /// Closes the embedded environment, if any.
    public func close() { try? local?.close() }

    /// Opens the environment `spec` names (see the type's description).
    /// - Parameters:
    ///   - environmentID: the Power Platform environment id when the user gave it.
    ///   - adminAPIURL: the admin API host when the user gave it (https, or loopback http).
    ///   - adminTokenVariable: a variable of `connection.variables` holding a bearer token for the admin API.
    /// - Throws: `EnvironmentsError.invalidAdminAPIURL`, `.noPowerPlatformEnvironmentID` (both usage);
    ///   what `EnvironmentConnection` throws; what reading the organization throws.
    public static func open(
        _ spec: String?, environmentID: String? = nil, adminAPIURL: String? = nil, adminTokenVariable: String? = nil,
        connection: EnvironmentConnection
    ) async throws -> SiteEnvironment {
        if let name = EnvironmentConnection.localName(spec) {
            let env = try connection.openLocal(name)
            let org = try await env.organizationInfo()
            let admin = PowerPagesAdminClient(
                cloud: .loopback(origin: URL(string: InProcessAdminTransport.origin)!),
                environmentID: environmentID ?? org.organizationID.uuidString.lowercased(),
                tokenProvider: NoTokenProvider(), transport: InProcessAdminTransport(handler: .inProcess(environment: env)))
            return SiteEnvironment(
                service: env, admin: admin, label: "local:\(name)", organizationID: org.organizationID, baseLanguage: org.languageCode,
                local: env)
        }
        let client = try connection.client(for: spec)
        let url = client.configuration.environmentURL
        var cloud = PowerPlatformCloud.forEnvironment(url)
        if let text = adminAPIURL {
            guard let u = URL(string: text), u.host != nil, u.scheme == "https" || EnvironmentURL.isLoopback(u) else {
                throw EnvironmentsError.invalidAdminAPIURL(text)
            }
            cloud = PowerPlatformCloud.forAPIURL(u)
        }
        var servicePrincipal = false
        let provider: any TokenProvider
        let variables = connection.variables
        if let variable = adminTokenVariable {
            provider = EnvironmentTokenProvider(variable: variable, environment: { variables })
        } else if let profile = try connection.profile(for: spec) {
            servicePrincipal = profile.kind == .clientCredentials
            provider = try profile.adminTokenProvider(
                cloud: cloud, cache: connection.profiles.tokenCache, interactive: connection.interactive, environment: { variables },
                prompt: connection.prompt)
        } else {
            provider = NoTokenProvider()
        }
        let who = try await client.whoAmI()
        let org = try await client.organizationInfo()
        var id = environmentID
        if id == nil, EnvironmentURL.isLoopback(url) {
            id = who.organizationID.uuidString.lowercased() // the embedded server's convention
        } else if id == nil {
            id = await client.powerPlatformEnvironmentID()
        }
        guard let id else { throw EnvironmentsError.noPowerPlatformEnvironmentID(url) }
        var admin = PowerPagesAdminClient(cloud: cloud, environmentID: id, tokenProvider: provider)
        admin.servicePrincipal = servicePrincipal
        return SiteEnvironment(
            service: client, admin: admin, label: spec ?? url.absoluteString, organizationID: who.organizationID,
            baseLanguage: org.languageCode, local: nil,
            adminDescription: "admin API: \(cloud.description), environment \(id), token audience \(cloud.audience)")
    }
}

/// Answers admin API requests of a `local:NAME` environment in this process with `AdminAPIHandler`.
struct InProcessAdminTransport: HTTPTransport {
    /// The origin the in-process admin API pretends to have.
    static let origin = "http://127.0.0.1"
    let handler: AdminAPIHandler

    func send(_ request: HTTPRequestMessage, timeout: Duration) async throws -> HTTPResponseMessage {
        let components = URLComponents(url: request.url, resolvingAgainstBaseURL: false)
        let path = components?.path ?? request.url.path
        var headers: [String: String] = [:]
        for h in request.headers { headers[h.name.lowercased()] = h.value }
        let answer = await handler.handle(
            method: request.method, path: path, query: WebRequest.parseQuery(components?.percentEncodedQuery),
            headers: headers, body: request.body ?? Data(), origin: Self.origin)
        return HTTPResponseMessage(status: answer.status, headers: answer.headers.map { ($0.0, $0.1) }, body: answer.body)
    }
}

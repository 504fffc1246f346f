import ArgumentParser
import DataverseWebAPI
import EnvironmentServer
import Foundation
import LocalEnvironment
import PortalModel

/// Options every `site` command shares: where the environment is and how to reach its admin API.
struct SiteOptions: ParsableArguments {
    @Option(
        name: [.customLong("environment"), .customLong("env", withSingleDash: true)],
        help: "Auth profile name or index, environment URL, or local:NAME for an embedded environment.")
    var environment: String?

    @Option(
        name: .customLong("environment-id"),
        help:
            "The Power Platform environment id (`pac auth who` shows it as 'Environment ID'); found from the environment when omitted where possible."
    )
    var environmentID: String?

    @Option(
        name: .customLong("admin-api-url"),
        help: "The Power Platform API host (default: chosen by the environment URL's cloud, e.g. https://api.powerplatform.com).")
    var adminAPIURL: String?

    @Option(
        name: .customLong("admin-token-env"),
        help:
            "A variable holding a user's bearer token for the admin API (e.g. from az account get-access-token --resource https://api.powerplatform.com)."
    )
    var adminTokenEnv: String?

    @Flag(name: .long, help: "Print machine-readable JSON on stdout; human text goes to stderr.")
    var json = false

    @Flag(name: [.long, .customShort("v")], help: "Print debug detail (never secrets).")
    var verbose = false
}

/// Options of the `site` commands that start a long-running operation.
struct SiteWaitOptions: ParsableArguments {
    @Flag(name: .customLong("no-wait"), help: "Return as soon as the service accepted the operation (prints where to follow it).")
    var noWait = false

    @Option(
        name: .customLong("poll-interval"), help: "Seconds between status polls when the service does not say (default 10, as Microsoft's client).")
    var pollInterval: Int = 10

    @Option(name: .customLong("timeout-minutes"), help: "Stop waiting after this many minutes (the operation may still finish).")
    var timeoutMinutes: Int = 15

    func validate() throws {
        guard pollInterval >= 1 else { throw ValidationError("--poll-interval must be at least 1 second") }
        guard timeoutMinutes >= 1 else { throw ValidationError("--timeout-minutes must be at least 1") }
    }
}

/// What a `site` command talks to: the environment's Dataverse (website records, organization id) and
/// its Power Pages admin API (sites), resolved from `SiteOptions`.
///
/// - `local:NAME`: the embedded environment opened in this process, its admin API answered in-process
///   by `AdminAPIHandler` (no server; operations finish before they are answered).
/// - a URL or auth profile: `WebAPIClient` for Dataverse; `PowerPagesAdminClient` for the cloud the URL
///   belongs to (`PowerPlatformCloud.forEnvironment`, or `--admin-api-url`), with a user's token for the
///   admin API's audience (`AuthProfile.adminTokenProvider`, or `--admin-token-env`).
struct SiteContext {
    let service: any DataverseService
    let admin: PowerPagesAdminClient
    /// How the environment was named, for messages and next commands (`local:dev`, `http://127.0.0.1:5555`).
    let label: String
    let organizationID: UUID
    let baseLanguage: Int
    /// The embedded environment when `local:NAME` (closed by `close()`).
    let local: LocalEnvironment?

    func close() { try? local?.close() }

    /// - Throws: `UserFacingError` naming what could not be resolved.
    static func resolve(_ o: SiteOptions, interactive: Bool = true) async throws -> SiteContext {
        let prompt: @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        if let name = EnvironmentResolver.localName(o.environment) {
            let env = try EnvironmentResolver.openLocal(name)
            let org = try await env.organizationInfo()
            let handler = AdminAPIHandler.inProcess(environment: env)
            let cloud = PowerPlatformCloud.loopback(origin: URL(string: InProcessAdminTransport.origin)!)
            let admin = PowerPagesAdminClient(
                cloud: cloud, environmentID: o.environmentID ?? org.organizationID.uuidString.lowercased(),
                tokenProvider: NoTokenProvider(), transport: InProcessAdminTransport(handler: handler))
            return SiteContext(
                service: env, admin: admin, label: "local:\(name)", organizationID: org.organizationID,
                baseLanguage: org.languageCode, local: env)
        }
        let client = try RemoteEnvironment.client(for: o.environment, verbose: o.verbose, interactive: interactive)
        let url = client.configuration.environmentURL
        var cloud = PowerPlatformCloud.forEnvironment(url)
        if let text = o.adminAPIURL {
            guard let u = URL(string: text), u.host != nil, u.scheme == "https" || EnvironmentURL.isLoopback(u) else {
                throw UserFacingError(
                    "--admin-api-url '\(text)' is not an https:// URL (or a loopback http:// URL)", exitCode: PortalMigrateExit.usage)
            }
            cloud = PowerPlatformCloud.forAPIURL(u)
        }
        let store = RemoteEnvironment.store
        var servicePrincipal = false
        let provider: any TokenProvider
        if let variable = o.adminTokenEnv {
            provider = EnvironmentTokenProvider(variable: variable)
        } else if let profile = try RemoteEnvironment.profile(for: o.environment, store: store) {
            servicePrincipal = profile.kind == .clientCredentials
            provider = try profile.adminTokenProvider(cloud: cloud, cache: store.tokenCache, interactive: interactive, prompt: prompt)
        } else {
            provider = NoTokenProvider() // a loopback URL without a profile: no tokens
        }
        let who = try await client.whoAmI()
        let org = try await client.organizationInfo()
        var environmentID = o.environmentID
        if environmentID == nil {
            if EnvironmentURL.isLoopback(url) {
                environmentID = who.organizationID.uuidString.lowercased() // the embedded server's convention
            } else {
                environmentID = await client.powerPlatformEnvironmentID()
            }
        }
        guard let environmentID else {
            throw UserFacingError(
                "cannot find the Power Platform environment id of \(url.absoluteString); pass --environment-id ID (`pac auth who` shows it as 'Environment ID')",
                exitCode: PortalMigrateExit.usage)
        }
        var admin = PowerPagesAdminClient(cloud: cloud, environmentID: environmentID, tokenProvider: provider)
        admin.servicePrincipal = servicePrincipal
        if o.verbose { printErr("admin API: \(cloud.description), environment \(environmentID), token audience \(cloud.audience)") }
        return SiteContext(
            service: client, admin: admin, label: o.environment ?? url.absoluteString, organizationID: who.organizationID,
            baseLanguage: org.languageCode, local: nil)
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

import Foundation

extension AuthProfile {
    /// A `TokenProvider` for the Power Pages admin API of `cloud` (scope `<cloud.audience>/.default`,
    /// research/code-sites-and-admin-api.md §B.6), from the same sign-in the profile uses for Dataverse:
    ///
    /// - device code: the profile's authority and client id, asking for the admin API's scope (a second
    ///   sign-in the first time, cached afterwards). Assumption: the profile's client id (by default
    ///   Microsoft's public Dataverse sample client) may ask for the Power Platform API's delegated
    ///   permissions `PowerPages.Websites.Read`/`.Write`; if a tenant refuses it, pass `--admin-token-env`.
    /// - client credentials: a service-principal token for the admin API's audience; the docs say the
    ///   API does not take those ("the service principal flow isn't currently available", [V-docs]), so
    ///   a refusal is explained (`PowerPagesAdminError.servicePrincipalAdvice`); whether the real API
    ///   still refuses is an open question (research §E 4).
    /// - a token in a variable: that token is for Dataverse, not for the admin API, so this throws;
    ///   pass `--admin-token-env VAR` instead.
    /// - none (loopback without tokens): no token.
    /// - Throws: `AuthenticationError.incompleteProfile` for the token-variable kind or a profile lacking what its kind needs.
    public func adminTokenProvider(
        cloud: PowerPlatformCloud, cache: TokenCache?, transport: any HTTPTransport = AsyncHTTPTransport(),
        interactive: Bool = true,
        environment: @escaping @Sendable () -> [String: String] = { ProcessInfo.processInfo.environment },
        prompt: @escaping @Sendable (String) -> Void
    ) throws -> any TokenProvider {
        switch kind {
        case .none: return NoTokenProvider()
        case .environmentToken:
            throw AuthenticationError.incompleteProfile(
                "auth profile '\(name)' takes a Dataverse token from $\(tokenEnv ?? "?"), which the admin API does not accept (its audience is \(cloud.audience)); pass --admin-token-env VAR naming a variable that holds a user token for \(cloud.audience)"
            )
        case .deviceCode:
            return DeviceCodeTokenProvider(
                endpoints: endpoints, clientID: applicationID ?? DeviceCodeTokenProvider.defaultClientID,
                scope: cloud.scope, transport: transport, cache: cache, interactive: interactive, prompt: prompt)
        case .clientCredentials:
            guard let app = applicationID else { throw AuthenticationError.incompleteProfile("profile '\(name)' has no application id") }
            let profile = self
            return ClientCredentialsTokenProvider(
                endpoints: endpoints, clientID: app, scope: cloud.scope,
                secret: {
                    try profile.clientSecretValue(environment: environment)
                }, transport: transport, cache: cache)
        }
    }

    /// The client secret of a client-credentials profile (stored, or read from its variable).
    /// - Throws: `AuthenticationError` when neither gives one.
    func clientSecretValue(environment: @Sendable () -> [String: String]) throws -> String {
        if let s = clientSecret, !s.isEmpty { return s }
        if let v = clientSecretEnv {
            guard let s = environment()[v], !s.isEmpty else { throw AuthenticationError.missingEnvironmentVariable(v) }
            return s
        }
        throw AuthenticationError.incompleteProfile("profile '\(name)' has no client secret and names no variable holding one")
    }
}

extension WebAPIClient {
    /// The Power Platform environment id of this Dataverse environment, read with
    /// `RetrieveCurrentOrganization(AccessType=…)` → `Detail.EnvironmentId`.
    ///
    /// Assumption: research/dataverse-webapi.md §8 names the function only as a third-party report ([T]);
    /// the `EnvironmentId` field of its `Detail` is not in the research at all. `nil` when the call fails
    /// or the field is absent (the embedded environment does not answer it): callers then need
    /// `--environment-id`.
    public func powerPlatformEnvironmentID() async -> String? {
        let path = "RetrieveCurrentOrganization(AccessType=@p)?@p=Microsoft.Dynamics.CRM.EndpointAccessType'Default'"
        guard let json = try? await getJSON(path) else { return nil }
        return json["Detail"]?["EnvironmentId"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
    }
}

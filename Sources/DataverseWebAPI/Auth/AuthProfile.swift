import Foundation

/// A saved connection to an environment (`portal-migrate auth create`), as pac keeps auth profiles.
///
/// - `kind`: how tokens are obtained.
/// - `clientSecret`: stored only when given with `--clientSecret` (the profile file is mode 0600);
///   `clientSecretEnv` names an environment variable read at each run instead.
/// - `tokenEnv`: for `.environmentToken`, the variable holding a bearer token.
/// - `authority`: overrides the default authority (Entra ID, or the loopback server itself).
public struct AuthProfile: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// OAuth client credentials (application id + secret + tenant).
        case clientCredentials = "client-credentials"
        /// Device code sign-in.
        case deviceCode = "device-code"
        /// A bearer token from an environment variable.
        case environmentToken = "token-env"
        /// No authentication (loopback only).
        case none
    }

    public var name: String
    public var url: URL
    public var kind: Kind
    public var tenant: String?
    public var applicationID: String?
    public var clientSecret: String?
    public var clientSecretEnv: String?
    public var tokenEnv: String?
    public var authority: URL?

    public init(
        name: String, url: URL, kind: Kind, tenant: String? = nil, applicationID: String? = nil, clientSecret: String? = nil,
        clientSecretEnv: String? = nil, tokenEnv: String? = nil, authority: URL? = nil
    ) {
        self.name = name
        self.url = url
        self.kind = kind
        self.tenant = tenant
        self.applicationID = applicationID
        self.clientSecret = clientSecret
        self.clientSecretEnv = clientSecretEnv
        self.tokenEnv = tokenEnv
        self.authority = authority
    }

    /// The OAuth endpoints: `authority` when set, else the default for the URL and tenant.
    public var endpoints: OAuthEndpoints {
        OAuthEndpoints(authority: authority ?? OAuthEndpoints.defaultAuthority(environmentURL: url, tenant: tenant))
    }

    /// The scope asked for: `<url>/.default`.
    public var scope: String { OAuthEndpoints.scope(environmentURL: url) }

    /// A `TokenProvider` for this profile.
    /// - Parameters:
    ///   - cache: the token cache (config directory).
    ///   - interactive: whether a device code sign-in may start (prints through `prompt`).
    ///   - environment: the process environment (secrets and tokens named by variable).
    /// - Throws: `AuthenticationError.incompleteProfile` when the profile lacks what its kind needs.
    public func tokenProvider(
        cache: TokenCache?, transport: any HTTPTransport = AsyncHTTPTransport(), interactive: Bool = true,
        environment: @escaping @Sendable () -> [String: String] = { ProcessInfo.processInfo.environment },
        prompt: @escaping @Sendable (String) -> Void
    ) throws -> any TokenProvider {
        switch kind {
        case .none: return NoTokenProvider()
        case .environmentToken:
            guard let v = tokenEnv else { throw AuthenticationError.incompleteProfile("profile '\(name)' names no token variable") }
            return EnvironmentTokenProvider(variable: v, environment: environment)
        case .clientCredentials:
            guard let app = applicationID else { throw AuthenticationError.incompleteProfile("profile '\(name)' has no application id") }
            let stored = clientSecret
            let variable = clientSecretEnv
            let profileName = name
            return ClientCredentialsTokenProvider(
                endpoints: endpoints, clientID: app, scope: scope,
                secret: {
                    if let s = stored, !s.isEmpty { return s }
                    if let v = variable {
                        guard let s = environment()[v], !s.isEmpty else { throw AuthenticationError.missingEnvironmentVariable(v) }
                        return s
                    }
                    throw AuthenticationError.incompleteProfile("profile '\(profileName)' has no client secret and names no variable holding one")
                }, transport: transport, cache: cache)
        case .deviceCode:
            return DeviceCodeTokenProvider(
                endpoints: endpoints, clientID: applicationID ?? DeviceCodeTokenProvider.defaultClientID,
                scope: scope, transport: transport, cache: cache, interactive: interactive, prompt: prompt)
        }
    }
}

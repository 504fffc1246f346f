import Foundation

/// OAuth 2.0 client credentials (a service principal, research/dataverse-webapi.md §10.1):
/// `POST <authority>/oauth2/v2.0/token` with `client_id`, `client_secret`,
/// `grant_type=client_credentials` and `scope=<environment>/.default`.
///
/// The token is kept in memory (and in `cache` when given) and reused until five minutes before it
/// expires. The secret is held only in memory and never logged or put in an error message.
public actor ClientCredentialsTokenProvider: TokenProvider {
    public let endpoints: OAuthEndpoints
    public let clientID: String
    public let scope: String
    private let secret: @Sendable () throws -> String
    private let client: OAuthTokenClient
    private let cache: TokenCache?
    private var current: OAuthToken?

    /// - Parameters:
    ///   - secret: returns the client secret when a token is needed (from an option or an environment
    ///     variable); throws `AuthenticationError` when it is not available.
    public init(
        endpoints: OAuthEndpoints, clientID: String, scope: String, secret: @escaping @Sendable () throws -> String,
        transport: any HTTPTransport = AsyncHTTPTransport(), cache: TokenCache? = nil
    ) {
        self.endpoints = endpoints
        self.clientID = clientID
        self.scope = scope
        self.secret = secret
        self.client = OAuthTokenClient(transport: transport)
        self.cache = cache
    }

    private var cacheKey: String { TokenCache.key(authority: endpoints.authority, clientID: clientID, scope: scope) }

    /// - Throws: `AuthenticationError` for OAuth errors (`invalid_client`, `unauthorized_client`, …).
    public func token(forceRefresh: Bool) async throws -> String? {
        if !forceRefresh {
            if let t = current, t.isFresh() { return t.accessToken }
            if let t = cache?.token(cacheKey), t.isFresh() { current = t; return t.accessToken }
        }
        let form = [("client_id", clientID), ("client_secret", try secret()), ("grant_type", "client_credentials"), ("scope", scope)]
        switch try await client.requestToken(endpoints.token, form: form) {
        case .token(let t):
            current = t
            try? cache?.store(t, for: cacheKey)
            return t.accessToken
        case .error(let status, let code, let description, _):
            throw AuthenticationError.oauth(endpoint: endpoints.token.absoluteString, status: status, error: code, description: description)
        }
    }
}

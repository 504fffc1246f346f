import Foundation

/// OAuth 2.0 device code sign-in (research/dataverse-webapi.md §10.2, Microsoft identity platform):
///
/// 1. `POST <authority>/oauth2/v2.0/devicecode` with `client_id` and `scope=<env>/.default offline_access`;
///    the answer's `message` is shown to the user through `prompt`.
/// 2. `POST <authority>/oauth2/v2.0/token` with `grant_type=urn:ietf:params:oauth:grant-type:device_code`
///    every `interval` seconds: `authorization_pending` keeps polling, `slow_down` adds 5 s,
///    `authorization_declined`, `expired_token`, `bad_verification_code` stop.
/// 3. Later tokens come from the refresh token (`grant_type=refresh_token`), kept in `cache`.
public actor DeviceCodeTokenProvider: TokenProvider {
    /// Microsoft's public client id for Dataverse samples and tools (research §10.2, [V S24]).
    public static let defaultClientID = "51f81489-12ee-4a9e-aaae-a2591f45987d"

    public let endpoints: OAuthEndpoints
    public let clientID: String
    public let scope: String
    private let client: OAuthTokenClient
    private let cache: TokenCache?
    private let prompt: @Sendable (String) -> Void
    private let interactive: Bool
    private var current: OAuthToken?

    /// - Parameters:
    ///   - prompt: shows the device code message (the CLI prints it on stderr).
    ///   - interactive: when false, a missing or expired sign-in throws instead of starting the flow.
    public init(
        endpoints: OAuthEndpoints, clientID: String = DeviceCodeTokenProvider.defaultClientID, scope: String,
        transport: any HTTPTransport = AsyncHTTPTransport(), cache: TokenCache? = nil, interactive: Bool = true,
        prompt: @escaping @Sendable (String) -> Void
    ) {
        self.endpoints = endpoints
        self.clientID = clientID
        self.scope = scope
        self.client = OAuthTokenClient(transport: transport)
        self.cache = cache
        self.interactive = interactive
        self.prompt = prompt
    }

    private var cacheKey: String { TokenCache.key(authority: endpoints.authority, clientID: clientID, scope: scope) }

    /// - Throws: `AuthenticationError.deviceCodeFailed` when the sign-in is declined or expires, or
    ///   when no sign-in is cached and the provider is not interactive; other `AuthenticationError`s.
    public func token(forceRefresh: Bool) async throws -> String? {
        if current == nil { current = cache?.token(cacheKey) }
        if !forceRefresh, let t = current, t.isFresh() { return t.accessToken }
        if let refresh = current?.refreshToken {
            let form = [("grant_type", "refresh_token"), ("client_id", clientID), ("refresh_token", refresh), ("scope", scope + " offline_access")]
            if case .token(var t) = try await client.requestToken(endpoints.token, form: form) {
                if t.refreshToken == nil { t.refreshToken = refresh }
                save(t)
                return t.accessToken
            }
        }
        guard interactive else {
            throw AuthenticationError.deviceCodeFailed("no valid sign-in is cached; run `portal-migrate auth create --deviceCode` again")
        }
        return try await signIn().accessToken
    }

    /// Runs the device code flow now and caches the result.
    /// - Throws: `AuthenticationError`.
    @discardableResult
    public func signIn() async throws -> OAuthToken {
        let (status, start) = try await client.post(endpoints.deviceCode, form: [("client_id", clientID), ("scope", scope + " offline_access")])
        guard (200..<300).contains(status), let deviceCode = start["device_code"]?.stringValue else {
            throw AuthenticationError.oauth(
                endpoint: endpoints.deviceCode.absoluteString, status: status,
                error: start["error"]?.stringValue ?? "invalid_response",
                description: start["error_description"]?.stringValue)
        }
        let message =
            start["message"]?.stringValue
            ?? "To sign in, open \(start["verification_uri"]?.stringValue ?? "the verification page") and enter the code \(start["user_code"]?.stringValue ?? "")."
        prompt(message)
        var interval = max(1, start["interval"]?.intValue ?? 5)
        let deadline = Date().addingTimeInterval(TimeInterval(start["expires_in"]?.intValue ?? 900))
        while Date() < deadline {
            try await Task.sleep(for: .seconds(interval))
            let form = [("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("client_id", clientID), ("device_code", deviceCode)]
            switch try await client.requestToken(endpoints.token, form: form) {
            case .token(let t):
                save(t)
                return t
            case .error(_, "authorization_pending", _, _): continue
            case .error(_, "slow_down", _, _): interval += 5
            case .error(_, let code, let description, _):
                throw AuthenticationError.deviceCodeFailed(code + (description.map { ": \($0)" } ?? ""))
            }
        }
        throw AuthenticationError.deviceCodeFailed("expired_token: the code was not entered in time")
    }

    private func save(_ t: OAuthToken) {
        current = t
        try? cache?.store(t, for: cacheKey)
    }
}

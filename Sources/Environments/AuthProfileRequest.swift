import DataverseWebAPI
import Foundation
import PortalModel

/// What a user asks for when saving an auth profile (`auth create`, pac's flags): the environment URL and
/// at most one way to sign in. `profile()` decides the profile's kind:
///
/// - `applicationID` with `clientSecret` or `clientSecretEnv`, and `tenant` or `authority` (not needed
///   for a loopback URL, whose server is its own authority): client credentials;
/// - `deviceCode`: the device code flow;
/// - `tokenEnv`: a bearer token read from that variable at each run;
/// - nothing: no sign-in, for a loopback URL only (the embedded server without `--require-token`).
public struct AuthProfileRequest: Sendable, Hashable {
    public var name: String
    /// The URL as typed (a trailing `/api/data/v9.x/` is accepted).
    public var url: String
    public var applicationID: String?
    public var clientSecret: String?
    public var clientSecretEnv: String?
    public var tenant: String?
    public var deviceCode: Bool
    public var tokenEnv: String?
    /// The OAuth authority URL as typed (default: Entra ID, or the server itself for loopback URLs).
    public var authority: String?

    public init(
        name: String, url: String, applicationID: String? = nil, clientSecret: String? = nil, clientSecretEnv: String? = nil,
        tenant: String? = nil, deviceCode: Bool = false, tokenEnv: String? = nil, authority: String? = nil
    ) {
        self.name = name
        self.url = url
        self.applicationID = applicationID
        self.clientSecret = clientSecret
        self.clientSecretEnv = clientSecretEnv
        self.tenant = tenant
        self.deviceCode = deviceCode
        self.tokenEnv = tokenEnv
        self.authority = authority
    }

    /// The profile asked for (see the type's description).
    /// - Throws: `EnvironmentsError.invalidURL`, `.invalidProfileOptions` (both usage, exit 64).
    public func profile() throws -> AuthProfile {
        let envURL = try EnvironmentConnection.environmentURL(url)
        let kinds = [applicationID != nil, deviceCode, tokenEnv != nil].filter { $0 }.count
        guard kinds <= 1 else { throw EnvironmentsError.invalidProfileOptions("choose one of --applicationId, --deviceCode and --token-env") }
        var authorityURL: URL?
        if let a = authority {
            guard let u = URL(string: a), u.scheme != nil, u.host != nil else {
                throw EnvironmentsError.invalidProfileOptions("'\(a)' is not an authority URL")
            }
            authorityURL = u
        }
        let kind: AuthProfile.Kind
        if applicationID != nil {
            guard clientSecret != nil || clientSecretEnv != nil else {
                throw EnvironmentsError.invalidProfileOptions("--applicationId needs --clientSecret or --clientSecretEnv")
            }
            guard tenant != nil || authorityURL != nil || EnvironmentURL.isLoopback(envURL) else {
                throw EnvironmentsError.invalidProfileOptions("--applicationId needs --tenant (or --authority)")
            }
            kind = .clientCredentials
        } else if deviceCode {
            kind = .deviceCode
        } else if tokenEnv != nil {
            kind = .environmentToken
        } else {
            guard EnvironmentURL.isLoopback(envURL) else {
                throw EnvironmentsError.invalidProfileOptions("an https:// environment needs --applicationId, --deviceCode or --token-env")
            }
            kind = .none
        }
        return AuthProfile(
            name: name, url: envURL, kind: kind, tenant: tenant, applicationID: applicationID,
            clientSecret: clientSecret, clientSecretEnv: clientSecretEnv, tokenEnv: tokenEnv, authority: authorityURL)
    }
}

extension EnvironmentConnection {
    /// Saves `profile` and makes it the active one. A client-credentials or device-code profile signs in
    /// first, so a wrong secret or a declined sign-in is reported before anything is saved.
    /// - Parameter signedIn: told the authority signed in to.
    /// - Returns: the new profile's index.
    /// - Throws: `AuthProfileStore.StoreError.duplicateName`; what signing in throws
    ///   (`AuthenticationError`); what saving throws.
    public func addProfile(_ profile: AuthProfile, signedIn: (URL) -> Void = { _ in }) async throws -> Int {
        if try profiles.load().profiles.contains(where: { $0.name.caseInsensitiveCompare(profile.name) == .orderedSame }) {
            throw AuthProfileStore.StoreError.duplicateName(profile.name)
        }
        if profile.kind == .clientCredentials || profile.kind == .deviceCode {
            let variables = self.variables
            let provider = try profile.tokenProvider(
                cache: profiles.tokenCache, interactive: true, environment: { variables }, prompt: prompt)
            _ = try await provider.token(forceRefresh: true)
            signedIn(profile.endpoints.authority)
        }
        return try profiles.add(profile)
    }
}

extension AuthProfileStore {
    /// The index of the profile named by `index` or by `name` (compared ignoring case), as `auth
    /// select` and `auth delete` name one; `index` wins when both are given.
    /// - Throws: `AuthProfileStore.StoreError.noSuchProfile` (the index or name as given) when no
    ///   profile matches or neither is given; what loading the store throws.
    public func index(of index: Int?, name: String?) throws -> Int {
        let profiles = try load().profiles
        if let index {
            guard profiles.indices.contains(index) else { throw StoreError.noSuchProfile(String(index)) }
            return index
        }
        guard let i = profiles.firstIndex(where: { $0.name.caseInsensitiveCompare(name ?? "") == .orderedSame }) else {
            throw StoreError.noSuchProfile(name ?? "")
        }
        return i
    }
}

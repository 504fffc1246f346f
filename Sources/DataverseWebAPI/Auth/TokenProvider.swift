import Foundation
import PortalModel

/// Supplies the bearer token for Web API requests.
///
/// `token(forceRefresh:)` returns the access token to send as `Authorization: Bearer <token>`, or
/// `nil` to send no `Authorization` header (a loopback environment without auth). The client calls it
/// with `forceRefresh: true` once after a 401 (research/dataverse-webapi.md §10.3).
///
/// Implementations never log or print the token or any secret.
/// - Throws: `AuthenticationError` when no token can be obtained.
public protocol TokenProvider: Sendable {
    func token(forceRefresh: Bool) async throws -> String?
}

/// No authentication: for `http://127.0.0.1:PORT` environments that accept anonymous requests.
public struct NoTokenProvider: TokenProvider {
    public init() {}
    public func token(forceRefresh: Bool) async throws -> String? { nil }
}

/// A bearer token read from an environment variable at every call, for pipelines that already hold
/// one (`auth create --token-env VAR`). Refreshing re-reads the variable.
public struct EnvironmentTokenProvider: TokenProvider {
    public let variable: String
    private let environment: @Sendable () -> [String: String]

    public init(variable: String, environment: @escaping @Sendable () -> [String: String] = { ProcessInfo.processInfo.environment }) {
        self.variable = variable
        self.environment = environment
    }

    /// - Throws: `AuthenticationError.missingEnvironmentVariable` when the variable is unset or empty.
    public func token(forceRefresh: Bool) async throws -> String? {
        guard let t = environment()[variable]?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty else {
            throw AuthenticationError.missingEnvironmentVariable(variable)
        }
        return t
    }
}

/// A fixed token (tests, or a caller that manages tokens itself).
public struct StaticTokenProvider: TokenProvider {
    private let value: String
    public init(_ value: String) { self.value = value }
    public func token(forceRefresh: Bool) async throws -> String? { value }
}

/// A failure to obtain a token. Messages name the endpoint and the OAuth error, never a secret or token.
public enum AuthenticationError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The environment variable that should hold a token or secret is unset or empty.
    case missingEnvironmentVariable(String)
    /// The token endpoint answered with an OAuth error (`error`, `error_description`).
    case oauth(endpoint: String, status: Int, error: String, description: String?)
    /// The token endpoint's answer could not be read.
    case invalidResponse(endpoint: String, status: Int, detail: String)
    /// The user declined the device code sign-in or the code expired.
    case deviceCodeFailed(String)
    /// The token endpoint could not be reached.
    case unreachable(endpoint: String, detail: String)
    /// A profile lacks something its kind needs (client id, secret).
    case incompleteProfile(String)

    /// The message, with any credentials in a URL removed (`CredentialRedaction`).
    public var description: String { CredentialRedaction.redact(unredactedDescription) }

    private var unredactedDescription: String {
        switch self {
        case .missingEnvironmentVariable(let v): return "the environment variable \(v) is not set"
        case .oauth(let e, let s, let err, let d): return "token endpoint \(e) answered HTTP \(s) \(err)" + (d.map { ": \($0)" } ?? "")
        case .invalidResponse(let e, let s, let d): return "token endpoint \(e) answered HTTP \(s) with an unreadable body: \(d)"
        case .deviceCodeFailed(let m): return "device code sign-in failed: \(m)"
        case .unreachable(let e, let d): return "token endpoint \(e) could not be reached: \(d)"
        case .incompleteProfile(let m): return m
        }
    }
}

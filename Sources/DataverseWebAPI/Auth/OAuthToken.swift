import Foundation
import PortalModel

/// An access token with its expiry and, for device code sign-ins, a refresh token.
/// Codable for the token cache; never printed (`description` hides the secrets).
public struct OAuthToken: Codable, Sendable, Hashable, CustomStringConvertible {
    public var accessToken: String
    public var refreshToken: String?
    /// When the access token stops being valid.
    public var expiresOn: Date

    public init(accessToken: String, refreshToken: String? = nil, expiresOn: Date) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresOn = expiresOn
    }

    /// True when the token is valid for at least `margin` more seconds (research §10.3: refresh about
    /// five minutes before expiry).
    public func isFresh(margin: TimeInterval = 300, now: Date = Date()) -> Bool { expiresOn.timeIntervalSince(now) > margin }

    public var description: String { "OAuthToken(expires \(expiresOn))" }
}

/// Talks to a token endpoint: posts a form and reads the OAuth answer.
struct OAuthTokenClient: Sendable {
    let transport: any HTTPTransport

    enum Answer {
        case token(OAuthToken)
        case error(status: Int, code: String, description: String?, json: JSONValue)
    }

    /// Posts `form` to `endpoint`.
    /// - Throws: `AuthenticationError.unreachable` or `.invalidResponse`.
    func post(_ endpoint: URL, form: [(String, String)]) async throws -> (status: Int, json: JSONValue) {
        let r = HTTPRequestMessage(
            method: "POST", url: endpoint,
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
            body: FormEncoding.encode(form))
        let response: HTTPResponseMessage
        do { response = try await transport.send(r, timeout: .seconds(60)) } catch {
            throw AuthenticationError.unreachable(endpoint: endpoint.absoluteString, detail: String(describing: error))
        }
        guard let json = try? JSONValue.parse(response.body), json.objectValue != nil else {
            throw AuthenticationError.invalidResponse(
                endpoint: endpoint.absoluteString, status: response.status,
                detail: "not a JSON object (\(response.body.count) bytes)")
        }
        return (response.status, json)
    }

    /// Posts a token request and reads `access_token`/`expires_in`/`refresh_token` or the OAuth error.
    func requestToken(_ endpoint: URL, form: [(String, String)]) async throws -> Answer {
        let (status, json) = try await post(endpoint, form: form)
        if (200..<300).contains(status), let access = json["access_token"]?.stringValue, !access.isEmpty {
            let expires = json["expires_in"].flatMap { $0.intValue ?? $0.stringValue.flatMap { Int($0) } } ?? 3600
            return .token(
                OAuthToken(
                    accessToken: access, refreshToken: json["refresh_token"]?.stringValue,
                    expiresOn: Date().addingTimeInterval(TimeInterval(expires))))
        }
        let code = json["error"]?.stringValue ?? "invalid_response"
        return .error(status: status, code: code, description: json["error_description"]?.stringValue, json: json)
    }
}

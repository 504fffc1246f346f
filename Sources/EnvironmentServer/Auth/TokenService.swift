import Foundation
import PortalModel

/// The local OAuth 2.0 token endpoint (research/dataverse-webapi.md §10), enough for clients to run
/// their real token code against the embedded environment:
///
/// - `POST /{tenant}/oauth2/v2.0/token` with `grant_type=client_credentials` (`client_id`,
///   `client_secret`; checked against the configured pairs, any pair accepted when none are
///   configured), `grant_type=urn:ietf:params:oauth:grant-type:device_code` (`authorization_pending`
///   until approved, then a token), and `grant_type=refresh_token`.
/// - `POST /{tenant}/oauth2/v2.0/devicecode` (`client_id`, `scope`) → `device_code`, `user_code`,
///   `verification_uri`, `expires_in`, `interval`, `message`.
/// - `GET|POST /devicelogin?code=USERCODE`: approves a pending device code (what a user does in the
///   browser; `env approve-device-code` calls it).
///
/// When client credentials are restricted (`ServerOptions.clientCredentials` not empty) a token comes
/// only from a listed client's secret, or from a device code the environment's owner approved:
/// `/devicelogin` then approves only with the header `X-PortalMigrate-Approval-Key` carrying
/// `approvalKey`, a random value `env serve` writes into the runtime file beside the environment
/// (readable by its owner only) and `env approve-device-code` reads from there; an unauthenticated
/// POST or GET to the page approves nothing (issue 17). `autoApproveDeviceCodes` is the owner's
/// blanket approval given on the command line.
///
/// Tokens are random 256-bit values kept in memory; they and secrets are never logged.
public final class TokenService: Sendable {
    struct DeviceCode: Sendable {
        var deviceCode: String
        var userCode: String
        var clientID: String
        var scope: String
        var expires: Date
        var approved: Bool
    }

    private let options: ServerOptions
    private let tokens = Locked<[String: Date]>([:])
    private let refreshTokens = Locked<[String: String]>([:])
    private let deviceCodes = Locked<[String: DeviceCode]>([:])
    /// How each issued token was obtained (scope asked for, client credentials or a user's sign-in):
    /// the admin API checks the audience and refuses service principals (issue 22).
    private let grants = Locked<[String: TokenGrant]>([:])

    /// How a token was obtained: the `scope` asked for and whether it came from client credentials.
    public struct TokenGrant: Sendable, Hashable {
        public var scope: String
        public var clientCredentials: Bool
    }

    /// The grant of a valid `Bearer <token>`, `nil` when the token is unknown or expired.
    public func grant(authorization: String?) -> TokenGrant? {
        guard isValid(authorization: authorization), let a = authorization else { return nil }
        return grants.withLock { $0[a.dropFirst(7).trimmingCharacters(in: .whitespaces)] }
    }

    /// The key that authorizes a device code approval when client credentials are restricted: random,
    /// 256 bits, made when the service starts, never logged.
    public let approvalKey = TokenService.randomToken()

    /// The request header carrying `approvalKey` to `/devicelogin`.
    public static let approvalKeyHeader = "X-PortalMigrate-Approval-Key"

    init(options: ServerOptions) { self.options = options }

    /// True when only listed clients may obtain tokens.
    var restricted: Bool { !options.clientCredentials.isEmpty }

    /// True for the paths this service answers.
    static func handles(_ path: String) -> Bool {
        path.hasSuffix("/oauth2/v2.0/token") || path.hasSuffix("/oauth2/v2.0/devicecode") || path == "/devicelogin"
    }

    /// True when `authorization` is `Bearer <token>` with a token issued here and not expired.
    func isValid(authorization: String?) -> Bool {
        guard let a = authorization, a.lowercased().hasPrefix("bearer ") else { return false }
        let token = a.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return tokens.withLock { t in (t[token].map { $0 > Date() }) ?? false }
    }

    /// Approves the pending device code with this user code. - Returns: false when none matches.
    public func approve(userCode: String) -> Bool {
        let code = userCode.uppercased().replacingOccurrences(of: "-", with: "")
        return deviceCodes.withLock { d in
            guard let key = d.first(where: { $0.value.userCode == code && $0.value.expires > Date() })?.key else { return false }
            d[key]?.approved = true
            return true
        }
    }

    /// Answers a token-endpoint request. `origin` is `http://127.0.0.1:PORT`.
    /// - Parameter headers: the request headers, names in lower case.
    func handle(
        method: String, path: String, query: [(String, String)], headers: [String: String] = [:], body: Data,
        origin: String
    ) -> WebResponse {
        var form: [String: String] = [:]
        for (k, v) in WebRequest.parseQuery(String(decoding: body, as: UTF8.self)) { form[k] = v }
        if path == "/devicelogin" {
            if restricted {
                guard let key = headers[TokenService.approvalKeyHeader.lowercased()],
                    TokenService.constantTimeEqual(key, approvalKey)
                else {
                    return WebResponse(
                        status: 403, headers: [("Content-Type", "text/plain")],
                        body: Data(
                            ("This server accepts only listed clients: a device code is approved by the environment's owner with "
                                + "`portal-migrate env approve-device-code NAME CODE` on this machine.\n").utf8))
                }
            }
            let code = form["code"] ?? query.first { $0.0 == "code" }?.1
            guard let code, approve(userCode: code) else {
                return WebResponse(status: 404, headers: [("Content-Type", "text/plain")], body: Data("Unknown or expired code.\n".utf8))
            }
            return WebResponse(status: 200, headers: [("Content-Type", "text/plain")], body: Data("Approved.\n".utf8))
        }
        guard method == "POST" else { return oauthError(405, "invalid_request", "Use POST.") }
        if path.hasSuffix("/devicecode") {
            guard let clientID = form["client_id"], !clientID.isEmpty else {
                return oauthError(400, "invalid_request", "AADSTS900144: The request body must contain the following parameter: 'client_id'.")
            }
            let device = TokenService.randomToken()
            let user = TokenService.userCode()
            let expires = Date().addingTimeInterval(900)
            deviceCodes.withLock {
                $0[device] = DeviceCode(
                    deviceCode: device, userCode: user, clientID: clientID, scope: form["scope"] ?? "",
                    expires: expires, approved: options.autoApproveDeviceCodes)
            }
            let uri = origin + "/devicelogin"
            return .jsonPlain(
                .object([
                    ("user_code", .string(user)),
                    ("device_code", .string(device)),
                    ("verification_uri", .string(uri)),
                    ("expires_in", .number("900")),
                    ("interval", .number(String(options.deviceCodePollInterval))),
                    ("message", .string("To sign in, open \(uri) and enter the code \(user) to authenticate.")),
                ]))
        }
        switch form["grant_type"] ?? "" {
        case "client_credentials":
            guard let id = form["client_id"], !id.isEmpty, let secret = form["client_secret"], !secret.isEmpty else {
                return oauthError(400, "invalid_request", "AADSTS900144: The request body must contain 'client_id' and 'client_secret'.")
            }
            if !options.clientCredentials.isEmpty {
                guard let expected = options.clientCredentials[id] else {
                    return oauthError(400, "unauthorized_client", "AADSTS700016: Application with identifier '\(id)' was not found.")
                }
                guard TokenService.constantTimeEqual(expected, secret) else {
                    return oauthError(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.")
                }
            }
            return issue(refresh: false, clientID: id, scope: form["scope"] ?? "", clientCredentials: true)
        case "urn:ietf:params:oauth:grant-type:device_code":
            guard let device = form["device_code"] else { return oauthError(400, "invalid_request", "device_code is required.") }
            guard let entry = deviceCodes.withLock({ $0[device] }) else {
                return oauthError(400, "bad_verification_code", "AADSTS70019: Verification code is not valid.")
            }
            if entry.expires <= Date() {
                return oauthError(
                    400, "expired_token",
                    "AADSTS70020: The provided value for the input parameter 'device_code' is not valid. Device codes expire after 15 minutes.")
            }
            guard entry.approved else {
                return oauthError(
                    400, "authorization_pending", "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling.")
            }
            deviceCodes.withLock { $0[device] = nil }
            return issue(refresh: entry.scope.contains("offline_access"), clientID: entry.clientID, scope: entry.scope)
        case "refresh_token":
            guard let r = form["refresh_token"], let client = refreshTokens.withLock({ $0[r] }) else {
                return oauthError(400, "invalid_grant", "AADSTS9002313: Invalid request. The refresh token is not valid.")
            }
            return issue(refresh: true, clientID: client, scope: form["scope"] ?? "")
        default:
            return oauthError(400, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type.")
        }
    }

    private func issue(refresh: Bool, clientID: String, scope: String, clientCredentials: Bool = false) -> WebResponse {
        let token = TokenService.randomToken()
        let life = options.tokenLifetimeSeconds
        tokens.withLock { $0[token] = Date().addingTimeInterval(Double(life)) }
        grants.withLock { $0[token] = TokenGrant(scope: scope, clientCredentials: clientCredentials) }
        var body: [(String, JSONValue)] = [
            ("token_type", .string("Bearer")),
            ("scope", .string(scope)),
            ("expires_in", .number(String(life))),
            ("ext_expires_in", .number(String(life))),
            ("access_token", .string(token)),
        ]
        if refresh {
            let r = TokenService.randomToken()
            refreshTokens.withLock { $0[r] = clientID }
            body.append(("refresh_token", .string(r)))
        }
        return .jsonPlain(.object(body))
    }

    private func oauthError(_ status: Int, _ error: String, _ description: String) -> WebResponse {
        .jsonPlain(.object([("error", .string(error)), ("error_description", .string(description))]), status: status)
    }

    /// Compares two secrets in time that depends only on their lengths.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }

    static func randomToken() -> String {
        var g = SystemRandomNumberGenerator()
        var bytes = Data()
        for _ in 0..<4 { withUnsafeBytes(of: g.next()) { bytes.append(contentsOf: $0) } }
        return bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Nine upper-case letters and digits, as Microsoft's device codes look (`FJQSKJ2KH`).
    static func userCode() -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var g = SystemRandomNumberGenerator()
        return String((0..<9).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] })
    }
}

extension WebResponse {
    /// A plain `application/json` response (OAuth endpoints are not OData).
    static func jsonPlain(_ value: JSONValue, status: Int = 200) -> WebResponse {
        WebResponse(
            status: status, headers: [("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-store")],
            body: value.data)
    }
}

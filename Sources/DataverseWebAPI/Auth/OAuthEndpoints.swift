import Foundation
import PortalModel

/// The OAuth 2.0 endpoints of an authority (research/dataverse-webapi.md §10):
/// `<authority>/oauth2/v2.0/token` and `<authority>/oauth2/v2.0/devicecode`.
///
/// The default authority is Microsoft Entra ID, `https://login.microsoftonline.com/<tenant>`
/// (`organizations` without a tenant); for a loopback environment URL it is the server itself
/// (`http://127.0.0.1:PORT`), whose token endpoints sit at the same paths under its root.
public struct OAuthEndpoints: Sendable, Hashable {
    public var authority: URL

    public init(authority: URL) { self.authority = authority }

    /// The default authority for an environment: the loopback server itself, else Entra ID with the
    /// tenant (or `organizations`).
    public static func defaultAuthority(environmentURL: URL, tenant: String?) -> URL {
        if EnvironmentURL.isLoopback(environmentURL), var c = URLComponents(url: environmentURL, resolvingAgainstBaseURL: false) {
            c.path = ""
            c.query = nil
            if let u = c.url { return u }
        }
        let t = (tenant?.isEmpty == false ? tenant! : "organizations")
        return URL(string: "https://login.microsoftonline.com/\(t)") ?? URL(string: "https://login.microsoftonline.com/organizations")!
    }

    /// The scope for an environment: its URL with `/.default` (research §10.1).
    public static func scope(environmentURL: URL) -> String {
        var s = environmentURL.absoluteString
        while s.hasSuffix("/") { s.removeLast() }
        return s + "/.default"
    }

    private func endpoint(_ last: String) -> URL {
        var s = authority.absoluteString
        while s.hasSuffix("/") { s.removeLast() }
        return URL(string: s + "/oauth2/v2.0/" + last) ?? authority
    }

    public var token: URL { endpoint("token") }
    public var deviceCode: URL { endpoint("devicecode") }
}

/// `application/x-www-form-urlencoded` bodies.
enum FormEncoding {
    /// `name=value&…` with names and values encoded by `PercentEncoding.formComponent`.
    static func encode(_ pairs: [(String, String)]) -> Data {
        let e = PercentEncoding.formComponent
        return Data(pairs.map { "\(e.encode($0.0))=\(e.encode($0.1))" }.joined(separator: "&").utf8)
    }
}

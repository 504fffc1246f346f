import Foundation
import PortalModel

/// Reads an environment URL as a user types it (`--environment`, `auth create --url`) and checks it
/// before anything is sent, so no malformed URL reaches the HTTP stack (a port above 65535 used to
/// crash inside NIO's socket address code).
///
/// Accepted: `https://HOST[:PORT][/]` for any host and `http://HOST[:PORT][/]` for loopback hosts
/// (`127.0.0.1`, `localhost`, `[::1]`) with PORT in 1…65535. A trailing Web API root
/// `/api/data/v9.x/` (what `env serve` and Dataverse's developer resources page show) is stripped,
/// so the organization URL and the Web API URL both work (research/dataverse-webapi.md §1.1: the
/// Web API root is `<org>/api/data/v9.2/`).
public enum EnvironmentURLInput {
    /// Why a URL was refused; `value` is the text as given.
    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public let value: String
        public let reason: String
        /// - Parameter value: the text as given; a user name or password in it is never kept
        ///   (`CredentialRedaction.redactArgument`).
        public init(value: String, reason: String) {
            self.value = CredentialRedaction.redactArgument(value)
            self.reason = CredentialRedaction.redact(reason)
        }
        public var description: String { "invalid environment URL '\(value)': \(reason)" }
    }

    /// True when `text` looks like a URL (has a `scheme://`) rather than a profile name or index.
    public static func looksLikeURL(_ text: String) -> Bool { text.contains("://") }

    /// The organization URL for `text`: trimmed, a trailing `/api/data/vN[.N]/` and trailing slashes
    /// removed, scheme lower-cased.
    /// - Throws: `Invalid` naming the value for an unreadable URL, a scheme other than https (or http
    ///   on loopback), a missing host, a port outside 1…65535, or a path other than the Web API root.
    public static func parse(_ text: String) throws -> URL {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let components = URLComponents(string: trimmed) else {
            throw Invalid(value: text, reason: "not a URL; expected https://ORG.crm.dynamics.com or http://127.0.0.1:PORT")
        }
        guard let scheme = components.scheme?.lowercased(), scheme == "https" || scheme == "http" else {
            throw Invalid(value: text, reason: "the scheme must be https:// (or http:// for 127.0.0.1/localhost)")
        }
        guard let host = components.host, !host.isEmpty else {
            throw Invalid(value: text, reason: "no host name")
        }
        guard components.user == nil, components.password == nil else {
            throw Invalid(
                value: text,
                reason: "the URL carries a user name or password; Dataverse does not take them in the URL: "
                    + "give the URL without them and sign in through an auth profile (portal-migrate auth create)")
        }
        if let reason = portProblem(components.port) { throw Invalid(value: text, reason: reason) }
        var c = components
        c.scheme = scheme
        c.path = try organizationPath(components.path, value: text)
        guard c.query == nil, c.fragment == nil else {
            throw Invalid(value: text, reason: "an environment URL has no query or fragment")
        }
        guard let url = c.url else { throw Invalid(value: text, reason: "not a URL") }
        if scheme == "http" && !isLoopbackHost(host) {
            throw Invalid(value: text, reason: "plain http:// is only allowed for 127.0.0.1, localhost and [::1]; use https://")
        }
        return url
    }

    /// Checks the parts of a URL the HTTP stack relies on before a request is sent: http(s) scheme,
    /// a host, and a port in 1…65535.
    /// - Throws: `Invalid` naming the URL.
    public static func checkSendable(_ url: URL) throws {
        let scheme = url.scheme?.lowercased()
        guard scheme == "https" || scheme == "http" else {
            throw Invalid(value: url.absoluteString, reason: "the scheme must be https:// or http://")
        }
        guard let host = url.host, !host.isEmpty else { throw Invalid(value: url.absoluteString, reason: "no host name") }
        if CredentialRedaction.hasCredentials(url) {
            throw Invalid(value: url.absoluteString, reason: "the URL carries a user name or password; give it without them")
        }
        if let reason = portProblem(url.port) { throw Invalid(value: url.absoluteString, reason: reason) }
    }

    /// A description of what is wrong with `port`, or nil when absent or within 1…65535.
    static func portProblem(_ port: Int?) -> String? {
        guard let port else { return nil }
        return (1...65535).contains(port) ? nil : "port \(port) is outside 1–65535"
    }

    static func isLoopbackHost(_ host: String) -> Bool {
        let h = host.lowercased()
        return h == "127.0.0.1" || h == "localhost" || h == "::1" || h == "[::1]"
    }

    /// "" for the organization root; the Web API root `/api/data/vN[.N]` (with or without trailing
    /// slash) is stripped; any other path is refused.
    static func organizationPath(_ path: String, value: String) throws -> String {
        var p = path
        while p.hasSuffix("/") { p.removeLast() }
        if p.isEmpty { return "" }
        let parts = p.split(separator: "/", omittingEmptySubsequences: true)
        if parts.count == 3, parts[0].lowercased() == "api", parts[1].lowercased() == "data",
            parts[2].first == "v" || parts[2].first == "V",
            parts[2].dropFirst().allSatisfy({ $0.isNumber || $0 == "." }), parts[2].count > 1
        {
            return ""
        }
        throw Invalid(
            value: value,
            reason: "give the organization URL (like https://ORG.crm.dynamics.com) or its Web API root (…/api/data/v9.2/), not the path '\(path)'")
    }
}

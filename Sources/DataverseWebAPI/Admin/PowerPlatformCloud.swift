import Foundation

/// Where the Power Pages admin API of an environment lives and which token audience it takes, per
/// cloud (research/code-sites-and-admin-api.md §B.6, [V-code] VS Code's per-cloud scopes;
/// research/emulator-facts.md §3.1 for the hosts).
///
/// - `apiBase`: the API host, e.g. `https://api.powerplatform.com`; requests go to
///   `<apiBase>/powerpages/environments/{environmentId}/…`.
/// - `audience`: the token audience; the OAuth scope is `<audience>/.default`.
/// - `siteDomain`: the domain of site addresses (`https://<subdomain>.<siteDomain>`), emulator-facts §3.1.
public struct PowerPlatformCloud: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var apiBase: URL
    public var audience: String
    public var siteDomain: String

    public init(name: String, apiBase: URL, audience: String, siteDomain: String) {
        self.name = name
        self.apiBase = apiBase
        self.audience = audience
        self.siteDomain = siteDomain
    }

    /// The OAuth scope for the admin API: `<audience>/.default`.
    public var scope: String { audience + "/.default" }

    public var description: String { "\(name) (\(apiBase.absoluteString))" }

    static func cloud(_ name: String, _ host: String, _ domain: String) -> PowerPlatformCloud {
        PowerPlatformCloud(name: name, apiBase: URL(string: "https://" + host)!, audience: "https://" + host, siteDomain: domain)
    }

    public static let commercial = cloud("public", "api.powerplatform.com", "powerappsportals.com")
    public static let gcc = cloud("GCC", "api.gov.powerplatform.microsoft.us", "powerappsportals.us")
    public static let gccHigh = cloud("GCC High", "api.high.powerplatform.microsoft.us", "high.powerappsportals.us")
    public static let dod = cloud("DoD", "api.appsplatform.us", "appsplatform.us")
    public static let china = cloud("China", "api.powerplatform.partner.microsoftonline.cn", "powerappsportals.cn")
    public static let preprod = cloud("preprod", "api.preprod.powerplatform.com", "powerappsportals.com")
    public static let test = cloud("test", "api.test.powerplatform.com", "powerappsportals.com")

    /// The embedded server's admin API at `origin` (`http://127.0.0.1:PORT`): the same port as the Web
    /// API, audience `<origin>/powerpages` (the embedded stand-in for a cloud's API host; it lets the
    /// server tell an admin-API token from a Dataverse one).
    public static func loopback(origin: URL) -> PowerPlatformCloud {
        var s = origin.absoluteString
        while s.hasSuffix("/") { s.removeLast() }
        return PowerPlatformCloud(name: "embedded", apiBase: URL(string: s)!, audience: s + "/powerpages", siteDomain: "powerappsportals.com")
    }

    /// The cloud of a Dataverse environment URL.
    ///
    /// Assumption (the research lists the API hosts per cloud but not the Dataverse domains that go
    /// with them): `*.crm9.dynamics.com` is GCC, `*.crm.microsoftdynamics.us` GCC High,
    /// `*.crm.appsplatform.us` DoD, `*.crm.dynamics.cn` China; every other `*.dynamics.com` host is
    /// the public cloud; loopback URLs are the embedded server. Anything else also maps to the public
    /// cloud: pass `--admin-api-url` when that is wrong.
    public static func forEnvironment(_ url: URL) -> PowerPlatformCloud {
        if EnvironmentURL.isLoopback(url), var c = URLComponents(url: url, resolvingAgainstBaseURL: false) {
            c.path = ""
            c.query = nil
            if let u = c.url { return loopback(origin: u) }
        }
        let host = url.host?.lowercased() ?? ""
        if host.hasSuffix(".crm9.dynamics.com") { return gcc }
        if host.hasSuffix(".crm.microsoftdynamics.us") { return gccHigh }
        if host.hasSuffix(".crm.appsplatform.us") { return dod }
        if host.hasSuffix(".crm.dynamics.cn") { return china }
        return commercial
    }

    /// A cloud given by its API URL (`--admin-api-url`): a known host keeps its site domain; a loopback
    /// URL is the embedded server; any other URL is taken as is with itself as the audience.
    public static func forAPIURL(_ url: URL) -> PowerPlatformCloud {
        if EnvironmentURL.isLoopback(url) { return forEnvironment(url) }
        let known = [commercial, gcc, gccHigh, dod, china, preprod, test]
        if let k = known.first(where: { $0.apiBase.host?.lowercased() == url.host?.lowercased() }) { return k }
        var s = url.absoluteString
        while s.hasSuffix("/") { s.removeLast() }
        return PowerPlatformCloud(name: "custom", apiBase: URL(string: s) ?? url, audience: s, siteDomain: "powerappsportals.com")
    }
}

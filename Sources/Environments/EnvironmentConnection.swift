import DataverseWebAPI
import Foundation
import LocalEnvironment
import Logging
import PortalModel

/// Opens the environment a user names the way the command line does (DESIGN.md "Commands": `ENV` is an
/// auth profile name or index, a URL, or `local:NAME`; nothing means the selected auth profile), so a
/// library user gets the same service `--environment`, `--from` and `--to` give:
///
/// - `local:NAME`: the embedded environment `NAME` of the data directory, opened in-process
///   (`openLocal`); never created.
/// - a profile name or index: that auth profile's URL and sign-in.
/// - a URL: the saved profile with that URL, else no sign-in when the URL is loopback (the embedded
///   server), else an error saying to create a profile.
/// - nothing: the active auth profile.
///
/// Every Web API client gets the request timeout from `PORTAL_MIGRATE_REQUEST_TIMEOUT` (default 120 s)
/// and keeps note bodies under the data directory (`clientConfiguration`).
///
/// Example:
/// ```swift
/// let connection = EnvironmentConnection(variables: ["PORTAL_MIGRATE_HOME": "/tmp/pm"])
/// let service = try connection.service(for: "local:dev")
/// let sites = try await WebsiteListing.websites(in: service)
/// ```
public struct EnvironmentConnection: Sendable {
    /// The auth profiles.
    public var profiles: AuthProfileStore
    /// Where embedded environments and the note body cache live.
    public var dataDirectory: DataDirectory
    /// The process environment the connection reads: `PORTAL_MIGRATE_REQUEST_TIMEOUT`, the variables
    /// profiles name for secrets and tokens (a snapshot taken at `init`).
    public var variables: [String: String]
    /// Whether a device code sign-in may start (it prints its message through `prompt`).
    public var interactive: Bool
    /// The Web API client's logger (requests at debug level; never secrets).
    public var logger: Logger
    /// Shows a device code sign-in's message to the user.
    public var prompt: @Sendable (String) -> Void

    /// - Parameters:
    ///   - variables: the process environment; the profile store (`PORTAL_MIGRATE_CONFIG_HOME`, …) and
    ///     the data directory (`PORTAL_MIGRATE_HOME`, …) are found from it unless given.
    ///   - logger: default: a logger that drops everything.
    ///   - prompt: default: drops the message (pass one whenever `interactive`).
    public init(
        variables: [String: String] = ProcessInfo.processInfo.environment, profiles: AuthProfileStore? = nil,
        dataDirectory: DataDirectory? = nil, interactive: Bool = true,
        logger: Logger = Logger(label: "portal-migrate.webapi", factory: { _ in SwiftLogNoOpLogHandler() }),
        prompt: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.variables = variables
        self.profiles = profiles ?? AuthProfileStore.default(environment: variables)
        self.dataDirectory = dataDirectory ?? DataDirectory.current(environment: variables)
        self.interactive = interactive
        self.logger = logger
        self.prompt = prompt
    }

    /// The prefix naming an embedded environment.
    public static let localPrefix = "local:"

    /// The embedded environment's name when `spec` is `local:NAME`, else `nil`.
    public static func localName(_ spec: String?) -> String? {
        guard let spec, spec.hasPrefix(localPrefix) else { return nil }
        return String(spec.dropFirst(localPrefix.count))
    }

    /// The service `spec` names (see the type's description).
    /// - Throws: `EnvironmentsError` naming what could not be resolved; `AuthProfileStore.StoreError`
    ///   for an unreadable store, an unknown profile or no active one; what opening the embedded
    ///   environment or making the token provider throws.
    public func service(for spec: String?) throws -> any DataverseService {
        if let name = Self.localName(spec) { return try openLocal(name) }
        return try client(for: spec)
    }

    /// Opens embedded environment `name`; never creates anything (a missing or empty file is refused
    /// before SQLite could create it).
    /// - Throws: `EnvironmentsError.noLocalEnvironment`/`.emptyLocalEnvironment`;
    ///   `DataDirectoryError` for a bad name; other `LocalEnvironmentError`s as they are.
    public func openLocal(_ name: String) throws -> LocalEnvironment {
        let directory = EnvironmentDirectory(dataDirectory)
        let missing = EnvironmentsError.noLocalEnvironment(name: name, folder: dataDirectory.environmentsFolder.path)
        do {
            let file = try directory.file(name)
            let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? nil
            guard let size else { throw missing }
            guard size > 0 else { throw EnvironmentsError.emptyLocalEnvironment(name: name, path: file.path) }
            return try directory.open(name)
        } catch LocalEnvironmentError.notFound(_) {
            throw missing
        }
    }

    /// The auth profile `spec` names, or the active one when `spec` is nil; `nil` for a URL with no
    /// saved profile. A URL matches a profile's URL ignoring case and trailing slashes.
    /// - Throws: `AuthProfileStore.StoreError` for an unknown profile or no active profile;
    ///   `EnvironmentsError.localEnvironmentNamedWithoutPrefix` when `spec` is no profile but names an
    ///   embedded environment (a newcomer's `--environment test`); `.invalidURL` for a bad URL.
    public func profile(for spec: String?) throws -> AuthProfile? {
        let contents = try profiles.load()
        guard let spec else { return try profiles.activeProfile() }
        if let i = contents.profiles.firstIndex(where: { $0.name.caseInsensitiveCompare(spec) == .orderedSame }) { return contents.profiles[i] }
        if let i = Int(spec), contents.profiles.indices.contains(i) { return contents.profiles[i] }
        if EnvironmentURLInput.looksLikeURL(spec) {
            let url = try Self.environmentURL(spec)
            let norm = { (u: URL) in u.absoluteString.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "/")) }
            return contents.profiles.first { norm($0.url) == norm(url) }
        }
        if let file = try? dataDirectory.environmentFile(spec), FileManager.default.fileExists(atPath: file.path) {
            throw EnvironmentsError.localEnvironmentNamedWithoutPrefix(spec)
        }
        throw AuthProfileStore.StoreError.noSuchProfile(spec)
    }

    /// A Web API client for `spec` (anything but `local:NAME`; see the type's description).
    /// - Throws: see `service(for:)`.
    public func client(for spec: String?) throws -> WebAPIClient {
        let timeout = try Self.requestTimeout(variables)
        if let p = try profile(for: spec) {
            let url: URL
            do { url = try EnvironmentURLInput.parse(p.url.absoluteString) } catch let e as EnvironmentURLInput.Invalid {
                throw EnvironmentsError.profileWithInvalidURL(profile: p.name, reason: e.description)
            }
            let variables = self.variables
            let provider = try p.tokenProvider(
                cache: profiles.tokenCache, interactive: interactive, environment: { variables }, prompt: prompt)
            return try WebAPIClient(configuration: clientConfiguration(url, timeout: timeout), tokenProvider: provider, logger: logger)
        }
        guard let spec else { throw EnvironmentsError.noEnvironment }
        let url = try Self.environmentURL(spec)
        guard EnvironmentURL.isLoopback(url) else { throw EnvironmentsError.noProfileForURL(url) }
        return try WebAPIClient(configuration: clientConfiguration(url, timeout: timeout), tokenProvider: NoTokenProvider(), logger: logger)
    }

    /// The client settings of every environment opened: the request timeout, and note bodies kept under
    /// the data directory by note id and row version so a re-read downloads only bodies that changed
    /// (issue 20).
    public func clientConfiguration(_ url: URL, timeout: Duration) -> WebAPIClient.Configuration {
        var c = WebAPIClient.Configuration(environmentURL: url, requestTimeout: timeout)
        c.bodyCacheDirectory = dataDirectory.root
        return c
    }

    /// The organization URL for a typed environment URL (`EnvironmentURLInput.parse`: a trailing
    /// `/api/data/v9.x/` is stripped; scheme, host and port 1–65535 checked).
    /// - Throws: `EnvironmentsError.invalidURL` (usage) naming the value.
    public static func environmentURL(_ text: String) throws -> URL {
        do { return try EnvironmentURLInput.parse(text) } catch let e as EnvironmentURLInput.Invalid {
            throw EnvironmentsError.invalidURL(e.description)
        }
    }

    /// The environment variable giving the per-request timeout in seconds (default 120).
    public static let requestTimeoutVariable = "PORTAL_MIGRATE_REQUEST_TIMEOUT"

    /// The per-request timeout (connect to last byte) from `PORTAL_MIGRATE_REQUEST_TIMEOUT` in
    /// `variables`: default 120 s; 1 to 86400 seconds, fractions allowed (millisecond precision).
    /// - Throws: `EnvironmentsError.invalidRequestTimeout` (usage) for anything else.
    public static func requestTimeout(_ variables: [String: String]) throws -> Duration {
        guard let text = variables[requestTimeoutVariable], !text.isEmpty else { return .seconds(120) }
        guard let s = Double(text), s >= 1, s <= 86_400 else { throw EnvironmentsError.invalidRequestTimeout(text) }
        return .milliseconds(Int64(s * 1000))
    }
}

/// Who an environment signs in as and what its organization is (`auth who`).
public struct EnvironmentIdentity: Sendable {
    /// The organization URL of a Web API environment, `local:NAME` for an embedded one.
    public var environment: String
    public var who: WhoAmIResult
    public var organization: OrganizationInfo
}

extension EnvironmentConnection {
    /// Who the environment `spec` names (`service(for:)`: a profile, a URL, `local:NAME`, or the active
    /// profile) signs in as, and its organization; an embedded environment answers WhoAmI too.
    /// - Throws: what `service(for:)` throws; what the environment throws.
    public func identity(for spec: String?) async throws -> EnvironmentIdentity {
        let service = try service(for: spec)
        let environment = service.environmentURL?.absoluteString ?? Self.localName(spec).map { Self.localPrefix + $0 } ?? ""
        return EnvironmentIdentity(environment: environment, who: try await service.whoAmI(), organization: try await service.organizationInfo())
    }
}

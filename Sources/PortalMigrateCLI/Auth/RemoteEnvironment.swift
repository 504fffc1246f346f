import DataverseWebAPI
import Foundation
import Logging
import PortalModel
import Terminal

/// Resolves `--environment` values that name a Web API environment to a `WebAPIClient`: an auth
/// profile name or index, an environment URL (matched to a saved profile, or used without auth when
/// it is a loopback URL), or nothing (the active profile). `local:NAME` is not handled here.
///
/// Device code sign-ins print their message on stderr. Secrets and tokens are never printed.
public enum RemoteEnvironment {
    /// The auth profile store in the config directory of this process's environment.
    public static var store: AuthProfileStore { AuthProfileStore.default() }

    /// The profile `spec` names, or the active one when `spec` is nil; `nil` for a URL with no
    /// saved profile.
    /// - Throws: `AuthProfileStore.StoreError` for an unknown profile or no active profile (shown by
    ///   `ProblemReport`, exit 2); `UserFacingError` suggesting `local:NAME` when `spec` is no profile
    ///   but names an embedded environment.
    public static func profile(for spec: String?, store: AuthProfileStore = store) throws -> AuthProfile? {
        let contents = try store.load()
        guard let spec else { return try store.activeProfile() }
        if let i = contents.profiles.firstIndex(where: { $0.name.caseInsensitiveCompare(spec) == .orderedSame }) { return contents.profiles[i] }
        if let i = Int(spec), contents.profiles.indices.contains(i) { return contents.profiles[i] }
        if EnvironmentURLInput.looksLikeURL(spec) {
            let url = try environmentURL(spec)
            let norm = { (u: URL) in u.absoluteString.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "/")) }
            return contents.profiles.first { norm($0.url) == norm(url) }
        }
        if let file = try? DataDirectory.current().environmentFile(spec), FileManager.default.fileExists(atPath: file.path) {
            // A newcomer's `--environment test` for the embedded environment `test` (issue 19).
            throw UserFacingError(
                "no auth profile '\(spec)', but there is an embedded environment named '\(spec)': pass --environment local:\(spec) "
                    + "(embedded environments are named local:NAME; `portal-migrate auth list` lists the auth profiles)")
        }
        throw AuthProfileStore.StoreError.noSuchProfile(spec)
    }

    /// A client for `spec` (see the type's description).
    /// - Parameters:
    ///   - verbose: log each request's method, path and status at debug level on stderr.
    ///   - interactive: whether a device code sign-in may start.
    /// - Throws: `UserFacingError` naming what could not be resolved.
    public static func client(
        for spec: String?, verbose: Bool = false, interactive: Bool = true,
        store: AuthProfileStore = store
    ) throws -> WebAPIClient {
        var logger = Logger(label: "portal-migrate.webapi") { ConsoleLogHandler(label: $0) }
        logger.logLevel = verbose ? .debug : .warning
        let prompt: @Sendable (String) -> Void = { Console.shared.write($0 + "\n", fd: 2) }
        let timeout = try requestTimeout()
        if let p = try profile(for: spec, store: store) {
            let url: URL
            do { url = try EnvironmentURLInput.parse(p.url.absoluteString) } catch let e as EnvironmentURLInput.Invalid {
                throw UserFacingError(
                    "auth profile '\(p.name)' has an \(e.description); delete it with `portal-migrate auth delete --name \(p.name)` and create it again",
                    exitCode: PortalMigrateExit.usage)
            }
            let provider = try p.tokenProvider(cache: store.tokenCache, interactive: interactive, prompt: prompt)
            return try WebAPIClient(configuration: clientConfiguration(url, timeout: timeout), tokenProvider: provider, logger: logger)
        }
        guard let spec else {
            throw UserFacingError("no environment given and no auth profile selected; pass --environment or run `portal-migrate auth create`")
        }
        let url = try environmentURL(spec)
        guard EnvironmentURL.isLoopback(url) else {
            throw UserFacingError(
                "no auth profile for \(url.absoluteString); create one with `portal-migrate auth create --name NAME --url \(url.absoluteString) …`"
            )
        }
        return try WebAPIClient(configuration: clientConfiguration(url, timeout: timeout), tokenProvider: NoTokenProvider(), logger: logger)
    }

    /// The client settings of every command: the request timeout, and note bodies kept under the data
    /// directory by note id and row version so a re-read downloads only bodies that changed (issue 20).
    static func clientConfiguration(_ url: URL, timeout: Duration) -> WebAPIClient.Configuration {
        var c = WebAPIClient.Configuration(environmentURL: url, requestTimeout: timeout)
        c.bodyCacheDirectory = DataDirectory.current().root
        return c
    }

    /// The organization URL for a typed environment URL (`EnvironmentURLInput.parse`: a trailing
    /// `/api/data/v9.x/` is stripped; scheme, host and port 1–65535 checked).
    /// - Throws: `UserFacingError` with the usage exit code (64) naming the value.
    public static func environmentURL(_ text: String) throws -> URL {
        do { return try EnvironmentURLInput.parse(text) } catch let e as EnvironmentURLInput.Invalid {
            throw UserFacingError(e.description, exitCode: PortalMigrateExit.usage)
        }
    }

    /// The environment variable giving the per-request timeout in seconds (default 120).
    public static let requestTimeoutVariable = "PORTAL_MIGRATE_REQUEST_TIMEOUT"

    /// The per-request timeout (connect to last byte) from `PORTAL_MIGRATE_REQUEST_TIMEOUT`, default 120 s.
    /// - Throws: `UserFacingError` (usage) when the variable is not a positive number of seconds.
    static func requestTimeout(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Duration {
        guard let text = environment[requestTimeoutVariable], !text.isEmpty else { return .seconds(120) }
        guard let s = Double(text), s >= 1, s <= 86_400 else {
            throw UserFacingError(
                "\(requestTimeoutVariable)='\(text)' is not a number of seconds between 1 and 86400", exitCode: PortalMigrateExit.usage)
        }
        return .milliseconds(Int64(s * 1000))
    }
}

/// Writes a line on stdout, credentials in URLs removed (`CredentialRedaction`).
func printOut(_ s: String) { Console.shared.write(CredentialRedaction.redact(s) + "\n", fd: 1) }
/// Writes a line on stderr, credentials in URLs removed (`CredentialRedaction`).
func printErr(_ s: String) { Console.shared.write(CredentialRedaction.redact(s) + "\n", fd: 2) }

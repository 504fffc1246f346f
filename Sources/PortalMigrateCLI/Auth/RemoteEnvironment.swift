import DataverseWebAPI
import Foundation
import Logging
import PortalModel

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
    /// - Throws: `UserFacingError` for an unknown profile or no active profile.
    public static func profile(for spec: String?, store: AuthProfileStore = store) throws -> AuthProfile? {
        do {
            let contents = try store.load()
            guard let spec else { return try store.activeProfile() }
            if let i = contents.profiles.firstIndex(where: { $0.name.caseInsensitiveCompare(spec) == .orderedSame }) { return contents.profiles[i] }
            if let i = Int(spec), contents.profiles.indices.contains(i) { return contents.profiles[i] }
            if let url = URL(string: spec), url.scheme != nil {
                let norm = { (u: URL) in u.absoluteString.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "/")) }
                return contents.profiles.first { norm($0.url) == norm(url) }
            }
            throw AuthProfileStore.StoreError.noSuchProfile(spec)
        } catch let e as AuthProfileStore.StoreError {
            throw UserFacingError(e.description)
        }
    }

    /// A client for `spec` (see the type's description).
    /// - Parameters:
    ///   - verbose: log each request's method, path and status at debug level on stderr.
    ///   - interactive: whether a device code sign-in may start.
    /// - Throws: `UserFacingError` naming what could not be resolved.
    public static func client(for spec: String?, verbose: Bool = false, interactive: Bool = true,
                              store: AuthProfileStore = store) throws -> WebAPIClient {
        var logger = Logger(label: "portal-migrate.webapi") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = verbose ? .debug : .warning
        let prompt: @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        do {
            if let p = try profile(for: spec, store: store) {
                let provider = try p.tokenProvider(cache: store.tokenCache, interactive: interactive, prompt: prompt)
                return try WebAPIClient(configuration: .init(environmentURL: p.url), tokenProvider: provider, logger: logger)
            }
            guard let spec, let url = URL(string: spec) else { throw UserFacingError("no environment given and no auth profile selected") }
            guard EnvironmentURL.isLoopback(url) else {
                throw UserFacingError("no auth profile for \(spec); create one with `portal-migrate auth create --name NAME --url \(spec) …`")
            }
            return try WebAPIClient(configuration: .init(environmentURL: url), tokenProvider: NoTokenProvider(), logger: logger)
        } catch let e as DataverseError {
            throw UserFacingError(e.description)
        } catch let e as AuthenticationError {
            throw UserFacingError(e.description)
        }
    }

    /// True when `spec` is handled here rather than as an embedded environment (`local:NAME`).
    public static func isRemote(_ spec: String?) -> Bool { !(spec?.hasPrefix("local:") ?? false) }
}

/// Turns library errors into `UserFacingError`s with their descriptions (which never hold secrets).
func userFacing<T>(_ body: () async throws -> T) async throws -> T {
    do { return try await body() }
    catch let e as UserFacingError { throw e }
    catch let e as DataverseError { throw UserFacingError(e.description) }
    catch let e as AuthenticationError { throw UserFacingError(e.description) }
    catch let e as AuthProfileStore.StoreError { throw UserFacingError(e.description) }
}

/// Writes a line on stdout.
func printOut(_ s: String) { FileHandle.standardOutput.write(Data((s + "\n").utf8)) }
/// Writes a line on stderr.
func printErr(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

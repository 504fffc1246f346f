import DataverseWebAPI
import Environments
import Foundation
import LocalEnvironment
import Logging
import PortalModel
import Terminal

/// The command line's `EnvironmentConnection` (the library decides what an `--environment` value
/// means: `local:NAME`, a profile, a URL, or the active profile): this process's environment
/// variables, Web API requests logged on stderr with `--verbose`, device code messages on stderr.
public enum EnvironmentResolver {
    /// The connection of this process.
    /// - Parameters:
    ///   - verbose: log each request's method, path and status at debug level on stderr (never secrets).
    ///   - interactive: whether a device code sign-in may start.
    public static func connection(verbose: Bool = false, interactive: Bool = true) -> EnvironmentConnection {
        var logger = Logger(label: "portal-migrate.webapi") { ConsoleLogHandler(label: $0) }
        logger.logLevel = verbose ? .debug : .warning
        return EnvironmentConnection(interactive: interactive, logger: logger, prompt: { printErr($0) })
    }

    /// The auth profile store of this process.
    public static var profiles: AuthProfileStore { AuthProfileStore.default() }

    /// The embedded environment's name when `spec` is `local:NAME`, else `nil`.
    public static func localName(_ spec: String?) -> String? { EnvironmentConnection.localName(spec) }

    /// Opens embedded environment `name` (`EnvironmentConnection.openLocal`).
    public static func openLocal(_ name: String) throws -> LocalEnvironment { try connection().openLocal(name) }

    /// The service `spec` names (`EnvironmentConnection.service(for:)`).
    public static func service(for spec: String?, verbose: Bool = false) throws -> any DataverseService {
        try connection(verbose: verbose).service(for: spec)
    }
}

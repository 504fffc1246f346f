import Foundation
import LocalEnvironment
import PortalModel

/// Turns an `--environment` value into the `DataverseService` to talk to (DESIGN.md, "Commands"):
/// `local:NAME` opens the embedded environment `NAME` of the data directory in-process; anything
/// else (profile name or index, URL, or nothing for the active profile) is a Web API environment
/// resolved by `RemoteEnvironment`.
public enum EnvironmentResolver {
    /// The prefix naming an embedded environment.
    public static let localPrefix = "local:"

    /// The embedded environment's name when `spec` is `local:NAME`, else `nil`.
    public static func localName(_ spec: String?) -> String? {
        guard let spec, spec.hasPrefix(localPrefix) else { return nil }
        return String(spec.dropFirst(localPrefix.count))
    }

    /// Opens embedded environment `name`; never creates anything (a missing or empty file is refused
    /// before SQLite could create it).
    /// - Throws: `UserFacingError` for a bad name, or a missing environment (naming it and pointing to
    ///   `env list` and `env create`).
    public static func openLocal(_ name: String, directory: EnvironmentDirectory = EnvironmentDirectory()) throws -> LocalEnvironment {
        let missing = UserFacingError(
            "no local environment '\(name)' in \(directory.data.environmentsFolder.path); see `portal-migrate env list`, or create it with `portal-migrate env create \(name)`"
        )
        do {
            let file = try directory.file(name)
            let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? nil
            guard let size else { throw missing }
            guard size > 0 else {
                throw UserFacingError(
                    "local environment '\(name)' is an empty file (\(file.path)); delete it with `portal-migrate env delete \(name)` and create it with `portal-migrate env create \(name)`"
                )
            }
            return try directory.open(name)
        } catch LocalEnvironmentError.notFound(_) {
            throw missing // other LocalEnvironmentError / DataDirectoryError: ProblemReport (exit 2, their message)
        }
    }

    /// The service for `spec`.
    /// - Parameter verbose: debug logging for Web API environments (never secrets).
    /// - Throws: `UserFacingError` naming what could not be resolved.
    public static func service(for spec: String?, verbose: Bool = false) throws -> any DataverseService {
        if let name = localName(spec) { return try openLocal(name) }
        return try RemoteEnvironment.client(for: spec, verbose: verbose)
    }
}

import Foundation
import PortalModel

/// Where the engine keeps its journals and guards: under the tool's data directory (`DataDirectory`:
/// `$PORTAL_MIGRATE_HOME`, else `$XDG_DATA_HOME/portal-migrate`, else `~/.local/share/portal-migrate`),
/// in `journals/` and `guards/`.
public enum MigrationPaths {
    /// The tool's data directory.
    public static func dataDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        DataDirectory.current(environment: environment).root
    }
}

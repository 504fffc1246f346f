import Foundation

/// Where the engine keeps its journals: `$PORTAL_MIGRATE_HOME`, else `$XDG_DATA_HOME/portal-migrate`, else
/// `~/.local/share/portal-migrate` (the XDG Base Directory default), under `journals/`.
public enum MigrationPaths {
    /// The tool's data directory.
    public static func dataDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let home = environment["PORTAL_MIGRATE_HOME"], !home.isEmpty { return URL(fileURLWithPath: home, isDirectory: true) }
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent("portal-migrate", isDirectory: true)
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".local/share/portal-migrate", isDirectory: true)
    }

    /// `<data directory>/journals`.
    public static func journalDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        dataDirectory(environment: environment).appendingPathComponent("journals", isDirectory: true)
    }
}

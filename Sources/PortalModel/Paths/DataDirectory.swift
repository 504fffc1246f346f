import Foundation

/// Where PortalMigrate keeps its data: `$PORTAL_MIGRATE_HOME` when set, else
/// `$XDG_DATA_HOME/portal-migrate`, else `~/.local/share/portal-migrate` (the XDG Base Directory
/// default). Embedded environments live under `environments/NAME.sqlite`; other features (journals)
/// add their own subfolders.
public struct DataDirectory: Sendable, Hashable {
    /// The root folder.
    public let root: URL

    public init(root: URL) { self.root = root }

    /// The data directory for a process environment (defaults to the current process's).
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> DataDirectory {
        if let home = environment["PORTAL_MIGRATE_HOME"], !home.isEmpty {
            return DataDirectory(root: URL(fileURLWithPath: home, isDirectory: true))
        }
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
            return DataDirectory(root: URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent("portal-migrate", isDirectory: true))
        }
        let home =
            environment["HOME"].map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? FileManager.default.homeDirectoryForCurrentUser
        return DataDirectory(root: home.appendingPathComponent(".local/share/portal-migrate", isDirectory: true))
    }

    /// `environments/` under the root.
    public var environmentsFolder: URL { root.appendingPathComponent("environments", isDirectory: true) }

    /// The file of the embedded environment `name`: `environments/NAME.sqlite`.
    /// - Throws: `DataDirectoryError.invalidName` for names that are empty, contain `/`, `\`, start with
    ///   `.`, or contain control characters.
    public func environmentFile(_ name: String) throws -> URL {
        guard DataDirectory.isValidEnvironmentName(name) else { throw DataDirectoryError.invalidName(name) }
        return environmentsFolder.appendingPathComponent("\(name).sqlite")
    }

    /// Names of the environments present (files `environments/*.sqlite`), sorted.
    public func environmentNames() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: environmentsFolder.path)) ?? []
        return files.filter { $0.hasSuffix(".sqlite") }.map { String($0.dropLast(".sqlite".count)) }.sorted()
    }

    /// Letters, digits, `-`, `_` and `.` (not first); 1…100 characters.
    public static func isValidEnvironmentName(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 100, !name.hasPrefix(".") else { return false }
        return name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0) }
    }
}

/// A bad environment name.
public enum DataDirectoryError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidName(String)

    public var description: String {
        switch self {
        case .invalidName(let n): return "'\(n)' is not a valid environment name (use letters, digits, '-', '_' and '.')"
        }
    }
}

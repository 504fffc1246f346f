import Foundation
import PortalModel

/// The saved auth profiles and which one is active, in `profiles.json` under the config directory
/// (mode 0600, directory 0700), next to the token cache `tokencache.json`.
///
/// The config directory is `$PORTAL_MIGRATE_CONFIG_HOME` when set (tests), else
/// `$XDG_CONFIG_HOME/portal-migrate`, else `~/.config/portal-migrate`.
public struct AuthProfileStore: Sendable {
    /// The file's content.
    public struct Contents: Codable, Sendable, Equatable {
        public var profiles: [AuthProfile]
        /// Index into `profiles` of the active profile.
        public var active: Int?

        public init(profiles: [AuthProfile] = [], active: Int? = nil) {
            self.profiles = profiles
            self.active = active
        }
    }

    /// Errors the store reports; messages name profiles and files, never secrets.
    public enum StoreError: Error, CustomStringConvertible, Sendable, Equatable {
        case unreadable(path: String, detail: String)
        case noSuchProfile(String)
        case duplicateName(String)
        case noActiveProfile

        public var description: String {
            switch self {
            case .unreadable(let p, let d): return "cannot read \(p): \(d)"
            case .noSuchProfile(let s):
                // `user:password@host` typed without a scheme lands here: its user information is never echoed.
                return "no auth profile '\(CredentialRedaction.redactArgument(s))' (see `portal-migrate auth list`)"
            case .duplicateName(let n): return "an auth profile named '\(n)' exists; delete it first or choose another name"
            case .noActiveProfile: return "no auth profile is selected; run `portal-migrate auth create` or pass --environment"
            }
        }
    }

    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    /// The store in the default config directory for `environment`.
    public static func `default`(environment: [String: String] = ProcessInfo.processInfo.environment) -> AuthProfileStore {
        AuthProfileStore(directory: configDirectory(environment: environment))
    }

    /// `$PORTAL_MIGRATE_CONFIG_HOME`, `$XDG_CONFIG_HOME/portal-migrate` or `~/.config/portal-migrate`.
    public static func configDirectory(environment: [String: String]) -> URL {
        if let p = environment["PORTAL_MIGRATE_CONFIG_HOME"], !p.isEmpty { return URL(fileURLWithPath: p, isDirectory: true) }
        if let x = environment["XDG_CONFIG_HOME"], !x.isEmpty {
            return URL(fileURLWithPath: x, isDirectory: true).appendingPathComponent("portal-migrate", isDirectory: true)
        }
        let home = environment["HOME"].map { URL(fileURLWithPath: $0, isDirectory: true) } ?? FileManager.default.homeDirectoryForCurrentUser
        return home.appendingPathComponent(".config/portal-migrate", isDirectory: true)
    }

    public var profilesFile: URL { directory.appendingPathComponent("profiles.json") }
    public var tokenCacheFile: URL { directory.appendingPathComponent("tokencache.json") }
    public var tokenCache: TokenCache { TokenCache(file: tokenCacheFile) }

    /// The saved profiles; empty when the file does not exist.
    /// - Throws: `StoreError.unreadable` for a damaged file.
    public func load() throws -> Contents {
        guard FileManager.default.fileExists(atPath: profilesFile.path) else { return Contents() }
        do {
            return try JSONDecoder.iso.decode(Contents.self, from: Data(contentsOf: profilesFile))
        } catch {
            throw StoreError.unreadable(path: profilesFile.path, detail: "\(error)")
        }
    }

    /// Writes the profiles (mode 0600).
    public func save(_ c: Contents) throws {
        try SecureFile.write(try JSONEncoder.sorted.encode(c), to: profilesFile)
    }

    /// Adds a profile and makes it active, as pac does. Returns its index.
    /// - Throws: `StoreError.duplicateName`; file errors.
    @discardableResult
    public func add(_ p: AuthProfile) throws -> Int {
        var c = try load()
        if c.profiles.contains(where: { $0.name.caseInsensitiveCompare(p.name) == .orderedSame }) { throw StoreError.duplicateName(p.name) }
        c.profiles.append(p)
        c.active = c.profiles.count - 1
        try save(c)
        return c.profiles.count - 1
    }

    /// The index of the profile named or numbered by `selector` (a name, case-insensitive, or an index).
    /// - Throws: `StoreError.noSuchProfile`.
    public func index(of selector: String) throws -> Int {
        let c = try load()
        if let i = c.profiles.firstIndex(where: { $0.name.caseInsensitiveCompare(selector) == .orderedSame }) { return i }
        if let i = Int(selector), c.profiles.indices.contains(i) { return i }
        throw StoreError.noSuchProfile(selector)
    }

    /// Makes the profile at `index` active. - Throws: `StoreError.noSuchProfile`.
    public func select(index: Int) throws {
        var c = try load()
        guard c.profiles.indices.contains(index) else { throw StoreError.noSuchProfile(String(index)) }
        c.active = index
        try save(c)
    }

    /// Deletes the profile at `index` and its cached tokens; the active index follows the shift.
    /// Returns the deleted profile. - Throws: `StoreError.noSuchProfile`.
    @discardableResult
    public func delete(index: Int) throws -> AuthProfile {
        var c = try load()
        guard c.profiles.indices.contains(index) else { throw StoreError.noSuchProfile(String(index)) }
        let removed = c.profiles.remove(at: index)
        if let a = c.active {
            if a == index { c.active = c.profiles.isEmpty ? nil : 0 } else if a > index { c.active = a - 1 }
        }
        try save(c)
        if FileManager.default.fileExists(atPath: tokenCacheFile.path) {
            let prefix = removed.endpoints.authority.absoluteString.lowercased() + "|"
            let scope = "|" + removed.scope.lowercased()
            try? tokenCache.removeAll { $0.hasPrefix(prefix) && $0.hasSuffix(scope) }
        }
        return removed
    }

    /// The active profile. - Throws: `StoreError.noActiveProfile`.
    public func activeProfile() throws -> AuthProfile {
        let c = try load()
        guard let a = c.active, c.profiles.indices.contains(a) else { throw StoreError.noActiveProfile }
        return c.profiles[a]
    }
}

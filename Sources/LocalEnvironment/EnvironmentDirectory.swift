import Foundation
import PortalModel

/// The embedded environments of a data directory (`DataDirectory`): `environments/NAME.sqlite`.
public struct EnvironmentDirectory: Sendable {
    public let data: DataDirectory

    public init(_ data: DataDirectory = .current()) { self.data = data }

    /// What `env list` shows of one environment.
    public struct Summary: Sendable, Codable, Hashable {
        public var name: String
        public var path: String
        public var organizationName: String
        public var baseLanguage: Int
        public var websites: Int
    }

    /// The file of environment `name`. - Throws: `DataDirectoryError.invalidName`.
    public func file(_ name: String) throws -> URL { try data.environmentFile(name) }

    /// Creates environment `name`.
    /// - Throws: `DataDirectoryError.invalidName`, `LocalEnvironmentError.alreadyExists`, schema read errors.
    @discardableResult
    public func create(_ name: String, options: LocalEnvironmentOptions) throws -> LocalEnvironment {
        var o = options
        o.name = name
        return try LocalEnvironment.create(at: try file(name), options: o)
    }

    /// Opens environment `name`. - Throws: `DataDirectoryError.invalidName`, `LocalEnvironmentError.notFound`.
    public func open(_ name: String) throws -> LocalEnvironment {
        try LocalEnvironment(opening: try file(name))
    }

    /// Every environment with its organization name, base language and website count, sorted by name.
    /// Files that cannot be read are listed with organization name `(unreadable: …)`.
    public func list() async -> [Summary] {
        var result: [Summary] = []
        for name in data.environmentNames() {
            guard let url = try? file(name) else { continue }
            do {
                let env = try LocalEnvironment(opening: url)
                let org = try await env.organizationInfo()
                let sites = try await env.websites()
                result.append(
                    Summary(
                        name: name, path: url.path, organizationName: org.name, baseLanguage: org.languageCode,
                        websites: sites.count))
                try? env.close()
            } catch {
                result.append(Summary(name: name, path: url.path, organizationName: "(unreadable: \(error))", baseLanguage: 0, websites: 0))
            }
        }
        return result
    }

    /// Deletes environment `name` (the SQLite file and its `-wal`/`-shm` companions).
    /// - Throws: `LocalEnvironmentError.notFound`, file system errors.
    public func delete(_ name: String) throws {
        let url = try file(name)
        guard FileManager.default.fileExists(atPath: url.path) else { throw LocalEnvironmentError.notFound(url.path) }
        try FileManager.default.removeItem(at: url)
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: url.path + suffix) {
            try FileManager.default.removeItem(atPath: url.path + suffix)
        }
    }
}

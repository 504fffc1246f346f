import Foundation

/// Tokens kept between runs in one JSON file (`tokencache.json` in the config directory), created
/// with mode 0600, keyed by authority, client id and scope (research §10.3).
///
/// Tokens are secrets: the file is never printed, and errors name only its path.
public final class TokenCache: Sendable {
    public let file: URL
    private let lock = NSLock()

    public init(file: URL) { self.file = file }

    /// The cache key of a token.
    public static func key(authority: URL, clientID: String, scope: String) -> String {
        "\(authority.absoluteString.lowercased())|\(clientID.lowercased())|\(scope.lowercased())"
    }

    /// The cached token for `key`, `nil` when none (or the file is unreadable).
    public func token(_ key: String) -> OAuthToken? {
        lock.withLock { load()[key] }
    }

    /// Stores (or with `nil` removes) the token for `key`.
    /// - Throws: file system errors writing the file.
    public func store(_ token: OAuthToken?, for key: String) throws {
        try lock.withLock {
            var all = load()
            all[key] = token
            try SecureFile.write(try JSONEncoder.sorted.encode(all), to: file)
        }
    }

    /// Removes every token whose key starts with the authority-and-client part of `prefix`.
    public func removeAll(matching predicate: (String) -> Bool) throws {
        try lock.withLock {
            let all = load().filter { !predicate($0.key) }
            try SecureFile.write(try JSONEncoder.sorted.encode(all), to: file)
        }
    }

    private func load() -> [String: OAuthToken] {
        guard let d = try? Data(contentsOf: file) else { return [:] }
        return (try? JSONDecoder.iso.decode([String: OAuthToken].self, from: d)) ?? [:]
    }
}

extension JSONEncoder {
    /// Sorted keys, pretty printed, ISO 8601 dates: stable files.
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted]
        e.dateEncodingStrategy = .iso8601
        return e
    }
}

extension JSONDecoder {
    static var iso: JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }
}

/// Writes files only their owner can read (mode 0600) in a directory only the owner can enter (0700).
public enum SecureFile {
    /// Writes `data` to `url` atomically (a temporary file renamed over it) with mode 0600.
    /// - Throws: file system errors.
    public static func write(_ data: Data, to url: URL) throws {
        let dir = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).tmp")
        guard FileManager.default.createFile(atPath: tmp.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: tmp.path])
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: tmp.path)
        if rename(tmp.path, url.path) != 0 {
            try? FileManager.default.removeItem(at: tmp)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
    }
}

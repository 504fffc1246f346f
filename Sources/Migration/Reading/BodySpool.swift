import Foundation
import PortalModel

/// Where the readers put the file bodies they download, so a snapshot refers to each body as a file
/// (`FileBody.file`) instead of holding every body in memory (issue 20: a download of the benchmark's
/// L site, 659 MB of web files, held them all and peaked at 1,371 MB).
///
/// One directory per process, `<temporary directory>/portal-migrate-bodies-<pid>-<random>/` (mode
/// 0700, files 0600), created on the first body and removed with everything in it when the process
/// exits normally (`atexit`). A process killed by a signal leaves it behind in the temporary directory.
/// Bodies are written once and never changed; each gets a new name, so a snapshot's `FileBody.file`
/// stays valid for the life of the process.
public final class BodySpool: @unchecked Sendable {
    /// The process's spool.
    public static let shared = BodySpool()

    private let lock = NSLock()
    private var directory: URL?

    init() {}

    /// Writes `data` into a new file of the spool.
    /// - Returns: the body as a `FileBody.file`.
    /// - Throws: `SafeWriteError` when the spool directory or the file cannot be written.
    public func keep(_ data: Data) throws -> FileBody {
        let url = try folder().appendingPathComponent(UUID().uuidString.lowercased() + ".bin")
        try SafeFileWriter.writeFile(data, to: url, mode: 0o600)
        return .file(url)
    }

    /// The spool directory, created (and registered for removal at exit) on first use.
    func folder() throws -> URL {
        lock.lock()
        defer { lock.unlock() }
        if let directory { return directory }
        let name = "portal-migrate-bodies-\(getpid())-\(UUID().uuidString.prefix(8).lowercased())"
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(name, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw SafeWriteError(
                path: url.path, reason: .io("cannot create the directory for downloaded file bodies: \(SafeFileWriter.plain(error))"))
        }
        directory = url
        BodySpool.removeAtExit(url)
        return url
    }

    private static let exitLock = NSLock()
    nonisolated(unsafe) private static var toRemove: [String] = []

    private static func removeAtExit(_ url: URL) {
        exitLock.lock()
        defer { exitLock.unlock() }
        if toRemove.isEmpty {
            atexit {
                BodySpool.exitLock.lock()
                let paths = BodySpool.toRemove
                BodySpool.exitLock.unlock()
                for p in paths { try? FileManager.default.removeItem(atPath: p) }
            }
        }
        toRemove.append(url.path)
    }
}

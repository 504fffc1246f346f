import Foundation

/// Where the readers put the file bodies they download, so a snapshot refers to each body as a file
/// (`FileBody.file`) instead of holding every body in memory (issue 20: a download of the benchmark's
/// L site, 659 MB of web files, held them all and peaked at 1,371 MB).
///
/// One directory per process, `<temporary directory>/portal-migrate-bodies-<pid>-<random>/` (mode
/// 0700, files 0600), created on the first body and removed with everything in it when the process
/// exits normally (`atexit`). A process that ends without exit handlers (Ctrl-C's `_exit(130)`, a
/// signal, a crash) leaves it behind; the next process to open a spool removes the spools of
/// processes that no longer run (`removeAbandoned(in:)`), so left-overs do not pile up.
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

    /// Writes a body into a new file of the spool piece by piece, so a large body is never held whole
    /// (a CMT note body decoded from base64 as it is read, issue 20).
    /// - Parameter produce: called once with `append`, which adds bytes at the end of the file.
    /// - Returns: the body as a `FileBody.file`.
    /// - Throws: `SafeWriteError` when the spool or the file cannot be written; what `produce` throws
    ///   (the partial file is removed).
    public func keep(_ produce: (_ append: (Data) throws -> Void) throws -> Void) throws -> FileBody {
        let url = try folder().appendingPathComponent(UUID().uuidString.lowercased() + ".bin")
        // A new name in the process's own private folder: created here (O_EXCL), never through a link.
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let failure = errno
            throw SafeWriteError(path: url.path, reason: .io("cannot create a file for a body: \(SafeFileWriter.plain(failure))"))
        }
        var closed = false
        defer { if !closed { close(fd) } }
        do {
            try produce { data in
                try data.withUnsafeBytes { raw in
                    var offset = 0
                    while offset < raw.count {
                        let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                        if n < 0 {
                            if errno == EINTR { continue }
                            let failure = errno
                            throw SafeWriteError(path: url.path, reason: .io("cannot write a body: \(SafeFileWriter.plain(failure))"))
                        }
                        offset += n
                    }
                }
            }
            closed = true
            if close(fd) != 0 {
                let failure = errno
                throw SafeWriteError(path: url.path, reason: .io("cannot write a body: \(SafeFileWriter.plain(failure))"))
            }
        } catch {
            try? FileManager.default.removeItem(at: url)
            throw error
        }
        return .file(url)
    }

    /// The spool directory, created (and registered for removal at exit) on first use.
    /// - Throws: `SafeWriteError` when the directory cannot be created.
    public func folder() throws -> URL {
        lock.lock()
        defer { lock.unlock() }
        if let directory { return directory }
        let name = "portal-migrate-bodies-\(getpid())-\(UUID().uuidString.prefix(8).lowercased())"
        let temporary = FileManager.default.temporaryDirectory
        BodySpool.removeAbandoned(in: temporary)
        let url = temporary.appendingPathComponent(name, isDirectory: true)
        // Created private (0700) in one step and never reused: a name that already exists (someone
        // else's directory, a link) is an error, not a place to write bodies.
        if mkdir(url.path, 0o700) != 0 {
            let failure = errno
            throw SafeWriteError(
                path: url.path, reason: .io("cannot create the directory for downloaded file bodies: \(SafeFileWriter.plain(failure))"))
        }
        directory = url
        BodySpool.removeAtExit(url)
        return url
    }

    /// Removes the spools in `directory` (`portal-migrate-bodies-<pid>-<random>`) whose process no
    /// longer runs and that belong to this user; anything else is left alone. Failures are ignored: a
    /// spool that cannot be removed now is tried again by the next process.
    static func removeAbandoned(in directory: URL) {
        let prefix = "portal-migrate-bodies-"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names where name.hasPrefix(prefix) {
            guard let pid = name.dropFirst(prefix.count).split(separator: "-").first.flatMap({ pid_t($0) }), pid > 0,
                pid != getpid()
            else { continue }
            // kill(pid, 0) fails with ESRCH only when no process has that id (EPERM: it runs as someone else).
            guard kill(pid, 0) != 0, errno == ESRCH else { continue }
            let path = directory.appendingPathComponent(name).path
            var st = stat()
            guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR, st.st_uid == getuid() else { continue }
            try? FileManager.default.removeItem(atPath: path)
        }
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

import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The record of one migration run under the data directory (`journals/` of `MigrationPaths.dataDirectory`), one JSON
/// object per line, appended as each operation is confirmed by the target.
///
/// A run is identified by its arguments (`runKey`: source, target, website ids, options), hashed with
/// SHA-256 into the file name, so a rerun with the same arguments finds the journal of the interrupted
/// run: `resumed` is then true and `previouslyConfirmed` counts what that run had written. Because the
/// plan is always recomputed from the target's current records and records keep their ids (or map to the
/// same target ids), a resumed run writes only what is still missing: no duplicates.
///
/// Entry kinds: `started`, `op` (`op`, `table`, `id`), `note` (`name`, `value`: e.g. the blocked
/// attachments restored), `finished`.
///
/// One run at a time: opening takes an exclusive `flock` on `run-….lock` beside the journal and writes
/// this process's id into it; a second run with the same arguments (the same journal) is refused
/// naming the first run's process id, before it reads the journal or writes anything. Two runs used to
/// share the file: it ended with a corrupt line and half its entries, and one report said it resumed.
/// The lock is released by `close()`, when the journal is freed, or when the process ends.
public actor Journal {
    /// One line of the journal.
    public struct Entry: Codable, Sendable {
        public var kind: String
        public var op: String?
        public var table: String?
        public var id: String?
        public var name: String?
        public var value: String?
        public var time: String

        public init(kind: String, op: String? = nil, table: String? = nil, id: String? = nil, name: String? = nil, value: String? = nil) {
            self.kind = kind
            self.op = op
            self.table = table
            self.id = id
            self.name = name
            self.value = value
            // A format style rather than a new ISO8601DateFormatter per entry (an ICU formatter each:
            // ~12% of an upload's client time; performance only). Same text: 2026-11-30T04:41:35Z.
            self.time = Date().ISO8601Format()
        }
    }

    public let url: URL
    /// True when a run with the same arguments started and did not finish.
    public let resumed: Bool
    /// Operations the interrupted run had confirmed.
    public let previouslyConfirmed: Int
    private var handle: FileHandle?
    private let encoder: JSONEncoder
    /// The descriptor holding the run's lock, -1 once released.
    private var lockDescriptor: Int32

    /// Opens (or creates) the journal of the run identified by `runKey`.
    /// - Throws: `MigrationError.journal` when the directory or file cannot be made or read.
    public init(directory: URL, runKey: String) throws {
        let digest = SHA256.hash(data: Data(runKey.utf8)).map { String(format: "%02x", $0) }.joined()
        url = directory.appendingPathComponent("run-\(digest.prefix(32)).jsonl")
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw MigrationError.journal("cannot create \(directory.path): \(error.localizedDescription)")
        }
        let lock = try Journal.lock(url.deletingPathExtension().appendingPathExtension("lock"))
        // The journal is opened without following a symbolic link (O_NOFOLLOW): a link planted at its
        // path would make the run read and append to a file elsewhere.
        let fd = Journal.openNoFollow(url, flags: O_RDWR | O_CREAT | O_APPEND)
        guard fd >= 0 else {
            let code = errno
            Journal.closeDescriptor(lock)
            throw MigrationError.journal(Journal.openFailure(url, code))
        }
        let file = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        var resumed = false
        var confirmed = 0
        let data: Data
        do {
            data = try file.readToEnd() ?? Data()
            try file.seekToEnd()
        } catch {
            try? file.close()
            Journal.closeDescriptor(lock)
            throw MigrationError.journal("cannot read \(url.path): \(error.localizedDescription)")
        }
        if let text = String(data: data, encoding: .utf8) {
            var started = false, finished = false
            let decoder = JSONDecoder()
            for line in text.split(separator: "\n") {
                guard let e = try? decoder.decode(Entry.self, from: Data(line.utf8)) else { continue }
                switch e.kind {
                case "started": started = true; finished = false; confirmed = 0
                case "finished": finished = true
                case "op": confirmed += 1
                default: break
                }
            }
            resumed = started && !finished
        }
        self.resumed = resumed
        self.previouslyConfirmed = resumed ? confirmed : 0
        handle = file
        lockDescriptor = lock
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
    }

    /// Takes the exclusive lock of a run and writes this process's id into the lock file.
    /// - Returns: the open descriptor holding the lock.
    /// - Throws: `MigrationError.journal` naming the process that holds it (another run with the same
    ///   arguments), or when the lock file cannot be opened.
    static func lock(_ url: URL) throws -> Int32 {
        let fd = openNoFollow(url, flags: O_RDWR | O_CREAT)
        guard fd >= 0 else {
            throw MigrationError.journal(openFailure(url, errno))
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &buffer, buffer.count, 0)
            closeDescriptor(fd)
            guard code == EWOULDBLOCK else {
                throw MigrationError.journal("cannot lock \(url.path): \(String(cString: strerror(code)))")
            }
            let pid = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
            throw MigrationError.journal(
                "another run with the same arguments is in progress (process \(pid.isEmpty ? "unknown" : pid)); "
                    + "nothing was written by this one: wait for that run to finish (or stop it) and run again")
        }
        let text = Array("\(ProcessInfo.processInfo.processIdentifier)\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, text, text.count, 0)
        return fd
    }

    /// Opens (creating with mode 0600) a regular file without following a symbolic link at its path.
    /// - Returns: the descriptor, or -1 with `errno` set (`ELOOP` for a link on Linux, `EMLINK` on some BSDs).
    static func openNoFollow(_ url: URL, flags: Int32) -> Int32 {
        open(url.path, flags | O_NOFOLLOW | O_CLOEXEC, 0o600)
    }

    /// The message for a failed `openNoFollow`: a plain one for a symbolic link at the path.
    static func openFailure(_ url: URL, _ code: Int32) -> String {
        if code == ELOOP || code == EMLINK {
            return "\(url.path) is a symbolic link; the run refuses to write through it (nothing was written): "
                + "remove the link and run again"
        }
        return "cannot open \(url.path): \(String(cString: strerror(code)))"
    }

    /// Closes a file descriptor (the C function; `close()` here is the journal's).
    static func closeDescriptor(_ fd: Int32) {
        #if canImport(Glibc)
        _ = Glibc.close(fd)
        #else
        _ = Darwin.close(fd)
        #endif
    }

    deinit {
        if lockDescriptor >= 0 { Journal.closeDescriptor(lockDescriptor) }
    }

    /// Appends an entry. Write failures are ignored after the first line (the target is the truth).
    public func append(_ entry: Entry) {
        guard var data = try? encoder.encode(entry) else { return }
        data.append(0x0A)
        try? handle?.write(contentsOf: data)
    }

    /// Records a confirmed operation.
    public func confirmed(_ op: String, table: String, id: UUID) {
        append(Entry(kind: "op", op: op, table: table, id: id.dataverseString))
    }

    /// Closes the file.
    public func close() {
        try? handle?.close()
        handle = nil
        if lockDescriptor >= 0 {
            _ = flock(lockDescriptor, LOCK_UN)
            Journal.closeDescriptor(lockDescriptor)
            lockDescriptor = -1
        }
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that nothing lands outside their destination, whatever the destination holds
/// (issue 17 "Escapes"; DESIGN.md "Hostile input": "refuse to write outside their destination
/// (symlinks included)").
///
/// Every file the tool writes goes through here: the pac folder writer (record files, content files,
/// web files, manifests), `data export --dataFile`, `data schema --output`, journals, profiles,
/// quickstart `--keep` files and env files.
///
/// - Inside a destination folder (`write(_:to:under:)`): the path is walked one component at a time
///   from the destination with `openat(O_NOFOLLOW | O_DIRECTORY)`; a component that is a symbolic
///   link (to anywhere, even inside the folder), a file where a directory belongs, or a name over
///   `maxNameBytes` is refused. Missing directories are created with `mkdirat`. The file is written
///   to a temporary file in its directory and renamed over the old name, so a symbolic or hard link
///   already at that name is replaced, never written through (an outside file sharing the inode of a
///   hard link stays untouched).
/// - A single file the user names (`writeFile(_:to:)`): its directory is taken as given (the user
///   chose it); the file itself must not be a symbolic link, a directory or another non-regular file.
///
/// The destination itself may be reached through links (the user named it); nothing below it is.
/// Errors are `SafeWriteError`, which says what the path is (a link pointing outside, a dangling
/// link, a link loop, a directory, …) and what to do.
public enum SafeFileWriter {
    /// The longest file or directory name, in UTF-8 bytes, that Linux file systems (ext4, xfs, btrfs)
    /// and APFS accept (`NAME_MAX`).
    public static let maxNameBytes = 255

    /// Checks, without writing, that `relativePath` (components separated by `/`) can be written under
    /// `root`: no empty, `.` or `..` component, no name over `maxNameBytes`, every existing
    /// intermediate component a real directory, and the file absent or a regular file.
    /// - Throws: `SafeWriteError` naming the first component at fault.
    public static func check(_ relativePath: String, under root: URL) throws {
        let parts = try components(relativePath)
        guard let fd = try openExistingParent(parts, under: root, relativePath: relativePath) else { return }
        defer { close(fd) }
        try checkFinal(fd: fd, name: parts.last!, shown: relativePath, root: root)
    }

    /// Writes `data` to `relativePath` under `root` (see the type's rules), creating directories.
    ///
    /// - Parameter skipIfUnchanged: when true and the file already holds exactly `data`, nothing is
    ///   written.
    /// - Parameter mode: the permission bits of a new file (an existing file keeps its own).
    /// - Returns: `false` when the file already held `data` and was left alone, else `true`.
    /// - Throws: `SafeWriteError`.
    @discardableResult
    public static func write(
        _ data: Data, to relativePath: String, under root: URL,
        skipIfUnchanged: Bool = false, mode: mode_t = 0o644
    ) throws -> Bool {
        let parts = try components(relativePath)
        var fd = try openRoot(root, relativePath: relativePath)
        defer { close(fd) }
        for (i, name) in parts.dropLast().enumerated() {
            var next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if next < 0 && errno == ENOENT {
                if mkdirat(fd, name, 0o777) != 0 && errno != EEXIST {
                    throw SafeWriteError(path: parts.prefix(i + 1).joined(separator: "/"), reason: .io(plain(errno)))
                }
                next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            }
            if next < 0 {
                throw diagnose(fd: fd, name: name, shown: parts.prefix(i + 1).joined(separator: "/"), root: root, wantDirectory: true)
            }
            close(fd)
            fd = next
        }
        return try writeFinal(
            data, dir: fd, name: parts.last!, shown: relativePath, root: root,
            skipIfUnchanged: skipIfUnchanged, mode: mode)
    }

    /// The directory holding the last of `parts`, opened one component at a time from `root` without
    /// following links; `nil` when a directory on the way does not exist yet (nothing below it exists).
    /// The caller closes the descriptor.
    /// - Throws: `SafeWriteError` naming the first component that is a link, a file or unreadable.
    static func openExistingParent(_ parts: [String], under root: URL, relativePath: String) throws -> Int32? {
        var fd = try openRoot(root, relativePath: relativePath)
        for (i, name) in parts.dropLast().enumerated() {
            let next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if next < 0 {
                let failure = errno
                defer { close(fd) }
                if failure == ENOENT { return nil }
                errno = failure
                throw diagnose(fd: fd, name: name, shown: parts.prefix(i + 1).joined(separator: "/"), root: root, wantDirectory: true)
            }
            close(fd)
            fd = next
        }
        return fd
    }

    /// Removes the file `relativePath` under `root` without following links: a link on the way is
    /// refused; a link as the file itself is removed (the link, not its target). Absent is fine.
    /// - Throws: `SafeWriteError`.
    public static func remove(_ relativePath: String, under root: URL) throws {
        let parts = try components(relativePath)
        guard let fd = try openExistingParent(parts, under: root, relativePath: relativePath) else { return }
        defer { close(fd) }
        if unlinkat(fd, parts.last!, 0) != 0 && errno != ENOENT {
            throw SafeWriteError(path: relativePath, reason: .io(plain(errno)))
        }
    }

    /// Writes a file the user named (`--dataFile`, `--output`, a journal, a profile file): the
    /// directory is used as given and created when missing; the file must be absent or a regular file.
    /// - Parameter mode: the permission bits of the file (`0o600` for secrets); an existing file keeps
    ///   its own unless `forceMode`.
    /// - Throws: `SafeWriteError` (its `path` is `url.path`).
    public static func writeFile(_ data: Data, to url: URL, mode: mode_t = 0o644, forceMode: Bool = false) throws {
        let dir = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw SafeWriteError(path: dir.path, reason: .io("cannot create the directory: \(plain(error))"))
        }
        let fd = open(dir.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw SafeWriteError(path: dir.path, reason: .io(plain(errno))) }
        defer { close(fd) }
        try writeFinal(
            data, dir: fd, name: url.lastPathComponent, shown: url.path, root: dir,
            skipIfUnchanged: false, mode: mode, forceMode: forceMode)
    }

    /// Checks a file the user named before anything is written: absent or a regular file, not a link.
    /// - Throws: `SafeWriteError`.
    public static func checkFile(_ url: URL) throws {
        let dir = url.deletingLastPathComponent()
        let fd = open(dir.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return } // created on write
        defer { close(fd) }
        try checkFinal(fd: fd, name: url.lastPathComponent, shown: url.path, root: dir)
    }

    // MARK: Steps

    static func components(_ relativePath: String) throws -> [String] {
        let parts = relativePath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if relativePath.isEmpty || relativePath.hasPrefix("/") || parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
            throw SafeWriteError(path: relativePath, reason: .notRelative)
        }
        if let long = parts.first(where: { $0.utf8.count > maxNameBytes }) {
            throw SafeWriteError(path: relativePath, reason: .nameTooLong(bytes: long.utf8.count))
        }
        if parts.contains(where: { $0.utf8.contains(0) }) { throw SafeWriteError(path: relativePath, reason: .notRelative) }
        return parts
    }

    static func openRoot(_ root: URL, relativePath: String) throws -> Int32 {
        let fd = open(root.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { return fd }
        if errno == ENOENT {
            do { try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true) } catch {
                throw SafeWriteError(path: root.path, reason: .io("cannot create the folder: \(plain(error))"))
            }
            let again = open(root.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if again >= 0 { return again }
        }
        throw SafeWriteError(path: root.path, reason: .io(plain(errno)))
    }

    /// The file itself: absent, or a regular file; anything else is refused.
    static func checkFinal(fd: Int32, name: String, shown: String, root: URL) throws {
        var st = stat()
        if fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 { return } // absent
        if (st.st_mode & S_IFMT) != S_IFREG {
            throw diagnose(fd: fd, name: name, shown: shown, root: root, wantDirectory: false)
        }
    }

    private static let counter = Atomic()

    @discardableResult
    static func writeFinal(
        _ data: Data, dir: Int32, name: String, shown: String, root: URL,
        skipIfUnchanged: Bool, mode: mode_t, forceMode: Bool = false
    ) throws -> Bool {
        var st = stat()
        var existingMode: mode_t?
        if fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFREG else {
                throw diagnose(fd: dir, name: name, shown: shown, root: root, wantDirectory: false)
            }
            existingMode = st.st_mode & 0o7777
            if skipIfUnchanged && Int(st.st_size) == data.count, let old = readRegular(dir: dir, name: name), old == data {
                return false
            }
        }
        let tmp = ".pm-\(getpid())-\(counter.next()).tmp"
        let out = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, forceMode ? mode : (existingMode ?? mode))
        guard out >= 0 else { throw SafeWriteError(path: shown, reason: .io(plain(errno))) }
        var ok = true
        var failure = ""
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = systemWrite(out, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; ok = false; failure = plain(errno); return }
                offset += n
            }
        }
        if ok, let m = forceMode ? mode : existingMode { fchmod(out, m) }
        close(out)
        guard ok else {
            unlinkat(dir, tmp, 0)
            throw SafeWriteError(path: shown, reason: .io(failure))
        }
        if renameat(dir, tmp, dir, name) != 0 {
            let message = plain(errno)
            unlinkat(dir, tmp, 0)
            throw SafeWriteError(path: shown, reason: .io(message))
        }
        return true
    }

    static func readRegular(dir: Int32, name: String) -> Data? {
        let fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { return out }
            out.append(contentsOf: buffer[0..<n])
        }
    }

    /// Why `name` in `fd` is not what the write needs.
    static func diagnose(fd: Int32, name: String, shown: String, root: URL, wantDirectory: Bool) -> SafeWriteError {
        var st = stat()
        guard fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else {
            return SafeWriteError(path: shown, reason: .io(plain(errno)))
        }
        switch st.st_mode & S_IFMT {
        case S_IFLNK:
            var buffer = [CChar](repeating: 0, count: 4097)
            let n = readlinkat(fd, name, &buffer, 4096)
            let target = n >= 0 ? String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
            // Follow it once to say where it goes.
            var followed = stat()
            if fstatat(fd, name, &followed, 0) != 0 {
                if errno == ELOOP { return SafeWriteError(path: shown, reason: .linkLoop(target: target)) }
                return SafeWriteError(path: shown, reason: .danglingLink(target: target, outside: !resolvesInside(target, root: root, shown: shown)))
            }
            return SafeWriteError(path: shown, reason: .link(target: target, outside: !resolvesInside(target, root: root, shown: shown)))
        case S_IFDIR:
            return SafeWriteError(path: shown, reason: .directory)
        case S_IFREG:
            return SafeWriteError(path: shown, reason: wantDirectory ? .fileWhereDirectoryBelongs : .io("cannot open"))
        default:
            return SafeWriteError(path: shown, reason: .special)
        }
    }

    /// Whether a link's text points inside `root` (lexically; used only to word the message).
    static func resolvesInside(_ target: String, root: URL, shown: String) -> Bool {
        let base = root.standardizedFileURL.path
        let absolute: String
        if target.hasPrefix("/") {
            absolute = target
        } else {
            let parent =
                (shown.hasPrefix("/")
                    ? (shown as NSString).deletingLastPathComponent
                    : (base as NSString).appendingPathComponent((shown as NSString).deletingLastPathComponent))
            absolute = (parent as NSString).appendingPathComponent(target)
        }
        let normalized = URL(fileURLWithPath: absolute).standardizedFileURL.path
        return normalized == base || normalized.hasPrefix(base + "/")
    }

    static func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.write(fd, buffer, count)
        #else
        return Darwin.write(fd, buffer, count)
        #endif
    }

    /// A system error in plain words (red-team F6: a write failing after all the work used to say
    /// `NSCocoaErrorDomain Code=514 … NSPOSIXErrorDomain Code=36`): the common causes say what to do.
    public static func plain(_ code: Int32) -> String {
        switch code {
        case ENAMETOOLONG: return "file name too long (a file or folder name may have at most \(maxNameBytes) bytes); choose a shorter name"
        case EACCES, EPERM: return "permission denied; choose a folder you may write to, or change its permissions"
        case ENOSPC: return "no space left on the device; free some space and run again"
        case EDQUOT: return "disk quota exceeded; free some space and run again"
        case EROFS: return "read-only file system; choose a folder on a writable disk"
        default: return String(cString: strerror(code))
        }
    }

    /// `plain(_:)` for a Foundation error that wraps a POSIX code (`NSUnderlyingError`), else its
    /// description.
    public static func plain(_ error: Error) -> String {
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return plain(Int32(ns.code)) }
        if let under = ns.userInfo[NSUnderlyingErrorKey] as? NSError, under.domain == NSPOSIXErrorDomain {
            return plain(Int32(under.code))
        }
        return error.localizedDescription
    }

    /// A process-wide counter for temporary names.
    final class Atomic: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
    }
}

/// A write `SafeFileWriter` refused or could not do: the path (relative to the destination, or the
/// file the user named) and why.
public struct SafeWriteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Why the path cannot be written.
    public enum Reason: Equatable, Sendable {
        /// A symbolic link (to `target`); `outside` when it points outside the destination.
        case link(target: String, outside: Bool)
        /// A symbolic link to `target`, which does not exist.
        case danglingLink(target: String, outside: Bool)
        /// A symbolic link that leads back to itself (directly or through other links).
        case linkLoop(target: String)
        /// A directory where a file is to be written.
        case directory
        /// A regular file where a directory belongs.
        case fileWhereDirectoryBelongs
        /// A FIFO, socket or device.
        case special
        /// A file or directory name longer than `SafeFileWriter.maxNameBytes` UTF-8 bytes.
        case nameTooLong(bytes: Int)
        /// Empty, absolute, or with `.`/`..` components.
        case notRelative
        /// The system refused (its message).
        case io(String)
    }

    public var path: String
    public var reason: Reason

    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .link(let target, let outside):
            return "\(path) is a symbolic link to \(target)\(outside ? ", pointing outside the destination" : ""); "
                + "nothing is written through links: remove the link (or replace it with a real \(outside ? "file or folder" : "copy")) and run again"
        case .danglingLink(let target, let outside):
            return "\(path) is a symbolic link to \(target), which does not exist\(outside ? " (outside the destination)" : ""); "
                + "nothing is written through links: remove the link and run again"
        case .linkLoop(let target):
            return "\(path) is a symbolic link loop (it points to \(target), which leads back to itself); remove the link and run again"
        case .directory:
            return "\(path) is a directory where a file is to be written; move it away and run again"
        case .fileWhereDirectoryBelongs:
            return "\(path) is a file where a folder belongs; move it away and run again"
        case .special:
            return "\(path) is not a regular file (a FIFO, socket or device); remove it and run again"
        case .nameTooLong(let bytes):
            return "\(path): a name of \(bytes) bytes is longer than file systems allow (\(SafeFileWriter.maxNameBytes) bytes)"
        case .notRelative:
            return "\(path): refusing to write a path outside the destination (empty, absolute, or with . or ..)"
        case .io(let message):
            return "\(path): \(message)"
        }
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file cannot be read, in plain words.
///
/// Foundation's errors for `Data(contentsOf:)` read "The operation could not be completed.
/// (NSCocoaErrorDomain error 256.)" on Linux for a folder or an unreadable file; this asks the file
/// system itself (`stat`, `access`) and says what is wrong and what to do.
public enum FileReadProblem {
    /// Reads a whole regular file.
    /// - Parameters:
    ///   - url: the file.
    ///   - what: what the file is for, used in the message ("the schema file").
    /// - Returns: the bytes.
    /// - Throws: `FileReadError` whose `reason` says what is wrong (absent, a folder, not
    ///   readable, not a regular file, a read error).
    public static func read(_ url: URL, what: String) throws -> Data {
        if let reason = problem(url) { throw FileReadError(path: url.path, reason: reason) }
        do {
            return try FileBytes.read(url)
        } catch {
            throw FileReadError(path: url.path, reason: "\(what) cannot be read (\(describe(error)))")
        }
    }

    /// What keeps `url` from being read as a regular file, or `nil` when nothing does.
    public static func problem(_ url: URL) -> String? {
        var st = stat()
        guard stat(url.path, &st) == 0 else {
            return errno == ENOENT ? "no such file (check the path)" : "cannot be read: \(String(cString: strerror(errno)))"
        }
        switch st.st_mode & S_IFMT {
        case S_IFDIR: return "this is a folder; give the path of a file"
        case S_IFREG: break
        default: return "this is not a regular file (a device, pipe or socket); give the path of a file"
        }
        if access(url.path, R_OK) != 0 { return "permission denied: the file cannot be read by this user" }
        return nil
    }

    /// A file-system error in words: the POSIX reason when there is one, else the error's own text.
    public static func describe(_ error: Error) -> String {
        if let failure = error as? FileBytes.Failure { return failure.reason }
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        return ns.localizedDescription
    }
}

/// A file that cannot be read (`FileReadProblem.read`): its path and what is wrong, in plain words
/// ("no such file (check the path)", "this is a folder; give the path of a file", …).
public struct FileReadError: Error, CustomStringConvertible, Sendable {
    /// The path as given.
    public let path: String
    /// What is wrong and what to do.
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `PATH: reason`.
    public var description: String { "\(path): \(reason)" }
}

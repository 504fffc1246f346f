import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a whole file with `open`/`read`, the one way the readers take a file's bytes.
///
/// Not `Data(contentsOf:)`: on this toolchain (swift-foundation on Linux, Swift 6.3) it keeps a
/// 4 KiB buffer for every empty file it reads, which is never freed (measured with heaptrack: 172 MB
/// reading the 42,000 empty content files of the benchmark's L pac folder, issue 20).
public enum FileBytes {
    /// The bytes of the file at `path`: as many as `fstat` says it holds, fewer if it shrinks while
    /// read; a file `fstat` calls empty (an empty file, or one of /proc) is read to its end in 64 KiB
    /// pieces.
    /// - Parameter onlyRegularFile: false (the default) reads what `Data(contentsOf:)` reads, through a
    ///   symbolic link; true refuses a link (`ELOOP`) and anything but a regular file (`EINVAL`),
    ///   without blocking on a FIFO (a cache that must never be pointed elsewhere).
    /// - Throws: `FileBytes.Failure` with the `errno` of the call that failed (`open`, `fstat`, `read`).
    public static func read(_ path: String, onlyRegularFile: Bool = false) throws -> Data {
        let flags = O_RDONLY | O_CLOEXEC | (onlyRegularFile ? O_NOFOLLOW | O_NONBLOCK : 0)
        let fd = open(path, flags)
        guard fd >= 0 else { throw Failure(path: path, code: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Failure(path: path, code: errno) }
        if onlyRegularFile && (info.st_mode & S_IFMT) != S_IFREG { throw Failure(path: path, code: EINVAL) }
        let size = Int(info.st_size)
        if size <= 0 { return try readToEnd(fd, path: path) }
        var data = Data(count: size)
        var got = 0
        var failure: Int32 = 0
        data.withUnsafeMutableBytes { raw in
            while got < size {
                let n = systemRead(fd, raw.baseAddress! + got, size - got)
                if n < 0 && errno == EINTR { continue }
                if n < 0 { failure = errno }
                if n <= 0 { break }
                got += n
            }
        }
        if failure != 0 { throw Failure(path: path, code: failure) }
        if got < size { data.count = got }
        return data
    }

    /// Reads `fd` to its end in pieces (a file whose size `fstat` does not know). An empty file costs
    /// one `read` into an uninitialised 64 KiB buffer (no zero-filling per empty file: an L pac folder
    /// has 42,000 of them).
    private static func readToEnd(_ fd: Int32, path: String) throws -> Data {
        try withUnsafeTemporaryAllocation(byteCount: 65_536, alignment: 16) { piece in
            var data = Data()
            while true {
                let n = systemRead(fd, piece.baseAddress!, piece.count)
                if n < 0 && errno == EINTR { continue }
                if n < 0 { throw Failure(path: path, code: errno) }
                if n == 0 { return data }
                data.append(UnsafeRawBufferPointer(rebasing: piece[0..<n]).assumingMemoryBound(to: UInt8.self))
            }
        }
    }

    private static func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.read(fd, buffer, count)
        #else
        return Darwin.read(fd, buffer, count)
        #endif
    }

    /// The bytes of the file at `url` (`read(url.path)`).
    /// - Throws: `FileBytes.Failure`.
    public static func read(_ url: URL) throws -> Data { try read(url.path) }

    /// A file that could not be read: its path and the system's reason.
    public struct Failure: LocalizedError, CustomStringConvertible, Sendable {
        /// The path as given.
        public let path: String
        /// The `errno` value.
        public let code: Int32

        /// The system's words for `code` ("No such file or directory").
        public var reason: String { String(cString: strerror(code)) }

        /// `PATH: reason`.
        public var description: String { "\(path): \(reason)" }

        /// The description, for code that asks `localizedDescription`.
        public var errorDescription: String? { description }
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file mapped read-only into memory, whose pages a scan gives back as it passes them, so a large
/// `data.xml` (the benchmark's L package: about 900 MB, base64 bodies included) is read without
/// holding all of it resident (issue 20: peak memory ≤ 250 MB for data import at L).
///
/// `data` is the file's bytes without a copy (the mapping; unmapped when the last `Data` sharing it
/// goes). A scan over `data` calls `release(upTo:)` with the offset below which it no longer reads:
/// those pages are dropped from memory (`madvise(MADV_DONTNEED)`) and, should anything read them
/// again, read back from the file (a private read-only file mapping never holds changed pages).
final class MappedFile: @unchecked Sendable {
    /// The file's bytes.
    let data: Data
    private let base: UnsafeMutableRawPointer?
    private let count: Int
    private var released = 0
    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
    /// The least number of bytes given back at once (8 MiB), so a scan calls `madvise` rarely.
    static let releaseStep = 8 << 20

    /// Maps `url`.
    /// - Parameter label: the file's name in errors.
    /// - Throws: `CMTError.missingFile` with the file system's reason when the file cannot be opened or
    ///   mapped.
    init(_ url: URL, label: String) throws {
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else {
            throw CMTError(.missingFile, "cannot be read: \(String(cString: strerror(errno)))", file: label)
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw CMTError(.missingFile, "cannot be read: \(String(cString: strerror(errno)))", file: label) }
        let size = Int(st.st_size)
        count = size
        guard size > 0 else {
            base = nil
            data = Data()
            return
        }
        let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else { throw CMTError(.missingFile, "cannot be read: \(String(cString: strerror(errno)))", file: label) }
        base = p
        data = Data(bytesNoCopy: p, count: size, deallocator: .custom { pointer, length in munmap(pointer, length) })
    }

    /// Gives back the pages wholly below `offset` (bytes from the start of `data`) that were not given
    /// back yet, once at least `releaseStep` bytes are due. Reading them later still works.
    ///
    /// An offset below the last one given back starts a new scan (the readers scan the file three
    /// times: UTF-8 check, declarations, long values): the pages it reads again are given back again.
    /// Without this the second scan read the whole file back in and nothing gave it back before the
    /// third had ended: the benchmark's L import (a 700 MB `data.xml`) peaked at 751 MB resident while
    /// its heap never passed 210 MB (issue 20).
    func release(upTo offset: Int) {
        guard let base else { return }
        let end = min(offset, count) / Self.pageSize * Self.pageSize
        if end < released { released = 0 }
        guard end - released >= Self.releaseStep else { return }
        _ = madvise(base + released, end - released, MADV_DONTNEED)
        released = end
    }

    /// Gives back every page (after the last scan).
    func releaseAll() {
        guard let base, count > 0 else { return }
        _ = madvise(base, count, MADV_DONTNEED)
        released = count / Self.pageSize * Self.pageSize
    }
}

import Foundation
import Testing
import TestSupport

@testable import PortalModel

/// `FileBytes.read`, the one way readers take a file's bytes (not `Data(contentsOf:)`, which keeps a
/// buffer per empty file on this toolchain).
@Suite struct FileBytesTests {
    @Test func randomFilesReadBackExactly() throws {
        let dir = try TestPaths.temporaryDirectory("file-bytes")
        defer { try? FileManager.default.removeItem(at: dir) }
        let seed = UInt64(Date().timeIntervalSince1970 * 1000)
        print("FileBytesTests.randomFilesReadBackExactly seed \(seed)")
        var rng = SplitMix64(seed: seed)
        // Sizes around the boundaries that matter (empty, one byte, the 64 KiB piece), then random ones.
        var sizes = [0, 1, 4095, 4096, 4097, 65_535, 65_536, 65_537, 1_000_003]
        for _ in 0..<20 { sizes.append(Int(rng.next() % 300_000)) }
        for (i, size) in sizes.enumerated() {
            let bytes = Data((0..<size).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
            let url = dir.appendingPathComponent("f\(i)")
            try bytes.write(to: url)
            #expect(try FileBytes.read(url) == bytes, "size \(size), seed \(seed)")
        }
    }

    @Test func aFileWhoseSizeIsUnknownIsReadToItsEnd() throws {
        // /proc files report size 0 to fstat and hold text.
        let status = try FileBytes.read("/proc/self/status")
        #expect(String(decoding: status, as: UTF8.self).contains("VmRSS"))
    }

    @Test func onlyRegularFileRefusesLinksFoldersAndFIFOsWithoutBlocking() throws {
        let dir = try TestPaths.temporaryDirectory("file-bytes-regular")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("entry.bin"), link = dir.appendingPathComponent("link.bin")
        let fifo = dir.appendingPathComponent("fifo")
        try Data("entry".utf8).write(to: file)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: file)
        #expect(mkfifo(fifo.path, 0o600) == 0)
        #expect(try FileBytes.read(file.path, onlyRegularFile: true) == Data("entry".utf8))
        #expect(try FileBytes.read(link.path) == Data("entry".utf8), "by default a link is followed")
        #expect { try FileBytes.read(link.path, onlyRegularFile: true) } throws: { ($0 as? FileBytes.Failure)?.code == ELOOP }
        #expect { try FileBytes.read(dir.path, onlyRegularFile: true) } throws: { ($0 as? FileBytes.Failure)?.code == EINVAL }
        // A FIFO with no writer would block a plain open for reading; here it is refused at once.
        #expect { try FileBytes.read(fifo.path, onlyRegularFile: true) } throws: { ($0 as? FileBytes.Failure)?.code == EINVAL }
    }

    @Test func failuresNameThePathAndTheSystemsReason() throws {
        let dir = try TestPaths.temporaryDirectory("file-bytes-fail")
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("absent.txt")
        #expect {
            try FileBytes.read(missing)
        } throws: { error in
            guard let f = error as? FileBytes.Failure else { return false }
            return f.code == ENOENT && f.path == missing.path && f.description == "\(missing.path): \(String(cString: strerror(ENOENT)))"
        }
        #expect {
            try FileBytes.read(dir)
        } throws: { error in (error as? FileBytes.Failure)?.code == EISDIR }
        // FileReadProblem and FileBody go through it and keep their plain wording.
        #expect(throws: FileReadError.self) { try FileReadProblem.read(missing, what: "the schema file") }
        #expect(FileReadProblem.describe(FileBytes.Failure(path: "x", code: EACCES)) == String(cString: strerror(EACCES)))
        #expect(throws: FileBytes.Failure.self) { try FileBody.file(missing).load() }
    }
}

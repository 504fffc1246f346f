import Foundation
@testable import PortalModel
import Testing
import TestSupport

/// The body spool under the temporary directory: private, and what a process ended by Ctrl-C
/// (`_exit`, no exit handlers), a signal or a crash left behind is removed by the next process.
@Suite struct BodySpoolTests {
    /// A process id no process can have (above the kernel's `pid_max`).
    static func deadPID() throws -> Int {
        let text = try String(contentsOfFile: "/proc/sys/kernel/pid_max", encoding: .utf8)
        return try #require(Int(text.trimmingCharacters(in: .whitespacesAndNewlines))) + 1
    }

    @Test func spoolsOfProcessesThatNoLongerRunAreRemovedAndOthersKept() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pm-bodyspool-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let dead = dir.appendingPathComponent("portal-migrate-bodies-\(try Self.deadPID())-0a1b2c3d")
        let alive = dir.appendingPathComponent("portal-migrate-bodies-\(getpid())-0a1b2c3d")
        let parent = dir.appendingPathComponent("portal-migrate-bodies-\(getppid())-0a1b2c3d")
        let other = dir.appendingPathComponent("portal-migrate-bodies-notapid")
        let unrelated = dir.appendingPathComponent("someone-elses-\(try Self.deadPID())")
        for d in [dead, alive, parent, other, unrelated] {
            try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
            try Data("body".utf8).write(to: d.appendingPathComponent("x.bin"))
        }
        BodySpool.removeAbandoned(in: dir)
        #expect(!FileManager.default.fileExists(atPath: dead.path), "the dead process's spool is left behind")
        for kept in [alive, parent, other, unrelated] {
            #expect(FileManager.default.fileExists(atPath: kept.appendingPathComponent("x.bin").path), "\(kept.lastPathComponent) removed")
        }
    }

    @Test func theSpoolAndItsFilesArePrivate() throws {
        let body = try BodySpool.shared.keep(Data("secret body".utf8))
        guard case .file(let url) = body else {
            Issue.record("not a spooled file")
            return
        }
        let file = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
        let folder = try FileManager.default.attributesOfItem(atPath: url.deletingLastPathComponent().path)[.posixPermissions] as? Int
        #expect(file == 0o600)
        #expect(folder == 0o700)
    }
}

import Foundation
import Testing
import TestSupport

@testable import Scenarios

/// `Workspace.commandName`: how quickstart names the tool in what it tells a person to run next, from a
/// `PATH` given as a value (the test process's own `PATH` is never changed).
@Suite struct CommandNameTests {
    /// A folder holding an executable file `portal-migrate` (or a link named so to `target`).
    static func folder(_ work: URL, _ name: String, linkTo target: URL? = nil) throws -> URL {
        let dir = work.appendingPathComponent(name, isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("portal-migrate")
        if let target {
            try FileManager.default.createSymbolicLink(at: file, withDestinationURL: target)
        } else {
            try Data("#!/bin/sh\n".utf8).write(to: file)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
        }
        return dir
    }

    @Test func theBareNameOnlyWhenTheFirstOnPathIsThisExecutable() throws {
        let work = try TestPaths.temporaryDirectory("pm-command-name")
        defer { try? FileManager.default.removeItem(at: work) }
        let own = try Self.folder(work, "build")
        let exe = own.appendingPathComponent("portal-migrate")
        let other = try Self.folder(work, "other")
        let linked = try Self.folder(work, "bin", linkTo: exe)
        let empty = work.appendingPathComponent("empty").path

        #expect(Workspace.commandName(for: exe, searchPath: "") == exe.path)
        #expect(Workspace.commandName(for: exe, searchPath: "\(empty)::\(own.path)") == "portal-migrate")
        // A link on PATH to this executable is this executable.
        #expect(Workspace.commandName(for: exe, searchPath: linked.path) == "portal-migrate")
        // Another portal-migrate first on PATH would run instead: the full path is given.
        #expect(Workspace.commandName(for: exe, searchPath: "\(other.path):\(own.path)") == exe.path)
        // Not executable: skipped.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: other.appendingPathComponent("portal-migrate").path)
        #expect(Workspace.commandName(for: exe, searchPath: "\(other.path):\(own.path)") == "portal-migrate")
    }
}

import Foundation
import Testing
import TestSupport

/// The body cache after an environment restore (review finding of 2026-12-07): restoring an
/// environment from a backup rewinds its row versions, so a note written after the restore can carry
/// the version a cached note had before it, with other bytes. The cache keys an entry by row version
/// and `modifiedon` (`BodyVersionCache.versionKey`), so a re-upload plans the change and the read-back
/// compares the bytes the target holds; before, it said "nothing to write" and "Verified" with the
/// target holding other bytes (exit 0).
@Suite struct BodyCacheRestoreTests {
    static let site = "9b33ac01-11e0-ec11-bb3c-000d3ab4fb7f"
    static let css = "web-files/portalbasictheme.css"

    @Test func aVersionReusedAfterARestoreIsNotTakenFromTheCache() async throws {
        let s = try Scenario("pm-cache-restore")
        defer { s.remove() }
        let folder = try s.copyCorpusFolder("ejada-starter-2022")
        let file = folder.appendingPathComponent(Self.css)
        let original = try Data(contentsOf: file)
        func write(_ mark: String) throws { try (original + Data("/* \(mark) */\n".utf8)).write(to: file) }
        _ = try await s.createEnvironment("dst")
        // 1. the site uploaded over HTTP, then a backup of the environment's files
        var server = try await s.serve("dst")
        let port = try #require(server.port)
        let url = server.origin
        _ = try await s.succeed(["upload", "--path", folder.path, "--environment", url, "--yes"])
        _ = await server.terminate()
        let fm = FileManager.default
        let environments = s.environmentFile("dst").deletingLastPathComponent()
        let backup = s.work.appendingPathComponent("backup", isDirectory: true)
        try fm.createDirectory(at: backup, withIntermediateDirectories: true)
        let files = try fm.contentsOfDirectory(atPath: environments.path).filter { $0.hasPrefix("dst.sqlite") }
        for f in files { try fm.copyItem(at: environments.appendingPathComponent(f), to: backup.appendingPathComponent(f)) }
        // 2. version A uploaded over HTTP: the client caches A's bytes at the note's new version
        server = try await s.serve("dst", ["--port", "\(port)"])
        try write("A")
        _ = try await s.succeed(["upload", "--path", folder.path, "--environment", url, "--yes"])
        _ = await server.terminate()
        // 3. restore; version B written in-process takes the same row version A had
        for f in try fm.contentsOfDirectory(atPath: environments.path) where f.hasPrefix("dst.sqlite") {
            try fm.removeItem(at: environments.appendingPathComponent(f))
        }
        for f in files { try fm.copyItem(at: backup.appendingPathComponent(f), to: environments.appendingPathComponent(f)) }
        try write("B")
        _ = try await s.succeed(["upload", "--path", folder.path, "--environment", "local:dst", "--yes"])
        // 4. A again over HTTP, same URL, same cache: the change is planned and written, not taken as done
        let last = try await s.serve("dst", ["--port", "\(port)"])
        defer { Task { _ = await last.terminate() } }
        try write("A")
        let again = try await s.succeed(["upload", "--path", folder.path, "--environment", url, "--yes"])
        #expect(!again.out.contains("nothing to write"), "\(again.out)")
        let download = s.work.appendingPathComponent("dl")
        _ = try await s.succeed(["download", "--environment", "local:dst", "--path", download.path, "--webSiteId", Self.site])
        let held = FileManager.default.enumerator(atPath: download.path)?.compactMap { $0 as? String }
            .first { $0.hasSuffix("portalbasictheme.css") }
        let bytes = try Data(contentsOf: download.appendingPathComponent(try #require(held)))
        #expect(bytes == original + Data("/* A */\n".utf8), "the target holds \(String(decoding: bytes.suffix(12), as: UTF8.self))")
    }
}

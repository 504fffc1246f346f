import Foundation
import PortalModel
import Testing
import TestSupport

/// The summary says what changed and how much (issue 24 item 4): a no-op re-upload prints one
/// "unchanged" line instead of one per table, `-v` lists every table, and a table with a change keeps
/// its own line.
@Suite struct UploadSummaryTests {
    @Test func unchangedTablesAreOneLineUnlessVerbose() async throws {
        let home = try TestPaths.temporaryDirectory("pm-upload-summary")
        defer { try? FileManager.default.removeItem(at: home) }
        let site = home.appendingPathComponent("ejada")
        try FileManager.default.copyItem(at: TestPaths.pacFolder("ejada-starter-2022"), to: site)
        #expect(try await CLI.run(["env", "create", "t"], home: home).status == 0)
        let upload = ["upload", "--path", site.path, "--environment", "local:t", "--yes", "--unblock-extensions", "svg"]
        let first = try await CLI.run(upload, home: home)
        #expect(first.status == 0, "\(first.err)")

        let again = try await CLI.run(upload, home: home)
        #expect(again.status == 0, "\(again.err)")
        let perTable = again.out.split(separator: "\n").filter { $0.hasPrefix("  adx_") && $0.hasSuffix(" unchanged") }
        #expect(perTable.isEmpty, "no per-table line for tables where nothing changed: \(again.out)")
        let summary = try #require(
            again.out.split(separator: "\n").first { $0.contains("unchanged: ") && $0.contains(" record(s) in ") },
            "\(again.out)")
        #expect(summary.contains("-v lists every table"), "\(summary)")

        let verbose = try await CLI.run(upload + ["-v"], home: home)
        #expect(verbose.status == 0, "\(verbose.err)")
        #expect(verbose.out.contains("  adx_webpage: ") && verbose.out.contains(" unchanged"), "\(verbose.out)")

        // One change: its table keeps its line (with the unchanged count); the others stay folded.
        let snippets = site.appendingPathComponent("content-snippets")
        let file = try #require(
            FileManager.default.enumerator(at: snippets, includingPropertiesForKeys: nil)?
                .compactMap { $0 as? URL }.first { $0.lastPathComponent.hasSuffix(".contentsnippet.value.html") })
        try (try String(contentsOf: file, encoding: .utf8) + "<p>edited</p>").write(to: file, atomically: true, encoding: .utf8)
        let edited = try await CLI.run(upload, home: home)
        #expect(edited.status == 0, "\(edited.err)")
        #expect(edited.out.contains("  adx_contentsnippet: 1 updated"), "\(edited.out)")
        #expect(!edited.out.contains("  adx_webpage: "), "\(edited.out)")
    }
}

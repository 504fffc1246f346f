import Foundation
import Testing
import LocalEnvironment
import PortalModel
import TestSupport
@testable import Migration

/// Three gaps in the checks before writing: an N:N link end that is a record of another table, a
/// symbolic link at the journal's (or lock's) path, and the blocked list restored before the run's lock.
@Suite(.serialized) struct CheckGapTests {
    static let website = "9b33ac01-11e0-ec11-bb3c-000d3ab4fb7f"
    static let role = "9933ac01-11e0-ec11-bb3c-000d3ab4fb7f"

    /// A web role id in `webpagerule.yml` replaced by the website's id (a record of the source, of
    /// another table): exit 2, nothing written, the relationship, the rule and the wrong id named.
    @Test func linkEndOfAnotherTableStopsTheUpload() async throws {
        let site = try HostileInputChecksTests.folder("ejada-starter-2022", "webpagerule.yml") { text in
            guard let r = text.range(of: "- \(Self.role)") else { return text }
            return text.replacingCharacters(in: r, with: "- \(Self.website)")
        }
        try await HostileInputChecksTests.expectRefusedUpload(
            site, check: "missing-link-record",
            naming: "adx_webrole \(Self.website), but that id is an adx_website record")
        let (home, _) = try await HostileInputChecksTests.emptyTarget("pm-gap-link")
        let r = try await CLI.run(["upload", "--path", site.path, "--environment", "local:t", "--yes"], home: home)
        #expect(
            r.stderr.contains("adx_webpageaccesscontrolrule_webrole") && r.stderr.contains("247e91b2-55e6-ec11-bb3c-0022489e1ff6"),
            "\(r.stderr.suffix(1500))")
    }

    /// The same through a CMT package: a `<targetid>` of a web role link that is the website's id.
    @Test func packageLinkEndOfAnotherTableStopsTheImport() async throws {
        try await HostileInputChecksTests.expectRefusedImport(
            { text in
                text.replacingOccurrences(of: "<targetid>\(Self.role)</targetid>", with: "<targetid>\(Self.website)</targetid>")
            }, check: "missing-link-record", naming: "adx_webrole \(Self.website), but that id is an adx_website record")
    }

    /// A symbolic link planted at the journal's path or at its lock's path: the run refuses plainly and
    /// the file the link points to is left as it was.
    @Test func journalAndLockAreNotOpenedThroughASymbolicLink() async throws {
        let dir = try TestPaths.temporaryDirectory("pm-gap-journal")
        defer { try? FileManager.default.removeItem(at: dir) }
        let outside = dir.appendingPathComponent("outside.txt")
        try Data("keep\n".utf8).write(to: outside)
        let journals = dir.appendingPathComponent("journals")
        let first = try Journal(directory: journals, runKey: "upload|/x|local:t")
        let url = await first.url
        await first.close()
        let lock = url.deletingPathExtension().appendingPathExtension("lock")
        for planted in [url, lock] {
            try FileManager.default.removeItem(at: planted)
            try FileManager.default.createSymbolicLink(at: planted, withDestinationURL: outside)
            do {
                let j = try Journal(directory: journals, runKey: "upload|/x|local:t")
                await j.append(Journal.Entry(kind: "started"))
                await j.close()
                Issue.record("the journal opened through a symbolic link at \(planted.lastPathComponent)")
            } catch let MigrationError.journal(message) {
                #expect(message.contains("is a symbolic link") && message.contains(planted.path), "\(message)")
            }
            #expect(try String(contentsOf: outside, encoding: .utf8) == "keep\n")
            try FileManager.default.removeItem(at: planted)
        }
        // Without links the journal opens again.
        let again = try Journal(directory: journals, runKey: "upload|/x|local:t")
        await again.close()
    }

    /// The binary: a link planted at the journal of a finished `data import` makes the rerun fail
    /// plainly without writing through it.
    @Test func binaryRefusesAJournalThatIsASymbolicLink() async throws {
        let (home, _) = try await HostileInputChecksTests.emptyTarget("pm-gap-journal-bin")
        let dir = try await HostileInputChecksTests.package(home: home)
        let args = ["data", "import", "--data", dir.path, "--environment", "local:t"]
        let first = try await CLI.run(args, home: home)
        #expect(first.status == 0, "\(first.stderr.suffix(800))")
        let journals = try #require(Self.find("journals", in: home))
        let files = try FileManager.default.contentsOfDirectory(at: journals, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "jsonl" }
        #expect(!files.isEmpty)
        let outside = home.appendingPathComponent("outside.txt")
        try Data("keep\n".utf8).write(to: outside)
        for f in files {
            try FileManager.default.removeItem(at: f)
            try FileManager.default.createSymbolicLink(at: f, withDestinationURL: outside)
        }
        let r = try await CLI.run(args, home: home)
        #expect(r.status != 0, "\(r.stderr.suffix(800))")
        #expect(r.stderr.contains("is a symbolic link"), "\(r.stderr.suffix(800))")
        #expect(try String(contentsOf: outside, encoding: .utf8) == "keep\n")
    }

    static func find(_ name: String, in root: URL) -> URL? {
        let e = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isDirectoryKey])
        while let u = e?.nextObject() as? URL {
            if u.lastPathComponent == name, (try? u.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true { return u }
        }
        return nil
    }

    /// Counts the writes to the blocked list.
    actor Recorder: BlockedAttachmentsWriter {
        var lists: [[String]] = []
        let env: LocalEnvironment
        init(env: LocalEnvironment) { self.env = env }
        func setBlockedAttachments(_ extensions: [String]) async throws {
            lists.append(extensions)
            try await env.updateOrganization(blockedAttachments: extensions)
        }
    }

    /// While a run holds the journal's lock (its `js` unblocked, the guard file pending), a second run
    /// with the same arguments is refused before it restores the blocked list; once the first run ends,
    /// the next run restores it.
    @Test func secondRunIsRefusedBeforeRestoringTheBlockedList() async throws {
        let env = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "t"), label: "pm-gap-blocked")
        let data = try TestPaths.temporaryDirectory("pm-gap-data")
        defer { try? FileManager.default.removeItem(at: data) }
        let before = try await env.organizationInfo().blockedAttachments
        #expect(before.contains("js"), "\(before)")
        // The first run: it took the lock and unblocked js (the guard file is pending).
        let held = try Journal(directory: data.appendingPathComponent("journals"), runKey: "upload|/x|local:t")
        let firstGuard = BlockedAttachmentsGuard(target: env, writer: LocalBlockedWriter(env: env), targetKey: "local:t", dataDirectory: data)
        _ = try await firstGuard.unblock(["js"])
        let unblocked = try await env.organizationInfo().blockedAttachments
        #expect(!unblocked.contains("js"))

        let recorder = Recorder(env: env)
        var options = MigrationOptions(
            unblockExtensions: ["js"], runKey: "upload|/x|local:t", targetKey: "local:t",
            dataDirectory: data, blockedAttachmentsWriter: recorder)
        options.verifyAfterWrite = false
        let snapshot = SyntheticPortal.generate(seed: 7, records: 30, webFileBytes: 1_000)
        do {
            _ = try await MigrationEngine().migrate(source: .snapshot(snapshot, organization: nil), target: env, options: options)
            Issue.record("the second run was not refused")
        } catch let MigrationError.journal(message) {
            #expect(message.contains("another run with the same arguments is in progress"), "\(message)")
        }
        #expect(await recorder.lists.isEmpty, "the refused run wrote the blocked list")
        #expect(try await env.organizationInfo().blockedAttachments == unblocked)
        #expect(try await env.count("adx_webpage") == 0)

        // The first run ends without restoring (a crash): the next run restores, then runs.
        await held.close()
        _ = try await MigrationEngine().migrate(source: .snapshot(snapshot, organization: nil), target: env, options: options)
        let lists = await recorder.lists
        #expect(lists.first == before, "\(lists)")
        #expect(try await env.organizationInfo().blockedAttachments == before)
    }
}

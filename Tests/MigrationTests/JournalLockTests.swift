import Foundation
#if canImport(Glibc)
import Glibc
#endif
import LocalEnvironment
import PortalModel
import Testing
import TestSupport
@testable import Migration

/// One run per journal (issue 17): two runs with the same arguments shared one journal without a lock;
/// it ended with a corrupt line and half its entries, and one report falsely said it resumed. The
/// second run is now refused naming the first run's process id, before it writes anything.
@Suite(.serialized) struct JournalLockTests {
    @Test func aSecondJournalOfTheSameRunIsRefusedNamingTheHolder() async throws {
        let dir = try TestPaths.temporaryDirectory("pm-journal-lock")
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try Journal(directory: dir, runKey: "upload|/x|local:t")
        await first.append(Journal.Entry(kind: "started"))
        let pid = ProcessInfo.processInfo.processIdentifier
        do {
            _ = try Journal(directory: dir, runKey: "upload|/x|local:t")
            Issue.record("a second journal of the same run opened")
        } catch let MigrationError.journal(message) {
            #expect(message.contains("another run with the same arguments is in progress (process \(pid))"), "\(message)")
        }
        // Another run (other arguments) is not held up.
        let other = try Journal(directory: dir, runKey: "upload|/y|local:t")
        await other.close()
        // Released on close: the next run of the same arguments opens and sees the unfinished run.
        await first.confirmed("create", table: "adx_webpage", id: UUID())
        await first.close()
        let again = try Journal(directory: dir, runKey: "upload|/x|local:t")
        let (resumed, confirmed) = await (again.resumed, again.previouslyConfirmed)
        #expect(resumed && confirmed == 1)
        await again.close()
        // Released when the journal is freed without close (a run that threw).
        do { _ = try Journal(directory: dir, runKey: "k2") }
        let afterFree = try Journal(directory: dir, runKey: "k2")
        await afterFree.close()
    }

    /// The binary: while another process holds the run's lock, `data import` with the same arguments
    /// exits non-zero naming that process, and writes nothing.
    @Test func binaryRunWithTheSameArgumentsWhileOneIsInProgressIsRefused() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.portalMigrateBinary.path), "build portal-migrate first")
        let home = try TestPaths.temporaryDirectory("pm-journal-bin")
        defer { try? FileManager.default.removeItem(at: home) }
        let pkg = home.appendingPathComponent("pkg", isDirectory: true)
        try FileManager.default.createDirectory(at: pkg, withIntermediateDirectories: true)
        try Data(
            """
            <entities><entity name="adx_website" displayname="Website" etc="10027" primaryidfield="adx_websiteid" primarynamefield="adx_name"><fields>
            <field displayname="Id" name="adx_websiteid" type="guid" primaryKey="true" /><field displayname="Name" name="adx_name" type="string" />
            </fields></entity></entities>
            """.utf8
        ).write(to: pkg.appendingPathComponent("data_schema.xml"))
        func data(_ ids: [String]) -> Data {
            Data(
                ("<entities><entity name=\"adx_website\" displayname=\"Website\"><records>"
                    + ids.map { "<record id=\"\($0)\"><field name=\"adx_name\" value=\"S \($0.prefix(4))\" /></record>" }.joined()
                    + "</records></entity></entities>").utf8)
        }
        try data(["11111111-1111-4111-8111-111111111111"]).write(to: pkg.appendingPathComponent("data.xml"))
        #expect(try await CLI.run(["env", "create", "t"], home: home).exitCode == 0)
        let args = ["data", "import", "--data", pkg.path, "--environment", "local:t"]
        let first = try await CLI.run(args, home: home)
        #expect(first.exitCode == 0, "\(first.stderr)")
        let journals = try #require(
            FileManager.default.enumerator(at: home, includingPropertiesForKeys: nil)?
                .compactMap { $0 as? URL }.filter { $0.pathExtension == "jsonl" })
        let journal = try #require(journals.first, "the run left a journal")
        let lockFile = journal.deletingPathExtension().appendingPathExtension("lock")

        // Hold the run's lock as a first run in progress would.
        let fd = open(lockFile.path, O_RDWR | O_CREAT, 0o600)
        try #require(fd >= 0)
        defer { close(fd) }
        try #require(flock(fd, LOCK_EX | LOCK_NB) == 0)
        let pid = "\(ProcessInfo.processInfo.processIdentifier)\n"
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, pid, pid.utf8.count, 0)
        try data(["11111111-1111-4111-8111-111111111111", "33333333-3333-4333-8333-333333333333"])
            .write(to: pkg.appendingPathComponent("data.xml"))
        let before = try Data(contentsOf: journal)
        let second = try await CLI.run(args, home: home)
        #expect(second.exitCode != 0)
        #expect(
            second.stderr.contains("another run with the same arguments is in progress (process \(ProcessInfo.processInfo.processIdentifier))"),
            "\(second.stderr)")
        #expect(try Data(contentsOf: journal) == before, "the journal is untouched")
        let env = try LocalEnvironment(opening: home.appendingPathComponent("environments/t.sqlite"))
        #expect(try await env.retrieveAll(RecordQuery("adx_website")).count == 1, "nothing written by the refused run")
        try env.close()
        _ = flock(fd, LOCK_UN)
        // Released, the same arguments run again (the first package again: a second website in one
        // package is a verify matter outside this test).
        try data(["11111111-1111-4111-8111-111111111111"]).write(to: pkg.appendingPathComponent("data.xml"))
        let third = try await CLI.run(args, home: home)
        #expect(third.exitCode == 0, "\(third.stdout) \(third.stderr)")
        #expect(!third.stderr.contains("resuming"), "the finished run is not reported as resumed: \(third.stderr)")
    }
}

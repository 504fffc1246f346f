import ArgumentParser
import Foundation
import Migration
@testable import PortalMigrateCLI
import PortalModel
import Testing

/// The options `upload`, `migrate` and `data import` share (`WritingRunOptions`, issue 19: one declaration
/// instead of three) reach `RunChoices` alike from each command, parsed in-process; `plan` keeps
/// `--keep-absent-columns` and the mass-delete limits without the writing options.
@Suite struct WritingRunOptionsTests {
    static let shared = [
        "--dry-run", "--no-verify", "--force", "--keep-absent-columns", "--skip-check", "missing-snippet",
        "--max-deletes", "7", "--max-delete-share", "25", "--allow-mass-delete",
    ]

    /// The choices the shared options give.
    static func choices(_ options: WritingRunOptions) -> RunChoices {
        var c = RunChoices()
        options.apply(to: &c)
        return c
    }

    static func expectShared(_ c: RunChoices, _ command: String) {
        #expect(c.dryRun && !c.verifyAfterWrite && c.force && c.keepAbsentColumns, "\(command)")
        #expect(c.skipChecks == [.missingSnippet], "\(command)")
        #expect(c.massDelete == MassDeleteLimits(maxDeleteShare: 25, maxDeletes: 7, allowed: true), "\(command)")
    }

    @Test("upload, migrate and data import map the shared options to the same choices")
    func sameChoices() throws {
        let upload = try #require(try PortalMigrateCommand.parseAsRoot(["upload", "--path", "/tmp/site"] + Self.shared) as? UploadCommand)
        Self.expectShared(Self.choices(upload.writing), "upload")
        let migrate = try #require(
            try PortalMigrateCommand.parseAsRoot(["migrate", "--from", "local:a", "--to", "local:b", "--webSiteId", UUID().uuidString] + Self.shared)
                as? MigrateCommand)
        Self.expectShared(Self.choices(migrate.writing), "migrate")
        let dataImport = try #require(
            try PortalMigrateCommand.parseAsRoot(["data", "import", "--data", "/tmp/d.zip"] + Self.shared) as? DataImportCommand)
        Self.expectShared(Self.choices(dataImport.writing), "data import")
    }

    @Test("without them: write, verify, stop on failed checks, clear absent columns, the default limits")
    func defaults() throws {
        let upload = try #require(try PortalMigrateCommand.parseAsRoot(["upload", "--path", "/tmp/site"]) as? UploadCommand)
        let c = Self.choices(upload.writing)
        #expect(!c.dryRun && c.verifyAfterWrite && !c.force && !c.keepAbsentColumns && c.skipChecks.isEmpty)
        #expect(c.massDelete == MassDeleteLimits(maxDeleteShare: 10, maxDeletes: 50, allowed: false))
    }

    @Test("plan takes --keep-absent-columns and the limits, not the writing options; a bad rule or share is a usage error")
    func planAndUsage() throws {
        let plan = try #require(try PortalMigrateCommand.parseAsRoot(["plan", "--path", "/tmp/site", "--keep-absent-columns"]) as? PlanCommand)
        #expect(plan.absent.keepAbsentColumns)
        #expect(throws: (any Error).self) { try PortalMigrateCommand.parseAsRoot(["plan", "--path", "/tmp/site", "--force"]) }
        for bad in [["--skip-check", "no-such-rule"], ["--max-delete-share", "101"], ["--max-deletes", "-1"]] {
            do {
                _ = try PortalMigrateCommand.parseAsRoot(["upload", "--path", "/tmp/site"] + bad)
                Issue.record("\(bad) was accepted")
            } catch {
                #expect(PortalMigrateCommand.exitCode(for: error).rawValue == 64, "\(bad): \(error)")
            }
        }
    }
}

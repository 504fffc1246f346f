import ArgumentParser
import ConfigurationMigration
import DataverseWebAPI
import Foundation
import Migration
import PortalFolder
@testable import PortalMigrateCLI
import PortalModel
import Testing
import TestSupport

/// Issue 19 "Problems travel in one shape": every library error a command stops on is a
/// `DiagnosticConvertible`, mapped in one place (`ProblemReport`, no list of types) to its message,
/// file and line, and exit code; and the newcomer-trial leftovers of the command line.
@Suite struct ErrorPathTests {
    @Test func eachModulesErrorKnowsItsMessagePlaceAndExitCode() throws {
        // A folder error: its file and line reach the --json error object.
        let folder = try #require(
            ProblemReport.userFacing(PortalFolderError.yamlSyntax(file: "web-pages/home.yml", line: 3, column: 2, problem: "bad")))
        #expect(folder.file == "web-pages/home.yml" && folder.line == 3 && folder.exitCode == PortalMigrateExit.checkFailed)
        // A CMT error names its file too (it was dropped before).
        let cmt = try #require(ProblemReport.userFacing(CMTError(.malformedXML, "not XML", file: "data.xml", line: 7)))
        #expect(cmt.file == "data.xml" && cmt.line == 7)
        // An environment that did not answer: exit 1, one sentence, no "?." (issue 19, newcomer trial).
        let silent = DataverseError(
            code: DataverseError.Code.transport,
            message: "cannot connect to http://127.0.0.1:9: connection refused (3 attempts); is the environment running and the URL right?")
        let mapped = try #require(ProblemReport.userFacing(silent))
        #expect(mapped.exitCode == PortalMigrateExit.recordsFailed)
        #expect(mapped.message.contains("the URL right? Run the command again") && !mapped.message.contains("?."), "\(mapped.message)")
        #expect(ProblemReport.userFacing(DataverseError(httpStatus: 400, code: "0x0", message: "bad"))?.exitCode == PortalMigrateExit.checkFailed)
        // The admin API: no answer or 5xx is exit 1, a refusal exit 2; a failed operation exit 1.
        #expect(ProblemReport.userFacing(PowerPagesAdminError(action: "create", status: 503, code: "", message: "busy"))?.exitCode.rawValue == 1)
        #expect(ProblemReport.userFacing(PowerPagesAdminError(action: "create", status: 403, code: "", message: "no"))?.exitCode.rawValue == 2)
        let stopped = ApplyStopped(cause: silent, written: 3, notWritten: 5)
        #expect(ProblemReport.userFacing(stopped)?.exitCode == PortalMigrateExit.recordsFailed)
        // One data-model mismatch error for folders and websites, naming the option that asked.
        let mismatch = DataModelMismatchError(path: "local:v2 website x", found: .enhanced, requested: .standard, option: "--targetModelVersion")
        #expect(ProblemReport.userFacing(mismatch)?.message.hasSuffix("pass --targetModelVersion 2 or leave it out to detect the model") == true)
        #expect(mismatch.diagnostics.map(\.check) == ["data-model-mismatch"])
        // Failed checks are rendered with their report; errors of no module stay as they are.
        #expect(ProblemReport.userFacing(MigrationError.checksFailed([])) == nil)
        #expect(ProblemReport.userFacing(CancellationError()) == nil)
        #expect(MigrationError.checksFailed([Diagnostic(check: "schema-drift", message: "m")]).diagnostics.map(\.check) == ["schema-drift"])
    }

    @Test func theFinalTransportMessageCountsRetriesAsProgressDoes() {
        let refused = TransportFailure(kind: .connectionFailed, detail: "connection refused")
        let policy = RetryPolicy()
        // Progress says "retry 1 of 2" for a refused connection (it gives up after 3 attempts), not "of 7".
        #expect(refused.maxRetries(policy) == policy.connectionFailureAttempts - 1)
        let text = refused.message(url: URL(string: "http://127.0.0.1:9")!, attempts: 3)
        #expect(text.contains("(gave up after 3 attempts, retry 2 of 2)"), "\(text)")
        #expect(TransportFailure(kind: .dropped, detail: "reset").maxRetries(policy) == policy.maxAttempts - 1)
    }

    @Test func anEmbeddedEnvironmentNamedWithoutLocalIsSuggested() async throws {
        let s = try Scenario("pm-h8-local")
        defer { s.remove() }
        try await s.createEnvironment("test")
        let r = try await s.run(["list", "--environment", "test"])
        #expect(r.exitCode == 2, "\(r.stderr)")
        #expect(r.stderr.contains("pass --environment local:test"), "\(r.stderr)")
        let other = try await s.run(["list", "--environment", "nope"])
        #expect(other.stderr.contains("no auth profile 'nope'") && !other.stderr.contains("local:nope"), "\(other.stderr)")
    }

    @Test func aDownloadIntoASiteFolderIsRefusedNamingItsParent() async throws {
        let s = try Scenario("pm-h8-nest")
        defer { s.remove() }
        let site = try s.copyCorpusFolder("ejada-starter-2022", as: "site")
        let before = try FileManager.default.contentsOfDirectory(atPath: site.path).sorted()
        let r = try await s.run([
            "download", "--path", site.path, "--webSiteId", "9b33ac01-11e0-ec11-bb3c-000d3ab4fb7f", "--environment", "local:none",
        ])
        #expect(r.exitCode == 64, "\(r.stderr)")
        #expect(r.stderr.contains("is a site folder already (it holds website.yml)"), "\(r.stderr)")
        #expect(
            r.stderr.contains("--path \(s.work.path) --overwrite") || r.stderr.contains("--path \(s.work.standardizedFileURL.path) --overwrite"),
            "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: site.path).sorted() == before, "nothing written")
    }

    @Test func aFolderWithoutASiteIsNamedAsTheFolderGivenWithPath() async throws {
        let s = try Scenario("pm-h8-path")
        defer { s.remove() }
        let empty = s.work.appendingPathComponent("empty", isDirectory: true)
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        for args in [["check", "--path", empty.path], ["plan", "--path", empty.path, "--to", "local:none"]] {
            let r = try await s.run(args)
            // check reports it as its own finding (stdout), plan as the error that stopped it (stderr).
            let text = r.stdout + r.stderr
            #expect(r.exitCode == 2, "\(args[0]): \(text)")
            #expect(text.contains("the folder given with --path doesn't contain"), "\(args[0]): \(text)")
            #expect(!text.contains("upload path provided"), "\(args[0]): \(text)")
        }
    }

    @Test func diffOfAFolderPicksTheTargetWebsiteByItsNameAmongSeveral() async throws {
        let s = try Scenario("pm-h8-diff")
        defer { s.remove() }
        try await s.createEnvironment("e")
        let alpha = try await s.provision("e", siteName: "Alpha")
        _ = try await s.provision("e", siteName: "Beta")
        let parent = s.work.appendingPathComponent("dl", isDirectory: true)
        try await s.succeed(["download", "--path", parent.path, "--webSiteId", alpha.dataverseString, "--environment", "local:e"])
        let folder = try #require(try FileManager.default.contentsOfDirectory(at: parent, includingPropertiesForKeys: nil).first)
        let r = try await s.run(["diff", "--path", folder.path, "--to", "local:e", "--json"])
        // Paired with Alpha by id: the folder and its website hold the same configuration.
        #expect(r.exitCode == 0, "\(r.stderr.suffix(1500))")
        let json = try JSONValue.parse(r.stdout)
        #expect(json["target"]?["websiteId"]?.stringValue == alpha.dataverseString, "\(r.stdout.prefix(400))")
    }
}

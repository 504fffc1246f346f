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
        #expect(folder.file == "web-pages/home.yml" && folder.line == 3 && folder.exit == PortalMigrateExit.checkFailed)
        // A CMT error names its file too (it was dropped before).
        let cmt = try #require(ProblemReport.userFacing(CMTError(.malformedXML, "not XML", file: "data.xml", line: 7)))
        #expect(cmt.file == "data.xml" && cmt.line == 7)
        // An environment that did not answer: exit 1, one sentence, no "?." (issue 19, newcomer trial).
        let silent = DataverseError(
            code: DataverseError.Code.transport,
            message: "cannot connect to http://127.0.0.1:9: connection refused (3 attempts); is the environment running and the URL right?")
        let mapped = try #require(ProblemReport.userFacing(silent))
        #expect(mapped.exit == PortalMigrateExit.recordsFailed)
        #expect(mapped.message.contains("the URL right? Run the command again") && !mapped.message.contains("?."), "\(mapped.message)")
        #expect(ProblemReport.userFacing(DataverseError(httpStatus: 400, code: "0x0", message: "bad"))?.exit == PortalMigrateExit.checkFailed)
        // The admin API: no answer or 5xx is exit 1, a refusal exit 2; a failed operation exit 1.
        #expect(ProblemReport.userFacing(PowerPagesAdminError(action: "create", status: 503, code: "", message: "busy"))?.exitCode == 1)
        #expect(ProblemReport.userFacing(PowerPagesAdminError(action: "create", status: 403, code: "", message: "no"))?.exitCode == 2)
        let stopped = ApplyStopped(cause: silent, written: 3, notWritten: 5)
        #expect(ProblemReport.userFacing(stopped)?.exit == PortalMigrateExit.recordsFailed)
        // One data-model mismatch error for folders and websites, naming the option that asked.
        let mismatch = DataModelMismatchError(path: "local:v2 website x", found: .enhanced, requested: .standard, option: "--targetModelVersion")
        #expect(ProblemReport.userFacing(mismatch)?.message.hasSuffix("pass --targetModelVersion 2 or leave it out to detect the model") == true)
        #expect(mismatch.diagnostics.map(\.check) == [.dataModelMismatch])
        // Failed checks are rendered with their report; errors of no module stay as they are.
        #expect(ProblemReport.userFacing(MigrationError.checksFailed([])) == nil)
        #expect(ProblemReport.userFacing(CancellationError()) == nil)
        #expect(MigrationError.checksFailed([Diagnostic(check: .schemaDrift, message: "m")]).diagnostics.map(\.check) == [.schemaDrift])
    }

    /// The --json error object keeps `message`, `exitCode`, `file`, `line` and adds `diagnostics`: every
    /// problem behind the failure with its own place; one made from the message when no library error
    /// named any (a usage error: check `usage`).
    @Test func theJSONErrorObjectListsEveryProblem() throws {
        let several = CMTProblems(
            errors: [
                CMTError(
                    .invalidValue, "'perhaps' is not a bool", file: "data.xml", line: 4, entity: "adx_webpage",
                    recordID: "22222222-2222-4222-8222-222222222222", field: "adx_hiddenfromsitemap"),
                CMTError(.invalidValue, "'soon' is not a date", file: "data.xml", line: 9, entity: "adx_webpage", field: "adx_releasedate"),
            ], notListed: 4)
        let error = try #require(ProblemReport.userFacing(several))
        let object = PortalMigrateCommand.errorJSON(
            message: error.message, exitCode: error.exitCode, file: error.file, line: error.line, diagnostics: error.diagnostics)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(object.serialized.utf8)) as? [String: Any])
        let e = try #require(parsed["error"] as? [String: Any])
        #expect(e["exitCode"] as? Int == 2 && e["file"] as? String == "data.xml" && e["line"] as? Int == 4)
        #expect((e["message"] as? String)?.hasPrefix("6 problems in data.xml:") == true, "\(e)")
        let diagnostics = try #require(e["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.map { $0["line"] as? Int } == [4, 9, nil], "\(diagnostics)")
        #expect(diagnostics[0]["column"] as? String == "adx_hiddenfromsitemap" && diagnostics[0]["table"] as? String == "adx_webpage")
        #expect(diagnostics[0]["recordID"] as? String == "22222222-2222-4222-8222-222222222222")
        #expect(
            diagnostics[2]["check"] as? String == "cmt-problems-not-listed" && (diagnostics[2]["message"] as? String)?.hasPrefix("4 more") == true)
        // A usage error of the command line itself: one diagnostic made from the message.
        let usage = UserFacingError("--webSiteId goes with --from", exitCode: PortalMigrateExit.usage)
        #expect(usage.exitCode == 64 && usage.diagnostics.map(\.check) == [.usage])
        let plain = PortalMigrateCommand.errorJSON(message: "x.yml:3: bad", exitCode: 2)
        let p = try #require(try JSONSerialization.jsonObject(with: Data(plain.serialized.utf8)) as? [String: Any])
        let d = try #require((p["error"] as? [String: Any])?["diagnostics"] as? [[String: Any]])
        #expect(d.count == 1 && d[0]["file"] as? String == "x.yml" && d[0]["line"] as? Int == 3 && d[0]["check"] as? String == "error")
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

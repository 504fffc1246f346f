import Foundation
import Migration
import PortalModel
import Testing
import TestSupport

/// The rules the command line used to hold, now the library's, in process: which runs are journalled,
/// the deployment-profile file a command is given, and check's verdict with its `--json` object.
@Suite struct CommandLayerRulesTests {
    @Test func theRunsThatWriteAreJournalledAndNoOther() {
        let kinds: [RunKind] = [.upload, .migrate, .dataImport, .plan, .verify]
        #expect(kinds.filter(\.isJournalled) == [.upload, .migrate, .dataImport])
    }

    @Test func aMissingDeploymentProfileIsRefusedNamingTheFileExpected() throws {
        let folder = try TestPaths.temporaryDirectory("pm-profile-file")
        defer { try? FileManager.default.removeItem(at: folder) }
        let profiles = folder.appendingPathComponent("deployment-profiles", isDirectory: true)
        try FileManager.default.createDirectory(at: profiles, withIntermediateDirectories: true)

        // By name in a site folder (upload): .yml, else .yaml when only that exists.
        let expected = profiles.appendingPathComponent("test.deployment.yml")
        #expect(throws: DeploymentProfileFileMissing(given: "test", expected: expected, byName: true)) {
            _ = try DeploymentProfile.file("test", inSiteFolder: folder)
        }
        do {
            _ = try DeploymentProfile.file("test", inSiteFolder: folder)
            Issue.record("a missing profile was accepted")
        } catch let e as DeploymentProfileFileMissing {
            #expect(e.userMessage == "no deployment profile test (expected \(expected.path))")
            #expect(e.exitCode == DiagnosticExit.failed)
            #expect(e.diagnostics.map(\.check) == [.input])
        }
        let yaml = profiles.appendingPathComponent("test.deployment.yaml")
        try Data("adx_sitesetting: []\n".utf8).write(to: yaml)
        #expect(try DeploymentProfile.file("test", inSiteFolder: folder) == yaml)
        try Data("adx_sitesetting: []\n".utf8).write(to: expected)
        #expect(try DeploymentProfile.file("test", inSiteFolder: folder) == expected)

        // As a path (plan, migrate, verify).
        let missing = folder.appendingPathComponent("nowhere.yml").path
        do {
            _ = try DeploymentProfile.file(missing)
            Issue.record("a missing profile file was accepted")
        } catch let e as DeploymentProfileFileMissing {
            #expect(e.description == "no deployment profile file at \(missing)")
            #expect(e.exitCode == DiagnosticExit.failed)
        }
        #expect(try DeploymentProfile.file(yaml.path) == URL(fileURLWithPath: yaml.path))
    }

    @Test func checkReportGivesTheVerdictTextAndJSON() throws {
        let error = Diagnostic(check: .input, severity: .error, message: "broken", table: "adx_webpage")
        let warning = Diagnostic(check: .input, severity: .warning, message: "odd", table: "adx_weblink")
        let skipped: Set<PortalRuleID> = [.homeSiteMarker, .contentPageLanguage]

        let warned = CheckReport(source: "./site", failOn: .error, diagnostics: [warning], skipped: skipped)
        #expect(warned.passed && warned.exitCode == DiagnosticExit.passed)
        #expect(warned.rulesRun == PortalRules.all.count - 2)
        #expect(warned.lines.last?.hasPrefix("check passed (--fail-on error): ") == true)
        #expect(warned.lines.last?.hasSuffix(" in ./site; \(PortalRules.all.count - 2) rule(s) run") == true)
        #expect(warned.lines.count == DiagnosticRenderer.text([warning]).count + 1)

        let strict = CheckReport(source: "./site", failOn: .warning, diagnostics: [error, warning], skipped: skipped)
        #expect(!strict.passed && strict.exitCode == DiagnosticExit.failed)
        #expect(strict.lines.last?.hasPrefix("check failed (--fail-on warning): ") == true)
        let json = strict.json.serialized
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["source"] as? String == "./site")
        #expect(object["failOn"] as? String == "warning")
        #expect(object["passed"] as? Bool == false)
        #expect(object["errors"] as? Int == 1 && object["warnings"] as? Int == 1)
        #expect(object["skipped"] as? [String] == ["content-page-language", "home-site-marker"])
        #expect((object["diagnostics"] as? [Any])?.count == 2)
        // Keys in the order the command has always printed them.
        let keys = ["source", "failOn", "passed", "errors", "warnings", "skipped", "diagnostics"]
        let positions = keys.map { json.range(of: "\"\($0)\"")?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil } && positions.map { $0! } == positions.map { $0! }.sorted())
    }
}

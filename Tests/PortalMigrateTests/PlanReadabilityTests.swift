import Foundation
import PortalModel
import Testing
import TestSupport

/// Plans a person can read (issue 24 item 4): an edit inside a long HTML/Liquid value shows as a line
/// diff, `plan --json` lists the records that change and says it wrote nothing, and a website id that
/// does not exist fails before anything is read or planned.
@Suite struct PlanReadabilityTests {
    @Test func longValuesShowALineDiffAndJSONListsTheRecords() async throws {
        let home = try TestPaths.temporaryDirectory("pm-plan-readable")
        defer { try? FileManager.default.removeItem(at: home) }
        let site = home.appendingPathComponent("ejada")
        try FileManager.default.copyItem(at: TestPaths.pacFolder("ejada-starter-2022"), to: site)
        #expect(try await CLI.run(["env", "create", "t"], home: home).status == 0)
        let uploaded = try await CLI.run(
            ["upload", "--path", site.path, "--environment", "local:t", "--yes", "--unblock-extensions", "svg"],
            home: home)
        #expect(uploaded.status == 0, "\(uploaded.err)")

        // One line in the middle of a long web template changes.
        let templates =
            FileManager.default.enumerator(at: site.appendingPathComponent("web-templates"), includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.lastPathComponent.hasSuffix(".webtemplate.source.html") } ?? []
        let longest = try #require(
            try templates.max { try String(contentsOf: $0, encoding: .utf8).count < String(contentsOf: $1, encoding: .utf8).count })
        var lines = try String(contentsOf: longest, encoding: .utf8).components(separatedBy: "\n")
        try #require(lines.count > 12, "corpus changed: \(longest.lastPathComponent) is short")
        let middle = lines.count / 2
        let before = lines[middle]
        lines[middle] = before + "<!-- pm-edit -->"
        try lines.joined(separator: "\n").write(to: longest, atomically: true, encoding: .utf8)

        let plan = try await CLI.run(["plan", "--path", site.path, "--to", "local:t"], home: home)
        #expect(plan.status == 0, "\(plan.err)")
        let text = plan.out + plan.err
        #expect(text.contains("adx_source: 1 line(s) replaced by 1"), "\(text)")
        #expect(text.contains("  - " + before) && text.contains("  + " + before + "<!-- pm-edit -->"), "\(text)")
        #expect(text.contains("unchanged line(s)"), "context is kept short, the rest folded: \(text)")

        let json = try await CLI.run(["plan", "--path", site.path, "--to", "local:t", "--json"], home: home)
        #expect(json.status == 0, "\(json.err)")
        let object = try JSONValue.parse(json.out)
        #expect(object["dryRun"] == .bool(true), "a plan writes nothing: \(json.out.prefix(400))")
        let records = try #require(object["records"]?.arrayValue, "\(json.out.prefix(400))")
        #expect(records.count == 1, "\(records)")
        #expect(records.first?["table"]?.stringValue == "adx_webtemplate")
        #expect(records.first?["action"]?.stringValue == "update")
        #expect(records.first?["columns"]?.arrayValue?.compactMap(\.stringValue) == ["adx_source"])
        #expect(records.first?["name"]?.stringValue?.isEmpty == false)
    }

    @Test func aWebsiteThatDoesNotExistFailsFirst() async throws {
        let home = try TestPaths.temporaryDirectory("pm-plan-nosite")
        defer { try? FileManager.default.removeItem(at: home) }
        #expect(try await CLI.run(["env", "create", "dev"], home: home).status == 0)
        #expect(try await CLI.run(["env", "create", "test"], home: home).status == 0)
        let missing = "0badc0de-0000-0000-0000-000000000001"
        let plan = try await CLI.run(["plan", "--from", "local:dev", "--to", "local:test", "--webSiteId", missing], home: home)
        #expect(plan.status == 2, "\(plan.out)\(plan.err)")
        #expect(
            plan.err.contains("local:dev has no website \(missing)") && plan.err.contains("portal-migrate list --environment local:dev"),
            "\(plan.err)")
        #expect(!plan.out.contains("No changes.") && !plan.err.contains("Read the source"), "nothing read or planned: \(plan.out)\(plan.err)")
        #expect(!plan.err.contains("--force"), "--force cannot help with a missing website: \(plan.err)")

        // The same for --targetWebSiteId: named first, nothing planned (it used to list a website change per record).
        let provisioned = try await CLI.run(["env", "provision", "dev", "--template", "starter", "--json"], home: home)
        let site = try #require(try JSONValue.parse(provisioned.out)["websiteId"]?.stringValue, "\(provisioned.err)")
        let mapped = try await CLI.run(
            [
                "plan", "--from", "local:dev", "--to", "local:test", "--webSiteId", site,
                "--targetWebSiteId", missing,
            ], home: home)
        #expect(mapped.status == 2, "\(mapped.out)\(mapped.err)")
        #expect(mapped.err.contains("website-not-found: local:test has no website \(missing) (--targetWebSiteId)"), "\(mapped.err)")
        #expect(!mapped.out.contains("adx_websiteid") && !mapped.err.contains("other-site-records"), "nothing planned: \(mapped.out)")
    }
}

import DataverseWebAPI
@testable import Environments
import Foundation
import LocalEnvironment
import PortalModel
import TestSupport
import Testing

/// The `site` rules in the library (issue 19): which admin API an environment has, how sites join
/// website records, which site an id names, what a create asks for and which site it made.
@Suite struct SiteEnvironmentTests {
    /// An embedded environment `dev` (base language 1031) in a fresh data directory, opened for sites.
    func openDev() async throws -> (SiteEnvironment, EnvironmentConnection) {
        let root = try TestPaths.temporaryDirectory("pm-site-env")
        let c = EnvironmentConnection(variables: ["PORTAL_MIGRATE_HOME": root.path, "PORTAL_MIGRATE_CONFIG_HOME": root.path], interactive: false)
        try EnvironmentDirectory(c.dataDirectory).create("dev", options: LocalEnvironmentOptions(name: "dev", languageCode: 1031)).close()
        return (try await SiteEnvironment.open("local:dev", connection: c), c)
    }

    static func site(_ id: String, record: UUID?, status: String?, subdomain: String? = nil) -> PowerPagesWebsite {
        var json: [(String, JSONValue)] = [("id", .string(id))]
        if let record { json.append(("websiteRecordId", .string(record.uuidString))) }
        if let status { json.append(("status", .string(status))) }
        if let subdomain { json.append(("subdomain", .string(subdomain))) }
        return PowerPagesWebsite(json: .object(json))!
    }

    static func record(_ id: UUID, _ name: String) -> WebsiteSummary {
        WebsiteSummary(websiteId: id, name: name, dataModel: "standard", baseLanguage: 1033, portalAppId: nil)
    }

    /// Every state: a site's status decides provisioning/failed; a finished site is active when its
    /// record is there, else no-record; a record no site hosts is inactive (listed after the sites).
    @Test func sitesJoinWebsiteRecordsIntoStates() {
        let (a, b, c, d) = (UUID(), UUID(), UUID(), UUID())
        let rows = SiteRow.join(
            sites: [
                Self.site("s1", record: a, status: "OperationComplete"), Self.site("s2", record: b, status: "operationInProgress"),
                Self.site("s3", record: nil, status: "OperationNotStarted"), Self.site("s4", record: c, status: "OperationFailed"),
                Self.site("s5", record: UUID(), status: nil),
            ],
            records: [Self.record(d, "Lonely"), Self.record(a, "Main"), Self.record(b, "Second")])
        #expect(rows.map(\.state) == [.active, .provisioning, .provisioning, .failed, .noRecord, .inactive])
        #expect(rows.map { $0.site?.id } == ["s1", "s2", "s3", "s4", "s5", nil])
        #expect(rows[0].record?.name == "Main" && rows[0].name == "Main")
        #expect(rows[5].record?.websiteId == d && rows[5].websiteRecordID == d.dataverseString)
        #expect(SiteRow.State.noRecord.rawValue == "no-record")
    }

    /// `local:NAME`: Dataverse and the admin API in-process; the environment id is the organization id.
    @Test func localEnvironmentsAnswerTheAdminAPIInProcess() async throws {
        let (env, _) = try await openDev()
        defer { env.close() }
        #expect(env.label == "local:dev" && env.baseLanguage == 1031 && env.local != nil)
        #expect(env.admin.environmentID == env.organizationID.uuidString.lowercased())
        #expect(try await env.rows().isEmpty)
    }

    /// A create asks for the environment's base language, or the existing record's; a record that is
    /// not there is refused before the admin API is asked; the site made is found by its subdomain and
    /// then named by its id or by the record it serves.
    @Test func createFindsTheSiteItMadeAndSelectionFindsItAgain() async throws {
        let (env, _) = try await openDev()
        defer { env.close() }
        let fresh = try await env.createRequest(name: "Contoso", subdomain: "contoso", template: "blankpage")
        #expect(fresh.selectedBaseLanguage == 1031 && fresh.templateName == "BlankPage" && fresh.websiteRecordId == nil)
        #expect(try await env.createRequest(name: "C", subdomain: "c1", template: "BlankPage", language: 1033).selectedBaseLanguage == 1033)
        let missing = UUID()
        await #expect(throws: EnvironmentsError.noWebsiteRecord(missing, label: "local:dev")) {
            try await env.createRequest(name: "C", subdomain: "cc", template: "BlankPage", existingWebsite: missing)
        }

        let lines = LinesHeard()
        let location = LinesHeard()
        let made = try #require(
            try await env.create(
                fresh, wait: SiteWait(pollInterval: .milliseconds(10)), accepted: { location.add($0.absoluteString) },
                report: { lines.add($0) }))
        #expect(location.lines.count == 1)
        let site = try #require(made.site)
        #expect(site.subdomain == "contoso" && made.state.phase == .succeeded)
        let record = try #require(made.websiteRecordID.flatMap { UUID(uuidString: $0) })
        #expect(lines.lines.allSatisfy { $0.hasPrefix("  creating site 'Contoso' (a new website record from BlankPage): ") })

        #expect(try await env.site(id: site.id.uppercased()).id == site.id)
        #expect(try await env.site(servingRecord: record, as: record.dataverseString).id == site.id)
        await #expect(throws: EnvironmentsError.noSiteWithID("nope", label: "local:dev")) { try await env.site(id: "nope") }
        let other = UUID()
        await #expect(throws: EnvironmentsError.noSiteServesRecord(other.dataverseString, label: "local:dev")) {
            try await env.site(servingRecord: other, as: other.dataverseString)
        }
        let rows = try await env.rows()
        #expect(rows.map(\.state) == [.active] && rows.first?.record?.websiteId == record)

        // The existing record's language is the default for a second site serving it.
        let rebind = try await env.createRequest(name: "Again", subdomain: "again", template: "BlankPage", existingWebsite: record)
        #expect(rebind.websiteRecordId == record && rebind.selectedBaseLanguage == rows.first?.record?.baseLanguage)

        // --no-wait: accepted, nothing waited for.
        let later = try await env.createRequest(name: "Later", subdomain: "later", template: "BlankPage")
        #expect(try await env.create(later, wait: SiteWait(noWait: true)) == nil)
    }

    /// While an operation runs, a status line is reported when the status changes and otherwise at
    /// most once per interval.
    @Test func statusLinesOnChangeAndThenOncePerInterval() {
        let t = StatusReportThrottle(interval: .seconds(30))
        #expect(t.shouldReport("OperationNotStarted", .seconds(0)))
        #expect(!t.shouldReport("OperationNotStarted", .seconds(10)))
        #expect(t.shouldReport("OperationInProgress", .seconds(11)))
        #expect(!t.shouldReport("OperationInProgress", .seconds(40)))
        #expect(t.shouldReport("OperationInProgress", .seconds(41)))
        #expect(t.shouldReport("OperationComplete", .seconds(42)))
    }

    /// Subdomains follow Microsoft's client's rule (research/code-sites-and-admin-api.md §B.2).
    @Test func subdomainRule() {
        for good in ["ab", "contoso", "a1-b2", String(repeating: "a", count: 63), SiteEnvironment.preparationSubdomain()] {
            #expect(CreateWebsiteRequest.isValidSubdomain(good), "\(good)")
        }
        for bad in ["a", "-ab", "ab-", "Ab", "a_b", "a.b", String(repeating: "a", count: 64), ""] {
            #expect(!CreateWebsiteRequest.isValidSubdomain(bad), "\(bad)")
        }
    }
}

/// Lines a callback heard, for assertions.
final class LinesHeard: @unchecked Sendable {
    private var heard: [String] = []
    private let lock = NSLock()
    func add(_ line: String) { lock.withLock { heard.append(line) } }
    var lines: [String] { lock.withLock { heard } }
}

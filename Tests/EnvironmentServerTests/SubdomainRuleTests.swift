import DataverseWebAPI
import EnvironmentServer
import Foundation
import PortalModel
import Testing
import TestSupport

/// The subdomain rule is one rule (issue 19): the command line's check (`CreateWebsiteRequest.isValidSubdomain`)
/// and the embedded server's admin API (`POST websites`, 400 `InvalidSubdomain`) answer alike for the
/// same subdomain, because both ask `SiteHost.isValidSubdomain`.
@Suite struct SubdomainRuleTests {
    /// Boundaries and characters a hand-written rule gets wrong: lengths 1/2/63/64, hyphens at either
    /// end, upper case, non-ASCII letters and digits, a trailing line feed (a regular expression's `$`
    /// matches before one), spaces, dots, underscores.
    static let edges: [String] = [
        "", "a", "ab", "a-b", "-ab", "ab-", "--", "a--b", "0", "00", "9z", "contoso", "Contoso", "a_b", "a.b", "a b",
        "ab\n", "\nab", "ab\r\n", " ab", "ab ", "é1", "ａb", "a١", "ab\u{0}", String(repeating: "a", count: 62),
        String(repeating: "a", count: 63), String(repeating: "a", count: 64), "-" + String(repeating: "a", count: 62),
        String(repeating: "a", count: 62) + "-", String(repeating: "é", count: 32),
    ]

    /// Random strings over an alphabet near the rule's edges, from a printed seed.
    static func generated(count: Int) -> [String] {
        let seed = UInt64.random(in: 1...UInt64.max)
        print("SubdomainRuleTests: seed \(seed)")
        var random = SplitMix64(seed: seed)
        let alphabet = Array("abcz09-AZ_. \néß")
        return (0..<count).map { _ in
            let length = Int.random(in: 0...66, using: &random)
            // Mostly valid characters, so lengths and hyphen positions are what decides.
            return String(
                (0..<length).map { _ in
                    Int.random(in: 0..<10, using: &random) < 8
                        ? alphabet[Int.random(in: 0..<6, using: &random)] : alphabet[Int.random(in: 0..<alphabet.count, using: &random)]
                })
        }
    }

    @Test func commandLineAndAdminAPIAnswerAlike() async throws {
        let service = SiteHostingCapabilityTests.HostingService()
        let org = try await service.organizationInfo().organizationID
        let handler = AdminAPIHandler.inProcess(environment: service)
        // No such website record: a subdomain the rule accepts goes on to be refused as 404
        // WebsiteRecordNotFound, so nothing is created and every input can be asked.
        let missingRecord = UUID().uuidString.lowercased()
        var accepted = 0
        for subdomain in Self.edges + Self.generated(count: 300) {
            let body: JSONValue = .object([
                ("name", .string("Contoso")), ("subdomain", .string(subdomain)), ("templateName", .string("DefaultPortalTemplate")),
                ("dataverseOrganizationId", .string(org.uuidString.lowercased())), ("selectedBaseLanguage", .number("1033")),
                ("websiteRecordId", .string(missingRecord)),
            ])
            let r = await SiteHostingCapabilityTests.request(handler, "POST", "websites", org: org, body: body)
            let code = r.json?["error"]?["code"]?.stringValue
            let serverAccepts = code != "InvalidSubdomain"
            let cliAccepts = CreateWebsiteRequest.isValidSubdomain(subdomain)
            #expect(serverAccepts == cliAccepts, "\(subdomain.debugDescription): command line \(cliAccepts), admin API \(r.status) \(code ?? "-")")
            #expect(serverAccepts ? (r.status == 404 && code == "WebsiteRecordNotFound") : r.status == 400, "\(subdomain.debugDescription)")
            if cliAccepts { accepted += 1 }
        }
        #expect(try await service.siteHosts().isEmpty)
        // The inputs exercise both answers.
        #expect(accepted >= 5)
    }

    /// The rule itself, on its boundaries (research/code-sites-and-admin-api.md §B.2).
    @Test func ruleBoundaries() {
        for good in ["ab", "a-b", "a--b", "00", "9z", "contoso", String(repeating: "a", count: 63)] {
            #expect(SiteHost.isValidSubdomain(good), "\(good)")
        }
        for bad in ["", "a", "-ab", "ab-", "--", "Contoso", "a_b", "a.b", "a b", "ab\n", "é1", String(repeating: "a", count: 64)] {
            #expect(!SiteHost.isValidSubdomain(bad), "\(bad.debugDescription)")
        }
    }
}

import EnvironmentServer
import Foundation
import PortalModel
import Synchronization
import Testing
import TestSupport

/// The admin API works for any service with the `siteHosting` capability (issue 19: the server's
/// handlers take the protocol, not the concrete embedded environment), and answers 501 for one without.
@Suite struct SiteHostingCapabilityTests {
    /// A `MemoryService` whose site hosts are kept in memory: a service that hosts sites and is not a
    /// `LocalEnvironment`. Only binding to an existing website record is supported (no provisioning).
    final class HostingService: ForwardingService, SiteHosting {
        let memory = MemoryService()
        var forwardedService: any DataverseService { memory }
        let hosts = Mutex<[SiteHost]>([])

        func siteHosts() async throws -> [SiteHost] { hosts.withLock { $0 } }
        func createSiteHost(
            template: String, hostTemplate: String, name: String, subdomain: String, dataModel: DataModel, hostID: UUID
        ) async throws -> SiteHost {
            throw DataverseError(code: DataverseError.Code.invalidArgument, message: "this test service does not provision sites")
        }
        func bindSiteHost(existingWebsite: UUID, hostTemplate: String, name: String, subdomain: String, hostID: UUID) async throws -> SiteHost {
            let host = SiteHost(
                id: hostID, name: name, websiteRecordId: existingWebsite, template: hostTemplate, dataModel: "standard", subdomain: subdomain,
                createdOn: Date())
            hosts.withLock { $0.append(host) }
            return host
        }
        func deleteSiteHost(_ hostID: UUID) async throws -> Bool {
            hosts.withLock { all in
                let before = all.count
                all.removeAll { $0.id == hostID }
                return all.count < before
            }
        }
    }

    static let origin = "http://127.0.0.1:1"

    static func request(
        _ handler: AdminAPIHandler, _ method: String, _ path: String, org: UUID, body: JSONValue? = nil
    ) async -> (status: Int, json: JSONValue?) {
        let r = await handler.handle(
            method: method, path: "/powerpages/environments/\(org.uuidString.lowercased())/" + path,
            query: [("api-version", "2024-10-01")], headers: [:], body: body.map { Data($0.serialized.utf8) } ?? Data(), origin: origin)
        return (r.status, try? JSONValue.parse(r.body))
    }

    @Test func adminAPIBindsAndListsSitesOfAnyServiceThatHostsThem() async throws {
        let service = HostingService()
        let website = UUID()
        await service.memory.seed([EntityRecord("adx_website", id: website, columns: ["adx_name": .string("Contoso")])])
        let org = try await service.organizationInfo().organizationID
        let handler = AdminAPIHandler.inProcess(environment: service)
        let create: JSONValue = .object([
            ("name", .string("Contoso")), ("subdomain", .string("contoso-test")), ("templateName", .string("DefaultPortalTemplate")),
            ("dataverseOrganizationId", .string(org.uuidString.lowercased())), ("selectedBaseLanguage", .number("1033")),
            ("websiteRecordId", .string(website.uuidString.lowercased())),
        ])
        let created = await Self.request(handler, "POST", "websites", org: org, body: create)
        #expect(created.status == 202)
        let hosts = try await service.siteHosts()
        #expect(hosts.count == 1 && hosts.first?.websiteRecordId == website && hosts.first?.subdomain == "contoso-test")

        let listed = await Self.request(handler, "GET", "websites", org: org)
        #expect(listed.status == 200)
        let site = try #require(listed.json?["value"]?.arrayValue?.first)
        #expect(site["websiteRecordId"]?.stringValue == website.uuidString.lowercased())
        #expect(site["subdomain"]?.stringValue == "contoso-test" && site["dataModel"]?.stringValue == "Standard")

        // The same subdomain again is refused from the service's hosts.
        let again = await Self.request(handler, "POST", "websites", org: org, body: create)
        #expect(again.status == 400 && again.json?["error"]?["code"]?.stringValue == "SubdomainConflict")

        let hostID = try #require(hosts.first?.id)
        #expect(await Self.request(handler, "DELETE", "websites/\(hostID.uuidString.lowercased())", org: org).status == 202)
        #expect(try await service.siteHosts().isEmpty)
    }

    @Test func adminAPIAnswers501ForAServiceThatHostsNoSites() async throws {
        let service = MemoryService()
        #expect(service.siteHosting == nil)
        let org = try await service.organizationInfo().organizationID
        let r = await Self.request(AdminAPIHandler.inProcess(environment: service), "GET", "websites", org: org)
        #expect(r.status == 501 && r.json?["error"]?["code"]?.stringValue == "NotImplemented")
    }
}

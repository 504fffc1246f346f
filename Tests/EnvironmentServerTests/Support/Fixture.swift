import EnvironmentServer
import Foundation
import PortalModel
import TestSupport

/// Runs `body` against a fresh `MemoryService` served on 127.0.0.1 (port 0), stopping the server afterwards.
func withServer(
    _ options: ServerOptions = ServerOptions(), seed: [EntityRecord] = [],
    _ body: (MemoryService, RunningServer) async throws -> Void
) async throws {
    let service = MemoryService()
    await service.seed(seed)
    let server = try await ServerSupport.start(service, options: options)
    do {
        try await body(service, server)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}

/// A small site: one website, a language, `pages` web pages (names `Page 0`…, display order = index,
/// every third hidden, alternating parent), two roles and a permission.
struct SampleSite {
    let website = UUID()
    let language = UUID()
    var pages: [UUID] = []
    let roles = [UUID(), UUID()]
    let permission = UUID()
    var records: [EntityRecord] = []

    init(pages count: Int = 10) {
        records.append(EntityRecord("adx_website", id: website, columns: ["adx_name": .string("Contoso")]))
        records.append(
            EntityRecord(
                "adx_websitelanguage", id: language,
                columns: [
                    "adx_name": .string("English"), "adx_websiteid": .lookup(EntityReference("adx_website", website, name: "Contoso")),
                ]))
        for i in 0..<count {
            let id = UUID()
            pages.append(id)
            var cols: [String: FieldValue] = [
                "adx_name": .string(i == 0 ? "Home" : "Page \(i)"),
                "adx_partialurl": .string(i == 0 ? "/" : "page-\(i)"),
                "adx_displayorder": .integer(Int32(i)),
                "adx_hiddenfromsitemap": .boolean(i % 3 == 0),
                "adx_websiteid": .lookup(EntityReference("adx_website", website, name: "Contoso")),
                "modifiedon": .dateTime(DateTimeValue(iso8601: "2024-01-\(String(format: "%02d", (i % 28) + 1))T10:00:00Z")!),
            ]
            if i > 0 { cols["adx_parentpageid"] = .lookup(EntityReference("adx_webpage", pages[0], name: "Home")) }
            records.append(EntityRecord("adx_webpage", id: id, columns: cols))
        }
        for (i, r) in roles.enumerated() {
            records.append(EntityRecord("adx_webrole", id: r, columns: ["adx_name": .string("Role \(i)")]))
        }
        records.append(EntityRecord("adx_entitypermission", id: permission, columns: ["adx_entityname": .string("contact")]))
    }
}

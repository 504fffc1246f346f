import DataverseWebAPI
import Foundation
import LocalEnvironment
import PortalModel
import Testing
import TestSupport
@testable import EnvironmentServer

/// Counts the requests a `WebAPIClient` sends (method, path and the `Range`/`Content-Range` headers),
/// passing them to the real AsyncHTTPClient transport.
final class CountingTransport: HTTPTransport, @unchecked Sendable {
    struct Seen: Sendable { var method: String; var path: String; var range: String?; var contentRange: String?; var status: Int; var bytes: Int }
    private let inner = AsyncHTTPTransport()
    private let lock = NSLock()
    private var seen: [Seen] = []

    var requests: [Seen] { lock.withLock { seen } }

    func send(_ request: HTTPRequestMessage, timeout: Duration) async throws -> HTTPResponseMessage {
        let response = try await inner.send(request, timeout: timeout)
        let header = { (name: String) in request.headers.first { $0.name.lowercased() == name.lowercased() }?.value }
        let entry = Seen(
            method: request.method, path: request.url.path, range: header("Range"), contentRange: header("Content-Range"),
            status: response.status, bytes: max(request.body?.count ?? 0, response.body.count))
        lock.withLock { seen.append(entry) }
        return response
    }
}

/// The enhanced data model tables of a `LocalEnvironment` served over HTTP (issue 9): `content` JSON
/// byte for byte, the component type, lookups, the self N:N, and web file bodies through the
/// `filecontent` file column in chunks both ways (acceptance 4).
@Suite struct EnhancedOverHTTPTests {
    func withLocal(_ body: (LocalEnvironment, RunningServer) async throws -> Void) async throws {
        let dir = try TestPaths.temporaryDirectory("pm-enhanced-http")
        let env = try LocalEnvironment.create(at: dir.appendingPathComponent("env.sqlite"), options: LocalEnvironmentOptions(name: "enhanced"))
        let server = try await ServerSupport.start(env)
        do { try await body(env, server) } catch { await server.stop(); try? env.close(); throw error }
        await server.stop()
        try env.close()
        try? FileManager.default.removeItem(at: dir)
    }

    @Test func componentsOverHTTPKeepContentLookupsAndLinks() async throws {
        try await withLocal { env, server in
            let base = server.baseURL
            let site = UUID(), language = UUID(), role = UUID(), permission = UUID()
            let content = #"{"entitylogicalname":"contact", "read":true,"note":"é\n","adx_entitypermission_webrole":["\#(role.dataverseString)"]}"#
            let created = [
                try await HTTP.json(
                    "POST", base + "powerpagesites",
                    .object([
                        ("powerpagesiteid", .string(site.dataverseString)), ("name", .string("Enhanced")),
                        ("content", .string(#"{"website_language":1033}"#)), ("datamodelversion", .string("2")),
                    ])),
                try await HTTP.json(
                    "POST", base + "powerpagesitelanguages",
                    .object([
                        ("powerpagesitelanguageid", .string(language.dataverseString)), ("name", .string("English")),
                        ("languagecode", .string("en-US")), ("lcid", .number("1033")),
                        ("powerpagesiteid@odata.bind", .string("/powerpagesites(\(site.dataverseString))")),
                    ])),
                try await HTTP.json(
                    "POST", base + "powerpagecomponents",
                    .object([
                        ("powerpagecomponentid", .string(role.dataverseString)), ("name", .string("Administrators")),
                        ("powerpagecomponenttype", .number("11")), ("content", .string("{}")),
                        ("powerpagesiteid@odata.bind", .string("/powerpagesites(\(site.dataverseString))")),
                    ])),
                try await HTTP.json(
                    "POST", base + "powerpagecomponents",
                    .object([
                        ("powerpagecomponentid", .string(permission.dataverseString)), ("name", .string("Contacts")),
                        ("powerpagecomponenttype", .number("18")), ("content", .string(content)),
                        ("powerpagesiteid@odata.bind", .string("/powerpagesites(\(site.dataverseString))")),
                        ("powerpagesitelanguageid@odata.bind", .string("/powerpagesitelanguages(\(language.dataverseString))")),
                    ])),
                try await HTTP.json(
                    "POST", base + "powerpagecomponents(\(permission.dataverseString))/powerpagecomponent_powerpagecomponent/$ref",
                    .object([("@odata.id", .string(base + "powerpagecomponents(\(role.dataverseString))"))])),
            ]
            for r in created { #expect(r.status == 204, "\(r.status) \(r.text)") }

            let filter = HTTP.q(
                "_powerpagesiteid_value eq \(site.dataverseString) and powerpagecomponenttype eq 18 and _powerpagesitelanguageid_value ne null")
            let found = try await HTTP.get(
                base + "powerpagecomponents?$select=name,content,powerpagecomponenttype,_powerpagesitelanguageid_value&$filter=\(filter)")
            let rows = try found.values()
            #expect(rows.count == 1)
            #expect(rows.first?["content"]?.stringValue == content)
            #expect(rows.first?["powerpagecomponenttype"]?.intValue == 18)
            #expect(rows.first?["_powerpagesitelanguageid_value"]?.stringValue == language.dataverseString)

            // The same through WebAPIClient, and the self N:N through the intersect set.
            let client = try WebAPIClient(environmentURL: try #require(URL(string: server.origin)))
            let record = try #require(
                try await client.retrieveAll(RecordQuery("powerpagecomponent", filter: .equal("powerpagecomponentid", .guid(permission)))).first)
            #expect(record.string("content") == content)
            #expect(record.lookupID("powerpagesiteid") == site)
            let links = try await client.retrieveLinks(relationship: "powerpagecomponent_powerpagecomponent", firstIDs: nil)
            #expect(links.map { Set([$0.first.id, $0.second.id]) } == [[permission, role]])
            _ = env
        }
    }

    /// Uploads `size` bytes into a web file component's `filecontent` with WebAPIClient (chunked over
    /// 4 MiB), downloads them back in 4 MiB ranges, and checks the requests and the bytes.
    func roundTrip(size: Int) async throws {
        try await withLocal { env, server in
            let site = UUID(), file = UUID()
            let seeded = try await env.execute([
                .create(
                    EntityRecord(
                        "powerpagesite", id: site, columns: ["name": .string("Files"), "content": .string("{}"), "datamodelversion": .string("2")])),
                .create(
                    EntityRecord(
                        "powerpagecomponent", id: file,
                        columns: [
                            "name": .string("video.bin"), "powerpagecomponenttype": .choice(PowerPageComponentType.webFile.rawValue),
                            "content": .string(#"{"partialurl":"video.bin"}"#), "powerpagesiteid": .lookup(EntityReference("powerpagesite", site)),
                        ])),
            ])
            #expect(seeded.allSatisfy { $0.isSuccess })
            // Pseudo-random bytes (a 64-bit LCG's high bytes), so a shifted or repeated chunk cannot compare equal.
            var state: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(size)
            var raw = [UInt8](repeating: 0, count: size)
            for i in 0..<size {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                raw[i] = UInt8(truncatingIfNeeded: state >> 56)
            }
            let bytes = Data(raw)
            let transport = CountingTransport()
            let client = try WebAPIClient(environmentURL: try #require(URL(string: server.origin)), transport: transport)
            let key = FileBodyKey("powerpagecomponent", file, "filecontent")
            try await client.upload(key, fileName: "video.bin", body: .data(bytes))

            let chunk = 4 * 1024 * 1024
            let expectedChunks = (size + chunk - 1) / chunk
            let uploads = transport.requests.filter { $0.method == "PATCH" && $0.path.hasSuffix("/filecontent") }
            #expect(uploads.count == expectedChunks + 1, "one start and one PATCH per chunk")
            #expect(uploads.first?.contentRange == nil && uploads.first?.status == 200)
            let chunkRequests = uploads.dropFirst()
            #expect(chunkRequests.map(\.status) == Array(repeating: 206, count: expectedChunks - 1) + [204])
            #expect(chunkRequests.allSatisfy { $0.bytes <= chunk })
            #expect(chunkRequests.last?.contentRange == "bytes \(chunk * (expectedChunks - 1))-\(size - 1)/\(size)")
            // Stored in the environment exactly.
            #expect(try await env.downloadFile(key) == bytes)

            let before = transport.requests.count
            let downloaded = try await client.downloadFile(key)
            let downloads = transport.requests.dropFirst(before).filter { $0.method == "GET" && $0.path.hasSuffix("/$value") }
            #expect(downloads.count == expectedChunks)
            #expect(downloads.allSatisfy { $0.status == 206 && $0.bytes <= chunk })
            #expect(downloads.compactMap(\.range) == (0..<expectedChunks).map { "bytes=\($0 * chunk)-\($0 * chunk + chunk - 1)" })
            #expect(downloaded == bytes)
        }
    }

    /// Acceptance 4 of issue 9: a 20 MB web file through the file column over HTTP, in chunks both ways.
    @Test func twentyMegabyteWebFileRoundTripsInChunks() async throws {
        try await roundTrip(size: 20 * 1024 * 1024)
    }

    /// A body that is not a multiple of the chunk size, and one that fits in one request.
    @Test func oddSizesRoundTrip() async throws {
        try await roundTrip(size: 5 * 1024 * 1024 + 17)
    }

    @Test func rangeRequestsOnTheServer() async throws {
        try await withLocal { env, server in
            let site = UUID(), file = UUID()
            _ = try await env.execute([
                .create(EntityRecord("powerpagesite", id: site, columns: ["name": .string("R"), "content": .string("{}")])),
                .create(
                    EntityRecord(
                        "powerpagecomponent", id: file,
                        columns: [
                            "name": .string("a.txt"), "powerpagecomponenttype": .choice(3), "content": .string("{}"),
                            "powerpagesiteid": .lookup(EntityReference("powerpagesite", site)),
                        ])),
                .uploadFile(FileBodyKey("powerpagecomponent", file, "filecontent"), fileName: "a.txt", body: .data(Data("0123456789".utf8))),
            ])
            let url = server.baseURL + "powerpagecomponents(\(file.dataverseString))/filecontent/$value"
            let whole = try await HTTP.get(url)
            #expect(whole.status == 200 && whole.text == "0123456789" && whole.header("x-ms-file-size") == "10")
            let part = try await HTTP.get(url, headers: ["Range": "bytes=2-5"])
            #expect(part.status == 206 && part.text == "2345" && part.header("Content-Range") == "bytes 2-5/10")
            #expect(part.header("x-ms-file-name") == "a.txt")
            let microsoftForm = try await HTTP.get(url, headers: ["Range": "bytes=8-20/10"])
            #expect(microsoftForm.status == 206 && microsoftForm.text == "89" && microsoftForm.header("Content-Range") == "bytes 8-9/10")
            let open = try await HTTP.get(url, headers: ["Range": "bytes=7-"])
            #expect(open.text == "789")
            #expect(try await HTTP.get(url, headers: ["Range": "bytes=10-12"]).status == 416)
            #expect(try await HTTP.get(url, headers: ["Range": "lines=1-2"]).status == 400)
        }
    }

    /// The website listing and model detection give the same answers in-process and over HTTP,
    /// including for an environment that has no standard-model tables at all.
    @Test func listingAndModelDetectionThroughTheClient() async throws {
        try await withLocal { env, server in
            let standard = try await env.provision(template: "starter", name: "Standard Site")
            let enhanced = try await env.provision(template: "starter", name: "Enhanced Site", dataModel: .enhanced)
            let client = try WebAPIClient(environmentURL: try #require(URL(string: server.origin)))
            let local = try await WebsiteListing.websites(in: env)
            let remote = try await WebsiteListing.websites(in: client)
            #expect(local == remote)
            #expect(remote.map(\.dataModel) == ["enhanced", "standard"])
            #expect(remote.map(\.portalAppId) == [enhanced.portalAppId, standard.portalAppId])
            #expect(try await WebsiteListing.dataModel(ofWebsite: standard.websiteId, in: client) == .standard)
            #expect(try await WebsiteListing.dataModel(ofWebsite: enhanced.websiteId, in: client) == .enhanced)
            #expect(try await WebsiteListing.dataModel(ofWebsite: UUID(), in: client) == nil)
            #expect(try await env.dataModel(ofWebsite: enhanced.websiteId) == .enhanced)
            #expect(try await WebsiteListing.dataModels(in: client) == [.standard, .enhanced])
        }
        // An environment without the adx tables (a newer, enhanced-only organization).
        let dir = try TestPaths.temporaryDirectory("pm-enhanced-only")
        let adx = Set(TableCatalog.standard.logicalNames.filter { $0.hasPrefix("adx_") && $0 != "adx_portallanguage" })
        let env = try LocalEnvironment.create(
            at: dir.appendingPathComponent("env.sqlite"),
            options: LocalEnvironmentOptions(name: "v2only", tables: .catalog(excludingTables: adx)))
        #expect(env.catalog.table("adx_website") == nil)
        let site = try await env.provision(template: "starter", dataModel: .enhanced)
        let server = try await ServerSupport.start(env)
        do {
            let client = try WebAPIClient(environmentURL: try #require(URL(string: server.origin)))
            #expect(try await WebsiteListing.websites(in: client).map(\.websiteId) == [site.websiteId])
            #expect(try await WebsiteListing.dataModel(ofWebsite: site.websiteId, in: client) == .enhanced)
            #expect(try await WebsiteListing.dataModel(ofWebsite: UUID(), in: client) == nil)
        } catch { await server.stop(); throw error }
        await server.stop()
        try env.close()
    }
}

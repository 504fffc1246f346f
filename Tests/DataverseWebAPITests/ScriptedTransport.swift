import Foundation
@testable import DataverseWebAPI
import PortalModel

/// A transport that answers from a script and records every request: the unit tests check the
/// exact requests the client encodes, with no network.
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var log: [HTTPRequestMessage] = []
    private let handler: @Sendable (HTTPRequestMessage, Int) async throws -> HTTPResponseMessage

    /// `handler` gets each request and its 0-based arrival number.
    init(_ handler: @escaping @Sendable (HTTPRequestMessage, Int) async throws -> HTTPResponseMessage) {
        self.handler = handler
    }

    var requests: [HTTPRequestMessage] { lock.withLock { log } }

    func send(_ request: HTTPRequestMessage, timeout: Duration) async throws -> HTTPResponseMessage {
        let n: Int = lock.withLock {
            log.append(request); return log.count - 1
        }
        return try await handler(request, n)
    }
}

enum Fixtures {
    static let env = URL(string: "https://org.crm.dynamics.com")!
    static let website = UUID(uuidString: "5F2C0000-0000-0000-0000-000000000001")!
    static let page = UUID(uuidString: "78914942-34CB-ED11-B596-0022481D68CD")!
    static let parent = UUID(uuidString: "70BF4D48-34CB-ED11-B596-0022481D68CD")!
    static let permission = UUID(uuidString: "0A1B0000-0000-0000-0000-000000000002")!
    static let role = UUID(uuidString: "0A1B0000-0000-0000-0000-000000000003")!

    /// A small catalog with the names research/dataverse-webapi.md §1.3 and §11.2 give.
    static let catalog: TableCatalog = {
        let website = TableDefinition(
            logicalName: "adx_website", displayName: "Website", entitySetName: "adx_websites",
            primaryIDColumn: "adx_websiteid", primaryNameColumn: "adx_name",
            columns: [ColumnDefinition("adx_websiteid", .uniqueIdentifier), ColumnDefinition("adx_name", .string)])
        let page = TableDefinition(
            logicalName: "adx_webpage", displayName: "Web Page", entitySetName: "adx_webpages", primaryIDColumn: "adx_webpageid",
            primaryNameColumn: "adx_name",
            columns: [
                ColumnDefinition("adx_webpageid", .uniqueIdentifier), ColumnDefinition("adx_name", .string),
                ColumnDefinition("adx_partialurl", .string), ColumnDefinition("adx_displayorder", .integer),
                ColumnDefinition("adx_hiddenfromsitemap", .boolean), ColumnDefinition("modifiedon", .dateTime),
                ColumnDefinition("adx_websiteid", .lookup, targets: ["adx_website"], navigationProperty: "adx_websiteid"),
                ColumnDefinition("adx_parentpageid", .lookup, targets: ["adx_webpage"], navigationProperty: "adx_parentpageid"),
                ColumnDefinition("adx_publishingstateid", .lookup, targets: ["adx_publishingstate"], navigationProperty: "adx_publishingstateid"),
            ])
        let language = TableDefinition(
            logicalName: "adx_websitelanguage", displayName: "Website Language", entitySetName: "adx_websitelanguages",
            primaryIDColumn: "adx_websitelanguageid", primaryNameColumn: "adx_name",
            columns: [
                ColumnDefinition("adx_websitelanguageid", .uniqueIdentifier),
                ColumnDefinition("adx_websiteid", .lookup, targets: ["adx_website"], navigationProperty: "adx_WebsiteId"),
            ])
        let rel = ManyToManyRelationship(
            name: "adx_entitypermission_webrole", entity1: "adx_entitypermission", entity2: "adx_webrole",
            intersectEntity: "adx_entitypermission_webrole", entity1IDColumn: "adx_entitypermissionid",
            entity2IDColumn: "adx_webroleid", entity1NavigationProperty: "adx_entitypermission_webrole",
            entity2NavigationProperty: "adx_entitypermission_webrole")
        let permission = TableDefinition(
            logicalName: "adx_entitypermission", displayName: "Table Permission", entitySetName: "adx_entitypermissions",
            primaryIDColumn: "adx_entitypermissionid", primaryNameColumn: "adx_entityname",
            columns: [ColumnDefinition("adx_entitypermissionid", .uniqueIdentifier)], relationships: [rel])
        let role = TableDefinition(
            logicalName: "adx_webrole", displayName: "Web Role", entitySetName: "adx_webroles",
            primaryIDColumn: "adx_webroleid", primaryNameColumn: "adx_name",
            columns: [ColumnDefinition("adx_webroleid", .uniqueIdentifier)], relationships: [rel])
        let annotation = TableDefinition(
            logicalName: "annotation", displayName: "Note", entitySetName: "annotations", primaryIDColumn: "annotationid",
            primaryNameColumn: "subject",
            columns: [
                ColumnDefinition("annotationid", .uniqueIdentifier), ColumnDefinition("documentbody", .memo),
                ColumnDefinition("objectid", .lookup, targets: ["adx_webfile", "adx_webpage"]),
            ])
        return TableCatalog(tables: [website, page, language, permission, role, annotation])
    }()

    static func json(_ text: String, status: Int = 200, headers: [(name: String, value: String)] = []) -> HTTPResponseMessage {
        HTTPResponseMessage(status: status, headers: [("Content-Type", "application/json; odata.metadata=minimal")] + headers, body: Data(text.utf8))
    }

    static let noMetadata = json(#"{"error":{"code":"0x8006088a","message":"Resource not found for the segment 'EntityDefinitions'."}}"#, status: 404)

    /// A client over a scripted transport whose metadata requests answer 404 (so the test catalog is used).
    static func client(
        retry: RetryPolicy = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(10), maxDelay: .milliseconds(50)),
        batchSize: Int = 10, token: any TokenProvider = StaticTokenProvider("tok-1"),
        _ handler: @escaping @Sendable (HTTPRequestMessage, Int) async throws -> HTTPResponseMessage
    ) throws -> (WebAPIClient, ScriptedTransport) {
        let counter = DataCounter()
        let transport = ScriptedTransport { r, _ in
            if r.url.path.contains("EntityDefinitions") || r.url.path.contains("RelationshipDefinitions") { return noMetadata }
            return try await handler(r, counter.next())
        }
        let config = WebAPIClient.Configuration(environmentURL: env, retry: retry, batchSize: batchSize, catalog: catalog)
        return (try WebAPIClient(configuration: config, tokenProvider: token, transport: transport), transport)
    }
}

extension ScriptedTransport {
    /// The requests other than metadata reads.
    var dataRequests: [HTTPRequestMessage] {
        requests.filter { !$0.url.path.contains("EntityDefinitions") && !$0.url.path.contains("RelationshipDefinitions") }
    }
}

extension HTTPRequestMessage {
    var bodyText: String { body.map { String(decoding: $0, as: UTF8.self) } ?? "" }
}

/// Numbers data requests (metadata reads excluded) in arrival order.
final class DataCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func next() -> Int {
        lock.withLock {
            defer { n += 1 }; return n
        }
    }
}

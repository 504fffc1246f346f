import EnvironmentServer
import Foundation
import LocalEnvironment
import PortalModel
import Testing
import TestSupport
@testable import DataverseWebAPI

/// Records every response status and when it arrived, around the real AsyncHTTPClient transport.
final class RecordingTransport: HTTPTransport, @unchecked Sendable {
    let inner = AsyncHTTPTransport()
    private let lock = NSLock()
    private var log: [(method: String, path: String, status: Int?, sent: ContinuousClock.Instant)] = []

    var entries: [(method: String, path: String, status: Int?, sent: ContinuousClock.Instant)] { lock.withLock { log } }

    func send(_ request: HTTPRequestMessage, timeout: Duration) async throws -> HTTPResponseMessage {
        let now = ContinuousClock.now
        do {
            let r = try await inner.send(request, timeout: timeout)
            lock.withLock { log.append((request.method, request.url.path, r.status, now)) }
            return r
        } catch {
            lock.withLock { log.append((request.method, request.url.path, nil, now)) }
            throw error
        }
    }
}

/// The client against the real `EnvironmentServer` on 127.0.0.1 serving an embedded environment
/// with the test tables `xyz_parent` and `xyz_item` (issue 5's acceptance tests).
@Suite(.serialized) struct ServerAcceptanceTests {
    struct Harness {
        let environment: LocalEnvironment
        let server: RunningServer
        let transport = RecordingTransport()

        var url: URL { URL(string: "http://127.0.0.1:\(server.port)")! }

        func client(
            token: any TokenProvider = NoTokenProvider(), batchSize: Int = 10, parallel: Bool = false,
            retry: RetryPolicy = RetryPolicy(maxAttempts: 8, baseDelay: .milliseconds(20), maxDelay: .milliseconds(500))
        ) throws -> WebAPIClient {
            let config = WebAPIClient.Configuration(
                environmentURL: url, initialParallelism: 4, maxParallelism: 8, retry: retry,
                batchSize: batchSize, parallelWithinChangeSet: parallel,
                catalog: TableCatalog(tables: LocalEnvironmentSupport.customTables()))
            return try WebAPIClient(configuration: config, tokenProvider: token, transport: transport)
        }
    }

    static func harness(_ options: ServerOptions = ServerOptions()) async throws -> Harness {
        let env = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "webapi", tables: .tables(LocalEnvironmentSupport.customTables())))
        let server = try await ServerSupport.start(env, options: options)
        return Harness(environment: env, server: server)
    }

    static func item(_ n: Int, parent: UUID? = nil) -> EntityRecord {
        var r = EntityRecord(
            "xyz_item", id: UUID(),
            columns: [
                "xyz_name": .string("item \(n)"), "xyz_number": .integer(Int32(n)),
                "xyz_amount": .money(ExactDecimal("\(n).2500")!), "xyz_kind": .choice(100_000_000 + n % 3),
                "xyz_when": .dateTime(DateTimeValue(iso8601: "2023-04-07T21:59:01Z")!),
            ])
        if let p = parent { r["xyz_parentid"] = .lookup(EntityReference("xyz_parent", p)) }
        return r
    }

    @Test func pagingFollowsNextLinksOverEveryRecord() async throws {
        let h = try await Self.harness()
        defer { Task { await h.server.stop() } }
        let client = try h.client()
        let items = (0..<25).map { Self.item($0) }
        let results = try await client.execute([ChangeSet(items.map { .create($0) }, atomic: false)], options: ExecuteOptions())
        #expect(results.allSatisfy { $0.isSuccess })
        var pages = 0
        var token: String?
        var seen: [UUID] = []
        repeat {
            let page = try await client.retrieve(RecordQuery("xyz_item", columns: ["xyz_name"]), pageSize: 10, page: token)
            pages += 1
            seen += page.records.map(\.id)
            token = page.nextPage
        } while token != nil && pages < 10
        #expect(pages == 3)
        #expect(Set(seen) == Set(items.map(\.id)))
        #expect(seen.count == 25)
        let filtered = try await client.retrieveAll(RecordQuery("xyz_item", filter: .compare("xyz_number", .ge, .integer(20))), pageSize: 2)
        #expect(filtered.count == 5)
    }

    @Test func everyWriteFormRoundTrips() async throws {
        let h = try await Self.harness()
        defer { Task { await h.server.stop() } }
        let client = try h.client(batchSize: 1)
        let parent = EntityRecord("xyz_parent", id: UUID(), columns: ["xyz_name": .string("P")])
        let other = EntityRecord("xyz_parent", id: UUID(), columns: ["xyz_name": .string("Q")])
        var item = Self.item(7, parent: parent.id)
        var r = try await client.execute([.create(parent), .create(other), .create(item)])
        #expect(r.allSatisfy { $0.isSuccess }, "\(r.compactMap(\.error))")
        let read = try #require(try await client.retrieveAll(RecordQuery("xyz_item")).first { $0.id == item.id })
        for (k, v) in item.columns { #expect(read[k] == v, "column \(k)") }

        // update (If-Match: *), a missing record fails with 404
        item["xyz_name"] = .string("renamed")
        item["xyz_parentid"] = .lookup(EntityReference("xyz_parent", other.id))
        let missing = EntityRecord("xyz_item", id: UUID(), columns: ["xyz_name": .string("x")])
        r = try await client.execute([.update(item), .update(missing)], options: ExecuteOptions(continueOnError: true))
        #expect(r[0].isSuccess)
        #expect(r[1].error?.httpStatus == 404)
        #expect(r[1].error?.recordID == missing.id)
        // upsert creates then updates; clearing a lookup
        var up = Self.item(8)
        r = try await client.execute([.upsert(up)])
        up["xyz_number"] = .integer(80)
        up["xyz_parentid"] = .null
        r += try await client.execute([.upsert(up)])
        #expect(r.allSatisfy { $0.isSuccess })
        let all = try await client.retrieveAll(RecordQuery("xyz_item"))
        #expect(all.first { $0.id == item.id }?["xyz_name"] == .string("renamed"))
        #expect(all.first { $0.id == item.id }?["xyz_parentid"]?.reference?.id == other.id)
        #expect(all.first { $0.id == up.id }?["xyz_number"] == .integer(80))
        // N:N associate twice (the second is not an error), read, disassociate twice
        let link = ManyToManyLink(EntityReference("xyz_item", item.id), EntityReference("xyz_parent", parent.id))
        r = try await client.execute([.associate(relationship: "xyz_item_parent", link), .associate(relationship: "xyz_item_parent", link)])
        #expect(r.allSatisfy { $0.isSuccess }, "\(r.compactMap(\.error))")
        let links = try await h.environment.retrieveLinks(relationship: "xyz_item_parent", firstIDs: nil)
        #expect(links == [link])
        r = try await client.execute([.disassociate(relationship: "xyz_item_parent", link), .disassociate(relationship: "xyz_item_parent", link)])
        #expect(r.allSatisfy { $0.isSuccess }, "\(r.compactMap(\.error))")
        #expect(try await h.environment.retrieveLinks(relationship: "xyz_item_parent", firstIDs: nil).isEmpty)
        // file column upload and download, single request and chunked
        let small = Data("hello file".utf8)
        r = try await client.execute([.uploadFile(FileBodyKey("xyz_item", item.id, "xyz_file"), fileName: "a.txt", body: .data(small))])
        #expect(r.allSatisfy { $0.isSuccess }, "\(r.compactMap(\.error))")
        #expect(try await client.downloadFile(FileBodyKey("xyz_item", item.id, "xyz_file")) == small)
        // chunked upload: a first PATCH with x-ms-transfer-mode: chunked, then Content-Range chunks
        var chunkedConfig = client.configuration
        chunkedConfig.chunkedUploadThreshold = 1024
        let chunked = try WebAPIClient(configuration: chunkedConfig, tokenProvider: NoTokenProvider(), transport: h.transport)
        let big = Data((0..<10_000).map { UInt8($0 % 251) })
        r = try await chunked.execute([.uploadFile(FileBodyKey("xyz_item", item.id, "xyz_file"), fileName: "big.bin", body: .data(big))])
        #expect(r.allSatisfy { $0.isSuccess }, "\(r.compactMap(\.error))")
        #expect(h.transport.entries.filter { $0.method == "PATCH" && $0.path.contains("xyz_file") }.count >= 3) // single, start, chunk
        #expect(try await client.downloadFile(FileBodyKey("xyz_item", item.id, "xyz_file")) == big)
        // delete; deleting again is a 404 failure
        r = try await client.execute([.delete("xyz_item", up.id)])
        #expect(r[0].isSuccess)
        r = try await client.execute([.delete("xyz_item", up.id)])
        #expect(r[0].error?.httpStatus == 404)
        // metadata and organization
        let defs = try await client.tableDefinitions()
        let itemDef = try #require(defs.first { $0.logicalName == "xyz_item" })
        #expect(itemDef.entitySetName == "xyz_items")
        #expect(itemDef.column("xyz_parentid")?.targets == ["xyz_parent"])
        #expect(try await client.tableMetadata("xyz_item").navigationProperty(column: "xyz_parentid", target: "xyz_parent") == "xyz_ParentId")
        let org = try await client.organizationInfo()
        let local = try await h.environment.organizationInfo()
        #expect(org.languageCode == local.languageCode)
        #expect(org.blockedAttachments == local.blockedAttachments)
        #expect(org.maxUploadFileSize == local.maxUploadFileSize)
        #expect(try await client.whoAmI() == (try await h.environment.whoAmI()))
    }

    @Test func batchResultsMapToOperations() async throws {
        let h = try await Self.harness()
        defer { Task { await h.server.stop() } }
        let client = try h.client(batchSize: 5)
        let existing = Self.item(1)
        _ = try await client.execute([.create(existing)])
        let a = Self.item(2), c = Self.item(3)
        // Atomic: the duplicate create fails, the others roll back and nothing is saved.
        var r = try await client.execute([ChangeSet([.create(a), .create(existing), .create(c)], atomic: true)], options: ExecuteOptions())
        #expect(r[1].error?.code == DataverseError.Code.duplicateRecord, "\(r.compactMap { $0.error?.description })")
        #expect(r[0].error?.code == DataverseError.Code.rolledBack)
        #expect(r[2].error?.code == DataverseError.Code.rolledBack)
        #expect(try await client.retrieveAll(RecordQuery("xyz_item")).map(\.id) == [existing.id])
        // Independent with continue-on-error: each gets its own result.
        r = try await client.execute(
            [ChangeSet([.create(a), .create(existing), .create(c)], atomic: false)], options: ExecuteOptions(continueOnError: true))
        #expect(r[0].isSuccess && r[2].isSuccess)
        #expect(r[1].error?.code == DataverseError.Code.duplicateRecord)
        #expect(r[1].error?.recordID == existing.id)
        #expect(Set(try await client.retrieveAll(RecordQuery("xyz_item")).map(\.id)) == [existing.id, a.id, c.id])
        // An atomic set that succeeds, with lookups inside it.
        let p = EntityRecord("xyz_parent", id: UUID(), columns: ["xyz_name": .string("P")])
        let child = Self.item(4, parent: p.id)
        r = try await client.execute([ChangeSet([.create(p), .create(child)], atomic: true)], options: ExecuteOptions())
        #expect(r.allSatisfy { $0.isSuccess }, "\(r.compactMap(\.error))")
        #expect(h.transport.entries.contains { $0.path.hasSuffix("$batch") })
    }

    /// The request budget (2 per 5 s) answers 429 and the client waits its Retry-After before the next try.
    /// Requests are sent until the first 429 (at most 8): on a loaded machine three requests may not fit
    /// in one window, so the count is not fixed.
    @Test func waitsRetryAfterOn429() async throws {
        let h = try await Self.harness(ServerOptions(requestBudget: 2, budgetWindowSeconds: 5))
        defer { Task { await h.server.stop() } }
        let client = try h.client()
        for _ in 0..<8 where !h.transport.entries.contains(where: { $0.status == 429 }) { _ = try await client.whoAmI() }
        let e = h.transport.entries
        let throttled = try #require(e.firstIndex { $0.status == 429 }, "expected a 429 from the request budget")
        #expect(throttled + 1 < e.count)
        let gap = e[throttled + 1].sent - e[throttled].sent
        #expect(gap >= .seconds(1))
    }

    @Test func loadUnderInjectedFaultsHasNoDuplicateOrMissingRecord() async throws {
        let h = try await Self.harness(ServerOptions(failRate: 0.1, seed: 42))
        defer { Task { await h.server.stop() } }
        let client = try h.client(
            batchSize: 10, parallel: true,
            retry: RetryPolicy(maxAttempts: 12, baseDelay: .milliseconds(20), maxDelay: .milliseconds(400)))
        let count = 2000
        let items = (0..<count).map { Self.item($0) }
        let results = try await client.execute([ChangeSet(items.map { .create($0) }, atomic: false)], options: ExecuteOptions())
        #expect(results.filter { !$0.isSuccess }.count == 0, "\(results.compactMap(\.error).prefix(3))")
        let faults = h.transport.entries.filter { $0.status == nil || $0.status == 500 || $0.status == 503 }.count
        #expect(faults > 0, "the server injected no fault")
        // Count and compare after the load.
        let stored = try await client.retrieveAll(RecordQuery("xyz_item"))
        #expect(stored.count == count)
        let storedIDs = Set(stored.map(\.id)), sentIDs = Set(items.map(\.id))
        #expect(storedIDs.subtracting(sentIDs).isEmpty, "\(storedIDs.subtracting(sentIDs).count) records the client never sent")
        #expect(sentIDs.subtracting(storedIDs).isEmpty, "\(sentIDs.subtracting(storedIDs).count) records missing")
        let byID = Dictionary(stored.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let wrong = items.filter { byID[$0.id]?["xyz_name"] != $0["xyz_name"] }
        #expect(
            wrong.isEmpty,
            "\(wrong.count) records with another name, e.g. \(wrong.first.map { "\($0.id) \(String(describing: byID[$0.id]?["xyz_name"]))" } ?? "")")
    }

    @Test func clientCredentialsAndDeviceCodeAgainstTheLocalTokenEndpoint() async throws {
        let secret = "local-secret-\(UUID().uuidString.prefix(6))"
        let h = try await Self.harness(ServerOptions(requireToken: true, clientCredentials: ["app-1": secret], autoApproveDeviceCodes: true))
        defer { Task { await h.server.stop() } }
        let endpoints = OAuthEndpoints(authority: OAuthEndpoints.defaultAuthority(environmentURL: h.url, tenant: nil))
        let scope = OAuthEndpoints.scope(environmentURL: h.url)
        // Without a token: 401, reported as a typed error.
        await #expect(throws: DataverseError.self) { _ = try await h.client().whoAmI() }
        let cc = ClientCredentialsTokenProvider(endpoints: endpoints, clientID: "app-1", scope: scope, secret: { secret })
        #expect(try await h.client(token: cc).whoAmI() == (try await h.environment.whoAmI()))
        let wrong = ClientCredentialsTokenProvider(endpoints: endpoints, clientID: "app-1", scope: scope, secret: { "nope" })
        do {
            _ = try await h.client(token: wrong).whoAmI()
            Issue.record("a wrong secret was accepted")
        } catch let e as AuthenticationError {
            guard case .oauth(_, 401, "invalid_client", _) = e else { Issue.record("unexpected \(e)"); return }
        }
        let printed = LockedBox<[String]>([])
        let dc = DeviceCodeTokenProvider(endpoints: endpoints, scope: scope, prompt: { m in printed.mutate { $0.append(m) } })
        #expect(try await h.client(token: dc).whoAmI() == (try await h.environment.whoAmI()))
        #expect(printed.value.count == 1)
        #expect(printed.value.first?.contains("/devicelogin") == true)
    }

    /// Returns a token the server never issued until asked to refresh, then real ones.
    actor StaleThenReal: TokenProvider {
        let real: ClientCredentialsTokenProvider
        var refreshes = 0
        init(_ real: ClientCredentialsTokenProvider) { self.real = real }
        func token(forceRefresh: Bool) async throws -> String? {
            if forceRefresh { refreshes += 1 }
            return refreshes == 0 ? "never-issued" : try await real.token(forceRefresh: forceRefresh)
        }
    }

    @Test func a401RefreshesTheTokenOnce() async throws {
        let h = try await Self.harness(ServerOptions(requireToken: true))
        defer { Task { await h.server.stop() } }
        let endpoints = OAuthEndpoints(authority: OAuthEndpoints.defaultAuthority(environmentURL: h.url, tenant: nil))
        let provider = StaleThenReal(ClientCredentialsTokenProvider(endpoints: endpoints, clientID: "any", scope: "x/.default", secret: { "any" }))
        _ = try await h.client(token: provider).whoAmI()
        #expect(await provider.refreshes == 1)
        #expect(h.transport.entries.compactMap(\.status) == [401, 200])
    }
}

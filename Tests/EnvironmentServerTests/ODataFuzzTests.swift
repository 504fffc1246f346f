import Foundation
import PortalModel
import Testing
import TestSupport
@testable import EnvironmentServer

/// Fuzz targets for the server's request readers (issue 17): OData query options (`$filter`,
/// `$select`, `$orderby`, `$top`, `$expand`…) through the Web API handler, the `$filter` parser on its
/// own, and `$batch` multipart bodies. Seeds are well-formed requests plus the found inputs kept in
/// `Tests/Fuzz/odata-filter/` and `Tests/Fuzz/batch/`; a few seconds each by default, minutes under
/// `PM_LONG_TESTS=1`, the seed printed (`PM_FUZZ_SEED` replays it). Every input is answered (no
/// crash or hang; never a 5xx other than the deliberate 501 for `$expand`, which would be an unexpected error), and resident memory grows by less
/// than 300 MB.
@Suite(.serialized) struct ODataFuzzTests {
    static let filterTokens = [
        "(", ")", "not ", " and ", " or ", " eq ", " ne ", " gt ", "'", "''", "null", "true", ",", "[", "]", "@p1",
        "contains(adx_name,'a')", "Microsoft.Dynamics.CRM.In(PropertyName='adx_name',PropertyValues=['a'])",
        "_adx_websiteid_value", "adx_displayorder", "00000000-0000-0000-0000-000000000000", "2026-01-01",
        "9999999999999999999999", "-", "%", "\u{0}", "é", "$", "=", "&",
    ]

    static let filters = [
        "adx_name eq 'Home'", "(adx_displayorder gt 3 and adx_hiddenfromsitemap eq false) or adx_name eq null",
        "not contains(adx_name,'Page') and _adx_websiteid_value ne null",
        "Microsoft.Dynamics.CRM.In(PropertyName='adx_name',PropertyValues=['Home','Page 1'])",
        "startswith(adx_partialurl,'page') or endswith(adx_name,'9')",
    ]

    @Test func queryOptionsAndFilters() async throws {
        let site = SampleSite(pages: 12)
        let service = MemoryService()
        await service.seed(site.records)
        let handler = WebAPIHandler(service: service, logger: EnvironmentServer.quietLogger())
        let table = try await service.table("adx_webpage")
        let seeds = (Self.filters + Fuzzer.corpus("odata-filter").map { String(decoding: $0, as: UTF8.self) }).map { Array($0.utf8) }
        var fuzzer = Fuzzer(label: "odata", dictionary: Self.filterTokens)
        let memory = Fuzzer.residentBytes()
        let budget = Fuzzer.budget(seconds: 4, longSeconds: 300)
        var fiveHundreds: [String] = []
        let options = ["$select", "$orderby", "$top", "$count", "$expand", "$apply", "$skiptoken", "$filter"]
        let parsed = fuzzer.run(seeds: seeds, seconds: budget / 2) { input in
            let text = String(decoding: input, as: UTF8.self)
            do { _ = try FilterParser.parse(text, table: table, aliases: ["p1": "'x'"]) } catch is ODataError {} catch {
                Issue.record("$filter '\(text.prefix(200))': \(type(of: error)) \(error)")
            }
        }
        let start = Date().addingTimeInterval(budget / 2)
        var requests = 0
        var random = Fuzzer.Generator(seed: fuzzer.seed)
        while Date() < start || requests < Fuzzer.minimumInputs {
            let value = String(decoding: fuzzer.mutate(seeds[Int.random(in: 0..<seeds.count, using: &random)]), as: UTF8.self)
            let name = options[Int.random(in: 0..<options.count, using: &random)]
            let query = [(name, value), ("@p1", "'Home'")] + (name == "$filter" ? [] : [("$filter", Self.filters[0])])
            let r = await handler.handle(WebRequest(method: "GET", path: "adx_webpages", query: query))
            // 501 is the embedded environment's deliberate answer to $expand and $apply.
            if r.status >= 500 && r.status != 501 {
                fiveHundreds.append("\(name)=\(value.prefix(200)): \(String(decoding: r.body.prefix(300), as: UTF8.self))")
            }
            requests += 1
        }
        let grown = Fuzzer.residentBytes() - memory
        print("fuzz odata: \(parsed.count) filters (slowest \(parsed.slowest) s), \(requests) requests, memory +\(grown / 1_000_000) MB")
        #expect(fiveHundreds.count == 0, "\(fiveHundreds.prefix(3))")
        #expect(parsed.count >= Fuzzer.minimumInputs && requests >= Fuzzer.minimumInputs)
        #expect(grown < 300_000_000)
    }

    static func batchBody(_ boundary: String, _ site: SampleSite) -> String {
        let cs = "changeset_abc"
        return "--\(boundary)\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n"
            + "GET adx_webpages?$select=adx_name&$top=2 HTTP/1.1\r\nAccept: application/json\r\n\r\n"
            + "--\(boundary)\r\nContent-Type: multipart/mixed; boundary=\(cs)\r\n\r\n"
            + "--\(cs)\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nContent-ID: 1\r\n\r\n"
            + "POST adx_webpages HTTP/1.1\r\nContent-Type: application/json\r\n\r\n"
            + "{\"adx_name\":\"Fuzz\",\"adx_websiteid@odata.bind\":\"/adx_websites(\(site.website.dataverseString))\"}\r\n"
            + "--\(cs)\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nContent-ID: 2\r\n\r\n"
            + "PATCH $1 HTTP/1.1\r\nContent-Type: application/json\r\n\r\n{\"adx_name\":\"Fuzz 2\"}\r\n"
            + "--\(cs)--\r\n--\(boundary)--\r\n"
    }

    @Test func batchBodies() async throws {
        let site = SampleSite(pages: 3)
        let service = MemoryService()
        await service.seed(site.records)
        let handler = WebAPIHandler(service: service, logger: EnvironmentServer.quietLogger())
        let boundary = "batch_fuzz"
        let seeds = [Array(Self.batchBody(boundary, site).utf8)] + Fuzzer.corpus("batch")
        var fuzzer = Fuzzer(
            label: "batch",
            dictionary: [
                "--batch_fuzz", "--changeset_abc", "--changeset_abc--", "\r\n", "\r\n\r\n",
                "Content-Type: multipart/mixed; boundary=changeset_abc\r\n", "HTTP/1.1",
                "Content-ID: 1\r\n", "$1", "GET ", "POST ", "DELETE ", "{", "}", "[", "\"",
            ])
        let memory = Fuzzer.residentBytes()
        var fiveHundreds: [String] = []
        var count = 0
        var slowest = 0.0
        let end = Date().addingTimeInterval(Fuzzer.budget(seconds: 4, longSeconds: 300))
        var random = Fuzzer.Generator(seed: fuzzer.seed)
        while Date() < end || count < Fuzzer.minimumInputs {
            let body = count < seeds.count ? seeds[count] : fuzzer.mutate(seeds[Int.random(in: 0..<seeds.count, using: &random)])
            let t = Date()
            let r = await handler.handle(
                WebRequest(
                    method: "POST", path: "$batch",
                    headers: ["content-type": "multipart/mixed; boundary=\(boundary)"], body: Data(body)))
            slowest = max(slowest, Date().timeIntervalSince(t))
            if r.status >= 500 {
                fiveHundreds.append("\(String(decoding: body.prefix(300), as: UTF8.self)): \(String(decoding: r.body.prefix(300), as: UTF8.self))")
            }
            count += 1
        }
        let grown = Fuzzer.residentBytes() - memory
        print("fuzz batch: \(count) bodies, slowest \(slowest) s, memory +\(grown / 1_000_000) MB")
        #expect(fiveHundreds.count == 0, "\(fiveHundreds.prefix(3))")
        #expect(count >= Fuzzer.minimumInputs && grown < 300_000_000)
    }
}

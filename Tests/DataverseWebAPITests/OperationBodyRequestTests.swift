import Foundation
import PortalModel
import Testing

@testable import DataverseWebAPI

/// A note's body travels as bytes (`OperationBody`) and becomes base64 text only in the request the
/// client writes (research/dataverse-webapi.md §9.1; issue 19: no base64 inside one process).
@Suite("Operation bodies: bytes in the process, base64 on the wire")
struct OperationBodyRequestTests {
    static let bytes = Data((0..<300).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })

    static func note(_ columns: [String: FieldValue] = [:]) -> EntityRecord {
        var r = EntityRecord("annotation", id: Fixtures.page, columns: columns)
        r["objectid"] = .lookup(EntityReference("adx_webpage", Fixtures.parent))
        return r
    }

    /// The JSON object of a request body.
    static func members(_ text: String?) throws -> [String: JSONValue] {
        let json = try JSONValue.parse(try #require(text))
        return Dictionary(try #require(json.objectValue), uniquingKeysWith: { a, _ in a })
    }

    @Test("a create's body is its documentbody as base64 in the POST and in the retry PATCH; the bytes decode back exactly")
    func createCarriesBase64OfTheBytes() async throws {
        let (client, _) = try Fixtures.client { _, _ in Fixtures.json("{}") }
        let request = try await client.request(for: .create(Self.note(), body: .documentBody(.data(Self.bytes))))
        #expect(request.method == "POST")
        for text in [request.body, request.retryForm?.body] {
            let m = try Self.members(text)
            #expect(m["documentbody"] == .string(Self.bytes.base64EncodedString()))
            #expect(Data(base64Encoded: m["documentbody"]?.stringValue ?? "") == Self.bytes)
            #expect(m["objectid_adx_webpage@odata.bind"] == .string("/adx_webpages(\(Fixtures.parent.dataverseString))"))
        }
    }

    @Test("an update's body replaces a documentbody column given as text; one byte changed gives another body")
    func updateBodyWinsOverTextColumn() async throws {
        let (client, _) = try Fixtures.client { _, _ in Fixtures.json("{}") }
        var changed = Self.bytes
        changed[17] ^= 0x01
        let stale = Self.note(["documentbody": .string("c3RhbGU=")])
        let a = try Self.members(try await client.request(for: .update(stale, body: .documentBody(.data(Self.bytes)))).body)
        let b = try Self.members(try await client.request(for: .update(stale, body: .documentBody(.data(changed)))).body)
        #expect(a["documentbody"] == .string(Self.bytes.base64EncodedString()))
        #expect(b["documentbody"] == .string(changed.base64EncodedString()))
        #expect(a["documentbody"] != b["documentbody"])
        // Without a body the record's own column goes as given (a caller writing Dataverse's text form).
        let plain = try Self.members(try await client.request(for: .update(stale)).body)
        #expect(plain["documentbody"] == .string("c3RhbGU="))
    }

    @Test("a body file that cannot be read fails that operation naming the record and documentbody, and nothing is sent for it")
    func unreadableBodyFailsTheOperation() async throws {
        let (client, transport) = try Fixtures.client { _, _ in Fixtures.json("{}", status: 204) }
        let gone = FileManager.default.temporaryDirectory.appendingPathComponent("pm-h4-missing-\(UUID().uuidString).bin")
        await #expect {
            _ = try await client.request(for: .create(Self.note(), body: .documentBody(.file(gone))))
        } throws: { error in
            guard let e = error as? DataverseError else { return false }
            return e.code == "pm:file" && e.column == "documentbody" && e.recordID == Fixtures.page && e.logicalName == "annotation"
        }
        let results = try await client.execute([.create(Self.note(), body: .documentBody(.file(gone)))], atomic: false)
        #expect(results.first?.error?.code == "pm:file")
        #expect(transport.dataRequests.isEmpty)
    }
}

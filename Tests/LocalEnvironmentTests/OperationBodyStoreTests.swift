import Foundation
import LocalEnvironment
import PortalModel
import Testing
import TestSupport

/// The embedded environment takes a note's body as bytes with its record (`OperationBody`) and stores
/// them as they are: no base64 text inside the process (issue 19).
@Suite("Local environment: note bodies written as bytes")
struct OperationBodyStoreTests {
    func env() throws -> LocalEnvironment {
        try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "operation-body"))
    }

    /// Every byte value, in an order that is not sorted (so a reordering would show).
    static let bytes = Data((0..<1_000).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) })

    func note(_ name: String) -> EntityRecord {
        EntityRecord("annotation", id: UUID(), columns: ["filename": .string(name), "subject": .string(name)])
    }

    @Test("a create and an update with a body store exactly those bytes, with filesize; the file store hands the same bytes back")
    func bytesStoredExactly() async throws {
        let env = try env()
        let n = note("logo.png")
        #expect(try await env.execute([.create(n, body: .documentBody(.data(Self.bytes)))]).first?.isSuccess == true)
        let key = FileBodyKey("annotation", n.id, "documentbody")
        #expect(try await env.downloadFile(key) == Self.bytes)
        #expect(try await env.storedFile(key)?.data == Self.bytes)
        #expect(try await env.retrieve("annotation", id: n.id, columns: ["filesize"])["filesize"] == .integer(1_000))
        var changed = Self.bytes
        changed[999] ^= 0x80
        let update = EntityRecord("annotation", id: n.id)
        #expect(try await env.execute([.update(update, body: .documentBody(.data(changed)))]).first?.isSuccess == true)
        #expect(try await env.downloadFile(key) == changed)
        #expect(try await env.downloadFile(key) != Self.bytes)
        // A body read from a file when the operation runs.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pm-h4-body-\(UUID().uuidString).bin")
        try Self.bytes.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let fromFile = note("styles.css")
        #expect(try await env.execute([.create(fromFile, body: .documentBody(.file(file)))]).first?.isSuccess == true)
        #expect(try await env.downloadFile(FileBodyKey("annotation", fromFile.id, "documentbody")) == Self.bytes)
    }

    @Test("the size limit counts the body's base64 length, as for a body given as text; blocked extensions still refused")
    func attachmentRulesApplyToBytes() async throws {
        let env = try env()
        try await env.updateOrganization(maxUploadFileSize: 100)
        let big = try await env.execute([.create(note("big.css"), body: .documentBody(.data(Data(count: 76))))]).first?.error
        #expect(big?.code == "0x80044a02") // 76 bytes are 104 base64 characters
        let fits = note("fits.css")
        #expect(try await env.execute([.create(fits, body: .documentBody(.data(Data(count: 75))))]).first?.isSuccess == true)
        let blocked = try await env.execute([.create(note("run.js"), body: .documentBody(.data(Data(count: 3))))]).first?.error
        #expect(blocked?.code == "0x80043e09")
    }

    @Test("an unreadable body file or a body on a column without one fails that operation, naming the record and column")
    func badBodiesAreNamed() async throws {
        let env = try env()
        let gone = FileManager.default.temporaryDirectory.appendingPathComponent("pm-h4-gone-\(UUID().uuidString).bin")
        let n = note("a.css")
        let unreadable = try await env.execute([.create(n, body: .documentBody(.file(gone)))]).first?.error
        #expect(unreadable?.column == "documentbody")
        #expect(unreadable?.recordID == n.id)
        #expect(unreadable?.message.contains("cannot read the file body") == true)
        #expect(try await env.count("annotation") == 0)
        let site = EntityRecord("adx_website", id: UUID(), columns: ["adx_name": .string("S")])
        let wrong = try await env.execute([.create(site, body: OperationBody(column: "adx_name", body: .data(Data([1]))))]).first?.error
        #expect(wrong?.column == "adx_name")
        #expect(try await env.count("adx_website") == 0)
    }
}

import Foundation
import PortalModel
import Testing
import TestSupport
@testable import ConfigurationMigration

/// A package's `data.xml` is read from disk and its note bodies go to the body spool, never all held in
/// memory (issue 20: `data import` at the benchmark's L size, 900 MB of base64 bodies).
@Suite struct SpooledBodiesTests {
    static let schema = NoteSchemaFixture.schema

    /// Bytes that are not a repeated pattern (xorshift from `seed`).
    static func bytes(_ count: Int, seed: UInt32) -> Data {
        var state = seed | 1
        return Data(
            (0..<count).map { _ in
                state ^= state << 13; state ^= state >> 17; state ^= state << 5
                return UInt8(truncatingIfNeeded: state)
            })
    }

    @Test("bodies over 64 KiB read from a zip are spooled files with the exact bytes; small ones stay in memory")
    func largeBodiesAreSpooledFromAZip() throws {
        let big = UUID(), small = UUID(), longText = UUID()
        let bigBody = Self.bytes(300_000, seed: 7), smallBody = Self.bytes(2_000, seed: 9)
        let text = String(repeating: "long text & <markup> ", count: 5_000) // ~105 KB, a column, not a body
        var snapshot = PortalSnapshot()
        snapshot.add(EntityRecord("annotation", id: big, columns: ["filename": .string("big.png")]))
        snapshot.add(EntityRecord("annotation", id: small, columns: ["filename": .string("small.png")]))
        snapshot.add(EntityRecord("annotation", id: longText, columns: ["notetext": .string(text)]))
        snapshot.bodies[FileBodyKey("annotation", big, "documentbody")] = .data(bigBody)
        snapshot.bodies[FileBodyKey("annotation", small, "documentbody")] = .data(smallBody)
        let dir = try TestPaths.temporaryDirectory("cmt-spool")
        defer { try? FileManager.default.removeItem(at: dir) }
        let zip = dir.appendingPathComponent("data.zip")
        try CMTPackage(schema: Self.schema, snapshot: snapshot, timestamp: "2025-01-01T00:00:00.0000000Z").writeZip(to: zip)

        // The spool is the process's: other tests (in this run, before or beside this one) keep their
        // own bodies there, so only files this read added are looked at.
        let spool = try BodySpool.shared.folder()
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: spool.path))
        let back = try CMTPackage(contentsOf: zip)
        let bigRead = try #require(back.snapshot.bodies[FileBodyKey("annotation", big, "documentbody")])
        guard case .file(let url) = bigRead else {
            Issue.record("the 300 KB body is held in memory, not spooled")
            return
        }
        #expect(url.deletingLastPathComponent().path == spool.path)
        #expect(try bigRead.load() == bigBody)
        #expect(try back.snapshot.bodies[FileBodyKey("annotation", small, "documentbody")]?.load() == smallBody)
        // A long column value goes through the spool too and comes back as the text it was.
        #expect(back.snapshot.record("annotation", longText)?.string("notetext") == text)
        #expect(back.snapshot.record("annotation", big)?.string("filename") == "big.png")
        // Only the spooled body (and the long value) stay in the spool: no copy of data.xml (it names
        // "big.png") and no base64 text of the body is left behind by this read.
        let added = Set(try FileManager.default.contentsOfDirectory(atPath: spool.path)).subtracting(before)
        let base64Head = Data(bigBody.base64EncodedString().prefix(64).utf8)
        for name in added.sorted() where name != url.lastPathComponent {
            let content = try Data(contentsOf: spool.appendingPathComponent(name))
            #expect(content.range(of: Data("big.png".utf8)) == nil, "a copy of data.xml is left in the spool: \(name)")
            #expect(content.range(of: base64Head) == nil, "the body's base64 text is left in the spool: \(name)")
        }
    }

    @Test("a spooled body with line breaks in its base64 decodes as the in-memory path does; bad base64 is named")
    func spooledBase64WithLineBreaksAndErrors() throws {
        let body = Self.bytes(200_000, seed: 3)
        let wrapped = body.base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn])
        let id = UUID()
        func dataXML(_ value: String) -> String {
            "<entities><entity name=\"annotation\" displayname=\"Note\"><records><record id=\"\(id.dataverseString)\">"
                + "<field name=\"documentbody\" value=\"\(value)\" /></record></records><m2mrelationships /></entity></entities>"
        }
        let dir = try TestPaths.temporaryDirectory("cmt-spool-b64")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("data.xml")
        // The line breaks are written as character references (&#xD;&#xA;) as an XML writer must.
        try Data(dataXML(wrapped.replacingOccurrences(of: "\r\n", with: "&#xD;&#xA;")).utf8).write(to: file)
        let read = try CMTDataFile(contentsOf: file, schema: Self.schema)
        let key = FileBodyKey("annotation", id, "documentbody")
        #expect(try read.snapshot.bodies[key]?.load() == body)
        #expect(
            try read.snapshot.bodies[key]?.load() == CMTDataFile(data: Data(dataXML(wrapped).utf8), schema: Self.schema).snapshot.bodies[key]?.load())

        // Not base64: named with the record and the field, as in memory.
        try Data(dataXML(String(repeating: "QUJD", count: 30_000) + "Q").utf8).write(to: file)
        #expect {
            try CMTDataFile(contentsOf: file, schema: Self.schema)
        } throws: { error in
            guard let e = error as? CMTError else { return false }
            return e.kind == .invalidValue && e.field == "documentbody" && e.recordID == id.dataverseString && e.message.contains("base64")
        }
    }
}

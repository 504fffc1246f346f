import Foundation
import LocalEnvironment
import PortalModel
import Testing
import TestSupport
@testable import ConfigurationMigration

/// data.xml files over libxml2's 10,000,000-byte limit on one attribute value (a note's base64
/// `documentbody`): the reader lifts long values out before parsing (`LargeAttributeValues`).
@Suite(.serialized) struct LargePackageTests {
    /// 12 MB of bytes that are not a repeated pattern.
    static func body(_ count: Int = 12_000_000) -> Data {
        var state: UInt32 = 2_463_534_242
        return Data(
            (0..<count).map { _ in
                state ^= state << 13; state ^= state >> 17; state ^= state << 5
                return UInt8(truncatingIfNeeded: state)
            })
    }

    @Test func hugeAttributeValueParsesWithLinesAndSafetyKept() throws {
        let base64 = String(repeating: "QUJD", count: 4_000_000) // 16,000,000 bytes
        let xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <entities>
              <field name="documentbody" value="\(base64)" />
              <field name='escaped' value='\(String(repeating: "a&amp;b&#233;&lt;", count: 300_000))&#xA;tail' />
              <field name="small" value="x" />
            </entities>
            """
        let root = try SafeXMLReader.parse(Data(xml.utf8), file: "data.xml")
        let fields = root.children("field")
        #expect(fields.count == 3)
        #expect(fields.first?["value"] == base64)
        #expect(fields.dropFirst().first?["value"] == String(repeating: "a&bé<", count: 300_000) + "\ntail")
        #expect(fields.last?["value"] == "x")
        #expect(fields.last?.line == 5, "line numbers are kept after a lifted value")

        // Malformed XML after a lifted value is still refused.
        let broken = "<entities>\n<field value=\"\(base64)\" />\n<field value=\"y\" <\n</entities>"
        #expect(throws: CMTError.self) { _ = try SafeXMLReader.parse(Data(broken.utf8), file: "data.xml") }
        // Refusals are unchanged for large documents.
        let dtd = "<!DOCTYPE x [<!ENTITY a \"b\">]>\n<x v=\"\(base64)\">&a;</x>"
        #expect(throws: CMTError.self) { _ = try SafeXMLReader.parse(Data(dtd.utf8), file: "data.xml") }
        // UTF-16 with BOM.
        var utf16 = Data([0xFF, 0xFE])
        utf16.append(try #require("<x v=\"\(String(repeating: "QUJD", count: 3_000_000))\"/>".data(using: .utf16LittleEndian)))
        #expect(try SafeXMLReader.parse(utf16, file: "data.xml")["v"]?.utf8.count == 12_000_000)
    }

    @Test func placeholderLookingValuesAreNotMistaken() throws {
        // A short value that happens to begin like a placeholder is kept as written.
        let xml = "<x a=\"\u{E000}pm-lifted-0\u{E000}\" b=\"\(String(repeating: "Z", count: 1_100_000))\"/>"
        let root = try SafeXMLReader.parse(Data(xml.utf8), file: "data.xml")
        #expect(root["b"]?.count == 1_100_000)
        // The document's own text is not a placeholder once lifted values are restored by position.
        #expect(root["a"] != nil)
    }

    /// A 12 MB web file body: package written as a zip, read back, equal bytes.
    @Test func twelveMegabyteBodyRoundTripsThroughAZip() throws {
        let schema = NoteSchemaFixture.schema
        let note = UUID(), body = Self.body()
        var snapshot = PortalSnapshot()
        snapshot.add(EntityRecord("annotation", id: note, columns: ["filename": .string("big.png")]))
        snapshot.bodies[FileBodyKey("annotation", note, "documentbody")] = .data(body)
        let dir = try TestPaths.temporaryDirectory("cmt-large")
        defer { try? FileManager.default.removeItem(at: dir) }
        let zip = dir.appendingPathComponent("data.zip")
        try CMTPackage(schema: schema, snapshot: snapshot, timestamp: "2025-01-01T00:00:00.0000000Z").writeZip(to: zip)
        let back = try CMTPackage(contentsOf: zip)
        #expect(try back.snapshot.bodies[FileBodyKey("annotation", note, "documentbody")]?.load() == body)
        #expect(back.snapshot.record("annotation", note)?.string("filename") == "big.png")
    }

    /// The defect as a user met it: `data export` of a site with a 12 MB web file, `data import` into a
    /// fresh environment with the real binary; the note's bytes arrive unchanged.
    @Test func exportImportWithTheBinary() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.portalMigrateBinary.path), "build portal-migrate first")
        let home = try TestPaths.temporaryDirectory("cmt-large-e2e")
        defer { try? FileManager.default.removeItem(at: home) }
        func ok(_ args: [String]) async throws -> ChildProcessResult {
            let r = try await CLI.run(args, home: home, currentDirectory: home)
            #expect(r.exitCode == 0, "\(args.joined(separator: " ")): \(r.stderr)")
            return r
        }
        for name in ["src", "dst"] {
            _ = try await ok(["env", "create", name])
            _ = try await ok(["env", "settings", name, "--maxuploadfilesize", "32000000"])
        }
        _ = try await ok(["env", "provision", "src", "--template", "starter"])
        let src = try LocalEnvironment(opening: home.appendingPathComponent("environments/src.sqlite"))
        let webFile = try #require(try await src.retrieveAll(RecordQuery("adx_webfile")).first)
        let note = UUID(), body = Self.body()
        let created = try await src.execute([
            .create(
                EntityRecord(
                    "annotation", id: note,
                    columns: [
                        "filename": .string("big.png"), "subject": .string("big.png"), "mimetype": .string("image/png"),
                        "objectid": .lookup(EntityReference("adx_webfile", webFile.id)),
                        "documentbody": .string(body.base64EncodedString()),
                    ]))
        ])
        #expect(created.first?.isSuccess == true, "\(String(describing: created.first?.error))")

        let schema = home.appendingPathComponent("starter.xml").path
        _ = try await ok(["data", "schema", "--portalType", "starter", "--output", schema])
        let zip = home.appendingPathComponent("data.zip").path
        _ = try await ok(["data", "export", "--schemaFile", schema, "--dataFile", zip, "--environment", "local:src"])
        let imported = try await ok(["data", "import", "--data", zip, "--environment", "local:dst"])
        #expect(!imported.stdout.isEmpty)

        let dst = try LocalEnvironment(opening: home.appendingPathComponent("environments/dst.sqlite"))
        let copied = try await dst.downloadFile(FileBodyKey("annotation", note, "documentbody"))
        #expect(copied?.count == body.count)
        #expect(copied == body)
    }
}

extension LargePackageTests {
    /// libxml2 refuses a text node of 10,000,000 bytes or more too; long character data is lifted as well.
    @Test func hugeElementTextParses() throws {
        let text = String(repeating: "QUJD", count: 3_000_000) + "\n&amp;end"
        let xml = "<root>\n<filter>\(text)</filter>\n<next a=\"1\"/>\n</root>"
        let root = try SafeXMLReader.parse(Data(xml.utf8), file: "data.xml")
        #expect(root.child("filter")?.text == String(repeating: "QUJD", count: 3_000_000) + "\n&end")
        #expect(root.child("next")?.line == 4, "the lifted text's newline is kept for line numbers")
    }
}

import Foundation
import Testing
@testable import ConfigurationMigration

/// data.xml files over 10,000,000 bytes in total whose values are each small (issue 11: the M benchmark's
/// 72 MB package of 277 KB note bodies failed "not well-formed XML" at its last line).
@Suite struct LargeDocumentTests {
    @Test func documentOverTenMegabytesOfSmallValuesParses() throws {
        let value = String(repeating: "QUJD", count: 70_000) // 280,000 bytes, under the lifting threshold
        var xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<entities>\n"
        for i in 0..<60 { // ~16.8 MB
            xml += "  <record id=\"\(i)\"><field name=\"documentbody\" value=\"\(value)\" /></record>\n"
        }
        xml += "</entities>"
        #expect(xml.utf8.count > 10_000_000)
        let root = try SafeXMLReader.parse(Data(xml.utf8), file: "data.xml")
        let records = root.children("record")
        #expect(records.count == 60)
        #expect(records.last?["id"] == "59")
        #expect(records.last?.children("field").first?["value"] == value)
        #expect(records.last?.line == 62)

        // Still refused when malformed at the end.
        let broken = String(xml.dropLast("</entities>".count)) + "</entitie>"
        let error = #expect(throws: CMTError.self) { _ = try SafeXMLReader.parse(Data(broken.utf8), file: "data.xml") }
        #expect(error?.line == 63)
    }
}

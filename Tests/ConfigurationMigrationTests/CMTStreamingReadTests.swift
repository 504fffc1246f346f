import Foundation
import PortalModel
import Testing
import TestSupport
@testable import ConfigurationMigration

/// `data.xml` is read one element at a time (issue 20): the parser hands each `<record>` and
/// `<m2mrelationship>` to `CMTDataReader` as it ends, and the tree it returns holds none of them, while
/// the snapshot holds every record, link, problem and warning the whole-tree reader gave.
@Suite struct CMTStreamingReadTests {
    static let site = "11111111-1111-4111-8111-111111111111"
    static let pages = (1...5).map { "22222222-2222-4222-8222-22222222222\($0)" }

    static var schema: CMTSchema { get throws { try CMTSchema(data: Data(DataCommandHardeningTests.schema.utf8)) } }

    static var xml: String {
        """
        <entities timestamp="2026-12-07T10:00:00Z">
        <entity name="adx_website"><records>
        <record id="\(site)"><field name="adx_name" value="Site" /></record>
        </records></entity>
        <entity name="adx_webpage"><records>
        \(pages.map { "<record id=\"\($0)\"><field name=\"adx_name\" value=\"Page \($0.suffix(1))\" /></record>" }.joined(separator: "\n"))
        </records><m2mrelationships /></entity>
        </entities>
        """
    }

    /// Takes nothing, counts what the reader is handed: the sink sees every record end.
    final class Counting: XMLElementSink {
        var ended: [String: Int] = [:]
        let inner: CMTDataReader
        init(_ inner: CMTDataReader) { self.inner = inner }
        func elementStarted(_ node: XMLNode, ancestors: [XMLNode]) { inner.elementStarted(node, ancestors: ancestors) }
        func elementEnded(_ node: XMLNode, ancestors: [XMLNode]) -> Bool {
            ended[node.name, default: 0] += 1
            return inner.elementEnded(node, ancestors: ancestors)
        }
    }

    @Test func recordsAreTakenAsTheyEndAndNeverKeptInTheTree() throws {
        let reader = CMTDataReader(schema: try Self.schema, file: "data.xml")
        let counting = Counting(reader)
        let root = try SafeXMLReader.parse(Data(Self.xml.utf8), file: "data.xml", sink: counting)
        // The tree keeps the root (its timestamp) and nothing the reader took: no entity, no record.
        #expect(root.name == "entities" && root["timestamp"] == "2026-12-07T10:00:00Z")
        #expect(root.children.isEmpty, "\(root.children.map(\.name))")
        #expect(counting.ended["record"] == 6 && counting.ended["field"] == 6)
        let file = try reader.finish(root: root)
        #expect(file.snapshot.records["adx_webpage"]?.map(\.id.dataverseString).sorted() == Self.pages)
        #expect(file.snapshot.records["adx_website"]?.first?["adx_name"] == .string("Site"))
        #expect(file.timestamp == "2026-12-07T10:00:00Z")
        // The whole-file entry point reads the same.
        let whole = try CMTDataFile(data: Data(Self.xml.utf8), schema: try Self.schema)
        #expect(whole.snapshot.recordCount == 6 && whole.warnings.isEmpty)
    }

    @Test func everyRecordsBlockOfAnEntityIsRead() throws {
        let xml = """
            <entities><entity name="adx_webpage"><records>
            <record id="\(Self.pages[0])"><field name="adx_name" value="A" /></record>
            </records>
            <records>
            <record id="\(Self.pages[1])"><field name="adx_name" value="B" /></record>
            </records></entity></entities>
            """
        let file = try CMTDataFile(data: Data(xml.utf8), schema: try Self.schema)
        #expect(file.snapshot.records["adx_webpage"]?.map(\.id.dataverseString).sorted() == [Self.pages[0], Self.pages[1]].sorted())
        #expect(file.warnings.isEmpty, "\(file.warnings)")
        // The same id in two blocks is the duplicate it is in one: refused, both lines named.
        let twice = xml.replacingOccurrences(of: Self.pages[1], with: Self.pages[0])
        #expect {
            try CMTDataFile(data: Data(twice.utf8), schema: try Self.schema)
        } throws: { error in
            "\(error)".contains("appears twice in entity adx_webpage (lines 2 and 5)")
        }
    }

    @Test func aRootThatIsNotEntitiesReadsNothingAndSaysSo() throws {
        let xml = "<data><entity name=\"adx_webpage\"><records><record id=\"not-a-guid\" /></records></entity></data>"
        #expect {
            try CMTDataFile(data: Data(xml.utf8), schema: try Self.schema)
        } throws: { error in
            (error as? CMTError)?.message == "the root element is <data>, expected <entities>"
        }
    }

    @Test func problemsAfterAParseErrorAreNotReportedTheParseErrorIs() throws {
        // A bad record id before the file is cut short: the file's state (cut short) is what is said.
        let xml = "<entities><entity name=\"adx_webpage\"><records><record id=\"not-a-guid\" /></records>"
        #expect {
            try CMTDataFile(data: Data(xml.utf8), schema: try Self.schema)
        } throws: { error in
            (error as? CMTError)?.kind == .malformedXML
        }
    }
}

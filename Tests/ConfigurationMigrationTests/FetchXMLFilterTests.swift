import Foundation
import PortalModel
import Testing
import TestSupport
@testable import ConfigurationMigration

@Suite struct FetchXMLFilterTests {
    static let site1 = UUID(uuidString: "D78574F9-20C3-4DCC-8D8D-85CF5B7AC141")!
    static let site2 = UUID()

    @Test func everyCorpusFilterParses() throws {
        var count = 0
        for dir in ["schemas/filtered"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: TestPaths.cmt(dir).path) where name.hasSuffix(".xml") {
                let schema = try CMTSchema(contentsOf: TestPaths.cmt("\(dir)/\(name)"))
                for e in schema.entities where e.filter != nil {
                    let f = try #require(try e.fetchFilter())
                    #expect(f.filter != nil || !f.links.isEmpty, "\(name) \(e.name) filter has conditions")
                    count += 1
                }
            }
        }
        let css = try CMTSchema(contentsOf: TestPaths.cmt("packages/css-portal-2020/data_schema.xml"))
        for e in css.entities where e.filter != nil {
            let f = try #require(try e.fetchFilter())
            #expect(!f.links.isEmpty)
            count += 1
        }
        #expect(count == 254)
    }

    @Test func fragmentTranslatesToRecordFilter() throws {
        let schema = try CMTSchema(contentsOf: TestPaths.cmt("schemas/filtered/Custom_Portal.xml"))
        let snippet = try #require(schema.entity("adx_contentsnippet"))
        let f = try #require(try snippet.fetchFilter())
        let types = Dictionary(snippet.fields.compactMap { f in f.type.map { (f.name, $0) } }, uniquingKeysWith: { a, _ in a })
        let rf = try #require(try f.recordFilter { types[$0] })
        let siteID = try #require(UUID(dataverse: "{d78574f9-20c3-4dcc-8d8d-85cf5b7ac141}"))
        #expect(rf == .and([.compare("adx_websiteid", .eq, .guid(siteID))]))
        let inSite = EntityRecord("adx_contentsnippet", id: UUID(), columns: ["adx_websiteid": .lookup(EntityReference("adx_website", siteID))])
        let other = EntityRecord("adx_contentsnippet", id: UUID(), columns: ["adx_websiteid": .lookup(EntityReference("adx_website", UUID()))])
        #expect(rf.matches(inSite) && !rf.matches(other))
    }

    @Test func annotationLinkedToWebFileIsEvaluatedLocally() throws {
        let text = """
            <fetch version="1.0" mapping="logical" distinct="false">
              <entity name="annotation">
                <link-entity name="adx_webfile" from="adx_webfileid" to="objectid" link-type="inner" alias="ab">
                  <filter type="and"><condition attribute="adx_websiteid" operator="eq" value="{D78574F9-20C3-4DCC-8D8D-85CF5B7AC141}" /></filter>
                </link-entity>
              </entity>
            </fetch>
            """
        let f = try FetchXMLFilter(text: text, entity: "annotation")
        #expect(f.entityName == "annotation" && f.links.count == 1)
        #expect(throws: CMTError.self) { try f.recordFilter { _ in nil } }
        let file1 = UUID(), file2 = UUID()
        var snapshot = PortalSnapshot()
        snapshot.add(EntityRecord("adx_webfile", id: file1, columns: ["adx_websiteid": .lookup(EntityReference("adx_website", Self.site1))]))
        snapshot.add(EntityRecord("adx_webfile", id: file2, columns: ["adx_websiteid": .lookup(EntityReference("adx_website", Self.site2))]))
        let n1 = EntityRecord("annotation", id: UUID(), columns: ["objectid": .lookup(EntityReference("adx_webfile", file1))])
        let n2 = EntityRecord("annotation", id: UUID(), columns: ["objectid": .lookup(EntityReference("adx_webfile", file2))])
        let n3 = EntityRecord("annotation", id: UUID(), columns: ["objectid": .lookup(EntityReference("account", UUID()))])
        let kept = f.filter([n1, n2, n3], table: "annotation", source: FetchRecordSource(snapshot: snapshot))
        #expect(kept.map(\.id) == [n1.id])
    }

    @Test func chainedLinksByWebsiteName() throws {
        // Tyler's form: web form metadata → web form step → web form → website named X.
        let text = """
            <fetch><entity name="adx_webformmetadata"><attribute name="adx_webformmetadataid" /><link-entity name="adx_webformstep" from="adx_webformstepid" to="adx_webformstep"><link-entity name="adx_webform" from="adx_webformid" to="adx_webform"><link-entity name="adx_website" from="adx_websiteid" to="adx_websiteid"><filter><condition attribute="adx_name" operator="eq" value="ContosoUniversity" /></filter></link-entity></link-entity></link-entity></entity></fetch>
            """
        let f = try FetchXMLFilter(text: text)
        let siteA = UUID(), siteB = UUID(), formA = UUID(), formB = UUID(), stepA = UUID(), stepB = UUID()
        var s = PortalSnapshot()
        s.add(EntityRecord("adx_website", id: siteA, columns: ["adx_name": .string("contosouniversity")]))
        s.add(EntityRecord("adx_website", id: siteB, columns: ["adx_name": .string("Other")]))
        s.add(EntityRecord("adx_webform", id: formA, columns: ["adx_websiteid": .lookup(EntityReference("adx_website", siteA))]))
        s.add(EntityRecord("adx_webform", id: formB, columns: ["adx_websiteid": .lookup(EntityReference("adx_website", siteB))]))
        s.add(EntityRecord("adx_webformstep", id: stepA, columns: ["adx_webform": .lookup(EntityReference("adx_webform", formA))]))
        s.add(EntityRecord("adx_webformstep", id: stepB, columns: ["adx_webform": .lookup(EntityReference("adx_webform", formB))]))
        let m1 = EntityRecord("adx_webformmetadata", id: UUID(), columns: ["adx_webformstep": .lookup(EntityReference("adx_webformstep", stepA))])
        let m2 = EntityRecord("adx_webformmetadata", id: UUID(), columns: ["adx_webformstep": .lookup(EntityReference("adx_webformstep", stepB))])
        let m3 = EntityRecord("adx_webformmetadata", id: UUID())
        #expect(f.filter([m1, m2, m3], table: "adx_webformmetadata", source: FetchRecordSource(snapshot: s)).map(\.id) == [m1.id])
    }

    @Test func operators() throws {
        let text = """
            <filter type="or">
              <filter type="and">
                <condition attribute="adx_name" operator="like" value="%home%" />
                <condition attribute="adx_partialurl" operator="ne" value="x" />
              </filter>
              <condition attribute="adx_displayorder" operator="in"><value>1</value><value>3</value></condition>
              <condition attribute="adx_releasedate" operator="on-or-after" value="2024-05-01" />
              <condition attribute="adx_summary" operator="null" />
            </filter>
            """
        let f = try FetchXMLFilter(text: text)
        func rec(_ cols: [String: FieldValue]) -> EntityRecord {
            var c = cols
            if c["adx_summary"] == nil { c["adx_summary"] = .string("s") }
            return EntityRecord("adx_webpage", id: UUID(), columns: c)
        }
        let date = { (s: String) in FieldValue.dateTime(DateTimeValue(iso8601: s)!) }
        let cases: [(EntityRecord, Bool)] = [
            (rec(["adx_name": .string("My HOME page"), "adx_partialurl": .string("y")]), true),
            (rec(["adx_name": .string("My HOME page"), "adx_partialurl": .string("X")]), false),
            (rec(["adx_name": .string("My HOME page")]), false), // ne never selects null
            (rec(["adx_displayorder": .integer(3)]), true),
            (rec(["adx_displayorder": .integer(2)]), false),
            (rec(["adx_releasedate": date("2024-05-01T00:00:00Z")]), true),
            (rec(["adx_releasedate": date("2024-04-30T23:59:59Z")]), false),
            (EntityRecord("adx_webpage", id: UUID()), true), // adx_summary null
        ]
        let types: [String: AttributeType] = [
            "adx_name": .string, "adx_partialurl": .string, "adx_displayorder": .integer,
            "adx_releasedate": .dateTime, "adx_summary": .memo,
        ]
        let rf = try #require(try f.recordFilter { types[$0] })
        for (record, expected) in cases {
            #expect(
                f.filter([record], table: "adx_webpage", source: FetchRecordSource(snapshot: PortalSnapshot())).count == (expected ? 1 : 0),
                "local \(record.columns)")
            #expect(rf.matches(record) == expected, "record filter \(record.columns)")
        }
        #expect(FetchXMLFilter.like("abc", "a_c") && FetchXMLFilter.like("ABC", "%b%") && !FetchXMLFilter.like("abc", "b%"))
    }

    @Test func unsupportedFetchXMLNamesTheElement() throws {
        let cases: [(String, String)] = [
            ("<filter><condition attribute=\"a\" operator=\"gt\" value=\"1\" /></filter>", "gt"),
            (
                "<fetch><entity name=\"a\"><order attribute=\"x\" /><link-entity name=\"b\" from=\"c\" to=\"d\" link-type=\"exists\" /></entity></fetch>",
                "exists"
            ),
            ("<fetch aggregate=\"true\"><entity name=\"a\" /></fetch>", "aggregate"),
            ("<filter><weird /></filter>", "<weird>"),
            ("<savedquery />", "<savedquery>"),
            ("<filter type=\"xor\"><condition attribute=\"a\" operator=\"null\" /></filter>", "xor"),
        ]
        for (text, needle) in cases {
            #expect("\(text)") { try FetchXMLFilter(text: text, entity: "adx_webpage") } throws: { error in
                guard let e = error as? CMTError else { return false }
                return e.kind == .unsupportedFetchXML && e.description.contains(needle) && e.entity == "adx_webpage"
            }
        }
        #expect(throws: CMTError.self) { try FetchXMLFilter(text: "<filter><condition", entity: "x") }
    }
}

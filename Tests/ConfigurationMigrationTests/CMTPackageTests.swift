import Foundation
import PortalModel
import Testing
import TestSupport
import ZIPFoundation
@testable import ConfigurationMigration

/// Reading the corpus packages into snapshots, writing them back, and refusing hostile input.
@Suite struct CMTPackageTests {
    static func id(_ s: String) throws -> UUID { try #require(UUID(dataverse: s)) }

    @Test func cssPortalPackageReadsTypedValues() throws {
        let package = try CMTPackage(contentsOf: TestPaths.cmt("packages/css-portal-2020"))
        #expect(package.warnings.isEmpty)
        #expect(package.timestamp == "2020-10-26T19:12:33.7452596Z")
        #expect(package.snapshot.recordCount == 47)
        let languages = package.snapshot.records["adx_portallanguage"] ?? []
        let pt = try #require(languages.first { $0.id == (try? Self.id("98127fd5-2661-4137-ae4d-163a954de66c")) })
        #expect(pt["adx_displayname"] == .string("português (Portugal)"))
        #expect(pt["adx_lcid"] == .integer(2070))
        #expect(pt["statecode"] == .state(0) && pt["statuscode"] == .status(1))
        #expect(pt["adx_portallanguageid"] == nil, "the primary id is the record id, not a column")
        let thai = try #require(languages.first { $0.string("adx_languagecode") == "th-TH" })
        #expect(thai["adx_displayname"] == .string("ไทย"))
        let ro = try #require(languages.first { $0.string("adx_languagecode") == "ro-RO" })
        #expect(ro["adx_displayname"] == .string("română"))
    }

    @Test func typedPackageReadsEveryType() throws {
        let package = try CMTPackage(contentsOf: TestPaths.cmt("packages/typed-2025"))
        let natures = package.snapshot.records["fdn_insuranceproductnature"] ?? []
        let first = try #require(natures.first { $0.id == (try? Self.id("6afe7cda-9d4f-f011-877b-6045bdccf7ac")) })
        let amount = try #require(ExactDecimal("4325"))
        #expect(first["fdn_amount"] == .money(amount))
        #expect(first["fdn_amount"]?.text == "4325.0000000000")
        #expect(first["exchangerate"]?.text == "1.000000000000")
        #expect(first["fdn_maxspeed"] == .double(2223.45))
        #expect(first["fdn_membercount"] == .integer(33))
        #expect(first["fdn_isvalid"] == .boolean(true))
        #expect(first["fdn_category"] == .choice(2))
        let due = try #require(DateTimeValue(iso8601: "2025-06-10T12:00:00Z"))
        #expect(first["fdn_duedate"] == .dateTime(due))
        let customer = try #require(first["fdn_customer"]?.reference)
        #expect(customer.logicalName == "contact" && customer.name == "Dolce Gabana")
        let parent = try #require(first["fdn_parentinsuranceproductnatureid"]?.reference)
        #expect(parent.name == "Root <\"\"> ''é&&@ \\ /", "lookupentityname is only XML-escaped")
        let root = try #require(natures.first { $0.id == parent.id })
        #expect(root["fdn_newcolumn"] == .string("Root <\"\"> ''é&&@ \\ /"), "strings are HTML-decoded")
        let owners = (package.snapshot.records["fdn_insurancecategory"] ?? []).compactMap { $0["ownerid"] }
        #expect(!owners.isEmpty && owners.allSatisfy { if case .owner = $0 { return true } else { return false } })
        let links = try #require(package.snapshot.links["fdn_insuranceproductnature_fdn_insuranc"])
        #expect(links.count == 7)
        #expect(links.allSatisfy { $0.first.logicalName == "fdn_insuranceproduct" && $0.second.logicalName == "fdn_insuranceproductnature" })
    }

    /// Both corpus packages: snapshot → data.xml gives Microsoft's bytes back, and a written zip reads
    /// back to the same snapshot.
    @Test(arguments: ["packages/css-portal-2020", "packages/typed-2025"])
    func packageRoundTrips(_ path: String) throws {
        let folder = TestPaths.cmt(path)
        let package = try CMTPackage(contentsOf: folder)
        let original = try Data(contentsOf: folder.appendingPathComponent("data.xml"))
        let written = Data(try package.dataXMLText().utf8)
        #expect(written == original, "byte-exact data.xml for \(path)")

        let dir = try TestPaths.temporaryDirectory("cmt-pkg")
        defer { try? FileManager.default.removeItem(at: dir) }
        let zip = dir.appendingPathComponent("data.zip")
        try package.writeZip(to: zip)
        let archive = try Archive(url: zip, accessMode: .read)
        #expect(Array(archive).map(\.path) == ["data.xml", "data_schema.xml", "[Content_Types].xml"])
        let back = try CMTPackage(contentsOf: zip)
        #expect(back.schema == package.schema)
        #expect(back.timestamp == package.timestamp)
        #expect(Self.sameSnapshot(back.snapshot, package.snapshot))
        #expect(throws: CMTError.self) { try package.writeZip(to: zip) }
        try package.writeZip(to: zip, overwrite: true)
    }

    @Test func contentTypesIsMicrosoftsExactBytes() throws {
        let corpus = try Data(contentsOf: TestPaths.cmt("packages/css-portal-2020/[Content_Types].xml"))
        #expect(CMTPackage.contentTypesXML == corpus)
        #expect(CMTPackage.contentTypesXML.count == 191)
    }

    @Test func snapshotWithNotesAndLinksRoundTrips() throws {
        let schema = CMTSchema(
            declaresXSINamespace: false,
            entities: [
                CMTEntity(
                    name: "adx_webfile", displayName: "Web File", objectTypeCode: 10010, primaryIDField: "adx_webfileid",
                    primaryNameField: "adx_name",
                    fields: [
                        CMTField(name: "adx_webfileid", displayName: "Web File", typeName: "guid", updateCompare: true, primaryKey: true),
                        CMTField(name: "adx_name", displayName: "Name", typeName: "string"),
                        CMTField(name: "adx_releasedate", displayName: "Release", typeName: "datetime"),
                        CMTField(name: "adx_tags", displayName: "Tags", typeName: "optionsetvaluecollection"),
                        CMTField(name: "adx_size", displayName: "Size", typeName: "bigint"),
                    ],
                    relationships: [
                        CMTRelationship(
                            name: "adx_webfile_webrole", relatedEntityName: "adx_webfile_webrole",
                            m2mTargetEntity: "adx_webrole", m2mTargetEntityPrimaryKey: "adx_webroleid")
                    ]),
                CMTEntity(
                    name: "annotation", displayName: "Note", objectTypeCode: 5, primaryIDField: "annotationid",
                    primaryNameField: "subject",
                    fields: [
                        CMTField(name: "annotationid", displayName: "Note", typeName: "guid", primaryKey: true),
                        CMTField(name: "documentbody", displayName: "Document", typeName: "string"),
                        CMTField(name: "objectid", displayName: "Regarding", typeName: "entityreference", lookupTypes: ["adx_webfile", "account"]),
                    ]),
            ])
        let file = UUID(), note = UUID(), role1 = UUID(), role2 = UUID()
        var snapshot = PortalSnapshot()
        snapshot.add(
            EntityRecord(
                "adx_webfile", id: file,
                columns: [
                    "adx_name": .string("a<b> & 'c' \"d\" café\nline2 ไทย"),
                    "adx_releasedate": .dateTime(try #require(DateTimeValue(iso8601: "2024-02-29T23:59:59.1234567Z"))),
                    "adx_tags": .multiChoice([3, 1]),
                ]))
        snapshot.add(
            EntityRecord(
                "annotation", id: note,
                columns: [
                    "objectid": .lookup(EntityReference("adx_webfile", file, name: "a.css"))
                ]))
        let body = Data((0..<300).map { UInt8($0 % 256) })
        snapshot.bodies[FileBodyKey("annotation", note, "documentbody")] = .data(body)
        snapshot.link("adx_webfile_webrole", ManyToManyLink(EntityReference("adx_webfile", file), EntityReference("adx_webrole", role1)))
        snapshot.link("adx_webfile_webrole", ManyToManyLink(EntityReference("adx_webfile", file), EntityReference("adx_webrole", role2)))
        let package = CMTPackage(schema: schema, snapshot: snapshot, timestamp: "2025-01-01T00:00:00.0000000Z")
        let text = try package.dataXMLText()
        #expect(text.contains("value=\"a&amp;lt;b&amp;gt; &amp;amp; &amp;#39;c&amp;#39; &amp;quot;d&amp;quot; caf&amp;#233;&#xA;line2 ไทย\""))
        #expect(text.contains("value=\"[-1,1,3,-1]\""))
        #expect(text.contains("value=\"2024-02-29T23:59:59.1234567Z\""))
        #expect(text.contains("lookupentity=\"adx_webfile\" lookupentityname=\"a.css\""))
        #expect(text.contains("value=\"\(body.base64EncodedString())\""))
        let dir = try TestPaths.temporaryDirectory("cmt-pkg")
        defer { try? FileManager.default.removeItem(at: dir) }
        try package.writeFolder(to: dir)
        let back = try CMTPackage(contentsOf: dir)
        #expect(back.schema == schema)
        let web = try #require(back.snapshot.record("adx_webfile", file))
        #expect(web["adx_tags"] == .multiChoice([1, 3]))
        #expect(web["adx_name"] == .string("a<b> & 'c' \"d\" café\nline2 ไทย"))
        #expect(try back.snapshot.bodies[FileBodyKey("annotation", note, "documentbody")]?.load() == body)
        #expect(back.snapshot.links["adx_webfile_webrole"]?.count == 2)
        #expect(back.snapshot.record("annotation", note)?["objectid"]?.reference?.name == "a.css")
    }

    @Test func tolerantReaders() throws {
        let schema = try CMTSchema(
            data: Data(
                """
                <entities><entity name="t" displayname="T" etc="1" primaryidfield="tid" primarynamefield="n" disableplugins="false"><fields>
                <field displayname="T" name="tid" type="guid" primaryKey="true" /><field displayname="N" name="n" type="string" />
                <field displayname="B" name="b" type="bool" /><field displayname="D" name="d" type="datetime" />
                </fields></entity></entities>
                """.utf8))
        let body = """
            <?xml version="1.0" encoding="utf-16"?>
            <entities timestamp="3/24/2019 2:42:52 PM">
              <entity name="t" displayname="T">
                <records>
                  <record id="{0C3A6B6A-6E2B-4D53-9D77-1B7C6C0F0A01}">
                    <field name="n" value="x" /><field name="b" value="TRUE" /><field name="d" value="12/19/2017 4:57:00 PM" />
                    <field name="extra" value="ignored" />
                  </record>
                </records>
              </entity>
            </entities>
            """
        var utf16 = Data([0xFF, 0xFE])
        utf16.append(body.data(using: .utf16LittleEndian) ?? Data())
        let file = try CMTDataFile(data: utf16, schema: schema)
        let r = try #require(file.snapshot.records["t"]?.first)
        #expect(r["b"] == .boolean(true))
        let expected = try #require(DateTimeValue(iso8601: "2017-12-19T16:57:00Z"))
        #expect(r["d"] == .dateTime(expected))
        #expect(file.timestampDate == DateTimeValue(iso8601: "2019-03-24T14:42:52Z"))
        #expect(file.warnings.count == 1 && file.warnings[0].contains("extra"))
        #expect(file.snapshot.links.isEmpty)
        // UTF-8 with BOM, no declaration, no timestamp.
        let plain =
            Data([0xEF, 0xBB, 0xBF])
            + Data(
                body.replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"utf-16\"?>\n", with: "")
                    .replacingOccurrences(of: " timestamp=\"3/24/2019 2:42:52 PM\"", with: "").utf8)
        let file2 = try CMTDataFile(data: plain, schema: schema)
        #expect(file2.timestamp == nil && file2.snapshot.recordCount == 1)
    }

    @Test func badValuesNameTheirPlace() throws {
        let schema = try CMTSchema(
            data: Data(
                """
                <entities><entity name="t" displayname="T" etc="1" primaryidfield="tid" primarynamefield="n" disableplugins="false"><fields>
                <field displayname="N" name="n" type="number" /></fields></entity></entities>
                """.utf8))
        let xml =
            "<entities>\n<entity name=\"t\"><records>\n<record id=\"0c3a6b6a-6e2b-4d53-9d77-1b7c6c0f0a01\">\n<field name=\"n\" value=\"12x\" /></record></records></entity></entities>"
        #expect { try CMTDataFile(data: Data(xml.utf8), schema: schema, file: "data.xml") } throws: { error in
            guard let e = error as? CMTError else { return false }
            return e.kind == .invalidValue && e.file == "data.xml" && e.line == 4 && e.entity == "t"
                && e.recordID == "0c3a6b6a-6e2b-4d53-9d77-1b7c6c0f0a01" && e.field == "n" && e.message.contains("12x")
        }
    }

    @Test func hostileXMLIsRefused() throws {
        let schema = CMTSchema(entities: [])
        let dtd = """
            <?xml version="1.0"?>
            <!DOCTYPE entities [ <!ENTITY lol "lol"> <!ENTITY lol2 "&lol;&lol;&lol;&lol;"> ]>
            <entities>&lol2;</entities>
            """
        let external = """
            <!DOCTYPE entities SYSTEM "file:///etc/passwd"><entities />
            """
        for text in [dtd, external] {
            #expect { try CMTDataFile(data: Data(text.utf8), schema: schema) } throws: { error in
                (error as? CMTError)?.kind == .unsafeInput
            }
            #expect { try CMTSchema(data: Data(text.utf8)) } throws: { error in (error as? CMTError)?.kind == .unsafeInput }
        }
    }

    @Test func hostileZipsAreRefused() throws {
        let dir = try TestPaths.temporaryDirectory("cmt-zip")
        defer { try? FileManager.default.removeItem(at: dir) }
        let schemaBytes = try Data(contentsOf: TestPaths.cmt("packages/css-portal-2020/data_schema.xml"))
        let dataBytes = try Data(contentsOf: TestPaths.cmt("packages/css-portal-2020/data.xml"))
        func zip(_ name: String, _ entries: [(String, Data)]) throws -> URL {
            let url = dir.appendingPathComponent(name)
            let archive = try Archive(url: url, accessMode: .create)
            for (path, bytes) in entries {
                try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: .deflate) { p, s in
                    bytes.subdata(in: Int(p)..<min(bytes.count, Int(p) + s))
                }
            }
            return url
        }
        for evil in ["../evil.xml", "/etc/evil.xml", "a/../../evil.xml", "..\\evil.xml", "C:/evil.xml"] {
            let url = try zip(
                "evil-\(UUID().uuidString.prefix(6)).zip",
                [("data.xml", dataBytes), ("data_schema.xml", schemaBytes), (evil, Data("x".utf8))])
            #expect("\(evil) is refused") { try CMTPackage(contentsOf: url) } throws: { error in
                guard let e = error as? CMTError else { return false }
                return e.kind == .unsafeInput && e.message.contains(evil)
            }
        }
        // A bomb: 8 MiB of zeros compresses to a few KB; a 1 MiB limit stops it while inflating.
        let bomb = try zip("bomb.zip", [("data.xml", Data(count: 8 << 20)), ("data_schema.xml", schemaBytes)])
        #expect(try FileManager.default.attributesOfItem(atPath: bomb.path)[.size] as? Int ?? 0 < 100_000)
        #expect { try CMTPackage(contentsOf: bomb, limits: .init(maximumEntryBytes: 1 << 20)) } throws: { error in
            (error as? CMTError)?.kind == .unsafeInput
        }
        let missing = try zip("missing.zip", [("data.xml", dataBytes)])
        #expect { try CMTPackage(contentsOf: missing) } throws: { error in (error as? CMTError)?.kind == .missingFile }
        let notZip = dir.appendingPathComponent("not.zip")
        try Data("hello".utf8).write(to: notZip)
        #expect(throws: CMTError.self) { try CMTPackage(contentsOf: notZip) }
    }

    /// The differences between two snapshots, one line each (for failure messages).
    static func differences(_ a: PortalSnapshot, _ b: PortalSnapshot) -> [String] {
        var out: [String] = []
        for table in Set(a.records.keys).union(b.records.keys).sorted() {
            let ra = Dictionary((a.records[table] ?? []).map { ($0.id, $0) }, uniquingKeysWith: { x, _ in x })
            let rb = Dictionary((b.records[table] ?? []).map { ($0.id, $0) }, uniquingKeysWith: { x, _ in x })
            for id in Set(ra.keys).union(rb.keys) {
                guard let x = ra[id], let y = rb[id] else { out.append("\(table) \(id) only on one side"); continue }
                for c in Set(x.columns.keys).union(y.columns.keys) where x.columns[c] != y.columns[c] {
                    out.append("\(table) \(id) \(c): \(String(describing: x.columns[c])) vs \(String(describing: y.columns[c]))")
                }
            }
        }
        if a.links != b.links { out.append("links differ") }
        if Set(a.bodies.keys) != Set(b.bodies.keys) { out.append("body keys differ") }
        return out
    }

    /// Snapshots compare equal: same records per table (order ignored), links and bodies.
    static func sameSnapshot(_ a: PortalSnapshot, _ b: PortalSnapshot) -> Bool {
        guard Set(a.records.keys) == Set(b.records.keys), a.links == b.links, Set(a.bodies.keys) == Set(b.bodies.keys) else { return false }
        for (table, records) in a.records where Set(records) != Set(b.records[table] ?? []) { return false }
        for (key, body) in a.bodies where (try? body.load()) != (try? b.bodies[key]?.load()) { return false }
        return true
    }
}

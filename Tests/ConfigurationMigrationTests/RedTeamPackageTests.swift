import Foundation
import LocalEnvironment
import PortalModel
import Testing
import TestSupport
import ZIPFoundation
@testable import ConfigurationMigration

/// The CMT holes a red-team run found after issue 17 (F9, F7, F2, F5, F10a, F6), one test each; the inputs
/// are built here, small versions of the kept attack inputs.
@Suite(.serialized) struct RedTeamPackageTests {
    typealias H = HostilePackageTests

    /// The offset of the first occurrence of `text` in `data`.
    static func offset(of text: String, in data: Data) throws -> Int {
        try #require(data.range(of: Data(text.utf8))).lowerBound
    }

    // F9: every entry's CRC is checked; entries a package does not have are refused; a control character in
    // an entry name is an invalid name, not a duplicate.
    @Test func f9EveryEntryIsCheckedAndOnlyPackageEntriesAreAccepted() async throws {
        let f = try await H.fixture("rt-f9")
        defer { try? FileManager.default.removeItem(at: f.root) }
        let good: [(String, Data)] = [
            ("data.xml", Data(H.data().utf8)), ("data_schema.xml", Data(H.schema.utf8)),
            ("[Content_Types].xml", CMTPackage.contentTypesXML),
        ]
        // [Content_Types].xml stored, one byte changed: its CRC no longer matches.
        let crc = f.root.appendingPathComponent("crc-ct.zip")
        try H.zip(crc, good, stored: true)
        var bytes = try Data(contentsOf: crc)
        let at = try Self.offset(of: "application/octet-stream", in: bytes)
        bytes[at] = UInt8(ascii: "A")
        try bytes.write(to: crc)
        try await f.refused(crc, ["crc-ct.zip", "'[Content_Types].xml' is damaged", "CRC-32"])

        // A second data.xml in a folder, a folder entry, any other file: refused, named.
        for (label, extra) in [("sub", "x/data.xml"), ("other", "readme.txt"), ("rootish", "__MACOSX.xml")] {
            let url = f.root.appendingPathComponent("\(label).zip")
            try H.zip(url, good + [(extra, Data(H.data().utf8))])
            try await f.refused(url, ["\(label).zip", "'\(extra)'", "does not have"])
        }
        // A package re-zipped with macOS Finder: its metadata entries carry no package data and are left out.
        let finder = f.root.appendingPathComponent("finder.zip")
        try H.zip(finder, good + [("__MACOSX/._data.xml", Data([0, 5, 22, 7])), (".DS_Store", Data([0, 0, 0, 1]))])
        #expect(try CMTPackage(contentsOf: finder).snapshot.recordCount == 2)
        // A NUL in a name is an invalid name (not "two entries named data.xml").
        let nul = f.root.appendingPathComponent("nul.zip")
        try H.zip(nul, good + [("data.xml\u{0}../evil", Data("pwn".utf8))])
        try await f.refused(nul, ["nul.zip", "invalid name", "U+0000"])

        // The control: the same package without damage reads, stored or deflated.
        for stored in [true, false] {
            let ok = f.root.appendingPathComponent("ok-\(stored).zip")
            try H.zip(ok, good, stored: stored)
            #expect(try CMTPackage(contentsOf: ok).snapshot.recordCount == 2)
        }
    }

    // F7: a field twice in a record, an N:N target twice, a schema field or entity
    // twice: refused naming file, line, record and field (the last silently won before).
    @Test func f7DuplicatesAreRefusedNotLastOneWins() async throws {
        let f = try await H.fixture("rt-f7")
        defer { try? FileManager.default.removeItem(at: f.root) }
        let twice = H.data(pageFields: "\n<field name=\"adx_name\" value=\"EVIL\" />")
        try await f.refused(
            try H.folder(f.root, "dup-field", data: twice),
            ["dup-field/data.xml:5", "record \(H.page)", "field adx_name", "appears twice", "lines 4 and 5"])
        let sameLine = H.data(pageFields: "<field name=\"adx_name\" value=\"EVIL\" />")
        try await f.refused(try H.folder(f.root, "dup-field-line", data: sameLine), ["data.xml:4", "(both on line 4)"])
        // (An <entity> block twice is read as one; a record id in both is refused: HostilePackageTests.)

        let schemaField = H.schema.replacingOccurrences(
            of: "<field displayname=\"Owner\" name=\"ownerid\" type=\"owner\" />",
            with: "<field displayname=\"Owner\" name=\"ownerid\" type=\"owner\" />\n<field displayname=\"Name\" name=\"adx_name\" type=\"memo\" />")
        #expect(schemaField != H.schema)
        try await f.refused(
            try H.folder(f.root, "dup-schema-field", data: H.data(), schema: schemaField),
            ["data_schema.xml:8", "field adx_name appears twice in entity adx_webpage"])
        let schemaEntity = H.schema.replacingOccurrences(
            of: "</entities>",
            with: "\n"
                + H.schema.components(separatedBy: "\n")[0...2]
                .joined(separator: "\n").replacingOccurrences(of: "<entities>", with: "") + "</entities>")
        #expect { try CMTSchema(data: Data(schemaEntity.utf8)) } throws: { error in
            let e = error as? CMTError
            return e?.entity == "adx_website" && e?.message.contains("appears twice") == true
        }

        // An N:N target id twice in one source's <targetids>.
        let m2mSchema = """
            <entities><entity name="adx_webrole" displayname="Web Role" etc="1" primaryidfield="adx_webroleid" primarynamefield="adx_name"><fields>
            <field displayname="Id" name="adx_webroleid" type="guid" primaryKey="true" /></fields>
            <relationships><relationship name="adx_webrole_contact" manyToMany="true" relatedEntityName="adx_webrole_contact" m2mTargetEntity="contact" m2mTargetEntityPrimaryKey="contactid" /></relationships>
            </entity></entities>
            """
        let role = UUID().dataverseString, contact = UUID().dataverseString
        let m2mData = """
            <entities><entity name="adx_webrole" displayname="Web Role"><records><record id="\(role)" /></records>
            <m2mrelationships><m2mrelationship sourceid="\(role)" targetentityname="contact" targetentitynameidfield="contactid" m2mrelationshipname="adx_webrole_contact">
            <targetids><targetid>\(contact)</targetid>
            <targetid>\(contact.uppercased())</targetid></targetids></m2mrelationship></m2mrelationships></entity></entities>
            """
        let schema = try CMTSchema(data: Data(m2mSchema.utf8))
        #expect { try CMTDataFile(data: Data(m2mData.utf8), schema: schema) } throws: { error in
            let e = error as? CMTError
            return e?.line == 4 && e?.recordID == role && e?.message.contains("appears twice (lines 3 and 4)") == true
        }
    }

    // F2: a value XML 1.0 cannot carry is refused at export, naming table, record, name and column; no zip.
    @Test func f2ExportRefusesCharactersXMLCannotCarry() async throws {
        let dir = try TestPaths.temporaryDirectory("rt-f2")
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = H.schema.replacingOccurrences(
            of: "<field displayname=\"Owner\" name=\"ownerid\" type=\"owner\" />",
            with: "<field displayname=\"Title\" name=\"adx_title\" type=\"string\" />")
        let schema = try CMTSchema(data: Data(text.utf8))
        let site = UUID(), page = UUID()
        for bad in ["a\u{1}b", "\u{0}", "x\u{B}", "\u{1F}", "y\u{FFFE}", "\u{FFFF}"] {
            var snapshot = PortalSnapshot()
            snapshot.add(EntityRecord("adx_website", id: site, columns: ["adx_name": .string("Site")]))
            snapshot.add(EntityRecord("adx_webpage", id: page, columns: ["adx_name": .string("Home"), "adx_title": .string(bad)]))
            let zip = dir.appendingPathComponent("data.zip")
            #expect("\(bad.unicodeScalars.map(\.value))") { try CMTPackage(schema: schema, snapshot: snapshot).writeZip(to: zip) } throws: { error in
                guard let e = error as? CMTError else { return false }
                return e.entity == "adx_webpage" && e.recordID == page.dataverseString && e.field == "adx_title"
                    && e.message.contains("XML 1.0") && e.message.contains("named 'Home'") && e.message.contains("nothing was written")
            }
            #expect(!FileManager.default.fileExists(atPath: zip.path))
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty, "no temporary file left")
        }
        // Tab, newline, carriage return and U+FFFD are allowed and round-trip.
        var snapshot = PortalSnapshot()
        snapshot.add(EntityRecord("adx_website", id: site, columns: ["adx_name": .string("a\tb\nc\u{FFFD}")]))
        let zip = dir.appendingPathComponent("ok.zip")
        try CMTPackage(schema: schema, snapshot: snapshot).writeZip(to: zip)
        #expect(try CMTPackage(contentsOf: zip).snapshot.record("adx_website", site)?["adx_name"] == .string("a\tb\nc\u{FFFD}"))
    }

    // F5: a well-formed schema with a comment over libxml2's 10,000,000-byte limit is read; a CDATA section
    // that long (not lifted) is reported as what it is, not as "not well-formed".
    @Test func f5HugeCommentIsReadAndHugeCDATAIsNamed() async throws {
        let pad = String(repeating: " ", count: 11 << 20)
        let commented = H.schema.replacingOccurrences(of: "</entities>", with: "<!--\(pad)\n-->\n</entities>")
        let schema = try CMTSchema(data: Data(commented.utf8))
        #expect(schema.entities.map(\.name) == ["adx_website", "adx_webpage"])
        // Same through a package folder's data_schema.xml.
        let dir = try TestPaths.temporaryDirectory("rt-f5")
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = try H.folder(dir, "pkg", data: H.data(), schema: commented)
        #expect(try CMTPackage(contentsOf: folder).snapshot.recordCount == 2)

        let cdata = H.schema.replacingOccurrences(
            of: "</fields></entity></entities>",
            with: "</fields><filter><![CDATA[\(pad)]]></filter></entity></entities>")
        #expect(cdata != H.schema)
        #expect { try CMTSchema(data: Data(cdata.utf8), file: "big.xml") } throws: { error in
            guard let e = error as? CMTError else { return false }
            return e.file == "big.xml" && e.line == 8 && e.message.contains("over 10,000,000 bytes") && !e.message.contains("not well-formed")
        }
    }

    // F10a: a FetchXML filter error names the schema file and the schema line.
    @Test func f10aFilterErrorsNameTheSchemaFileAndLine() throws {
        let text = H.schema.replacingOccurrences(
            of: "</fields></entity></entities>",
            with:
                "</fields>\n<filter>&lt;filter&gt;\n&lt;condition attribute=\"adx_name\" operator=\"nope\" value=\"x\" /&gt;&lt;/filter&gt;</filter></entity></entities>"
        )
        let schema = try CMTSchema(data: Data(text.utf8), file: "portal-schema.xml")
        let page = try #require(schema.entity("adx_webpage"))
        #expect { _ = try page.fetchFilter() } throws: { error in
            guard let e = error as? CMTError else { return false }
            return e.file == "portal-schema.xml" && e.line == 10 && e.entity == "adx_webpage" && e.message.contains("'nope'")
                && e.description.hasPrefix("portal-schema.xml:10")
        }
        // Entities compare equal whatever file they came from, or none.
        #expect(try CMTSchema(data: Data(text.utf8), file: "a.xml") == CMTSchema(data: Data(text.utf8), file: "b.xml"))
        var built = page
        built.filterSource = .init()
        #expect(built == page)
    }

    // F6: a long valid name exports (short temporary name); a name over 255 bytes, a missing or read-only
    // folder are refused before the environment is read; no NSCocoaErrorDomain/NSPOSIXErrorDomain text.
    @Test func f6DestinationIsCheckedFirstAndMessagesArePlain() async throws {
        let f = try await H.fixture("rt-f6")
        defer { try? FileManager.default.removeItem(at: f.root) }
        try Data(H.schema.utf8).write(to: f.root.appendingPathComponent("schema.xml"))
        let long = String(repeating: "n", count: 220) + ".zip" // 224 bytes
        var r = try await f.run(["data", "export", "--schemaFile", "schema.xml", "--dataFile", long, "--environment", "local:t"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: f.root.appendingPathComponent(long).path))

        let tooLong = String(repeating: "n", count: 252) + ".zip"
        // An environment that does not exist: the destination is checked before it is opened.
        for (out, words) in [(tooLong, ["256 bytes long", "at most 255"]), ("missing/data.zip", ["does not exist"])] {
            r = try await f.run(["data", "export", "--schemaFile", "schema.xml", "--dataFile", out, "--environment", "local:nosuchenv"])
            #expect(r.exitCode != 0)
            for w in words { #expect(r.stderr.contains(w), "'\(w)' not in: \(r.stderr)") }
            #expect(!r.stderr.contains("nosuchenv"), "checked before the environment: \(r.stderr)")
            H.expectPlainWords(r.stderr)
            #expect(!r.stderr.contains("NSPOSIXErrorDomain"))
        }
        if getuid() != 0 {
            let ro = f.root.appendingPathComponent("ro")
            try FileManager.default.createDirectory(at: ro, withIntermediateDirectories: true)
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: ro.path)
            defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: ro.path) }
            r = try await f.run(["data", "export", "--schemaFile", "schema.xml", "--dataFile", "ro/data.zip", "--environment", "local:nosuchenv"])
            #expect(r.exitCode != 0 && r.stderr.contains("cannot be written to"), "\(r.stderr)")
        }
        // Foundation's errors in plain words.
        let cocoa = NSError(domain: NSCocoaErrorDomain, code: 514, userInfo: [NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: 36)])
        let plain = CMTPackage.plainReason(cocoa)
        #expect(plain == String(cString: strerror(36)), "\(plain)")
        #expect(!ZipMessages.describe(cocoa).contains("Domain"))
        #expect(CMTPackage.plainReason(NSError(domain: NSCocoaErrorDomain, code: NSFileWriteOutOfSpaceError)) == "the disk is full")
    }
}

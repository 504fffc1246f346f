import Foundation
import LocalEnvironment
import PortalModel
import Testing
import TestSupport
import ZIPFoundation
@testable import ConfigurationMigration

/// `portal-migrate data import` with the real binary against odd and hostile packages: a record the
/// server refuses is named (table, id, name, server message) with exit code 1; `--dry-run` writes
/// nothing; unsafe or unsupported packages stop before any write (exit 2) naming the problem; old and
/// oddly encoded packages (UTF-16 with BOM, culture dates, booleans in capitals, no `<m2mrelationships>`,
/// a folder instead of a zip) import.
@Suite(.serialized) struct DataCommandHardeningTests {
    static let site = "11111111-1111-4111-8111-111111111111"
    static let home = "22222222-2222-4222-8222-222222222222"
    static let broken = "33333333-3333-4333-8333-333333333333"

    /// A schema of websites and web pages (plug-ins on, so the platform's web page rules apply).
    static let schema = """
        <entities><entity name="adx_website" displayname="Website" etc="10027" primaryidfield="adx_websiteid" primarynamefield="adx_name" disableplugins="false"><fields>
        <field displayname="Id" name="adx_websiteid" type="guid" primaryKey="true" /><field displayname="Name" name="adx_name" type="string" />
        </fields></entity>
        <entity name="adx_webpage" displayname="Web Page" etc="10017" primaryidfield="adx_webpageid" primarynamefield="adx_name" disableplugins="false"><fields>
        <field displayname="Id" name="adx_webpageid" type="guid" primaryKey="true" /><field displayname="Name" name="adx_name" type="string" />
        <field displayname="Partial URL" name="adx_partialurl" type="string" />
        <field displayname="Hidden" name="adx_hiddenfromsitemap" type="bool" />
        <field displayname="Release" name="adx_releasedate" type="datetime" />
        <field displayname="Website" name="adx_websiteid" type="entityreference" lookupType="adx_website" />
        <field displayname="Parent" name="adx_parentpageid" type="entityreference" lookupType="adx_webpage" />
        </fields></entity></entities>
        """

    static func dataXML(pages: String, declaration: String = "", timestamp: String = "") -> String {
        """
        \(declaration)<entities\(timestamp.isEmpty ? "" : " timestamp=\"\(timestamp)\"")>
        <entity name="adx_website" displayname="Website"><records><record id="\(site)"><field name="adx_name" value="Site" /></record></records></entity>
        <entity name="adx_webpage" displayname="Web Page"><records>
        <record id="\(home)"><field name="adx_name" value="Home" /><field name="adx_partialurl" value="/" /><field name="adx_websiteid" value="\(site)" lookupentity="adx_website" /></record>
        \(pages)
        </records></entity></entities>
        """
    }

    static func folder(_ root: URL, _ name: String, data: Data, schema: String = schema) throws -> URL {
        let dir = root.appendingPathComponent(name, isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data(schema.utf8).write(to: dir.appendingPathComponent("data_schema.xml"))
        try data.write(to: dir.appendingPathComponent("data.xml"))
        return dir
    }

    static func count(_ home: URL, _ env: String, _ table: String) async throws -> Int {
        try await LocalEnvironment(opening: home.appendingPathComponent("environments/\(env).sqlite")).retrieveAll(RecordQuery(table)).count
    }

    @Test func failedRecordIsNamedAndExitsOne() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.portalMigrateBinary.path), "build portal-migrate first")
        let root = try TestPaths.temporaryDirectory("cmt-hard")
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try await CLI.run(["env", "create", "t"], home: root)
        // A second root page (no parent) whose partial URL is not "/": the platform refuses it.
        let page =
            "<record id=\"\(Self.broken)\"><field name=\"adx_name\" value=\"Broken root\" /><field name=\"adx_partialurl\" value=\"broken\" />"
            + "<field name=\"adx_websiteid\" value=\"\(Self.site)\" lookupentity=\"adx_website\" /></record>"
        let pkg = try Self.folder(root, "pkg", data: Data(Self.dataXML(pages: page).utf8))

        let dry = try await CLI.run(["data", "import", "--data", pkg.path, "--environment", "local:t", "--dry-run"], home: root)
        #expect(dry.status == 0, "\(dry.err)")
        let (sites, pages) = (try await Self.count(root, "t", "adx_website"), try await Self.count(root, "t", "adx_webpage"))
        #expect(sites == 0 && pages == 0, "a dry run writes nothing")

        let r = try await CLI.run(["data", "import", "--data", pkg.path, "--environment", "local:t", "--json"], home: root)
        #expect(r.status == 1, "a failed record makes the exit code 1: \(r.out)\(r.err)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any], "\(r.out)")
        let failures = try #require(report["failures"] as? [[String: Any]])
        #expect(failures.count == 1)
        let f = try #require(failures.first)
        #expect(f["table"] as? String == "adx_webpage")
        #expect(f["id"] as? String == Self.broken)
        #expect(f["name"] as? String == "Broken root")
        #expect((f["message"] as? String)?.contains("Partial URL") == true && f["code"] as? String == "0x80040265", "the server's message: \(f)")
        // The human report names the same record; the other records were written.
        #expect(r.err.contains("adx_webpage \(Self.broken) \"Broken root\""), "\(r.err)")
        #expect(try await Self.count(root, "t", "adx_webpage") == 1)
    }

    @Test func unsafeAndUnsupportedPackagesStopBeforeWriting() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.portalMigrateBinary.path), "build portal-migrate first")
        let root = try TestPaths.temporaryDirectory("cmt-hard")
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try await CLI.run(["env", "create", "t"], home: root)
        let good = Data(Self.dataXML(pages: "").utf8)

        // Zip slip.
        let slip = root.appendingPathComponent("slip.zip")
        let archive = try Archive(url: slip, accessMode: .create)
        for (path, bytes) in [("data.xml", good), ("data_schema.xml", Data(Self.schema.utf8)), ("../../evil.sh", Data("x".utf8))] {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: .deflate) { p, s in
                bytes.subdata(in: Int(p)..<min(bytes.count, Int(p) + s))
            }
        }
        // Billion laughs in data.xml; an external entity in the schema.
        let laughs = """
            <?xml version="1.0"?>
            <!DOCTYPE entities [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
            <entities><entity name="adx_website"><records><record id="\(Self.site)"><field name="adx_name" value="&c;" /></record></records></entity></entities>
            """
        let bomb = try Self.folder(root, "laughs", data: Data(laughs.utf8))
        let external = try Self.folder(
            root, "external", data: good,
            schema: "<!DOCTYPE entities SYSTEM \"file:///etc/passwd\">" + Self.schema)
        // Activity parties.
        let partySchema = Self.schema.replacingOccurrences(
            of: "<field displayname=\"Name\" name=\"adx_name\" type=\"string\" />\n</fields></entity>\n<entity name=\"adx_webpage\"",
            with:
                "<field displayname=\"Name\" name=\"adx_name\" type=\"string\" /><field displayname=\"P\" name=\"parties\" type=\"partylist\" />\n</fields></entity>\n<entity name=\"adx_webpage\""
        )
        #expect(partySchema != Self.schema)
        let partyData = Self.dataXML(pages: "").replacingOccurrences(
            of: "<field name=\"adx_name\" value=\"Site\" />",
            with:
                "<field name=\"adx_name\" value=\"Site\" /><field name=\"parties\" value=\"\"><activitypointerrecords id=\"\(UUID().uuidString)\"><field name=\"partyid\" value=\"\(UUID().uuidString)\" lookupentity=\"contact\" /></activitypointerrecords></field>"
        )
        let party = try Self.folder(root, "party", data: Data(partyData.utf8), schema: partySchema)
        // No data.xml.
        let missing = root.appendingPathComponent("missing", isDirectory: true)
        try FileManager.default.createDirectory(at: missing, withIntermediateDirectories: true)
        try Data(Self.schema.utf8).write(to: missing.appendingPathComponent("data_schema.xml"))

        let cases: [(URL, [String])] = [
            (slip, ["../../evil.sh"]),
            (bomb, ["laughs/data.xml"]),
            (external, ["external/data_schema.xml"]),
            (party, ["entity adx_website", "record \(Self.site)", "field parties", "party list"]),
            (missing, ["data.xml"]),
        ]
        for (url, words) in cases {
            let r = try await CLI.run(["data", "import", "--data", url.path, "--environment", "local:t"], home: root)
            #expect(r.status == 2, "\(url.lastPathComponent): \(r.status) \(r.err)")
            for w in words { #expect(r.err.contains(w), "\(url.lastPathComponent) names '\(w)': \(r.err)") }
        }
        #expect(!FileManager.default.fileExists(atPath: root.deletingLastPathComponent().appendingPathComponent("evil.sh").path))
        #expect(try await Self.count(root, "t", "adx_website") == 0, "nothing was written")
    }

    @Test func oldAndOddlyEncodedPackagesImport() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.portalMigrateBinary.path), "build portal-migrate first")
        let root = try TestPaths.temporaryDirectory("cmt-hard")
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try await CLI.run(["env", "create", "t"], home: root)
        let page =
            "<record id=\"\(Self.broken)\"><field name=\"adx_name\" value=\"About\" /><field name=\"adx_partialurl\" value=\"about\" />"
            + "<field name=\"adx_hiddenfromsitemap\" value=\"TRUE\" /><field name=\"adx_releasedate\" value=\"12/19/2017 4:57:00 PM\" />"
            + "<field name=\"adx_websiteid\" value=\"{\(Self.site.uppercased())}\" lookupentity=\"adx_website\" />"
            + "<field name=\"adx_parentpageid\" value=\"\(Self.home)\" lookupentity=\"adx_webpage\" lookupentityname=\"Home\" /></record>"
        let text = Self.dataXML(pages: page, declaration: "<?xml version=\"1.0\" encoding=\"utf-16\"?>\n", timestamp: "3/24/2019 2:42:52 PM")
        var utf16 = Data([0xFF, 0xFE])
        utf16.append(try #require(text.data(using: .utf16LittleEndian)))
        let pkg = try Self.folder(root, "old", data: utf16)
        let r = try await CLI.run(["data", "import", "--data", pkg.path, "--environment", "local:t"], home: root)
        #expect(r.status == 0, "\(r.out)\(r.err)")
        let env = try LocalEnvironment(opening: root.appendingPathComponent("environments/t.sqlite"))
        let about = try await env.retrieve("adx_webpage", id: try #require(UUID(dataverse: Self.broken)))
        #expect(about["adx_hiddenfromsitemap"] == .boolean(true))
        #expect(about["adx_releasedate"] == .dateTime(try #require(DateTimeValue(iso8601: "2017-12-19T16:57:00Z"))))
        #expect(about["adx_websiteid"]?.reference?.id == UUID(dataverse: Self.site))
    }

    @Test func exportDestinationsAndSchemasAreChecked() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.portalMigrateBinary.path), "build portal-migrate first")
        let root = try TestPaths.temporaryDirectory("cmt-hard")
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try await CLI.run(["env", "create", "t"], home: root)
        let pkg = try Self.folder(root, "pkg", data: Data(Self.dataXML(pages: "").utf8))
        let imported = try await CLI.run(["data", "import", "--data", pkg.path, "--environment", "local:t"], home: root)
        #expect(imported.status == 0, "\(imported.err)")
        let schema = pkg.appendingPathComponent("data_schema.xml").path

        // A folder is never replaced by a zip, even with --overwrite.
        let folder = root.appendingPathComponent("out", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: folder.appendingPathComponent("keep.txt"))
        let intoFolder = try await CLI.run(
            ["data", "export", "--schemaFile", schema, "--dataFile", folder.path, "--environment", "local:t", "--overwrite"], home: root)
        #expect(intoFolder.status == 2 && intoFolder.err.contains("is a folder"), "\(intoFolder.err)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("keep.txt").path))
        // A missing folder is named before anything is read.
        let missing = root.appendingPathComponent("nowhere/data.zip").path
        let noFolder = try await CLI.run(["data", "export", "--schemaFile", schema, "--dataFile", missing, "--environment", "local:t"], home: root)
        #expect(noFolder.status == 2 && noFolder.err.contains("nowhere") && !noFolder.out.contains("record(s)"), "\(noFolder.out)\(noFolder.err)")
        // A schema with a DTD is refused.
        let dtd = root.appendingPathComponent("dtd.xml")
        try Data(("<!DOCTYPE entities [<!ENTITY x \"y\">]>" + Self.schema).utf8).write(to: dtd)
        let hostile = try await CLI.run(
            ["data", "export", "--schemaFile", dtd.path, "--dataFile", root.appendingPathComponent("d.zip").path, "--environment", "local:t"],
            home: root)
        #expect(hostile.status == 2 && hostile.err.contains("dtd.xml"), "\(hostile.err)")

        // --overwrite replaces a zip with a complete one and leaves no temporary file.
        let zip = root.appendingPathComponent("data.zip")
        try Data("old".utf8).write(to: zip)
        let over = try await CLI.run(
            ["data", "export", "--schemaFile", schema, "--dataFile", zip.path, "--environment", "local:t", "--overwrite"], home: root)
        #expect(over.status == 0, "\(over.err)")
        let back = try CMTPackage(contentsOf: zip)
        #expect(back.snapshot.records["adx_webpage"]?.map(\.id.dataverseString) == [Self.home])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasSuffix(".partial") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test func verifyWithASchemaOfTwoTables() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.portalMigrateBinary.path), "build portal-migrate first")
        let root = try TestPaths.temporaryDirectory("cmt-hard")
        defer { try? FileManager.default.removeItem(at: root) }
        let pkg = try Self.folder(root, "pkg", data: Data(Self.dataXML(pages: "").utf8))
        for env in ["a", "b"] {
            _ = try await CLI.run(["env", "create", env], home: root)
            let r = try await CLI.run(["data", "import", "--data", pkg.path, "--environment", "local:\(env)"], home: root)
            #expect(r.status == 0, "\(r.err)")
        }
        let schema = pkg.appendingPathComponent("data_schema.xml").path
        let v = try await CLI.run(["verify", "--from", "local:a", "--to", "local:b", "--webSiteId", Self.site, "--schemaFile", schema], home: root)
        #expect(v.status == 0, "\(v.out)\(v.err)")
        // Each environment has its own org-wide portal languages: they are neither compared nor listed.
        #expect(!v.out.contains("adx_portallanguage"), "\(v.out)")
        let name = try await CLI.run(
            [
                "verify", "--from", "local:a", "--to", "local:b", "--webSiteId", Self.site, "--schemaFile",
                root.appendingPathComponent("none.xml").path,
            ], home: root)
        #expect(name.status == 2 && name.err.contains("none.xml"), "a missing schema file is named: \(name.err)")
    }
}

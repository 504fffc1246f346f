import Foundation
import PortalModel
import Testing
import TestSupport
@testable import ConfigurationMigration

/// The CMT readers collect every problem of a file before failing (issue 19): a `data.xml` or schema
/// with several bad records, fields or links names each one with its line, in one run; one problem is
/// still thrown as its own `CMTError`; a hostile file with thousands of problems lists a bounded number.
@Suite struct CMTProblemsCollectedTests {
    static let site = "11111111-1111-4111-8111-111111111111"
    static let page = "22222222-2222-4222-8222-222222222222"

    /// The data-command hardening schema (websites and web pages with a bool, a datetime and lookups).
    static var schema: CMTSchema { get throws { try CMTSchema(data: Data(DataCommandHardeningTests.schema.utf8)) } }

    /// A `data.xml` with one problem per line from line 3 on, each of a different kind, and the line
    /// each problem is on.
    static let fiveProblems: (xml: String, lines: [Int]) = (
        """
        <entities>
        <entity name="adx_webpage"><records>
        <record id="not-a-guid"><field name="adx_name" value="A" /></record>
        <record id="\(page)"><field name="adx_hiddenfromsitemap" value="perhaps" /><field name="adx_name" value="B" /></record>
        <record id="\(page)"><field name="adx_name" value="C" /></record>
        <record id="33333333-3333-4333-8333-333333333333"><field name="adx_name" value="D" /><field name="adx_name" value="E" /></record>
        <record id="44444444-4444-4444-8444-444444444444"><field name="adx_releasedate" value="yesterday" /></record>
        </records></entity></entities>
        """, [3, 4, 5, 6, 7]
    )

    @Test func everyProblemOfADataFileIsNamedWithItsLine() throws {
        let schema = try Self.schema
        #expect {
            try CMTDataFile(data: Data(Self.fiveProblems.xml.utf8), schema: schema)
        } throws: { error in
            guard let p = error as? CMTProblems else { Issue.record("expected CMTProblems, got \(error)"); return false }
            #expect(p.errors.map(\.line) == Self.fiveProblems.lines.map { Optional($0) }, "\(p)")
            #expect(p.errors.allSatisfy { $0.file == "data.xml" && $0.entity == "adx_webpage" })
            #expect(p.errors[1].field == "adx_hiddenfromsitemap" && p.errors[1].recordID == Self.page)
            #expect(p.errors[4].field == "adx_releasedate")
            #expect(p.count == 5 && p.notListed == 0)
            // The message lists each problem on its own line, after a count and the file.
            let lines = p.description.split(separator: "\n")
            #expect(lines.first == "5 problems in data.xml:")
            #expect(lines.count == 6 && lines.dropFirst().allSatisfy { $0.hasPrefix("  - data.xml:") })
            // Each becomes a diagnostic with its place, for `--json` and the terminal alike.
            #expect(p.diagnostics.compactMap(\.line) == Self.fiveProblems.lines)
            return true
        }
    }

    @Test func oneProblemIsStillItsOwnError() throws {
        let xml = """
            <entities><entity name="adx_webpage"><records>
            <record id="\(Self.page)"><field name="adx_hiddenfromsitemap" value="perhaps" /></record>
            </records></entity></entities>
            """
        let schema = try Self.schema
        #expect {
            try CMTDataFile(data: Data(xml.utf8), schema: schema)
        } throws: { error in
            let e = error as? CMTError
            return e?.kind == .invalidValue && e?.line == 2 && e?.field == "adx_hiddenfromsitemap"
        }
    }

    @Test func badLinksAreCollectedWithTheRecords() throws {
        let xml = """
            <entities><entity name="adx_webpage"><records>
            <record id="\(Self.page)"><field name="adx_hiddenfromsitemap" value="perhaps" /></record>
            </records><m2mrelationships>
            <m2mrelationship sourceid="\(Self.page)" targetentityname="adx_webrole" m2mrelationshipname="r"><targetids>
            <targetid>nope</targetid>
            <targetid>55555555-5555-4555-8555-555555555555</targetid>
            <targetid>55555555-5555-4555-8555-555555555555</targetid>
            </targetids></m2mrelationship></m2mrelationships></entity></entities>
            """
        let schema = try Self.schema
        #expect {
            try CMTDataFile(data: Data(xml.utf8), schema: schema)
        } throws: { error in
            guard let p = error as? CMTProblems else { return false }
            return p.errors.map(\.line) == [2, 5, 7] && p.errors[2].message.contains("appears twice")
        }
    }

    /// A hostile file with far more problems than anyone reads: the first `limit` are listed, the rest counted.
    @Test func aFloodOfProblemsIsBounded() throws {
        let n = ProblemCollector<CMTError>.defaultLimit + 57
        let records = (0..<n).map { i in
            "<record id=\(String(format: "\"%08x-0000-4000-8000-000000000000\"", i))><field name=\"adx_releasedate\" value=\"never\" /></record>"
        }
        let xml = "<entities><entity name=\"adx_webpage\"><records>\n" + records.joined(separator: "\n") + "\n</records></entity></entities>"
        let schema = try Self.schema
        #expect {
            try CMTDataFile(data: Data(xml.utf8), schema: schema)
        } throws: { error in
            guard let p = error as? CMTProblems else { return false }
            #expect(p.errors.count == ProblemCollector<CMTError>.defaultLimit && p.notListed == 57 && p.count == n)
            #expect(p.description.contains("… and 57 more"))
            return true
        }
    }

    @Test func everyBadEntityAndFieldOfASchemaIsNamed() throws {
        let text = """
            <entities>
            <entity name="a" displayname="A"><fields><field name="x" type="string" /></fields></entity>
            <entity name="b" primaryidfield="bid" disableplugins="maybe"><fields /></entity>
            <entity name="c" primaryidfield="cid"><fields>
            <field name="y" />
            <field name="z" type="string" updateCompare="sometimes" />
            </fields></entity>
            <bogus />
            </entities>
            """
        #expect {
            try CMTSchema(data: Data(text.utf8))
        } throws: { error in
            guard let p = error as? CMTProblems else { Issue.record("expected CMTProblems, got \(error)"); return false }
            #expect(p.errors.map(\.line) == [2, 3, 5, 6, 8], "\(p)")
            #expect(p.errors.map(\.entity) == ["a", "b", "c", "c", nil])
            #expect(p.errors[3].field == "z")
            return true
        }
    }

    /// The real binary on a package with three bad values: exit 2, nothing written, each line on stderr.
    @Test func dataImportNamesEveryBadValue() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.portalMigrateBinary.path), "build portal-migrate first")
        let root = try TestPaths.temporaryDirectory("cmt-problems")
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try await CLI.run(["env", "create", "t"], home: root)
        let pages = """
            <record id="55555555-5555-4555-8555-555555555555"><field name="adx_name" value="P1" /><field name="adx_hiddenfromsitemap" value="perhaps" /></record>
            <record id="66666666-6666-4666-8666-666666666666"><field name="adx_name" value="P2" /><field name="adx_releasedate" value="soon" /></record>
            <record id="77777777-7777-4777-8777-777777777777"><field name="adx_name" value="P3" /><field name="adx_hiddenfromsitemap" value="2" /></record>
            """
        let data = DataCommandHardeningTests.dataXML(pages: pages)
        let pkg = try DataCommandHardeningTests.folder(root, "pkg", data: Data(data.utf8))
        let r = try await CLI.run(["data", "import", "--data", pkg.path, "--environment", "local:t"], home: root)
        #expect(r.status == 2, "bad input stops before any write with exit 2: \(r.out)\(r.err)")
        let lines = data.split(separator: "\n", omittingEmptySubsequences: false)
        for marker in ["\"P1\"", "\"P2\"", "\"P3\""] {
            let line = try #require(lines.firstIndex { $0.contains(marker) }).advanced(by: 1)
            #expect(r.err.contains("data.xml:\(line)"), "stderr names line \(line): \(r.err)")
        }
        #expect(try await DataCommandHardeningTests.count(root, "t", "adx_webpage") == 0, "nothing was written")
    }

    /// The same package with `--json`: one JSON object whose `error.diagnostics` names each of the three
    /// bad records (file, line, table, record id, column), beside the message and exit code as before.
    @Test func dataImportJSONListsEveryBadValue() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.portalMigrateBinary.path), "build portal-migrate first")
        let root = try TestPaths.temporaryDirectory("cmt-problems-json")
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try await CLI.run(["env", "create", "t"], home: root)
        let ids = ["55555555-5555-4555-8555-555555555555", "66666666-6666-4666-8666-666666666666", "77777777-7777-4777-8777-777777777777"]
        let pages = """
            <record id="\(ids[0])"><field name="adx_name" value="P1" /><field name="adx_hiddenfromsitemap" value="perhaps" /></record>
            <record id="\(ids[1])"><field name="adx_name" value="P2" /><field name="adx_releasedate" value="soon" /></record>
            <record id="\(ids[2])"><field name="adx_name" value="P3" /><field name="adx_hiddenfromsitemap" value="2" /></record>
            """
        let data = DataCommandHardeningTests.dataXML(pages: pages)
        let pkg = try DataCommandHardeningTests.folder(root, "pkg", data: Data(data.utf8))
        let r = try await CLI.run(["data", "import", "--data", pkg.path, "--environment", "local:t", "--json"], home: root)
        #expect(r.status == 2, "\(r.out)\(r.err)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any], "\(r.out)")
        let error = try #require(object["error"] as? [String: Any], "\(r.out)")
        #expect(error["exitCode"] as? Int == 2 && (error["message"] as? String)?.contains("3 problems") == true, "\(error)")
        let diagnostics = try #require(error["diagnostics"] as? [[String: Any]], "\(error)")
        #expect(diagnostics.count == 3, "\(diagnostics)")
        let lines = data.split(separator: "\n", omittingEmptySubsequences: false)
        for (id, column) in zip(ids, ["adx_hiddenfromsitemap", "adx_releasedate", "adx_hiddenfromsitemap"]) {
            let line = try #require(lines.firstIndex { $0.contains(id) }).advanced(by: 1)
            let d = diagnostics.first { $0["recordID"] as? String == id }
            #expect(d?["table"] as? String == "adx_webpage" && d?["column"] as? String == column, "\(diagnostics)")
            #expect(d?["line"] as? Int == line && (d?["file"] as? String)?.hasSuffix("data.xml") == true, "\(d ?? [:])")
            #expect(d?["severity"] as? String == "error" && (d?["check"] as? String)?.hasPrefix("cmt-") == true)
        }
    }
}

import Foundation
import PortalModel
import Testing
import TestSupport
@testable import ConfigurationMigration

/// Fuzz targets for the CMT readers (issue 17): data.xml against its schema, schema files, and whole
/// zip packages. Seeds are Microsoft's files from the corpus and the found inputs kept in
/// `Tests/Fuzz/cmt-xml/` and `Tests/Fuzz/cmt-zip/`; a few seconds each by default, minutes under
/// `PM_LONG_TESTS=1`, the seed printed (`PM_FUZZ_SEED` replays it). Every input either reads or
/// throws `CMTError`, or `CMTProblems` listing several with their places (never another error, a
/// crash or a hang: the slowest input is bounded), and the
/// process's resident memory grows by less than 300 MB over the run.
@Suite(.serialized) struct CMTFuzzTests {
    static let xmlTokens = [
        "<", ">", "</", "/>", "&", "&#0;", "&nbsp;", "&amp;", "&#x10FFFF;", "\"", "'", "<!DOCTYPE x [<!ENTITY a \"b\">]>",
        "<!ENTITY e SYSTEM \"file:///etc/passwd\">", "&e;", "<![CDATA[", "]]>", "<!--", "-->", "<?xml version=\"1.0\"?>",
        "<a>", "</a>", "<entity name=\"adx_webpage\">", "<record id=\"00000000-0000-0000-0000-000000000000\">",
        "<field name=\"adx_name\" value=\"", "lookupentity=\"adx_website\"", "<m2mrelationship>", "<targetid>",
        " ", "\n", "\r\n", "\u{FEFF}", "\u{0}", "\u{F8FF}yaml:", "\u{E000}pm-lifted-0\u{E000}", "type=\"partylist\"",
    ]

    static func seeds() throws -> (data: [[UInt8]], schema: [[UInt8]]) {
        var data: [[UInt8]] = [], schema: [[UInt8]] = []
        for pkg in ["css-portal-2020", "typed-2025"] {
            data.append([UInt8](try Data(contentsOf: TestPaths.cmt("packages/\(pkg)/data.xml"))))
            schema.append([UInt8](try Data(contentsOf: TestPaths.cmt("packages/\(pkg)/data_schema.xml"))))
        }
        let found = Fuzzer.corpus("cmt-xml")
        return (data + found, schema + found)
    }

    static func assertReadsOrCMTError(_ body: () throws -> Void, _ input: [UInt8], _ label: String) {
        do { try body() } catch is CMTError {
        } catch let p as CMTProblems where p.errors.count > 1 && p.errors.allSatisfy({ $0.file != nil && $0.line != nil }) {
            // Several problems, each named with its file and line.
        } catch {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("pm-fuzz-\(label)-\(UUID().uuidString.prefix(8))")
            try? Data(input).write(to: file)
            Issue.record("\(label): \(type(of: error)) \(error) (input kept at \(file.path); add it to Tests/Fuzz/)")
        }
    }

    @Test func dataAndSchemaReaders() throws {
        let (dataSeeds, schemaSeeds) = try Self.seeds()
        let schema = try CMTSchema(data: Data(schemaSeeds[1]))
        var fuzzer = Fuzzer(label: "cmt-xml", dictionary: Self.xmlTokens)
        let memory = Fuzzer.residentBytes()
        let budget = Fuzzer.budget(seconds: 4, longSeconds: 300)
        let data = fuzzer.run(seeds: dataSeeds, seconds: budget / 2) { input in
            Self.assertReadsOrCMTError({ _ = try CMTDataFile(data: Data(input), schema: schema) }, input, "data")
        }
        let schemas = fuzzer.run(seeds: schemaSeeds, seconds: budget / 2) { input in
            Self.assertReadsOrCMTError({ _ = try CMTSchema(data: Data(input)) }, input, "schema")
        }
        let grown = Fuzzer.residentBytes() - memory
        print(
            "fuzz cmt-xml: \(data.count) data.xml and \(schemas.count) schema inputs, slowest \(max(data.slowest, schemas.slowest)) s, "
                + "memory +\(grown / 1_000_000) MB")
        #expect(data.count >= Fuzzer.minimumInputs && schemas.count >= Fuzzer.minimumInputs)
        #expect(grown < 300_000_000, "resident memory grew by \(grown) bytes")
    }

    @Test func zipPackages() throws {
        let dir = try TestPaths.temporaryDirectory("pm-fuzz-zip")
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = try CMTPackage(contentsOf: TestPaths.cmt("packages/typed-2025"))
        let valid = dir.appendingPathComponent("valid.zip")
        try source.writeZip(to: valid)
        let seeds = [[UInt8](try Data(contentsOf: valid))] + Fuzzer.corpus("cmt-zip")
        var fuzzer = Fuzzer(
            label: "cmt-zip",
            dictionary: [
                "PK\u{3}\u{4}", "PK\u{1}\u{2}", "PK\u{5}\u{6}", "data.xml", "data_schema.xml",
                "../", "/etc/passwd", "\u{0}\u{0}\u{0}\u{0}", "\u{FF}\u{FF}\u{FF}\u{FF}",
            ])
        let memory = Fuzzer.residentBytes()
        let file = dir.appendingPathComponent("input.zip")
        let result = try fuzzer.run(seeds: seeds, seconds: Fuzzer.budget(seconds: 4, longSeconds: 300)) { input in
            try Data(input).write(to: file)
            Self.assertReadsOrCMTError({ _ = try CMTPackage(contentsOf: file) }, input, "zip")
        }
        let grown = Fuzzer.residentBytes() - memory
        print("fuzz cmt-zip: \(result.count) inputs, slowest \(result.slowest) s, memory +\(grown / 1_000_000) MB")
        #expect(result.count >= Fuzzer.minimumInputs)
        #expect(grown < 300_000_000, "resident memory grew by \(grown) bytes")
    }
}

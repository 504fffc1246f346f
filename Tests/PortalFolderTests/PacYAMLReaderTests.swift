import Foundation
import Testing
@testable import PortalFolder

/// The YAML reader reads every scalar as text (no implicit tags) and still refuses duplicate keys,
/// naming the file and line (issue 20 changed how tags are resolved, issue 7 asks for the line).
@Suite struct PacYAMLReaderTests {
    func duplicateError(_ text: String) -> (line: Int?, problem: String)? {
        do {
            _ = try PacYAMLReader.parse(text, file: "web-pages/home/Home.webpage.yml")
            return nil
        } catch PortalFolderError.yamlSyntax(let file, let line, _, let problem) {
            #expect(file == "web-pages/home/Home.webpage.yml")
            return (line, problem)
        } catch {
            Issue.record("\(error)")
            return nil
        }
    }

    @Test func duplicateKeyOfAMappingIsNamedWithItsLine() throws {
        let e = try #require(duplicateError("adx_name: Home\nadx_partialurl: /\nadx_name: Other\n"))
        #expect(e.problem.contains("duplicate keys adx_name"))
        #expect(e.line == 1 || e.line == 3)
    }

    @Test func duplicateKeyInsideAListItemIsNamed() throws {
        let e = try #require(duplicateError("- adx_name: A\n  adx_value: 1\n- adx_name: B\n  adx_value: 2\n  adx_value: 3\n"))
        #expect(e.problem.contains("duplicate keys adx_value"))
        #expect((e.line ?? 0) >= 4)
    }

    /// `!!str yes` and `yes` are the same key as text (the only way the reader reads keys): one is a
    /// duplicate of the other, whatever tags say.
    @Test func keysEqualAsTextButTaggedDifferentlyAreDuplicates() throws {
        for text in ["!!str yes: 1\nyes: 2\n", "yes: 1\n!!bool yes: 2\n", "!!int 1: a\n1: b\n"] {
            let e = try #require(duplicateError(text), "\(text)")
            #expect(e.problem.contains("duplicate keys"), "\(text)")
            #expect(e.line == 1 || e.line == 2, "\(text)")
        }
    }

    /// Values that a YAML 1.1 resolver would type (bool, int, float, null, timestamp) stay their text.
    @Test func scalarsStayTheirText() throws {
        let doc = try PacYAMLReader.parse(
            "a: No\nb: 00:03:00\nc: 1e3\nd: ~\ne: 2024-01-02\nf: ''\ng:\nh: 0x1F\n", file: "x.yml")
        #expect(doc.root["a"] == .scalar("No"))
        #expect(doc.root["b"] == .scalar("00:03:00"))
        #expect(doc.root["c"] == .scalar("1e3"))
        #expect(doc.root["d"] == .scalar("~"))
        #expect(doc.root["e"] == .scalar("2024-01-02"))
        #expect(doc.root["f"] == .scalar(""))
        #expect(doc.root["g"] == .null)
        #expect(doc.root["h"] == .scalar("0x1F"))
        #expect(doc.keyLines["h"] == 8)
    }
}

import Foundation
import Testing
import TestSupport
@testable import PortalFolder

/// The emission rules of research/pac-yaml-emission.md, one by one, and the whole rule set against
/// every pac YAML file of the standard-model corpus folders.
@Suite struct PacYAMLEmitterTests {
    let emitter = PacYAMLEmitter()

    @Test func scalarStylesFollowPacTriggers() {
        let plain = [
            "No", "True", "00:03:00", "1000", "https://x.y/z", "~/a", "/", "<p>", "a: b".replacingOccurrences(of: ": ", with: ":"),
            "5,10,25,50,100", "-x", "it's", "say \"hi\"", "a#b", "null", "português", "x[y]",
        ]
        for s in plain { #expect(PacYAMLEmitter.style(of: s) == .plain, "\(s)") }
        let single = [
            "[Admin] Courses Home", "{\"status\":\"enable\"}", "*", "\"News Admin\" List",
            "Binding: x.com", "Missing required fields:", "News Admin ", " ", "- x", "-", "? x",
            "---a", "a #b", "#x", "@x", "%x", "`x", "|x", ">x", "&x", "!x", ",x", "\\x",
        ]
        for s in single { #expect(PacYAMLEmitter.style(of: s) == .singleQuoted, "\(s)") }
        #expect(PacYAMLEmitter.style(of: "") == .singleQuoted)
        #expect(PacYAMLEmitter.style(of: "it's: x") == .doubleQuoted)
        #expect(PacYAMLEmitter.style(of: "smile \u{1F600}") == .doubleQuoted)
        #expect(PacYAMLEmitter.style(of: "a\nb") == .folded)
        #expect(PacYAMLEmitter.style(of: "a\nb ") == .doubleQuoted)
        #expect(PacYAMLEmitter.style(of: "a\n  \nb") == .doubleQuoted)
    }

    @Test func emitsMappingsListsNullsAndQuotes() {
        let root = YAMLValue.sequence([
            .mapping([
                YAMLPair("adx_name", .scalar("Grant: all")),
                YAMLPair("adx_rule_webrole", .sequence([.scalar("9a33ac01-11e0-ec11-bb3c-000d3ab4fb7f")])),
                YAMLPair("adx_empty", .sequence([])),
                YAMLPair("adx_parentpageid", .null),
                YAMLPair("adx_title", .scalar("")),
                YAMLPair("adx_q", .scalar("it's: x \u{1F600}")),
            ])
        ])
        let text = emitter.emit(root)
        #expect(
            text == """
                - adx_name: 'Grant: all'
                  adx_rule_webrole:
                  - 9a33ac01-11e0-ec11-bb3c-000d3ab4fb7f
                  adx_empty: []
                  adx_parentpageid: 
                  adx_title: ''
                  adx_q: "it's: x \\U0001F600"

                """)
        #expect(emitter.emit(.mapping([])) == "{}\n")
        #expect(PacYAMLEmitter(lineBreak: "\r\n").emit(.mapping([YAMLPair("a", .scalar("b"))])) == "a: b\r\n")
    }

    @Test func foldedBlocksV1AndV2() throws {
        let v1 = PacYAMLEmitter(blockBreaks: .v1), v2 = PacYAMLEmitter(blockBreaks: .v2)
        let value = YAMLValue.mapping([YAMLPair("k", .scalar("line one\nline two\n\n  indented\nend"))])
        #expect(v1.emit(value) == "k: >-\n  line one\n\n  line two\n\n    indented\n  end\n")
        #expect(try PacYAMLReader.parse(v1.emit(value), file: "k.yml").root == value)
        // CR LF JSON: pac's folded forms lose the CR (v1 doubles the LF, §5.4); every string must come
        // back exactly (issue 17), so a value holding CR is written double-quoted by both rules.
        let json = YAMLValue.mapping([YAMLPair("s", .scalar("{\r\n  \"Type\": 1\r\n}"))])
        #expect(v1.emit(json) == "s: \"{\\r\\n  \\\"Type\\\": 1\\r\\n}\"\n")
        #expect(v2.emit(json) == v1.emit(json))
        #expect(try PacYAMLReader.parse(v1.emit(json), file: "s.yml").root == json)
        #expect(PacYAMLEmitter.foldedHeader("\nx") == "2-")
        #expect(PacYAMLEmitter.foldedHeader("x\n") == "")
        #expect(PacYAMLEmitter.foldedHeader("x\r\n") == "+")
        // Inside a record of a list, blocks are indented 4.
        let list = YAMLValue.sequence([.mapping([YAMLPair("a", .scalar("x\ny"))])])
        #expect(v1.emit(list) == "- a: >-\n    x\n\n    y\n")
    }

    @Test func keyOrderIsLowerCasedOrdinal() {
        let keys = [
            "adx_websiteid", "adx_website_language", "adx_emptyListTextMessage", "adx_emptylisttext",
            "adx_cloudflowconsumerid", "adx_CloudFlowConsumer_adx_webrole", "adx_map_zoom", "adx_mapinfoboxoffsetx",
        ]
        let sorted = YAMLPair.pacSorted(keys.map { YAMLPair($0, .null) }).map(\.key)
        #expect(
            sorted == [
                "adx_CloudFlowConsumer_adx_webrole", "adx_cloudflowconsumerid", "adx_emptylisttext",
                "adx_emptyListTextMessage", "adx_map_zoom", "adx_mapinfoboxoffsetx",
                "adx_website_language", "adx_websiteid",
            ])
    }

    @Test func readerKeepsScalarsAsText() throws {
        let doc = try PacYAMLReader.parse("a: No\nb: 00:03:00\nc: \nd: ''\ne: True\n", file: "x.yml")
        #expect(doc.root["a"] == .scalar("No"))
        #expect(doc.root["b"] == .scalar("00:03:00"))
        #expect(doc.root["c"] == .null)
        #expect(doc.root["d"] == .scalar(""))
        #expect(doc.root["e"] == .scalar("True"))
    }

    @Test func readerNamesFileAndLineOfSyntaxErrors() {
        do {
            _ = try PacYAMLReader.parse("a: b\nc: [unclosed\nd: e\n", file: "web-pages/x/X.webpage.yml")
            Issue.record("no error")
        } catch let error as PortalFolderError {
            guard case .yamlSyntax(let file, let line, _, _) = error else { Issue.record("\(error)"); return }
            #expect(file == "web-pages/x/X.webpage.yml")
            #expect(line != nil && line! >= 2)
            #expect(error.description.contains("web-pages/x/X.webpage.yml:"))
        } catch { Issue.record("\(error)") }
    }

    /// Parsing then emitting every `.yml` of the four standard folders in the read order reproduces
    /// the bytes (style choice, quoting, folding, layout); files not written by pac are listed apart.
    @Test func everyCorpusYAMLFileReEmitsByteForByte() throws {
        var compared = 0
        var mismatches: [String] = []
        for folder in TestPaths.standardPacFolders {
            let root = TestPaths.pacFolder(folder)
            let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
                .compactMap { $0 as? URL }.filter { $0.pathExtension == "yml" }
            for url in files where url.lastPathComponent != "azure-pipelines.yml" {
                let data = try Data(contentsOf: url)
                let text = String(decoding: data, as: UTF8.self)
                let doc = try PacYAMLReader.parse(text, file: url.path)
                let out = PacYAMLEmitter(lineBreak: doc.usesCRLF ? "\r\n" : "\n").emit(doc.root)
                compared += 1
                if Data(out.utf8) != data { mismatches.append(url.path) }
            }
        }
        #expect(compared > 1400)
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(compared) differ: \(mismatches.prefix(10))")
    }
}

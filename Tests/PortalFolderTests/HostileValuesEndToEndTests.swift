import Foundation
import Testing
import PortalModel
import TestSupport
@testable import PortalFolder

/// Issue 17 with the real binary: a site-setting value that looks like YAML (the emitter's old
/// marker U+F8FF + `yaml:`, a newline and `- adx_name: …`) arriving through a CMT package comes back
/// from download → upload exactly and adds no record; a page named with 80 Chinese characters
/// downloads completely and uploads back to the same records.
@Suite(.serialized) struct HostileValuesEndToEndTests {
    static let site = "9b33ac01-11e0-ec11-bb3c-000d3ab4fb7f"

    /// The site folder `download` wrote under `dl`.
    static func downloaded(_ dl: URL) throws -> URL {
        try #require(try FileManager.default.contentsOfDirectory(atPath: dl.path).first.map { dl.appendingPathComponent($0) })
    }

    @Test func markerLikeValuesThroughCMTComeBackAsData() async throws {
        let home = try TestPaths.temporaryDirectory("pm-inject-e2e")
        // The ejada site exported with the starter schema and unpacked (made once per test process:
        // env create, upload, data schema, data export), copied here to edit.
        let shared = try await SharedFixtures.exportedPackage(of: "ejada-starter-2022", portalType: "starter")
        let pkg = try SharedFixtures.copy(shared.unzipped, to: home.appendingPathComponent("pkg"))
        var r: ChildProcessResult
        // Three site settings get hostile values, written as CMT writes characters: numeric references.
        let values = ["&#xF8FF;yaml:&amp;o0 []", "&#xF8FF;yaml:x&#10;- adx_name: injected", "a&#13;&#10;- adx_name: injected2&#10;"]
        let expected = ["\u{F8FF}yaml:&o0 []", "\u{F8FF}yaml:x\n- adx_name: injected", "a\r\n- adx_name: injected2\n"]
        var xml = try String(contentsOf: pkg.appendingPathComponent("data.xml"), encoding: .utf8)
        let settingsStart = try #require(xml.range(of: "<entity name=\"adx_sitesetting\""))
        var cursor = settingsStart.upperBound
        for v in values {
            let field = try #require(xml.range(of: "<field name=\"adx_value\" value=\"", range: cursor..<xml.endIndex))
            let end = try #require(xml.range(of: "\"", range: field.upperBound..<xml.endIndex))
            xml.replaceSubrange(field.upperBound..<end.lowerBound, with: v)
            cursor = xml.index(field.upperBound, offsetBy: v.count)
        }
        try Data(xml.utf8).write(to: pkg.appendingPathComponent("data.xml"))
        r = try await CLI.run(["env", "create", "mid"], home: home)
        r = try await CLI.run(["data", "import", "--data", pkg.path, "--environment", "local:mid"], home: home)
        #expect(r.exitCode == 0, "\(r.stderr.suffix(800))")

        let dl = home.appendingPathComponent("dl")
        r = try await CLI.run(["download", "--path", dl.path, "--webSiteId", Self.site, "--environment", "local:mid"], home: home)
        #expect(r.exitCode == 0, "\(r.stderr.suffix(500))")
        let folder = try Self.downloaded(dl)
        let text = try String(contentsOf: folder.appendingPathComponent("sitesetting.yml"), encoding: .utf8)
        #expect(!text.contains("\n- adx_name: injected"), "a value was written as YAML")
        let read = try PortalFolder().read(folder).snapshot
        let settings = read.records["adx_sitesetting"] ?? []
        for e in expected { #expect(settings.contains { $0.columns["adx_value"]?.text == e }, "\(e.debugDescription) did not come back") }

        // Upload into a new environment: the same number of site settings, verified by the upload itself.
        r = try await CLI.run(["env", "create", "end"], home: home)
        r = try await CLI.run(["upload", "--path", folder.path, "--environment", "local:end", "--yes", "--json"], home: home)
        #expect(r.exitCode == 0, "\(r.stderr.suffix(800))")
        r = try await CLI.run(["verify", "--from", "local:mid", "--to", "local:end", "--webSiteId", Self.site], home: home)
        #expect(r.exitCode == 0, "source and target differ after download → upload: \(r.stdout.suffix(800)) \(r.stderr.suffix(400))")
    }

    @Test func pageWithEightyChineseCharactersDownloadsCompletely() async throws {
        let home = try TestPaths.temporaryDirectory("pm-longname-e2e")
        let src = try TestPaths.temporaryDirectory("pm-longname-src").appendingPathComponent("ejada")
        try FileManager.default.copyItem(at: TestPaths.pacFolder("ejada-starter-2022"), to: src)
        let name = String(repeating: "页", count: 80)
        for rel in ["web-pages/home/Home.webpage.yml", "web-pages/home/content-pages/Home.en-US.webpage.yml"] {
            let url = src.appendingPathComponent(rel)
            let text = try String(contentsOf: url, encoding: .utf8)
            try Data(text.replacingOccurrences(of: "\nadx_name: Home\n", with: "\nadx_name: \(name)\n").utf8).write(to: url)
        }
        var r = try await CLI.run(["env", "create", "src"], home: home)
        r = try await CLI.run(["upload", "--path", src.path, "--environment", "local:src", "--yes"], home: home)
        #expect(r.exitCode == 0, "\(r.stderr.suffix(500))")
        let dl = home.appendingPathComponent("dl")
        r = try await CLI.run(["download", "--path", dl.path, "--webSiteId", Self.site, "--environment", "local:src"], home: home)
        #expect(r.exitCode == 0, "\(r.stderr.suffix(500))")
        let folder = try Self.downloaded(dl)
        let read = try PortalFolder().read(folder).snapshot
        #expect(read.records["adx_webpage"]?.contains { $0.columns["adx_name"]?.text == name } == true)
        r = try await CLI.run(["env", "create", "end"], home: home)
        r = try await CLI.run(["upload", "--path", folder.path, "--environment", "local:end", "--yes"], home: home)
        #expect(r.exitCode == 0, "\(r.stderr.suffix(500))")
        r = try await CLI.run(["verify", "--from", "local:src", "--to", "local:end", "--webSiteId", Self.site], home: home)
        #expect(r.exitCode == 0, "\(r.stdout.suffix(800))")
    }
}

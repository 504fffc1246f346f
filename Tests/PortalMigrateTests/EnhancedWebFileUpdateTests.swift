import Foundation
import Testing
import PortalModel
import LocalEnvironment
import TestSupport

/// Trial finding 5 with the built binary on embedded enhanced environments: a changed web file body
/// and a changed MIME type of a v2 folder are written through the web file component (an upload of
/// `filecontent`, the MIME type into `content`), exactly those records, and converge: the next upload
/// writes nothing; a download shows the new bytes and MIME type with note ids that do not change
/// between downloads; `migrate` between two enhanced environments carries the same edits.
@Suite(.serialized) struct EnhancedWebFileUpdateTests {
    static let websiteID = "aa7d49af-363f-41d3-b99d-bdd5ad5694d8"

    /// The "table: N created, M updated, …" lines of a run's output that report a write (a non-zero
    /// created, updated, deleted, added, removed or failed count).
    static func writes(_ output: String) -> [String] {
        output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { line in
            line.range(of: #"\b[1-9][0-9]* (created|updated|deleted|added|removed|failed)\b"#, options: .regularExpression) != nil
        }
    }

    /// Downloads the site into a new folder under `parent` and returns the site folder.
    static func download(_ env: String, into parent: URL, home: URL) async throws -> URL {
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        let dl = try await CLI.run(["download", "--path", parent.path, "--webSiteId", websiteID, "--environment", "local:\(env)"], home: home)
        #expect(dl.exitCode == 0, "\(dl.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: parent.path).filter { !$0.hasPrefix(".") }
        return parent.appendingPathComponent(try #require(names.first))
    }

    /// The value of `key:` in a `.webfile.yml`.
    static func yamlValue(_ key: String, in file: URL) throws -> String? {
        let text = try String(contentsOf: file, encoding: .utf8)
        for line in text.split(separator: "\n") where line.hasPrefix(key + ": ") { return String(line.dropFirst(key.count + 2)) }
        return nil
    }

    @Test func webFileBodyAndMimeTypeEditsApplyAndConverge() async throws {
        // The folder uploaded into two fresh environments (their blocked lists accept its .js web files).
        let scenario = try await Scenario.uploaded("rcsa-enhanced-2025", into: ["t", "u"], label: "pm-enh-webfile")
        defer { scenario.remove() }
        let (work, home, site) = (scenario.work, scenario.home, scenario.site)
        // Unchanged: nothing to write (the notes match by web file and file name).
        let again = try await CLI.run(["upload", "--path", site.path, "--environment", "local:t", "--yes"], home: home)
        #expect(again.exitCode == 0 && Self.writes(again.stdout).isEmpty, "\(Self.writes(again.stdout))\n\(again.stderr)")

        // Edit one body (append bytes) and one MIME type.
        let css = site.appendingPathComponent("web-files/theme.css")
        var bytes = try Data(contentsOf: css)
        bytes.append(Data("\n/* edited by EnhancedWebFileUpdateTests */\n".utf8))
        try bytes.write(to: css)
        let pngYAML = site.appendingPathComponent("web-files/Cat-PC.png.webfile.yml")
        let yaml = try String(contentsOf: pngYAML, encoding: .utf8)
        #expect(try Self.yamlValue("mimetype", in: pngYAML) == "image/png")
        try yaml.replacingOccurrences(of: "mimetype: image/png", with: "mimetype: application/octet-stream")
            .write(to: pngYAML, atomically: true, encoding: .utf8)

        let edited = try await CLI.run(["upload", "--path", site.path, "--environment", "local:t", "--yes"], home: home)
        #expect(edited.exitCode == 0, "\(edited.stdout)\n\(edited.stderr)")
        #expect(Self.writes(edited.stdout) == ["annotation: 2 updated, 27 unchanged"], "\(edited.stdout)")
        #expect(!edited.stdout.contains("Does Not Exist") && !edited.stderr.contains("Does Not Exist"))

        let third = try await CLI.run(["upload", "--path", site.path, "--environment", "local:t", "--yes"], home: home)
        #expect(third.exitCode == 0 && Self.writes(third.stdout).isEmpty, "\(Self.writes(third.stdout))\n\(third.stderr)")

        // A download shows the new bytes and MIME type; the note ids are the same in two downloads.
        let first = try await Self.download("t", into: work.appendingPathComponent("dl1"), home: home)
        let second = try await Self.download("t", into: work.appendingPathComponent("dl2"), home: home)
        #expect(try Data(contentsOf: first.appendingPathComponent("web-files/theme.css")) == bytes)
        #expect(try Self.yamlValue("mimetype", in: first.appendingPathComponent("web-files/Cat-PC.png.webfile.yml")) == "application/octet-stream")
        #expect(try Self.yamlValue("mimetype", in: first.appendingPathComponent("web-files/theme.css.webfile.yml")) == "text/css")
        for name in ["theme.css", "Cat-PC.png"] {
            let a = try Self.yamlValue("annotationid", in: first.appendingPathComponent("web-files/\(name).webfile.yml"))
            let b = try Self.yamlValue("annotationid", in: second.appendingPathComponent("web-files/\(name).webfile.yml"))
            #expect(a != nil && a == b, "\(name): \(a ?? "-") vs \(b ?? "-")")
        }
        // The environment holds the MIME type in the component's content; the bytes in filecontent.
        let env = try LocalEnvironment(opening: home.appendingPathComponent("environments/t.sqlite"))
        let pngText = try Self.yamlValue("adx_webfileid", in: pngYAML) ?? ""
        let pngID = try #require(UUID(dataverse: pngText))
        let png = try #require(
            try await env.retrieveAll(RecordQuery("powerpagecomponent", filter: .equal("powerpagecomponentid", .guid(pngID)))).first)
        #expect(png.string("content")?.contains(#""filecontent_mimetype":"application/octet-stream""#) == true, "\(png.string("content") ?? "")")

        // migrate between two enhanced environments carries both edits, then converges.
        let migrate = try await CLI.run(["migrate", "--from", "local:t", "--webSiteId", Self.websiteID, "--to", "local:u", "--yes"], home: home)
        #expect(migrate.exitCode == 0, "\(migrate.stdout)\n\(migrate.stderr)")
        #expect(Self.writes(migrate.stdout) == ["annotation: 2 updated, 27 unchanged"], "\(migrate.stdout)")
        let migrated = try await Self.download("u", into: work.appendingPathComponent("dl3"), home: home)
        #expect(try Data(contentsOf: migrated.appendingPathComponent("web-files/theme.css")) == bytes)
        #expect(try Self.yamlValue("mimetype", in: migrated.appendingPathComponent("web-files/Cat-PC.png.webfile.yml")) == "application/octet-stream")
        let rerun = try await CLI.run(["migrate", "--from", "local:t", "--webSiteId", Self.websiteID, "--to", "local:u", "--yes"], home: home)
        #expect(rerun.exitCode == 0 && Self.writes(rerun.stdout).isEmpty, "\(Self.writes(rerun.stdout))\n\(rerun.stderr)")
    }
}

import Foundation
import Testing
import PortalModel
import TestSupport
@testable import PortalFolder

/// Issue 17 "Escapes" and "Long names": whatever a site folder holds, nothing the writer writes lands
/// outside it; links, FIFOs and directories where pac puts a file are named; names over the file
/// system's limit are shortened and still round trip; and every path is checked before the first write.
@Suite struct HostileFolderTests {
    /// A downloaded copy of the ejada corpus site (its snapshot and folder), with a sibling `outside/`.
    struct Downloaded {
        let snapshot: PortalSnapshot
        let parent: URL
        let site: URL
        let outside: URL
    }

    static func downloaded() throws -> Downloaded {
        let folder = PortalFolder()
        let snapshot = try folder.read(TestPaths.pacFolder("ejada-starter-2022")).snapshot
        let work = try TestPaths.temporaryDirectory("pm-hostile")
        let parent = work.appendingPathComponent("dl")
        let outside = work.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        let (site, _) = try folder.download(snapshot, into: parent, overwrite: false, environmentHost: "env.example")
        return Downloaded(snapshot: snapshot, parent: parent, site: site, outside: outside)
    }

    /// Every file under `dir` with its bytes (links not followed).
    static func tree(_ dir: URL) -> [String: Data] {
        var out: [String: Data] = [:]
        let base = dir.path
        guard let e = FileManager.default.enumerator(atPath: base) else { return [:] }
        while let rel = e.nextObject() as? String {
            let path = base + "/" + rel
            if let a = try? FileManager.default.attributesOfItem(atPath: path), a[.type] as? FileAttributeType == .typeRegular {
                out[rel] = FileManager.default.contents(atPath: path)
            }
        }
        return out
    }

    static func link(_ at: URL, to destination: String) throws {
        try? FileManager.default.removeItem(at: at)
        try FileManager.default.createSymbolicLink(atPath: at.path, withDestinationPath: destination)
    }

    /// Runs `download --overwrite` of the same snapshot; returns the error it threw.
    static func redownload(_ d: Downloaded) -> Error? {
        do { _ = try PortalFolder().download(d.snapshot, into: d.parent, overwrite: true, environmentHost: "env.example"); return nil } catch {
            return error
        }
    }

    // MARK: Links

    /// The inputs: a dangling link in place of `sitemarker.yml` or `website.yml` pointing
    /// outside is refused, nothing is created outside and nothing is written inside.
    @Test(arguments: ["sitemarker.yml", "website.yml", "web-pages/home/Home.webpage.copy.html", ".portalconfig/manifest.yml"])
    func danglingLinkToOutsideIsRefused(_ file: String) throws {
        let d = try Self.downloaded()
        let target = d.outside.appendingPathComponent("created-by-download.yml")
        try Self.link(d.site.appendingPathComponent(file), to: target.path)
        let before = Self.tree(d.site)
        let error = try #require(Self.redownload(d))
        #expect(!FileManager.default.fileExists(atPath: target.path), "a file was created outside the destination")
        #expect(Self.tree(d.outside).isEmpty)
        #expect(Self.tree(d.site) == before, "the folder changed although the download was refused")
        let text = "\(error)"
        #expect(text.contains(file) && text.contains("does not exist"), "\(text)")
    }

    /// The input: `web-files` is a link to an outside directory: nothing is written into it.
    /// Made-up members: `web-templates/` and a per-page folder linked outside; `.portalconfig` linked
    /// to an existing outside folder holding a file the download would overwrite.
    @Test(arguments: ["web-files", "web-templates", "web-pages/home", ".portalconfig"])
    func linkedDirectoryToOutsideIsRefused(_ dir: String) throws {
        let d = try Self.downloaded()
        let real = d.site.appendingPathComponent(dir)
        let moved = d.outside.appendingPathComponent("moved")
        try FileManager.default.moveItem(at: real, to: moved)
        try FileManager.default.createSymbolicLink(at: real, withDestinationURL: moved)
        let outsideBefore = Self.tree(d.outside)
        // Every file there goes stale: the download would rewrite them all.
        for (rel, _) in outsideBefore { try Data("stale".utf8).write(to: d.outside.appendingPathComponent(rel)) }
        let staleOutside = Self.tree(d.outside)
        let error = try #require(Self.redownload(d))
        #expect(Self.tree(d.outside) == staleOutside, "files outside the destination were written")
        #expect("\(error)".contains(dir), "\(error)")
    }

    /// A directory link whose target is inside the folder is refused too (nothing is written through
    /// links), and a link loop is described as a loop, not as pointing outside.
    @Test func linkInsideAndLoopAreNamedForWhatTheyAre() throws {
        let d = try Self.downloaded()
        try Self.link(d.site.appendingPathComponent("sitemarker.yml"), to: "loop-b")
        try Self.link(d.site.appendingPathComponent("loop-b"), to: "sitemarker.yml")
        let error = try #require(Self.redownload(d))
        #expect("\(error)".contains("loop") && !"\(error)".contains("outside"), "\(error)")

        let e = try Self.downloaded()
        let copy = e.site.appendingPathComponent("web-files-copy")
        try FileManager.default.copyItem(at: e.site.appendingPathComponent("web-files"), to: copy)
        try FileManager.default.removeItem(at: e.site.appendingPathComponent("web-files"))
        try Self.link(e.site.appendingPathComponent("web-files"), to: "web-files-copy")
        let inside = try #require(Self.redownload(e))
        #expect("\(inside)".contains("web-files is a symbolic link to web-files-copy;"), "\(inside)")
    }

    /// A hard link to an outside file in place of a record file: the download replaces the link, the
    /// outside file keeps its bytes.
    @Test func hardLinkToOutsideFileIsReplacedNotWrittenThrough() throws {
        let d = try Self.downloaded()
        let inside = d.site.appendingPathComponent("sitemarker.yml")
        // The outside file still reads as the site markers (so the folder reads), with one more line.
        let outsideBytes = try Data(contentsOf: inside) + Data("# outside\n".utf8)
        let secret = d.outside.appendingPathComponent("secret.yml")
        try outsideBytes.write(to: secret)
        try FileManager.default.removeItem(at: inside)
        try FileManager.default.linkItem(at: secret, to: inside)
        #expect(Self.redownload(d) == nil)
        #expect(FileManager.default.contents(atPath: secret.path) == outsideBytes)
        #expect(try String(contentsOf: inside, encoding: .utf8).contains("adx_sitemarkerid"))
    }

    /// The site folder itself (below the path the user gave) being a link outside is refused.
    @Test func siteFolderLinkedOutsideIsRefused() throws {
        let d = try Self.downloaded()
        let moved = d.outside.appendingPathComponent("site")
        try FileManager.default.moveItem(at: d.site, to: moved)
        try FileManager.default.createSymbolicLink(at: d.site, withDestinationURL: moved)
        let before = Self.tree(d.outside)
        let error = try #require(Self.redownload(d))
        #expect(Self.tree(d.outside) == before)
        #expect("\(error)".contains("symbolic link"), "\(error)")
    }

    /// `SafeFileWriter` on its own: a user-named file that is a link is refused, a regular one is
    /// replaced, `..` and over-long names are refused.
    @Test func safeFileWriterRules() throws {
        let dir = try TestPaths.temporaryDirectory("pm-safewrite")
        let outside = dir.appendingPathComponent("outside.txt")
        let named = dir.appendingPathComponent("data.zip")
        try Self.link(named, to: outside.path)
        #expect(throws: SafeWriteError.self) { try SafeFileWriter.writeFile(Data("x".utf8), to: named) }
        #expect(!FileManager.default.fileExists(atPath: outside.path))
        try FileManager.default.removeItem(at: named)
        try SafeFileWriter.writeFile(Data("x".utf8), to: named)
        try SafeFileWriter.writeFile(Data("y".utf8), to: named)
        #expect(FileManager.default.contents(atPath: named.path) == Data("y".utf8))
        #expect(throws: SafeWriteError(path: "../x", reason: .notRelative)) { try SafeFileWriter.write(Data(), to: "../x", under: dir) }
        let long = String(repeating: "é", count: 128)
        #expect(throws: SafeWriteError(path: long, reason: .nameTooLong(bytes: 256))) { try SafeFileWriter.write(Data(), to: long, under: dir) }
        // A FIFO where a file is to be written: refused, not opened (which would block).
        let fifo = dir.appendingPathComponent("pipe")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        #expect(throws: SafeWriteError(path: "pipe", reason: .special)) { try SafeFileWriter.write(Data(), to: "pipe", under: dir) }
    }

    /// The real binary: `download --overwrite` with `sitemarker.yml` a dangling link outside (the
    /// issue's input) exits 2 and creates nothing outside; `data export --dataFile` and `data schema
    /// --output` given a link refuse it the same way.
    @Test func commandsNeverWriteThroughLinks() async throws {
        let home = try TestPaths.temporaryDirectory("pm-hostile-cli")
        let outside = home.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        var r = try await CLI.run(["env", "create", "src"], home: home)
        r = try await CLI.run(
            ["upload", "--path", TestPaths.pacFolder("ejada-starter-2022").path, "--environment", "local:src", "--yes"], home: home)
        #expect(r.exitCode == 0, "\(r.stderr.suffix(500))")
        let site = "9b33ac01-11e0-ec11-bb3c-000d3ab4fb7f"
        let dl = home.appendingPathComponent("dl")
        r = try await CLI.run(["download", "--path", dl.path, "--webSiteId", site, "--environment", "local:src"], home: home)
        #expect(r.exitCode == 0, "\(r.stderr.suffix(500))")
        let folder = try #require(try FileManager.default.contentsOfDirectory(atPath: dl.path).first.map { dl.appendingPathComponent($0) })
        try Self.link(folder.appendingPathComponent("sitemarker.yml"), to: outside.appendingPathComponent("sm.yml").path)
        r = try await CLI.run(["download", "--path", dl.path, "--webSiteId", site, "--environment", "local:src", "--overwrite"], home: home)
        #expect(r.exitCode == 2 && r.stderr.contains("sitemarker.yml is a symbolic link"), "\(r.stderr.suffix(500))")

        let schema = home.appendingPathComponent("schema.xml")
        try Self.link(schema, to: outside.appendingPathComponent("schema.xml").path)
        r = try await CLI.run(["data", "schema", "--portalType", "starter", "--output", schema.path], home: home)
        #expect(r.exitCode == 2 && r.stderr.contains("symbolic link"), "\(r.stderr.suffix(500))")
        try FileManager.default.removeItem(at: schema)
        r = try await CLI.run(["data", "schema", "--portalType", "starter", "--output", schema.path], home: home)
        #expect(r.exitCode == 0, "\(r.stderr.suffix(500))")
        let zip = home.appendingPathComponent("d.zip")
        try Self.link(zip, to: outside.appendingPathComponent("d.zip").path)
        r = try await CLI.run(["data", "export", "--schemaFile", schema.path, "--dataFile", zip.path, "--environment", "local:src"], home: home)
        #expect(r.exitCode == 2 && r.stderr.contains("symbolic link"), "\(r.stderr.suffix(500))")
        // An embedded environment's database file (SQLite follows links).
        try Self.link(home.appendingPathComponent("environments/evil.sqlite"), to: outside.appendingPathComponent("evil.sqlite").path)
        r = try await CLI.run(["env", "create", "evil"], home: home)
        #expect(r.exitCode != 0 && r.stderr.contains("symbolic link"), "\(r.stderr.suffix(500))")
        #expect(Self.tree(outside).isEmpty, "something was written outside: \(Self.tree(outside).keys.sorted())")
    }

    // MARK: Content files that are not files

    /// A content file that is a directory, a FIFO or a dangling link is named (the page would
    /// otherwise go without its copy); made-up members: a web file's bytes as a directory, a link
    /// loop as a record file, a list file as a FIFO.
    @Test(arguments: [
        ("web-pages/home/Home.webpage.copy.html", "directory"), ("web-pages/home/Home.webpage.copy.html", "fifo"),
        ("web-pages/home/Home.webpage.copy.html", "dangling"), ("web-files/Circle-1.png", "directory"),
        ("web-templates/ad/Ad.webtemplate.yml", "loop"), ("webrole.yml", "fifo"),
    ])
    func contentFileThatIsNotAFileIsNamed(_ file: String, _ kind: String) throws {
        let site = try FolderRoundTripTests.copyOfCorpus("ejada-starter-2022")
        let url = site.appendingPathComponent(file)
        try? FileManager.default.removeItem(at: url)
        switch kind {
        case "directory": try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        case "fifo": #expect(mkfifo(url.path, 0o600) == 0)
        case "dangling": try Self.link(url, to: "nowhere.html")
        default: try Self.link(url, to: url.lastPathComponent)
        }
        #expect {
            _ = try PortalFolder().read(site)
        } throws: { error in
            guard case PortalFolderError.notARegularFile(let f, let what) = error else { return false }
            return f == file && (kind != "loop" || what.contains("loop"))
        }
    }

    // MARK: Long names

    /// A page named with 80 Chinese characters (240 bytes): the download writes every file (names
    /// shortened to fit 255 bytes) and the folder reads back to the same records. Made-up members: a
    /// 300-byte web file name, a 1,000-character template name, two long names sharing their start.
    @Test func longNamesAreShortenedAndRoundTrip() throws {
        let folder = PortalFolder()
        var snapshot = try folder.read(TestPaths.pacFolder("ejada-starter-2022")).snapshot
        let chinese = String(repeating: "页", count: 80)
        #expect(chinese.utf8.count == 240)
        let home = try #require(snapshot.records["adx_webpage"]?.firstIndex { $0.columns["adx_name"]?.text == "Home" })
        snapshot.records["adx_webpage"]![home].columns["adx_name"] = .string(chinese)
        var templates = try #require(snapshot.records["adx_webtemplate"])
        templates[0].columns["adx_name"] = .string(String(repeating: "t", count: 1_000) + "-one")
        templates[1].columns["adx_name"] = .string(String(repeating: "t", count: 1_000) + "-two")
        snapshot.records["adx_webtemplate"] = templates
        let fileIndex = try #require(snapshot.records["adx_webfile"]?.indices.first)
        snapshot.records["adx_webfile"]![fileIndex].columns["adx_name"] = .string(String(repeating: "ф", count: 150) + ".css")

        let parent = try TestPaths.temporaryDirectory("pm-longnames")
        let (site, summary) = try folder.download(snapshot, into: parent, overwrite: false, environmentHost: "env.example")
        #expect(!summary.skipped.contains { $0.hasPrefix("adx_webpage") })
        for rel in Self.tree(site).keys {
            for part in rel.split(separator: "/") { #expect(part.utf8.count <= 255, "\(rel)") }
        }
        let back = try folder.read(site).snapshot
        #expect(back.recordCount == snapshot.recordCount)
        #expect(back.record("adx_webpage", snapshot.records["adx_webpage"]![home].id)?.columns["adx_name"]?.text == chinese)
        #expect(Set(back.records["adx_webtemplate"]!.compactMap { $0.columns["adx_name"]?.text }.filter { $0.hasPrefix("ttt") }).count == 2)
        // A second download over it changes nothing.
        let (_, again) = try folder.download(snapshot, into: parent, overwrite: true, environmentHost: "env.example")
        #expect(again.written.isEmpty, "\(again.written.prefix(5))")
    }

    /// A name that cannot be shortened (a language code of 300 bytes) stops the download before the
    /// first write, naming the path: nothing of the folder is written.
    @Test func unwritableNameStopsBeforeTheFirstWrite() throws {
        let folder = PortalFolder()
        var snapshot = try folder.read(TestPaths.pacFolder("ejada-starter-2022")).snapshot
        let lang = try #require(snapshot.records["adx_portallanguage"]?.indices.first)
        snapshot.records["adx_portallanguage"]![lang].columns["adx_languagecode"] = .string(String(repeating: "x", count: 300))
        let parent = try TestPaths.temporaryDirectory("pm-longlang")
        #expect {
            _ = try folder.download(snapshot, into: parent, overwrite: false, environmentHost: nil)
        } throws: { error in
            guard case PortalFolderError.refusedWrites(let refused) = error else { return false }
            return refused.contains {
                if case .nameTooLong = $0.reason { return true }; return false
            }
        }
        #expect(Self.tree(parent).isEmpty, "files were written before the check failed")
    }
}

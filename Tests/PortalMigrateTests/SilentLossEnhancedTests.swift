import Foundation
import Testing
import PortalModel
import PortalFolder
import Migration
import LocalEnvironment
import TestSupport

/// Issue 16, the enhanced data model's silent losses, end to end with the built `portal-migrate` on
/// embedded environments and the real v2 folder `rcsa-enhanced-2025`. The tests named after a
/// reproduction (`R01`, `R03`, `R04`, `R07` of `../shared/repro/`) use its input and assertions.
@Suite(.serialized) struct SilentLossEnhancedTests {
    static let rcsaSite = "aa7d49af-363f-41d3-b99d-bdd5ad5694d8"

    /// A work folder with `home/` and a copy of the rcsa folder at `src/`, and an embedded environment
    /// `name` whose blocked list allows the folder's `.js` web files.
    static func prepared(_ label: String, env name: String = "v") async throws -> (work: URL, home: URL, src: URL) {
        let work = try TestPaths.temporaryDirectory(label)
        let home = work.appendingPathComponent("home")
        let src = work.appendingPathComponent("src")
        try FileManager.default.copyItem(at: TestPaths.pacFolder("rcsa-enhanced-2025"), to: src)
        #expect(try await CLI.run(["env", "create", name], home: home).status == 0)
        #expect(try await CLI.run(["env", "settings", name, "--blockedattachments", "exe;bat"], home: home).status == 0)
        return (work, home, src)
    }

    /// Relative paths of the regular files under `root`.
    static func files(_ root: URL) -> Set<String> {
        var out = Set<String>()
        let base = root.standardizedFileURL.path
        guard let e = FileManager.default.enumerator(atPath: base) else { return out }
        while let rel = e.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: base + "/" + rel, isDirectory: &isDir), !isDir.boolValue { out.insert(rel) }
        }
        return out
    }

    /// Downloads the rcsa site from `env` with `--modelVersion 2` into a fresh folder; returns the site folder.
    static func freshDownload(_ env: String, work: URL, home: URL) async throws -> URL {
        let dl = work.appendingPathComponent("dl-\(UUID().uuidString.prefix(6))")
        let r = try await CLI.run(["download", "--path", dl.path, "--webSiteId", rcsaSite, "--environment", env, "--modelVersion", "2"], home: home)
        #expect(r.status == 0, "\(r.err)")
        let sites = try FileManager.default.contentsOfDirectory(atPath: dl.path)
        #expect(sites.count == 1, "\(sites)")
        return dl.appendingPathComponent(try #require(sites.first))
    }

    func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    // MARK: R01

    /// R01's input: the rcsa folder with its table permissions replaced by 14 (one with one web role,
    /// 13 with two), 27 links that fall on both sides of write batches.
    static func writeR01Permissions(_ src: URL) throws {
        let dir = src.appendingPathComponent("table-permissions")
        for f in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            try FileManager.default.removeItem(at: dir.appendingPathComponent(f))
        }
        let roles = ["a3f35e16-a398-428c-b9db-986df58ce13e", "b912c42b-d467-42b7-88c9-2427536440e4", "27b95ddd-4d8e-409b-acb1-5b679dd2282c"]
        func write(_ i: Int, _ links: [String]) throws {
            // The script's ids: uuid.UUID(int=(0x10000000+i)<<96 | 0x8406000d3a5b0b5c).
            let id = String(format: "%08x-0000-0000-8406-000d3a5b0b5c", 0x10000000 + i)
            let body = links.map { "- \($0)\n" }.joined()
            let yml =
                "adx_append: false\nadx_appendto: false\nadx_create: true\nadx_delete: false\nadx_entitylogicalname: feedback\n"
                + "adx_entityname: P\(String(format: "%02d", i))\nadx_entitypermission_webrole:\n\(body)adx_entitypermissionid: \(id)\n"
                + "adx_read: true\nadx_scope: 756150000\nadx_write: false\n"
            try yml.write(to: dir.appendingPathComponent("P\(String(format: "%02d", i)).tablepermission.yml"), atomically: true, encoding: .utf8)
        }
        try write(0, [roles[2]])
        for i in 1..<14 { try write(i, Array(roles[0..<2])) }
    }

    /// Uploads `src` into `environment` and checks `verify --path` finds no link missing.
    static func uploadFindsEveryLink(_ src: URL, environment: String, home: URL) async throws {
        let up = try await CLI.run(["upload", "--path", src.path, "--environment", environment], home: home)
        #expect(up.status == 0, "\(up.err)")
        let v = try await CLI.run(["verify", "--path", src.path, "--to", environment], home: home)
        let missing = (v.out + v.err).components(separatedBy: "\n").filter { $0.contains("link missing") }
        #expect(missing.isEmpty, "\(missing.count) table permission ↔ web role links missing: \(missing.prefix(3))")
        #expect(v.status == 0, "\(v.out)\n\(v.err)")
    }

    /// R01: a table permission whose two web-role links fall into two write batches keeps both.
    @Test func r01LinksAtABatchBoundaryAreAllWritten() async throws {
        let (work, home, src) = try await Self.prepared("pm-sle-r01")
        defer { try? FileManager.default.removeItem(at: work) }
        try Self.writeR01Permissions(src)
        try await Self.uploadFindsEveryLink(src, environment: "local:v", home: home)
    }

    /// R01 over the Web API (`env serve`): the change sets go out in parallel over HTTP.
    @Test func r01LinksAtABatchBoundaryAreAllWrittenOverHTTP() async throws {
        let (work, home, src) = try await Self.prepared("pm-sle-r01h")
        defer { try? FileManager.default.removeItem(at: work) }
        try Self.writeR01Permissions(src)
        let server = try await ServerSupport.startBinary(["env", "serve", "v", "--port", "0"], home: home)
        let port = try #require(server.port)
        do {
            try await Self.uploadFindsEveryLink(src, environment: "http://127.0.0.1:\(port)", home: home)
        } catch {
            _ = await server.terminate()
            throw error
        }
        _ = await server.terminate()
    }

    // MARK: R03 and the whole folder

    /// R03: every v2 list file (nested `adx_settingsDetails` with anchors) comes back byte for byte
    /// after an upload into a fresh environment and a fresh download.
    @Test func r03ListFilesKeepTheirNestedSettings() async throws {
        let (work, home, src) = try await Self.prepared("pm-sle-r03", env: "v2")
        defer { try? FileManager.default.removeItem(at: work) }
        let up = try await CLI.run(["upload", "--path", src.path, "--environment", "local:v2", "--yes"], home: home)
        #expect(up.status == 0, "\(up.err)")
        let dl = try await Self.freshDownload("local:v2", work: work, home: home)
        let lists = try FileManager.default.contentsOfDirectory(atPath: src.appendingPathComponent("lists").path).filter { $0.hasSuffix(".list.yml") }
            .sorted()
        #expect(lists.count == 9)
        for f in lists {
            let a = try Data(contentsOf: src.appendingPathComponent("lists/\(f)"))
            let b = try? Data(contentsOf: dl.appendingPathComponent("lists/\(f)"))
            #expect(a == b, "lists/\(f) differs after upload + fresh download")
        }
        #expect(try text(dl.appendingPathComponent("lists/Ctrl.list.yml")).contains("  createRecordTargetType: &o1 []\n"))
    }

    /// Issue 16 item 3, in full: every file of `rcsa-enhanced-2025` survives upload into a fresh
    /// environment and a fresh `--modelVersion 2` download byte for byte, except what the service
    /// assigns or the folder does not upload, each listed here: the `annotationid` of a web file (the
    /// file column's file id, research/emulator-facts.md §4.2 type 3, so environment-specific), the
    /// environment manifests of `.portalconfig/` (named after the host), and the files outside pac's
    /// layout that the upload warned about and left out (content files without a record YAML).
    @Test func wholeV2FolderComesBackByteForByte() async throws {
        let (work, home, src) = try await Self.prepared("pm-sle-full", env: "v2")
        defer { try? FileManager.default.removeItem(at: work) }
        let up = try await CLI.run(["upload", "--path", src.path, "--environment", "local:v2", "--yes"], home: home)
        #expect(up.status == 0, "\(up.err)")
        let ignored = Set(
            up.err.components(separatedBy: "\n").compactMap { line -> String? in
                guard line.hasPrefix("warning: "), line.contains("not part of pac's site layout") else { return nil }
                return String(line.dropFirst("warning: ".count).prefix { $0 != ":" })
            })
        #expect(ignored.count == 7, "\(ignored.sorted())")
        let dl = try await Self.freshDownload("local:v2", work: work, home: home)
        let before = Self.files(src).filter { !$0.hasPrefix(".portalconfig/") && !ignored.contains($0) }
        let after = Self.files(dl).filter { !$0.hasPrefix(".portalconfig/") }
        #expect(
            before == after, "only in the folder: \(before.subtracting(after).sorted()); only in the download: \(after.subtracting(before).sorted())")
        func masked(_ data: Data, _ rel: String) -> Data {
            guard rel.hasSuffix(".webfile.yml"), let s = String(data: data, encoding: .utf8) else { return data }
            let lines = s.components(separatedBy: "\n").map { $0.hasPrefix("annotationid: ") ? "annotationid: <environment-specific>" : $0 }
            return Data(lines.joined(separator: "\n").utf8)
        }
        var differing: [String] = [], maskedOnly = 0
        for rel in before.intersection(after).sorted() {
            let a = try Data(contentsOf: src.appendingPathComponent(rel)), b = try Data(contentsOf: dl.appendingPathComponent(rel))
            if a == b { continue }
            if masked(a, rel) == masked(b, rel) { maskedOnly += 1 } else { differing.append(rel) }
        }
        #expect(differing.isEmpty, "\(differing.count) of \(before.count) files differ: \(differing)")
        // Every web file with a note differs only by its annotationid (29 in the folder).
        #expect(maskedOnly == 29, "\(maskedOnly)")
        #expect(before.count > 250, "\(before.count)")
    }

    // MARK: R04

    /// R04: an enhanced site migrates into an environment without an enhanced site (no schema-drift
    /// stop on `adx_websitelanguage.adx_systemlanguage`) and verifies, language included.
    @Test func r04EnhancedMigrateIntoAnEmptyEnvironment() async throws {
        let work = try TestPaths.temporaryDirectory("pm-sle-r04")
        defer { try? FileManager.default.removeItem(at: work) }
        let home = work.appendingPathComponent("home")
        #expect(try await CLI.run(["env", "create", "dev"], home: home).status == 0)
        #expect(try await CLI.run(["env", "provision", "dev", "--template", "starter", "--modelVersion", "2"], home: home).status == 0)
        #expect(try await CLI.run(["env", "create", "test"], home: home).status == 0)
        let list = try await CLI.run(["list", "--environment", "local:dev", "--json"], home: home)
        let sites = try #require(try JSONSerialization.jsonObject(with: Data(list.out.utf8)) as? [[String: Any]])
        let ws = try #require(sites.first?["websiteId"] as? String)
        let m = try await CLI.run(
            [
                "migrate", "--from", "local:dev", "--to", "local:test", "--webSiteId", ws, "--targetModelVersion", "2",
                "--unblock-extensions", "js", "--yes",
            ], home: home)
        #expect(m.status == 0, "\(m.err)")
        #expect(!m.err.contains("schema-drift"), "\(m.err)")
        let v = try await CLI.run(["verify", "--from", "local:dev", "--to", "local:test", "--webSiteId", ws], home: home)
        #expect(v.status == 0, "\(v.out)\n\(v.err)")
        // The site's language reached the target as the source has it (`--force` used to leave it out).
        var languages: [String] = []
        for env in ["dev", "test"] {
            let dir = work.appendingPathComponent("dl-\(env)")
            let dl = try await CLI.run(
                ["download", "--path", dir.path, "--webSiteId", ws, "--environment", "local:\(env)", "--modelVersion", "2"], home: home)
            #expect(dl.status == 0, "\(dl.err)")
            let folder = dir.appendingPathComponent(try #require(try FileManager.default.contentsOfDirectory(atPath: dir.path).first))
            languages.append(try text(folder.appendingPathComponent("websitelanguage.yml")))
        }
        #expect(languages[0].contains("adx_systemlanguage: 1033"), "\(languages[0])")
        #expect(languages[0] == languages[1], "\(languages)")
    }

    // MARK: R07 and web file notes

    /// R07: a web file YAML without the note's keys beside its content file is uploaded as the web
    /// file's note, with a warning naming the file; the bytes come back.
    @Test func r07WebFileWithoutNoteKeysIsUploadedFromItsContentFile() async throws {
        let (work, home, src) = try await Self.prepared("pm-sle-r07")
        defer { try? FileManager.default.removeItem(at: work) }
        let webFiles = src.appendingPathComponent("web-files")
        let yml = try #require(
            try FileManager.default.contentsOfDirectory(atPath: webFiles.path).sorted()
                .filter { $0.hasSuffix(".webfile.yml") }
                .first { try text(webFiles.appendingPathComponent($0)).contains("\nannotationid:") })
        let content = String(yml.dropLast(".webfile.yml".count))
        let noteKeys = ["annotationid", "filename", "isdocument", "mimetype", "objectid", "objecttypecode"]
        let kept = try text(webFiles.appendingPathComponent(yml)).components(separatedBy: "\n")
            .filter { line in !noteKeys.contains { line.hasPrefix($0 + ":") } }
        try kept.joined(separator: "\n").write(to: webFiles.appendingPathComponent(yml), atomically: true, encoding: .utf8)
        let up = try await CLI.run(["upload", "--path", src.path, "--environment", "local:v"], home: home)
        #expect(up.status == 0, "\(up.err)")
        #expect(up.err.contains("warning: web-files/\(yml)") && up.err.contains("web-files/\(content)"), "\(up.err)")
        let dl = try await Self.freshDownload("local:v", work: work, home: home)
        #expect(
            try Data(contentsOf: webFiles.appendingPathComponent(content))
                == (try? Data(contentsOf: dl.appendingPathComponent("web-files/\(content)"))))
        // A second upload finds the note it made (same id): nothing to write, nothing to report.
        let again = try await CLI.run(["verify", "--path", src.path, "--to", "local:v"], home: home)
        #expect(again.status == 0, "\(again.out)\n\(again.err)")
    }

    /// pac's web file without a note: a 0-byte content file and no note keys is accepted, no note made.
    @Test func webFileWithAnEmptyContentFileAndNoNoteIsAccepted() async throws {
        let (work, home, src) = try await Self.prepared("pm-sle-empty")
        defer { try? FileManager.default.removeItem(at: work) }
        let webFiles = src.appendingPathComponent("web-files")
        let id = "3c1f8a55-0000-4000-8000-00000000e0f1"
        try
            "adx_name: empty.txt\nadx_parentpageid: 439a903c-bf6a-492c-b905-cbbbce3612e3\nadx_partialurl: empty.txt\nadx_publishingstateid: \(try Self.publishingState(src))\nadx_webfileid: \(id)\n"
            .write(to: webFiles.appendingPathComponent("empty.txt.webfile.yml"), atomically: true, encoding: .utf8)
        try Data().write(to: webFiles.appendingPathComponent("empty.txt"))
        let up = try await CLI.run(["upload", "--path", src.path, "--environment", "local:v"], home: home)
        #expect(up.status == 0, "\(up.err)")
        #expect(!up.err.contains("empty.txt.webfile.yml:"), "\(up.err)")
        let dl = try await Self.freshDownload("local:v", work: work, home: home)
        let back = try text(dl.appendingPathComponent("web-files/empty.txt.webfile.yml"))
        #expect(back.contains("adx_webfileid: \(id)") && !back.contains("annotationid:"), "\(back)")
    }

    static func publishingState(_ src: URL) throws -> String {
        let yml = try String(contentsOf: src.appendingPathComponent("publishingstate.yml"), encoding: .utf8)
        let line = try #require(yml.components(separatedBy: "\n").first { $0.contains("adx_publishingstateid:") })
        return line.components(separatedBy: ": ").last!.trimmingCharacters(in: .whitespaces)
    }

    // MARK: Refused or changed on the way back

    /// Small inputs of each class of issue 16 "Refused" / "Changed on the way back (v2)", all in one
    /// folder: an empty multi-select written `''`; empty keys (`adx_parententitypermission: ` on a
    /// table permission, `adx_attachfilemaxsize: ` on an advanced form step, `adx_filecontent: ` on
    /// pages, the folder's own); a web file note's `filename`
    /// percent-encoded. Upload exits 0 (its read-back verified), `verify --path` finds nothing, and a
    /// fresh download gives each file back byte for byte (a web file's `annotationid` aside: the service's).
    @Test func v2ValuesTheFolderOwnsComeBackByteForByte() async throws {
        let (work, home, src) = try await Self.prepared("pm-sle-owned")
        defer { try? FileManager.default.removeItem(at: work) }
        let profile = "column-permission-profiles/empty-profile/Empty-profile.columnpermissionprofile.yml"
        try FileManager.default.createDirectory(
            at: src.appendingPathComponent("column-permission-profiles/empty-profile"), withIntermediateDirectories: true)
        try
            "adx_allcolumnpermissions: ''\nadx_columnpermissionprofileid: 9c6bc933-10e4-ed11-8846-000d3a854be1\nadx_profilename: Empty profile\nadx_tablename: account\n"
            .write(to: src.appendingPathComponent(profile), atomically: true, encoding: .utf8)
        let permission = "table-permissions/cr129_assess.tablepermission.yml"
        let p = try text(src.appendingPathComponent(permission))
        let withParent = p.replacingOccurrences(of: "adx_read:", with: "adx_parententitypermission: \nadx_read:")
        #expect(withParent != p)
        try withParent.write(to: src.appendingPathComponent(permission), atomically: true, encoding: .utf8)
        let webFile = "web-files/Assessment-2.jpg.webfile.yml"
        let w = try text(src.appendingPathComponent(webFile))
        let encoded = w.replacingOccurrences(of: "filename: Assessment-2.jpg", with: "filename: DARK_BLUE%20(1).jpg")
        #expect(encoded != w)
        try encoded.write(to: src.appendingPathComponent(webFile), atomically: true, encoding: .utf8)
        // An advanced form step with an empty `adx_attachfilemaxsize: ` (the form and step from the comet folder).
        let formDir = "advanced-forms/registeration"
        try FileManager.default.createDirectory(at: src.appendingPathComponent("advanced-forms"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: TestPaths.pacFolder("comet-selfservice-2023").appendingPathComponent(formDir),
            to: src.appendingPathComponent(formDir))
        let step = formDir + "/advanced-form-steps/registeration-first/Registeration-First.advancedformstep.yml"
        let st = try text(src.appendingPathComponent(step))
        let withEmpty = st.replacingOccurrences(of: "adx_attachfilerequired:", with: "adx_attachfilemaxsize: \nadx_attachfilerequired:")
        #expect(withEmpty != st)
        try withEmpty.write(to: src.appendingPathComponent(step), atomically: true, encoding: .utf8)
        let page = "web-pages/home/content-pages/Home.en-US.webpage.yml"
        #expect(try text(src.appendingPathComponent(page)).contains("adx_filecontent: \n"))

        let up = try await CLI.run(["upload", "--path", src.path, "--environment", "local:v", "--yes"], home: home)
        #expect(up.status == 0, "\(up.out)\n\(up.err)")
        let v = try await CLI.run(["verify", "--path", src.path, "--to", "local:v"], home: home)
        #expect(v.status == 0, "\(v.out)\n\(v.err)")
        #expect(!(v.out + v.err).contains("annotation"), "\(v.out)\n\(v.err)")
        let dl = try await Self.freshDownload("local:v", work: work, home: home)
        for rel in [profile, permission, page, step, formDir + "/Registeration.advancedform.yml"] {
            #expect(try Data(contentsOf: src.appendingPathComponent(rel)) == (try? Data(contentsOf: dl.appendingPathComponent(rel))), "\(rel)")
        }
        let back = try text(dl.appendingPathComponent(webFile))
        #expect(back.contains("filename: DARK_BLUE%20(1).jpg\n"), "\(back)")
        #expect(
            back.replacingOccurrences(of: #"annotationid: [0-9a-f-]+"#, with: "", options: .regularExpression)
                == encoded.replacingOccurrences(of: #"annotationid: [0-9a-f-]+"#, with: "", options: .regularExpression))
    }

    // MARK: Concurrent merges (the cause of R01)

    /// An environment whose writes finish out of order: each `execute` waits a few milliseconds chosen
    /// from its arrival number, so later calls often overtake earlier ones (what parallel batches over
    /// HTTP do).
    actor OutOfOrderService: DataverseService {
        let base: any DataverseService
        var calls = 0
        init(_ base: any DataverseService) { self.base = base }
        func retrieve(_ query: RecordQuery, pageSize: Int, page: String?) async throws -> RecordPage {
            try await base.retrieve(query, pageSize: pageSize, page: page)
        }
        func tableDefinitions() async throws -> [TableDefinition] { try await base.tableDefinitions() }
        func organizationInfo() async throws -> OrganizationInfo { try await base.organizationInfo() }
        func whoAmI() async throws -> WhoAmIResult { try await base.whoAmI() }
        func retrieveLinks(relationship: String, firstIDs: Set<UUID>?) async throws -> Set<ManyToManyLink> {
            try await base.retrieveLinks(relationship: relationship, firstIDs: firstIDs)
        }
        func downloadFile(_ key: FileBodyKey) async throws -> Data? { try await base.downloadFile(key) }
        func execute(_ changeSets: [ChangeSet], options: ExecuteOptions) async throws -> [OperationResult] {
            calls += 1
            try await Task.sleep(for: .milliseconds((calls * 7) % 5 * 8))
            return try await base.execute(changeSets, options: options)
        }
    }

    /// However concurrent `execute` calls interleave, every link merged into one table permission's
    /// `content` array is kept (24 web roles linked to one permission by 24 parallel calls whose writes
    /// finish out of order), and each call's result says success only for what the base holds.
    @Test func concurrentLinksIntoOneContentAreAllKept() async throws {
        let env = try LocalEnvironmentSupport.make(label: "pm-sle-merge")
        let slow = OutOfOrderService(env)
        let site = UUID(), permission = UUID()
        let setup = EnhancedModelService(base: slow, siteScope: site)
        let siteRef = FieldValue.lookup(EntityReference("adx_website", site))
        var records = [
            EntityRecord("adx_website", id: site, columns: ["adx_name": .string("Merge site")]),
            EntityRecord(
                "adx_entitypermission", id: permission,
                columns: [
                    "adx_entityname": .string("P"), "adx_entitylogicalname": .string("contact"), "adx_websiteid": siteRef,
                ]),
        ]
        let roles = (0..<24).map { _ in UUID() }
        for (i, r) in roles.enumerated() {
            records.append(EntityRecord("adx_webrole", id: r, columns: ["adx_name": .string("Role \(i)"), "adx_websiteid": siteRef]))
        }
        let created = try await setup.execute(records.map { .create($0) }, atomic: false)
        #expect(created.allSatisfy { $0.isSuccess }, "\(created)")

        let view = EnhancedModelService(base: slow, siteScope: site)
        let results = await withTaskGroup(of: [OperationResult].self) { group in
            for r in roles {
                let link = ManyToManyLink(EntityReference("adx_entitypermission", permission), EntityReference("adx_webrole", r))
                group.addTask { (try? await view.execute([.associate(relationship: "adx_entitypermission_webrole", link)], atomic: false)) ?? [] }
            }
            var all: [OperationResult] = []
            for await r in group { all += r }
            return all
        }
        #expect(results.count == roles.count && results.allSatisfy { $0.isSuccess }, "\(results)")
        let row = try #require(
            try await env.retrieveAll(RecordQuery("powerpagecomponent", filter: .equal("powerpagecomponentid", .guid(permission)))).first)
        let content = try #require(row.string("content"))
        let missing = roles.filter { !content.contains($0.dataverseString) }
        #expect(missing.isEmpty, "\(missing.count) of \(roles.count) links lost from content: \(content)")
        let fresh = EnhancedModelService(base: env, siteScope: site)
        let links = try await fresh.retrieveLinks(relationship: "adx_entitypermission_webrole", firstIDs: [permission])
        #expect(links.count == roles.count)
    }

    /// A list under a key that is no column or N:N relationship (`adx_x:` then `- []`: pac writes a
    /// `content` array without its values) cannot be uploaded: it is named in a warning, not dropped
    /// silently, and the upload still verifies.
    @Test func aListPacWroteWithoutValuesIsNamedNotDroppedSilently() async throws {
        let (work, home, src) = try await Self.prepared("pm-sle-list")
        defer { try? FileManager.default.removeItem(at: work) }
        let permission = "table-permissions/cr129_assess.tablepermission.yml"
        let p = try text(src.appendingPathComponent(permission))
        try p.replacingOccurrences(of: "adx_read:", with: "adx_somelist:\n- []\nadx_read:")
            .write(to: src.appendingPathComponent(permission), atomically: true, encoding: .utf8)
        let up = try await CLI.run(["upload", "--path", src.path, "--environment", "local:v", "--yes"], home: home)
        #expect(up.status == 0, "\(up.err)")
        #expect(
            up.err.contains("warning: \(permission):4: adx_somelist is a list pac writes without its values; kept in this folder, not uploaded"),
            "\(up.err)")
    }
}

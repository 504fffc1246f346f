import Foundation
import Testing
import PortalModel
import PortalFolder
import TestSupport

/// Issue 9 acceptance 2 with the built binary on embedded environments: a standard-model corpus
/// folder uploaded into a standard environment, `migrate --targetModelVersion 2` into an enhanced one
/// (empty, or provisioned with its own enhanced site in the same language), `download --modelVersion 2`
/// holds every page, template, snippet, setting, web file body and web-role link; `verify` passes on
/// the records with an enhanced counterpart; `plan` lists and counts the others as not migrated.
@Suite(.serialized) struct EnhancedBridgingTests {
    static let folderName = "ejada-starter-2022"

    /// A work directory whose `home` has the standard environment `src` holding the corpus folder
    /// (`env create src`, `upload`: made once per test process and copied, `SharedFixtures`; each test's
    /// targets are made apart, so source and target never share the environment's own ids).
    static func uploadedSource() async throws -> (work: URL, home: URL, source: PortalSnapshot, websiteID: UUID) {
        let work = try TestPaths.temporaryDirectory("pm-enh-bridge")
        let home = work.appendingPathComponent("home")
        try await SharedFixtures.uploadedEnvironment(folderName, as: "src", into: home)
        let folder = TestPaths.pacFolder(folderName)
        let source = try PortalFolder().read(folder).snapshot
        let id = try #require(source.websiteID ?? source.records["adx_website"]?.first?.id)
        return (work, home, source, id)
    }

    /// The values of `columns` of every record of `table`, one string per record, sorted (a multiset).
    static func rows(_ s: PortalSnapshot, _ table: String, _ columns: [String]) -> [String] {
        (s.records[table] ?? []).map { r in columns.map { r[$0]?.text ?? "" }.joined(separator: " | ") }.sorted()
    }

    /// Web file name → body bytes (the note of each web file).
    static func webFileBodies(_ s: PortalSnapshot) throws -> [String: Data] {
        let files = Dictionary((s.records["adx_webfile"] ?? []).map { ($0.id, $0.string("adx_name") ?? "") }, uniquingKeysWith: { a, _ in a })
        var out: [String: Data] = [:]
        for note in s.records["annotation"] ?? [] {
            guard let file = note.lookupID("objectid") ?? note["objectid"]?.text.flatMap(UUID.init(dataverse:)),
                let name = files[file], let body = s.bodies[FileBodyKey("annotation", note.id, "documentbody")]
            else { continue }
            out[name] = try body.load()
        }
        return out
    }

    /// Web-role links of `relationship` as `record name → role name` pairs, sorted.
    static func roleLinks(_ s: PortalSnapshot, _ relationship: String) -> [String] {
        var names: [UUID: String] = [:]
        for (table, records) in s.records {
            let column = TableCatalog.standard.table(table)?.primaryNameColumn ?? "adx_name"
            for r in records { names[r.id] = r.string(column) ?? r.string("adx_name") ?? r.id.dataverseString }
        }
        return (s.links[relationship] ?? []).map { l in
            let (record, role) = l.first.logicalName == "adx_webrole" ? (l.second.id, l.first.id) : (l.first.id, l.second.id)
            return "\(names[record] ?? record.dataverseString) → \(names[role] ?? role.dataverseString)"
        }.sorted()
    }

    /// Downloads `websiteID` of `environment` as a v2 folder and checks it holds the source's content.
    static func downloadAndCompare(_ source: PortalSnapshot, websiteID: UUID, environment: String, work: URL, home: URL) async throws {
        let dl = work.appendingPathComponent("dl-\(UUID().uuidString.prefix(8))")
        let down = try await CLI.run(
            [
                "download", "--path", dl.path, "--webSiteId", websiteID.dataverseString,
                "--environment", environment, "--modelVersion", "2",
            ], home: home)
        #expect(down.status == 0, "\(down.out)\n\(down.err)")
        let sub = try FileManager.default.contentsOfDirectory(at: dl, includingPropertiesForKeys: nil)
        let folder = try #require(sub.first, "no site folder under \(dl.path)")
        let (content, model) = try PortalFolder().read(folder, model: nil)
        #expect(model == .enhanced, "the download is not a v2 folder")
        let back = content.snapshot

        let checks: [(String, [String])] = [
            ("adx_webpage", ["adx_name", "adx_partialurl", "adx_copy"]),
            ("adx_pagetemplate", ["adx_name", "adx_type"]),
            ("adx_contentsnippet", ["adx_name", "adx_value"]),
            ("adx_sitesetting", ["adx_name", "adx_value"]),
            ("adx_webtemplate", ["adx_name", "adx_source"]),
            ("adx_webfile", ["adx_name", "adx_partialurl"]),
            ("adx_webrole", ["adx_name"]),
            ("adx_entitypermission", ["adx_entityname", "adx_entitylogicalname"]),
            ("adx_webpageaccesscontrolrule", ["adx_name"]),
            ("adx_entityform", ["adx_name", "adx_entityname"]),
            ("adx_entitylist", ["adx_name", "adx_entityname"]),
            ("adx_weblink", ["adx_name"]),
        ]
        for (table, columns) in checks {
            let expected = rows(source, table, columns), actual = rows(back, table, columns)
            #expect(!expected.isEmpty, "the corpus folder has no \(table)")
            #expect(actual == expected, "\(table): \(actual.count) of \(expected.count); missing \(Set(expected).subtracting(actual).prefix(3))")
        }
        let bodies = try webFileBodies(source), backBodies = try webFileBodies(back)
        #expect(bodies.count == (source.records["adx_webfile"] ?? []).count)
        #expect(Set(backBodies.keys) == Set(bodies.keys))
        for (name, data) in bodies { #expect(backBodies[name] == data, "web file \(name): body differs") }
        for rel in ["adx_entitypermission_webrole", "adx_webpageaccesscontrolrule_webrole", "adx_websiteaccess_webrole"] {
            let expected = roleLinks(source, rel)
            #expect(!expected.isEmpty, "the corpus folder has no \(rel) links")
            #expect(roleLinks(back, rel) == expected, "\(rel)")
        }
        // Nothing of the tables without a counterpart came back.
        for table in ["adx_tag", "adx_urlhistory", "adx_ad", "adx_poll", "adx_polloption"] { #expect(back.records[table] == nil, "\(table)") }
    }

    @Test func aStandardSiteMigratesIntoAnEmptyEnhancedEnvironment() async throws {
        let (work, home, source, site) = try await Self.uploadedSource()
        defer { try? FileManager.default.removeItem(at: work) }
        #expect(try await CLI.run(["env", "create", "tgt"], home: home).status == 0)
        let ends = ["--from", "local:src", "--webSiteId", site.dataverseString, "--to", "local:tgt"]

        // The plan lists every record without an enhanced counterpart, and counts them by table.
        let plan = try await CLI.run(["plan"] + ends + ["--targetModelVersion", "2"], home: home)
        #expect(plan.status == 0, "\(plan.err)")
        var notMigrated = 0
        for table in ["adx_tag", "adx_urlhistory", "adx_ad", "adx_poll", "adx_polloption"] {
            let n = source.records[table]?.count ?? 0
            #expect(n > 0, "the corpus folder has no \(table)")
            notMigrated += n
            let listed = plan.out.split(separator: "\n").filter { $0.contains("skip \(table) ") && $0.contains("no enhanced-model counterpart") }
            #expect(listed.count == n, "\(table): \(listed.count) listed of \(n)")
            #expect(plan.out.contains("  \(table): \(n) record(s)"), "\(table) not counted")
        }
        #expect(plan.out.contains("Not migrated (no enhanced-model counterpart): \(notMigrated) record(s)"), "\(plan.out.suffix(1500))")
        #expect(plan.out.contains("adx_pollplacement_poll (N:N): \(source.links["adx_pollplacement_poll"]?.count ?? -1) link(s)"))
        #expect(plan.out.contains("+ create adx_webpage"))

        // Without --targetModelVersion an empty environment is a standard target: nothing is skipped.
        let standardPlan = try await CLI.run(["plan"] + ends, home: home)
        #expect(standardPlan.status == 0 && !standardPlan.out.contains("no enhanced-model counterpart"), "\(standardPlan.err)")

        let migrate = try await CLI.run(["migrate"] + ends + ["--targetModelVersion", "Enhanced", "--yes"], home: home)
        #expect(migrate.status == 0, "\(migrate.out.suffix(2000))\n\(migrate.err)")
        #expect(!migrate.out.contains("Failures"), "\(migrate.out.suffix(2000))")
        let list = try await CLI.run(["list", "--environment", "local:tgt", "--json"], home: home)
        #expect(list.out.contains(site.dataverseString) && list.out.contains("\"dataModel\":\"enhanced\""), "\(list.out)")

        // verify: identical on every record with a counterpart (the model is detected from the site now).
        let verify = try await CLI.run(["verify"] + ends, home: home)
        #expect(verify.status == 0, "\(verify.out)\n\(verify.err)")
        #expect(
            verify.out.contains(
                "adx_urlhistory: \(source.records["adx_urlhistory"]?.count ?? -1) source and 0 target record(s) not compared (no enhanced-model counterpart"
            ), "\(verify.out)")
        let again = try await CLI.run(["verify"] + ends + ["--targetModelVersion", "2"], home: home)
        #expect(again.status == 0, "\(again.out)")

        try await Self.downloadAndCompare(source, websiteID: site, environment: "local:tgt", work: work, home: home)

        // The site is enhanced now: asking for a standard target is a mismatch naming the model found.
        let wrong = try await CLI.run(["migrate"] + ends + ["--targetModelVersion", "1", "--yes"], home: home)
        #expect(wrong.status == 2, "\(wrong.err)")
        #expect(wrong.err.contains("enhanced data model (v2)") && wrong.err.contains("--targetModelVersion 2"), "\(wrong.err)")
        let bad = try await CLI.run(["plan"] + ends + ["--targetModelVersion", "3"], home: home)
        #expect(bad.status == 64, "\(bad.err)")
    }

    /// Into an environment that already has an enhanced site in the same language: the portal
    /// language is the migrated site's own (not ambiguous with the other site's), and the provisioned
    /// site is left alone.
    @Test func aStandardSiteMigratesBesideAProvisionedEnhancedSite() async throws {
        let (work, home, source, site) = try await Self.uploadedSource()
        defer { try? FileManager.default.removeItem(at: work) }
        #expect(try await CLI.run(["env", "create", "prov"], home: home).status == 0)
        let provision = try await CLI.run(["env", "provision", "prov", "--template", "starter", "--modelVersion", "2", "--json"], home: home)
        #expect(provision.status == 0, "\(provision.err)")
        let provisioned = try #require(try JSONValue.parse(provision.out)["websiteId"]?.stringValue.flatMap(UUID.init(dataverse:)))
        let ends = ["--from", "local:src", "--webSiteId", site.dataverseString, "--to", "local:prov"]

        // A standard target site named with --targetModelVersion 2 is a mismatch (exit 2), nothing written.
        let mismatch = try await CLI.run(
            ["migrate"] + ends + ["--targetWebSiteId", provisioned.dataverseString, "--targetModelVersion", "1", "--yes"], home: home)
        #expect(mismatch.status == 2 && mismatch.err.contains("enhanced data model (v2)"), "\(mismatch.err)")

        let before = try await CLI.run(["list", "--environment", "local:prov", "--json"], home: home)
        let migrate = try await CLI.run(["migrate"] + ends + ["--yes"], home: home) // detected: only enhanced sites there
        #expect(migrate.status == 0, "\(migrate.out.suffix(2000))\n\(migrate.err)")
        #expect(migrate.out.contains("no enhanced-model counterpart"))
        let verify = try await CLI.run(["verify"] + ends + ["--targetModelVersion", "2"], home: home)
        #expect(verify.status == 0, "\(verify.out)\n\(verify.err)")
        #expect(!verify.out.contains("ambiguous"), "\(verify.out)")
        let after = try await CLI.run(["list", "--environment", "local:prov", "--json"], home: home)
        #expect(after.out.contains(provisioned.dataverseString) && after.out.contains(site.dataverseString), "\(after.out)")
        #expect(before.out.contains(provisioned.dataverseString))
        // The provisioned site still verifies against itself untouched: its portal language is its own.
        let provVerify = try await CLI.run(
            ["verify", "--from", "local:prov", "--webSiteId", provisioned.dataverseString, "--to", "local:prov"], home: home)
        #expect(provVerify.status == 0, "\(provVerify.out)")

        try await Self.downloadAndCompare(source, websiteID: site, environment: "local:prov", work: work, home: home)
    }

    /// The standard starter template (web file notes with a subject) bridged into an empty enhanced
    /// environment: verify passes, naming the note columns the file column has no place for; a second
    /// plan writes nothing.
    @Test func aProvisionedStandardStarterSiteBridgesAndVerifies() async throws {
        let work = try TestPaths.temporaryDirectory("pm-enh-bridge-starter")
        defer { try? FileManager.default.removeItem(at: work) }
        let home = work.appendingPathComponent("home")
        for env in ["s", "t"] { #expect(try await CLI.run(["env", "create", env], home: home).status == 0) }
        let provision = try await CLI.run(["env", "provision", "s", "--template", "starter", "--json"], home: home)
        #expect(provision.status == 0, "\(provision.err)")
        let site = try #require(try JSONValue.parse(provision.out)["websiteId"]?.stringValue)
        let ends = ["--from", "local:s", "--webSiteId", site, "--to", "local:t"]
        let migrate = try await CLI.run(["migrate"] + ends + ["--targetModelVersion", "2", "--yes"], home: home)
        #expect(migrate.status == 0, "\(migrate.out.suffix(2000))\n\(migrate.err)")
        let verify = try await CLI.run(["verify"] + ends, home: home)
        #expect(verify.status == 0, "\(verify.out)\n\(verify.err)")
        #expect(verify.out.contains("Identical"), "\(verify.out)")
        #expect(verify.out.contains("annotation columns notetext, subject: not compared"), "\(verify.out)")
        let plan = try await CLI.run(["plan"] + ends, home: home)
        #expect(plan.status == 0, "\(plan.err)")
        let writes = plan.out.split(separator: "\n").filter { $0.hasPrefix("  + ") || $0.hasPrefix("  ~ ") || $0.hasPrefix("  - ") }
        #expect(writes.isEmpty, "\(writes.prefix(10))")
    }

    /// The same bridging into an enhanced environment served over the Web API (`env serve`), web file
    /// bodies through the file column over HTTP.
    @Test func aStandardSiteMigratesIntoAnEnhancedEnvironmentOverHTTP() async throws {
        let (work, home, source, site) = try await Self.uploadedSource()
        defer { try? FileManager.default.removeItem(at: work) }
        #expect(try await CLI.run(["env", "create", "served"], home: home).status == 0)
        let server = try await ServerSupport.startBinary(["env", "serve", "served", "--port", "0"], home: home)
        let port = try #require(server.port)
        let url = "http://127.0.0.1:\(port)"
        do {
            let ends = ["--from", "local:src", "--webSiteId", site.dataverseString, "--to", url]
            let migrate = try await CLI.run(["migrate"] + ends + ["--targetModelVersion", "2", "--yes"], home: home)
            #expect(migrate.status == 0, "\(migrate.out.suffix(2000))\n\(migrate.err)")
            let verify = try await CLI.run(["verify"] + ends, home: home)
            #expect(verify.status == 0, "\(verify.out)\n\(verify.err)")
            try await Self.downloadAndCompare(source, websiteID: site, environment: url, work: work, home: home)
        } catch {
            _ = await server.terminate()
            throw error
        }
        _ = await server.terminate()
    }
}

import Foundation
import LocalEnvironment
@testable import Migration
import PortalFolder
import PortalModel
import Testing
import TestSupport

/// Issue 16, the planner's, the profile's and the CMT import's silent losses, end to end with the built
/// `portal-migrate` on embedded environments and the real corpus folders. The tests named after a
/// reproduction (`R02`, `R05`, `R06` of `../shared/repro/`) use its input and assertions.
@Suite(.serialized) struct SilentLossPlannerTests {
    static let bookSite = "6d6ac58d-c13d-ee11-bdf4-000d3adcc96a"
    static let bookPage = "web-pages/book/content-pages/Book.en-US.webpage.yml"

    /// Runs the binary; fails the test with its stderr when `expect` is given and the exit code differs.
    @discardableResult
    static func run(_ args: [String], home: URL, expect: Int32? = 0) async throws -> ChildProcessResult {
        let r = try await CLI.run(args, home: home)
        if let expect { #expect(r.status == expect, "portal-migrate \(args.joined(separator: " ")): exit \(r.status)\n\(r.stderr.suffix(2000))") }
        return r
    }

    /// A work folder with `home/` and a copy of the corpus folder `name` at `work/<name>`.
    static func work(_ label: String, copying name: String? = nil) throws -> (work: URL, home: URL, folder: URL?) {
        let work = try TestPaths.temporaryDirectory(label)
        let home = work.appendingPathComponent("home")
        guard let name else { return (work, home, nil) }
        let folder = work.appendingPathComponent(name)
        try FileManager.default.copyItem(at: TestPaths.pacFolder(name), to: folder)
        return (work, home, folder)
    }

    /// The websites `list --json` shows in `env`.
    static func websites(_ env: String, home: URL) async throws -> [[String: Any]] {
        let r = try await run(["list", "--environment", env, "--json"], home: home)
        return try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
    }

    static func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    /// The only site folder under `parent` (a download's destination).
    static func siteFolder(in parent: URL) throws -> URL {
        let sites = try FileManager.default.contentsOfDirectory(atPath: parent.path).filter { !$0.hasPrefix(".") }
        #expect(sites.count == 1, "\(sites)")
        return parent.appendingPathComponent(try #require(sites.first))
    }

    // MARK: R02

    @Test("R02: a key removed from a folder and a field absent from a CMT package clear the target's column; --keep-absent-columns keeps it")
    func absentColumnCleared() async throws {
        let (work, home, folder) = try Self.work("pm-r02", copying: "book-multilang-2023")
        let book = try #require(folder)
        for e in ["test", "src", "cmt", "kept"] {
            try await Self.run(["env", "create", e], home: home)
            try await Self.run(["upload", "--path", book.path, "--environment", "local:\(e)", "--unblock-extensions", "svg", "--yes"], home: home)
        }
        let page = book.appendingPathComponent(Self.bookPage)
        let original = try Self.text(page)
        try #require(original.contains("\nadx_title: Book\n"), "corpus changed: no adx_title in \(Self.bookPage)")
        try original.replacingOccurrences(of: "\nadx_title: Book\n", with: "\n").write(to: page, atomically: true, encoding: .utf8)

        // 1. The pac route: the removed key reaches the target; the plan says it clears it.
        let plan = try await Self.run(["plan", "--path", book.path, "--to", "local:test", "--json"], home: home)
        #expect(plan.stderr.contains("adx_title: \"Book\" → null"), "\(plan.stderr.prefix(1500))")
        let planJSON = try #require(JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
        #expect((planJSON["clearedColumns"] as? [String: Int])?["adx_webpage"] == 1)
        #expect((planJSON["absentColumns"] as? String)?.hasPrefix("absent columns cleared") == true)
        try await Self.run(["upload", "--path", book.path, "--environment", "local:test", "--unblock-extensions", "svg", "--yes"], home: home)
        let dl = work.appendingPathComponent("dl")
        try await Self.run(["download", "--path", dl.path, "--webSiteId", Self.bookSite, "--environment", "local:test"], home: home)
        let downloaded = try Self.text(try Self.siteFolder(in: dl).appendingPathComponent(Self.bookPage))
        #expect(!downloaded.contains("\nadx_title:"), "upload left adx_title in the target after the key was removed from the folder")

        // --keep-absent-columns: today's behaviour for folders pruned by hand, and the plan says so.
        let kept = try await Self.run(
            [
                "upload", "--path", book.path, "--environment", "local:kept", "--unblock-extensions", "svg",
                "--yes", "--keep-absent-columns", "--verbose",
            ], home: home)
        #expect(kept.stdout.contains("absent columns kept (--keep-absent-columns)"), "\(kept.stdout.suffix(1500))")
        let dlKept = work.appendingPathComponent("dl-kept")
        try await Self.run(["download", "--path", dlKept.path, "--webSiteId", Self.bookSite, "--environment", "local:kept"], home: home)
        #expect(try Self.text(try Self.siteFolder(in: dlKept).appendingPathComponent(Self.bookPage)).contains("\nadx_title: Book\n"))

        // 2. verify --path sees an emptied column (E5's strict verifier).
        try await Self.run(["upload", "--path", book.path, "--environment", "local:src", "--unblock-extensions", "svg", "--yes"], home: home)
        let verifyPath = try await Self.run(["verify", "--path", book.path, "--to", "local:cmt"], home: home, expect: nil)
        #expect(verifyPath.status != 0, "verify --path says identical while the target still has adx_title")

        // 3. The CMT route: a field absent from data.xml clears the column.
        let schema = work.appendingPathComponent("schema.xml"), data = work.appendingPathComponent("d.zip")
        try await Self.run(["data", "schema", "--portalType", "custom", "--output", schema.path], home: home)
        try await Self.run(["data", "export", "--schemaFile", schema.path, "--dataFile", data.path, "--environment", "local:src"], home: home)
        try await Self.run(["data", "import", "--data", data.path, "--environment", "local:cmt", "--yes"], home: home)
        try await Self.run(
            ["verify", "--from", "local:src", "--to", "local:cmt", "--webSiteId", Self.bookSite, "--schemaFile", schema.path], home: home)
    }

    @Test("an environment source clears a column emptied in the source, counted as cleared; the plan says which rule it applied")
    func environmentSourceClears() async throws {
        let (dev, test, site, engine, plan, options) = try await MigrationFixtures.migratedStarter("pm-r02-env")
        let snippet = try #require(
            try await dev.retrieveAll(RecordQuery("adx_contentsnippet", filter: .equal("adx_websiteid", .guid(site))))
                .first { $0.string("adx_value")?.isEmpty == false })
        var cleared = EntityRecord("adx_contentsnippet", id: snippet.id)
        cleared["adx_value"] = .null
        for r in try await dev.execute([.update(cleared)], options: ExecuteOptions()) { if let e = r.error { throw e } }

        let prepared = try await engine.prepare(source: .environment(dev, websiteID: site), target: test, options: options)
        let change = prepared.plan.records.first { $0.targetID == snippet.id }?.changes.first { $0.column == "adx_value" }
        #expect(change?.new == .null && change?.old != nil, "\(PlanRenderer.lines(prepared.plan))")
        #expect(prepared.plan.clearedColumns["adx_contentsnippet"] == 1)

        // An environment returns the emptied column as null: it is the source's value, not an absent
        // key, so --keep-absent-columns (meant for folders pruned by hand) does not keep it; the plan says
        // which rule it applied.
        var keep = plan
        keep.hints.keepAbsentColumns = true
        let kept = try await engine.prepare(
            source: .environment(dev, websiteID: site), target: test, options: try MigrationFixtures.options(keep, env: test))
        #expect(kept.plan.absentColumns?.contains("--keep-absent-columns") == true)
        #expect(prepared.plan.absentColumns?.hasPrefix("absent columns cleared") == true)
    }

    // MARK: R05

    @Test("R05: a deployment-profile entry that overrides nothing stops the upload before writing, named (exit 2)")
    func profileEntryMatchingNothing() async throws {
        let (_, home, folder) = try Self.work("pm-r05", copying: "comet-selfservice-2023")
        let comet = try #require(folder)
        let profiles = comet.appendingPathComponent("deployment-profiles")
        try FileManager.default.createDirectory(at: profiles, withIntermediateDirectories: true)
        try """
        adx_sitesetting:
        - adx_sitesettingid: e91069f0-1b2c-4d5e-8f90-a1b2c3d4e5f6
          adx_name: Authentication/OpenIdConnect/OpenId_1/Caption
          adx_value: OpenId Provider TEST

        """.write(to: profiles.appendingPathComponent("test.deployment.yml"), atomically: true, encoding: .utf8)
        try await Self.run(["env", "create", "test"], home: home)
        let r = try await Self.run(
            [
                "upload", "--path", comet.path, "--environment", "local:test", "--deploymentProfile", "test",
                "--missing-lookups", "drop", "--yes", "--json",
            ], home: home, expect: 2)
        #expect((r.stdout + r.stderr).contains("e91069f0-1b2c-4d5e-8f90-a1b2c3d4e5f6"), "the message does not name the entry's id")
        #expect(r.stderr.contains("test.deployment.yml") && r.stderr.contains("adx_sitesetting"), "\(r.stderr.suffix(1500))")
        let json = try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let checks = try #require(json["checks"] as? [[String: Any]])
        #expect(checks.contains { $0["check"] as? String == "deployment-profile" && $0["table"] as? String == "adx_sitesetting" })
        #expect(try await Self.websites("local:test", home: home).isEmpty, "something was written")
    }

    // MARK: R06

    @Test("R06: a partial download is a standard folder: content pages keep their language code, one website, verified")
    func partialFolderIsStandard() async throws {
        let (work, home, _) = try Self.work("pm-r06")
        try await Self.run(["env", "create", "dev"], home: home)
        try await Self.run(["env", "provision", "dev", "--template", "starter"], home: home)
        let ws = try #require(try await Self.websites("local:dev", home: home).first?["websiteId"] as? String)
        try await Self.run(["env", "create", "test"], home: home)
        try await Self.run(["migrate", "--from", "local:dev", "--to", "local:test", "--webSiteId", ws, "--yes"], home: home)
        let part = work.appendingPathComponent("part")
        try await Self.run(
            [
                "download", "--path", part.path, "--webSiteId", ws, "--environment", "local:dev",
                "--includeEntities", "adx_webpage,adx_pagetemplate,adx_webtemplate",
            ], home: home)
        let site = try Self.siteFolder(in: part)
        let contentPages = try FileManager.default.contentsOfDirectory(atPath: site.appendingPathComponent("web-pages/home/content-pages").path)
        #expect(
            contentPages.contains("Home.en-US.webpage.yml"),
            "content pages of a partial download lose their language code: \(contentPages.sorted().prefix(3))")
        #expect(!FileManager.default.fileExists(atPath: site.appendingPathComponent("websitelanguage.yml").path))
        #expect(try PortalFolder.detectDataModel(at: site) == .standard)

        try await Self.run(["upload", "--path", site.path, "--environment", "local:test", "--yes", "--json"], home: home)
        #expect(try await Self.websites("local:test", home: home).count == 1)
        try await Self.run(["verify", "--from", "local:dev", "--to", "local:test", "--webSiteId", ws], home: home)
    }

    @Test("the data model is detected from what a folder holds: every corpus folder keeps its model")
    func corpusModels() throws {
        for name in TestPaths.standardPacFolders {
            #expect(try PortalFolder.detectDataModel(at: TestPaths.pacFolder(name)) == .standard, "\(name)")
        }
        #expect(try PortalFolder.detectDataModel(at: TestPaths.pacFolder("rcsa-enhanced-2025")) == .enhanced)
        // Without websitelanguage.yml the v2 folder is still recognised by its default language being a
        // portal language (one id in both roles).
        let work = try TestPaths.temporaryDirectory("pm-model")
        let copy = work.appendingPathComponent("rcsa")
        try FileManager.default.copyItem(at: TestPaths.pacFolder("rcsa-enhanced-2025"), to: copy)
        try FileManager.default.removeItem(at: copy.appendingPathComponent("websitelanguage.yml"))
        #expect(try PortalFolder.detectDataModel(at: copy) == .enhanced)
    }

    @Test("a website the plan creates in one model while the target holds its id in the other is a failed check")
    func websiteInBothModels() async throws {
        let env = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "both"), label: "pm-both")
        let site = try await env.provision(template: "starter").websiteId
        let website = try #require(try await env.retrieveAll(RecordQuery("adx_website", filter: .equal("adx_websiteid", .guid(site)))).first)
        var source = PortalSnapshot(websiteID: site)
        source.add(EntityRecord("adx_website", id: site, columns: ["adx_name": website["adx_name"] ?? .string("Basic Portal")]))
        let enhanced = EnhancedModelService(base: env, acceptingColumnsOf: source)
        let planning = try await Planner(target: enhanced).plan(source: source, options: PlanOptions())
        let d = planning.plan.diagnostics.first { $0.check == .websiteInBothModels }
        #expect(d?.severity == .error && d?.recordID == site, "\(planning.plan.diagnostics)")
        #expect(d?.message.contains("adx_website") == true)
        // The same website written in its own model passes.
        let standard = try await Planner(target: env).plan(source: source, options: PlanOptions())
        #expect(!standard.plan.diagnostics.contains { $0.check == .websiteInBothModels })
    }

    // MARK: Also found

    @Test(
        "data import into a provisioned, uncleaned target warns naming both websites; --targetWebSiteId writes into the existing one and keeps its name and host"
    )
    func dataImportIntoProvisionedTarget() async throws {
        let (work, home, _) = try Self.work("pm-cmt-site")
        for e in ["dev", "test"] {
            try await Self.run(["env", "create", e], home: home)
            try await Self.run(["env", "provision", e, "--template", "starter"], home: home)
        }
        let devSite = try #require(try await Self.websites("local:dev", home: home).first?["websiteId"] as? String)
        let testSite = try #require(try await Self.websites("local:test", home: home).first?["websiteId"] as? String)
        #expect(devSite != testSite)
        let schema = work.appendingPathComponent("schema.xml"), data = work.appendingPathComponent("d.zip")
        try await Self.run(["data", "schema", "--portalType", "custom", "--output", schema.path], home: home)
        try await Self.run(["data", "export", "--schemaFile", schema.path, "--dataFile", data.path, "--environment", "local:dev"], home: home)

        let dry = try await Self.run(["data", "import", "--data", data.path, "--environment", "local:test", "--dry-run", "--json"], home: home)
        let json = try #require(JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [String: Any])
        let warnings = try #require(json["warnings"] as? [[String: Any]])
        let sameName = warnings.first { $0["check"] as? String == "website-same-name" }
        let message = try #require(sameName?["message"] as? String, "\(warnings)")
        #expect(message.contains(testSite) && message.contains(devSite) && message.contains("--targetWebSiteId"))

        let r = try await Self.run(
            ["data", "import", "--data", data.path, "--environment", "local:test", "--targetWebSiteId", testSite, "--json"], home: home)
        #expect(r.stderr.contains("kept adx_website \(testSite), column adx_primarydomainname"), "\(r.stderr.suffix(1500))")
        // The package's pages match the provisioned ones by natural key (a root page's parent left out
        // of data.xml is an empty parent), so none is created a second time.
        let result = try #require(
            (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])?["result"] as? [String: [String: Int]])
        #expect(result["adx_webpage"]?["created"] ?? 0 == 0, "\(result["adx_webpage"] ?? [:])")
        let sites = try await Self.websites("local:test", home: home)
        #expect(sites.count == 1 && sites.first?["websiteId"] as? String == testSite, "\(sites)")
    }

    @Test("migrate --targetWebSiteId keeps the target website's name and primary domain, listed as kept")
    func targetWebsiteKeepsEnvironmentColumns() async throws {
        let dev = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "dev"), label: "pm-keep-dev")
        let test = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "test"), label: "pm-keep-test")
        let devSite = try await dev.provision(template: "starter").websiteId
        let testSite = try await test.provision(template: "starter").websiteId
        var renamed = EntityRecord("adx_website", id: testSite)
        renamed["adx_name"] = .string("Contoso (TEST)")
        for r in try await test.execute([.update(renamed)], options: ExecuteOptions()) { if let e = r.error { throw e } }
        let before = try #require(try await test.retrieveAll(RecordQuery("adx_website", filter: .equal("adx_websiteid", .guid(testSite)))).first)

        let engine = MigrationEngine()
        let options = try MigrationFixtures.options(PlanOptions(targetWebsiteID: testSite), env: test)
        let prepared = try await engine.prepare(source: .environment(dev, websiteID: devSite), target: test, options: options)
        #expect(Set(prepared.plan.keptColumns.map(\.column)) == ["adx_name", "adx_primarydomainname"], "\(prepared.plan.keptColumns)")
        #expect(PlanRenderer.lines(prepared.plan).contains { $0.contains("= keep adx_website") && $0.contains("Contoso (TEST)") })
        let website = prepared.plan.records.first { $0.table == "adx_website" }
        #expect(website?.changes.contains { ["adx_name", "adx_primarydomainname"].contains($0.column) } == false)
        _ = try await engine.migrate(source: .environment(dev, websiteID: devSite), target: test, options: options, prepared: prepared)
        let after = try #require(try await test.retrieveAll(RecordQuery("adx_website", filter: .equal("adx_websiteid", .guid(testSite)))).first)
        #expect(after["adx_name"] == .string("Contoso (TEST)"))
        #expect(after["adx_primarydomainname"] == before["adx_primarydomainname"])
    }

    @Test("two files with one record id: the error names both and which one the environment manifest names as current")
    func duplicateNamesCurrentCopy() throws {
        let (_, _, folder) = try Self.work("pm-dup", copying: "comet-selfservice-2023")
        let comet = try #require(folder)
        let original = comet.appendingPathComponent("web-templates/ad/Ad.webtemplate.yml")
        let text = try Self.text(original)
        try #require(text.split(separator: "\n").contains("adx_name: Ad"), "corpus changed: web-templates/ad")
        let renamed = comet.appendingPathComponent("web-templates/zz-renamed")
        try FileManager.default.createDirectory(at: renamed, withIntermediateDirectories: true)
        try text.split(separator: "\n", omittingEmptySubsequences: false).map { $0 == "adx_name: Ad" ? "adx_name: Renamed" : String($0) }.joined(
            separator: "\n"
        )
        .write(to: renamed.appendingPathComponent("Renamed.webtemplate.yml"), atomically: true, encoding: .utf8)
        #expect {
            try PortalFolder().read(comet)
        } throws: { error in
            let message = "\(error)"
            return message.contains("web-templates/ad/Ad.webtemplate.yml") && message.contains("web-templates/zz-renamed/Renamed.webtemplate.yml")
                && message.contains(
                    "-manifest.yml names it \"Ad\" (DisplayName): web-templates/ad/Ad.webtemplate.yml is current; delete web-templates/zz-renamed/Renamed.webtemplate.yml"
                )
        }
    }

    @Test(
        "upload --missing-lookups drop: the run keeps what it dropped for verify, warnings reach --json, and a download lists each N:N link once in pac's orientation"
    )
    func droppedLookupsWarningsAndManifest() async throws {
        let (work, home, folder) = try Self.work("pm-drop", copying: "comet-selfservice-2023")
        let comet = try #require(folder)
        try "trigger: none\n".write(to: comet.appendingPathComponent("azure-pipelines.yml"), atomically: true, encoding: .utf8)
        try await Self.run(["env", "create", "t"], home: home)
        let r = try await Self.run(
            ["upload", "--path", comet.path, "--environment", "local:t", "--missing-lookups", "drop", "--yes", "--json"], home: home)
        let json = try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let warnings = try #require(json["warnings"] as? [[String: Any]])
        #expect(warnings.contains { ($0["message"] as? String)?.contains("azure-pipelines.yml") == true }, "\(warnings)")
        let dropped = try #require(json["droppedLookups"] as? [[String: Any]])
        #expect(!dropped.isEmpty)

        // The ledger verify reads: keyed by the target's organization and website.
        let site = try #require(try await Self.websites("local:t", home: home).first?["websiteId"] as? String)
        let ledgers = try FileManager.default.subpathsOfDirectory(atPath: home.appendingPathComponent("dropped-lookups").path).filter {
            $0.hasSuffix(".json")
        }
        #expect(ledgers.count == 1 && ledgers.first?.hasSuffix("/\(site).json") == true, "\(ledgers)")
        let ledgerURL = home.appendingPathComponent("dropped-lookups").appendingPathComponent(try #require(ledgers.first))
        let org = try #require(UUID(dataverse: ledgerURL.deletingLastPathComponent().lastPathComponent))
        let siteID = try #require(UUID(dataverse: site))
        let ledger = try #require(DroppedLookupLedger.load(dataDirectory: home, organizationID: org, websiteID: siteID))
        #expect(ledger.droppedLookups.count == dropped.count && ledger.command == "upload")
        #expect(Set(ledger.droppedLookups.map { $0.recordID.dataverseString }) == Set(dropped.compactMap { $0["recordID"] as? String }))

        // The environment manifest of a download: each link once, owner table first.
        let dl = work.appendingPathComponent("dl")
        try await Self.run(["download", "--path", dl.path, "--webSiteId", site, "--environment", "local:t"], home: home)
        let portalconfig = try Self.siteFolder(in: dl).appendingPathComponent(".portalconfig")
        let manifestName = try #require(
            try FileManager.default.contentsOfDirectory(atPath: portalconfig.path).first { $0.hasSuffix("-manifest.yml") && $0 != "manifest.yml" })
        let manifest = try Self.text(portalconfig.appendingPathComponent(manifestName))
        var entries: [String] = []
        var pending: String?
        for line in manifest.split(separator: "\n") {
            if line.hasPrefix("- RecordId: ") { pending = String(line.dropFirst("- RecordId: ".count)) }
            if line.hasPrefix("  DisplayName: $RELATIONSHIP$"), let id = pending {
                entries.append(String(line.dropFirst("  DisplayName: $RELATIONSHIP$".count)) + "→" + id)
            }
        }
        #expect(entries.count > 20, "\(entries.count)")
        #expect(Set(entries).count == entries.count, "a link listed twice")
        let owners = Set(PacFolderFormat.relationships.map(\.owner))
        #expect(
            entries.allSatisfy { owners.contains(String($0.prefix { $0 != ":" })) && !$0.hasPrefix("adx_webrole:") },
            "\(entries.filter { $0.hasPrefix("adx_webrole:") }.prefix(3))")
    }
}

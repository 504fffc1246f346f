import Foundation
import LocalEnvironment
import PortalModel
import Testing
import TestSupport
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Issue 21 "Drift report", done-when: `diff` between two environments provisioned separately from the
/// same template (every id differs) and then edited differently reports exactly the edits, named by
/// natural key, in all four outputs (terminal, `--json`, `--junit`, `--report`); the report is loaded
/// in a real browser (chromium-headless-shell) whose DOM is checked and whose screenshot is kept.
@Suite struct DiffEndToEndTests {
    /// Writes `ops` one change set each (plug-ins on, as a maker's edit would run).
    static func write(_ env: LocalEnvironment, _ ops: [DataverseOperation]) async throws {
        let results = try await env.execute(ops.map { ChangeSet([$0]) }, options: ExecuteOptions(bypassCustomPlugins: false))
        for r in results { #expect(r.isSuccess, "\(r.error.map { "\($0)" } ?? "")") }
    }

    static func one(_ env: LocalEnvironment, _ table: String, _ filter: RecordFilter) async throws -> EntityRecord {
        try #require(try await env.retrieveAll(RecordQuery(table, filter: filter)).first, "\(table) \(filter)")
    }

    /// A value that would break out of a script or re-enter a template if pasted unescaped.
    static let hostile = "<p>Hi</p></script><script>alert('pm')</script>{{title}}{{{verdict}}}"

    /// `kind|table|column|key` of a JSON difference.
    static func key(_ d: [String: Any]) -> String {
        [d["kind"], d["table"], d["column"], d["key"]].map { ($0 as? String) ?? "-" }.joined(separator: "|")
    }

    @Test func twoSeparatelyProvisionedEnvironmentsEditedDifferentlyReportExactlyTheEdits() async throws {
        let s = try Scenario("pm-diff-e2e")
        defer { s.remove() }
        try await s.createEnvironment("dev")
        try await s.createEnvironment("test")
        let devSite = try await s.provision("dev"), testSite = try await s.provision("test")
        #expect(devSite != testSite)

        // Untouched: the same configuration under other ids; only the domain is expected to differ.
        let clean = try await s.run(["diff", "--from", "local:dev", "--to", "local:test", "--json"])
        #expect(clean.exitCode == 0, "\(clean.stdout.prefix(2000)) \(clean.stderr)")
        let cleanJSON = try #require(try JSONSerialization.jsonObject(with: clean.stdoutData) as? [String: Any])
        #expect(cleanJSON["identical"] as? Bool == true && (cleanJSON["matchedByNaturalKey"] as? Int ?? 0) > 50, "\(cleanJSON)")
        #expect(((cleanJSON["expectedToDiffer"] as? [[String: Any]]) ?? []).contains { $0["reason"] as? String == "domain" })

        // dev: a snippet (hostile value), Home's content page copy (multi-line), a new page Promo.
        let dev = try s.open("dev")
        let snippet = try #require(
            try await dev.retrieveAll(RecordQuery("adx_contentsnippet")).min { ($0.string("adx_name") ?? "") < ($1.string("adx_name") ?? "") })
        let snippetName = try #require(snippet.string("adx_name"))
        let home = try await Self.one(dev, "adx_webpage", .and([.equal("adx_partialurl", .string("/")), .equal("adx_isroot", .boolean(true))]))
        let homeContent = try await Self.one(dev, "adx_webpage", .equal("adx_rootwebpageid", .guid(home.id)))
        let copy = (homeContent.string("adx_copy") ?? "") + "\n<section>\n  <h2>Spring sale</h2>\n  <p>Only in dev.</p>\n</section>"
        try await Self.write(
            dev,
            [
                .update(EntityRecord("adx_contentsnippet", id: snippet.id, columns: ["adx_value": .string(Self.hostile)])),
                .update(EntityRecord("adx_webpage", id: homeContent.id, columns: ["adx_copy": .string(copy)])),
                .create(
                    EntityRecord(
                        "adx_webpage", id: UUID(),
                        columns: [
                            "adx_name": .string("Promo"), "adx_partialurl": .string("promo"),
                            "adx_websiteid": .lookup(EntityReference("adx_website", devSite)),
                            "adx_parentpageid": .lookup(home.reference), "adx_pagetemplateid": home.columns["adx_pagetemplateid"] ?? .null,
                            "adx_publishingstateid": home.columns["adx_publishingstateid"] ?? .null,
                        ])),
            ])
        let devSearch = try await Self.one(dev, "adx_sitesetting", .equal("adx_name", .string("Search/Enabled")))
        try dev.close()

        // test: a site setting changed, one added, a web file body changed, an image web file added, an N:N link removed.
        let test = try s.open("test")
        let testSiteRef = EntityReference("adx_website", testSite)
        let search = try await Self.one(test, "adx_sitesetting", .equal("adx_name", .string("Search/Enabled")))
        let flipped = devSearch.string("adx_value")?.lowercased() == "false" ? "true" : "false"
        let theme = try await Self.one(test, "adx_webfile", .equal("adx_partialurl", .string("theme.css")))
        let themeNote = try await Self.one(test, "annotation", .equal("objectid", .guid(theme.id)))
        let testHome = try await Self.one(test, "adx_webpage", .and([.equal("adx_partialurl", .string("/")), .equal("adx_isroot", .boolean(true))]))
        let pixel = try #require(
            Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="))
        let fileID = UUID()
        var linked: (String, ManyToManyLink)?
        for rel in TableCatalog.standard.relationships.map(\.name).sorted() where linked == nil {
            if let l = try? await test.retrieveLinks(relationship: rel, firstIDs: nil).sorted().first { linked = (rel, l) }
        }
        let (relationship, link) = try #require(linked, "the starter template has an N:N link")
        try await Self.write(
            test,
            [
                .update(EntityRecord("adx_sitesetting", id: search.id, columns: ["adx_value": .string(flipped)])),
                .create(
                    EntityRecord(
                        "adx_sitesetting", id: UUID(),
                        columns: [
                            "adx_name": .string("Custom/OnlyInTest"), "adx_value": .string("42"), "adx_websiteid": .lookup(testSiteRef),
                        ])),
                .uploadFile(
                    FileBodyKey("annotation", themeNote.id, "documentbody"), fileName: "theme.css", body: .data(Data("body { color: teal; }\n".utf8))),
                .create(
                    EntityRecord(
                        "adx_webfile", id: fileID,
                        columns: [
                            "adx_name": .string("pixel.png"), "adx_partialurl": .string("pixel.png"), "adx_websiteid": .lookup(testSiteRef),
                            "adx_parentpageid": .lookup(testHome.reference),
                        ])),
                .create(
                    EntityRecord(
                        "annotation", id: UUID(),
                        columns: [
                            "filename": .string("pixel.png"), "mimetype": .string("image/png"), "isdocument": .boolean(true),
                            "documentbody": .string(pixel.base64EncodedString()), "objectid": .lookup(EntityReference("adx_webfile", fileID)),
                        ])),
                .disassociate(relationship: relationship, link),
            ])
        try test.close()

        // Exactly the edits, by natural key, in --json (plus --junit and --report from the same run).
        let junit = s.work.appendingPathComponent("out/drift.xml"), report = s.work.appendingPathComponent("out/drift.html")
        let r = try await s.run(["diff", "--from", "local:dev", "--to", "local:test", "--json", "--junit", junit.path, "--report", report.path])
        #expect(r.exitCode == 1, "exit \(r.exitCode): \(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any], "\(r.stdout.prefix(500))")
        let differences = try #require(json["differences"] as? [[String: Any]])
        let got = Set(differences.map(Self.key))
        let language = try #require(differences.first { $0["column"] as? String == "adx_copy" }?["key"] as? String).dropFirst(3).dropLast()
        let expected: Set<String> = [
            "column|adx_contentsnippet|adx_value|\(snippetName) › \(language)",
            "column|adx_webpage|adx_copy|/ [\(language)]",
            "missing-in-target|adx_webpage|-|/promo/",
            "missing-in-target|adx_webpage|-|/promo/ [\(language)]",
            "column|adx_sitesetting|adx_value|Search/Enabled",
            "only-in-target|adx_sitesetting|-|Custom/OnlyInTest",
            "file-body|annotation|documentbody|/theme.css › theme.css",
            "only-in-target|adx_webfile|-|/pixel.png",
            "only-in-target|annotation|-|/pixel.png › pixel.png",
            "link-missing-in-target|\(relationship)|-|\(link.first.logicalName) \(try #require(differences.first { $0["kind"] as? String == "link-missing-in-target" }?["key"] as? String).dropFirst(link.first.logicalName.count + 1))",
        ]
        #expect(got == expected, "unexpected: \(got.subtracting(expected).sorted())\nmissing: \(expected.subtracting(got).sorted())")
        #expect(json["identical"] as? Bool == false)
        let hostileDiff = differences.first { $0["table"] as? String == "adx_contentsnippet" }
        #expect(hostileDiff?["source"] as? String == Self.hostile)
        let tables = try #require(json["tables"] as? [[String: Any]])
        #expect(
            tables.first { $0["table"] as? String == "adx_sitesetting" }.map { ($0["changed"] as? Int, $0["onlyInTarget"] as? Int) }
                .map { $0 == (1, 1) } == true, "\(tables)")

        // Terminal: the same differences, by natural key, with the sides' names.
        let text = try await s.run(["diff", "--from", "local:dev", "--to", "local:test"])
        #expect(text.exitCode == 1)
        for line in [
            "changed: adx_sitesetting Search/Enabled: adx_value:", "only in local:test: adx_sitesetting Custom/OnlyInTest",
            "only in local:dev: adx_webpage /promo/", "link only in local:dev: \(relationship)",
            "Different: 10 difference(s)", "the website's domain: adx_website",
        ] {
            #expect(text.stdout.contains(line), "\(line) not in:\n\(text.stdout)")
        }

        // JUnit: a test case per table, a failure per difference.
        let xml = try XMLDocument(contentsOf: junit)
        let cases = try xml.nodes(forXPath: "//testcase").compactMap { $0 as? XMLElement }
        let failures = try xml.nodes(forXPath: "//testcase/failure")
        #expect(failures.count == expected.count)
        let settingCase = cases.first { $0.attribute(forName: "name")?.stringValue == "adx_sitesetting" }
        #expect(settingCase?.elements(forName: "failure").count == 2)
        #expect(
            cases.contains { $0.attribute(forName: "name")?.stringValue == "adx_webrole" && $0.elements(forName: "failure").isEmpty },
            "a table without differences is a passing test case")
        #expect(try xml.nodes(forXPath: "/testsuites/@failures").first?.stringValue == String(expected.count))

        // HTML: self-contained, the hostile value escaped (never markup, never a template).
        let html = try String(contentsOf: report, encoding: .utf8)
        #expect(!html.contains("</script><script>") && !html.contains("<script"), "a value became markup")
        #expect(html.contains("&lt;/script&gt;&lt;script&gt;alert(&#39;pm&#39;)&lt;/script&gt;{{title}}{{{verdict}}}"))
        #expect(!html.contains("http://") && !html.contains("https://") && html.contains("img-src data:"), "the page must not reach the network")
        try await BrowserCheck.check(report, artifact: "diff-report") { dom in
            #expect(dom.contains("data-count=\"differences\"><span class=\"n\">10</span>"), "count of differences")
            #expect(dom.contains("data-count=\"added\"><span class=\"n\">3</span>"), "only in test: a site setting, a web file and its note")
            #expect(dom.range(of: #"<li class="node removed" data-status="removed" data-path="/promo/">"#) != nil, "Promo is removed in the tree")
            #expect(dom.range(of: #"<li class="node changed" data-status="changed" data-path="/">"#) != nil, "Home is changed (its content page)")
            #expect(
                dom.contains("Custom/OnlyInTest")
                    && dom.contains("<h2>Spring sale</h2>".replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")))
            #expect(dom.contains("data-column=\"adx_value\""), "the changed site setting's column")
            #expect(!dom.contains("<script"), "no script element in the DOM")
            #expect(dom.contains("src=\"data:image/png;base64,"), "the image web file's thumbnail")
        }
    }

    @Test func aFolderOrAPackageComparesOnWhatItsFormatCarries() async throws {
        let s = try Scenario("pm-diff-files")
        defer { s.remove() }
        try await s.createEnvironment("dev")
        let site = try await s.provision("dev")
        try await s.succeed([
            "download", "--environment", "local:dev", "--webSiteId", site.dataverseString, "--path", s.work.appendingPathComponent("dl").path,
        ])
        let folder = try #require(
            try FileManager.default.contentsOfDirectory(at: s.work.appendingPathComponent("dl"), includingPropertiesForKeys: nil).first)
        // A download holds what the environment holds: the same, both ways.
        for args in [["--path", folder.path, "--to", "local:dev"], ["--from", "local:dev", "--targetPath", folder.path]] {
            let r = try await s.run(["diff"] + args)
            #expect(r.exitCode == 0, "\(args): \(r.stdout) \(r.stderr)")
        }
        // A CMT package of the site against the environment, on the schema's tables and columns.
        let schema = s.work.appendingPathComponent("css.xml").path, zip = s.work.appendingPathComponent("data.zip").path
        try await s.succeed(["data", "schema", "--portalType", "customer-self-service", "--output", schema])
        try await s.succeed(["data", "export", "--schemaFile", schema, "--dataFile", zip, "--environment", "local:dev"])
        let pkg = try await s.run(["diff", "--data", zip, "--to", "local:dev", "--schemaFile", schema])
        #expect(pkg.exitCode == 0, "\(pkg.stdout) \(pkg.stderr)")
        // A page renamed in the folder is named by its path.
        let page = try #require(
            FileManager.default.enumerator(at: folder.appendingPathComponent("web-pages"), includingPropertiesForKeys: nil)?
                .compactMap { $0 as? URL }.first {
                    $0.lastPathComponent.hasSuffix(".webpage.yml") && $0.path.contains("/search/") && !$0.path.contains("content-pages")
                })
        var yaml = try String(contentsOf: page, encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "adx_title: Search", with: "adx_title: Find")
        try yaml.write(to: page, atomically: true, encoding: .utf8)
        let changed = try await s.run(["diff", "--path", folder.path, "--to", "local:dev", "--json"])
        #expect(changed.exitCode == 1, "\(changed.stderr)")
        let diffs = (try JSONSerialization.jsonObject(with: changed.stdoutData) as? [String: Any])?["differences"] as? [[String: Any]] ?? []
        #expect(diffs.map(Self.key) == ["column|adx_webpage|adx_title|/search/"], "\(diffs)")
        // Usage: a side missing or given twice.
        #expect(try await s.run(["diff", "--to", "local:dev"]).exitCode == 64)
        #expect(try await s.run(["diff", "--path", folder.path, "--data", zip, "--to", "local:dev"]).exitCode == 64)
        #expect(try await s.run(["diff", "--path", s.work.appendingPathComponent("nowhere").path, "--to", "local:dev"]).exitCode == 2)
    }

    @Test func planReportDrawsWhatARunWouldCreateUpdateAndDelete() async throws {
        let s = try Scenario("pm-plan-report")
        defer { s.remove() }
        try await s.createEnvironment("dev")
        try await s.createEnvironment("test")
        let devSite = try await s.provision("dev"), testSite = try await s.provision("test")
        let dev = try s.open("dev")
        let home = try await Self.one(dev, "adx_webpage", .and([.equal("adx_partialurl", .string("/")), .equal("adx_isroot", .boolean(true))]))
        let setting = try await Self.one(dev, "adx_sitesetting", .equal("adx_name", .string("Search/Enabled")))
        try await Self.write(
            dev,
            [
                .create(
                    EntityRecord(
                        "adx_webpage", id: UUID(),
                        columns: [
                            "adx_name": .string("Launch"), "adx_partialurl": .string("launch"),
                            "adx_websiteid": .lookup(EntityReference("adx_website", devSite)),
                            "adx_parentpageid": .lookup(home.reference), "adx_pagetemplateid": home.columns["adx_pagetemplateid"] ?? .null,
                            "adx_publishingstateid": home.columns["adx_publishingstateid"] ?? .null,
                        ])),
                .update(EntityRecord("adx_sitesetting", id: setting.id, columns: ["adx_value": .string(Self.hostile)])),
            ])
        try dev.close()
        let report = s.work.appendingPathComponent("plan.html")
        let r = try await s.run([
            "plan", "--from", "local:dev", "--webSiteId", devSite.dataverseString, "--to", "local:test",
            "--targetWebSiteId", testSite.dataverseString, "--report", report.path,
        ])
        #expect(r.exitCode == 0, "\(r.stdout) \(r.stderr)")
        #expect(r.stdout.contains("Plan report written to \(report.path)"))
        let html = try String(contentsOf: report, encoding: .utf8)
        #expect(!html.contains("<script") && html.contains("&lt;/script&gt;&lt;script&gt;"))
        try await BrowserCheck.check(report, artifact: "plan-report") { dom in
            #expect(dom.range(of: #"<li class="node added" data-status="added" data-path="/launch/">"#) != nil, "the new page in the tree")
            #expect(dom.range(of: #"<li class="node same" data-status="same" data-path="/search/">"#) != nil, "an untouched page")
            #expect(dom.contains("data-count=\"create\"><span class=\"n\">2</span>"), "the page and its content page")
            #expect(dom.contains("data-count=\"update\"><span class=\"n\">1</span>"), "the site setting")
            #expect(dom.contains("data-count=\"delete\"><span class=\"n\">0</span>"))
            #expect(!dom.contains("<script"))
        }
    }

    @Test func enhancedSitesCompareByNaturalKeyAndAcrossDataModels() async throws {
        let s = try Scenario("pm-diff-enhanced")
        defer { s.remove() }
        for name in ["e1", "e2", "std"] { try await s.createEnvironment(name) }
        try await s.provision("e1", modelVersion: 2)
        try await s.provision("e2", modelVersion: 2)
        try await s.provision("std")
        // Two enhanced sites provisioned separately: the same, record for record.
        let same = try await s.run(["diff", "--from", "local:e1", "--to", "local:e2", "--json"])
        #expect(same.exitCode == 0, "\(same.stdout.prefix(3000)) \(same.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: same.stdoutData) as? [String: Any])
        #expect((json["matchedByNaturalKey"] as? Int ?? 0) > 50 && (json["target"] as? [String: Any])?["dataModel"] as? String == "enhanced")
        // A standard site against an enhanced one: compared on what both models have, named by natural key.
        let across = try await s.run(["diff", "--from", "local:std", "--to", "local:e1", "--json"])
        #expect(across.exitCode == 0 || across.exitCode == 1, "\(across.stderr)")
        let acrossJSON = try #require(try JSONSerialization.jsonObject(with: across.stdoutData) as? [String: Any])
        #expect((acrossJSON["matchedByNaturalKey"] as? Int ?? 0) > 50, "pages, settings and snippets pair across the models")
        let tables = Set(((acrossJSON["differences"] as? [[String: Any]]) ?? []).compactMap { $0["table"] as? String })
        #expect(!tables.contains("adx_webpage") && !tables.contains("adx_sitesetting") && !tables.contains("adx_contentsnippet"), "\(tables)")
    }
}

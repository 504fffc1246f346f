import Foundation
import Migration
import PortalModel
import Reports
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The drift engine and its renderings on small in-memory sites (issue 21): hostile values stay data in
/// the HTML and the JUnit XML, environment-bound values are expected to differ, long values get a line
/// diff, and the site map survives deep and cyclic parent chains.
@Suite struct DriftReportRenderingTests {
    static let site = UUID(uuidString: "11111111-0000-0000-0000-000000000001")!
    static let otherSite = UUID(uuidString: "22222222-0000-0000-0000-000000000002")!

    /// A website with a Home page, a child page `partial` and a site setting, all under fresh ids.
    static func snapshot(website: UUID, setting value: String, partial: String = "about", extra: [EntityRecord] = []) -> PortalSnapshot {
        var s = PortalSnapshot(websiteID: website)
        let siteRef = FieldValue.lookup(EntityReference("adx_website", website))
        s.add(
            EntityRecord(
                "adx_website", id: website,
                columns: ["adx_name": .string("Contoso"), "adx_primarydomainname": .string("\(website.uuidString.prefix(8)).example")]))
        let home = UUID()
        s.add(
            EntityRecord(
                "adx_webpage", id: home,
                columns: [
                    "adx_name": .string("Home"), "adx_partialurl": .string("/"), "adx_isroot": .boolean(true),
                    "adx_websiteid": siteRef, "adx_parentpageid": .null,
                ]))
        s.add(
            EntityRecord(
                "adx_webpage", id: UUID(),
                columns: [
                    "adx_name": .string("About"), "adx_partialurl": .string(partial), "adx_isroot": .boolean(true),
                    "adx_websiteid": siteRef, "adx_parentpageid": .lookup(EntityReference("adx_webpage", home)),
                ]))
        s.add(
            EntityRecord(
                "adx_sitesetting", id: UUID(),
                columns: ["adx_name": .string("Search/Enabled"), "adx_value": .string(value), "adx_websiteid": siteRef]))
        for r in extra { s.add(r) }
        return s
    }

    static let hostile = "</script><script>alert(1)</script>{{verdict}}{{{title}}}<img src=x onerror=alert(2)>\"'&"

    @Test func hostileValuesAreEscapedInTheHTMLAndTheJUnitXML() throws {
        let a = DriftSide(label: "dev \"<b>\"", snapshot: Self.snapshot(website: Self.site, setting: Self.hostile, partial: "a\"b<i>"))
        let b = DriftSide(label: "test", snapshot: Self.snapshot(website: Self.otherSite, setting: "{{title}}", partial: "a\"b<i>"))
        let result = DriftComparer().compare(source: a, target: b)
        #expect(result.differences.map { "\($0.item.kind.rawValue) \($0.item.table) \($0.key)" } == ["column adx_sitesetting Search/Enabled"])
        #expect(result.expected.map(\.reason) == [.domain])
        let html = try HTMLReport.render(.drift(result))
        #expect(!html.contains("<script") && !html.contains("<img src=x") && !html.contains("<b>"), "a value became markup")
        #expect(
            html.contains(
                "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;{{verdict}}{{{title}}}&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&amp;"))
        #expect(html.contains("data-path=\"/a&quot;b&lt;i&gt;/\""), "a partial URL inside an attribute")
        #expect(html.contains("dev &quot;&lt;b&gt;&quot;"))
        let xml = JUnitReport.drift(result)
        let doc = try XMLDocument(data: Data(xml.utf8))
        let failure = try #require(try doc.nodes(forXPath: "//failure").first as? XMLElement)
        #expect(
            failure.attribute(forName: "message")?.stringValue?.contains(Self.hostile.replacingOccurrences(of: "\"", with: "\"")) == true
                || failure.attribute(forName: "message")?.stringValue?.contains("</script><script>") == true)
        #expect(!xml.contains("</script><script>"), "escaped in the XML text")
    }

    @Test func controlCharactersDoNotBreakTheJUnitXML() throws {
        let a = DriftSide(label: "a", snapshot: Self.snapshot(website: Self.site, setting: "bell\u{07}nul\u{01}"))
        let b = DriftSide(label: "b", snapshot: Self.snapshot(website: Self.otherSite, setting: "x"))
        let xml = JUnitReport.drift(DriftComparer().compare(source: a, target: b))
        let doc = try XMLDocument(data: Data(xml.utf8))
        #expect(try doc.nodes(forXPath: "//failure").count == 1)
    }

    @Test func deploymentProfileColumnsAndEnvironmentVariableSettingsAreExpectedToDiffer() throws {
        let a = Self.snapshot(website: Self.site, setting: "true")
        let b = Self.snapshot(website: Self.otherSite, setting: "false")
        let setting = try #require(a.records["adx_sitesetting"]?.first)
        // Without the profile: a difference.
        #expect(DriftComparer().compare(source: DriftSide(label: "a", snapshot: a), target: DriftSide(label: "b", snapshot: b)).identical == false)
        // The profile names the record (by either side's id) and the column: expected, value hidden.
        let profile = try DeploymentProfileColumns.parse(
            "adx_sitesetting:\n- adx_sitesettingid: \(setting.id.uuidString)\n  adx_value: ${OS.NOT_SET_ANYWHERE}\n",
            source: "test.deployment.yml")
        let withProfile = DriftComparer(profileColumns: profile).compare(
            source: DriftSide(label: "a", snapshot: a), target: DriftSide(label: "b", snapshot: b))
        #expect(withProfile.identical)
        let expected = try #require(withProfile.expected.first { $0.reason == .deploymentProfile })
        #expect(expected.source == VerifyDifference.hidden && expected.target == VerifyDifference.hidden && expected.name == "Search/Enabled")
        // A site setting backed by an environment variable (mspp_source = 1) on either side.
        var linkedA = a, linkedB = b
        linkedA.records["adx_sitesetting"]![0].columns["mspp_source"] = .choice(1)
        linkedB.records["adx_sitesetting"]![0].columns["mspp_source"] = .choice(1)
        let backed = DriftComparer().compare(source: DriftSide(label: "a", snapshot: linkedA), target: DriftSide(label: "b", snapshot: linkedB))
        #expect(backed.identical && backed.expected.contains { $0.reason == .environmentVariable }, "\(backed.lines)")
        #expect(throws: MigrationError.self) { try DeploymentProfileColumns.parse("adx_sitesetting:\n- adx_value: 1\n", source: "bad.yml") }
    }

    @Test func longValuesGetALineDiffWithContext() {
        let before = (1...20).map { "<p>line \($0)</p>" }.joined(separator: "\n")
        let after = before.replacingOccurrences(of: "<p>line 10</p>", with: "<p>line ten</p>")
        let diff = LineDiff.diff(before, after) ?? []
        #expect(diff.filter { $0.kind == .removed }.map(\.text) == ["<p>line 10</p>"])
        #expect(diff.filter { $0.kind == .added }.map(\.text) == ["<p>line ten</p>"])
        #expect(diff.filter { $0.kind == .context }.count == 2 * LineDiff.context)
        #expect(diff.first?.kind == .gap && diff.last?.kind == .gap, "unchanged runs are folded: \(diff.map(\.text))")
        // One long minified line is split after each tag.
        let minified = String(repeating: "<div class=\"a\">x</div>", count: 12)
        let third = minified.ranges(of: "<div class=\"a\">")[2]
        let changed = minified.replacingCharacters(in: third, with: "<div class=\"b\">")
        #expect(LineDiff.isLong(minified) && (LineDiff.diff(minified, changed)?.filter { $0.kind == .added }.count ?? 0) == 1)
    }

    @Test func aDeepOrCyclicPageChainStaysBoundedInTheSiteMap() throws {
        var pages: [SiteMapPage] = []
        var parent: UUID?
        for i in 0..<200 {
            let id = UUID()
            pages.append(SiteMapPage(id: id, parentID: parent, name: "p\(i)", path: "/p\(i)/", status: .same, contentPages: []))
            parent = id
        }
        let x = UUID(), y = UUID()
        pages.append(SiteMapPage(id: x, parentID: y, name: "x", path: "/x/", status: .changed, contentPages: []))
        pages.append(SiteMapPage(id: y, parentID: x, name: "y", path: "/y/", status: .changed, contentPages: []))
        let tree = SiteMap.tree(pages)
        /// (nodes, depth of the deepest node; a top-level node is at depth 0)
        func count(_ n: [SiteMapNode], depth: Int = 0) -> (Int, Int) {
            n.reduce((0, 0)) { acc, node in
                let c = count(node.children, depth: depth + 1); return (acc.0 + 1 + c.0, max(acc.1, depth, c.1))
            }
        }
        let (total, depth) = count(tree)
        #expect(total == pages.count, "every page once")
        #expect(depth == SiteMap.maxDepth + 1, "pages below the cap are listed under their ancestor at the cap")
        var doc = ReportDocument(title: "t", subtitle: "s", sourceLabel: "a", targetLabel: "b", verdict: "v", verdictClass: "ok")
        doc.siteMap = tree.map { Self.node($0) }
        #expect(try HTMLReport.render(doc).contains("data-path=\"/p199/\""))
    }

    static func node(_ n: SiteMapNode) -> ReportNode {
        ReportNode(name: n.page.name, path: n.page.path, status: n.page.status.rawValue, contentPages: [], children: n.children.map(node))
    }
}

import Foundation
import Testing
import TestSupport
import Yams
@testable import PortalModel

/// Every YAML key of every record file in the four standard-model pac folders of the corpus is a
/// known column or N:N relationship of its table (file names → tables: research/pac-portal-format.md
/// §1.2–1.3).
@Suite struct CatalogPacCorpusTests {
    /// Top-level list files and `.portalconfig` reference data → table.
    static let topLevelFiles: [String: String] = [
        "website.yml": "adx_website", "websitelanguage.yml": "adx_websitelanguage", "webrole.yml": "adx_webrole",
        "websiteaccess.yml": "adx_websiteaccess", "webpagerule.yml": "adx_webpageaccesscontrolrule",
        "sitesetting.yml": "adx_sitesetting", "sitemarker.yml": "adx_sitemarker",
        "publishingstate.yml": "adx_publishingstate", "tag.yml": "adx_tag", "urlhistory.yml": "adx_urlhistory",
        "ad.yml": "adx_ad", "adplacement.yml": "adx_adplacement", "botconsumer.yml": "adx_botconsumer",
        "redirect.yml": "adx_redirect", "shortcut.yml": "adx_shortcut", "forumthreadtype.yml": "adx_forumthreadtype",
        "portallanguage.yml": "adx_portallanguage", "websitebinding.yml": "adx_websitebinding",
    ]
    /// Per-record file suffixes → table, longest first.
    static let suffixes: [(String, String)] = [
        (".columnpermissionprofile.columnpermission.yml", "adx_columnpermission"),
        (".columnpermissionprofile.yml", "adx_columnpermissionprofile"),
        (".forum.forumpermission.yml", "adx_communityforumaccesspermission"),
        (".advancedformmetadata.yml", "adx_webformmetadata"), (".basicformmetadata.yml", "adx_entityformmetadata"),
        (".weblinkset.weblink.yml", "adx_weblink"), (".poll.polloption.yml", "adx_polloption"),
        (".cloudflowconsumer.yml", "adx_cloudflowconsumer"), (".advancedformstep.yml", "adx_webformstep"),
        (".tablepermission.yml", "adx_entitypermission"), (".contentsnippet.yml", "adx_contentsnippet"),
        (".pollplacement.yml", "adx_pollplacement"), (".advancedform.yml", "adx_webform"),
        (".pagetemplate.yml", "adx_pagetemplate"), (".webtemplate.yml", "adx_webtemplate"),
        (".weblinkset.yml", "adx_weblinkset"), (".basicform.yml", "adx_entityform"), (".webfile.yml", "adx_webfile"),
        (".webpage.yml", "adx_webpage"), (".forum.yml", "adx_communityforum"), (".list.yml", "adx_entitylist"),
        (".poll.yml", "adx_poll"),
    ]
    /// Files of a pac folder that hold no records.
    static let nonRecordFiles: Set<String> = ["manifest.yml", "azure-pipelines.yml"]

    static func table(forFile name: String) -> String? {
        if let t = topLevelFiles[name] { return t }
        return suffixes.first { name.hasSuffix($0.0) }?.1
    }

    /// The file-name mapping the corpus test relies on picks the most specific suffix.
    @Test func fileNamesMapToTables() {
        #expect(Self.table(forFile: "Home.en-US.webpage.yml") == "adx_webpage")
        #expect(Self.table(forFile: "Default.en-US.weblinkset.weblink.yml") == "adx_weblink")
        #expect(Self.table(forFile: "Default.en-US.weblinkset.yml") == "adx_weblinkset")
        #expect(Self.table(forFile: "Contact.basicform.basicformmetadata.yml") == "adx_entityformmetadata")
        #expect(Self.table(forFile: "News.columnpermissionprofile.columnpermission.yml") == "adx_columnpermission")
        #expect(Self.table(forFile: "bootstrap.min_445fa9f0.css.webfile.yml") == "adx_webfile")
        #expect(Self.table(forFile: "webpagerule.yml") == "adx_webpageaccesscontrolrule")
        #expect(Self.table(forFile: "notes.txt") == nil)
        // Every mapped table is in the catalog.
        let tables = Set(Self.topLevelFiles.values).union(Self.suffixes.map(\.1))
        #expect(tables.filter { TableCatalog.standard.table($0) == nil }.isEmpty)
    }

    @Test(arguments: TestPaths.standardPacFolders)
    func everyYAMLKeyIsAKnownColumnOrRelationship(_ folder: String) throws {
        let catalog = TableCatalog.standard
        let root = TestPaths.pacFolder(folder)
        let files = try #require(FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil))
        var unknown: Set<String> = []
        var unmapped: Set<String> = []
        var records = 0
        var tablesSeen: Set<String> = []
        for case let url as URL in files where url.pathExtension == "yml" {
            let name = url.lastPathComponent
            if Self.nonRecordFiles.contains(name) || name.hasSuffix("-manifest.yml") || url.path.contains("deployment-profiles") {
                continue
            }
            guard let tableName = Self.table(forFile: name) else { unmapped.insert(name); continue }
            let table = try #require(catalog.table(tableName), "no table \(tableName)")
            tablesSeen.insert(tableName)
            let text = try String(contentsOf: url, encoding: .utf8)
            let node = try Yams.compose(yaml: text)
            let mappings: [Node.Mapping]
            if let m = node?.mapping { mappings = [m] } else { mappings = node?.sequence?.compactMap(\.mapping) ?? [] }
            // A web file's YAML merges the adx_webfile record with its note (research/pac-portal-format.md §1.3).
            let note = tableName == "adx_webfile" ? catalog.table("annotation") : nil
            for mapping in mappings {
                records += 1
                for key in mapping.keys.compactMap(\.string) {
                    let known =
                        table.column(key) != nil || table.relationships.contains { $0.name == key }
                        || note?.column(key) != nil
                    if !known { unknown.insert("\(tableName).\(key) (\(name))") }
                }
            }
        }
        #expect(unmapped.isEmpty, "pac files with no table mapping: \(unmapped.sorted())")
        #expect(records > 20)
        #expect(tablesSeen.contains("adx_webpage") && tablesSeen.contains("adx_website"))
        #expect(unknown.isEmpty, "\(folder): keys missing from the catalog:\n\(unknown.sorted().joined(separator: "\n"))")
    }
}

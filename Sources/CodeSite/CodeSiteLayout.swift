import Foundation

/// The two layouts of a code site's `.powerpages-site/` folder (research/code-sites-and-admin-api.md §A.1.3, §A.1.6).
///
/// - `current`: the layout pac writes since about 18–21 Aug 2025 (VS Code's "new Git ALM format"):
///   unprefixed keys with the record id as `id`, one file per record in `site-settings/`,
///   `web-roles/`, …, content pages in `content-pages/<lang>/`, one folder per web file.
/// - `legacy`: the layout before that (pac's enhanced folder format): `adx_` keys, one list file per
///   table at the root (`sitesetting.yml`, `webrole.yml`, …), `content-pages/<Name>.<lang>.webpage.*`,
///   flat `web-files/`. pac refuses it since the break ("upload-code-site with old format is not
///   supported", [T] power-pages-samples#32); PortalMigrate reads it and upgrades it with a notice.
public enum CodeSiteLayout: String, Sendable, Equatable {
    case current
    case legacy

    /// Detects the layout of `siteFolder` (the `.powerpages-site/` folder).
    ///
    /// Assumption (the research leaves pac's own rule open, §A.1.6 [I]): the legacy layout is the one
    /// with a root list file of a one-record table (`sitesetting.yml`, `webrole.yml`, …) or a
    /// `website.yml` keyed `adx_websiteid` without `id`; the current one has neither. A real current
    /// folder may carry `adx_websiteid` beside `id` (DMV@53562eae), which stays current.
    public static func detect(_ siteFolder: URL) -> CodeSiteLayout {
        let fm = FileManager.default
        for list in CurrentLayoutTables.lists where fm.fileExists(atPath: siteFolder.appendingPathComponent(list.legacyFile).path) {
            if list.legacyFile.hasPrefix(".portalconfig/") { continue }
            return .legacy
        }
        if let text = try? String(contentsOf: siteFolder.appendingPathComponent("website.yml"), encoding: .utf8) {
            let keys = text.split(whereSeparator: \.isNewline).compactMap { $0.split(separator: ":").first.map(String.init) }
            if keys.contains("adx_websiteid") && !keys.contains("id") { return .legacy }
        }
        return .current
    }

    /// What changed between the layouts, for the upgrade notice (research §A.1.6 table).
    public static let upgradeChanges = [
        "keys lose their adx_ prefix and the record id is `id`",
        "one file per record in site-settings/, web-roles/, sitemarkers/, publishing-states/, webpage-rules/, website-accesss/, site-languages/, bot-consumers/ (were sitesetting.yml, webrole.yml, … lists)",
        "content pages, snippets and link sets go into a folder per language (content-pages/en-US/Home.webpage.yml; was Home.en-US.webpage.yml)",
        "one folder per web file (web-files/<name>/<Name>; was flat)",
        "source files (includeSource) are listed in source-files/",
    ]
}

/// One table kept as one file per record in the current layout and as a root list in the legacy
/// one (research §A.1.6 "one-record tables").
struct ListTable: Sendable {
    /// The table logical name (`adx_sitesetting`).
    var table: String
    /// The current layout's folder (`site-settings`).
    var folder: String
    /// The file suffix (`sitesetting`).
    var suffix: String
    /// The legacy list file (`sitesetting.yml`).
    var legacyFile: String
    /// The primary id key in the legacy layout.
    var idKey: String { table + "id" }
}

/// The tables of the current layout and their legacy counterparts.
enum CurrentLayoutTables {
    static let lists: [ListTable] = [
        ListTable(table: "adx_websitelanguage", folder: "site-languages", suffix: "websitelanguage", legacyFile: "websitelanguage.yml"),
        ListTable(table: "adx_publishingstate", folder: "publishing-states", suffix: "publishingstate", legacyFile: "publishingstate.yml"),
        ListTable(table: "adx_sitesetting", folder: "site-settings", suffix: "sitesetting", legacyFile: "sitesetting.yml"),
        ListTable(table: "adx_sitemarker", folder: "sitemarkers", suffix: "sitemarker", legacyFile: "sitemarker.yml"),
        ListTable(table: "adx_webrole", folder: "web-roles", suffix: "webrole", legacyFile: "webrole.yml"),
        ListTable(table: "adx_webpageaccesscontrolrule", folder: "webpage-rules", suffix: "webpagerule", legacyFile: "webpagerule.yml"),
        ListTable(table: "adx_websiteaccess", folder: "website-accesss", suffix: "websiteaccess", legacyFile: "websiteaccess.yml"),
        ListTable(table: "adx_botconsumer", folder: "bot-consumers", suffix: "botconsumer", legacyFile: "botconsumer.yml"),
        ListTable(table: "adx_portallanguage", folder: ".portalconfig", suffix: "portallanguage", legacyFile: ".portalconfig/portallanguage.yml"),
    ]

    /// Record-file tables whose files keep their place; only keys change: folder → (table, suffix).
    static let recordFolders: [(folder: String, table: String, suffix: String)] = [
        ("page-templates", "adx_pagetemplate", "pagetemplate"),
        ("table-permissions", "adx_entitypermission", "tablepermission"),
        ("web-templates", "adx_webtemplate", "webtemplate"),
        ("web-pages", "adx_webpage", "webpage"),
        ("content-snippets", "adx_contentsnippet", "contentsnippet"),
        ("weblink-sets", "adx_weblinkset", "weblinkset"),
        ("web-files", "adx_webfile", "webfile"),
    ]

    /// The keys of a web file's note, unprefixed in both layouts.
    static let noteKeys: Set<String> = ["annotationid", "filename", "isdocument", "mimetype", "objectid", "objecttypecode"]

    /// A current-layout key as the legacy layout names it for `table`.
    static func legacyKey(_ key: String, table: String) -> String {
        if key == "id" { return table + "id" }
        if table == "adx_webfile" && noteKeys.contains(key) { return key }
        if key.hasPrefix("adx_") { return key }
        return "adx_" + key
    }

    /// A legacy key as the current layout names it for `table`.
    static func currentKey(_ key: String, table: String) -> String {
        if key == table + "id" { return "id" }
        if key.hasPrefix("adx_") { return String(key.dropFirst(4)) }
        return key
    }
}

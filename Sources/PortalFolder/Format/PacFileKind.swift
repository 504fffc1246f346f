import Foundation

/// How pac stores one table in a site folder (research/pac-portal-format.md §1.2–§1.3).
///
/// - `topLevelList`: one YAML list of records at a fixed path (`webrole.yml`,
///   `.portalconfig/portallanguage.yml`, `forums/forumthreadtype.yml`).
/// - `websiteFile`: `website.yml`, a single mapping.
/// - `recordFile`: one YAML mapping per record, named `<Name>[.<lang>].<suffix>.yml` in
///   `<directory>/` (flat) or `<directory>/<folder>/` (per-record folder), with content columns split
///   into side files `<Name>[.<lang>].<suffix>.<part>`.
/// - `childList`: the records of a child table in one list file next to their parent's file,
///   `<parent base>.<parent suffix>.<suffix>.yml`, linked by the `parentColumn` lookup.
public struct PacTableLayout: Sendable {
    public enum Kind: Sendable, Equatable {
        case websiteFile
        case topLevelList(path: String)
        case recordFile(directory: String, perRecordFolder: Bool)
        case childList(parentTable: String, parentColumn: String)
    }

    /// The table logical name.
    public var table: String
    /// Its primary-id column (the key holding the GUID in the YAML).
    public var idColumn: String
    /// The column naming the record's file (`adx_name`, `adx_entityname`, `adx_profilename`).
    public var nameColumn: String
    /// The file type suffix without dots (`webpage`, `basicformmetadata`).
    public var suffix: String
    public var kind: Kind
    /// Content columns split into side files: file part (`copy.html`) → column (`adx_copy`).
    public var sideFiles: [(part: String, column: String)]
    /// The lookup column whose website language gives the `.<lang>` segment of the name, if any.
    public var languageColumn: String?

    init(
        _ table: String, id: String? = nil, name: String = "adx_name", suffix: String, _ kind: Kind,
        side: [(String, String)] = [], language: String? = nil
    ) {
        self.table = table
        self.idColumn = id ?? table + "id"
        self.nameColumn = name
        self.suffix = suffix
        self.kind = kind
        self.sideFiles = side.map { (part: $0.0, column: $0.1) }
        self.languageColumn = language
    }
}

/// The pac folder format of the standard data model: every table pac writes, where and how.
public enum PacFolderFormat {
    static let webPageParts = [
        ("copy.html", "adx_copy"), ("summary.html", "adx_summary"),
        ("custom_css.css", "adx_customcss"), ("custom_javascript.js", "adx_customjavascript"),
    ]

    /// The tables in pac's layout (research/pac-portal-format.md §1.2–§1.3, §2).
    public static let tables: [PacTableLayout] = [
        PacTableLayout("adx_website", suffix: "website", .websiteFile),
        PacTableLayout("adx_websitelanguage", suffix: "websitelanguage", .topLevelList(path: "websitelanguage.yml")),
        PacTableLayout("adx_webrole", suffix: "webrole", .topLevelList(path: "webrole.yml")),
        PacTableLayout("adx_websiteaccess", suffix: "websiteaccess", .topLevelList(path: "websiteaccess.yml")),
        PacTableLayout("adx_webpageaccesscontrolrule", suffix: "webpagerule", .topLevelList(path: "webpagerule.yml")),
        PacTableLayout("adx_sitesetting", suffix: "sitesetting", .topLevelList(path: "sitesetting.yml")),
        PacTableLayout("adx_sitemarker", suffix: "sitemarker", .topLevelList(path: "sitemarker.yml")),
        PacTableLayout("adx_publishingstate", suffix: "publishingstate", .topLevelList(path: "publishingstate.yml")),
        PacTableLayout("adx_tag", suffix: "tag", .topLevelList(path: "tag.yml")),
        PacTableLayout("adx_urlhistory", suffix: "urlhistory", .topLevelList(path: "urlhistory.yml")),
        PacTableLayout("adx_ad", suffix: "ad", .topLevelList(path: "ad.yml")),
        PacTableLayout("adx_adplacement", suffix: "adplacement", .topLevelList(path: "adplacement.yml")),
        PacTableLayout("adx_botconsumer", suffix: "botconsumer", .topLevelList(path: "botconsumer.yml")),
        PacTableLayout("adx_redirect", suffix: "redirect", .topLevelList(path: "redirect.yml")),
        PacTableLayout("adx_shortcut", suffix: "shortcut", .topLevelList(path: "shortcut.yml")),
        PacTableLayout("adx_portallanguage", suffix: "portallanguage", .topLevelList(path: ".portalconfig/portallanguage.yml")),
        PacTableLayout("adx_websitebinding", suffix: "websitebinding", .topLevelList(path: ".portalconfig/websitebinding.yml")),
        PacTableLayout("adx_forumthreadtype", suffix: "forumthreadtype", .topLevelList(path: "forums/forumthreadtype.yml")),

        PacTableLayout(
            "adx_webpage", suffix: "webpage", .recordFile(directory: "web-pages", perRecordFolder: true),
            side: webPageParts, language: "adx_webpagelanguageid"),
        PacTableLayout(
            "adx_webtemplate", suffix: "webtemplate", .recordFile(directory: "web-templates", perRecordFolder: true),
            side: [("source.html", "adx_source")]),
        PacTableLayout(
            "adx_contentsnippet", suffix: "contentsnippet",
            .recordFile(directory: "content-snippets", perRecordFolder: true),
            side: [("value.html", "adx_value")], language: "adx_contentsnippetlanguageid"),
        PacTableLayout("adx_webfile", suffix: "webfile", .recordFile(directory: "web-files", perRecordFolder: false)),
        PacTableLayout("adx_pagetemplate", suffix: "pagetemplate", .recordFile(directory: "page-templates", perRecordFolder: false)),
        PacTableLayout(
            "adx_entitylist", suffix: "list", .recordFile(directory: "lists", perRecordFolder: false),
            side: [("custom_javascript.js", "adx_registerstartupscript")]),
        PacTableLayout(
            "adx_entitypermission", name: "adx_entityname", suffix: "tablepermission",
            .recordFile(directory: "table-permissions", perRecordFolder: false)),
        PacTableLayout(
            "adx_entityform", suffix: "basicform", .recordFile(directory: "basic-forms", perRecordFolder: true),
            side: [("custom_javascript.js", "adx_registerstartupscript")]),
        PacTableLayout(
            "adx_entityformmetadata", suffix: "basicformmetadata",
            .childList(parentTable: "adx_entityform", parentColumn: "adx_entityform")),
        PacTableLayout("adx_webform", suffix: "advancedform", .recordFile(directory: "advanced-forms", perRecordFolder: true)),
        PacTableLayout(
            "adx_webformstep", suffix: "advancedformstep",
            .recordFile(directory: "advanced-form-steps", perRecordFolder: true),
            side: [("custom_javascript.js", "adx_registerstartupscript")]),
        PacTableLayout(
            "adx_webformmetadata", suffix: "advancedformmetadata",
            .childList(parentTable: "adx_webformstep", parentColumn: "adx_webformstep")),
        PacTableLayout(
            "adx_weblinkset", suffix: "weblinkset", .recordFile(directory: "weblink-sets", perRecordFolder: true),
            language: "adx_websitelanguageid"),
        PacTableLayout("adx_weblink", suffix: "weblink", .childList(parentTable: "adx_weblinkset", parentColumn: "adx_weblinksetid")),
        PacTableLayout("adx_poll", suffix: "poll", .recordFile(directory: "polls", perRecordFolder: true)),
        PacTableLayout("adx_polloption", suffix: "polloption", .childList(parentTable: "adx_poll", parentColumn: "adx_pollid")),
        PacTableLayout("adx_pollplacement", suffix: "pollplacement", .recordFile(directory: "poll-placements", perRecordFolder: false)),
        PacTableLayout("adx_communityforum", suffix: "forum", .recordFile(directory: "forums", perRecordFolder: true)),
        PacTableLayout(
            "adx_communityforumaccesspermission", suffix: "forumpermission",
            .childList(parentTable: "adx_communityforum", parentColumn: "adx_forumid")),
        PacTableLayout(
            "adx_columnpermissionprofile", name: "adx_profilename", suffix: "columnpermissionprofile",
            .recordFile(directory: "column-permission-profiles", perRecordFolder: true)),
        PacTableLayout(
            "adx_columnpermission", suffix: "columnpermission",
            .childList(parentTable: "adx_columnpermissionprofile", parentColumn: "adx_columnpermissionprofileid")),
        PacTableLayout(
            "adx_cloudflowconsumer", suffix: "cloudflowconsumer",
            .recordFile(directory: "cloud-flow-consumer", perRecordFolder: false)),
    ]

    /// Layouts by table logical name.
    public static let byTable: [String: PacTableLayout] = Dictionary(tables.map { ($0.table, $0) }, uniquingKeysWith: { a, _ in a })

    /// The note (annotation) columns merged into a `.webfile.yml` (research/pac-portal-format.md §1.3,
    /// research/pac-yaml-emission.md §3 exception 2).
    public static let annotationColumns: Set<String> = [
        "annotationid", "filename", "isdocument", "mimetype", "objectid",
        "objecttypecode", "subject",
    ]

    /// Columns pac never writes into a record's YAML (research/pac-portal-format.md §2 "Columns not
    /// written"): owner and audit columns. `statecode`/`statuscode` are written only when not the
    /// default (0 / 1), `PacFolderFormat.isDefaultState`.
    public static let unwrittenColumns: Set<String> = [
        "ownerid", "owninguser", "owningteam", "owningbusinessunit", "createdon", "createdby", "createdonbehalfby",
        "modifiedon", "modifiedby", "modifiedonbehalfby", "overriddencreatedon", "utcconversiontimezonecode",
        "documentbody", "adx_websiteid",
    ]

    /// N:N relationships pac writes as GUID lists on the record of `owner` (research/pac-portal-format.md
    /// §2 "N:N relationships"), with the related table. Used when the catalog lacks the relationship.
    public static let relationships: [(name: String, owner: String, related: String)] = [
        ("adx_webpageaccesscontrolrule_webrole", "adx_webpageaccesscontrolrule", "adx_webrole"),
        ("adx_websiteaccess_webrole", "adx_websiteaccess", "adx_webrole"),
        ("adx_entitypermission_webrole", "adx_entitypermission", "adx_webrole"),
        ("adx_adplacement_ad", "adx_adplacement", "adx_ad"),
        ("adx_pollplacement_poll", "adx_pollplacement", "adx_poll"),
        ("adx_columnpermissionprofile_webrole", "adx_columnpermissionprofile", "adx_webrole"),
        ("adx_CloudFlowConsumer_adx_webrole", "adx_cloudflowconsumer", "adx_webrole"),
        ("adx_communityforumaccesspermission_webrole", "adx_communityforumaccesspermission", "adx_webrole"),
    ]

    /// The layout owning a record file name by its suffix (`X.en-US.webpage.yml` → adx_webpage), and
    /// for child lists the parent layout (`X.basicform.basicformmetadata.yml` → adx_entityformmetadata).
    static func layout(forFileName name: String) -> PacTableLayout? {
        guard name.hasSuffix(".yml") else { return nil }
        for t in tables {
            switch t.kind {
            case .recordFile:
                if name.hasSuffix(".\(t.suffix).yml") { return t }
            case .childList(let parent, _):
                if let p = byTable[parent], name.hasSuffix(".\(p.suffix).\(t.suffix).yml") { return t }
            default: continue
            }
        }
        return nil
    }
}

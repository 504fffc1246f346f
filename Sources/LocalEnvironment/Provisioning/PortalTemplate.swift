import Foundation

/// A built-in site template: the default configuration a fresh portal of that kind holds, modelled
/// on the default content research/emulator-facts.md §5 lists (page tree, templates, snippets, site
/// settings, web roles, site markers, link sets, web files). The content is PortalMigrate's own;
/// only names and structural values follow the research note.
public struct PortalTemplate: Sendable {
    /// A web page under Home (or Home itself when `parent` is nil).
    public struct Page: Sendable {
        public var name: String
        public var partialURL: String
        public var parent: String?
        public var pageTemplate: String
        public var hiddenFromSitemap: Bool
        public var excludedFromSearch: Bool
    }
    /// A page template: `type` 756150000 rewrite (with `rewriteURL`) or 756150001 web template.
    public struct PageTemplate: Sendable {
        public var name: String
        public var type: Int
        public var rewriteURL: String?
        public var webTemplate: String?
        public var description: String?
    }
    /// A web file stored as a note on the `adx_webfile` record.
    public struct WebFile: Sendable {
        public var name: String
        public var mimeType: String
        public var content: String
    }

    /// The template's name for `env provision --template` (`starter`, `customer-self-service`).
    public var name: String
    /// The name Microsoft's templates give themselves ("Basic Portal", "Customer Portal").
    public var displayName: String
    public var webTemplates: [String]
    public var pageTemplates: [PageTemplate]
    public var pages: [Page]
    /// Snippet name, value, type (756150000 text, 756150001 HTML).
    public var snippets: [(String, String, Int)]
    /// Setting name and value (nil: no value).
    public var siteSettings: [(String, String?)]
    /// Role name, anonymous users role, authenticated users role.
    public var webRoles: [(String, Bool, Bool)]
    /// Marker name and the page name it points at (nil: no page).
    public var siteMarkers: [(String, String?)]
    /// Link set name and its links (link name, page name).
    public var webLinkSets: [(String, [(String, String?)])]
    public var webFiles: [WebFile]

    /// The built-in templates, by name.
    public static let all: [String: PortalTemplate] = [starter.name: starter, customerSelfService.name: customerSelfService]

    /// The template named `name`. - Throws: `LocalEnvironmentError.unknownTemplate`.
    public static func named(_ name: String) throws -> PortalTemplate {
        guard let t = all[name.lowercased()] else { throw LocalEnvironmentError.unknownTemplate(name, all.keys.sorted()) }
        return t
    }

    // MARK: - Content shared by every template (research/emulator-facts.md §5.2)

    static let rewrite = 756_150_000, webTemplateType = 756_150_001

    static let commonPageTemplates: [PageTemplate] = [
        PageTemplate(name: "Access Denied", type: rewrite, rewriteURL: "~/Pages/AccessDenied.aspx"),
        PageTemplate(
            name: "Default studio template", type: webTemplateType, webTemplate: "Default studio template",
            description: "Default studio template. Please do not modify."),
        PageTemplate(name: "Profile", type: rewrite, rewriteURL: "~/Pages/Profile.aspx"),
        PageTemplate(name: "Search", type: rewrite, rewriteURL: "~/Pages/Search.aspx", webTemplate: "Search"),
        PageTemplate(name: "Full Page", type: rewrite, rewriteURL: "~/Pages/FullPage.aspx"),
    ]

    static let commonPages: [Page] = [
        Page(
            name: "Home", partialURL: "/", parent: nil, pageTemplate: "Default studio template", hiddenFromSitemap: false, excludedFromSearch: false),
        Page(
            name: "Access Denied", partialURL: "access-denied", parent: "Home", pageTemplate: "Default studio template", hiddenFromSitemap: true,
            excludedFromSearch: true),
        Page(
            name: "Page Not Found", partialURL: "page-not-found", parent: "Home", pageTemplate: "Default studio template", hiddenFromSitemap: true,
            excludedFromSearch: true),
        Page(name: "Profile", partialURL: "profile", parent: "Home", pageTemplate: "Profile", hiddenFromSitemap: true, excludedFromSearch: false),
        Page(name: "Search", partialURL: "search", parent: "Home", pageTemplate: "Search", hiddenFromSitemap: true, excludedFromSearch: false),
    ]

    static let commonWebTemplates = [
        "Breadcrumbs", "Default studio template", "Footer", "Header", "Home",
        "Layout 2 Column Wide Left", "Page Copy", "Page Header", "Search", "Search Results",
        "Languages Dropdown", "Pagination",
    ]

    static let commonSnippets: [(String, String, Int)] = [
        ("Footer", "<p>Copyright © {{ now | date: 'yyyy' }}. All rights reserved.</p>", webTemplateType),
        ("Header/Search/ToolTip", "Search", rewrite), ("Header/Toggle Navigation", "Toggle navigation", rewrite),
        ("Mobile Header", "Company Name", webTemplateType), ("Search/Title", "Search", rewrite),
        ("Search/NoResults", "No results found.", rewrite), ("Site name", "Company Name", rewrite),
        ("Logo URL", "/Logo-sm-64.png", rewrite), ("Logo alt text", "Company logo", rewrite),
    ]

    static let commonSettings: [(String, String?)] = [
        ("Authentication/LoginThrottling/IpAddressTimeoutTimeSpan", "00:10:00"),
        ("Authentication/LoginThrottling/MaxAttemptsTimeLimitTimeSpan", "00:03:00"),
        ("Authentication/LoginThrottling/MaxInvaildAttemptsFromIPAddress", "1000"),
        ("Authentication/LoginTrackingEnabled", "false"),
        ("Authentication/OpenAuth/Microsoft/ClientId", nil), ("Authentication/OpenAuth/Microsoft/ClientSecret", nil),
        ("Authentication/Registration/AzureADLoginEnabled", "true"), ("Authentication/Registration/Enabled", "true"),
        ("Authentication/Registration/ExternalLoginEnabled", "true"), ("Authentication/Registration/LocalLoginEnabled", "true"),
        ("Authentication/Registration/OpenRegistrationEnabled", "true"), ("Authentication/Registration/DenyMinors", "false"),
        ("Authentication/Registration/TermsAgreementEnabled", "false"),
        ("CustomerSupport/DisplayAllUserActivitiesOnTimeline", "false"),
        ("Footer/OutputCache/Enabled", "true"), ("Header/OutputCache/Enabled", "true"),
        ("HTTP/X-Frame-Options", "SAMEORIGIN"), ("KnowledgeManagement/DisplayNotes", "false"),
        ("KnowledgeManagement/NotesFilter", "*WEB*"), ("MultiLanguage/DisplayLanguageCodeInURL", "false"),
        ("MultiLanguage/MaximumDepthToClone", "3"), ("OnlineDomains", "sharepoint.com;microsoftonline.com"),
        ("Profile/ForceSignUp", "false"), ("Profile/ShowMarketingOptionsPanel", "true"), ("Search/Enabled", "true"),
        ("Search/FacetedView", "true"), ("Search/IndexNotesAttachments", "false"), ("Search/IndexQueryName", "Portal Search"),
        ("Search/RecordTypeFacetsEntities", "Downloads:annotation,adx_webfile"), ("search/filters", nil),
        ("Site/BootstrapV5Enabled", "true"),
    ]

    static let commonRoles = [("Administrators", false, false), ("Anonymous Users", true, false), ("Authenticated Users", false, true)]

    static let commonMarkers: [(String, String?)] = [
        ("Home", "Home"), ("Access Denied", "Access Denied"),
        ("Page Not Found", "Page Not Found"), ("Profile", "Profile"), ("Search", "Search"),
    ]

    static let commonFiles = [
        WebFile(name: "bootstrap.min.css", mimeType: "text/css", content: "/* PortalMigrate template stylesheet: layout */\nbody{margin:0}\n"),
        WebFile(name: "theme.css", mimeType: "text/css", content: "/* PortalMigrate template theme */\n:root{--portal-primary:#2f5fef}\n"),
        WebFile(name: "portalbasictheme.css", mimeType: "text/css", content: "/* PortalMigrate basic theme */\nh1{font-weight:600}\n"),
    ]

    /// Starter layout ("Basic Portal", research/emulator-facts.md §5.3).
    public static let starter = PortalTemplate(
        name: "starter", displayName: "Basic Portal",
        webTemplates: commonWebTemplates + [
            "Blank Page", "Child Navigation", "Full Page", "Layout 1 Column", "Side Navigation", "Weblink List Group",
        ],
        pageTemplates: commonPageTemplates,
        pages: commonPages + [
            Page(
                name: "Contact us", partialURL: "contact-us", parent: "Home", pageTemplate: "Default studio template", hiddenFromSitemap: false,
                excludedFromSearch: false),
            Page(
                name: "Pages", partialURL: "pages", parent: "Home", pageTemplate: "Default studio template", hiddenFromSitemap: false,
                excludedFromSearch: false),
            Page(
                name: "Subpage 1", partialURL: "subpage1", parent: "Pages", pageTemplate: "Default studio template", hiddenFromSitemap: false,
                excludedFromSearch: false),
            Page(
                name: "Subpage 2", partialURL: "subpage2", parent: "Pages", pageTemplate: "Default studio template", hiddenFromSitemap: false,
                excludedFromSearch: false),
        ],
        snippets: commonSnippets + [("Home/Title", "Welcome", rewrite), ("Home/Subtitle", "A site made from the starter template", rewrite)],
        siteSettings: commonSettings,
        webRoles: commonRoles,
        siteMarkers: commonMarkers + [("Knowledge Base", nil), ("Knowledge Base Search Results", nil)],
        webLinkSets: [
            ("Default", [("Home", "Home")]),
            (
                "Primary Navigation",
                [("Home", "Home"), ("Pages", "Pages"), ("Contact us", "Contact us"), ("Subpage 1", "Subpage 1"), ("Subpage 2", "Subpage 2")]
            ),
            ("Profile Navigation", [("Profile", "Profile")]), ("Footer", []), ("Secondary Navigation", []),
        ],
        webFiles: commonFiles)

    /// Dynamics 365 Customer Self-Service ("Customer Portal", research/emulator-facts.md §5.4).
    public static let customerSelfService = PortalTemplate(
        name: "customer-self-service", displayName: "Customer Portal",
        webTemplates: commonWebTemplates + [
            "Category Details", "Customer Service - Support Home", "Get Help", "Knowledge Base - Home", "Sitemap", "Weblinks Left Navigation",
        ],
        pageTemplates: commonPageTemplates + [
            PageTemplate(name: "Customer Service - Support Home", type: webTemplateType, webTemplate: "Customer Service - Support Home"),
            PageTemplate(name: "Knowledge Base Home", type: webTemplateType, webTemplate: "Knowledge Base - Home"),
            PageTemplate(name: "Category Details", type: webTemplateType, webTemplate: "Category Details"),
            PageTemplate(name: "Sitemap", type: webTemplateType, webTemplate: "Sitemap"),
            PageTemplate(name: "Error", type: rewrite, rewriteURL: "~/Pages/Error.aspx"),
        ],
        pages: commonPages + [
            Page(
                name: "Customer Service - Support Home", partialURL: "support", parent: "Home", pageTemplate: "Customer Service - Support Home",
                hiddenFromSitemap: false, excludedFromSearch: false),
            Page(
                name: "Customer Service - Create Case", partialURL: "create-case", parent: "Customer Service - Support Home",
                pageTemplate: "Default studio template", hiddenFromSitemap: true, excludedFromSearch: false),
            Page(
                name: "Knowledge Base - Home", partialURL: "knowledgebase", parent: "Home", pageTemplate: "Knowledge Base Home",
                hiddenFromSitemap: false, excludedFromSearch: false),
            Page(
                name: "Knowledge Base - Category Details", partialURL: "category", parent: "Knowledge Base - Home", pageTemplate: "Category Details",
                hiddenFromSitemap: true, excludedFromSearch: false),
            Page(name: "Error", partialURL: "error", parent: "Home", pageTemplate: "Error", hiddenFromSitemap: true, excludedFromSearch: true),
            Page(name: "Sitemap", partialURL: "sitemap", parent: "Home", pageTemplate: "Sitemap", hiddenFromSitemap: true, excludedFromSearch: false),
            Page(
                name: "Contact Us", partialURL: "contactus", parent: "Home", pageTemplate: "Default studio template", hiddenFromSitemap: false,
                excludedFromSearch: false),
        ],
        snippets: commonSnippets + [
            ("Home/Title", "How can we help?", rewrite), ("Knowledge Management/Article Details", "Article details", rewrite),
        ],
        siteSettings: commonSettings + [
            ("KnowledgeManagement/ArticleFeedbackEnabled", "true"),
            ("CustomerSupport/CaseEntitlementEnabled", "false"),
            ("Authentication/Registration/CaptchaEnabled", "false"),
        ],
        webRoles: commonRoles,
        siteMarkers: commonMarkers + [
            ("Create Case", "Customer Service - Create Case"), ("Knowledge", "Knowledge Base - Home"),
            ("Category", "Knowledge Base - Category Details"), ("Error", "Error"), ("Contact Us", "Contact Us"),
            ("Case", nil),
        ],
        webLinkSets: [
            ("Default", [("Home", "Home")]),
            (
                "Primary Navigation",
                [
                    ("Home", "Home"), ("Support", "Customer Service - Support Home"), ("Knowledge Base", "Knowledge Base - Home"),
                    ("Contact Us", "Contact Us"),
                ]
            ),
            ("Profile Navigation", [("Profile", "Profile")]), ("Footer", [("Sitemap", "Sitemap")]),
        ],
        webFiles: commonFiles)
}

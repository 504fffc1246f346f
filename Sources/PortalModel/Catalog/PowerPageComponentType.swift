import Foundation

/// The `powerpagecomponent.powerpagecomponenttype` choice of the enhanced data model: which kind of
/// site component a row is, and the standard-model `adx_*` table it replaces.
///
/// Source: research/dataverse-webapi.md §11.3 [V S15; value 35 from S18]. The mappings of 33 (Cloud
/// Flow → `adx_cloudflowconsumer`) and 34 (UX Component → `mspp_uxcomponent`) are marked inferred
/// there. Values 14, 22, 23 and 25 are not used by the choice.
public enum PowerPageComponentType: Int, Codable, Sendable, CaseIterable, Hashable {
    case publishingState = 1
    case webPage = 2
    case webFile = 3
    case webLinkSet = 4
    case webLink = 5
    case pageTemplate = 6
    case contentSnippet = 7
    case webTemplate = 8
    case siteSetting = 9
    case webPageAccessControlRule = 10
    case webRole = 11
    case websiteAccess = 12
    case siteMarker = 13
    case basicForm = 15
    case basicFormMetadata = 16
    case list = 17
    case tablePermission = 18
    case advancedForm = 19
    case advancedFormStep = 20
    case advancedFormMetadata = 21
    case pollPlacement = 24
    case adPlacement = 26
    case botConsumer = 27
    case columnPermissionProfile = 28
    case columnPermission = 29
    case redirect = 30
    case publishingStateTransitionRule = 31
    case shortcut = 32
    case cloudFlow = 33
    case uxComponent = 34
    case serverLogic = 35

    /// The choice label as Microsoft names it (`Web Page`, `Basic Form Metadata`, …).
    public var label: String {
        switch self {
        case .publishingState: return "Publishing State"
        case .webPage: return "Web Page"
        case .webFile: return "Web File"
        case .webLinkSet: return "Web Link Set"
        case .webLink: return "Web Link"
        case .pageTemplate: return "Page Template"
        case .contentSnippet: return "Content Snippet"
        case .webTemplate: return "Web Template"
        case .siteSetting: return "Site Setting"
        case .webPageAccessControlRule: return "Web Page Access Control Rule"
        case .webRole: return "Web Role"
        case .websiteAccess: return "Website Access"
        case .siteMarker: return "Site Marker"
        case .basicForm: return "Basic Form"
        case .basicFormMetadata: return "Basic Form Metadata"
        case .list: return "List"
        case .tablePermission: return "Table Permission"
        case .advancedForm: return "Advanced Form"
        case .advancedFormStep: return "Advanced Form Step"
        case .advancedFormMetadata: return "Advanced Form Metadata"
        case .pollPlacement: return "Poll Placement"
        case .adPlacement: return "Ad Placement"
        case .botConsumer: return "Bot Consumer"
        case .columnPermissionProfile: return "Column Permission Profile"
        case .columnPermission: return "Column Permission"
        case .redirect: return "Redirect"
        case .publishingStateTransitionRule: return "Publishing State Transition Rule"
        case .shortcut: return "Shortcut"
        case .cloudFlow: return "Cloud Flow"
        case .uxComponent: return "UX Component"
        case .serverLogic: return "Server Logic"
        }
    }

    /// The logical name of the standard-model table this component type replaces (`adx_webpage` for
    /// `.webPage`).
    public var standardTable: String {
        switch self {
        case .publishingState: return "adx_publishingstate"
        case .webPage: return "adx_webpage"
        case .webFile: return "adx_webfile"
        case .webLinkSet: return "adx_weblinkset"
        case .webLink: return "adx_weblink"
        case .pageTemplate: return "adx_pagetemplate"
        case .contentSnippet: return "adx_contentsnippet"
        case .webTemplate: return "adx_webtemplate"
        case .siteSetting: return "adx_sitesetting"
        case .webPageAccessControlRule: return "adx_webpageaccesscontrolrule"
        case .webRole: return "adx_webrole"
        case .websiteAccess: return "adx_websiteaccess"
        case .siteMarker: return "adx_sitemarker"
        case .basicForm: return "adx_entityform"
        case .basicFormMetadata: return "adx_entityformmetadata"
        case .list: return "adx_entitylist"
        case .tablePermission: return "adx_entitypermission"
        case .advancedForm: return "adx_webform"
        case .advancedFormStep: return "adx_webformstep"
        case .advancedFormMetadata: return "adx_webformmetadata"
        case .pollPlacement: return "adx_pollplacement"
        case .adPlacement: return "adx_adplacement"
        case .botConsumer: return "adx_botconsumer"
        case .columnPermissionProfile: return "adx_columnpermissionprofile"
        case .columnPermission: return "adx_columnpermission"
        case .redirect: return "adx_redirect"
        case .publishingStateTransitionRule: return "adx_publishingstatetransitionrule"
        case .shortcut: return "adx_shortcut"
        case .cloudFlow: return "adx_cloudflowconsumer"
        case .uxComponent: return "mspp_uxcomponent"
        case .serverLogic: return "adx_serverlogic"
        }
    }

    /// True where research/dataverse-webapi.md §11.3 marks the table mapping inferred ([I]):
    /// Cloud Flow and UX Component.
    public var standardTableIsInferred: Bool { self == .cloudFlow || self == .uxComponent }

    /// The component type that replaces a standard-model table, or `nil` (for example for
    /// `adx_website`, which maps to `powerpagesite`, and `adx_websitelanguage`, which maps to
    /// `powerpagesitelanguage`).
    public init?(standardTable: String) {
        guard let t = Self.allCases.first(where: { $0.standardTable == standardTable }) else { return nil }
        self = t
    }
}

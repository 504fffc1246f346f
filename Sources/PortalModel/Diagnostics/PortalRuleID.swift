import Foundation

/// The stable id of a portal rule (`PortalRules` in Migration, issue 21 "Portal checks"): what `check`
/// and the checks before writing report as `DiagnosticCheck.rule(id)`, and what `--skip-check RULE`
/// takes. The raw value is the public id (kebab-case), shown in text, `--json` and `check --list-rules`.
///
/// It lives beside `DiagnosticCheck` (PortalModel) so a diagnostic's check is one type whatever found
/// it; the rules themselves, and their runner, are in Migration (`PortalRule.swift`).
public enum PortalRuleID: String, CaseIterable, Sendable, Hashable, Codable {
    case duplicateRootPartialURL = "duplicate-root-partial-url"
    case homeSiteMarker = "home-site-marker"
    case contentPageWithoutRoot = "content-page-without-root"
    case contentPageLanguage = "content-page-language"
    case parentPageOtherWebsite = "parent-page-other-website"
    case missingPageTemplate = "missing-page-template"
    case missingWebTemplate = "missing-web-template"
    case liquidMissingWebTemplate = "liquid-missing-web-template"
    case missingSnippet = "missing-snippet"
    case duplicateSiteSetting = "duplicate-site-setting"
    case webFileWithoutContent = "web-file-without-content"
    case anonymousGlobalWrite = "anonymous-global-write"
    case anonymousGlobalAccess = "anonymous-global-access"
    case webAPIWithoutPermission = "webapi-without-permission"
    case secretInPlainText = "secret-in-plain-text"
}

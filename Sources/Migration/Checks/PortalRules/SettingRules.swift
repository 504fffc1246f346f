import Foundation
import PortalModel

/// Rules about site settings (research/platform-behaviours.md §4; research/alm-landscape-2026.md §3 N7).
enum SettingRules {
    static let all: [PortalRule] = [duplicateSiteSetting, webAPIWithoutPermission, secretInPlainText]

    /// Two active site settings of one website with the same name (compared without case: one runtime
    /// path compares with case, another without): the runtime takes the first it finds, in no defined
    /// order. A warning, not an error: real sites run with such pairs (the medical-webfiles-2023 corpus
    /// site has two `ThemeFeature` settings, one enabling and one disabling the theme).
    static let duplicateSiteSetting = PortalRule(
        id: .duplicateSiteSetting, severity: .warning,
        summary: "two active site settings of one website with the same name (which one applies is undefined)",
        source: "research/platform-behaviours.md §4 [V-src SettingDataAdapter.cs, CrmWebsite.cs; V-doc configure-site-settings.md]",
        needs: ["adx_sitesetting"]
    ) { input, rule in
        var groups: [String: [EntityRecord]] = [:]
        for s in input.rows("adx_sitesetting") where PortalRuleInput.isActive(s) {
            guard let name = s.string("adx_name"), !name.isEmpty else { continue }
            groups[(input.website(s)?.dataverseString ?? "-") + "|" + name.lowercased(), default: []].append(s)
        }
        return groups.values.filter { $0.count > 1 }.flatMap { settings in
            let differ = Set(settings.map { $0.columns["adx_value"]?.text ?? "" }).count > 1
            return settings.map { s in
                let others = settings.filter { $0.id != s.id }.map { $0.id.dataverseString }.joined(separator: ", ")
                return rule.diagnostic(
                    "the site setting name is also used by \(others)"
                        + (differ ? " with another value; which value applies is undefined" : " (same value)"),
                    s, column: "adx_name", fix: "keep one of them and delete or deactivate the other")
            }
        }
    }

    /// `Webapi/<table>/enabled` set to true with no active table permission for that table: every Web API
    /// call of the site for that table is refused (403), the break reported after solution deploys. A
    /// warning: the rest of the site runs, and real sites carry such settings (book-multilang-2023 enables
    /// `adx_webrole_contact`, an N:N relationship; comet-selfservice-2023 an entity set name).
    static let webAPIWithoutPermission = PortalRule(
        id: .webAPIWithoutPermission, severity: .warning,
        summary: "Webapi/<table>/enabled is true but no active table permission names that table (the Web API answers 403)",
        source: "research/alm-landscape-2026.md §3 N7 [MS-field, docs]", needs: ["adx_sitesetting", "adx_entitypermission"]
    ) { input, rule in
        let permitted = Set(
            input.rows("adx_entitypermission").filter(PortalRuleInput.isActive)
                .compactMap { $0.string("adx_entitylogicalname")?.lowercased() })
        return input.rows("adx_sitesetting").filter(PortalRuleInput.isActive).compactMap { s in
            guard let name = s.string("adx_name"), let table = webAPITable(name),
                PortalRuleInput.flag(s, "adx_value") == true, !permitted.contains(table.lowercased())
            else { return nil }
            return rule.diagnostic(
                "the Web API is enabled for \(table), but no active table permission names \(table); "
                    + "the site's Web API calls for it are refused", s, column: "adx_value",
                fix: "add a table permission for \(table) (with the web roles that use it), or set the setting to false")
        }
    }

    /// The table of `Webapi/<table>/enabled` (compared without case), else nil.
    static func webAPITable(_ name: String) -> String? {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].lowercased() == "webapi", parts[2].lowercased() == "enabled", !parts[1].isEmpty else { return nil }
        return String(parts[1])
    }

    /// Last-segment fragments that mark a setting as holding a credential (compared lower-cased). Narrower
    /// than `Secrets.nameMarkers` (which hides values in output, where a false positive costs nothing):
    /// `…/ResponseType` holding `code id_token` or `HTTP/Access-Control-Allow-Credentials` are no secrets.
    static let secretMarkers = [
        "secret", "password", "passphrase", "pwd", "connectionstring", "apikey", "privatekey",
        "sharedaccesskey", "signingkey", "accesskey",
    ]

    /// True when the last path segment of a setting name marks a credential.
    static func marksSecret(_ name: String) -> Bool {
        let last = name.split(separator: "/").last.map { $0.lowercased() } ?? ""
        return secretMarkers.contains { last.contains($0) }
    }

    /// A site setting of a pac folder whose name marks a credential (`…/ClientSecret`, `…/AppSecret`,
    /// `…/ConsumerSecret`, `…/Password`, …) holding a value in plain text: committed with the folder,
    /// the secret is in the repository. Values that are no secret are not reported: empty, `true`/`false`,
    /// a deployment-profile or environment-variable reference (`${…}`). The value is never shown.
    static let secretInPlainText = PortalRule(
        id: .secretInPlainText, severity: .error,
        summary: "a site setting named like a secret (…Secret, …Password, …) holding a plain-text value in the folder",
        source: "DESIGN.md \"Secrets\"; research/pac-portal-format.md §4 deployment profiles", needs: ["adx_sitesetting"],
        folderOnly: true, beforeWriting: false
    ) { input, rule in
        input.rows("adx_sitesetting").compactMap { s in
            guard let name = s.string("adx_name"), marksSecret(name), let value = s.columns["adx_value"]?.text?.trimmingCharacters(in: .whitespaces),
                !value.isEmpty, !["true", "false"].contains(value.lowercased()), !value.hasPrefix("${")
            else { return nil }
            return rule.diagnostic(
                "the setting holds a secret in plain text in the folder (\(value.count) characters, not shown)",
                s, column: "adx_value",
                fix:
                    "empty the value in the folder and set it per environment with a deployment profile (\"${OS.VARIABLE}\") or an environment variable"
            )
        }
    }
}

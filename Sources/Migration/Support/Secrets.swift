import Foundation
import PortalModel

/// Which values are secrets and must never be printed or logged (issue 6, "Secrets"; DESIGN.md "Secrets").
///
/// A site setting's value (`adx_sitesetting.adx_value`, or an enhanced-model site setting
/// component's `content`) is secret when the setting's name contains one of `nameMarkers`
/// (case-insensitive). Examples it covers: `Authentication/OpenIdConnect/AzureAD/ClientSecret`,
/// `…/Facebook/AppSecret`, `…/Twitter/ConsumerSecret`, `…/LinkedIn/ConsumerKey`
/// (research/emulator-facts.md, the default OpenAuth settings), `…/Password`, `…/…Key`,
/// `Integration/ConnectionString`, `Authentication/SAML2/{provider}/…Certificate…`, certificate
/// thumbprints, private keys, shared access keys/signatures, passphrases. Secrets in site settings
/// are what makes teams keep `sitesetting.yml` out of git (research/pac-portal-format.md, issue 23;
/// research/peers-and-pain.md §27 "per-environment values"). A false positive only hides a value
/// in a plan; a false negative prints a secret, so the markers are generous. File bodies
/// (`documentbody`, `filecontent`) are never printed either, only their size.
public enum Secrets {
    /// Name fragments that mark a site setting as a secret (compared lower-cased).
    public static let nameMarkers = [
        "secret", "password", "passphrase", "key", "token", "pwd", "credential",
        "connectionstring", "certificate", "thumbprint", "sharedaccess", "signingkey",
    ]

    /// True when the setting name marks a secret.
    public static func isSecretName(_ name: String) -> Bool {
        let n = name.lowercased()
        return nameMarkers.contains { n.contains($0) }
    }

    /// True when `column` of `record` must be hidden in output.
    public static func isHidden(_ record: EntityRecord, column: String, hiddenColumns: Set<String>) -> Bool {
        if hiddenColumns.contains(PlanOptions.hiddenKey(record.logicalName, record.id, column)) { return true }
        if column == "documentbody" || column == "filecontent" { return true }
        if record.logicalName == "adx_sitesetting", column == "adx_value",
            let name = record.string("adx_name"), isSecretName(name)
        {
            return true
        }
        if record.logicalName == "powerpagecomponent", column == "content",
            case .integer(9)? = record.columns["powerpagecomponenttype"], let name = record.string("name"),
            isSecretName(name)
        {
            return true
        }
        if record.logicalName == "powerpagecomponent", column == "content",
            case .choice(9)? = record.columns["powerpagecomponenttype"], let name = record.string("name"),
            isSecretName(name)
        {
            return true
        }
        return false
    }
}

import Foundation
import PortalModel

/// Which values are secrets and must never be printed or logged (issue 6, "Secrets"; DESIGN.md "Secrets").
///
/// A site setting's value (`adx_sitesetting.adx_value`) is secret when the setting's name contains one of
/// `nameMarkers` (case-insensitive): `Authentication/OpenIdConnect/AzureAD/ClientSecret`,
/// `…/Facebook/AppSecret`, `…/Twitter/ConsumerSecret`, `…/Password`, `…/…Key`. File bodies
/// (`documentbody`) are never printed either, only their size.
public enum Secrets {
    /// Name fragments that mark a site setting as a secret.
    public static let nameMarkers = ["secret", "password", "key", "token", "pwd", "credential"]

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
           let name = record.string("adx_name"), isSecretName(name) { return true }
        if record.logicalName == "powerpagecomponent", column == "content",
           case .integer(9)? = record.columns["powerpagecomponenttype"], let name = record.string("name"),
           isSecretName(name) { return true }
        if record.logicalName == "powerpagecomponent", column == "content",
           case .choice(9)? = record.columns["powerpagecomponenttype"], let name = record.string("name"),
           isSecretName(name) { return true }
        return false
    }
}

import Environments
import Foundation
import PortalModel

extension SiteRow {
    /// One row of `site list --json`: `{"state", "siteId", "name", "status", "websiteUrl", "subdomain",
    /// "websiteRecordId", "websiteRecordName", "dataModel", "templateName", "language", "createdOn"}`.
    var json: JSONValue {
        func text(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
        return .object([
            ("state", .string(state.rawValue)),
            ("siteId", text(site?.id)),
            ("name", text(site?.name ?? record?.name)),
            ("status", text(site?.status)),
            ("websiteUrl", text(site?.websiteUrl)),
            ("subdomain", text(site?.subdomain)),
            ("websiteRecordId", text(websiteRecordID)),
            ("websiteRecordName", text(record?.name)),
            ("dataModel", text(dataModel)),
            ("templateName", text(site?.templateName)),
            ("language", language.map { .number(String($0)) } ?? .null),
            ("createdOn", text(site?.createdOn)),
        ])
    }

    /// The row as `site list` prints it: state and name, the site (id, address, template, created), the
    /// website record and its data model, and for an inactive record the command that gives it a site
    /// in the environment named `label`.
    func lines(label: String) -> [String] {
        let record = self.record?.websiteId.dataverseString ?? site?.websiteRecordId ?? "-"
        var out = ["  \(state.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(name)"]
        if let s = site { out.append("      site \(s.id)  \(s.websiteUrl ?? "-")  template \(s.templateName ?? "?")  created \(s.createdOn ?? "?")") }
        out.append("      website record \(record) (\(dataModel ?? "?"))")
        if state == .inactive {
            out.append(
                "      give it a site: portal-migrate site create --environment \(label) --existing-website \(record) --name NAME --subdomain SUBDOMAIN --template TEMPLATE"
            )
        }
        return out
    }
}

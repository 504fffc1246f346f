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
}

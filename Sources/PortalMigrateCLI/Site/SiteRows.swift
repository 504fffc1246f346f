import DataverseWebAPI
import Foundation
import PortalModel

/// One line of `site list`: a site the admin API knows joined with its website record, or a website
/// record with no site (an inactive site, research/code-sites-and-admin-api.md §B.8: VS Code computes
/// "inactive" the same way, all website records minus those a site hosts).
///
/// `state`: `active` (site status `OperationComplete`), `provisioning` (`OperationNotStarted`/`InProgress`),
/// `failed` (`OperationFailed`), `inactive` (a website record with no site), `no-record` (a site whose
/// website record is not in the environment, e.g. after the procedure deleted it).
struct SiteRow {
    var state: String
    var site: PowerPagesWebsite?
    var record: WebsiteSummary?

    static func join(sites: [PowerPagesWebsite], records: [WebsiteSummary]) -> [SiteRow] {
        let byID = Dictionary(records.map { ($0.websiteId, $0) }, uniquingKeysWith: { a, _ in a })
        var hosted = Set<UUID>()
        var rows: [SiteRow] = []
        for s in sites {
            let record = s.websiteRecordID.flatMap { byID[$0] }
            if let r = s.websiteRecordID { hosted.insert(r) }
            let state: String
            switch s.status?.lowercased() ?? "" {
            case "operationfailed": state = "failed"
            case "operationinprogress", "operationnotstarted": state = "provisioning"
            default: state = record == nil ? "no-record" : "active"
            }
            rows.append(SiteRow(state: state, site: s, record: record))
        }
        for r in records where !hosted.contains(r.websiteId) { rows.append(SiteRow(state: "inactive", site: nil, record: r)) }
        return rows
    }

    var json: JSONValue {
        func text(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
        return .object([
            ("state", .string(state)),
            ("siteId", text(site?.id)),
            ("name", text(site?.name ?? record?.name)),
            ("status", text(site?.status)),
            ("websiteUrl", text(site?.websiteUrl)),
            ("subdomain", text(site?.subdomain)),
            ("websiteRecordId", text(record?.websiteId.dataverseString ?? site?.websiteRecordId?.lowercased())),
            ("websiteRecordName", text(record?.name)),
            ("dataModel", text(record?.dataModel ?? site?.dataModel?.lowercased())),
            ("templateName", text(site?.templateName)),
            ("language", (site?.selectedBaseLanguage ?? record?.baseLanguage).map { .number(String($0)) } ?? .null),
            ("createdOn", text(site?.createdOn)),
        ])
    }
}

import DataverseWebAPI
import Foundation
import PortalModel

/// One line of a site listing: a site the admin API knows joined with its website record, or a website
/// record with no site (an inactive site, research/code-sites-and-admin-api.md §B.8: VS Code computes
/// "inactive" the same way, all website records minus those a site hosts).
public struct SiteRow: Sendable, Hashable {
    /// What a row's site (or missing site) means for the user.
    public enum State: String, Sendable, Hashable, CaseIterable {
        /// The site's status is `OperationComplete` (or any status not below) and its record is there.
        case active
        /// `OperationNotStarted` or `OperationInProgress`.
        case provisioning
        /// `OperationFailed`.
        case failed
        /// A website record no site hosts.
        case inactive
        /// A site whose website record is not in the environment (for example after the migration
        /// procedure deleted it).
        case noRecord = "no-record"
    }

    public var state: State
    public var site: PowerPagesWebsite?
    public var record: WebsiteSummary?

    public init(state: State, site: PowerPagesWebsite?, record: WebsiteSummary?) {
        self.state = state
        self.site = site
        self.record = record
    }

    /// The sites in the order given, then the website records no site hosts, in the order given.
    public static func join(sites: [PowerPagesWebsite], records: [WebsiteSummary]) -> [SiteRow] {
        let byID = Dictionary(records.map { ($0.websiteId, $0) }, uniquingKeysWith: { a, _ in a })
        var hosted = Set<UUID>()
        var rows: [SiteRow] = []
        for s in sites {
            let record = s.websiteRecordID.flatMap { byID[$0] }
            if let r = s.websiteRecordID { hosted.insert(r) }
            let state: State
            switch s.status?.lowercased() ?? "" {
            case "operationfailed": state = .failed
            case "operationinprogress", "operationnotstarted": state = .provisioning
            default: state = record == nil ? .noRecord : .active
            }
            rows.append(SiteRow(state: state, site: s, record: record))
        }
        for r in records where !hosted.contains(r.websiteId) { rows.append(SiteRow(state: .inactive, site: nil, record: r)) }
        return rows
    }

    /// The row's name: the site's, else the website record's, else empty.
    public var name: String { site?.name ?? record?.name ?? "" }
    /// The website record id (lower-case), `nil` when neither side names one.
    public var websiteRecordID: String? { record?.websiteId.dataverseString ?? site?.websiteRecordId?.lowercased() }
    /// `standard` or `enhanced`: the website record's, else the site's, `nil` when neither says.
    public var dataModel: String? { record?.dataModel ?? site?.dataModel?.lowercased() }
    /// The language LCID: the site's, else the website record's.
    public var language: Int? { site?.selectedBaseLanguage ?? record?.baseLanguage }
}
